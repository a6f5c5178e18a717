//! Parsed pages kept between builds (`build --cache DIR`, `DIR/parsed.pack`): a warm build
//! reads back the parse of each page whose text did not change instead of parsing it again,
//! which was a third of a warm 10,000-page build (docs/performance.md).
//!
//! Why it is safe: a page's parse (`pipeline::parse_text`) is a function of its path, its text,
//! the config (HTML policy, front matter strictness, highlighting limits) and the backlot build,
//! except where it reads other files (`pipeline::reads_other_files`: included code, local
//! images, present or not), and such pages are not kept. An entry's key hashes the path and the
//! text; the pack's header names the backlot build and a hash of the config, so a pack from
//! another build or config is ignored whole; every entry has a checksum (`cache::Pack`).
//!
//! A kept page is stored packed (`crate::compact`), as the build holds it: reading it back
//! costs neither parsing nor compressing. Its frames need the dictionary they were compressed
//! with, so the pack keeps the dictionary too, and a build that finds one uses it instead of
//! training another; each entry names the dictionary it was packed with, and one packed with
//! any other is a miss. The dictionary is trained again when the cache is dropped (another
//! backlot build, another config): on a site whose pages drifted far from it, pages pack larger,
//! never wrongly.

use crate::cache::{Opening, Pack};
use crate::compact::Dictionary;
use crate::page::ParsedDoc;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const FILE_NAME: &str = "parsed.pack";
/// The key the dictionary is kept under (a page's key is a hash, never this in practice).
const DICTIONARY_KEY: u128 = 0;

/// The parse cache of one build.
pub(crate) struct ParseCache {
    pack: Opening,
    reused: AtomicUsize,
    parsed: AtomicUsize,
}

/// What a page's entry is kept for: its path and text.
pub(crate) fn key(rel: &str, text: &str) -> u128 {
    crate::cache::key(rel, text)
}

/// A page's entry: its source (`key`) and the dictionary it was packed with, so a page packed
/// with another dictionary, or none, is never read with this one.
fn entry_key(source: u128, dict: Option<&Arc<Dictionary>>) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&source.to_le_bytes());
    h.update(&dict.map_or(0, |d| d.id()).to_le_bytes());
    h.digest128()
}

impl ParseCache {
    /// Starts opening the pack in `dir` for a build with `config` (`Opening`).
    pub(crate) fn open(dir: &Path, config: &crate::config::Config) -> ParseCache {
        let id = format!(
            "{} parsed {:016x}",
            env!("BACKLOT_CACHE_ID"),
            crate::render_key::config_key(config)
        );
        ParseCache {
            pack: Opening::start(dir, FILE_NAME, &id),
            reused: AtomicUsize::new(0),
            parsed: AtomicUsize::new(0),
        }
    }

    fn pack(&self) -> &Pack {
        self.pack.get()
    }

    /// The dictionary the last build packed its pages with, if it is kept intact.
    pub(crate) fn dictionary(&self) -> Option<Arc<Dictionary>> {
        let (_, bytes) = self.pack().get(DICTIONARY_KEY)?;
        self.pack().put(DICTIONARY_KEY, 0, &bytes);
        Some(Dictionary::from_bytes(bytes))
    }

    /// Keeps a newly trained dictionary for the next build.
    pub(crate) fn keep_dictionary(&self, dict: &Dictionary) {
        self.pack().put(DICTIONARY_KEY, 0, dict.bytes());
    }

