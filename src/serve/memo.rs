//! What the preview keeps from one load of the site to the next (`pipeline::Stages`): the
//! discovered sources, each page's parse (by a hash of its text, the `[html]` policy and the
//! files it includes), the theme, the highlighter and the git dates. Every run still goes
//! through `pipeline::load_with`, so the site is assembled by the same code as `build`.
//!
//! What may have changed comes from the watcher's `Plan`, except for two inputs that are
//! cheap to look at directly: the config, read on every run (any change to it starts afresh),
//! and git history, read again when the checked-out commit moved (`git::head`).

use super::watcher::Plan;
use crate::config::{Config, Overrides};
use crate::diag::{Diagnostic, Diagnostics};
use crate::highlight::Highlighter;
use crate::page::ParsedDoc;
use crate::pipeline::{Fresh, GitDates, Loaded, Stages};
use crate::site::Site;
use crate::source::{discover, read_page, SourceFile, Sources};
use crate::theme::Theme;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

/// A kept parse: the hash of what it was made from and the result.
struct Parsed {
    hash: u64,
    result: Result<Arc<ParsedDoc>, Vec<Diagnostic>>,
}

#[derive(Default)]
pub(crate) struct Memo {
    /// What changed since the last run that got past the config.
    pending: Plan,
    /// "http://127.0.0.1:1111" in serve mode: absolute URLs point at the preview.
    local_origin: Option<String>,
    /// A hash of the last config: when it differs, nothing kept is used.
    config: u64,
    fresh_config: bool,
    /// This run read the config: every later stage sees the pending changes.
    read_config: bool,
    highlighter: Option<(u64, Arc<Highlighter>)>,
    /// The commit checked out and the dates read at it.
    git: Option<(Option<String>, HashMap<String, String>)>,
    sources: Option<(Sources, Vec<Diagnostic>)>,
    /// This run discovered the sources again: parses of files gone are dropped.
    rediscovered: bool,
    parses: FxHashMap<String, Parsed>,
    theme: Option<(Option<Arc<Theme>>, Vec<Diagnostic>)>,
    theme_reloaded: bool,
    assembled: Option<Assembled>,
    /// This run's site is the last one with some pages' text swapped in (`Memo::assemble`).
    patched: bool,
    /// What the output owner check found for the last full assembly.
    owners: Vec<Diagnostic>,
}

/// The last site assembled, what from, and what assembling it found.
struct Assembled {
    /// Each page given, by source, in order.
    parsed: Vec<(String, Arc<ParsedDoc>)>,
    /// Handed back after rendering (`Memo::keep_site`); taken by the next run that can patch it.
    site: Option<Site>,
    diags: Vec<Diagnostic>,
}

/// Whether assembling a site reads the same from two parses of a page: front matter (and
/// the lines the site's diagnostics name), links and headings. Then only the page's text
/// differs, and the site stays as it was but for that page's parse.
fn same_shape(old: &ParsedDoc, new: &ParsedDoc) -> bool {
    let lines = |d: &ParsedDoc| {
        let l = (d.template_line, d.front_line, d.aliases_line, d.tags_line);
        (l, d.title_from)
    };
    let (a, b) = (&old.md, &new.md);
    old.front == new.front
        && lines(old) == lines(new)
        && (a.links == b.links && a.headings == b.headings && a.anchors == b.anchors)
}

fn hash_of(v: &impl Hash) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    v.hash(&mut h);
    // 0 is kept for "could not read".
    h.finish().max(1)
}

impl Memo {
    pub(crate) fn new(local_origin: Option<String>) -> Memo {
        Memo {
            local_origin,
            ..Memo::default()
        }
    }

    /// Notes what changed before the next load.
    pub(crate) fn changed(&mut self, plan: &Plan) {
        self.pending.merge(plan.clone());
    }

    /// The site a load made, to patch next time (see `Stages::assemble`).
    pub(crate) fn keep_site(&mut self, site: Site) {
        if let Some(a) = &mut self.assembled {
            a.site = Some(site);
        }
    }

