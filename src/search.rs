//! The client-side search index, written at build time: a small manifest, an inverted index
//! split into shards by term prefix, and a fragment per page (title, section, text for
//! snippets), several pages' fragments to a file. The browser loads the manifest when the
//! search box is first used, then only the shards a query's terms fall into and the fragment
//! files of the results it shows, so a 10,000-page site never means one large download. The
//! format is read by the theme's `theme.js`.
//!
//! Files, under `search/`:
//! - `index.json`: `{"v": version, "keys": [shard prefix...], "f": [first doc of each fragment
//!   file...]}`; shard `i` is `s<i>.json`, fragment file `i` is `f<i>.json`. A term lives in
//!   the shard whose key is its longest listed prefix.
//! - `s<i>.json`: `{term: [doc, score, doc delta, score, ...]}`, docs ascending.
//! - `f<i>.json`: `[fragment of doc f[i], of doc f[i] + 1, ...]`, each fragment
//!   `{"t": title, "u": url, "s": section, "p": description, "b": body text,
//!   "h": [[heading id, UTF-16 offset in b], ...]}`.
//!
//! A score puts any title match above any heading match above body text (see `score`).

use crate::config::Config;
use crate::site::Site;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Shards grow until about this many bytes, then split on the next character of their terms.
const SHARD_BYTES: usize = 24 * 1024;
/// Longest shard key: terms sharing a longer prefix stay together whatever the size.
const MAX_KEY_CHARS: usize = 5;
/// Body text kept per page for snippets (the whole text is still indexed).
const FRAGMENT_CHARS: usize = 20_000;
/// Fragments are grouped into files of at least about this many bytes (a few pages each). One
/// file per page made the index a third of a large site's files, and creating files is most
/// of the cost of writing them; a result shown now costs at most this much more download.
const FRAGMENT_FILE_BYTES: usize = 24 * 1024;
const MIN_TERM_CHARS: usize = 2;
const MAX_TERM_CHARS: usize = 40;

/// What one page contributes to the index.
pub struct Entry<'a> {
    pub title: &'a str,
    pub url: String,
    pub section: &'a str,
    pub description: &'a str,
    pub headings: Vec<(&'a str, &'a str)>,
    pub text: &'a str,
}

/// Splits text into index terms exactly as the browser does: lower case, runs of letters and
/// digits, 2 to 40 characters.
pub fn terms(text: &str) -> impl Iterator<Item = String> + '_ {
    words(text).map(Cow::into_owned)
}

/// How often a term occurs in each field of a page.
#[derive(Default, Clone, Copy)]
struct Hits {
    title: u32,
    heading: u32,
    body: u32,
}

/// A title match outweighs any number of heading matches, which outweigh any body count.
fn score(h: Hits) -> u32 {
    u32::from(h.title > 0) * 1_000_000 + h.heading.min(9) * 1000 + h.body.min(999)
}

/// The entries of a site, in reading order (the order fixes the document numbers).
pub fn entries<'a>(config: &Config, site: &'a Site) -> Vec<Entry<'a>> {
    site.order
        .iter()
        .map(|&i| {
            let doc = &site.docs[i];
            let section = doc
                .parent
                .filter(|&p| p != site.home)
                .map_or("", |p| site.docs[p].title());
            Entry {
                title: doc.title(),
                url: config.url(&doc.path),
                section,
                description: doc.front().description.as_deref().unwrap_or(""),
                headings: doc
                    .parsed
                    .md
                    .headings
                    .iter()
                    .map(|h| (h.id.as_str(), h.text.as_str()))
                    .collect(),
                text: &doc.parsed.md.text,
            }
        })
        .collect()
}

/// The index files, as (path under the output folder, bytes).
pub fn files(entries: &[Entry]) -> Vec<(String, Vec<u8>)> {
    let out = std::sync::Mutex::new(Vec::new());
    write_files(entries, &|path, bytes| {
        out.lock().unwrap().push((path, bytes))
    });
    let mut out = out.into_inner().unwrap();
    out.sort();
    out
}

