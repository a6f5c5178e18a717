//! What each rendered output is made from, as one hash: a sink that remembers (the preview's,
//! `serve::incremental`) keeps an output whose key did not change instead of rendering it again,
//! so what is re-rendered follows from the data, not from lists of who reads what.
//!
//! A key hashes the output's complete template context, serialised straight into the hasher:
//! the `site` view the template gets, the `page` view (or the one variable a generated file
//! adds, `value_key`),
//! and the shared values the template reads (`sidebar`/`nav`, `data`), with the theme's files
//! and the config. Two parts stand for what they are made from, as making them is the cost
//! being saved: a page's body and table of contents by its parse (`ParsedDoc::id`), its
//! resolved link URLs and, when
//! it has shortcodes, the pages `@/` links may point at; the sidebar by the tree it is drawn
//! from (every document's path, title, kind, parent and children) and the current page.
//! Shared parts are hashed once per render, each page's own once per page.

use crate::config::Config;
use crate::site::Site;
use crate::theme::Theme;
use serde::Serialize;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

/// A hasher that gathers the bytes and hashes them in one xxh3 call when finished: keys are
/// made of many small fields, and xxh3's streaming state costs more per write than the copy.
#[derive(Default)]
pub(crate) struct Gather(Vec<u8>);

impl Hasher for Gather {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
    fn finish(&self) -> u64 {
        xxhash_rust::xxh3::xxh3_64(&self.0)
    }
}

/// The parts of every key that are the same for all outputs of one render.
pub(crate) struct Keys {
    /// Config (URLs, highlighting, HTML policy...), theme files and data files.
    base: u64,
    /// What the sidebar and `nav` are drawn from.
    nav: u64,
    /// The `site` view with and without the tag list (`SiteView::for_template`).
    site_full: u64,
    site_small: u64,
    /// Every page a shortcode's `@/` link may name, with its headings (by parse).
    targets: OnceLock<u64>,
}

/// Feeds serialised JSON into a hasher without building the string.
struct HashWriter<'a>(&'a mut Gather);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn hash_json(h: &mut Gather, v: &impl Serialize) {
    // Serialising plain views into a hasher cannot fail; a failure would only re-render.
    if serde_json::to_writer(HashWriter(h), v).is_err() {
        h.write(b"\0unserialisable");
    }
}

/// A page's view, in bincode's plain encoding (length-prefixed strings, no escaping): the
/// views are hashed for every page on every save, and JSON cost twice as much. A view bincode
/// cannot encode (a map of unknown length) is hashed as JSON instead.
fn hash_view(h: &mut Gather, v: &impl Serialize) {
    thread_local! {
        // Encoded whole, then hashed in one call: many small updates cost more than the copy.
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with_borrow_mut(|buf| {
        buf.clear();
        match bincode::serialize_into(&mut *buf, v) {
            Ok(()) => h.write_u64(xxhash_rust::xxh3::xxh3_64(buf)),
            Err(_) => hash_json(h, v),
        }
    })
}

/// A hash of a value a template reads (as `hash_view` encodes it).
pub(crate) fn value_key(v: &impl Serialize) -> u64 {
    let mut h = Gather::default();
    hash_view(&mut h, v);
    h.finish()
}

fn json_key(v: &impl Serialize) -> u64 {
    let mut h = Gather::default();
    hash_json(&mut h, v);
    h.finish()
}

/// A hash of the config as every key holds it (`hash_config`), for the parse cache's header.
pub(crate) fn config_key(config: &Config) -> u64 {
    let mut h = Gather::default();
    hash_config(&mut h, config);
    h.finish()
}

/// The config, with the map of the site's variants in a fixed order (its page sets are hash
/// sets, whose order differs from one run to the next). Without the folders the site is read
/// from and written to, which no output shows: the build cache on disk (`page_cache`) must not
/// depend on whether the root was given as `.` or a full path, nor on whether the output folder
/// came from `--output` or site.toml (`output_confined`, a safety check's input).
fn hash_config(h: &mut Gather, config: &crate::config::Config) {
    let mut plain = config.clone();
    plain.root = std::path::PathBuf::new();
    plain.output_dir = std::path::PathBuf::new();
    plain.output_confined = false;
    let variant = plain.variant.take();
    format!("{plain:?}").hash(h);
    let Some(v) = variant else { return };
    (v.index, &v.site_base_path, &v.site_base_url).hash(h);
    let m = &v.map;
    format!("{:?}", m.variants).hash(h);
    (&m.version_labels, &m.current_label, &m.lang_names).hash(h);
    for pages in &m.pages {
        let mut sorted: Vec<&String> = pages.iter().collect();
        sorted.sort_unstable();
        sorted.hash(h);
    }
}

impl Keys {
    /// `site_full` and `site_small`: the `site` view with and without the tag list.
    pub(crate) fn new(
        (config, theme, data): (&Config, &Theme, &serde_json::Value),
        site: &Site,
        site_full: &impl Serialize,
        site_small: &impl Serialize,
    ) -> Keys {
        let mut h = Gather::default();
        hash_config(&mut h, config);
        theme.fingerprint.hash(&mut h);
        hash_json(&mut h, data);
        let base = h.finish();
        let mut h = Gather::default();
        (site.docs.len(), site.home).hash(&mut h);
        for d in &site.docs {
            (
                &d.path,
                d.title(),
                d.kind == crate::site::Kind::Section,
                d.parent,
                &d.children,
            )
                .hash(&mut h);
        }
        let nav = h.finish();
        Keys {
            base,
            nav,
            site_full: json_key(site_full),
            site_small: json_key(site_small),
            targets: OnceLock::new(),
        }
    }

    fn targets(&self, site: &Site) -> u64 {
        *self.targets.get_or_init(|| {
            let mut h = Gather::default();
            for d in &site.docs {
                (&d.source, &d.path, d.parsed.id).hash(&mut h);
            }
            h.finish()
        })
    }

    /// The shared parts `template` reads; `current` is the page whose sidebar it shows.
    fn shared(&self, theme: &Theme, h: &mut Gather, template: &str, current: usize) {
        (self.base, template).hash(h);
        let uses = |var| theme.uses(template, var);
        if uses("sidebar") || uses("nav") {
            (self.nav, current).hash(h);
        }
        let tags = uses(crate::theme::SITE_TAGS);
        (if tags {
            self.site_full
        } else {
            self.site_small
        })
        .hash(h);
    }

    /// The key of document `i`'s page and Markdown copy, rendered through `template` from
    /// `view` (its page view without the body and table of contents, which the parse gives).
    pub(crate) fn page(
        &self,
        (theme, site): (&Theme, &Site),
        i: usize,
        template: &str,
        view: &impl Serialize,
    ) -> u64 {
        let mut h = Gather::default();
        self.shared(theme, &mut h, template, i);
        hash_view(&mut h, view);
        let doc = &site.docs[i];
        (doc.parsed.id, &doc.link_urls).hash(&mut h);
        if !doc.parsed.md.shortcodes.is_empty() {
            self.targets(site).hash(&mut h);
        }
        h.finish()
    }

    /// The key of a generated file (tag pages, 404, sitemap...) rendered through `template`
    /// with the sidebar of the home page, `value` being `value_key` of the one variable the
    /// file adds to the shared ones.
    pub(crate) fn generated(
        &self,
        theme: &Theme,
        template: &str,
        path: &str,
        home: usize,
        value: u64,
    ) -> u64 {
        let mut h = Gather::default();
        self.shared(theme, &mut h, template, home);
        (path, value).hash(&mut h);
        h.finish()
    }
}
