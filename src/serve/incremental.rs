//! Incremental rebuilds for `serve` and `build --watch`: parsed pages cached by content hash
//! (of the page and of the files it includes or measures, see `includes`),
//! the site re-assembled (cheap) after every change, and only the outputs whose inputs changed
//! rendered again. The result is always byte-identical to a clean build (a property test checks
//! it).
//!
//! What decides a re-render is a fingerprint of everything an output reads:
//! - every page: the epoch (config, theme and data; bumped when any of them reloads), the
//!   navigation (tree, titles, URLs) and the site view;
//! - one page: its source's hash, its resolved links, and its page view without the body
//!   (neighbours, breadcrumbs, children lists...), so a changed title or description re-renders
//!   exactly the pages that show it;
//! - the generated files (tags, feed, sitemap, 404, aliases): the list-relevant fields of every
//!   page. Copied files are copied again when a static, asset or theme file changed.

use super::watcher::Plan;
use crate::config::{Config, Overrides};
use crate::diag::Code;
use crate::diag::{Diagnostic, Diagnostics};
use crate::highlight::Highlighter;
use crate::output::MemSink;
use crate::page::{parse_doc_guarded, ParsedDoc};
use crate::render::{reading_minutes, Renderer};
use crate::site::{assemble, Site};
use crate::source::{discover, read_page, SourceFile, Sources};
use crate::theme::Theme;
use rayon::prelude::*;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) type Bytes = Arc<Vec<u8>>;
pub(crate) type Files = BTreeMap<String, Bytes>;

/// A complete rendered site in memory, in three layers written in the same order as a clean
/// build writes them (pages, then generated files, then copies), so a later layer wins.
#[derive(Clone, Default)]
pub struct Snapshot {
    pub pages: Files,
    pub(crate) extras: Files,
    pub(crate) copies: Files,
    /// The search index, built on first request: rebuilding it on every keystroke would cost
    /// more than the rest of the rebuild, and authors rarely search while they write.
    pub(crate) search: Arc<LazySearch>,
}

/// Search index files of one state of the site, computed once, when first asked for.
#[derive(Default)]
pub(crate) struct LazySearch {
    /// (document, URL, section title) in reading order, as `search::entries` lists them.
    inputs: Vec<(Arc<ParsedDoc>, String, String)>,
    files: std::sync::OnceLock<Files>,
}

impl LazySearch {
    fn new(r: &Renderer) -> LazySearch {
        let site = r.site;
        let inputs = site
            .order
            .iter()
            .map(|&i| {
                let d = &site.docs[i];
                let section = d
                    .parent
                    .filter(|&p| p != site.home)
                    .map_or("", |p| site.docs[p].title());
                (d.parsed.clone(), r.config.url(&d.path), section.to_string())
            })
            .collect();
        LazySearch {
            inputs,
            files: Default::default(),
        }
    }

    pub(crate) fn files(&self) -> &Files {
        self.files.get_or_init(|| {
            let entries: Vec<crate::search::Entry> = self
                .inputs
                .iter()
                .map(|(doc, url, section)| crate::search::Entry {
                    title: doc.front.title.as_deref().unwrap_or(""),
                    url: url.clone(),
                    section,
                    description: doc.front.description.as_deref().unwrap_or(""),
                    headings: doc
                        .md
                        .headings
                        .iter()
                        .map(|h| (h.id.as_str(), h.text.as_str()))
                        .collect(),
                    text: &doc.md.text,
                })
                .collect();
            crate::search::files(&entries)
                .into_iter()
                .map(|(k, v)| (k, Arc::new(v)))
                .collect()
        })
    }
}

impl Snapshot {
    pub fn get(&self, path: &str) -> Option<&Bytes> {
        self.copies
            .get(path)
            .or_else(|| self.extras.get(path))
            .or_else(|| {
                path.starts_with("search/")
                    .then(|| self.search.files().get(path))
                    .flatten()
            })
            .or_else(|| self.pages.get(path))
    }

