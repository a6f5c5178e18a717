//! Rendered pages kept between builds (`build --cache DIR`, `DIR/pages.pack`), so a CI rebuild
//! after a small edit renders only the pages whose inputs changed and copies the others.
//!
//! A page's HTML depends on the whole site (its sidebar, links, dates), so an entry is keyed
//! by the render key of the output (`render_key`): a hash of its complete template context,
//! the theme's files, the config and the data files, with the page's body standing for its
//! parse by `ParsedDoc::id`, a hash of the page's text and of the files it includes. The
//! preview keeps outputs in memory by the same keys. What every key leaves out is in the
//! pack's header (the backlot build), so a pack from another build is ignored whole; every
//! entry has a checksum (`cache::Pack`), so a damaged one is rendered again. Entries are
//! stored plain: compressed (zstd level 1) the pack was a fifth of the size, but decompressing
//! was a seventh of a warm build, and actions/cache compresses the folder it uploads anyway.
//!
//! `PageSink` wraps the build's sink: it remembers (`Sink::remembers`), so the renderer hashes
//! each output's context and asks `reuse` before rendering it; a key in the pack is copied to
//! the output, any other is rendered and written through, and kept for the next run.

use crate::cache::{Opening, Pack};
use crate::output::Sink;
use rustc_hash::FxHashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

const FILE_NAME: &str = "pages.pack";

/// A sink that copies outputs rendered by an earlier build from the cache.
pub(crate) struct PageSink {
    inner: Box<dyn Sink>,
    pack: Opening,
    /// Outputs being rendered -> their render key, until written.
    pending: Mutex<FxHashMap<String, u64>>,
    reused: AtomicUsize,
    rendered: AtomicUsize,
}

/// An output's entry: its render key and its path (a key names two files, page and copy).
fn entry_key(key: u64, path: &str) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&key.to_le_bytes());
    h.update(path.as_bytes());
    h.digest128()
}

/// Starts opening the pages pack in `dir`: a build does it before it parses (`Opening`).
pub(crate) fn open_pack(dir: &Path) -> Opening {
    let id = format!("{} pages", env!("BACKLOT_CACHE_ID"));
    Opening::start(dir, FILE_NAME, &id)
}

impl PageSink {
    fn pack(&self) -> &Pack {
        self.pack.get()
    }

    /// `pack` (`open_pack`) for outputs written through `inner`.
    pub(crate) fn new(pack: Opening, inner: Box<dyn Sink>) -> PageSink {
        PageSink {
            inner,
            pack,
            pending: Mutex::new(FxHashMap::default()),
            reused: AtomicUsize::new(0),
            rendered: AtomicUsize::new(0),
        }
    }

    /// Ends the run: saves the pack (`Pack::finish_with_note`) and says how many outputs
    /// were copied from it.
    pub(crate) fn finish(&self) -> String {
        let reused = self.reused.load(Ordering::Relaxed);
        let all = reused + self.rendered.load(Ordering::Relaxed);
        self.pack()
            .finish_with_note(reused, all, "rendered outputs")
    }

    /// Whether this run copied any page from the cache.
    pub(crate) fn reused_any(&self) -> bool {
        self.reused.load(Ordering::Relaxed) > 0
    }

    /// Copies output `path` from the pack's entry `k` if it is intact.
    fn copy(&self, path: &str, k: u128) -> bool {
        let written = self.pack().with_entry(k, |bytes| {
            let ok = self.inner.write(path, bytes).is_ok();
            if ok {
                self.pack().put(k, 0, bytes);
            }
            ok
        });
        written == Some(true)
    }
}

impl Sink for PageSink {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.inner.write(path, bytes)?;
        if let Some(key) = self.pending.lock().unwrap().remove(path) {
            self.pack().put(entry_key(key, path), 0, bytes);
        }
        Ok(())
    }

    fn remembers(&self) -> bool {
        true
    }

    fn reuse(&self, paths: &[&str], key: u64) -> bool {
        let keys: Vec<u128> = paths.iter().map(|p| entry_key(key, p)).collect();
        // All or none: a damaged entry or a failed write renders the page again, and the
        // failure, if any, is reported where rendering writes.
        let copied = keys.iter().all(|k| self.pack().has(*k))
            && paths.iter().zip(&keys).all(|(path, k)| self.copy(path, *k));
        if !copied {
            let mut pending = self.pending.lock().unwrap();
            for path in paths {
                pending.insert(path.to_string(), key);
            }
            self.rendered.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        self.reused.fetch_add(1, Ordering::Relaxed);
        true
    }
}