    /// The page kept for `source` (`key`) packed with `dict`, if intact (given back `dict`).
    pub(crate) fn get(&self, source: u128, dict: Option<&Arc<Dictionary>>) -> Option<ParsedDoc> {
        let key = entry_key(source, dict);
        // An entry that does not decode (impossible: the header names this build, so this
        // format) is a miss, like a damaged one.
        let doc = self
            .pack()
            .with_entry(key, |bytes| bincode::deserialize::<ParsedDoc>(bytes).ok())
            .flatten();
        let Some(mut doc) = doc else {
            self.parsed.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        for packed in [&mut doc.md.packed, &mut doc.md.packed_text]
            .into_iter()
            .flatten()
        {
            packed.set_dictionary(dict);
        }
        self.pack().put(key, 0, &[]);
        self.reused.fetch_add(1, Ordering::Relaxed);
        Some(doc)
    }

    /// Keeps a page parsed and packed (with `dict`) by this build, for `source` (`key`).
    pub(crate) fn put(&self, source: u128, dict: Option<&Arc<Dictionary>>, doc: &ParsedDoc) {
        if let Ok(bytes) = bincode::serialize(doc) {
            self.pack().put(entry_key(source, dict), 0, &bytes);
        }
    }

    /// Counts a page parsed without asking the cache (a sample the dictionary is trained on).
    pub(crate) fn count_parsed(&self) {
        self.parsed.fetch_add(1, Ordering::Relaxed);
    }

    /// Saves the pack (`Pack::finish_with_note`) and says how many pages were read back.
    pub(crate) fn finish(&self) -> String {
        let reused = self.reused.load(Ordering::Relaxed);
        let all = reused + self.parsed.load(Ordering::Relaxed);
        self.pack().finish_with_note(reused, all, "parsed pages")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use crate::highlight::Highlighter;

    /// Everything a parse holds (front matter of every kind, foreign keys, warnings, links,
    /// anchors, code, shortcodes, citations, math, footnotes) comes back from the cache as it
    /// was kept, packed frames included; another page, or the same page with a dictionary,
    /// is a miss.
    #[test]
    fn a_kept_page_reads_back_exactly() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        let toml = "title = \"T\"\nbase_url = \"https://example.com/\"\n";
        std::fs::write(root.join("site.toml"), toml).unwrap();
        let config = Config::load(root, &Overrides::default()).unwrap();
        let h = Highlighter::new(&config.site.highlight);
        let page = "---\ntitle: Kept\ndescription: One page.\ndate: 2026-11-21T10:00:00+02:00\n\
            tags: [a, b]\nnav_order: 3\nlayout: post\ncolour: blue\nextra:\n  list: [1, 2.5, {x: null}]\n---\n\n\
            ## Set up <span id=\"raw\">here</span>\n\nSee [next](next.md#top), <https://example.com> and \
            ![a chart](https://example.com/c.png)[^1].\n\n```nosuchlang\nx\n```\n\n```python title=\"a.py\"\n\
            print(1)\n```\n\n<!-- backlot:data-table source=\"langs\" rows=\"Go\" -->\n\n\
            Node <!-- backlot:version node lts -->22<!-- /backlot:version --> and $x^2$.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: A note.\n";
        let mut doc = crate::pipeline::parse_text(&config, "content/kept.md", page, &h).unwrap();
        let front = &doc.front;
        assert!(!front.foreign.is_empty() && !front.extra.is_empty() && front.date.is_some());
        assert!(!doc.md.diagnostics.is_empty() && !doc.md.citations.is_empty());
        assert!(!doc.md.shortcodes.is_empty() && !doc.md.anchors.is_empty());
        doc.md.pack(None);
        let source = key("content/kept.md", page);
        let cache = ParseCache::open(root, &config);
        assert!(cache.get(source, None).is_none());
        cache.put(source, None, &doc);
        assert_eq!(cache.finish(), "0 of 1 parsed pages reused");

        let cache = ParseCache::open(root, &config);
        let back = cache.get(source, None).expect("kept");
        assert_eq!(format!("{back:?}"), format!("{doc:?}"));
        assert_eq!(back.md.html_and_code(), doc.md.html_and_code());
        assert!(cache.get(key("content/other.md", page), None).is_none());
        let dict = Dictionary::from_bytes(b"not trained, but a dictionary".to_vec());
        assert!(cache.get(source, Some(&dict)).is_none());
        assert_eq!(cache.finish(), "1 of 3 parsed pages reused");
    }
}
