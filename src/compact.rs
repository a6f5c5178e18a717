//! A parsed page's large texts held compressed while the build waits to use them (issue 17).
//!
//! At 100,000 pages the parsed site was most of a build's memory: each page kept its HTML, its
//! Markdown body (for the Markdown copy) and its prose text (for search), about 12 KB of the
//! 16 KB a page held. They are read once each, late (rendering, search), so a build keeps them
//! as one zstd frame per page: the three overlap (the prose is in the body, the body's words are
//! in the HTML), so together they compress about 3x where one alone compresses under 2x.
//! Each code block's code goes in the same block. `serve` keeps all of them plain (it
//! re-renders pages many times); `check` reads them in many places, so never packs
//! them (`pipeline::Fresh`).

use std::borrow::Cow;
use std::sync::Arc;

/// zstd's fastest level: LZ4 left the texts about a third larger, and level 3 gave the same
/// peak memory at 10,000 pages for more CPU (docs/performance.md).
const LEVEL: i32 = 1;

/// A zstd dictionary trained on a build's first pages (`Dictionary::train`). One page alone
/// is too small for zstd to find much to reuse; what pages share (the markup around headings,
/// code and links, the site's vocabulary) is in the dictionary instead. On the generated
/// 10,000-page corpus a page's frame went from about 3.0 KB to 1.3 KB; real sites, written
/// less uniformly, gain less (docs/performance.md).
pub(crate) struct Dictionary {
    encode: zstd::dict::EncoderDictionary<'static>,
    decode: zstd::dict::DecoderDictionary<'static>,
    /// As trained, for the parse cache, which keeps it (`crate::parse_cache`), and its hash.
    bytes: Vec<u8>,
    id: u64,
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Dictionary")
    }
}

/// The dictionary's size: 16 KB compressed nearly as well on the generated corpus; it is held
/// once per build.
const DICTIONARY_BYTES: usize = 32 * 1024;

impl Dictionary {
    /// Trains a dictionary on sample pages (each the texts `Packed::new` would be given);
    /// `None` when zstd finds nothing worth keeping, and pages are then packed without one.
    pub(crate) fn train<'a, P>(samples: impl IntoIterator<Item = P>) -> Option<Arc<Dictionary>>
    where
        P: IntoIterator<Item = &'a str>,
    {
        let samples: Vec<Vec<u8>> = samples
            .into_iter()
            .map(|parts| parts.into_iter().collect::<String>().into_bytes())
            .collect();
        let dict = zstd::dict::from_samples(&samples, DICTIONARY_BYTES).ok()?;
        Some(Dictionary::from_bytes(dict))
    }

    /// A dictionary as `bytes` gives it back.
    pub(crate) fn from_bytes(bytes: Vec<u8>) -> Arc<Dictionary> {
        Arc::new(Dictionary {
            encode: zstd::dict::EncoderDictionary::copy(&bytes, LEVEL),
            decode: zstd::dict::DecoderDictionary::copy(&bytes),
            id: xxhash_rust::xxh3::xxh3_64(&bytes),
            bytes,
        })
    }

    /// A hash of the dictionary.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The dictionary as trained.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

thread_local! {
    // One context per thread: making a zstd context for each page was a tenth of a warm build
    // (it allocates and clears about 100 KB). The dictionary, if any, is given per call.
    static CCTX: std::cell::RefCell<zstd::zstd_safe::CCtx<'static>> =
        std::cell::RefCell::new(zstd::zstd_safe::CCtx::create());
    static DCTX: std::cell::RefCell<zstd::zstd_safe::DCtx<'static>> =
        std::cell::RefCell::new(zstd::zstd_safe::DCtx::create());
}

/// The texts of a page, compressed together: its HTML, body and prose text, then the code of
/// each of its code blocks (the code is in the body too, so it costs almost nothing more).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Packed {
    /// Byte length of each text, in order (their sum is the decompressed size).
    lens: Box<[u32]>,
    block: Box<[u8]>,
    /// The dictionary `block` was compressed with, if any: the parse cache keys its entries
    /// by the dictionary and gives it back when it reads one (`set_dictionary`).
    #[serde(skip)]
    dict: Option<Arc<Dictionary>>,
}

