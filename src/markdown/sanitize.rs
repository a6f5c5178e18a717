//! Raw HTML and URLs from content: pages arrive by pull request from people we do not know.
//!
//! Raw HTML written in Markdown goes through ammonia with an allow-list, so `<script>`, event
//! handlers, `<iframe>`, `<object>`, SVG and `javascript:` URLs never reach readers. Only the raw
//! fragments are parsed: the HTML that backlot generates itself stays as opaque text
//! placeholders (`\u{E000}n\u{E001}`), so it is neither rewritten nor able to widen the
//! allow-list. Placeholders are only ever substituted where they end up as text, never inside
//! an attribute.
//!
//! Inline HTML arrives from pulldown-cmark as single tags (`<kbd>`, text, `</kbd>`); each run of
//! inline content is wrapped in a `<marquee>` in the sanitizer's input, an element that both
//! closes what the run left open and clears the HTML parser's list of formatting elements, so an
//! unclosed `<b>` cannot spill into the rest of the page. ammonia then drops the wrapper itself.
//!
//! `scan` reports what the sanitizer removes, with positions, so `check` can fail a pull request
//! that relies on it; `dangerous_url` is the scheme test for Markdown link and image targets.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Removed together with everything inside them.
pub const REMOVED_WITH_CONTENT: &[&str] = &[
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "template",
    "noscript",
    "noembed",
    "noframes",
    "xmp",
    "plaintext",
    "textarea",
    "title",
    "frameset",
    "frame",
    "select",
    "option",
    "button",
    "form",
    "video",
    "audio",
];
/// Per-tag attributes beyond ammonia's defaults.
const EXTRA_ATTRS: &[(&str, &[&str])] = &[("details", &["open"]), ("img", &["title"])];
/// Schemes a raw HTML URL may use; relative URLs are kept.
pub const URL_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];
/// Schemes neutralised in Markdown links and images.
const DANGEROUS_SCHEMES: &[&str] = &["javascript", "vbscript", "data"];

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';
const RUN_OPEN: &str = "<marquee>";
const RUN_CLOSE: &str = "</marquee>";

fn builder() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        // The tags are ammonia's default list (text-level and structural HTML), which covers
        // what GitHub renders: `<kbd>`, `<sup>`, `<sub>`, `<br>`, `<details>`/`<summary>`...
        b.rm_tags(REMOVED_WITH_CONTENT)
            .clean_content_tags(REMOVED_WITH_CONTENT.iter().copied().collect())
            .url_schemes(URL_SCHEMES.iter().copied().collect())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .strip_comments(true)
            // A placeholder inside an attribute value means malformed raw HTML swallowed
            // generated HTML into a tag: drop the attribute rather than substitute into it.
            .attribute_filter(|_, _, value: &str| {
                (!value.contains(OPEN)).then(|| Cow::Owned(value.to_string()))
            });
        for (tag, attrs) in EXTRA_ATTRS {
            b.add_tag_attributes(tag, attrs.iter());
        }
        b
    })
}

/// The sanitizer's allow-list, read back from it so `scan` can never disagree with it.
struct Allowed {
    tags: HashSet<&'static str>,
    generic: HashSet<&'static str>,
    per_tag: HashMap<&'static str, HashSet<&'static str>>,
}

fn allowed() -> &'static Allowed {
    static A: OnceLock<Allowed> = OnceLock::new();
    A.get_or_init(|| {
        let b = builder();
        Allowed {
            tags: b.clone_tags(),
            generic: b.clone_generic_attributes(),
            per_tag: b.clone_tag_attributes(),
        }
    })
}

/// Whether raw HTML may use `tag` with `attr` (both lower case).
fn attr_allowed(tag: &str, attr: &str) -> bool {
    let a = allowed();
    a.generic.contains(attr) || a.per_tag.get(tag).is_some_and(|s| s.contains(attr))
}

fn tag_allowed(tag: &str) -> bool {
    allowed().tags.contains(tag)
}

