//! The tokenizer contract shared with the theme's `search.js` (`tokens` there): both sides
//! turn text into the same tokens, checked by the vectors in
//! `tests/fixtures/search/tokenizer-vectors.json`, which a unit test here and a node test
//! (`tests/search/tokenizer.test.mjs`) both run. The contract:
//!
//! 1. Chunks: maximal runs of word characters (general category Letter, Mark or Number) and
//!    the symbols `# + . /`. Anything else (space, punctuation, apostrophes, hyphens) ends one.
//! 2. Normalisation of a chunk: lower case (Unicode default, no locale), then canonical
//!    decomposition, the combining diacritics U+0300..U+036F removed, recomposition; then
//!    `ς` -> `σ` and `ß` -> `ss`. So `İstanbul` -> `istanbul`, `Café` -> `cafe`, `Straße` ->
//!    `strasse`; Devanagari vowel signs and viramas are marks outside that block and stay.
//! 3. A compound token for technical names: the chunk without leading symbols (but keeping a
//!    `.` directly before a word character) and trailing `.` and `/`, if it still contains a
//!    symbol and is 2 to 20 characters long: `c#`, `c++`, `.net`, `n+1`, `http/2`, `node.js`.
//!    A compound with `/` is followed by the compounds of its `/`-separated parts (`c#/.net`
//!    gives `c#/.net`, `c#`, `.net`).
//! 4. Words: the chunk split on the symbols, then into runs of unsegmented scripts (Han,
//!    Hiragana, Katakana, Thai, Lao, Khmer, Myanmar; fixed code point ranges) and other
//!    characters. Other runs of 2 to 40 characters are words; an unsegmented run gives its
//!    overlapping character bigrams (a lone character gives itself), so substrings are found.
//!
//! Per chunk the words come first, then the compound. Stop words are kept (the query side
//! drops them when a query has other terms). Stemming is not part of the contract: only the
//! indexer stems (`stem`) and ships a word -> stem map, so the browser never needs a stemmer.

use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

const MIN_WORD_CHARS: usize = 2;
const MAX_WORD_CHARS: usize = 40;
const MAX_COMPOUND_CHARS: usize = 20;

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || (!c.is_ascii()
            && matches!(
                c.general_category_group(),
                GeneralCategoryGroup::Letter
                    | GeneralCategoryGroup::Mark
                    | GeneralCategoryGroup::Number
            ))
}

fn is_symbol(c: char) -> bool {
    matches!(c, '#' | '+' | '.' | '/')
}

/// Scripts written without spaces between words: indexed as character bigrams.
fn is_unsegmented(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF // Thai, Lao
        | 0x1000..=0x109F // Myanmar
        | 0x1780..=0x17FF // Khmer
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x31F0..=0x31FF // Katakana extensions
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0xFF66..=0xFF9F // half-width Katakana
        | 0x20000..=0x3FFFF) // CJK extensions B and later
}

/// Step 2 of the contract. Borrows chunks that are lower-case ASCII already (most of them).
pub(crate) fn normalize(chunk: &str) -> Cow<'_, str> {
    if chunk.is_ascii() {
        if chunk.bytes().any(|b| b.is_ascii_uppercase()) {
            return Cow::Owned(chunk.to_ascii_lowercase());
        }
        return Cow::Borrowed(chunk);
    }
    let lower = chunk.to_lowercase();
    let folded: String = lower
        .nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .nfc()
        .collect();
    Cow::Owned(folded.replace('ς', "σ").replace('ß', "ss"))
}

/// The non-empty runs of word and symbol characters in `text`: `str::split` on the other
/// characters, byte by byte through ASCII (a tenth of a warm build's time went to decoding
/// every character of every page's text).
fn chunks(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let (mut start, mut i) = (0, 0);
    std::iter::from_fn(move || {
        while i <= bytes.len() {
            let (keep, width) = match bytes.get(i) {
                None => (false, 1),
                Some(&b) if b.is_ascii() => {
                    let c = char::from(b);
                    (c.is_ascii_alphanumeric() || is_symbol(c), 1)
                }
                Some(_) => {
                    let c = text[i..].chars().next().expect("at a character boundary");
                    (is_word_char(c), c.len_utf8())
                }
            };
            let (from, to) = (start, i);
            i += width;
            if !keep {
                start = i;
                if to > from {
                    return Some(&text[from..to]);
                }
            }
        }
        None
    })
}

/// Calls `emit` with each token of `text`, in order (the contract above).
pub(crate) fn tokens<'a>(text: &'a str, emit: &mut impl FnMut(Cow<'a, str>)) {
    for chunk in chunks(text) {
        // Most chunks are one lower-case ASCII word: no symbol, nothing to fold or split.
        if chunk
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            if (MIN_WORD_CHARS..=MAX_WORD_CHARS).contains(&chunk.len()) {
                emit(Cow::Borrowed(chunk));
            }
            continue;
        }
        match normalize(chunk) {
            Cow::Borrowed(n) => chunk_tokens(n, &mut |t: &str| emit(Cow::Borrowed(t))),
            Cow::Owned(n) => chunk_tokens(&n, &mut |t: &str| emit(Cow::Owned(t.to_string()))),
        }
    }
}

