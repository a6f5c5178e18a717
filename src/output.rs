//! Outputs to disk: everything is written into a staging folder beside the output folder and
//! swapped in only when the whole build succeeded, so a failed build leaves the last good site
//! byte-identical. Leftovers of an interrupted build are cleaned up by the next one. An output
//! folder from site.toml stays inside the site: no symlink may lie on the way to it, checked
//! when the build starts and again right before the swap (and before `build --watch` writes).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where rendered files go: a folder, or memory for `serve` and `check`.
pub trait Sink: Sync {
    /// `path` is a site path such as "stacks/go/index.html".
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()>;

    /// Whether this sink remembers what its files were rendered from (the preview's): only
    /// then does the renderer spend time hashing each output's inputs (`render_key`).
    fn remembers(&self) -> bool {
        false
    }

    /// True for a sink that lives from one render to the next (the preview's): the renderer
    /// then keeps its caches and heap for the next render instead of freeing them.
    fn lasts(&self) -> bool {
        false
    }

    /// `key` hashes everything the files `paths` are made from. True when the sink already
    /// holds them as made from that key and keeps them: the renderer then skips them. Otherwise
    /// the sink notes the key for the `write`s that follow.
    fn reuse(&self, _paths: &[&str], _key: u64) -> bool {
        false
    }

    /// Offers to make the search index later, when it is first read: true when the sink takes
    /// `inputs` (the preview, where a browser rarely asks for it) instead of the files. `key`
    /// hashes the inputs, so a sink holding an index of equal key may keep it.
    fn search_later(
        &self,
        _key: &dyn Fn() -> u64,
        _inputs: &dyn Fn(u64) -> std::sync::Arc<dyn Later>,
    ) -> bool {
        false
    }
}

/// Files made when first read (the search index, `search::Deferred`), as a sink may hold them.
pub trait Later: Send + Sync {
    /// Hashes everything the files are made from: equal keys, equal files.
    fn key(&self) -> u64;
    /// The files by path, made on the first call.
    fn files(&self) -> &BTreeMap<String, std::sync::Arc<Vec<u8>>>;
}

/// A site path is relative, with no `..`, backslash or empty segment; anything else is a bug
/// upstream and must never reach the disk.
pub(crate) fn checked(path: &str) -> std::io::Result<&str> {
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
    pub(crate) dir: PathBuf,
    /// Folders this sink has made or found: a page's folder is asked for once, not once per
    /// file (a 10,000-page build made 23,700 `mkdir` calls, 13,700 of them for folders that
    /// were there).
    made: Mutex<rustc_hash::FxHashSet<PathBuf>>,
}

impl DirSink {
    pub(crate) fn new(dir: PathBuf) -> DirSink {
        DirSink {
            dir,
            made: Mutex::default(),
        }
    }

    /// Makes `folder` and its parents unless this sink already has.
    fn make_folder(&self, folder: &Path) -> std::io::Result<()> {
        if self.made.lock().unwrap().contains(folder) {
            return Ok(());
        }
        std::fs::create_dir_all(folder)?;
        self.made.lock().unwrap().insert(folder.to_path_buf());
        Ok(())
    }
}

impl Sink for DirSink {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        let full = self.dir.join(checked(path)?);
        if let Some(parent) = full.parent() {
            self.make_folder(parent)?;
        }
        match std::fs::write(&full, bytes) {
            // A folder removed since it was made (by someone else): made again, once.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = full.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&full, bytes)
            }
            done => done,
        }
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

/// Fails when a symlink appeared on the way from `root` to `output` (checked again right
/// before every write to narrow the race with another process).
pub(crate) fn ensure_confined(root: Option<&Path>, output: &Path) -> std::io::Result<()> {
    let Some(root) = root else { return Ok(()) };
    let rel = output.strip_prefix(root).unwrap_or(output);
    // Every component, the output folder itself included: the staging and old folders sit
    // beside it, in its (checked) parent.
    match crate::config::symlink_on_the_way(root, rel) {
        Some(link) => Err(error(
            std::io::ErrorKind::PermissionDenied,
            format!(
                "refusing to write {}: {} is a symlink, so the output would leave the site",
                output.display(),
                link.display()
            ),
        )),
        None => Ok(()),
    }
}

/// The staging folder for one build of `output`.
pub(crate) struct Staging {
    pub(crate) dir: PathBuf,
    output: PathBuf,
    old: PathBuf,
    /// The site root when the output must stay inside it.
    confined_to: Option<PathBuf>,
}

/// Written into every output folder, and required in any non-empty folder a build replaces:
/// `--output ~` must never wipe a home directory.
pub(crate) const OUTPUT_MARK: &str = ".nojekyll";

fn error(kind: std::io::ErrorKind, msg: String) -> std::io::Error {
    std::io::Error::new(kind, msg)
}

