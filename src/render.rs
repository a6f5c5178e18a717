//! Site + Theme to output files: every page through its Tera template with typed view structs,
//! plus tag pages, aliases, 404.html, sitemap.xml, atom.xml, robots.txt, .nojekyll, CNAME, the
//! highlight stylesheet, the search index (`search.rs`) and the copied static files. Shortcodes
//! get the data files and may link to pages as `@/path.md`, resolved and checked here. Pages
//! render in parallel and stream into the sink; the result is byte-identical whatever the
//! thread count.

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::highlight::{escape_html, Highlighter};
use crate::markdown::code::render_block;
use crate::markdown::{fill_markers, TocEntry};
use crate::output::Sink;
use crate::render_key::Keys;
use crate::site::{Doc, Kind, Site};
use crate::theme::Theme;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

/// Everything rendering reads.
pub struct Renderer<'a> {
    pub config: &'a Config,
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub data: &'a Value,
    pub highlighter: &'a Highlighter,
}

#[derive(Serialize, Clone)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub language: &'a str,
    pub home_url: String,
    pub repository: Option<&'a crate::config::Repository>,
    pub extra: &'a toml::Table,
    /// Every tag: only filled in for templates that read `site.tags` (see `for_template`).
    pub tags: Vec<LinkView>,
    /// Whether the site has tags, for themes that only link to the tags index: reading
    /// `site.tags` on every page would make a build quadratic in the number of tags.
    pub has_tags: bool,
    /// The theme's strings in the site's language (`crate::i18n`), and those its scripts read
    /// as JSON.
    pub t: &'a crate::i18n::Strings,
    pub t_js: &'a str,
    /// "ltr" or "rtl".
    pub dir: &'static str,
    /// Where the theme's files are: the whole site's base path (a variant's own is prefixed).
    pub assets_path: &'a str,
    pub feed_url: String,
    /// The language and version being built, on a site with several (`crate::variants`).
    pub variant: Option<crate::variant_view::SiteVariant>,
}

impl SiteView<'_> {
    /// The view `template` gets: without the tag list unless the template (or anything it
    /// pulls in) reads `site.tags`, so each page's context stays small.
    fn for_template<'v>(&'v self, theme: &Theme, template: &str) -> std::borrow::Cow<'v, Self> {
        if theme.uses(template, crate::theme::SITE_TAGS) {
            return std::borrow::Cow::Borrowed(self);
        }
        std::borrow::Cow::Owned(SiteView {
            tags: Vec::new(),
            home_url: self.home_url.clone(),
            feed_url: self.feed_url.clone(),
            variant: self.variant.clone(),
            ..*self
        })
    }
}

#[derive(Serialize, Clone)]
pub struct LinkView {
    pub title: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct PageView<'a> {
    pub kind: &'static str,
    pub is_home: bool,
    pub title: &'a str,
    pub description: &'a str,
    pub url: String,
    pub permalink: String,
    pub content: String,
    pub toc: &'a [TocEntry],
    pub word_count: usize,
    pub reading_minutes: usize,
    pub date: Option<&'a str>,
    pub updated: Option<&'a str>,
    pub tags: Vec<LinkView>,
    pub breadcrumbs: Vec<LinkView>,
    pub section: Option<LinkView>,
    pub prev: Option<LinkView>,
    pub next: Option<LinkView>,
    pub edit_url: Option<String>,
    pub source: &'a str,
    pub extra: &'a serde_json::Map<String, Value>,
    pub children: Vec<ChildView<'a>>,
    /// Language and version switchers, `hreflang` and canonical URL (`crate::variants`).
    pub alternates: Option<crate::variant_view::Alternates>,
}

#[derive(Serialize)]
pub struct ChildView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: String,
    pub kind: &'static str,
    pub reading_minutes: usize,
}

#[derive(Serialize)]
pub struct NavItem<'a> {
    pub title: &'a str,
    pub url: String,
    pub current: bool,
    pub open: bool,
    pub is_section: bool,
    pub children: Vec<NavItem<'a>>,
}

