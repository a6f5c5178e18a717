//! Outputs to disk: everything is written into a staging folder beside the output folder and
//! swapped in only when the whole build succeeded, so a failed build leaves the last good site
//! byte-identical. Leftovers of an interrupted build are cleaned up by the next one.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where rendered files go: a folder, or memory for `serve` and `check`.
pub trait Sink: Sync {
    /// `path` is a site path such as "stacks/go/index.html".
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()>;
}

/// A site path is relative, with no `..`, backslash or empty segment; anything else is a bug
/// upstream and must never reach the disk.
fn checked(path: &str) -> std::io::Result<&str> {
    let bad = path.is_empty()
        || path.starts_with('/')
        || path.contains('\\')
        || path.contains('\0')
        || path
            .split('/')
            .any(|s| s == ".." || s == "." || s.is_empty());
    if bad {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("refusing to write outside the output folder: {path:?}"),
        ));
    }
    Ok(path)
}

pub struct DirSink {
    pub dir: PathBuf,
}

impl Sink for DirSink {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        let full = self.dir.join(checked(path)?);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut f = std::io::BufWriter::new(std::fs::File::create(&full)?);
        f.write_all(bytes)?;
        f.flush()
    }
}

/// Files kept in memory, sorted by path.
#[derive(Default)]
pub struct MemSink {
    pub files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl Sink for MemSink {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.files
            .lock()
            .unwrap()
            .insert(checked(path)?.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// Counts bytes and drops them: `check` renders everything but writes nothing.
#[derive(Default)]
pub struct NullSink;

impl Sink for NullSink {
    fn write(&self, path: &str, _: &[u8]) -> std::io::Result<()> {
        checked(path).map(|_| ())
    }
}

/// The staging folder for one build of `output`.
pub struct Staging {
    pub dir: PathBuf,
    output: PathBuf,
    old: PathBuf,
}

impl Staging {
    pub fn begin(output: &Path) -> std::io::Result<Staging> {
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let staging = Staging {
            dir: parent.join(format!(".{name}.backlot-staging")),
            old: parent.join(format!(".{name}.backlot-old")),
            output: output.to_path_buf(),
        };
        staging.recover()?;
        if staging.dir.exists() {
            std::fs::remove_dir_all(&staging.dir)?;
        }
        std::fs::create_dir_all(&staging.dir)?;
        Ok(staging)
    }

    /// A build killed between the two renames of `commit` left the last site at `old`.
    fn recover(&self) -> std::io::Result<()> {
        if self.old.exists() {
            if self.output.exists() {
                std::fs::remove_dir_all(&self.old)?;
            } else {
                std::fs::rename(&self.old, &self.output)?;
            }
        }
        Ok(())
    }

    /// Swaps the finished staging folder in as the output.
    pub fn commit(self) -> std::io::Result<()> {
        if self.output.exists() {
            std::fs::rename(&self.output, &self.old)?;
        }
        std::fs::rename(&self.dir, &self.output)?;
        if self.old.exists() {
            std::fs::remove_dir_all(&self.old)?;
        }
        Ok(())
    }

    pub fn abort(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_outside() {
        for p in ["../x", "/etc/passwd", "a/../../b", "a\\b", "", "a//b"] {
            assert!(checked(p).is_err(), "{p}");
        }
        assert!(checked("stacks/go/index.html").is_ok());
    }
}