/// Produces the index files and hands each to `emit` as soon as it is made, from several
/// threads: a build streams them to disk instead of holding the whole index (about 50 MB of
/// JSON at 10,000 pages) in memory.
pub fn write_files(entries: &[Entry], emit: &(dyn Fn(String, Vec<u8>) + Sync)) {
    use crate::pipeline::timed;
    let postings = timed("search: invert", || invert(entries));
    let shards = timed("search: shard", || shard(&postings));
    let mut hash = Fnv::default();
    let shard_files: Vec<u64> = timed("search: write shards", || {
        shards
            .par_iter()
            .enumerate()
            .map(|(i, (_, terms))| {
                emit_hashed(
                    emit,
                    format!("search/s{i}.json"),
                    inert(shard_json(terms, &postings)),
                )
            })
            .collect()
    });
    let starts = fragment_files(entries);
    let fragments: Vec<u64> = timed("search: write fragments", || {
        starts
            .par_iter()
            .enumerate()
            .map(|(i, &start)| {
                let end = starts.get(i + 1).copied().unwrap_or(entries.len());
                let file: Vec<Fragment> = entries[start..end].iter().map(fragment).collect();
                let json = serde_json::to_vec(&file).unwrap_or_default();
                emit_hashed(emit, format!("search/f{i}.json"), inert(json))
            })
            .collect()
    });
    // The manifest's version changes whenever any file does, so browsers refetch.
    for part in shard_files.iter().chain(&fragments) {
        hash.write(&part.to_le_bytes());
    }
    let keys: Vec<&str> = shards.iter().map(|(k, _)| k.as_str()).collect();
    let manifest = serde_json::json!({"v": format!("{:016x}", hash.0), "keys": keys, "f": starts});
    emit(
        "search/index.json".into(),
        manifest.to_string().into_bytes(),
    );
}

/// Hands a file to `emit` and returns the hash of its path and bytes, for the manifest version.
fn emit_hashed(emit: &(dyn Fn(String, Vec<u8>) + Sync), path: String, bytes: Vec<u8>) -> u64 {
    let mut h = Fnv::default();
    h.write(path.as_bytes());
    h.write(&bytes);
    emit(path, bytes);
    h.0
}

/// The index files are inert even if a browser were ever made to read one as HTML: `<`, `>`
/// and `&` as `\u` escapes, exactly as JSON inside a page's `<script>`.
fn inert(json: Vec<u8>) -> Vec<u8> {
    match String::from_utf8(json) {
        Ok(text) => crate::theme::script_safe_json(&text).into_bytes(),
        Err(e) => e.into_bytes(),
    }
}

/// term -> [(doc, score)], docs ascending. Runs of pages are inverted in parallel, each into
/// its own small map, and the maps merged in page order: merging per run rather than per page
/// keeps the serial part to each run's distinct terms.
fn invert(entries: &[Entry]) -> BTreeMap<String, Vec<(u32, u32)>> {
    // In chunks: every page's terms at once were most of a 10,000-page build's peak memory
    // (about 200 MB); a chunk at a time keeps little more than the index itself.
    const CHUNK: usize = 512;
    const RUN: usize = 64;
    let mut index: HashMap<String, Vec<(u32, u32)>> = HashMap::default();
    for (c, chunk) in entries.chunks(CHUNK).enumerate() {
        let runs: Vec<HashMap<String, Vec<(u32, u32)>>> = chunk
            .par_chunks(RUN)
            .enumerate()
            .map(|(r, run)| {
                let mut local: HashMap<String, Vec<(u32, u32)>> = HashMap::default();
                for (i, e) in run.iter().enumerate() {
                    let doc = (c * CHUNK + r * RUN + i) as u32;
                    for (t, h) in hits(e) {
                        postings(&mut local, t).push((doc, score(h)));
                    }
                }
                local
            })
            .collect();
        for run in runs {
            for (t, mut list) in run {
                postings(&mut index, Cow::Owned(t)).append(&mut list);
            }
        }
    }
    index.into_iter().collect()
}

/// A term's postings, allocating its key only the first time it is seen.
fn postings<'m>(
    map: &'m mut HashMap<String, Vec<(u32, u32)>>,
    term: Cow<str>,
) -> &'m mut Vec<(u32, u32)> {
    if !map.contains_key(term.as_ref()) {
        return map.entry(term.into_owned()).or_default();
    }
    map.get_mut(term.as_ref()).expect("checked above")
}

fn hits<'a>(e: &Entry<'a>) -> HashMap<Cow<'a, str>, Hits> {
    // Keyed by `Cow`: most words are borrowed from the page, so counting allocates little.
    let mut hits: HashMap<Cow<'a, str>, Hits> = HashMap::default();
    for t in words(e.title) {
        hits.entry(t).or_default().title += 1;
    }
    for (_, h) in &e.headings {
        for t in words(h) {
            hits.entry(t).or_default().heading += 1;
        }
    }
    for t in words(e.text).chain(words(e.description)) {
        hits.entry(t).or_default().body += 1;
    }
    hits
}

