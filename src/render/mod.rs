//! Site + Theme to output files: every page through its Tera template with typed view structs,
//! plus tag pages, aliases, 404.html, sitemap.xml, atom.xml, robots.txt, .nojekyll, CNAME, the
//! highlight stylesheet, the search index (`search.rs`) and the copied static files. Shortcodes
//! get the data files and may link to pages as `@/path.md`, resolved and checked here. Pages
//! render in parallel and stream into the sink; the result is byte-identical whatever the
//! thread count.
//!
//! One file per kind of output: `views` (the typed structs templates read), `nav` (the sidebar),
//! `page` (a document's page and its shortcodes), `generated` (tag pages, 404, aliases, feed,
//! sitemap, robots.txt: built-in templates a theme may override), `copies` (static files).

mod copies;
mod generated;
mod nav;
mod page;
mod views;

pub(crate) use generated::{alias_output, generated_outputs, tag_output};

pub(crate) use views::{LinkView, SiteView};

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::highlight::Highlighter;
use crate::output::Sink;
use crate::render_key::Keys;
use crate::site::Site;
use crate::theme::Theme;
use rayon::prelude::*;
use serde_json::Value;
use std::borrow::Cow;

/// Everything rendering reads.
pub(crate) struct Renderer<'a> {
    pub(crate) config: &'a Config,
    pub(crate) site: &'a Site,
    pub(crate) theme: &'a Theme,
    pub(crate) data: &'a Value,
    pub(crate) highlighter: &'a Highlighter,
}

pub(crate) fn reading_minutes(words: usize) -> usize {
    words.div_ceil(220).max(1)
}

impl<'a> Renderer<'a> {
    /// Renders and writes everything; returns the number of files written.
    pub(crate) fn render_all(&self, sink: &dyn Sink, diags: &mut Diagnostics) -> usize {
        let site_view = self.site_view();
        let keys = sink.remembers().then(|| self.keys(&site_view));
        use crate::profile::timed;
        let mut written = timed("render pages", || {
            self.render_docs_keyed(&self.site.order, &site_view, keys.as_ref(), sink, diags)
        });
        // A build frees the highlighted blocks for the search index and gives back what each
        // stage freed before the next; the preview keeps both for its next save, which
        // re-renders pages whose blocks mostly did not change.
        let lasting = sink.lasts();
        if !lasting {
            self.highlighter.release_cache();
        }
        let trim = |stage: &str| {
            if !lasting {
                crate::memory::give_back_after(stage);
            }
        };
        trim("render pages");
        if crate::profile::get().timings {
            let (busy, blocks) = self.highlighter.busy();
            eprintln!(
                "timing: highlighting {} ms over all threads, {blocks} blocks highlighted",
                busy.as_millis()
            );
        }
        written += timed("render generated files", || {
            self.render_extras_keyed(&site_view, keys.as_ref(), sink, diags)
        });
        trim("generated files");
        written += timed("render search index", || self.write_search(sink, diags));
        crate::memory::note("after the search index");
        written += timed("copy files", || self.copy_files(sink, diags));
        written
    }

    /// Renders the given documents' pages (in parallel); `serve` re-renders only some.
    pub(crate) fn render_docs(
        &self,
        which: &[usize],
        site_view: &SiteView,
        sink: &dyn Sink,
        diags: &mut Diagnostics,
    ) -> usize {
        let keys = sink.remembers().then(|| self.keys(site_view));
        self.render_docs_keyed(which, site_view, keys.as_ref(), sink, diags)
    }

    /// `render_docs` with the shared parts of the outputs' keys, when the sink remembers.
    fn render_docs_keyed(
        &self,
        which: &[usize],
        site_view: &SiteView,
        keys: Option<&Keys>,
        sink: &dyn Sink,
        diags: &mut Diagnostics,
    ) -> usize {
        // Made by the first page rendered: a remembering sink may keep every page.
        let nav_index = std::sync::OnceLock::new();
        // One page per job: rayon's adaptive splitting otherwise leaves a thread rendering a
        // run of pages alone at the end while the other waits (about 250 ms of one idle core
        // in a 10,000-page build).
        let results: Vec<Result<(), Diagnostic>> = which
            .par_iter()
            .with_max_len(1)
            .map(|&i| {
                let source = &self.site.docs[i].source;
                crate::page::catch_panic(source, || {
                    self.render_doc(i, site_view, &nav_index, keys, sink)
                })
                .and_then(|r| r)
            })
            .collect();
        // Each document is two files: its page and its Markdown copy.
        let written = results.len() * 2;
        diags.extend(results.into_iter().filter_map(Result::err));
        written
    }

