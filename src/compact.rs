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

/// zstd's fastest level: LZ4 left the texts about a third larger, and level 3 gave the same
/// peak memory at 10,000 pages for more CPU (docs/performance.md).
const LEVEL: i32 = 1;

thread_local! {
    // One context per thread: making a zstd context for each page was a tenth of a warm build
    // (it allocates and clears about 100 KB).
    static COMPRESSOR: std::cell::RefCell<zstd::bulk::Compressor<'static>> =
        std::cell::RefCell::new(zstd::bulk::Compressor::new(LEVEL).expect("zstd level 1"));
    static DECOMPRESSOR: std::cell::RefCell<zstd::bulk::Decompressor<'static>> =
        std::cell::RefCell::new(zstd::bulk::Decompressor::new().expect("a zstd context"));
}

/// The texts of a page, compressed together: its HTML, body and prose text, then the code of
/// each of its code blocks (the code is in the body too, so it costs almost nothing more).
#[derive(Debug, Clone, Default)]
pub(crate) struct Packed {
    /// Byte length of each text, in order (their sum is the decompressed size).
    lens: Box<[u32]>,
    block: Box<[u8]>,
}

/// Which text of a `Packed` to read.
#[derive(Debug, Clone, Copy)]
// A build reads the HTML and the code all at once (`Packed::all`); one part at a time only in tests.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) enum Part {
    Html,
    Body,
    Text,
    /// The code of the page's code block of this index.
    Code(usize),
}

impl Part {
    fn index(self) -> usize {
        match self {
            Part::Html => 0,
            Part::Body => 1,
            Part::Text => 2,
            Part::Code(i) => 3 + i,
        }
    }
}

impl Packed {
    /// Compresses the texts; `None` when one is too long to note its length in 32 bits.
    pub(crate) fn new<'a>(parts: impl IntoIterator<Item = &'a str>) -> Option<Packed> {
        let mut lens = Vec::new();
        let mut whole = String::new();
        for part in parts {
            lens.push(u32::try_from(part.len()).ok()?);
            whole.push_str(part);
        }
        let block = COMPRESSOR
            .with_borrow_mut(|c| c.compress(whole.as_bytes()))
            .ok()?
            .into_boxed_slice();
        Some(Packed {
            lens: lens.into_boxed_slice(),
            block,
        })
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

    /// One of the texts, decompressed (empty if the page has no such part).
    pub(crate) fn get(&self, part: Part) -> String {
        let i = part.index();
        if i >= self.lens.len() {
            return String::new();
        }
        let start: usize = self.lens[..i].iter().map(|&l| l as usize).sum();
        let end = start + self.lens[i] as usize;
        String::from_utf8(self.whole()[start..end].to_vec()).expect("packed from a str")
    }

    fn whole(&self) -> Vec<u8> {
        let total: usize = self.lens.iter().map(|&l| l as usize).sum();
        // The block was made by `new` and never changes: failing here is a bug, not bad input.
        DECOMPRESSOR
            .with_borrow_mut(|d| d.decompress(&self.block, total))
            .expect("a packed page")
    }
}

/// `plain` when the page is not packed, else its part from `packed`.
pub(crate) fn read<'a>(packed: Option<&Packed>, plain: &'a str, part: Part) -> Cow<'a, str> {
    match packed {
        Some(p) => Cow::Owned(p.get(part)),
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
        let p = Packed::new([html, body, text, code]).unwrap();
        assert_eq!(p.get(Part::Html), html);
        assert_eq!(p.get(Part::Body), body);
        assert_eq!(p.get(Part::Text), text);
        assert_eq!(p.get(Part::Code(0)), code);
        assert_eq!(p.get(Part::Code(1)), "");
        assert_eq!(p.all(), [html, body, text, code]);
        let empty = Packed::new(["", "", ""]).unwrap();
        assert_eq!(empty.get(Part::Body), "");
    }
}