    /// Every file as a clean build would write it.
    pub fn merged(&self) -> Files {
        let mut all = self.pages.clone();
        all.extend(self.extras.iter().map(|(k, v)| (k.clone(), v.clone())));
        all.extend(
            self.search
                .files()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        all.extend(self.copies.iter().map(|(k, v)| (k.clone(), v.clone())));
        all
    }
}

/// A cached parse: the hash of the text it came from and the result.
struct Cached {
    hash: u64,
    result: Result<Arc<ParsedDoc>, Vec<Diagnostic>>,
}

/// Config, theme and data: reloaded only when their files change.
struct Base {
    config: Config,
    highlighter: Highlighter,
    theme: Option<Theme>,
    data: serde_json::Value,
    /// Problems found loading the theme and data, shown with every rebuild until fixed.
    diags: Vec<Diagnostic>,
    /// "Last updated" from git, as `pipeline::load` reads it. Read again on every full reload
    /// (site.toml changed, or a rescan), not on each save: a commit changes no page's text.
    last_commit: HashMap<String, String>,
}

/// Fingerprints of what the current snapshot was rendered from.
#[derive(Default)]
struct Rendered {
    global: u64,
    pages: HashMap<String, u64>,
    extras: u64,
    search: u64,
}

/// What one rebuild did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Output paths whose bytes changed, appeared or disappeared; empty when nothing did.
    pub changed: Vec<String>,
    pub diags: Diagnostics,
    /// Pages rendered again (for the benchmark and tests).
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
    base: Option<Base>,
    sources: Sources,
    discover_diags: Vec<Diagnostic>,
    cache: HashMap<String, Cached>,
    epoch: u64,
    /// The last assembled site, the problems assembling it found, and each source's index.
    site: Option<Site>,
    assemble_diags: Vec<Diagnostic>,
    index: HashMap<String, usize>,
    /// True when the snapshot was rendered from exactly `site`: only then may a rebuild patch
    /// the site in place and re-render only what the changed pages touch.
    clean: bool,
    rendered: Rendered,
    snapshot: Arc<Snapshot>,
    /// Set when a rebuild panicked: the next one starts from scratch.
    poisoned: bool,
    /// "http://127.0.0.1:1111" in serve mode: absolute URLs point at the preview.
    local_origin: Option<String>,
    /// The site's other languages and versions, and their rendered files.
    variants: super::variants::Live,
}

impl Engine {
    pub fn new(root: &Path, overrides: Overrides) -> Engine {
        Engine {
            root: root.to_path_buf(),
            overrides,
            base: None,
            sources: Sources::default(),
            discover_diags: Vec::new(),
            cache: HashMap::new(),
            epoch: 0,
            site: None,
            assemble_diags: Vec::new(),
            index: HashMap::new(),
            clean: false,
            rendered: Rendered::default(),
            snapshot: Arc::new(Snapshot::default()),
            poisoned: false,
            local_origin: None,
            variants: super::variants::Live::default(),
        }
    }

    /// Serve mode: permalinks, the feed and the sitemap use the preview's address.
    pub fn with_local_origin(mut self, origin: &str) -> Engine {
        self.local_origin = Some(origin.trim_end_matches('/').to_string());
        self
    }