#[derive(Serialize)]
struct TagView<'a> {
    name: &'a str,
    url: String,
    pages: Vec<ChildView<'a>>,
}

/// Sites larger than this list only the current branch's pages in the sidebar.
const FULL_NAV_LIMIT: usize = 1000;

/// At most this many pages of one section in the sidebar (see `nav_children`).
const NAV_MAX_PAGES: usize = 30;

/// The section tree as the sidebar walks it, built once per build: for each document, its
/// child sections and child pages apart, each as (position among the children, index).
/// Every page's sidebar used to visit every document, 10,000 x 10,000 at 10,000 pages.
pub struct NavIndex {
    sections: Vec<Vec<(usize, usize)>>,
    pages: Vec<Vec<(usize, usize)>>,
}

impl NavIndex {
    pub fn new(site: &Site) -> NavIndex {
        let (mut sections, mut pages) = (Vec::new(), Vec::new());
        for d in &site.docs {
            let (s, p): (Vec<_>, Vec<_>) = d
                .children
                .iter()
                .copied()
                .enumerate()
                .partition(|&(_, c)| site.docs[c].kind == Kind::Section);
            sections.push(s);
            pages.push(p);
        }
        NavIndex { sections, pages }
    }

    fn has_children(&self, doc: usize) -> bool {
        !self.sections[doc].is_empty() || !self.pages[doc].is_empty()
    }
}

/// What one page's sidebar shows: the tree below the home page, the current page's branch open.
struct NavView<'i> {
    index: &'i NavIndex,
    current: usize,
    /// The current document and its ancestors.
    branch: Vec<usize>,
    /// Small sites list every section's pages (see `FULL_NAV_LIMIT`).
    full: bool,
}

impl NavView<'_> {
    /// A section's entries in the sidebar, in the section's order: its subsections, and its
    /// pages when the section is on the current branch (or the site is small); and whether the
    /// pages were windowed. A section with more than NAV_MAX_PAGES pages lists the
    /// NAV_MAX_PAGES around the current page, then a link to the section's own page, which
    /// lists them all: without that window the sidebar of a 500-page section is 500 links on
    /// each of its 500 pages, quadratic in output and time (126 KB of sidebar per page at
    /// 10,000 pages).
    /// On large sites a section off the current branch lists nothing (its link leads to its
    /// page, which lists its children), so a page's sidebar holds the top-level sections and
    /// the current branch, not every section of the site: the HTML of a page stays the same
    /// size whatever the number of sections (it grew by ~100 bytes per section before).
    fn children(&self, section: usize) -> (Vec<usize>, bool) {
        let index = self.index;
        let on_branch = self.full || self.branch.contains(&section);
        if !on_branch {
            return (Vec::new(), false);
        }
        let pages: &[(usize, usize)] = &index.pages[section];
        let windowed = pages.len() > NAV_MAX_PAGES;
        let pages = if windowed {
            let at = pages.iter().position(|p| p.1 == self.current).unwrap_or(0);
            let first = at
                .saturating_sub(NAV_MAX_PAGES / 2)
                .min(pages.len() - NAV_MAX_PAGES);
            &pages[first..first + NAV_MAX_PAGES]
        } else {
            pages
        };
        // Back into the section's own order (pages and subsections interleave by weight).
        let mut entries: Vec<(usize, usize)> = index.sections[section]
            .iter()
            .chain(pages)
            .copied()
            .collect();
        entries.sort_unstable();
        (entries.into_iter().map(|e| e.1).collect(), windowed)
    }
}

/// The sidebar's markup. Written here rather than by a recursive template macro, which cost
/// more than the rest of a page's template (a theme can still build its own from `nav`).
fn sidebar_html(r: &Renderer, view: &NavView) -> String {
    let mut out = String::with_capacity(8192);
    sidebar_list(r, view, r.site.home, view.children(r.site.home), &mut out);
    out
}

