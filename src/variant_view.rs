//! What a page's template knows of the site's other languages and versions: the switchers'
//! links, `hreflang`, the canonical URL, the writing direction and the feed to link to. Read by
//! `render` from `Config::variant` (filled by `crate::variants`).

use crate::config::{Config, Dir};
use crate::variant_map::{Current, Map, Variant};
use serde::Serialize;

/// Languages written right to left (ISO 639-1 and -3 codes).
pub(crate) const RTL: &[&str] = &[
    "ar", "arc", "ckb", "dv", "fa", "he", "iw", "ku", "ps", "sd", "ug", "ur", "yi",
];

/// A link to a page's counterpart in another variant.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Alternate {
    pub(crate) code: String,
    pub(crate) label: String,
    pub(crate) url: String,
    pub(crate) permalink: String,
    pub(crate) current: bool,
    /// The page exists there (else the link leads to that variant's home).
    pub(crate) exists: bool,
}

/// `page.alternates`: the switchers, `hreflang` links and canonical URL of a page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Alternates {
    pub(crate) languages: Vec<Alternate>,
    pub(crate) versions: Vec<Alternate>,
    /// Languages where the page exists, for `<link rel="alternate" hreflang>`.
    pub(crate) hreflang: Vec<Alternate>,
    /// The default language's page, for `hreflang="x-default"`.
    pub(crate) x_default: Option<String>,
    pub(crate) canonical: String,
    /// An old version: the banner names it and links to `latest` (same page or home).
    pub(crate) old: Option<String>,
    pub(crate) latest: Option<Alternate>,
}

/// `site.variant`: the language and version a page is in.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SiteVariant {
    pub(crate) lang: String,
    pub(crate) version: String,
    pub(crate) old: bool,
    pub(crate) current_version: String,
}

/// The direction of `lang` ("rtl" or "ltr"), from the site's setting or the `RTL` list.
pub(crate) fn dir_of(config: &Config) -> &'static str {
    let lang = &config.site.language;
    let set = config.site.languages.get(lang).and_then(|l| l.dir);
    let primary = lang.split(['-', '_']).next().unwrap_or(lang);
    let rtl = set.map_or(RTL.contains(&primary), |d| d == Dir::Rtl);
    if rtl {
        "rtl"
    } else {
        "ltr"
    }
}

/// Whether the site has more than one variant.
pub(crate) fn enabled(config: &Config) -> bool {
    !config.site.languages.is_empty() || !config.site.versions.is_empty()
}

impl Map {
    fn url(&self, cur: &Current, j: usize, path: &str) -> (String, String, bool) {
        let exists = self.pages[j].contains(path);
        let rel = format!(
            "{}{}",
            self.variants[j].prefix,
            if exists { path } else { "" }
        );
        let url = format!("{}{rel}", cur.site_base_path);
        let origin_len = cur.site_base_url.len() - cur.site_base_path.trim_end_matches('/').len();
        let permalink = format!("{}{url}", &cur.site_base_url[..origin_len]);
        (url, permalink, exists)
    }

    fn alternate(
        &self,
        cur: &Current,
        j: usize,
        path: &str,
        label: String,
        code: &str,
    ) -> Alternate {
        let (url, permalink, exists) = self.url(cur, j, path);
        Alternate {
            code: code.to_string(),
            label,
            url,
            permalink,
            current: j == cur.index,
            exists,
        }
    }

    fn version_label(&self, version: &Option<String>) -> String {
        match version {
            Some(v) => self
                .version_labels
                .get(v)
                .cloned()
                .unwrap_or_else(|| v.clone()),
            None => self.current_label.clone(),
        }
    }

    /// The variant of `version` in `lang`, else in the default language.
    fn find(&self, version: &Option<String>, lang: &str) -> Option<usize> {
        let of_version = |v: &&Variant| &v.version == version;
        let pos = |want: &dyn Fn(&Variant) -> bool| self.variants.iter().position(want);
        pos(&|v| of_version(&v) && v.lang == lang).or_else(|| pos(&|v| of_version(&v)))
    }
}

/// The alternates of the page at `path` in the variant `config` builds (hook: `render::page_view`).
pub(crate) fn alternates(config: &Config, path: &str) -> Option<Alternates> {
    let cur = config.variant.as_ref()?;
    let map = &cur.map;
    let me = cur.variant();
    let languages: Vec<Alternate> = (0..map.variants.len())
        .filter(|&j| map.variants[j].version == me.version)
        .map(|j| {
            let lang = &map.variants[j].lang;
            let name = map
                .lang_names
                .get(lang)
                .cloned()
                .unwrap_or_else(|| lang.clone());
            map.alternate(cur, j, path, name, lang)
        })
        .collect();
    let mut versions = Vec::new();
    let mut seen = Vec::new();
    for v in &map.variants {
        if seen.contains(&&v.version) {
            continue;
        }
        seen.push(&v.version);
        if let Some(j) = map.find(&v.version, &me.lang) {
            let code = v.version.clone().unwrap_or_default();
            versions.push(map.alternate(cur, j, path, map.version_label(&v.version), &code));
        }
    }
    let latest = map
        .find(&None, &me.lang)
        .map(|j| map.alternate(cur, j, path, map.current_label.clone(), ""));
    let own = map.url(cur, cur.index, path).1;
    let canonical = match &latest {
        Some(l) if l.exists && me.version.is_some() => l.permalink.clone(),
        _ => own,
    };
    let hreflang: Vec<Alternate> = languages.iter().filter(|a| a.exists).cloned().collect();
    let x_default = hreflang
        .first()
        .filter(|_| hreflang.len() > 1)
        .map(|a| a.permalink.clone());
    Some(Alternates {
        languages: if languages.len() > 1 {
            languages
        } else {
            Vec::new()
        },
        versions: if versions.len() > 1 {
            versions
        } else {
            Vec::new()
        },
        hreflang: if hreflang.len() > 1 {
            hreflang
        } else {
            Vec::new()
        },
        x_default,
        canonical,
        old: me.version.as_ref().map(|_| map.version_label(&me.version)),
        latest: latest.filter(|_| me.version.is_some()),
    })
}

/// `site.variant` for templates (hook: `render::site_view`).
pub(crate) fn site_variant(config: &Config) -> Option<SiteVariant> {
    let cur = config.variant.as_ref()?;
    let me = cur.variant();
    Some(SiteVariant {
        lang: me.lang.clone(),
        version: cur.map.version_label(&me.version),
        old: me.version.is_some(),
        current_version: cur.map.current_label.clone(),
    })
}

/// The feed a page links to: its own variant's, or the current version's for an old one.
pub(crate) fn feed_url(config: &Config) -> String {
    match &config.variant {
        Some(cur) if cur.variant().version.is_some() => {
            let lang = &cur.variant().lang;
            let j = cur.map.find(&None, lang).unwrap_or(0);
            format!(
                "{}{}atom.xml",
                cur.site_base_path, cur.map.variants[j].prefix
            )
        }
        _ => config.url("atom.xml"),
    }
}
