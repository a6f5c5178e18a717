//! The client-side search index, written at build time: a small manifest, an inverted index
//! split into shards by term prefix, and a fragment per page (title, section, the start of
//! each section's text for snippets), several pages' fragments to a file. The browser loads
//! the manifest when the search box is first used, then only the shards a query's terms fall
//! into and the fragment files of the results it shows, so a 10,000-page site never means one
//! large download. The format is read by the theme's `search.js`; both split text with the
//! contract in `tokenize`.
//!
//! Files, under `search/`:
//! - `index.json`: `{"v": version, "n": pages, "keys": [shard prefix...], "f": [first doc of
//!   each fragment file...]}`; shard `i` is `s<i>.json`, fragment file `i` is `f<i>.json`. A
//!   key (term or word) lives in the shard whose key is its longest listed prefix.
//! - `s<i>.json`: `{"t": {term: [doc, weight, section, doc delta, weight, section, ...]},
//!   "w": {word: stem}}`: postings by term, docs ascending; a term is the Snowball stem of a
//!   word (other tokens are their own term), and `w` maps each word whose stem differs, so
//!   the browser finds a query word's term without a stemmer of its own.
//! - `f<i>.json`: `[fragment of doc f[i], of doc f[i] + 1, ...]`, each fragment
//!   `{"t": title, "u": url, "s": section title, "p": description, "h": [[heading id, heading
//!   text, start of the text], ...]}`; `h[0]` is the text before the first heading (id "").
//!
//! A posting's weight puts a title match above heading matches above body text (see
//! `Hits::weight`); its section is where the term occurs most, so a result opens there.

use crate::config::Config;
use crate::page::ParsedDoc;
use crate::site::Site;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

mod postings;
mod tokenize;

use postings::Postings;

/// Shards grow until about this many bytes, then split on the next character of their keys.
const SHARD_BYTES: usize = 24 * 1024;
/// Longest shard key: keys sharing a longer prefix stay together whatever the size.
const MAX_KEY_CHARS: usize = 5;
/// Text kept per section for snippets (the whole text is still indexed).
const SECTION_CHARS: usize = 320;
/// Fragments are grouped into files of at least about this many bytes (a few pages each). One
/// file per page made the index a third of a large site's files, and creating files is most
/// of the cost of writing them; a result shown now costs at most this much more download.
const FRAGMENT_FILE_BYTES: usize = 8 * 1024;

/// What one page contributes to the index.
pub(crate) struct Entry<'a> {
    pub(crate) title: &'a str,
    pub(crate) url: String,
    pub(crate) section: &'a str,
    pub(crate) description: &'a str,
    pub(crate) headings: Vec<(&'a str, &'a str)>,
    /// The page's prose text: empty when the page holds it packed (`TextOf` reads it then).
    pub(crate) text: &'a str,
    pub(crate) text_len: usize,
}

/// Splits text into tokens exactly as the browser does (the contract in `tokenize`).
#[cfg(test)]
pub(crate) fn terms(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut out = Vec::new();
    tokenize::tokens(text, &mut |t| out.push(t.into_owned()));
    out.into_iter()
}

/// How a term occurs on a page, and the section where it occurs most.
#[derive(Default, Clone, Copy)]
struct Hits {
    /// 0, or the title's weight: 30 + 30 / tokens in the title (a short title matches better).
    title: u32,
    heading: u32,
    body: u32,
    description: u32,
    /// Section with the most occurrences so far (a heading's own words count 100 each).
    best: u32,
    best_n: u32,
    cur: u32,
    cur_n: u32,
}

impl Hits {
    fn note(&mut self, section: u32, n: u32) {
        if self.cur != section {
            (self.cur, self.cur_n) = (section, 0);
        }
        self.cur_n += n;
        if self.cur_n > self.best_n {
            (self.best, self.best_n) = (section, self.cur_n);
        }
    }

    /// Two words with one stem on the same page.
    fn merge(&mut self, o: &Hits) {
        self.title = self.title.max(o.title);
        self.heading += o.heading;
        self.body += o.body;
        self.description += o.description;
        if o.best_n > self.best_n {
            (self.best, self.best_n) = (o.best, o.best_n);
        }
    }