/// The tokens of one normalised chunk, borrowed from it.
fn chunk_tokens<'c>(chunk: &'c str, emit: &mut impl FnMut(&'c str)) {
    for part in chunk.split(is_symbol) {
        words(part, emit);
    }
    if let Some(c) = compound(chunk) {
        emit(c);
        if c.contains('/') {
            c.split('/').filter_map(compound).for_each(&mut *emit);
        }
    }
}

fn compound(chunk: &str) -> Option<&str> {
    if !chunk.contains(is_symbol) {
        return None;
    }
    let mut start = chunk.len();
    for (i, c) in chunk.char_indices() {
        if is_word_char(c) {
            start = i;
            break;
        }
    }
    // `.NET`: a dot directly before the first word character stays.
    if start > 0 && start < chunk.len() && chunk.as_bytes()[start - 1] == b'.' {
        start -= 1;
    }
    let c = chunk[start..].trim_end_matches(['.', '/']);
    let n = c.chars().count();
    let ok = c.contains(is_symbol) && (2..=MAX_COMPOUND_CHARS).contains(&n);
    ok.then_some(c)
}

/// Step 4: words, and bigrams of unsegmented runs.
fn words<'c>(part: &'c str, emit: &mut impl FnMut(&'c str)) {
    if part.is_ascii() {
        if (MIN_WORD_CHARS..=MAX_WORD_CHARS).contains(&part.len()) {
            emit(part);
        }
        return;
    }
    let mut run_start = 0;
    let mut run_unseg = None;
    for (i, c) in part.char_indices().chain([(part.len(), ' ')]) {
        let unseg = (i < part.len()).then(|| is_unsegmented(c));
        if unseg == run_unseg {
            continue;
        }
        if let Some(kind) = run_unseg {
            run(&part[run_start..i], kind, emit);
        }
        run_start = i;
        run_unseg = unseg;
    }
}

fn run<'c>(run: &'c str, unsegmented: bool, emit: &mut impl FnMut(&'c str)) {
    let chars: Vec<usize> = run.char_indices().map(|(i, _)| i).collect();
    if !unsegmented {
        if (MIN_WORD_CHARS..=MAX_WORD_CHARS).contains(&chars.len()) {
            emit(run);
        }
    } else if chars.len() == 1 {
        emit(run);
    } else {
        for w in 0..chars.len() - 1 {
            let end = chars.get(w + 2).copied().unwrap_or(run.len());
            emit(&run[chars[w]..end]);
        }
    }
}

/// The index term of a token: the English Snowball (Porter 2) stem of a word of ASCII
/// letters; any other token is its own term.
pub(crate) fn stem<'t>(stemmer: &rust_stemmers::Stemmer, token: &'t str) -> Cow<'t, str> {
    if token.len() > 3 && token.bytes().all(|b| b.is_ascii_lowercase()) {
        stemmer.stem(token)
    } else {
        Cow::Borrowed(token)
    }
}

pub(crate) fn stemmer() -> rust_stemmers::Stemmer {
    rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokens(text, &mut |t| out.push(t.into_owned()));
        out
    }

    #[test]
    fn chunks_split_like_str_split() {
        let texts = [
            "",
            " ",
            "plain ascii, words. and/or C# c++ v1.2",
            "  leading and trailing  ",
            "ÉTÉ naïve Ünïcödé — em dash…",
            "שלום עולם مرحبا بالعالم",
            "日本語のテキスト、中文。",
            "e\u{301}\u{301} combining 🦀 emoji x\u{2028}y",
            "#+./",
        ];
        for text in texts {
            let want: Vec<&str> = text
                .split(|c: char| !(is_word_char(c) || is_symbol(c)))
                .filter(|c| !c.is_empty())
                .collect();
            assert_eq!(chunks(text).collect::<Vec<_>>(), want, "{text:?}");
        }
    }

    /// The vectors the node test runs too: same input, same tokens; stems checked here.
    #[test]
    fn shared_vectors() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/search/tokenizer-vectors.json"
        );
        let vectors: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let stemmer = stemmer();
        let cases = vectors["tokens"].as_array().unwrap();
        assert!(cases.len() >= 20);
        for case in cases {
            let input = case["input"].as_str().unwrap();
            let want: Vec<&str> = case["tokens"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap())
                .collect();
            assert_eq!(all(input), want, "tokens of {input:?}");
        }
        for (word, want) in vectors["stems"].as_object().unwrap() {
            assert_eq!(
                stem(&stemmer, word),
                want.as_str().unwrap(),
                "stem of {word}"
            );
        }
    }
}
