//! The generated files: tag pages, the tags index, 404.html, alias redirects, sitemap.xml,
//! atom.xml, robots.txt, llms.txt, .nojekyll, CNAME and the highlight stylesheet.

use super::nav::NavIndex;
use super::views::{SiteView, TagView};
use super::Renderer;
use crate::config::Config;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::output::Sink;
use crate::render_key::{value_key, Keys};
use crate::site::{Doc, Kind};
use serde::Serialize;

impl Renderer<'_> {
    /// Tag pages, 404, feeds and the other generated files, and how many files the sink
    /// kept instead (they count as written, so the summary is the same whatever was kept).
    pub(super) fn extra_files(
        &self,
        site_view: &SiteView,
        keys: Option<&Keys>,
        sink: &dyn Sink,
        diags: &mut Diagnostics,
    ) -> (Vec<(String, Vec<u8>)>, usize) {
        let mut out = Vec::new();
        let mut kept = 0;
        let nav_index = std::sync::OnceLock::new();
        // `value` hashes what `extra` puts in the context; with the shared parts it is the
        // whole context, so a remembering sink keeps the file without the context being made.
        let mut render = |template: &str,
                          path: String,
                          value: &dyn Fn() -> u64,
                          extra: &dyn Fn(&mut tera::Context)| {
            let home = self.site.home;
            let key = |k: &Keys| k.generated(self.theme, template, &path, home, value());
            if keys.is_some_and(|k| sink.reuse(&[&path], key(k))) {
                kept += 1;
                return;
            }
            let mut ctx = tera::Context::new();
            ctx.insert("site", &site_view.for_template(self.theme, template));
            let nav_index = nav_index.get_or_init(|| NavIndex::new(self.site));
            self.insert_shared(&mut ctx, template, nav_index, home);
            extra(&mut ctx);
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
            render(
                "tag.html",
                tag_output(&t.slug),
                &|| value_key(view),
                &|ctx| ctx.insert("tag", view),
            );
        }
        if !tags.is_empty() {
            render(
                "tags.html",
                "tags/index.html".into(),
                &|| value_key(&tags),
                &|ctx| ctx.insert("tags", &tags),
            );
        }
        render("404.html", "404.html".into(), &|| 0, &|_| {});
        for (alias, target) in &self.site.aliases {
            let target = self.url(*target);
            render(
                "redirect.html",
                alias_output(alias),
                &|| value_key(&target),
                &|ctx| ctx.insert("target", &target),
            );
        }
        let urls = self.sitemap_urls();
        render(
            "sitemap.xml",
            "sitemap.xml".into(),
            &|| value_key(&urls),
            &|ctx| ctx.insert("urls", &urls),
        );
        let feed = self.feed();
        render(
            "atom.xml",
            "atom.xml".into(),
            &|| value_key(&feed),
            &|ctx| ctx.insert("feed", &feed),
        );
        let sitemap_url = self.config.permalink("sitemap.xml");
        render(
            "robots.txt",
            "robots.txt".into(),
            &|| value_key(&sitemap_url),
            &|ctx| ctx.insert("sitemap_url", &sitemap_url),
        );
        out.push((
            "llms.txt".into(),
            crate::copies::llms_txt(self.site, self.config).into_bytes(),
        ));
        out.push((".nojekyll".into(), Vec::new()));
        if let Some(cname) = &self.config.site.cname {
            out.push(("CNAME".into(), format!("{}\n", cname.trim()).into_bytes()));
        }
        match self.highlighter.css() {
            Ok(css) => out.push(("highlight.css".into(), css.into_bytes())),
            Err(e) => diags.push(Diagnostic::error(
                Code::HighlightThemeUnknown,
                "site.toml",
                1,
                1,
                e,
            )),
        }
        (out, kept)
    }

    /// `urls` in sitemap.xml: every document by path, with its "Last updated" day.
    fn sitemap_urls(&self) -> Vec<SitemapUrl<'_>> {
        let mut docs: Vec<&Doc> = self.site.docs.iter().collect();
        docs.sort_by(|a, b| a.path.cmp(&b.path));
        docs.into_iter()
            .map(|d| SitemapUrl {
                loc: self.config.permalink(&d.path),
                lastmod: self.updated(d),
            })
            .collect()
    }

    /// `feed` in atom.xml: the most recently dated pages, newest first, ties broken by path.
    fn feed(&self) -> FeedView<'_> {
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
        FeedView {
            self_url: self.config.permalink("atom.xml"),
            home_url: self.config.permalink(""),
            updated: dated
                .first()
                .map(|(d, _)| d.rfc3339())
                .unwrap_or_else(|| source_date(self.config)),
            entries: dated
                .into_iter()
                .map(|(date, d)| FeedEntry {
                    title: d.title(),
                    url: self.config.permalink(&d.path),
                    updated: date.rfc3339(),
                    summary: d.front().description.as_deref().unwrap_or(""),
                })
                .collect(),
        }
    }
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

/// The feed's date when no page has one: SOURCE_DATE_EPOCH, else the epoch; never the clock.
fn source_date(config: &Config) -> String {
    crate::dates::utc_timestamp(config.source_date_epoch.unwrap_or(0))
}

#[derive(Serialize)]
struct SitemapUrl<'a> {
    loc: String,
    lastmod: Option<&'a str>,
}

#[derive(Serialize)]
struct FeedView<'a> {
    self_url: String,
    home_url: String,
    updated: String,
    entries: Vec<FeedEntry<'a>>,
}

#[derive(Serialize)]
struct FeedEntry<'a> {
    title: &'a str,
    url: String,
    updated: String,
    summary: &'a str,
}