    /// The posting's weight: title over headings over body text, whose count is on a log
    /// scale (in integers, so every platform computes the same).
    fn weight(&self) -> u32 {
        let body = (u32::BITS - self.body.leading_zeros()).min(7) * 4;
        self.title + self.heading.min(2) * 11 + body + 5 * u32::from(self.description > 0)
    }

    /// (weight, section) packed into one number for the postings in memory. A term of the
    /// title points at the top of the page.
    fn packed(&self) -> u32 {
        let section = if self.title > 0 { 0 } else { self.best };
        self.weight() << 16 | section.min(0xffff)
    }
}

/// The entries of a site, in reading order (the order fixes the document numbers).
pub(crate) fn entries<'a>(config: &Config, site: &'a Site) -> Vec<Entry<'a>> {
    site.order
        .par_iter()
        .map(|&i| {
            let doc = &site.docs[i];
            entry(&doc.parsed, config.url(&doc.path), section_of(site, i))
        })
        .collect()
}

/// The title of the section a document is listed under in results ("" at the top).
fn section_of(site: &Site, i: usize) -> &str {
    let parent = site.docs[i].parent.filter(|&p| p != site.home);
    parent.map_or("", |p| site.docs[p].title())
}

fn entry<'a>(doc: &'a ParsedDoc, url: String, section: &'a str) -> Entry<'a> {
    Entry {
        title: doc.front.title.as_deref().unwrap_or(""),
        url,
        section,
        description: doc.front.description.as_deref().unwrap_or(""),
        headings: doc
            .md
            .headings
            .iter()
            .map(|h| (h.id.as_str(), h.text.as_str()))
            .collect(),
        text: &doc.md.text,
        text_len: doc.md.text_len(),
    }
}

/// The index of one state of a site, made when first asked for: what the preview holds, as
/// rebuilding the index on every save would cost more than the rest of the rebuild.
#[derive(Default)]
pub(crate) struct Deferred {
    /// (document, URL, section title) in reading order, as `entries` lists them.
    inputs: Vec<(Arc<ParsedDoc>, String, String)>,
    /// Hashes the inputs: equal keys, equal files.
    key: u64,
    files: std::sync::OnceLock<BTreeMap<String, Arc<Vec<u8>>>>,
}

impl Deferred {
    fn inputs(config: &Config, site: &Site) -> Vec<(Arc<ParsedDoc>, String, String)> {
        site.order
            .iter()
            .map(|&i| {
                let doc = &site.docs[i];
                let section = section_of(site, i).to_string();
                (doc.parsed.clone(), config.url(&doc.path), section)
            })
            .collect()
    }

    /// `new` with the key already known.
    pub(crate) fn with_key(config: &Config, site: &Site, key: u64) -> Deferred {
        let inputs = Deferred::inputs(config, site);
        Deferred {
            key,
            inputs,
            files: Default::default(),
        }
    }

    /// Hashes everything the index of `site` is made from, without making it: each page's
    /// parse (`ParsedDoc::id`; the title and description too, as the home page's may be set
    /// after parsing), URL and section title, in reading order.
    pub(crate) fn key_of(config: &Config, site: &Site) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = crate::render_key::Gather::default();
        config.url("").hash(&mut h);
        for &i in &site.order {
            let doc = &site.docs[i];
            let front = (&doc.parsed.front.title, &doc.parsed.front.description);
            (doc.parsed.id, front, &doc.path, section_of(site, i)).hash(&mut h);
        }
        h.finish()
    }
}

impl crate::output::Later for Deferred {
    fn key(&self) -> u64 {
        self.key
    }

    /// The index files by path, made on the first call.
    fn files(&self) -> &BTreeMap<String, Arc<Vec<u8>>> {
        self.files.get_or_init(|| {
            let entries: Vec<Entry> = self
                .inputs
                .iter()
                .map(|(doc, url, section)| entry(doc, url.clone(), section))
                .collect();
            files(&entries)
                .into_iter()
                .map(|(k, v)| (k, Arc::new(v)))
                .collect()
        })
    }
}