    /// The last good site.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.clone()
    }

    /// The config of the last successful load, if any.
    pub(crate) fn config(&self) -> Option<&Config> {
        self.base.as_ref().map(|b| &b.config)
    }

    /// Applies a plan. A panic anywhere is caught and reported; the next rebuild starts over.
    pub fn rebuild(&mut self, plan: &Plan) -> Outcome {
        let mut plan = plan.clone();
        if self.poisoned || self.base.is_none() {
            plan.merge(Plan::full());
        }
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.run(&plan)));
        match run {
            Ok(outcome) => {
                self.poisoned = false;
                self.clean = !outcome.failed();
                outcome
            }
            Err(_) => {
                self.poisoned = true;
                self.clean = false;
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

    fn run(&mut self, plan: &Plan) -> Outcome {
        let mut diags = Diagnostics::default();
        let epoch = self.epoch;
        if !self.reload_base(plan, &mut diags) {
            self.site = None;
            return Outcome {
                diags: diags.sorted(),
                ..Outcome::default()
            };
        }
        let structural = self.update_sources(plan);
        let replaced = self.refresh_cache(plan, structural);
        let quick = !structural && epoch == self.epoch && self.clean;
        let touched = if quick {
            self.patch_site(&replaced)
        } else {
            None
        };
        if touched.is_none() {
            self.assemble();
        }
        // A page that came or went in some language or version changes the switchers of every
        // variant: the main one is then rendered again whole.
        let touched = match self.refresh_variants(plan, &mut diags) {
            true => {
                self.epoch += 1;
                None
            }
            false => touched,
        };
        self.collect_diags(&mut diags);
        let (Some(base), Some(site)) = (self.base.as_ref(), self.site.as_ref()) else {
            return Outcome::default();
        };
        let mut outcome = Outcome {
            pages: site.docs.len(),
            ..Outcome::default()
        };
        let theme = base.theme.as_ref().filter(|_| !diags.has_errors());
        if let Some(theme) = theme {
            let r = Renderer {
                config: &base.config,
                site,
                theme,
                data: &base.data,
                highlighter: &base.highlighter,
            };
            // The same owner map as `build`: a clash fails the rebuild, the last good
            // snapshot stays in front of the browser. A patched site kept every output path.
            if touched.is_none() {
                crate::owners::check(&r, &mut diags);
            }
            if diags.has_errors() {
                outcome.diags = diags.sorted();
                return outcome;
            }
            let copies = plan.statics || plan.theme_static || plan.templates || plan.rescan;
            let job = Job {
                cache: &self.cache,
                epoch: self.epoch,
                prev: &self.rendered,
                old: &self.snapshot,
                copies,
                touched: touched.as_deref(),
            };
            let (next, done) = render(&r, &job, &mut diags);
            if !diags.has_errors() {
                let mut next = next;
                let mut changed = done.changed;
                self.variants
                    .merge_into(&mut next.extras, &self.snapshot.extras, &mut changed);
                outcome.rendered = done.pages_rendered;
                outcome.changed = changed;
                outcome.search_changed = done.search_changed;
                self.snapshot = Arc::new(next);
                self.rendered = done.state;
            }
        }
        outcome.diags = diags.sorted();
        outcome
    }

    /// Reloads the other variants when the plan touches them (or everything reloads), links
    /// every variant's config to the new map and renders the others again if anything they
    /// show changed. True when the map changed, so the main variant's switchers did too.
    fn refresh_variants(&mut self, plan: &Plan, diags: &mut Diagnostics) -> bool {
        let (Some(base), Some(site)) = (self.base.as_mut(), self.site.as_ref()) else {
            return false;
        };
        let Some(theme) = base.theme.as_ref() else {
            return false;
        };
        let reload = plan.config || plan.rescan || plan.templates || plan.data || plan.variants;
        let shared = crate::variants::Shared {
            parse: crate::pipeline::parse_all,
            theme,
            data: &base.data,
            highlighter: &base.highlighter,
        };
        self.variants
            .refresh(reload, &shared, &mut base.config, site, diags)
    }

    /// Every problem known now: theme and data, discovery, each file's parse, the site.
    fn collect_diags(&self, diags: &mut Diagnostics) {
        if let Some(base) = &self.base {
            diags.extend(base.diags.iter().cloned());
        }
        diags.extend(self.discover_diags.iter().cloned());
        for f in &self.sources.markdown {
            match self.cache.get(&f.rel).map(|c| &c.result) {
                Some(Ok(doc)) => diags.extend(doc.md.diagnostics.iter().cloned()),
                Some(Err(ds)) => diags.extend(ds.iter().cloned()),
                None => {}
            }
        }
        diags.extend(self.assemble_diags.iter().cloned());
    }

    /// Builds the site from every cached page.
    fn assemble(&mut self) {
        let Some(base) = self.base.as_ref() else {
            return;
        };
        let docs: Vec<(SourceFile, Arc<ParsedDoc>)> = self
            .sources
            .markdown
            .iter()
            .filter_map(|f| match self.cache.get(&f.rel).map(|c| &c.result) {
                Some(Ok(doc)) => Some((f.clone(), doc.clone())),
                _ => None,
            })
            .collect();
        let unparsed =
            crate::source::unparsed(&self.sources.markdown, docs.iter().map(|(f, _)| &f.rel));
        let mut d = Diagnostics::default();
        let mut site = assemble(
            &base.config,
            docs,
            self.sources.assets.clone(),
            self.sources.static_files.clone(),
            &unparsed,
            &mut d,
        );
        site.last_commit = base.last_commit.clone();
        self.assemble_diags = d.0;
        self.index = site
            .docs
            .iter()
            .enumerate()
            .map(|(i, doc)| (doc.source.clone(), i))
            .collect();
        self.site = Some(site);
    }

    /// When the changed pages kept everything the site is assembled from (front matter,
    /// heading ids, link targets), swaps their parsed text into the site instead of
    /// assembling it again, and returns their indices.
    fn patch_site(&mut self, replaced: &[String]) -> Option<Vec<usize>> {
        let site = self.site.as_ref()?;
        let mut touched = Vec::with_capacity(replaced.len());
        for rel in replaced {
            let i = *self.index.get(rel)?;
            let Ok(new) = &self.cache.get(rel)?.result else {
                return None;
            };
            let flagged = self.assemble_diags.iter().any(|d| &d.path == rel);
            if flagged || !same_shape(&site.docs[i].parsed, new) {
                return None;
            }
            touched.push((i, new.clone()));
        }
        let site = self.site.as_mut()?;
        for (i, doc) in &touched {
            site.docs[*i].parsed = doc.clone();
        }
        Some(touched.into_iter().map(|(i, _)| i).collect())
    }

    /// The config; in serve mode with base_url moved to the local server, same path.
    fn load_config(&self) -> Result<Config, Diagnostic> {
        let config = Config::load(&self.root, &self.overrides)?;
        match &self.local_origin {
            None => Ok(config),
            Some(origin) => {
                let overrides = Overrides {
                    base_url: Some(format!("{origin}{}", config.base_path)),
                    ..self.overrides.clone()
                };
                Config::from_site(&self.root, config.site, &overrides)
            }
        }
    }

    /// Reloads config, theme and data as the plan says; false when the config cannot load.
    fn reload_base(&mut self, plan: &Plan, diags: &mut Diagnostics) -> bool {
        if plan.config || self.base.is_none() {
            let config = match self.load_config() {
                Ok(c) => c,
                Err(d) => {
                    diags.push(d);
                    self.base = None;
                    return false;
                }
            };
            let highlighter = Highlighter::new(&config.site.highlight);
            // Parsing depends on the highlighting and front matter settings: start afresh.
            self.cache.clear();
            self.base = Some(Base {
                config,
                highlighter,
                theme: None,
                data: serde_json::Value::Null,
                diags: Vec::new(),
                last_commit: HashMap::new(),
            });
        }
        let full = plan.config || plan.rescan;
        let base = self.base.as_mut().expect("set above");
        if full {
            // Same git pass as `build`; `full` bumps the epoch below, so every page re-renders.
            base.last_commit =
                crate::git::last_updated(&base.config.root, base.config.content_dir());
        }
        if full || plan.templates || plan.theme_static || plan.data || base.theme.is_none() {
            let mut d = Diagnostics::default();
            base.theme = Theme::load(&base.config, &mut d);
            let sources = discover(
                &base.config.root,
                base.config.content_dir(),
                &mut Diagnostics::default(),
            );
            base.data = crate::data::load(&sources.data, &mut d);
            base.diags = d.0;
            if full || plan.templates || plan.data {
                self.epoch += 1;
            }
        }
        true
    }

    /// Rediscovers the sources unless every changed path is a Markdown file we already know
    /// and that is still there (the common case of saving a page). True when it rediscovered.
    fn update_sources(&mut self, plan: &Plan) -> bool {
        let known = |p: &String| self.index.contains_key(p) && self.root.join(p).is_file();
        let structural = plan.rescan
            || plan.config
            || plan.statics
            || plan.data
            || self.site.is_none()
            || !plan.content.iter().all(known);
        if structural {
            let mut d = Diagnostics::default();
            let content = self
                .base
                .as_ref()
                .map_or("content", |b| b.config.content_dir());
            self.sources = discover(&self.root, content, &mut d);
            self.discover_diags = d.0;
        }
        structural
    }

    /// Re-reads what may have changed and parses the files whose text is new; returns them.
    /// Files included by the cached pages -> the pages that include them (see `crate::include`).
    pub fn includes(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (page, cached) in &self.cache {
            for file in cached.result.iter().flat_map(|d| &d.md.includes) {
                map.entry(file.clone()).or_default().insert(page.clone());
            }
        }
        map
    }

    /// The current bytes of the files the cached parse of `page` included.
    fn included_text(&self, page: &str) -> Vec<Option<Vec<u8>>> {
        let files = self.cache.get(page).and_then(|c| c.result.as_ref().ok());
        files
            .iter()
            .flat_map(|d| &d.md.includes)
            .map(|rel| std::fs::read(self.root.join(rel)).ok())
            .collect()
    }

    fn refresh_cache(&mut self, plan: &Plan, structural: bool) -> Vec<String> {
        let base = self.base.as_ref().expect("loaded");
        let all = plan.rescan || plan.config;
        let strict = base.config.site.front_matter.unknown_keys == crate::config::Level::Error;
        let stale: Vec<&SourceFile> = if structural {
            self.sources
                .markdown
                .iter()
                .filter(|f| {
                    all || plan.content.contains(&f.rel) || !self.cache.contains_key(&f.rel)
                })
                .collect()
        } else {
            self.sources
                .markdown
                .iter()
                .filter(|f| plan.content.contains(&f.rel))
                .collect()
        };
        let fresh: Vec<(String, Cached)> = stale
            .par_iter()
            .filter_map(|f| {
                let (hash, text) = match read_page(f) {
                    // The `[html]` policy and the files it includes change what a page
                    // parses to.
                    Ok(t) => {
                        let included = self.included_text(&f.rel);
                        (hash_of(&(&t, &base.config.site.html, included)), Ok(t))
                    }
                    Err(d) => (0, Err(d)),
                };
                let same = self
                    .cache
                    .get(&f.rel)
                    .is_some_and(|c| c.hash == hash && hash != 0);
                if same {
                    return None;
                }
                let result = text.map_err(|d| vec![d]).and_then(|t| {
                    let mut doc = parse_doc_guarded(
                        &f.rel,
                        &t,
                        &base.highlighter,
                        &base.config.site.html,
                        strict,
                    )?;
                    crate::pipeline::after_parse(&base.config, &f.rel, &mut doc, &base.highlighter);
                    Ok(Arc::new(doc))
                });
                Some((f.rel.clone(), Cached { hash, result }))
            })
            .collect();
        let replaced: Vec<String> = fresh.iter().map(|(rel, _)| rel.clone()).collect();
        self.cache.extend(fresh);
        if structural {
            let live: BTreeSet<&str> = self
                .sources
                .markdown
                .iter()
                .map(|f| f.rel.as_str())
                .collect();
            self.cache.retain(|k, _| live.contains(k.as_str()));
        }
        replaced
    }
}

/// Whether two parses of a page give the site the same shape: same front matter, heading ids
/// and link targets. Then only the page itself, and lists showing its reading time, change.
fn same_shape(old: &ParsedDoc, new: &ParsedDoc) -> bool {
    let ids = |d: &ParsedDoc| {
        d.md.headings
            .iter()
            .map(|h| h.id.clone())
            .collect::<Vec<_>>()
    };
    let links = |d: &ParsedDoc| {
        d.md.links
            .iter()
            .map(|l| (l.dest.clone(), l.is_image))
            .collect::<Vec<_>>()
    };
    old.front == new.front && ids(old) == ids(new) && links(old) == links(new)
}

fn hash_of(text: &impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    // 0 is kept for "could not read"
    h.finish().max(1)
}

/// Feeds serialized JSON straight into a hasher.
struct HashWriter<'a>(&'a mut DefaultHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn hash_json(h: &mut DefaultHasher, v: &impl serde::Serialize) {
    // Serializing plain view structs into a hasher cannot fail.
    let _ = serde_json::to_writer(HashWriter(h), v);
}

struct RenderResult {
    state: Rendered,
    pages_rendered: usize,
    changed: Vec<String>,
    search_changed: bool,
}

/// What `render` compares against.
struct Job<'a> {
    cache: &'a HashMap<String, Cached>,
    epoch: u64,
    prev: &'a Rendered,
    old: &'a Snapshot,
    /// Static, asset or theme files changed: copy them all again.
    copies: bool,
    /// Set when the site was patched in place: only these pages' text changed.
    touched: Option<&'a [usize]>,
}