/// `terms`, borrowing the words that are lower case already (most of them).
fn words(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    // ASCII first: the Unicode tables are only consulted for other characters.
    text.split(|c: char| {
        !(c.is_ascii_alphanumeric() || (!c.is_ascii() && (c.is_alphabetic() || c.is_numeric())))
    })
    .filter(|w| (MIN_TERM_CHARS..=MAX_TERM_CHARS).contains(&w.chars().count()))
    .map(|w| {
        if w.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            Cow::Borrowed(w)
        } else {
            Cow::Owned(w.to_lowercase())
        }
    })
}

/// Groups terms into shards keyed by prefix (one character at first), splitting a shard on a
/// longer prefix while it is larger than `SHARD_BYTES`. Returns (key, terms) sorted by key.
fn shard(postings: &BTreeMap<String, Vec<(u32, u32)>>) -> Vec<(String, Vec<&str>)> {
    let all: Vec<&str> = postings.keys().map(String::as_str).collect();
    let mut out = Vec::new();
    split(&all, 1, postings, &mut out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn split<'a>(
    terms: &[&'a str],
    key_chars: usize,
    postings: &BTreeMap<String, Vec<(u32, u32)>>,
    out: &mut Vec<(String, Vec<&'a str>)>,
) {
    let mut groups: BTreeMap<String, Vec<&'a str>> = BTreeMap::new();
    for t in terms {
        groups
            .entry(t.chars().take(key_chars).collect())
            .or_default()
            .push(t);
    }
    for (key, group) in groups {
        let size: usize = group
            .iter()
            .map(|t| t.len() + 4 + postings[*t].len() * 8)
            .sum();
        if size <= SHARD_BYTES || key_chars >= MAX_KEY_CHARS {
            out.push((key, group));
            continue;
        }
        let (short, long): (Vec<&str>, Vec<&str>) = group
            .into_iter()
            .partition(|t| t.chars().count() == key_chars);
        if !short.is_empty() {
            out.push((key, short));
        }
        split(&long, key_chars + 1, postings, out);
    }
}

fn shard_json(terms: &[&str], postings: &BTreeMap<String, Vec<(u32, u32)>>) -> Vec<u8> {
    let mut map = serde_json::Map::new();
    for t in terms {
        let mut flat = Vec::with_capacity(postings[*t].len() * 2);
        let mut prev = 0;
        for &(doc, score) in &postings[*t] {
            flat.push(doc - prev);
            flat.push(score);
            prev = doc;
        }
        map.insert(t.to_string(), flat.into());
    }
    serde_json::Value::Object(map).to_string().into_bytes()
}

#[derive(Serialize)]
struct Fragment<'a> {
    t: &'a str,
    u: &'a str,
    s: &'a str,
    p: &'a str,
    b: &'a str,
    h: Vec<(&'a str, usize)>,
}

/// A page's fragment: what a result shows, and where each heading starts in the text so a
/// result can link to the heading above its match.
fn fragment<'a>(e: &'a Entry) -> Fragment<'a> {
    let body = truncate_chars(e.text.trim(), FRAGMENT_CHARS);
    let mut h = Vec::new();
    let (mut from, mut utf16) = (0, 0);
    for (id, text) in &e.headings {
        if let Some(pos) = body[from..].find(text.trim()) {
            // Counted from the previous heading on: from the start each time was quadratic.
            utf16 += body[from..from + pos].encode_utf16().count();
            from += pos;
            h.push((*id, utf16));
        }
    }
    Fragment {
        t: e.title,
        u: &e.url,
        s: e.section,
        p: e.description,
        b: body,
        h,
    }
}

fn truncate_chars(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

/// The first document of each fragment file: consecutive pages, a new file once the current
/// one holds `FRAGMENT_FILE_BYTES` (estimated from the text lengths, so files can be made in
/// parallel without holding every fragment).
fn fragment_files(entries: &[Entry]) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut size = FRAGMENT_FILE_BYTES;
    for (i, e) in entries.iter().enumerate() {
        if size >= FRAGMENT_FILE_BYTES {
            starts.push(i);
            size = 0;
        }
        size += e.title.len() + e.url.len() + e.section.len() + e.description.len();
        size += e.text.len().min(FRAGMENT_CHARS) + e.headings.len() * 16;
    }
    starts
}

/// FNV-1a: a stable hash for the index version (std's hasher may change between releases).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(title: &'a str, headings: Vec<(&'a str, &'a str)>, text: &'a str) -> Entry<'a> {
        Entry {
            title,
            url: format!("/{}/", title.to_lowercase()),
            section: "",
            description: "",
            headings,
            text,
        }
    }

    #[test]
    fn terms_are_lowercase_words() {
        let t: Vec<String> = terms("Go's net/http: ÉTÉ a 42 x").collect();
        assert_eq!(t, ["go", "net", "http", "été", "42"]);
    }

    #[test]
    fn title_beats_heading_beats_body() {
        let title = score(Hits {
            title: 1,
            heading: 0,
            body: 0,
        });
        let heading = score(Hits {
            title: 0,
            heading: 1,
            body: 0,
        });
        let body = score(Hits {
            title: 0,
            heading: 0,
            body: 5000,
        });
        assert!(title > heading * 9 && heading > body);
    }

    #[test]
    fn shards_split_by_prefix_and_cover_every_term() {
        let text: String = (0..4000).map(|i| format!("ca{i} ")).collect();
        let e = [
            entry("Cache", vec![], &text),
            entry("Other", vec![], "cat ca"),
        ];
        let postings = invert(&e);
        let shards = shard(&postings);
        assert!(shards.len() > 2, "the large `ca` shard is split");
        let mut seen: Vec<&str> = shards.iter().flat_map(|s| s.1.clone()).collect();
        seen.sort();
        assert_eq!(seen.len(), postings.len());
        for (key, terms) in &shards {
            assert!(terms.iter().all(|t| t.starts_with(key.as_str())), "{key}");
        }
        assert!(shards.iter().any(|(k, t)| k == "ca" && t == &["ca"]));
        assert!(
            shards.iter().any(|(k, _)| k == "o"),
            "small groups stay whole"
        );
    }

    #[test]
    fn files_are_deterministic_with_fragments() {
        let e = [
            entry(
                "Indexes",
                vec![("b-tree", "B-tree")],
                "Intro. B-tree indexes speed reads.",
            ),
            entry("Caching", vec![], "Indexes are not caches."),
        ];
        let a = files(&e);
        assert_eq!(a, files(&e));
        let index = a.iter().find(|f| f.0 == "search/index.json").unwrap();
        let manifest: serde_json::Value = serde_json::from_slice(&index.1).unwrap();
        assert_eq!(manifest["keys"][0], "a");
        assert_eq!(
            manifest["f"],
            serde_json::json!([0]),
            "two small pages, one file"
        );
        let f0 = a.iter().find(|f| f.0 == "search/f0.json").unwrap();
        let frags: serde_json::Value = serde_json::from_slice(&f0.1).unwrap();
        assert_eq!(frags[0]["h"][0], serde_json::json!(["b-tree", 7]));
        assert_eq!(frags[1]["t"], "Caching");
        let shard = a
            .iter()
            .find(|f| String::from_utf8_lossy(&f.1).contains("\"indexes\""));
        let s: serde_json::Value = serde_json::from_slice(&shard.unwrap().1).unwrap();
        assert_eq!(s["indexes"], serde_json::json!([0, 1_000_001, 1, 1]));
    }

    #[test]
    fn fragments_are_grouped_in_order() {
        let text = "word ".repeat(2000); // 10 KB: three pages fill a file
        let titles: Vec<String> = (0..7).map(|i| format!("Page{i}")).collect();
        let e: Vec<Entry> = titles.iter().map(|t| entry(t, vec![], &text)).collect();
        let a = files(&e);
        let index = a.iter().find(|f| f.0 == "search/index.json").unwrap();
        let manifest: serde_json::Value = serde_json::from_slice(&index.1).unwrap();
        assert_eq!(manifest["f"], serde_json::json!([0, 3, 6]));
        let f1 = a.iter().find(|f| f.0 == "search/f1.json").unwrap();
        let frags: serde_json::Value = serde_json::from_slice(&f1.1).unwrap();
        let t: Vec<&str> = frags
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["t"].as_str().unwrap())
            .collect();
        assert_eq!(t, ["Page3", "Page4", "Page5"]);
    }
}