/// The index files, as (path under the output folder, bytes).
pub(crate) fn files(entries: &[Entry]) -> Vec<(String, Vec<u8>)> {
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
pub(crate) fn write_files(entries: &[Entry], emit: &(dyn Fn(String, Vec<u8>) + Sync)) {
    write_files_with(entries, &|i| Cow::Borrowed(entries[i].text), emit);
}

/// A page's text by its entry's number: a build's pages hold theirs compressed
/// (`crate::compact`), so the index decompresses one run of pages at a time instead of all.
type TextOf<'t> = dyn Fn(usize) -> Cow<'t, str> + Sync + 't;

/// `write_files` for a whole site, reading each page's text where the page holds it.
pub(crate) fn write_site(config: &Config, site: &Site, emit: &(dyn Fn(String, Vec<u8>) + Sync)) {
    let entries = entries(config, site);
    write_files_with(
        &entries,
        &|i| site.docs[site.order[i]].parsed.md.text(),
        emit,
    );
}

fn write_files_with<'t>(
    entries: &[Entry],
    text_of: &TextOf<'t>,
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
) {
    use crate::profile::timed;
    let index = timed("search: invert", || invert(entries, text_of));
    crate::memory::note("search: inverted");
    let shards = timed("search: shard", || shard(&index));
    let mut hash = Fnv::default();
    let shard_files: Vec<u64> = timed("search: write shards", || {
        shards
            .par_iter()
            .enumerate()
            .map(|(i, (_, keys))| {
                emit_hashed(
                    emit,
                    format!("search/s{i}.json"),
                    inert(shard_json(keys, &index)),
                )
            })
            .collect()
    });
    crate::memory::note("search: shards written");
    let starts = fragment_files(entries);
    let fragments: Vec<u64> = timed("search: write fragments", || {
        starts
            .par_iter()
            .enumerate()
            .map(|(i, &start)| {
                let end = starts.get(i + 1).copied().unwrap_or(entries.len());
                let texts: Vec<Cow<str>> = (start..end).map(text_of).collect();
                let file: Vec<Fragment> = entries[start..end]
                    .iter()
                    .zip(&texts)
                    .map(|(e, text)| fragment(e, text))
                    .collect();
                let json = serde_json::to_vec(&file).unwrap_or_default();
                emit_hashed(emit, format!("search/f{i}.json"), inert(json))
            })
            .collect()
    });
    crate::memory::note("search: fragments written");
    // The manifest's version changes whenever any file does, so browsers refetch.
    for part in shard_files.iter().chain(&fragments) {
        hash.write(&part.to_le_bytes());
    }
    let keys: Vec<&str> = shards.iter().map(|(k, _)| k.as_str()).collect();
    let manifest = serde_json::json!({
        "v": format!("{:016x}", hash.0),
        "n": entries.len(),
        "keys": keys,
        "f": starts,
    });
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
        Ok(text) => crate::theme::script_safe_json(text).into_bytes(),
        Err(e) => e.into_bytes(),
    }
}

/// The inverted index: term (a stem or other token) -> postings (doc, weight, section), docs
/// ascending; and word -> stem for the words whose stem differs.
#[derive(Default)]
struct Index {
    postings: BTreeMap<String, Postings>,
    stems: BTreeMap<String, String>,
}

/// One run of pages inverted: postings with their hits still apart (merged per stem), and the
/// stems the run computed.
#[derive(Default)]
struct Run {
    postings: HashMap<String, Vec<(u32, Hits)>>,
    stems: HashMap<String, Option<String>>,
}

/// Runs of pages are inverted in parallel, each into its own small map, and the maps merged
/// in page order: merging per run rather than per page keeps the serial part to each run's
/// distinct terms, and a chunk's runs are merged while the next chunk's are made.
fn invert(entries: &[Entry], text_of: &TextOf) -> Index {
    // In chunks: every page's terms at once were most of a 10,000-page build's peak memory
    // (about 200 MB); a chunk at a time keeps little more than the index itself.
    const CHUNK: usize = 512;
    let mut index: HashMap<String, Postings> = HashMap::default();
    let mut stems = BTreeMap::new();
    let mut made: Option<Vec<Run>> = None;
    for (c, chunk) in entries.chunks(CHUNK).enumerate() {
        let (runs, ()) = rayon::join(
            || invert_chunk(c * CHUNK, chunk, text_of),
            || {
                if let Some(runs) = made.take() {
                    merge_runs(&mut index, &mut stems, runs);
                }
            },
        );
        made = Some(runs);
    }
    if let Some(runs) = made {
        merge_runs(&mut index, &mut stems, runs);
    }
    crate::memory::note("search: postings");
    index.values_mut().for_each(Postings::shrink);
    Index {
        postings: index.into_iter().collect(),
        stems,
    }
}