impl Packed {
    /// Compresses the texts, with `dict` if given; `None` when one is too long to note its
    /// length in 32 bits.
    pub(crate) fn new<'a>(
        parts: impl IntoIterator<Item = &'a str>,
        dict: Option<&Arc<Dictionary>>,
    ) -> Option<Packed> {
        let mut lens = Vec::new();
        let mut whole = String::new();
        for part in parts {
            lens.push(u32::try_from(part.len()).ok()?);
            whole.push_str(part);
        }
        let mut block = Vec::with_capacity(zstd::zstd_safe::compress_bound(whole.len()));
        let block = CCTX
            .with_borrow_mut(|c| match dict {
                Some(d) => {
                    c.compress_using_cdict(&mut block, whole.as_bytes(), d.encode.as_cdict())
                }
                None => c.compress(&mut block, whole.as_bytes(), LEVEL),
            })
            .map(|_| block);
        Some(Packed {
            lens: lens.into_boxed_slice(),
            block: block.ok()?.into_boxed_slice(),
            dict: dict.cloned(),
        })
    }

    /// Gives a frame read back from the parse cache the dictionary it was compressed with
    /// (which the cache does not store with each frame).
    pub(crate) fn set_dictionary(&mut self, dict: Option<&Arc<Dictionary>>) {
        self.dict = dict.cloned();
    }

    /// The compressed size in bytes (for `BACKLOT_TIMINGS`).
    pub(crate) fn compressed_len(&self) -> usize {
        self.block.len()
    }

    #[cfg(test)]
    pub(crate) fn has_dictionary(&self) -> bool {
        self.dict.is_some()
    }

    /// Every text, decompressed, in the order given to `new`.
    pub(crate) fn all(&self) -> Vec<String> {
        let whole = self.whole();
        let mut at = 0;
        self.lens
            .iter()
            .map(|&len| {
                let end = at + len as usize;
                let part = String::from_utf8(whole[at..end].to_vec()).expect("packed from a str");
                at = end;
                part
            })
            .collect()
    }

    /// Text `i` (in the order given to `new`), decompressed; empty if there is no such text.
    pub(crate) fn get(&self, i: usize) -> String {
        if i >= self.lens.len() {
            return String::new();
        }
        let start: usize = self.lens[..i].iter().map(|&l| l as usize).sum();
        let end = start + self.lens[i] as usize;
        let mut whole = self.whole();
        if start > 0 || end < whole.len() {
            whole = whole[start..end].to_vec();
        }
        String::from_utf8(whole).expect("packed from a str")
    }

    /// Text `i`'s length in bytes, without decompressing anything.
    pub(crate) fn len(&self, i: usize) -> usize {
        self.lens.get(i).map_or(0, |&l| l as usize)
    }

    fn whole(&self) -> Vec<u8> {
        let total: usize = self.lens.iter().map(|&l| l as usize).sum();
        // The block was made by `new` and never changes: failing here is a bug, not bad input.
        let mut out = Vec::with_capacity(total);
        DCTX.with_borrow_mut(|z| match &self.dict {
            Some(d) => z.decompress_using_ddict(&mut out, &self.block, d.decode.as_ddict()),
            None => z.decompress(&mut out, &self.block),
        })
        .expect("a packed page");
        out
    }
}

/// `plain` when the page is not packed, else text `i` of `packed`.
pub(crate) fn read<'a>(packed: Option<&Packed>, plain: &'a str, i: usize) -> Cow<'a, str> {
    match packed {
        Some(p) => Cow::Owned(p.get(i)),
        None => Cow::Borrowed(plain),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_part_comes_back_exactly() {
        let body = "Some *prose* with é and 字.\n\n```rust\nfn main() {}\n```\n";
        let html = "<p>Some <em>prose</em> with é and 字.</p>\n\u{0}C0.\n";
        let text = "Some prose with é and 字.";
        let code = "fn main() {}\n";
        let p = Packed::new([html, body, text, code], None).unwrap();
        assert_eq!(p.get(0), html);
        assert_eq!(p.get(1), body);
        assert_eq!(p.get(2), text);
        assert_eq!(p.get(3), code);
        assert_eq!(p.get(4), "");
        assert_eq!((p.len(2), p.len(4)), (text.len(), 0));
        assert_eq!(p.all(), [html, body, text, code]);
        let empty = Packed::new(["", "", ""], None).unwrap();
        assert_eq!(empty.get(1), "");
        let one = Packed::new([text], None).unwrap();
        assert_eq!(one.get(0), text);
    }

    #[test]
    fn a_dictionary_packs_smaller_and_reads_back() {
        let page = |i: usize| {
            let body = format!(
                "## Setup {i}\n\nCall `start_{i}()` once the pool of {i} workers is warm.\n"
            );
            let html = format!("<div class=\"heading\"><h2 id=\"setup-{i}\">Setup {i}</h2></div>\n<p>Call <code>start_{i}()</code> once the pool of {i} workers is warm.</p>\n");
            let text = format!("Setup {i} Call start_{i}() once the pool of {i} workers is warm.");
            [html, body, text]
        };
        let samples: Vec<[String; 3]> = (0..300).map(page).collect();
        let dict = Dictionary::train(samples.iter().map(|p| p.iter().map(String::as_str)))
            .expect("enough samples to train on");
        let texts = page(1000);
        let parts = || texts.iter().map(String::as_str);
        let with = Packed::new(parts(), Some(&dict)).unwrap();
        let without = Packed::new(parts(), None).unwrap();
        assert!(with.block.len() < without.block.len());
        assert_eq!(with.all(), texts);
        assert_eq!(with.get(2), texts[2]);
    }
}