    /// The search index (`search.rs`). Separate from the other generated files because it
    /// reads every page's text: `serve` builds it only when a browser asks for it.
    pub(crate) fn write_search(&self, sink: &dyn Sink, diags: &mut Diagnostics) -> usize {
        let key = || crate::search::Deferred::key_of(self.config, self.site);
        let inputs = |k| -> std::sync::Arc<dyn crate::output::Later> {
            std::sync::Arc::new(crate::search::Deferred::with_key(self.config, self.site, k))
        };
        if sink.search_later(&key, &inputs) {
            return 0;
        }
        let written = std::sync::atomic::AtomicUsize::new(0);
        let failed = std::sync::Mutex::new(Vec::new());
        crate::search::write_site(self.config, self.site, &|path, bytes| match sink
            .write(&path, &bytes)
        {
            Ok(()) => {
                written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            Err(e) => failed
                .lock()
                .unwrap()
                .push(format!("cannot write {path}: {e}")),
        });
        let mut failed = failed.into_inner().unwrap();
        failed.sort();
        for message in failed {
            diags.push(Diagnostic::error(
                Code::OutputWrite,
                "search",
                1,
                1,
                message,
            ));
        }
        written.into_inner()
    }

    /// Tag pages, 404, aliases, feeds and the other generated files.
    pub(crate) fn render_extras(
        &self,
        site_view: &SiteView,
        sink: &dyn Sink,
        diags: &mut Diagnostics,
    ) -> usize {
        let keys = sink.remembers().then(|| self.keys(site_view));
        self.render_extras_keyed(site_view, keys.as_ref(), sink, diags)
    }

    fn render_extras_keyed(
        &self,
        site_view: &SiteView,
        keys: Option<&Keys>,
        sink: &dyn Sink,
        diags: &mut Diagnostics,
    ) -> usize {
        let (extra, kept) = self.extra_files(site_view, keys, sink, diags);
        let written = extra.len() + kept;
        for (path, bytes) in extra {
            if let Err(e) = sink.write(&path, &bytes) {
                diags.push(Diagnostic::error(
                    Code::OutputWrite,
                    self.config.output_shown(),
                    1,
                    1,
                    format!("cannot write {path}: {e}"),
                ));
            }
        }
        written
    }

    pub(crate) fn site_view(&self) -> SiteView<'a> {
        let s = &self.config.site;
        SiteView {
            title: &s.title,
            description: &s.description,
            base_url: &self.config.base_url,
            base_path: &self.config.base_path,
            language: &s.language,
            home_url: self.config.url(""),
            repository: s.repository.as_ref(),
            extra: &s.extra,
            tags: self
                .site
                .tags
                .iter()
                .map(|t| LinkView {
                    title: Cow::Borrowed(&t.name),
                    url: Cow::Owned(self.tag_url(&t.slug)),
                })
                .collect(),
            has_tags: !self.site.tags.is_empty(),
            t: self.strings(),
            t_js: self.theme.translations.script_json(&s.language),
            dir: crate::variant_view::dir_of(self.config),
            assets_path: self
                .config
                .variant
                .as_ref()
                .map_or(&self.config.base_path, |v| &v.site_base_path),
            feed_url: crate::variant_view::feed_url(self.config),
            variant: crate::variant_view::site_variant(self.config),
        }
    }

    /// The shared parts of the outputs' keys (`render_key`).
    fn keys(&self, site_view: &SiteView) -> Keys {
        let mut small = site_view.clone();
        small.tags = Vec::new();
        let inputs = (self.config, self.theme, self.data);
        Keys::new(inputs, self.site, site_view, &small)
    }

    /// Document `i`'s key: its view without the body and the table of contents, which its
    /// parse stands for (and the table of contents is costly to serialise).
    fn page_key(&self, keys: &Keys, i: usize, template: &str) -> u64 {
        let mut view = self.page_view(i, String::new());
        view.toc = Vec::new();
        keys.page((self.theme, self.site), i, template, &view)
    }

    /// The theme's strings in the site's language.
    fn strings(&self) -> &'a crate::i18n::Strings {
        self.theme.translations.strings(&self.config.site.language)
    }

    fn url(&self, i: usize) -> Cow<'a, str> {
        match self.site.urls.get(i) {
            Some(url) => Cow::Borrowed(url),
            None => Cow::Owned(self.config.url(&self.site.docs[i].path)),
        }
    }

    fn tag_url(&self, slug: &str) -> String {
        self.config.url(&format!("tags/{slug}/"))
    }

    fn link(&self, i: usize) -> LinkView<'a> {
        LinkView {
            title: Cow::Borrowed(self.site.docs[i].title()),
            url: self.url(i),
        }
    }
}
