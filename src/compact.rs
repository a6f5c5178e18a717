//! A parsed page's large texts held compressed while the build waits to use them (issue 17).
//!
//! At 100,000 pages the parsed site was most of a build's memory: each page kept its HTML, its
//! Markdown body (for the Markdown copy) and its prose text (for search), about 12 KB of the
//! 16 KB a page held. They are read once each, late (rendering, search), so a build keeps them
//! as one LZ4 block per page: the three overlap (the prose is in the body, the body's words are
//! in the HTML), so together they compress about 3x where one alone compresses under 2x.
//! `serve` keeps them plain (it re-renders pages many times).

use std::borrow::Cow;

/// The three texts of a page, compressed together: html, body, text.
#[derive(Debug, Clone, Default)]
pub struct Packed {
    /// Byte lengths of html, body and text, in that order (their sum is the block's size).
    lens: [u32; 3],
    block: Box<[u8]>,
}

/// Which text of a `Packed` to read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Part {
    Html = 0,
    Body = 1,
    Text = 2,
}

impl Packed {
    /// Compresses the texts; `None` when one is too long to note its length in 32 bits.
    pub(crate) fn new(html: &str, body: &str, text: &str) -> Option<Packed> {
        let parts = [html, body, text];
        let mut lens = [0u32; 3];
        for (len, part) in lens.iter_mut().zip(parts) {
            *len = u32::try_from(part.len()).ok()?;
        }
        let mut whole = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        parts.iter().for_each(|p| whole.push_str(p));
        let block = lz4_flex::block::compress(whole.as_bytes()).into_boxed_slice();
        Some(Packed { lens, block })
    }

    /// One of the texts, decompressed.
    pub(crate) fn get(&self, part: Part) -> String {
        let total: usize = self.lens.iter().map(|&l| l as usize).sum();
        // The block was made from valid UTF-8 by `new` and never changes: failing here is a
        // bug, not bad input.
        let whole = lz4_flex::block::decompress(&self.block, total).expect("a packed page");
        let start: usize = self.lens[..part as usize].iter().map(|&l| l as usize).sum();
        let end = start + self.lens[part as usize] as usize;
        String::from_utf8(whole[start..end].to_vec()).expect("packed from a str")
    }

    /// The compressed size, for `BACKLOT_TIMINGS`.
    pub(crate) fn size(&self) -> usize {
        self.block.len()
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
        let p = Packed::new(html, body, text).unwrap();
        assert_eq!(p.get(Part::Html), html);
        assert_eq!(p.get(Part::Body), body);
        assert_eq!(p.get(Part::Text), text);
        let empty = Packed::new("", "", "").unwrap();
        assert_eq!(empty.get(Part::Body), "");
    }
}