impl Staging {
    /// `confined_to`: the site root when the output came from site.toml (no symlink may lie on
    /// the way to it); None for a folder given on the command line.
    pub(crate) fn begin(output: &Path, confined_to: Option<&Path>) -> std::io::Result<Staging> {
        ensure_confined(confined_to, output)?;
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
            confined_to: confined_to.map(Path::to_path_buf),
        };
        staging.recover()?;
        staging.check_replaceable()?;
        if staging.dir.symlink_metadata().is_ok() {
            std::fs::remove_dir_all(&staging.dir)?;
        }
        std::fs::create_dir(&staging.dir)?;
        Ok(staging)
    }

    /// Cleans up after a build that was killed: during the fallback swap the last site may sit
    /// at `old` with no output folder; an interrupted build or cleanup leaves staging behind.
    fn recover(&self) -> std::io::Result<()> {
        if self.old.symlink_metadata().is_ok() {
            if self.output.symlink_metadata().is_ok() {
                std::fs::remove_dir_all(&self.old)?;
            } else {
                std::fs::rename(&self.old, &self.output)?;
            }
        }
        Ok(())
    }

    /// Fails before any rendering when the swap could not happen or would destroy a folder
    /// backlot did not write.
    fn check_replaceable(&self) -> std::io::Result<()> {
        let out = &self.output;
        let Ok(meta) = out.symlink_metadata() else {
            return Ok(());
        };
        let shown = out.display();
        if !meta.is_dir() {
            return Err(error(
                std::io::ErrorKind::AlreadyExists,
                format!("{shown} exists and is not a folder"),
            ));
        }
        let empty = std::fs::read_dir(out)?.next().is_none();
        if !empty && !out.join(OUTPUT_MARK).exists() {
            return Err(error(
                std::io::ErrorKind::AlreadyExists,
                format!("refusing to replace {shown}: it is not empty and has no {OUTPUT_MARK}, so backlot did not write it"),
            ));
        }
        if !writable(out) {
            return Err(error(
                std::io::ErrorKind::PermissionDenied,
                format!("{shown} is read-only"),
            ));
        }
        Ok(())
    }

    /// Swaps the finished staging folder in as the output. On Linux the swap is one atomic
    /// renameat2(RENAME_EXCHANGE); elsewhere, or where the filesystem refuses it, two renames
    /// whose middle state `recover` repairs. Either way a killed build leaves a complete site.
    pub(crate) fn commit(self) -> std::io::Result<()> {
        if let Err(e) = ensure_confined(self.confined_to.as_deref(), &self.output) {
            self.abort();
            return Err(e);
        }
        if self.output.symlink_metadata().is_err() {
            return std::fs::rename(&self.dir, &self.output);
        }
        if exchange(&self.dir, &self.output)? {
            // The old site is now in the staging folder; a failure here only leaves a
            // leftover that the next build removes.
            let _ = std::fs::remove_dir_all(&self.dir);
            return Ok(());
        }
        std::fs::rename(&self.output, &self.old)?;
        if let Err(e) = std::fs::rename(&self.dir, &self.output) {
            let _ = std::fs::rename(&self.old, &self.output);
            return Err(e);
        }
        let _ = std::fs::remove_dir_all(&self.old);
        Ok(())
    }

    pub(crate) fn abort(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Atomically exchanges two folders. Ok(false) when the system cannot (then rename twice).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Whether this process may change `dir`: access(2) knows about root, read-only mounts and
/// immutable folders, which permission bits do not show.
#[cfg(target_os = "linux")]
fn writable(dir: &Path) -> bool {
    rustix::fs::access(dir, rustix::fs::Access::WRITE_OK).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn writable(dir: &Path) -> bool {
    dir.metadata().is_ok_and(|m| !m.permissions().readonly())
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

    fn site(dir: &Path, marker: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(OUTPUT_MARK), "").unwrap();
        std::fs::write(dir.join("index.html"), marker).unwrap();
    }

    fn index(dir: &Path) -> String {
        std::fs::read_to_string(dir.join("index.html")).unwrap()
    }

    #[test]
    fn swap_replaces_and_cleans_up() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        site(&out, "old");
        let s = Staging::begin(&out, None).unwrap();
        site(&s.dir, "new");
        s.commit().unwrap();
        assert_eq!(index(&out), "new");
        let names: Vec<_> = std::fs::read_dir(t.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"]);
    }

    #[test]
    fn killed_between_renames_recovers_old_site() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        // The fallback swap's middle state: old site moved aside, staging half written.
        site(&t.path().join(".public.backlot-old"), "old");
        site(&t.path().join(".public.backlot-staging"), "half");
        let s = Staging::begin(&out, None).unwrap();
        assert_eq!(index(&out), "old");
        assert!(!t.path().join(".public.backlot-old").exists());
        assert_eq!(
            std::fs::read_dir(&s.dir).unwrap().count(),
            0,
            "leftover staging emptied"
        );
        s.abort();
        assert!(!t.path().join(".public.backlot-staging").exists());
    }

    #[test]
    fn killed_after_exchange_leaves_new_site_and_leftover_goes() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        site(&out, "new");
        site(&t.path().join(".public.backlot-staging"), "old");
        site(&t.path().join(".public.backlot-old"), "older");
        let s = Staging::begin(&out, None).unwrap();
        assert_eq!(index(&out), "new");
        assert!(!t.path().join(".public.backlot-old").exists());
        s.abort();
        assert!(!t.path().join(".public.backlot-staging").exists());
    }

    #[test]
    fn refuses_folders_it_did_not_write() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("home");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("notes.txt"), "precious").unwrap();
        let e = Staging::begin(&out, None).err().unwrap();
        assert!(e.to_string().contains("refusing to replace"), "{e}");
        std::fs::write(t.path().join("file"), "x").unwrap();
        assert!(Staging::begin(&t.path().join("file"), None).is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("notes.txt")).unwrap(),
            "precious"
        );
    }

    #[test]
    fn a_symlink_planted_during_the_build_stops_the_swap() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("site");
        let home = t.path().join("home");
        std::fs::create_dir_all(root.join("out")).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        let out = root.join("out/git");
        let s = Staging::begin(&out, Some(&root)).unwrap();
        site(&s.dir, "new");
        // Another process swaps `out` for a symlink while the site renders.
        std::fs::rename(root.join("out"), root.join("moved")).unwrap();
        std::os::unix::fs::symlink(&home, root.join("out")).unwrap();
        let e = s.commit().err().unwrap();
        assert!(e.to_string().contains("out is a symlink"), "{e}");
        assert_eq!(std::fs::read_dir(&home).unwrap().count(), 0);
    }
}