/// Everything every page reads besides itself: the navigation and the site view.
fn global_fingerprint(r: &Renderer, epoch: u64) -> u64 {
    let mut h = DefaultHasher::new();
    epoch.hash(&mut h);
    let site: &Site = r.site;
    (site.docs.len(), site.home).hash(&mut h);
    for d in &site.docs {
        (
            &d.path,
            d.title(),
            d.kind == crate::site::Kind::Section,
            &d.children,
        )
            .hash(&mut h);
    }
    hash_json(&mut h, &r.site_view());
    h.finish()
}

fn page_fingerprint(r: &Renderer, i: usize, source_hash: u64) -> u64 {
    let mut h = DefaultHasher::new();
    source_hash.hash(&mut h);
    r.site.docs[i].link_urls.hash(&mut h);
    let mut view = r.page_view(i, String::new());
    // The table of contents comes from the page's own text, already in `source_hash`.
    view.toc = &[];
    hash_json(&mut h, &view);
    h.finish()
}

/// What the generated files read of every page.
fn extras_fingerprint(r: &Renderer, global: u64) -> u64 {
    let mut h = DefaultHasher::new();
    global.hash(&mut h);
    for d in &r.site.docs {
        let f = d.front();
        (&d.path, d.title(), &f.description, &f.tags).hash(&mut h);
        (
            f.date.as_ref().map(|x| &x.0),
            f.updated.as_ref().map(|x| &x.0),
        )
            .hash(&mut h);
        reading_minutes(d.parsed.md.word_count).hash(&mut h);
    }
    r.site.aliases.hash(&mut h);
    for t in &r.site.tags {
        (&t.name, &t.slug, &t.docs).hash(&mut h);
    }
    h.finish()
}

