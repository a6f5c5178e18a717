//! One document's page: its body with links, code and shortcodes filled in, its view, and the
//! Markdown copy written beside it.

use super::nav::NavIndex;
use super::views::{ChildView, LinkView, PageView, SiteView};
use super::{reading_minutes, Renderer};
use crate::diag::{Code, Diagnostic};
use crate::highlight::escape_html;
use crate::markdown::code::render_block;
use crate::markdown::fill_markers;
use crate::output::Sink;
use crate::render_key::Keys;
use crate::site::{Doc, Kind};
use std::borrow::Cow;

impl<'a> Renderer<'a> {
    pub(super) fn render_doc(
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
            return Err(Diagnostic::error(Code::TemplateNotFound, &doc.source, doc.parsed.template_line, 1, format!("template `{template}` not found"))
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
            .map_err(|e| {
                Diagnostic::error(
                    Code::OutputWrite,
                    &doc.source,
                    1,
                    1,
                    format!("cannot write output: {e}"),
                )
            })
    }

    /// The page body with links and shortcodes filled in.
    pub(super) fn content(&self, doc: &Doc) -> Result<String, Diagnostic> {
        let md = &doc.parsed.md;
        let mut error = None;
        let (html, code) = md.html_and_code();
        let html = fill_markers(&html, &md.marker, |kind, n| match kind {
            'L' => escape_html(doc.link_urls.get(n).map_or("#", String::as_str)),
            'V' => escape_html(&crate::images::variant_url(doc, n)),
            // Highlighted here, not at parse time (see `code_marker`); warnings were given then.
            'C' => match (code.get(n), md.code_fences.get(n)) {
                (Some(code), Some(fence)) => {
                    render_block(self.highlighter, fence, code, &mut |_, _, _| {})
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

    pub(super) fn shortcode(
        &self,
        doc: &Doc,
        sc: &crate::markdown::Shortcode,
    ) -> Result<String, Diagnostic> {
        let template = format!("shortcodes/{}.html", sc.name);
        if !self.theme.has_template(&template) {
            return Err(Diagnostic::error(
                Code::UnknownShortcode,
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
                        Code::ShortcodeDataMissing,
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
    pub(super) fn content_links(
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
                Err((_, message, help)) => {
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
            Code::ShortcodeLinksBroken,
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

    pub(crate) fn page_view(&self, i: usize, content: String) -> PageView<'_> {
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
            toc: crate::markdown::toc(&doc.parsed.md.headings),
            word_count: doc.parsed.md.word_count,
            reading_minutes: reading_minutes(doc.parsed.md.word_count),
            date: fm.date.as_ref().map(|d| d.day()),
            updated: self.updated(doc),
            tags: fm
                .tags
                .iter()
                .map(|t| LinkView {
                    title: Cow::Borrowed(t),
                    url: Cow::Owned(self.tag_url(&crate::slug::tag_slug(t))),
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
    pub(super) fn updated(&self, doc: &'a Doc) -> Option<&'a str> {
        let fm = doc.front();
        self.site
            .last_commit
            .get(&doc.source)
            .map(String::as_str)
            .or_else(|| fm.updated.as_ref().or(fm.date.as_ref()).map(|d| d.day()))
    }

    pub(super) fn child(&self, c: usize) -> ChildView<'_> {
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

    pub(super) fn edit_url(&self, doc: &Doc) -> Option<String> {
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
}
