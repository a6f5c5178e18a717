//! Which language and version of a site a config builds, and the map of every variant's pages
//! (`crate::variants` makes them; `Config::variant` carries them to the renderer).

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// One variant: a language of a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub lang: String,
    /// The old version's name; `None` for the current version.
    pub version: Option<String>,
    /// Its place under the site, "" or "ar/", "v1/", "v1/ar/".
    pub prefix: String,
    pub rtl: bool,
}

/// Every variant of the site and the pages each has: what switchers and `hreflang` read.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Map {
    pub variants: Vec<Variant>,
    /// Site paths of each variant's documents.
    pub pages: Vec<HashSet<String>>,
    /// Version name -> label, and the current version's label.
    pub version_labels: BTreeMap<String, String>,
    pub current_label: String,
    /// Language code -> its name in its own language (the theme's `language_name`).
    pub lang_names: BTreeMap<String, String>,
}

/// What one variant's config knows of the whole site.
#[derive(Debug, Clone)]
pub struct Current {
    pub map: Arc<Map>,
    pub index: usize,
    /// The whole site's base path and URL (the variant's own carry its prefix).
    pub site_base_path: String,
    pub site_base_url: String,
}

impl Current {
    pub fn variant(&self) -> &Variant {
        &self.map.variants[self.index]
    }
}