/// One piece of a rendered body, in order.
pub enum Piece<'a> {
    /// HTML backlot generated: kept byte for byte.
    Generated(&'a str),
    /// Raw HTML from the author.
    Raw(&'a str),
    /// Start and end of a run of inline content that contains raw HTML.
    RunStart,
    RunEnd,
}

/// Raw HTML nested deeper than this is removed whole: the HTML parser's scope checks walk the
/// stack of open elements, so 10,000 nested `<div>`s would cost quadratic time.
pub const MAX_RAW_DEPTH: usize = 256;

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// How deep the raw fragments nest elements, counting start and end tags in order.
pub fn nesting_depth<'a>(fragments: impl IntoIterator<Item = &'a str>) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for f in fragments {
        let b = f.as_bytes();
        for (i, _) in f.match_indices('<') {
            let closing = b.get(i + 1) == Some(&b'/');
            let start = i + 1 + usize::from(closing);
            let len = b[start.min(b.len())..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            if len == 0 || !b[start].is_ascii_alphabetic() {
                continue;
            }
            if closing {
                depth = depth.saturating_sub(1);
            } else if !VOID.contains(&f[start..start + len].to_ascii_lowercase().as_str()) {
                depth += 1;
                max = max.max(depth);
            }
        }
    }
    max
}

/// Sanitizes the raw pieces in their context and returns the whole body.
pub fn sanitize(pieces: &[Piece]) -> String {
    let mut input = String::new();
    let mut generated: Vec<&str> = Vec::new();
    for p in pieces {
        match p {
            Piece::Generated("") => {}
            Piece::Generated(g) => {
                input.push(OPEN);
                input.push_str(&generated.len().to_string());
                input.push(CLOSE);
                generated.push(g);
            }
            Piece::Raw(r) => input.extend(r.chars().map(|c| match c {
                OPEN | CLOSE => '\u{FFFD}',
                c => c,
            })),
            Piece::RunStart => input.push_str(RUN_OPEN),
            Piece::RunEnd => input.push_str(RUN_CLOSE),
        }
    }
    let clean = builder().clean(&input).to_string();
    substitute(&clean, &generated)
}

/// Puts each generated piece back where its placeholder ended up.
fn substitute(clean: &str, generated: &[&str]) -> String {
    let mut out =
        String::with_capacity(clean.len() + generated.iter().map(|g| g.len()).sum::<usize>());
    let mut rest = clean;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len_utf8()..];
        match after.find(CLOSE).and_then(|end| {
            let n: usize = after[..end].parse().ok()?;
            Some((generated.get(n)?, end))
        }) {
            Some((g, end)) => {
                out.push_str(g);
                rest = &after[end + CLOSE.len_utf8()..];
            }
            None => rest = after,
        }
    }
    out.push_str(rest);
    out
}

/// Something the sanitizer removes from a raw fragment: byte offset in the fragment, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub offset: usize,
    pub message: String,
}

