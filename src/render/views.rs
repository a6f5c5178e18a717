//! The typed views templates read: `site`, `page`, the links, children and sidebar entries.

use crate::markdown::TocEntry;
use crate::theme::Theme;
use serde::Serialize;
use serde_json::Value;

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
    pub(super) fn for_template<'v>(
        &'v self,
        theme: &Theme,
        template: &str,
    ) -> std::borrow::Cow<'v, Self> {
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
pub(super) struct TagView<'a> {
    pub(super) name: &'a str,
    pub(super) url: String,
    pub(super) pages: Vec<ChildView<'a>>,
}