/// The pages of `chunk` (the first numbered `first`) inverted, a run of pages per task.
fn invert_chunk(first: usize, chunk: &[Entry], text_of: &TextOf) -> Vec<Run> {
    const RUN: usize = 64;
    chunk
        .par_chunks(RUN)
        .enumerate()
        .map(|(r, run)| {
            let stemmer = tokenize::stemmer();
            let mut local = Run::default();
            for (i, e) in run.iter().enumerate() {
                let doc = (first + r * RUN + i) as u32;
                let text = text_of(doc as usize);
                for (t, h) in hits(e, &text) {
                    local.add(&stemmer, doc, t, &h);
                }
            }
            local
        })
        .collect()
}

/// Adds runs to the index, in order.
fn merge_runs(
    index: &mut HashMap<String, Postings>,
    stems: &mut BTreeMap<String, String>,
    runs: Vec<Run>,
) {
    for run in runs {
        for (t, list) in run.postings {
            let into = postings(index, Cow::Owned(t));
            for (doc, h) in list {
                let packed = h.packed();
                into.push(doc, packed >> 16, packed & 0xffff);
            }
        }
        stems.extend(run.stems.into_iter().filter_map(|(w, s)| Some((w, s?))));
    }
}

impl Run {
    /// A page's hits for one token, filed under the token's stem (computed once per run).
    fn add(&mut self, stemmer: &rust_stemmers::Stemmer, doc: u32, token: Cow<str>, h: &Hits) {
        let stem = match self.stems.get(token.as_ref()) {
            Some(stem) => stem,
            None => {
                let stem = tokenize::stem(stemmer, &token);
                let differs = (stem != token).then(|| stem.into_owned());
                self.stems.entry(token.to_string()).or_insert(differs)
            }
        };
        let term = stem.as_deref().unwrap_or(token.as_ref());
        let list = postings(&mut self.postings, Cow::Borrowed(term));
        match list.last_mut() {
            Some((d, prev)) if *d == doc => prev.merge(h),
            _ => list.push((doc, *h)),
        }
    }
}

/// A term's postings, allocating its key only the first time it is seen.
fn postings<'m, V: Default>(map: &'m mut HashMap<String, V>, term: Cow<str>) -> &'m mut V {
    if !map.contains_key(term.as_ref()) {
        return map.entry(term.into_owned()).or_default();
    }
    map.get_mut(term.as_ref()).expect("checked above")
}

/// A page's body text cut at its headings: (heading id, heading text, text from the heading
/// to the next), the first with no heading (the text before the first heading). Headings are
/// found in order in the text; one that cannot be found joins the section before it.
fn sections<'a>(e: &Entry<'a>, text: &'a str) -> Vec<(&'a str, &'a str, &'a str)> {
    let mut cuts = vec![("", "", 0)];
    let mut from = 0;
    for (id, heading) in &e.headings {
        let heading = heading.trim();
        let found = memchr::memmem::find(&text.as_bytes()[from..], heading.as_bytes());
        if let Some(pos) = found.filter(|_| !heading.is_empty()) {
            from += pos;
            cuts.push((id, heading, from));
        }
    }
    (0..cuts.len())
        .map(|i| {
            let end = cuts.get(i + 1).map_or(text.len(), |c| c.2);
            (cuts[i].0, cuts[i].1, &text[cuts[i].2..end])
        })
        .collect()
}