/// Lists what the sanitizer will remove from one raw fragment (a tag, or an HTML block).
/// Comments are dropped silently: they are harmless and never shown.
pub fn scan(html: &str) -> Vec<Removed> {
    let mut out = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(lt) = html.get(i..).and_then(|r| r.find('<')).map(|p| p + i) {
        let rest = &html[lt + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            i = after.find("-->").map_or(html.len(), |e| lt + 4 + e + 3);
            continue;
        }
        if rest.starts_with(['!', '?']) {
            out.push(Removed {
                offset: lt,
                message:
                    "raw HTML declaration or processing instruction is not allowed: it was removed"
                        .into(),
            });
            i = rest.find('>').map_or(html.len(), |e| lt + 1 + e + 1);
            continue;
        }
        let closing = rest.starts_with('/');
        let name_start = lt + 1 + usize::from(closing);
        let name_len = html[name_start..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b':')
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            i = lt + 1;
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let (attrs, end) = parse_attrs(html, name_start + name_len);
        i = end;
        if !closing {
            check_tag(&name, &attrs, lt, &mut out);
        }
        if !closing && REMOVED_WITH_CONTENT.contains(&name.as_str()) {
            // Its content goes too: nothing inside needs a report of its own.
            let close = format!("</{name}");
            i = html[i..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(html.len(), |p| i + p);
        }
    }
    out
}

fn check_tag(name: &str, attrs: &[(String, String, usize)], at: usize, out: &mut Vec<Removed>) {
    if REMOVED_WITH_CONTENT.contains(&name) {
        out.push(Removed {
            offset: at,
            message: format!("raw HTML `<{name}>` is not allowed: it was removed with its content"),
        });
        return;
    }
    if !tag_allowed(name) {
        out.push(Removed {
            offset: at,
            message: format!(
                "raw HTML `<{name}>` is not allowed: the tag was removed, its text kept"
            ),
        });
        return;
    }
    for (attr, value, offset) in attrs {
        let message = if attr.starts_with("on") {
            format!("event handler `{attr}` on `<{name}>` is not allowed: it was removed")
        } else if !attr_allowed(name, attr) {
            format!("attribute `{attr}` on `<{name}>` is not allowed: it was removed")
        } else if is_url_attr(attr) && !url_allowed(&decode_entities(value)) {
            format!(
                "URL `{}` in `{attr}` of `<{name}>` is not allowed: it was removed",
                shorten(value)
            )
        } else {
            continue;
        };
        out.push(Removed {
            offset: *offset,
            message,
        });
    }
}

fn is_url_attr(attr: &str) -> bool {
    matches!(
        attr,
        "href"
            | "src"
            | "cite"
            | "xlink:href"
            | "action"
            | "formaction"
            | "poster"
            | "data"
            | "ping"
    )
}

/// Attributes of a tag starting at `from` (just after its name): (name, value, offset), and
/// the offset just past the tag.
fn parse_attrs(html: &str, from: usize) -> (Vec<(String, String, usize)>, usize) {
    let b = html.as_bytes();
    let mut attrs = Vec::new();
    let mut i = from;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (attrs, i);
        }
        if b[i] == b'>' {
            return (attrs, i + 1);
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let (v, end) = attr_value(html, i);
            value = v.to_string();
            i = end;
        }
        if name.is_empty() {
            // A stray `=` or `/`: step over it, never past the end.
            i = (i + 1).min(b.len());
        } else {
            attrs.push((name, value, start));
        }
    }
}

fn attr_value(html: &str, i: usize) -> (&str, usize) {
    let b = html.as_bytes();
    match b.get(i) {
        Some(&q @ (b'"' | b'\'')) => match html[i + 1..].find(q as char) {
            Some(e) => (&html[i + 1..i + 1 + e], i + 1 + e + 1),
            None => (&html[i + 1..], html.len()),
        },
        _ => {
            let len = html[i..]
                .bytes()
                .take_while(|c| !c.is_ascii_whitespace() && *c != b'>')
                .count();
            (&html[i..i + len], i + len)
        }
    }
}

/// Numeric character references and the named ones used to hide a scheme.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .unwrap_or(after.len());
        let name = &after[..end];
        let decoded = match name.strip_prefix('#') {
            Some(num) => match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse::<u32>().ok(),
            }
            .and_then(char::from_u32),
            None => match name {
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                "amp" => Some('&'),
                _ => None,
            },
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = after[end..].strip_prefix(';').unwrap_or(&after[end..]);
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The scheme a browser would see in `url`: tabs and newlines anywhere and leading or trailing
/// controls and spaces are ignored, case does not matter. None for a relative URL.
pub fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = cleaned.find(':')?;
    let s = &cleaned[..colon];
    let valid = s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then(|| s.to_ascii_lowercase())
}

fn url_allowed(url: &str) -> bool {
    scheme(url).is_none_or(|s| URL_SCHEMES.contains(&s.as_str()))
}

/// A Markdown link or image target that must never reach a reader (`javascript:` and the like).
pub fn dangerous_url(url: &str) -> Option<String> {
    scheme(&decode_entities(url)).filter(|s| DANGEROUS_SCHEMES.contains(&s.as_str()))
}

