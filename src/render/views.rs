//! The typed views templates read: `site`, `page`, the links, children and sidebar entries.

use crate::markdown::TocEntry;
use crate::theme::Theme;
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;

#[derive(Serialize, Clone)]
pub(crate) struct SiteView<'a> {
    pub(crate) title: &'a str,
    pub(crate) description: &'a str,
    pub(crate) base_url: &'a str,
    pub(crate) base_path: &'a str,
    pub(crate) language: &'a str,
    pub(crate) home_url: String,
    pub(crate) repository: Option<&'a crate::config::Repository>,
    pub(crate) extra: &'a toml::Table,
    /// Every tag: only filled in for templates that read `site.tags` (see `for_template`).
    pub(crate) tags: Vec<LinkView<'a>>,
    /// Whether the site has tags, for themes that only link to the tags index: reading
    /// `site.tags` on every page would make a build quadratic in the number of tags.
    pub(crate) has_tags: bool,
    /// The theme's strings in the site's language (`crate::i18n`), and those its scripts read
    /// as JSON.
    pub(crate) t: &'a crate::i18n::Strings,
    pub(crate) t_js: &'a str,
    /// "ltr" or "rtl".
    pub(crate) dir: &'static str,
    /// Where the theme's files are: the whole site's base path (a variant's own is prefixed).
    pub(crate) assets_path: &'a str,
    pub(crate) feed_url: String,
    /// The language and version being built, on a site with several (`crate::variants`).
    pub(crate) variant: Option<crate::variant_view::SiteVariant>,
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

/// Borrowed from the site where it can be: the preview builds every page's view on each save.
#[derive(Serialize, Clone)]
pub(crate) struct LinkView<'a> {
    pub(crate) title: Cow<'a, str>,
    pub(crate) url: Cow<'a, str>,
}

#[derive(Serialize)]
pub(crate) struct PageView<'a> {
    pub(crate) kind: &'static str,
    pub(crate) is_home: bool,
    pub(crate) title: &'a str,
    pub(crate) description: &'a str,
    pub(crate) url: Cow<'a, str>,
    pub(crate) permalink: String,
    pub(crate) content: String,
    pub(crate) toc: Vec<TocEntry<'a>>,
    pub(crate) word_count: usize,
    pub(crate) reading_minutes: usize,
    pub(crate) date: Option<&'a str>,
    pub(crate) updated: Option<&'a str>,
    pub(crate) tags: Vec<LinkView<'a>>,
    pub(crate) breadcrumbs: Vec<LinkView<'a>>,
    pub(crate) section: Option<LinkView<'a>>,
    pub(crate) prev: Option<LinkView<'a>>,
    pub(crate) next: Option<LinkView<'a>>,
    pub(crate) edit_url: Option<String>,
    pub(crate) source: &'a str,
    pub(crate) extra: &'a serde_json::Map<String, Value>,
    pub(crate) children: Vec<ChildView<'a>>,
    /// Language and version switchers, `hreflang` and canonical URL (`crate::variants`).
    pub(crate) alternates: Option<crate::variant_view::Alternates>,
}

#[derive(Serialize)]
pub(crate) struct ChildView<'a> {
    pub(crate) title: &'a str,
    pub(crate) description: &'a str,
    pub(crate) url: Cow<'a, str>,
    pub(crate) kind: &'static str,
    pub(crate) reading_minutes: usize,
}

#[derive(Serialize)]
pub(crate) struct NavItem<'a> {
    pub(crate) title: &'a str,
    pub(crate) url: String,
    pub(crate) current: bool,
    pub(crate) open: bool,
    pub(crate) is_section: bool,
    pub(crate) children: Vec<NavItem<'a>>,
}

#[derive(Serialize)]
pub(super) struct TagView<'a> {
    pub(super) name: &'a str,
    pub(super) url: String,
    pub(super) pages: Vec<ChildView<'a>>,
}