fn hits<'a>(e: &Entry<'a>, text: &'a str) -> HashMap<Cow<'a, str>, Hits> {
    // Keyed by `Cow`: most words are borrowed from the page, so counting allocates little.
    let mut hits: HashMap<Cow<'a, str>, Hits> = HashMap::default();
    let mut title = Vec::new();
    tokenize::tokens(e.title, &mut |t| title.push(t));
    let title_weight = 30 + 30 / title.len().max(1) as u32;
    for t in title {
        hits.entry(t).or_default().title = title_weight;
    }
    for (s, (_, heading, text)) in sections(e, text).into_iter().enumerate() {
        let s = s as u32;
        tokenize::tokens(heading, &mut |t| {
            let h = hits.entry(t).or_default();
            h.heading += 1;
            h.note(s, 100);
        });
        tokenize::tokens(text, &mut |t| {
            let h = hits.entry(t).or_default();
            h.body += 1;
            h.note(s, 1);
        });
    }
    tokenize::tokens(e.description, &mut |t| {
        hits.entry(t).or_default().description += 1;
    });
    hits
}

/// Groups keys (terms and words of the stem map) into shards keyed by prefix (one character
/// at first), splitting a shard on a longer prefix while it is larger than `SHARD_BYTES`.
/// Returns (key, keys in the shard) sorted by key.
fn shard(index: &Index) -> Vec<(String, Vec<&str>)> {
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    for (t, list) in &index.postings {
        *sizes.entry(t).or_default() += t.len() + 4 + list.len() * 9;
    }
    for (w, s) in &index.stems {
        *sizes.entry(w).or_default() += w.len() + s.len() + 6;
    }
    let all: Vec<&str> = sizes.keys().copied().collect();
    let mut out = Vec::new();
    split(&all, 1, &sizes, &mut out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn split<'a>(
    keys: &[&'a str],
    key_chars: usize,
    sizes: &BTreeMap<&str, usize>,
    out: &mut Vec<(String, Vec<&'a str>)>,
) {
    let mut groups: BTreeMap<String, Vec<&'a str>> = BTreeMap::new();
    for t in keys {
        groups
            .entry(t.chars().take(key_chars).collect())
            .or_default()
            .push(t);
    }
    for (key, group) in groups {
        let size: usize = group.iter().map(|t| sizes[*t]).sum();
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
        split(&long, key_chars + 1, sizes, out);
    }
}

/// A shard: `{"t": {term: [doc delta, weight, section, ...]}, "w": {word: stem}}`.
/// A shard file, `{"t":{term:[postings]},"w":{word:stem}}`, keys in the order given (sorted:
/// `shard`), written straight out: built as a `serde_json::Value` first, each posting number
/// was a 32-byte value, and the shards of the commonest terms took tens of megabytes at once
/// at 100,000 pages (the search stage's peak).
fn shard_json(keys: &[&str], index: &Index) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::new();
    let string = |out: &mut Vec<u8>, s: &str| {
        serde_json::to_writer(out, s).expect("a string writes to memory");
    };
    out.extend_from_slice(b"{\"t\":{");
    let terms = keys
        .iter()
        .filter_map(|k| Some((*k, index.postings.get(*k)?)));
    for (i, (k, list)) in terms.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(&mut out, k);
        out.extend_from_slice(b":[");
        for (j, n) in list.deltas().flatten().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            write!(out, "{n}").expect("writing to memory");
        }
        out.push(b']');
    }
    out.extend_from_slice(b"},\"w\":{");
    let words = keys.iter().filter_map(|k| Some((*k, index.stems.get(*k)?)));
    for (i, (k, stem)) in words.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(&mut out, k);
        out.push(b':');
        string(&mut out, stem);
    }
    out.extend_from_slice(b"}}");
    out
}

#[derive(Serialize)]
struct Fragment<'a> {
    t: &'a str,
    u: &'a str,
    s: &'a str,
    p: &'a str,
    h: Vec<(&'a str, &'a str, &'a str)>,
}

/// A page's fragment: what a result shows. Its sections are those the postings point at,
/// each (heading id, heading text, the start of its text for the snippet).
fn fragment<'a>(e: &'a Entry, text: &'a str) -> Fragment<'a> {
    let h = sections(e, text)
        .into_iter()
        .map(|(id, heading, text)| {
            let text = text.trim_start().strip_prefix(heading).unwrap_or(text);
            (id, heading, truncate_chars(text.trim(), SECTION_CHARS))
        })
        .collect();
    Fragment {
        t: e.title,
        u: &e.url,
        s: e.section,
        p: e.description,
        h,
    }
}

