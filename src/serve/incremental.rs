//! Incremental rebuilds for `serve` and `build --watch`, through the build's own code: every
//! rebuild loads the site with `pipeline::load_with` (kept parses, theme and git dates come
//! from the memo, `memo.rs`) and renders it with `Loaded::render` into a `Recorder`, a sink
//! that remembers what each output was rendered from. The renderer hashes each output's
//! complete template context (`render_key`); an output whose key is unchanged keeps last
//! time's bytes, every other one is rendered again. Files the renderer makes without a
//! template (llms.txt, the stylesheet, copies...) are made again each time and kept when their
//! bytes are equal. So the result is the clean build's by construction (a property test checks it).
//!
//! The snapshot is one map filled in the renderer's own write order, a later write of a path
//! replacing an earlier one as in the output folder; only the search index is held back until
//! a browser asks for it (`search::Deferred`, an `output::Later`).

use super::memo::Memo;
use super::watcher::Plan;
use crate::config::{Config, Overrides};
use crate::diag::Code;
use crate::diag::{Diagnostic, Diagnostics};
use crate::output::Later;
use crate::output::Sink;
use crate::profile::timed;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub(crate) type Bytes = Arc<Vec<u8>>;
pub(crate) type Files = BTreeMap<String, Bytes>;

/// One file of a snapshot.
#[derive(Clone)]
struct Stored {
    bytes: Bytes,
    /// What it was rendered from (`render_key`); 0 for files made without a key.
    key: u64,
    /// Its place in the write order.
    at: u64,
}

/// A complete rendered site in memory.
#[derive(Clone, Default)]
pub struct Snapshot {
    /// Paths are shared with the next snapshot, which keeps most of them.
    files: FxHashMap<Arc<str>, Stored>,
    /// The search index, made when first read, and its place in the write order.
    search: Option<(Arc<dyn Later>, u64)>,
}

impl Snapshot {
    /// Adds a file after all the others (tests build snapshots by hand).
    #[cfg(test)]
    pub(crate) fn insert(&mut self, path: &str, bytes: Bytes) {
        let at = self.files.len() as u64 + 1;
        let stored = Stored { bytes, key: 0, at };
        self.files.insert(path.into(), stored);
    }

    /// The search index's files win over files written before it, lose to those after.
    fn search_wins(&self, file: Option<&Stored>) -> Option<&dyn Later> {
        let (search, at) = self.search.as_ref()?;
        file.is_none_or(|f| f.at < *at).then_some(&**search)
    }

    pub fn get(&self, path: &str) -> Option<&Bytes> {
        let file = self.files.get(path);
        let searched = path.starts_with("search/").then(|| self.search_wins(file));
        match searched.flatten().and_then(|s| s.files().get(path)) {
            Some(bytes) => Some(bytes),
            None => file.map(|f| &f.bytes),
        }
    }

    /// Every file as a clean build writes it.
    pub fn merged(&self) -> Files {
        let after = |f: &Stored| self.search.as_ref().is_some_and(|(_, at)| f.at > *at);
        let mut all: Files = self
            .files
            .iter()
            .filter(|(_, f)| !after(f))
            .map(|(k, f)| (k.to_string(), f.bytes.clone()))
            .collect();
        if let Some((search, _)) = &self.search {
            all.extend(search.files().iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        let later = self.files.iter().filter(|(_, f)| after(f));
        all.extend(later.map(|(k, f)| (k.to_string(), f.bytes.clone())));
        all
    }

    /// The search index files (`build --watch` writes them when they changed).
    pub(crate) fn search_files(&self) -> Files {
        self.search
            .as_ref()
            .map(|(s, _)| s.files().clone())
            .unwrap_or_default()
    }

    /// The paths of the files written (the search index aside).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(|k| &**k)
    }

    fn search_key(&self) -> Option<u64> {
        self.search.as_ref().map(|(s, _)| s.key())
    }
}

/// The sink a rebuild renders into: keeps the bytes of every output whose key matches the last
/// snapshot's, and the last snapshot's `Arc` for every file whose bytes are equal.
struct Recorder<'a> {
    old: &'a Snapshot,
    state: Mutex<Recording>,
}

#[derive(Default)]
struct Recording {
    next: Snapshot,
    /// Keys announced by `reuse` for the writes that follow.
    keys: FxHashMap<String, u64>,
    at: u64,
    /// Outputs rendered again (the others were kept).
    rendered: usize,
}

