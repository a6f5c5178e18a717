//! A term's postings as the index holds them until its shards are written: varints of the
//! doc delta, the weight and the section, about 3 bytes a posting where `(u32, u32)` pairs in
//! a doubling `Vec` took 8 to 16. At 100,000 pages the postings were the search stage's peak
//! memory (about 280 MB).

/// Postings in ascending doc order.
#[derive(Default)]
pub(super) struct Postings {
    bytes: Vec<u8>,
    last: u32,
    len: u32,
}

impl Postings {
    /// Adds a posting; `doc` is not below the last one added.
    pub(super) fn push(&mut self, doc: u32, weight: u32, section: u32) {
        debug_assert!(doc >= self.last || self.len == 0);
        for n in [doc - self.last, weight, section] {
            write_varint(&mut self.bytes, n);
        }
        self.last = doc;
        self.len += 1;
    }

    pub(super) fn len(&self) -> usize {
        self.len as usize
    }

    /// Gives back the slack left by growing, once the list is complete.
    pub(super) fn shrink(&mut self) {
        self.bytes.shrink_to_fit();
    }

    /// (doc delta, weight, section) of each posting, in order.
    pub(super) fn deltas(&self) -> impl Iterator<Item = [u32; 3]> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= self.bytes.len() {
                return None;
            }
            let mut next = || read_varint(&self.bytes, &mut at);
            Some([next(), next(), next()])
        })
    }
}

fn write_varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn read_varint(bytes: &[u8], at: &mut usize) -> u32 {
    let mut n = 0u32;
    let mut shift = 0;
    while let Some(&b) = bytes.get(*at) {
        *at += 1;
        n |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            break;
        }
        shift += 7;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_come_back_as_deltas() {
        let mut p = Postings::default();
        for (doc, w, s) in [(0, 61, 0), (3, 4, 200), (3, 4, 0), (70_000, 0xffff, 0xffff)] {
            p.push(doc, w, s);
        }
        let got: Vec<[u32; 3]> = p.deltas().collect();
        let want = [[0, 61, 0], [3, 4, 200], [0, 4, 0], [69_997, 0xffff, 0xffff]];
        assert_eq!(got, want);
        assert_eq!(p.len(), 4);
    }
}