    /// The last site with the parses of `parsed` swapped in, when nothing else changed and
    /// each changed page has the same shape; `None` when it must be assembled again.
    fn patch(&mut self, parsed: &[(SourceFile, Arc<ParsedDoc>)]) -> Option<Site> {
        let last = self.assembled.as_mut()?;
        let same_pages = last.parsed.len() == parsed.len()
            && last
                .parsed
                .iter()
                .zip(parsed)
                .all(|((rel, old), (f, new))| {
                    *rel == f.rel && (Arc::ptr_eq(old, new) || same_shape(old, new))
                });
        if self.rediscovered || self.fresh_config || !same_pages {
            return None;
        }
        let mut site = last.site.take()?;
        for ((_, old), (f, new)) in last.parsed.iter_mut().zip(parsed) {
            if Arc::ptr_eq(old, new) {
                continue;
            }
            *old = new.clone();
            match site.by_source.get(&f.rel) {
                // The home page may take the site's title after parsing (`site::title_home`).
                Some(&i) if i == site.home => return None,
                Some(&i) => site.docs[i].parsed = new.clone(),
                // A draft: not in the site.
                None => {}
            }
        }
        Some(site)
    }

    /// After a load: once it got past the config, every stage has seen the pending changes
    /// (a load that failed on the config sees them next time).
    /// True when it did.
    pub(crate) fn seen(&mut self) -> bool {
        let read = std::mem::take(&mut self.read_config);
        if read {
            self.pending = Plan::default();
        }
        read
    }

    /// Everything is read again (config change, rescan).
    fn everything(&self) -> bool {
        self.fresh_config || self.pending.config || self.pending.rescan
    }

    /// Files included by the kept pages -> the pages that include them (see `crate::include`).
    pub(crate) fn includes(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (page, parsed) in &self.parses {
            for file in parsed.result.iter().flat_map(|d| &d.md.includes) {
                map.entry(file.clone()).or_default().insert(page.clone());
            }
        }
        map
    }

    /// The current bytes of the files the kept parse of `page` included.
    fn included_text(&self, root: &Path, page: &str) -> Vec<Option<Vec<u8>>> {
        let files = self.parses.get(page).and_then(|c| c.result.as_ref().ok());
        files
            .iter()
            .flat_map(|d| &d.md.includes)
            .map(|rel| std::fs::read(root.join(rel)).ok())
            .collect()
    }

    /// Whether the kept sources still hold: every changed path is a known Markdown file that
    /// is still there (the common case of saving a page).
    fn sources_hold(&self, root: &Path) -> bool {
        let Some((sources, _)) = &self.sources else {
            return false;
        };
        let p = &self.pending;
        if self.everything() || p.statics || p.data {
            return false;
        }
        let known = |c: &String| sources.markdown.iter().any(|f| f.rel == *c);
        p.content.iter().all(|c| known(c) && root.join(c).is_file())
    }

    /// Reads and hashes `f`; parses it unless the kept parse was made from the same inputs.
    fn parse_one(&self, config: &Config, f: &SourceFile, h: &Highlighter) -> Option<Parsed> {
        let (hash, text) = match read_page(f) {
            Ok(t) => {
                let included = self.included_text(&config.root, &f.rel);
                (hash_of(&(&t, &included)), Ok(t))
            }
            Err(d) => (0, Err(d)),
        };
        let kept = self.parses.get(&f.rel);
        if kept.is_some_and(|c| c.hash == hash && hash != 0) {
            return None;
        }
        let result = text
            .map_err(|d| vec![d])
            .and_then(|t| crate::pipeline::parse_text(config, &f.rel, &t, h).map(Arc::new));
        Some(Parsed { hash, result })
    }
}

impl Stages for Memo {
    /// Read on every run; in serve mode with base_url moved to the local server, same path.
    fn config(&mut self, root: &Path, overrides: &Overrides) -> Result<Config, Diagnostic> {
        let mut config = Config::load(root, overrides)?;
        if let Some(origin) = &self.local_origin {
            let overrides = Overrides {
                base_url: Some(format!("{origin}{}", config.base_path)),
                ..overrides.clone()
            };
            config = Config::from_site(root, config.site, &overrides)?;
        }
        let hash = hash_of(&format!("{config:?}"));
        self.fresh_config = hash != self.config;
        if self.fresh_config {
            // Parsing depends on the highlighting, HTML and front matter settings.
            self.parses.clear();
            self.sources = None;
            self.theme = None;
        }
        self.config = hash;
        self.read_config = true;
        Ok(config)
    }

    fn highlighter(&mut self, config: &Config) -> Arc<Highlighter> {
        let key = hash_of(&format!("{:?}", config.site.highlight));
        match &self.highlighter {
            Some((k, h)) if *k == key => h.clone(),
            _ => {
                let h = Arc::new(Highlighter::new(&config.site.highlight));
                self.highlighter = Some((key, h.clone()));
                h
            }
        }
    }