/// What the search index reads: each page's source (title, headings, text), URL and section.
fn search_fingerprint(r: &Renderer, job: &Job) -> u64 {
    let mut h = DefaultHasher::new();
    for &i in &r.site.order {
        let d = &r.site.docs[i];
        let src = job.cache.get(&d.source).map_or(0, |c| c.hash);
        let section = d.parent.map(|p| r.site.docs[p].title());
        (src, &d.path, section).hash(&mut h);
    }
    h.finish()
}

/// The fingerprint of each page's output, by output path. After an in-place patch only the
/// changed pages and their sections (whose lists show reading times) can differ.
fn page_fingerprints(r: &Renderer, job: &Job) -> HashMap<String, u64> {
    let out = |i: usize| format!("{}index.html", r.site.docs[i].path);
    let fp = |i: usize| {
        let d = &r.site.docs[i];
        let src = job.cache.get(&d.source).map_or(0, |c| c.hash);
        page_fingerprint(r, i, src)
    };
    match job.touched {
        Some(touched) => {
            let mut fps = job.prev.pages.clone();
            let parents = touched.iter().filter_map(|&i| r.site.docs[i].parent);
            for i in touched.iter().copied().chain(parents) {
                fps.insert(out(i), fp(i));
            }
            fps
        }
        None => r.site.order.par_iter().map(|&i| (out(i), fp(i))).collect(),
    }
}