fn sidebar_list(
    r: &Renderer,
    view: &NavView,
    section: usize,
    (children, windowed): (Vec<usize>, bool),
    out: &mut String,
) {
    let t = r.strings();
    let link = |out: &mut String, i: usize, title: &str, current: bool| {
        let current = if current {
            " aria-current=\"page\""
        } else {
            ""
        };
        let url = escape_html(&r.url(i));
        *out += &format!("<a href=\"{url}\"{current}>{title}</a>");
    };
    out.push_str("<ul>\n");
    for c in children {
        let title = &escape_html(r.site.docs[c].title());
        if r.site.docs[c].kind != Kind::Section {
            out.push_str("<li>");
            link(out, c, title, c == view.current);
            out.push_str("</li>\n");
            continue;
        }
        let open = if view.branch.contains(&c) {
            " open"
        } else {
            ""
        };
        *out += &format!("<li class=\"nav-section{open}\">");
        link(out, c, title, c == view.current);
        let inner = view.children(c);
        let pages_in = crate::i18n::fill(
            &escape_html(crate::i18n::text(t, "pages_in")),
            &[("title", title)],
        );
        if !inner.0.is_empty() {
            *out += &format!("<details{open}><summary><span class=\"visually-hidden\">{pages_in}</span></summary>");
            sidebar_list(r, view, c, inner, out);
            out.push_str("</details>");
        } else if view.index.has_children(c) {
            // Off the branch of a large site: the theme's script fills the group from the
            // section's own page when the reader opens it (without JavaScript, the link leads
            // there).
            *out += &format!("<details data-load><summary><span class=\"visually-hidden\">{pages_in}</span></summary></details>");
        }
        out.push_str("</li>\n");
    }
    if windowed {
        out.push_str("<li>");
        let all = escape_html(crate::i18n::text(t, "all_pages"));
        link(out, section, &all, false);
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
}

pub fn reading_minutes(words: usize) -> usize {
    words.div_ceil(220).max(1)
}

impl<'a> Renderer<'a> {
    /// Renders and writes everything; returns the number of files written.
    pub fn render_all(&self, sink: &dyn Sink, diags: &mut Diagnostics) -> usize {
        let site_view = self.site_view();
        let keys = sink.remembers().then(|| self.keys(&site_view));
        use crate::profile::timed;
        let mut written = timed("render pages", || {
            self.render_docs_keyed(&self.site.order, &site_view, keys.as_ref(), sink, diags)
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
            self.render_extras_keyed(&site_view, keys.as_ref(), sink, diags)
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
        let results: Vec<Result<(), Diagnostic>> = which
            .par_iter()
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
    pub fn write_search(&self, sink: &dyn Sink, diags: &mut Diagnostics) -> usize {
        let key = || crate::search::Deferred::key_of(self.config, self.site);
        let inputs = |k| -> std::sync::Arc<dyn crate::output::Later> {
            std::sync::Arc::new(crate::search::Deferred::with_key(self.config, self.site, k))
        };
        if sink.search_later(&key, &inputs) {
            return 0;
        }
        let written = std::sync::atomic::AtomicUsize::new(0);
        let failed = std::sync::Mutex::new(Vec::new());
        let entries = crate::search::entries(self.config, self.site);
        crate::search::write_files(&entries, &|path, bytes| match sink.write(&path, &bytes) {
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
        let extra: Vec<(String, Vec<u8>)> = self.extra_files(site_view, keys, sink, diags);
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
        view.toc = &[];
        keys.page((self.theme, self.site), i, template, &view)
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

    fn render_doc(
        &self,
        i: usize,
        site_view: &SiteView,
        nav_index: &std::sync::OnceLock<NavIndex>,
        keys: Option<&Keys>,
        sink: &dyn Sink,
    ) -> Result<(), Diagnostic> {
        let doc = &self.site.docs[i];
        let template = match (&doc.front().template, i == self.site.home, doc.kind) {
            (Some(t), _, _) => t.as_str(),
            (None, true, _) => "index.html",
            (None, false, Kind::Section) => "section.html",
            (None, false, Kind::Page) => "page.html",
        };
        if !self.theme.has_template(template) {
            return Err(Diagnostic::error(&doc.source, doc.parsed.template_line, 1, format!("template `{template}` not found"))
                .with_help("use one of the theme's templates (page.html, section.html) or add it to themes/<theme>/templates/"));
        }
        let (html_out, md_out) = (
            format!("{}index.html", doc.path),
            format!("{}index.md", doc.path),
        );
        if keys.is_some_and(|k| sink.reuse(&[&html_out, &md_out], self.page_key(k, i, template))) {
            return Ok(());
        }
        let page = self.page_view(i, self.content(doc)?);
        let mut ctx = tera::Context::new();
        ctx.insert("site", &site_view.for_template(self.theme, template));
        ctx.insert("page", &page);
        let nav_index = nav_index.get_or_init(|| NavIndex::new(self.site));
        self.insert_shared(&mut ctx, template, nav_index, i);
        let html = self.theme.render(template, &ctx, &doc.source)?;
        let md = crate::copies::markdown_copy(doc, self.config, &mut |n| {
            self.shortcode(doc, &doc.parsed.md.shortcodes[n])
                .unwrap_or_default()
        });
        sink.write(&html_out, html.as_bytes())
            .and_then(|()| sink.write(&md_out, md.as_bytes()))
            .map_err(|e| Diagnostic::error(&doc.source, 1, 1, format!("cannot write output: {e}")))
    }

    /// The page body with links and shortcodes filled in.
    fn content(&self, doc: &Doc) -> Result<String, Diagnostic> {
        let md = &doc.parsed.md;
        let mut error = None;
        let html = fill_markers(&md.html, &md.marker, |kind, n| match kind {
            'L' => escape_html(doc.link_urls.get(n).map_or("#", String::as_str)),
            'V' => escape_html(&crate::images::variant_url(doc, n)),
            // Highlighted here, not at parse time (see `code_marker`); warnings were given then.
            'C' => match (md.code_blocks.get(n), md.code_fences.get(n)) {
                (Some(block), Some(fence)) => {
                    render_block(self.highlighter, fence, &block.code, &mut |_, _, _| {})
                }
                _ => String::new(),
            },
            _ => match md.shortcodes.get(n).map(|sc| self.shortcode(doc, sc)) {
                Some(Ok(html)) => html,
                Some(Err(d)) => {
                    error.get_or_insert(d);
                    String::new()
                }
                None => String::new(),
            },
        });
        error.map_or(Ok(html), Err)
    }

    fn shortcode(&self, doc: &Doc, sc: &crate::markdown::Shortcode) -> Result<String, Diagnostic> {
        let template = format!("shortcodes/{}.html", sc.name);
        if !self.theme.has_template(&template) {
            return Err(Diagnostic::error(
                &doc.source,
                sc.line,
                1,
                format!("unknown shortcode `{}`", sc.name),
            )
            .with_help(format!("add themes/<theme>/templates/{template}")));
        }
        let mut ctx = tera::Context::new();
        ctx.insert("args", &sc.args);
        ctx.insert("data", self.data);
        if let Some(source) = sc.args.get("source") {
            match self.data.get(source) {
                Some(v) => ctx.insert("source", v),
                None => {
                    return Err(Diagnostic::error(
                        &doc.source,
                        sc.line,
                        1,
                        format!(
                            "shortcode `{}` names data `{source}`, which does not exist",
                            sc.name
                        ),
                    )
                    .with_help("add data/<name>.toml"))
                }
            }
        }
        let rows: Vec<&str> = sc
            .args
            .get("rows")
            .map(|r| {
                r.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        ctx.insert("rows", &rows);
        let html = self
            .theme
            .render(&template, &ctx, &format!("{}:{}", doc.source, sc.line))?;
        self.content_links(doc, sc, html)
    }

    /// A shortcode links to pages named in its data as `href="@/path.md#id"` (see
    /// `site::content_link`). They are resolved here, as the template is what reads the data,
    /// and each one that leads nowhere is reported, all in one error at the shortcode's line.
    fn content_links(
        &self,
        doc: &Doc,
        sc: &crate::markdown::Shortcode,
        html: String,
    ) -> Result<String, Diagnostic> {
        const HREF: &str = "href=\"";
        let mut out = String::with_capacity(html.len());
        let mut problems = Vec::new();
        let mut rest = html.as_str();
        while let Some(at) = rest.find("href=\"@/") {
            let start = at + HREF.len();
            let len = rest[start..].find('"').unwrap_or(rest.len() - start);
            let dest = &rest[start..start + len];
            out.push_str(&rest[..start]);
            match crate::site::content_link(self.site, self.config, dest) {
                Ok(url) => out.push_str(&escape_html(&url)),
                Err((message, help)) => {
                    out.push('#');
                    problems.push(match help {
                        Some(h) => format!("{message} ({h})"),
                        None => message,
                    });
                }
            }
            rest = &rest[start + len..];
        }
        out.push_str(rest);
        if problems.is_empty() {
            return Ok(out);
        }
        let what = sc
            .args
            .get("source")
            .map_or(String::new(), |s| format!(" from data `{s}`"));
        Err(Diagnostic::error(
            &doc.source,
            sc.line,
            1,
            format!(
                "shortcode `{}` has links{what} that lead nowhere: {}",
                sc.name,
                problems.join("; ")
            ),
        )
        .with_help("`@/` links name a page by its path under the content folder; fix the path in the data file or add the page"))
    }

    pub fn page_view(&self, i: usize, content: String) -> PageView<'_> {
        let site = self.site;
        let doc = &site.docs[i];
        let fm = doc.front();
        let pos = site.position[i];
        let prev = pos.checked_sub(1).map(|p| self.link(site.order[p]));
        let next = site.order.get(pos + 1).map(|&j| self.link(j));
        let mut crumbs = Vec::new();
        let mut at = doc.parent;
        while let Some(p) = at {
            crumbs.push(self.link(p));
            at = site.docs[p].parent;
        }
        crumbs.reverse();
        PageView {
            kind: if doc.kind == Kind::Section {
                "section"
            } else {
                "page"
            },
            is_home: i == site.home,
            title: doc.title(),
            description: fm.description.as_deref().unwrap_or(""),
            url: self.url(i),
            permalink: self.config.permalink(&doc.path),
            content,
            toc: &doc.parsed.md.toc,
            word_count: doc.parsed.md.word_count,
            reading_minutes: reading_minutes(doc.parsed.md.word_count),
            date: fm.date.as_ref().map(|d| d.day()),
            updated: self.updated(doc),
            tags: fm
                .tags
                .iter()
                .map(|t| LinkView {
                    title: t.clone(),
                    url: self.tag_url(&crate::slug::tag_slug(t)),
                })
                .collect(),
            section: doc.parent.map(|p| self.link(p)),
            breadcrumbs: crumbs,
            prev: if i == site.home { None } else { prev },
            next,
            edit_url: self.edit_url(doc),
            source: &doc.source,
            extra: &fm.extra,
            children: doc.children.iter().map(|&c| self.child(c)).collect(),
            alternates: crate::variant_view::alternates(self.config, &doc.path),
        }
    }

    /// "Last updated": the last git commit touching the file, else the front matter's `updated`
    /// (or `date`); never the file's modification time, so output depends only on the checkout.
    fn updated(&self, doc: &'a Doc) -> Option<&'a str> {
        let fm = doc.front();
        self.site
            .last_commit
            .get(&doc.source)
            .map(String::as_str)
            .or_else(|| fm.updated.as_ref().or(fm.date.as_ref()).map(|d| d.day()))
    }

    fn child(&self, c: usize) -> ChildView<'_> {
        let d = &self.site.docs[c];
        ChildView {
            title: d.title(),
            description: d.front().description.as_deref().unwrap_or(""),
            url: self.url(c),
            kind: if d.kind == Kind::Section {
                "section"
            } else {
                "page"
            },
            reading_minutes: reading_minutes(d.parsed.md.word_count),
        }
    }

    fn edit_url(&self, doc: &Doc) -> Option<String> {
        let repo = self.config.site.repository.as_ref()?;
        if doc.implicit {
            return None;
        }
        let prefix = repo.path.trim_matches('/');
        let file = if prefix.is_empty() {
            doc.source.clone()
        } else {
            format!("{prefix}/{}", doc.source)
        };
        Some(format!(
            "{}/edit/{}/{}",
            repo.url.trim_end_matches('/'),
            repo.branch,
            file
        ))
    }

    /// The values a template may read besides `site` and `page`, each built only if the
    /// template mentions it (`Theme::uses`): `sidebar`, the sidebar's HTML; `nav`, the same tree
    /// as data for themes with markup of their own; `data`, the site's data files.
    fn insert_shared(
        &self,
        ctx: &mut tera::Context,
        template: &str,
        index: &NavIndex,
        current: usize,
    ) {
        let uses = |var| self.theme.uses(template, var);
        let view = self.nav_view(index, current);
        if uses("sidebar") {
            ctx.insert("sidebar", &sidebar_html(self, &view));
        }
        if uses("nav") {
            ctx.insert("nav", &self.nav_items(&view, self.site.home));
        }
        if uses("data") {
            ctx.insert("data", self.data);
        }
    }

    /// The sidebar of the document `current`.
    fn nav_view<'i>(&self, index: &'i NavIndex, current: usize) -> NavView<'i> {
        let mut branch = Vec::new();
        let mut at = Some(current);
        while let Some(i) = at {
            branch.push(i);
            at = self.site.docs[i].parent;
        }
        NavView {
            index,
            current,
            branch,
            full: self.site.docs.len() <= FULL_NAV_LIMIT,
        }
    }

    /// The sidebar as data (`nav` in templates).
    fn nav_items(&self, view: &NavView, section: usize) -> Vec<NavItem<'_>> {
        let (children, windowed) = view.children(section);
        let mut items: Vec<NavItem> = children
            .into_iter()
            .map(|c| {
                let is_section = self.site.docs[c].kind == Kind::Section;
                NavItem {
                    title: self.site.docs[c].title(),
                    url: self.url(c),
                    current: c == view.current,
                    open: view.branch.contains(&c),
                    is_section,
                    children: if is_section {
                        self.nav_items(view, c)
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect();
        if windowed {
            items.push(NavItem {
                title: crate::i18n::text(self.strings(), "all_pages"),
                url: self.url(section),
                current: false,
                open: false,
                is_section: false,
                children: Vec::new(),
            });
        }
        items
    }

    /// Tag pages, 404, feeds and the other generated files.
    /// Generated pages a remembering `sink` still holds are left out (see `render_key`).
    fn extra_files(
        &self,
        site_view: &SiteView,
        keys: Option<&Keys>,
        sink: &dyn Sink,
        diags: &mut Diagnostics,
    ) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let nav_index = NavIndex::new(self.site);
        let mut render = |template: &str, path: String, extra: &dyn Fn(&mut tera::Context)| {
            let mut ctx = tera::Context::new();
            ctx.insert("site", &site_view.for_template(self.theme, template));
            self.insert_shared(&mut ctx, template, &nav_index, self.site.home);
            extra(&mut ctx);
            if let Some(k) = keys {
                if sink.reuse(&[&path], k.generated(template, &path, &ctx)) {
                    return;
                }
            }
            match self.theme.render(template, &ctx, &path) {
                Ok(html) => out.push((path, html.into_bytes())),
                Err(d) => diags.push(d),
            }
        };
        let tags: Vec<TagView> = self
            .site
            .tags
            .iter()
            .map(|t| TagView {
                name: &t.name,
                url: self.tag_url(&t.slug),
                pages: t.docs.iter().map(|&c| self.child(c)).collect(),
            })
            .collect();
        for (t, view) in self.site.tags.iter().zip(&tags) {
            render("tag.html", tag_output(&t.slug), &|ctx| {
                ctx.insert("tag", view)
            });
        }
        if !tags.is_empty() {
            render("tags.html", "tags/index.html".into(), &|ctx| {
                ctx.insert("tags", &tags)
            });
        }
        render("404.html", "404.html".into(), &|_| {});
        for (alias, target) in &self.site.aliases {
            out.push((
                alias_output(alias),
                redirect_page(&self.config.site.language, &self.url(*target)).into_bytes(),
            ));
        }
        // Each lists every page: made side by side, or kept by a sink that holds them.
        const LISTS: [&str; 3] = ["sitemap.xml", "llms.txt", "atom.xml"];
        if !keys.is_some_and(|k| sink.reuse(&LISTS, k.lists(self.site))) {
            let llms = || crate::copies::llms_txt(self.site, self.config);
            let (sitemap, (llms, feed)) =
                rayon::join(|| self.sitemap(), || rayon::join(llms, || self.feed()));
            out.push((LISTS[0].into(), sitemap.into_bytes()));
            out.push((LISTS[1].into(), llms.into_bytes()));
            out.push((LISTS[2].into(), feed.into_bytes()));
        }
        out.push((
            "robots.txt".into(),
            format!(
                "User-agent: *\nAllow: /\n\nSitemap: {}\n",
                self.config.permalink("sitemap.xml")
            )
            .into_bytes(),
        ));
        out.push((".nojekyll".into(), Vec::new()));
        if let Some(cname) = &self.config.site.cname {
            out.push(("CNAME".into(), format!("{}\n", cname.trim()).into_bytes()));
        }
        match self.highlighter.css() {
            Ok(css) => out.push(("highlight.css".into(), css.into_bytes())),
            Err(e) => diags.push(Diagnostic::error("site.toml", 1, 1, e)),
        }
        out
    }

    fn sitemap(&self) -> String {
        let mut docs: Vec<&Doc> = self.site.docs.iter().collect();
        docs.sort_by(|a, b| a.path.cmp(&b.path));
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for d in docs {
            xml.push_str("  <url>\n    <loc>");
            xml.push_str(&escape_html(&self.config.permalink(&d.path)));
            xml.push_str("</loc>\n");
            if let Some(date) = self.updated(d) {
                xml.push_str(&format!("    <lastmod>{}</lastmod>\n", escape_html(date)));
            }
            xml.push_str("  </url>\n");
        }
        xml.push_str("</urlset>\n");
        xml
    }

    /// Atom feed of the most recently dated pages, newest first, ties broken by path.
    fn feed(&self) -> String {
        let mut dated: Vec<(&crate::frontmatter::Date, &Doc)> = self
            .site
            .docs
            .iter()
            .filter(|d| d.kind == Kind::Page)
            .filter_map(|d| {
                d.front()
                    .updated
                    .as_ref()
                    .or(d.front().date.as_ref())
                    .map(|x| (x, d))
            })
            .collect();
        dated.sort_by(|a, b| b.0.cmp(a.0).then_with(|| a.1.path.cmp(&b.1.path)));
        dated.truncate(30);
        let updated = dated
            .first()
            .map(|(d, _)| d.rfc3339())
            .unwrap_or_else(|| source_date(self.config));
        let e = |s: &str| escape_html(s);
        let mut xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <subtitle>{}</subtitle>\n  <link href=\"{}\" rel=\"self\"/>\n  <link href=\"{}\"/>\n  <updated>{}</updated>\n  <id>{}</id>\n",
            e(&self.config.site.language), e(&self.config.site.title), e(&self.config.site.description), e(&self.config.permalink("atom.xml")), e(&self.config.permalink("")), updated, e(&self.config.permalink(""))
        );
        for (date, d) in dated {
            let link = e(&self.config.permalink(&d.path));
            xml.push_str(&format!(
                "  <entry>\n    <title>{}</title>\n    <link href=\"{link}\"/>\n    <id>{link}</id>\n    <updated>{}</updated>\n    <summary>{}</summary>\n  </entry>\n",
                e(d.title()), date.rfc3339(), e(d.front().description.as_deref().unwrap_or(""))
            ));
        }
        xml.push_str("</feed>\n");
        xml
    }

    /// static/, content assets and the theme's static files, copied as they are.
    /// What `copy_files` copies: (output path, where from, source shown in diagnostics). Theme
    /// static files, the site's static/ folder, and the files beside the pages in content/.
    pub(crate) fn copy_list(&self) -> Vec<(String, CopyFrom<'a>, String)> {
        let mut files = Vec::new();
        let diagrams = self.site.has_diagram();
        for (name, bytes) in &self.theme.static_files {
            if !diagrams && crate::theme::DIAGRAM_FILES.contains(&name.as_str()) {
                continue;
            }
            files.push((
                name.clone(),
                CopyFrom::Bytes(bytes),
                format!("themes/{}/static/{name}", self.config.site.theme),
            ));
        }
        for f in &self.site.static_files {
            let path = f.rel.trim_start_matches("static/").to_string();
            files.push((path, CopyFrom::File(&f.abs), f.rel.clone()));
        }
        for (f, path) in &self.site.assets {
            files.push((path.clone(), CopyFrom::File(&f.abs), f.rel.clone()));
        }
        files
    }

    /// Copies the files of `copy_list`, then writes the images' responsive variants.
    pub fn copy_files(&self, sink: &dyn Sink, diags: &mut Diagnostics) -> usize {
        let mut n = crate::images::write_variants(self.site, &self.config.root, sink, diags);
        for (path, from, source) in self.copy_list() {
            let bytes = match from {
                CopyFrom::Bytes(b) => Ok(std::borrow::Cow::Borrowed(b)),
                CopyFrom::File(abs) => std::fs::read(abs).map(std::borrow::Cow::Owned),
            };
            match bytes
                .map_err(|e| e.to_string())
                .and_then(|b| sink.write(&path, &b).map_err(|e| e.to_string()))
            {
                Ok(()) => n += 1,
                Err(e) => diags.push(Diagnostic::error(
                    source,
                    1,
                    1,
                    format!("cannot copy to {path}: {e}"),
                )),
            }
        }
        n
    }
}

/// Where a copied file's bytes come from.
pub(crate) enum CopyFrom<'a> {
    Bytes(&'a [u8]),
    File(&'a std::path::Path),
}

/// The output file of a tag's page.
pub(crate) fn tag_output(slug: &str) -> String {
    format!("tags/{slug}/index.html")
}

/// The output file of an alias (a site path from `alias_path`).
pub(crate) fn alias_output(alias: &str) -> String {
    if alias.ends_with(".html") {
        alias.to_string()
    } else {
        format!("{alias}index.html")
    }
}

/// The files `extra_files` writes whatever the content (besides tag pages and aliases).
pub(crate) fn generated_outputs(config: &Config) -> Vec<&'static str> {
    let mut files = vec![
        "404.html",
        "sitemap.xml",
        "llms.txt",
        "atom.xml",
        "robots.txt",
        ".nojekyll",
        "highlight.css",
    ];
    if config.site.cname.is_some() {
        files.push("CNAME");
    }
    files
}

fn redirect_page(lang: &str, url: &str) -> String {
    let u = escape_html(url);
    format!("<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting</title>\n<link rel=\"canonical\" href=\"{u}\">\n<meta http-equiv=\"refresh\" content=\"0; url={u}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{u}\">{u}</a>.</p>\n</body>\n</html>\n", escape_html(lang))
}

/// The feed's date when no page has one: SOURCE_DATE_EPOCH, else the epoch; never the clock.
fn source_date(config: &Config) -> String {
    crate::dates::utc_timestamp(config.source_date_epoch.unwrap_or(0))
}