fn truncate_chars(s: &str, n: usize) -> &str {
    // Most text is ASCII, where characters are bytes.
    match s.as_bytes().get(..n) {
        None if s.is_ascii() => return s,
        Some(head) if head.is_ascii() => return &s[..n],
        _ => {}
    }
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
        size += e.text_len.min((e.headings.len() + 1) * SECTION_CHARS) + e.headings.len() * 40;
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

    /// `shard_json` writes what building a `serde_json::Value` wrote (the oracle, as it was).
    #[test]
    fn shard_json_matches_the_value_it_replaced() {
        let mut index = Index::default();
        for (term, docs) in [
            ("al\"pha", vec![0, 3, 70_000]),
            ("b\u{e9}ta", vec![5]),
            ("<z>", vec![]),
        ] {
            let mut list = Postings::default();
            for d in docs {
                list.push(d, 7, d % 3);
            }
            index.postings.insert(term.to_string(), list);
        }
        index.stems.insert("b\u{e9}tas".into(), "b\u{e9}ta".into());
        index.stems.insert("al\"pha".into(), "alph\\".into());
        let oracle = |keys: &[&str]| {
            let mut terms = serde_json::Map::new();
            let mut words = serde_json::Map::new();
            for k in keys {
                if let Some(list) = index.postings.get(*k) {
                    let flat: Vec<u32> = list.deltas().flatten().collect();
                    terms.insert(k.to_string(), flat.into());
                }
                if let Some(stem) = index.stems.get(*k) {
                    words.insert(k.to_string(), stem.as_str().into());
                }
            }
            serde_json::json!({"t": terms, "w": words})
                .to_string()
                .into_bytes()
        };
        let mut keys: Vec<&str> = index
            .postings
            .keys()
            .chain(index.stems.keys())
            .map(String::as_str)
            .collect();
        keys.sort();
        keys.dedup();
        for keys in [&keys[..], &keys[..1], &[], &["missing"]] {
            assert_eq!(
                String::from_utf8(shard_json(keys, &index)).unwrap(),
                String::from_utf8(oracle(keys)).unwrap()
            );
        }
    }

    fn entry<'a>(title: &'a str, headings: Vec<(&'a str, &'a str)>, text: &'a str) -> Entry<'a> {
        Entry {
            title,
            url: format!("/{}/", title.to_lowercase()),
            section: "",
            description: "",
            headings,
            text,
            text_len: text.len(),
        }
    }

    fn json(files: &[(String, Vec<u8>)], path: &str) -> serde_json::Value {
        let f = files.iter().find(|f| f.0 == path).expect(path);
        serde_json::from_slice(&f.1).unwrap()
    }

    /// The shard holding `key` (in `t` or `w`).
    fn shard_with(files: &[(String, Vec<u8>)], key: &str) -> serde_json::Value {
        files
            .iter()
            .filter(|f| f.0.starts_with("search/s"))
            .map(|f| serde_json::from_slice::<serde_json::Value>(&f.1).unwrap())
            .find(|s| !s["t"][key].is_null() || !s["w"][key].is_null())
            .expect(key)
    }

    #[test]
    fn truncation_counts_characters() {
        for (s, n, want) in [
            ("abcdef", 3, "abc"),
            ("abc", 3, "abc"),
            ("ab", 3, "ab"),
            ("ééé", 2, "éé"),
            ("aéb", 5, "aéb"),
            ("abé", 2, "ab"),
        ] {
            assert_eq!(truncate_chars(s, n), want, "{s:?} {n}");
        }
    }

    #[test]
    fn terms_follow_the_contract() {
        let t: Vec<String> = terms("Go's net/http: ÉTÉ a 42 C#").collect();
        assert_eq!(t, ["go", "net", "http", "net/http", "ete", "42", "c#"]);
    }

    #[test]
    fn title_beats_heading_beats_body() {
        let hits = |title, heading, body| Hits {
            title,
            heading,
            body,
            ..Hits::default()
        };
        // The shortest and longest titles' weights; a heading also counts once in the body.
        let (short, long) = (hits(60, 0, 0), hits(31, 0, 0));
        let heading = hits(0, 1, 1);
        let body = |n| hits(0, 0, n).weight();
        assert!(long.weight() > hits(0, 2, 2).weight());
        assert!(short.weight() > long.weight());
        assert!(
            heading.weight() > body(7),
            "one heading outweighs a few mentions"
        );
        assert!(body(1000) > body(10) && body(10) > body(1));
    }

    #[test]
    fn words_are_indexed_by_stem_with_a_word_map() {
        let e = [
            entry("Career changers", vec![], "Changing careers is common."),
            entry("Other", vec![], "Nothing changes here."),
        ];
        let a = files(&e);
        let s = shard_with(&a, "chang");
        assert_eq!(s["t"]["chang"], serde_json::json!([0, 4, 0, 1, 4, 0]));
        assert_eq!(shard_with(&a, "changing")["w"]["changing"], "chang");
        assert_eq!(shard_with(&a, "careers")["w"]["careers"], "career");
        // "career" is in the title and the body: one posting, the title's weight.
        assert_eq!(
            shard_with(&a, "career")["t"]["career"],
            serde_json::json!([0, 49, 0])
        );
    }

    #[test]
    fn postings_point_at_the_section_with_most_matches() {
        let text =
            "Intro about tables. Indexes Indexes speed reads of tables. Locks Locks block writers.";
        let e = [entry(
            "Database",
            vec![("indexes", "Indexes"), ("locks", "Locks")],
            text,
        )];
        let a = files(&e);
        let postings = |t: &str| shard_with(&a, t)["t"][t].clone();
        assert_eq!(postings("index")[2], 1, "the heading's section");
        assert_eq!(postings("lock")[2], 2);
        assert_eq!(postings("tabl")[2], 0, "first section wins a tie");
        let f = json(&a, "search/f0.json");
        assert_eq!(
            f[0]["h"][1],
            serde_json::json!(["indexes", "Indexes", "Indexes speed reads of tables."])
        );
        assert_eq!(f[0]["h"][0][2], "Intro about tables.");
    }

    #[test]
    fn shards_split_by_prefix_and_cover_every_key() {
        let text: String = (0..4000).map(|i| format!("ca{i} ")).collect();
        let e = [
            entry("Cache", vec![], &text),
            entry("Other", vec![], "cat ca caching"),
        ];
        let index = invert(&e, &|i| Cow::Borrowed(e[i].text));
        let shards = shard(&index);
        assert!(shards.len() > 2, "the large `ca` shard is split");
        let mut seen: Vec<&str> = shards.iter().flat_map(|s| s.1.clone()).collect();
        seen.sort();
        seen.dedup();
        let mut keys: Vec<&str> = index.postings.keys().map(String::as_str).collect();
        keys.extend(index.stems.keys().map(String::as_str));
        keys.sort();
        keys.dedup();
        assert_eq!(seen, keys);
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
    fn files_are_deterministic() {
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
        let manifest = json(&a, "search/index.json");
        assert_eq!(manifest["keys"][0], "a");
        assert_eq!(manifest["n"], 2);
        assert_eq!(
            manifest["f"],
            serde_json::json!([0]),
            "two small pages, one file"
        );
        let frags = json(&a, "search/f0.json");
        assert_eq!(frags[1]["t"], "Caching");
    }

    #[test]
    fn fragments_are_grouped_in_order() {
        let text = "word ".repeat(2000);
        let titles: Vec<String> = (0..60).map(|i| format!("Page{i}")).collect();
        let e: Vec<Entry> = titles.iter().map(|t| entry(t, vec![], &text)).collect();
        let a = files(&e);
        let manifest = json(&a, "search/index.json");
        let f = manifest["f"].as_array().unwrap();
        assert!(f.len() > 1 && f.len() < 60, "{f:?}");
        let f1 = json(&a, "search/f1.json");
        assert_eq!(f1[0]["t"], format!("Page{}", f[1]));
    }
}