impl<'a> Recorder<'a> {
    fn new(old: &'a Snapshot) -> Recorder<'a> {
        let mut state = Recording::default();
        // Sized for a site like the last one: growing a map of 20,000 paths rehashes it often.
        state.next.files.reserve(old.files.len());
        Recorder {
            old,
            state: Mutex::new(state),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Recording> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The last snapshot's name for `path`, else a new one.
    fn name(&self, path: &str) -> Arc<str> {
        match self.old.files.get_key_value(path) {
            Some((k, _)) => k.clone(),
            None => path.into(),
        }
    }

    /// Stores `bytes` at `path`, as the last snapshot's when equal.
    fn put(&self, path: &str, bytes: Bytes) {
        let bytes = match self.old.files.get(path) {
            Some(o) if Arc::ptr_eq(&o.bytes, &bytes) || o.bytes == bytes => o.bytes.clone(),
            _ => bytes,
        };
        let name = self.name(path);
        let mut st = self.lock();
        let key = st.keys.remove(path).unwrap_or(0);
        st.at += 1;
        let at = st.at;
        st.next.files.insert(name, Stored { bytes, key, at });
    }

    fn finish(self) -> (Snapshot, usize) {
        let st = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        (st.next, st.rendered)
    }
}

impl Sink for Recorder<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        crate::output::checked(path)?;
        let same = self
            .old
            .files
            .get(path)
            .filter(|o| o.bytes.as_slice() == bytes);
        let bytes = same.map_or_else(|| Arc::new(bytes.to_vec()), |o| o.bytes.clone());
        self.put(path, bytes);
        Ok(())
    }

    fn remembers(&self) -> bool {
        true
    }

    fn lasts(&self) -> bool {
        true
    }

    fn reuse(&self, paths: &[&str], key: u64) -> bool {
        let kept: Option<Vec<(&Arc<str>, &Stored)>> = paths
            .iter()
            .map(|p| {
                let (name, old) = self.old.files.get_key_value(*p)?;
                (old.key == key && key != 0).then_some((name, old))
            })
            .collect();
        let mut st = self.lock();
        match kept {
            Some(kept) => {
                for (name, old) in kept {
                    st.at += 1;
                    let stored = Stored {
                        at: st.at,
                        ..old.clone()
                    };
                    st.next.files.insert(name.clone(), stored);
                }
                true
            }
            None => {
                for path in paths {
                    st.keys.insert(path.to_string(), key);
                }
                st.rendered += 1;
                false
            }
        }
    }

    fn search_later(&self, key: &dyn Fn() -> u64, inputs: &dyn Fn(u64) -> Arc<dyn Later>) -> bool {
        let key = key();
        let search = match &self.old.search {
            // The same inputs: keep the index, made already if a browser asked for it.
            Some((old, _)) if old.key() == key => old.clone(),
            _ => inputs(key),
        };
        let mut st = self.lock();
        st.at += 1;
        st.next.search = Some((search, st.at));
        true
    }
}

/// The paths whose bytes differ between two snapshots, appeared or went (search index aside).
fn changes(old: &Snapshot, new: &Snapshot) -> Vec<String> {
    let differ = |a: &Stored, b: &Stored| !Arc::ptr_eq(&a.bytes, &b.bytes) && a.bytes != b.bytes;
    let gone = old.files.keys().filter(|k| !new.files.contains_key(*k));
    let changed = new
        .files
        .iter()
        .filter(|(k, f)| old.files.get(*k).is_none_or(|o| differ(o, f)))
        .map(|(k, _)| k);
    let all: BTreeSet<&Arc<str>> = gone.chain(changed).collect();
    all.into_iter().map(|k| k.to_string()).collect()
}

/// What one rebuild did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Output paths whose bytes changed, appeared or disappeared; empty when nothing did.
    pub changed: Vec<String>,
    pub diags: Diagnostics,
    /// Outputs rendered through a template again (for the benchmark and tests).
    pub rendered: usize,
    /// The search index has other inputs than before (`build --watch` rewrites it).
    pub search_changed: bool,
    pub(crate) pages: usize,
}

impl Outcome {
    pub fn failed(&self) -> bool {
        self.diags.has_errors()
    }
}