    fn git_dates(&mut self, config: &Config) -> GitDates {
        let head = crate::git::head(&config.root);
        match &self.git {
            Some((at, dates)) if *at == head && !self.everything() => {
                GitDates::Known(dates.clone())
            }
            _ => {
                let dates = crate::git::last_updated(&config.root, config.content_dir());
                self.git = Some((head, dates.clone()));
                GitDates::Known(dates)
            }
        }
    }

    fn sources(&mut self, config: &Config, diags: &mut Diagnostics) -> Sources {
        self.rediscovered = !self.sources_hold(&config.root);
        if self.rediscovered {
            let mut d = Diagnostics::default();
            let sources = discover(&config.root, config.content_dir(), &mut d);
            self.sources = Some((sources, d.0));
        }
        let (sources, found) = self.sources.as_ref().expect("set above");
        diags.extend(found.iter().cloned());
        sources.clone()
    }

    fn parse(
        &mut self,
        config: &Config,
        files: &[SourceFile],
        h: &Highlighter,
        diags: &mut Diagnostics,
    ) -> Vec<(SourceFile, Arc<ParsedDoc>)> {
        let stale: Vec<&SourceFile> = if self.everything() {
            files.iter().collect()
        } else if !self.rediscovered && self.pending.content.len() <= 64 {
            // The same files as last run, each parsed then: only the changed ones can be stale
            // (a scan per changed file instead of a look-up per page).
            self.pending
                .content
                .iter()
                .filter_map(|c| files.iter().position(|f| f.rel == *c).map(|i| &files[i]))
                .collect()
        } else {
            let pending = &self.pending.content;
            files
                .iter()
                .filter(|f| pending.contains(&f.rel) || !self.parses.contains_key(&f.rel))
                .collect()
        };
        let fresh: Vec<(String, Parsed)> = stale
            .par_iter()
            .filter_map(|f| Some((f.rel.clone(), self.parse_one(config, f, h)?)))
            .collect();
        self.parses.extend(fresh);
        if self.rediscovered {
            let live: BTreeSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
            self.parses.retain(|k, _| live.contains(k.as_str()));
        }
        let mut out = Vec::with_capacity(files.len());
        for f in files {
            match self.parses.get(&f.rel).map(|p| &p.result) {
                Some(Ok(doc)) => {
                    diags.extend(doc.md.diagnostics.iter().cloned());
                    out.push((f.clone(), doc.clone()));
                }
                Some(Err(ds)) => diags.extend(ds.iter().cloned()),
                None => {}
            }
        }
        out
    }

    fn assemble(
        &mut self,
        config: &Config,
        parsed: Vec<(SourceFile, Arc<ParsedDoc>)>,
        sources: Sources,
        diags: &mut Diagnostics,
    ) -> Site {
        self.patched = false;
        if let Some(site) = self.patch(&parsed) {
            self.patched = true;
            let last = self.assembled.as_ref().expect("patched");
            diags.extend(last.diags.iter().cloned());
            return site;
        }
        let kept = parsed
            .iter()
            .map(|(f, p)| (f.rel.clone(), p.clone()))
            .collect();
        let mut d = Diagnostics::default();
        let mut site = Fresh::default().assemble(config, parsed, sources, &mut d);
        site.keep_urls(config);
        diags.extend(d.0.iter().cloned());
        self.assembled = Some(Assembled {
            parsed: kept,
            site: None,
            diags: d.0,
        });
        site
    }

    fn owners(&mut self, loaded: &Loaded, diags: &mut Diagnostics) {
        // A patched site has the same output paths as the last one.
        if !self.patched || self.theme_reloaded {
            let mut d = Diagnostics::default();
            crate::owners::check(&loaded.renderer(), &mut d);
            self.owners = d.0;
        }
        diags.extend(self.owners.iter().cloned());
    }

    fn theme(&mut self, config: &Config, diags: &mut Diagnostics) -> Option<Arc<Theme>> {
        let p = &self.pending;
        let stale = self.everything() || p.templates || p.theme_static;
        self.theme_reloaded = stale || !matches!(self.theme, Some((Some(_), _)));
        if self.theme_reloaded {
            let mut d = Diagnostics::default();
            let theme = Theme::load(config, &mut d).map(Arc::new);
            self.theme = Some((theme, d.0));
        }
        let (theme, found) = self.theme.as_ref().expect("set above");
        diags.extend(found.iter().cloned());
        theme.clone()
    }
}
