//! Which language and version of a site a config builds, and the map of every variant's pages
//! (`crate::variants` makes them; `Config::variant` carries them to the renderer).

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// One variant: a language of a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Variant {
    pub(crate) lang: String,
    /// The old version's name; `None` for the current version.
    pub(crate) version: Option<String>,
    /// Its place under the site, "" or "ar/", "v1/", "v1/ar/".
    pub(crate) prefix: String,
    pub(crate) rtl: bool,
}

/// Every variant of the site and the pages each has: what switchers and `hreflang` read.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Map {
    pub(crate) variants: Vec<Variant>,
    /// Site paths of each variant's documents.
    pub(crate) pages: Vec<HashSet<String>>,
    /// Version name -> label, and the current version's label.
    pub(crate) version_labels: BTreeMap<String, String>,
    pub(crate) current_label: String,
    /// Language code -> its name in its own language (the theme's `language_name`).
    pub(crate) lang_names: BTreeMap<String, String>,
}

/// What one variant's config knows of the whole site.
#[derive(Debug, Clone)]
pub(crate) struct Current {
    pub(crate) map: Arc<Map>,
    pub(crate) index: usize,
    /// The whole site's base path and URL (the variant's own carry its prefix).
    pub(crate) site_base_path: String,
    pub(crate) site_base_url: String,
}

impl Current {
    pub(crate) fn variant(&self) -> &Variant {
        &self.map.variants[self.index]
    }
}