pub struct Engine {
    root: PathBuf,
    overrides: Overrides,
    /// "http://127.0.0.1:1111" in serve mode: absolute URLs point at the preview.
    local_origin: Option<String>,
    memo: Memo,
    /// The config of the last load that read one.
    config: Option<Config>,
    snapshot: Arc<Snapshot>,
    /// Set when a rebuild panicked: the next one starts from scratch.
    poisoned: bool,
    /// The site's other languages and versions, and their rendered files.
    variants: super::variants::Live,
}

impl Engine {
    pub fn new(root: &Path, overrides: Overrides) -> Engine {
        Engine {
            root: root.to_path_buf(),
            overrides,
            local_origin: None,
            memo: Memo::default(),
            config: None,
            snapshot: Arc::new(Snapshot::default()),
            poisoned: false,
            variants: super::variants::Live::default(),
        }
    }

    /// Serve mode: permalinks, the feed and the sitemap use the preview's address.
    pub fn with_local_origin(mut self, origin: &str) -> Engine {
        let origin = origin.trim_end_matches('/').to_string();
        self.memo = Memo::new(Some(origin.clone()));
        self.local_origin = Some(origin);
        self
    }

    /// The last good site.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.clone()
    }

    /// The config of the last load that could read one, if any.
    pub(crate) fn config(&self) -> Option<&Config> {
        self.config.as_ref()
    }

    /// Files included by the pages -> the pages that include them (see `crate::include`).
    pub fn includes(&self) -> BTreeMap<String, BTreeSet<String>> {
        self.memo.includes()
    }

    /// Applies a plan. A panic anywhere is caught and reported; the next rebuild starts over.
    pub fn rebuild(&mut self, plan: &Plan) -> Outcome {
        let mut plan = plan.clone();
        if self.poisoned {
            self.memo = Memo::new(self.local_origin.clone());
            self.variants = Default::default();
            plan.merge(Plan::full());
        }
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.run(&plan)));
        match run {
            Ok(outcome) => {
                self.poisoned = false;
                outcome
            }
            Err(_) => {
                self.poisoned = true;
                let mut diags = Diagnostics::default();
                diags.push(
                    Diagnostic::error(
                        Code::InternalError,
                        "site",
                        1,
                        1,
                        "internal error during the rebuild (a panic was caught)",
                    )
                    .with_help(
                        "the preview keeps running; please report the change that caused it",
                    ),
                );
                Outcome {
                    diags,
                    ..Outcome::default()
                }
            }
        }
    }

    /// Loads and renders as `build` does, keeping what did not change.
    fn run(&mut self, plan: &Plan) -> Outcome {
        let mut diags = Diagnostics::default();
        self.memo.changed(plan);
        let loaded = timed("load", || {
            crate::pipeline::load_with(&self.root, &self.overrides, &mut self.memo, &mut diags)
        });
        let read_config = self.memo.seen();
        let Some(mut loaded) = loaded else {
            if !read_config {
                self.config = None;
            }
            return Outcome {
                diags: diags.sorted(),
                ..Outcome::default()
            };
        };
        // As `build` does before rendering: the other variants, linked to this one's pages.
        let reload = plan.config || plan.rescan || plan.templates || plan.data || plan.variants;
        let shared = crate::variants::Shared {
            parse: crate::pipeline::parse_all,
            theme: &loaded.theme,
            data: &loaded.data,
            highlighter: &loaded.highlighter,
        };
        self.variants.refresh(
            reload,
            &shared,
            &mut loaded.config,
            &loaded.site,
            &mut diags,
        );
        self.config = Some(loaded.config.clone());
        let mut outcome = Outcome {
            pages: loaded.site.docs.len(),
            ..Outcome::default()
        };
        if diags.has_errors() {
            outcome.diags = diags.sorted();
            return outcome;
        }
        let recorder = Recorder::new(&self.snapshot);
        loaded.render(&recorder, &mut diags);
        self.variants
            .write_into(&|path, bytes| recorder.put(path, bytes));
        if diags.has_errors() {
            outcome.diags = diags.sorted();
            return outcome;
        }
        let (next, rendered) = recorder.finish();
        outcome.changed = timed("compare", || changes(&self.snapshot, &next));
        outcome.search_changed = next.search_key() != self.snapshot.search_key();
        outcome.rendered = rendered;
        outcome.diags = diags.sorted();
        self.snapshot = Arc::new(next);
        self.memo.keep_site(loaded.site);
        outcome
    }
}