/// The page output (`x/index.html`) that a page-layer file belongs to: each document also
/// writes its Markdown copy `x/index.md`.
fn page_output(path: &str) -> String {
    match path.strip_suffix("index.md") {
        Some(dir) => format!("{dir}index.html"),
        None => path.to_string(),
    }
}

/// Renders what changed on top of the previous snapshot.
fn render(r: &Renderer, job: &Job, diags: &mut Diagnostics) -> (Snapshot, RenderResult) {
    let global = match job.touched {
        Some(_) => job.prev.global,
        None => global_fingerprint(r, job.epoch),
    };
    let all = global != job.prev.global;
    let fps = page_fingerprints(r, job);
    let todo: Vec<usize> = r
        .site
        .order
        .iter()
        .copied()
        .filter(|&i| {
            let out = format!("{}index.html", r.site.docs[i].path);
            all || job.prev.pages.get(&out) != fps.get(&out)
        })
        .collect();
    let site_view = r.site_view();
    let sink = MemSink::default();
    r.render_docs(&todo, &site_view, &sink, diags);
    let fresh = sink.files.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut next = job.old.clone();
    let mut changed = Vec::new();
    if job.prev.pages.len() != fps.len() || fps.keys().any(|k| !job.prev.pages.contains_key(k)) {
        next.pages.retain(|k, _| fps.contains_key(&page_output(k)));
        changed.extend(
            job.old
                .pages
                .keys()
                .filter(|k| !fps.contains_key(&page_output(k)))
                .cloned(),
        );
    }
    for (path, bytes) in fresh {
        if job.old.pages.get(&path).is_none_or(|b| **b != bytes) {
            changed.push(path.clone());
        }
        next.pages.insert(path, Arc::new(bytes));
    }
    let extras = extras_fingerprint(r, global);
    if all || extras != job.prev.extras {
        next.extras = layer(|s, d| r.render_extras(&site_view, s, d), diags);
        changed.extend(layer_changes(&job.old.extras, &next.extras));
    }
    let search = search_fingerprint(r, job);
    let search_changed = all || search != job.prev.search;
    if search_changed {
        next.search = Arc::new(LazySearch::new(r));
    }
    // A page's first diagram or a new image variant changes what is copied.
    let listed = || r.copy_paths().iter().ne(job.old.copies.keys());
    if all || job.copies || job.old.copies.is_empty() || listed() {
        next.copies = layer(|s, d| r.copy_files(s, d), diags);
        changed.extend(layer_changes(&job.old.copies, &next.copies));
    }
    // A path whose winning layer did not change bytes is not a change for the browser.
    changed.sort();
    changed.dedup();
    changed.retain(|p| match (job.old.get(p), next.get(p)) {
        (Some(a), Some(b)) => a != b,
        (None, None) => false,
        _ => true,
    });
    let state = Rendered {
        global,
        pages: fps,
        extras,
        search,
    };
    let done = RenderResult {
        state,
        pages_rendered: todo.len(),
        changed,
        search_changed,
    };
    (next, done)
}

fn layer_changes<'a>(old: &'a Files, new: &'a Files) -> impl Iterator<Item = String> + 'a {
    let gone = old.keys().filter(|k| !new.contains_key(*k));
    let differ = new
        .iter()
        .filter(|(k, v)| old.get(*k).is_none_or(|o| o != *v))
        .map(|(k, _)| k);
    gone.chain(differ).cloned()
}

fn layer(f: impl FnOnce(&MemSink, &mut Diagnostics) -> usize, diags: &mut Diagnostics) -> Files {
    let sink = MemSink::default();
    f(&sink, diags);
    let files = sink.files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.into_iter().map(|(k, v)| (k, Arc::new(v))).collect()
}