fn shorten(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(pieces: &[Piece]) -> String {
        sanitize(pieces)
    }

    #[test]
    fn inline_tags_survive_in_pieces() {
        let out = raw(&[
            Piece::Generated("<p>Press "),
            Piece::RunStart,
            Piece::Raw("<kbd>"),
            Piece::Generated("Ctrl"),
            Piece::Raw("</kbd>"),
            Piece::Generated(" and <em>x</em>"),
            Piece::Raw("<br>"),
            Piece::RunEnd,
            Piece::Generated("</p>\n"),
        ]);
        assert_eq!(out, "<p>Press <kbd>Ctrl</kbd> and <em>x</em><br></p>\n");
    }

    #[test]
    fn unclosed_inline_tag_is_closed_in_its_run() {
        let out = raw(&[
            Piece::Generated("<p>"),
            Piece::RunStart,
            Piece::Raw("<b>"),
            Piece::Generated("bold"),
            Piece::RunEnd,
            Piece::Generated("</p>\n<p>plain</p>\n"),
        ]);
        assert_eq!(out, "<p><b>bold</b></p>\n<p>plain</p>\n");
    }

    #[test]
    fn scripts_handlers_and_urls_go() {
        let out = raw(&[
            Piece::Raw("<script>alert(1)</script><img src=x onerror=alert(2)>"),
            Piece::Raw("<a href=\"java\tscript:alert(3)\" onclick=\"x()\">a</a>"),
            Piece::Raw(
                "<iframe src=\"https://evil\"></iframe><svg><script>alert(4)</script></svg>",
            ),
        ]);
        assert!(!out.contains("alert"), "{out}");
        assert!(!out.contains("onerror") && !out.contains("onclick") && !out.contains("iframe"));
        assert!(out.contains("<img src=\"x\">"), "{out}");
    }

    #[test]
    fn details_spanning_blocks() {
        let out = raw(&[
            Piece::Raw("<details>\n<summary>More</summary>\n"),
            Piece::Generated("<p>hidden <strong>text</strong></p>\n"),
            Piece::Raw("</details>\n"),
        ]);
        assert_eq!(
            out,
            "<details>\n<summary>More</summary>\n<p>hidden <strong>text</strong></p>\n</details>\n"
        );
    }

    #[test]
    fn forged_placeholders_are_neutral() {
        let out = raw(&[
            Piece::Generated("<p>a</p>"),
            Piece::Raw("<div>\u{E000}0\u{E001}</div>"),
        ]);
        assert_eq!(out.matches("<p>a</p>").count(), 1, "{out}");
    }

    #[test]
    fn scan_reports_what_goes() {
        let r = scan("<b onclick=\"x()\">a</b><script>x</script><a href=\"JaVa&#x53;cript:1\">");
        let m: Vec<&str> = r.iter().map(|r| r.message.as_str()).collect();
        assert_eq!(m.len(), 3, "{m:?}");
        assert!(m[0].contains("onclick"));
        assert!(m[1].contains("<script>"));
        assert!(m[2].contains("URL"));
        assert!(
            scan("<kbd>x</kbd><br/><details open><summary>s</summary></details><!-- c -->")
                .is_empty()
        );
        assert!(
            scan("<a href=\"https://x.y\" title=\"t\">a</a><img src=\"a.png\" alt=\"x\">")
                .is_empty()
        );
    }

    /// Found by `cargo fuzz run markdown` (crash-c10421225c…): an attribute with no name and
    /// an empty value at the very end of a block sent the scanner past the end of the text.
    #[test]
    fn fuzz_crash_nameless_attribute_at_end() {
        assert!(scan("<p\n=\n J6").is_empty());
        assert!(scan("<p =").is_empty());
        assert!(scan("<p = ").is_empty());
        assert!(scan("<a href=").is_empty());
        let p = crate::markdown::parse(
            "t.md",
            "J&6&;\\;p\n<p\n=\n J6",
            1,
            &crate::highlight::Highlighter::new(&Default::default()),
        );
        assert!(p.diagnostics.is_empty());
    }

    #[test]
    fn nesting_depth_counts_open_elements() {
        assert_eq!(nesting_depth(["<div><p>a</p><br><img src=x>", "</div>"]), 2);
        assert_eq!(nesting_depth(["<b>"; 300]), 300);
        assert_eq!(nesting_depth(["a < b", "</x></y>", "<1>"]), 0);
    }

    #[test]
    fn dangerous_schemes_in_any_disguise() {
        for u in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:x",
            "\u{1}javascript:x",
            "javascript&#58;x",
            "&#106;avascript:x",
            "javascript&colon;x",
            "vbscript:msgbox",
            "DATA:text/html,<script>",
        ] {
            assert!(dangerous_url(u).is_some(), "{u:?}");
        }
        for u in [
            "https://x.y",
            "a.md#javascript:x",
            "./javascript.md",
            "mailto:a@b",
            "java script:x",
        ] {
            assert!(dangerous_url(u).is_none(), "{u:?}");
        }
    }
}
