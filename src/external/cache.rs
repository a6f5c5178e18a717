//! The external link cache: addresses that worked, with when they were last asked for, in one
//! JSON file under the site root. Only working links are kept, so a rerun after a fix asks
//! again for exactly the broken ones; entries older than the expiry are dropped on load. A
//! missing or unreadable file is an empty cache: the cache only ever saves requests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct File {
    /// Address -> Unix seconds of the last answer that worked.
    ok: BTreeMap<String, u64>,
}

pub(crate) struct Cache {
    path: PathBuf,
    file: File,
    now: u64,
    /// Seconds an entry stays fresh; 0 disables the cache.
    max_age: u64,
}

impl Cache {
    pub(crate) fn load(path: &Path, max_age: u64) -> Cache {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut file: File = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        file.ok.retain(|_, at| now.saturating_sub(*at) < max_age);
        Cache {
            path: path.to_path_buf(),
            file,
            now,
            max_age,
        }
    }

    pub(crate) fn is_fresh(&self, url: &str) -> bool {
        self.max_age > 0 && self.file.ok.contains_key(url)
    }

    pub(crate) fn remember(&mut self, url: &str) {
        self.file.ok.insert(url.to_string(), self.now);
    }

    /// Writes the file through a temporary one, so an interrupted run leaves the old cache.
    pub(crate) fn save(&self) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let text = serde_json::to_string_pretty(&self.file).map_err(std::io::Error::other)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes())?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_fresh_entries_and_drops_expired_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c/links.json");
        let mut cache = Cache::load(&path, 3600);
        assert!(!cache.is_fresh("https://a.test/"));
        cache.remember("https://a.test/");
        cache
            .file
            .ok
            .insert("https://old.test/".into(), cache.now - 7200);
        cache.save().unwrap();
        let again = Cache::load(&path, 3600);
        assert!(again.is_fresh("https://a.test/"));
        assert!(!again.is_fresh("https://old.test/"));
        assert!(!Cache::load(&path, 0).is_fresh("https://a.test/"));
        std::fs::write(&path, "not json").unwrap();
        assert!(!Cache::load(&path, 3600).is_fresh("https://a.test/"));
    }
}
