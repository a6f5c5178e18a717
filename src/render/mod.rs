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
pub use nav::NavIndex;
pub use views::{ChildView, LinkView, NavItem, PageView, SiteView};

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::highlight::Highlighter;
use crate::output::Sink;
use crate::site::Site;
use crate::theme::Theme;
use rayon::prelude::*;
use serde_json::Value;

/// Everything rendering reads.
pub struct Renderer<'a> {
    pub config: &'a Config,
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub data: &'a Value,
    pub highlighter: &'a Highlighter,
}

pub fn reading_minutes(words: usize) -> usize {
    words.div_ceil(220).max(1)
}

impl<'a> Renderer<'a> {
    /// Renders and writes everything; returns the number of files written.
    pub fn render_all(&self, sink: &dyn Sink, diags: &mut Diagnostics) -> usize {
        let site_view = self.site_view();
        use crate::profile::timed;
        let mut written = timed("render pages", || {
            self.render_docs(&self.site.order, &site_view, sink, diags)
        });
        self.highlighter.release_cache();
        if crate::profile::get().timings {
            let (busy, blocks) = self.highlighter.busy();
            eprintln!(
                "timing: highlighting {} ms over all threads, {blocks} blocks highlighted",
                busy.as_millis()
            );
        }
        written += timed("render generated files", || {
            self.render_extras(&site_view, sink, diags)
        });
        written += timed("render search index", || self.write_search(sink, diags));
        written += timed("copy files", || self.copy_files(sink, diags));
        written
    }

    /// Renders the given documents' pages (in parallel); `serve` re-renders only some.
    pub fn render_docs(
        &self,
        which: &[usize],
        site_view: &SiteView,
        sink: &dyn Sink,
        diags: &mut Diagnostics,
    ) -> usize {
        let nav_index = NavIndex::new(self.site);
        let results: Vec<Result<(), Diagnostic>> = which
            .par_iter()
            .map(|&i| {
                let source = &self.site.docs[i].source;
                crate::page::catch_panic(source, || self.render_doc(i, site_view, &nav_index, sink))
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
    pub fn write_search(&self, sink: &dyn Sink, diags: &mut Diagnostics) -> usize {
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
            diags.push(Diagnostic::error("search", 1, 1, message));
        }
        written.into_inner()
    }

    /// Tag pages, 404, aliases, feeds and the other generated files.
    pub fn render_extras(
        &self,
        site_view: &SiteView,
        sink: &dyn Sink,
        diags: &mut Diagnostics,
    ) -> usize {
        let extra: Vec<(String, Vec<u8>)> = self.extra_files(site_view, diags);
        let written = extra.len();
        for (path, bytes) in extra {
            if let Err(e) = sink.write(&path, &bytes) {
                diags.push(Diagnostic::error(
                    self.config.output_shown(),
                    1,
                    1,
                    format!("cannot write {path}: {e}"),
                ));
            }
        }
        written
    }

    pub fn site_view(&self) -> SiteView<'a> {
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
                    title: t.name.clone(),
                    url: self.tag_url(&t.slug),
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

    /// The theme's strings in the site's language.
    fn strings(&self) -> &'a crate::i18n::Strings {
        self.theme.translations.strings(&self.config.site.language)
    }

    fn url(&self, i: usize) -> String {
        self.config.url(&self.site.docs[i].path)
    }

    fn tag_url(&self, slug: &str) -> String {
        self.config.url(&format!("tags/{slug}/"))
    }

    fn link(&self, i: usize) -> LinkView {
        LinkView {
            title: self.site.docs[i].title().to_string(),
            url: self.url(i),
        }
    }
}
