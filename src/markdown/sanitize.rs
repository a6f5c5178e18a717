//! Raw HTML and URLs from content: pages arrive by pull request from people we do not know.
//!
//! Raw HTML written in Markdown goes through ammonia with an allow-list modelled on GitHub's
//! (text-level and structural HTML, `details`, `picture`/`source`, task-list checkboxes, and the
//! attributes that carry meaning: `dir`, `align`, `width`, `height`, `id`, `name` on `<a>`), so
//! `<script>`, event handlers, `<object>`, SVG and `javascript:` URLs never reach readers.
//! Embeds (`<iframe>` from listed hosts, `<video>`, `<audio>`) are opt-in per site (`[html]` in
//! site.toml). Only the raw fragments are parsed: the HTML that backlot generates itself stays
//! as opaque text placeholders (`\u{E000}n\u{E001}`), so it is neither rewritten nor able to
//! widen the allow-list. Placeholders are only ever substituted where they end up as text.
//!
//! Inline HTML arrives from pulldown-cmark as single tags (`<kbd>`, text, `</kbd>`); each run of
//! inline content is wrapped in a `<marquee>` in the sanitizer's input, an element that both
//! closes what the run left open and clears the HTML parser's list of formatting elements, so an
//! unclosed `<b>` cannot spill into the rest of the page. ammonia then drops the wrapper itself.
//!
//! Raw-HTML ids are kept as written (so `#x` links work with and without JavaScript), except ids
//! the theme itself uses (`main`, `search-input`, `tab-0-0`...), which get GitHub's
//! `user-content-` prefix; links to them are resolved to the prefixed id. Relative URLs in
//! `href`, `src`, `srcset` and `poster` are replaced by the caller's link markers, so they are
//! resolved and checked like Markdown links.
//!
//! `scan` reports what the sanitizer removes, with positions: it reads the fragment with
//! html5ever's tokenizer (the one ammonia parses with, so `<!--><img onerror>-->` is read the
//! same way) and decides with `verdict`, which reads the allow-list back from the very builder
//! that sanitizes and applies the same URL test and the same extra checks as its attribute
//! filter. `dangerous_url` is the scheme test for Markdown link and image targets.

use crate::config::Html as Policy;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

/// Removed together with everything inside them (embeds only unless the site allows them).
pub(crate) const REMOVED_WITH_CONTENT: &[&str] = &[
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
/// Tags beyond ammonia's defaults that GitHub renders.
const EXTRA_TAGS: &[&str] = &["picture", "source", "input"];
/// Attributes allowed on every tag beyond ammonia's defaults (`lang`, `title`): GitHub's list
/// without the form and scripting ones.
const GENERIC_ATTRS: &[&str] = &[
    "dir",
    "align",
    "valign",
    "width",
    "height",
    "id",
    "role",
    "aria-label",
    "aria-hidden",
    "aria-describedby",
    "aria-labelledby",
    "itemprop",
    "datetime",
    "colspan",
    "rowspan",
    "border",
    "hspace",
    "vspace",
    "nowrap",
];
/// Per-tag attributes beyond ammonia's defaults.
const EXTRA_ATTRS: &[(&str, &[&str])] = &[
    ("details", &["open"]),
    ("img", &["title", "srcset", "sizes", "loading"]),
    ("a", &["name"]),
    ("source", &["src", "srcset", "type", "media", "sizes"]),
    ("input", &["type", "checked", "disabled"]),
];
const IFRAME_ATTRS: &[&str] = &[
    "src",
    "title",
    "allow",
    "allowfullscreen",
    "loading",
    "frameborder",
    "referrerpolicy",
];
const MEDIA_ATTRS: &[&str] = &["src", "controls", "loop", "muted", "preload", "playsinline"];
const TRACK_ATTRS: &[&str] = &["src", "kind", "srclang", "label", "default"];
/// Schemes a raw HTML URL may use; relative URLs are kept.
pub(crate) const URL_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];
/// Schemes neutralised in Markdown links and images.
const DANGEROUS_SCHEMES: &[&str] = &["javascript", "vbscript", "data"];
/// Attributes holding URLs that are resolved like Markdown links when relative.
pub(crate) const LINK_ATTRS: &[&str] = &["href", "src", "srcset", "poster"];

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';
const RUN_OPEN: &str = "<marquee>";
const RUN_CLOSE: &str = "</marquee>";

/// Ids of the theme's own elements: a page's ids must not take them (the search box, the main
/// region and code tabs would stop working). `tab-N-M` ids are generated for code tabs, and
/// `sr-N` by search.js for the results it lists.
pub(crate) const THEME_IDS: &[&str] = &[
    "main",
    "backlot-strings",
    "menu-toggle",
    "search-input",
    "search-list",
    "search-results",
    "search-status",
    "sidebar",
    "tracks",
    "in-this-section",
];

/// Whether `id` is one the theme uses for its own elements.
pub(crate) fn theme_id(id: &str) -> bool {
    THEME_IDS.contains(&id)
        || id.strip_prefix("tab-").is_some_and(|rest| {
            rest.split('-').count() == 2
                && rest
                    .split('-')
                    .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
        || id
            .strip_prefix("sr-")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Tags removed with their content under `policy`.
fn removed_tags(policy: &Policy) -> Vec<&'static str> {
    REMOVED_WITH_CONTENT
        .iter()
        .copied()
        .filter(|t| !embed_allowed(policy, t))
        .collect()
}

fn embed_allowed(policy: &Policy, tag: &str) -> bool {
    match tag {
        "iframe" => !policy.iframe_hosts.is_empty(),
        "video" => policy.video,
        "audio" => policy.audio,
        _ => false,
    }
}

/// State the attribute filter reads and fills during one `sanitize` call (ammonia runs the
/// filter synchronously on the calling thread).
#[derive(Default)]
struct FilterState {
    /// Relative URL as written -> link marker.
    markers: HashMap<String, String>,
    /// Anchors that survived: (id as written, id in the output).
    anchors: Vec<(String, String)>,
}

thread_local! {
    static STATE: RefCell<Option<FilterState>> = const { RefCell::new(None) };
}

/// The sanitizer for one `[html]` policy and its allow-list read back.
struct Sanitizer {
    builder: ammonia::Builder<'static>,
    allowed: Allowed,
}

/// One sanitizer per distinct `[html]` policy, built once (a process sees one or two).
fn sanitizer(policy: &Policy) -> &'static Sanitizer {
    static ALL: OnceLock<Mutex<HashMap<Policy, &'static Sanitizer>>> = OnceLock::new();
    let mut map = ALL
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    map.entry(policy.clone()).or_insert_with(|| {
        let builder = new_builder(policy);
        let allowed = Allowed {
            tags: builder.clone_tags(),
            clean_content: removed_tags(policy).into_iter().collect(),
            generic: builder.clone_generic_attributes(),
            per_tag: builder.clone_tag_attributes(),
        };
        Box::leak(Box::new(Sanitizer { builder, allowed }))
    })
}

fn new_builder(policy: &Policy) -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    let removed = removed_tags(policy);
    b.rm_tags(&removed)
        .clean_content_tags(removed.iter().copied().collect())
        .add_tags(EXTRA_TAGS)
        .add_generic_attributes(GENERIC_ATTRS)
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        // No `rel` on raw-HTML links: Markdown links carry none either, and on an anchor
        // without `href` (`<a id="x"></a>`, common in repository docs) it is invalid HTML.
        .link_rel(None)
        .strip_comments(true);
    for (tag, attrs) in EXTRA_ATTRS {
        b.add_tag_attributes(tag, attrs.iter());
    }
    for tag in ["video", "audio"]
        .into_iter()
        .filter(|t| embed_allowed(policy, t))
    {
        b.add_tags([tag, "track"])
            .add_tag_attributes(tag, MEDIA_ATTRS)
            .add_tag_attributes("track", TRACK_ATTRS);
    }
    if embed_allowed(policy, "video") {
        b.add_tag_attributes("video", ["poster"]);
    }
    if embed_allowed(policy, "iframe") {
        b.add_tags(["iframe"])
            .add_tag_attributes("iframe", IFRAME_ATTRS);
    }
    let p = policy.clone();
    b.attribute_filter(move |tag, attr, value: &str| {
        if extra_check(&p, tag, attr, value).is_some() {
            return None;
        }
        Some(STATE.with(|s| match s.borrow_mut().as_mut() {
            Some(state) => rewrite(state, tag, attr, value),
            None => Cow::Owned(value.to_string()),
        }))
    });
    b
}

/// Checks ammonia has no switch for; the same function decides what `scan` reports.
fn extra_check(policy: &Policy, tag: &str, attr: &str, value: &str) -> Option<String> {
    if value.contains(OPEN) {
        // A placeholder inside an attribute value means malformed raw HTML swallowed
        // generated HTML into a tag: drop the attribute rather than substitute into it.
        return Some(format!(
            "attribute `{attr}` on `<{tag}>` swallowed the page's own HTML: it was removed"
        ));
    }
    if attr == "srcset" {
        if let Some(bad) = srcset_urls(value).find(|u| !url_allowed(u)) {
            return Some(format!(
                "URL `{}` in `srcset` of `<{tag}>` is not allowed: it was removed",
                shorten(bad)
            ));
        }
    }
    if tag == "input" && attr == "type" && !value.eq_ignore_ascii_case("checkbox") {
        return Some(format!("`<input type=\"{}\">` is not allowed (only task-list checkboxes): the type was removed", shorten(value)));
    }
    if tag == "iframe" && attr == "src" && !iframe_host_allowed(policy, value) {
        return Some(format!(
            "iframe from `{}` is not allowed: its `src` was removed",
            shorten(value)
        ));
    }
    None
}

fn iframe_host_allowed(policy: &Policy, src: &str) -> bool {
    url::Url::parse(src).is_ok_and(|u| {
        u.scheme() == "https"
            && u.host_str().is_some_and(|h| {
                policy
                    .iframe_hosts
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(h))
            })
    })
}

/// The URLs of a `srcset` ("a.png 1x, b.png 2x" -> a.png, b.png).
pub(crate) fn srcset_urls(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').filter_map(|c| c.split_whitespace().next())
}

/// Applies the link markers and records anchors for one kept attribute.
fn rewrite<'v>(state: &mut FilterState, tag: &str, attr: &str, value: &'v str) -> Cow<'v, str> {
    if attr == "id" || (attr == "name" && tag == "a") {
        let real = if theme_id(value) {
            format!("user-content-{value}")
        } else {
            value.to_string()
        };
        state.anchors.push((value.to_string(), real.clone()));
        return Cow::Owned(real);
    }
    if !LINK_ATTRS.contains(&attr) {
        return Cow::Borrowed(value);
    }
    if attr == "srcset" {
        let candidates: Vec<String> = value
            .split(',')
            .map(|c| {
                let c = c.trim();
                let (url, rest) = c.split_once(char::is_whitespace).unwrap_or((c, ""));
                let url = state.markers.get(url).map_or(url, String::as_str);
                [url, rest.trim()].join(" ").trim_end().to_string()
            })
            .collect();
        return Cow::Owned(candidates.join(", "));
    }
    match state.markers.get(value) {
        Some(m) => Cow::Owned(m.clone()),
        None => Cow::Borrowed(value),
    }
}

/// The sanitizer's allow-list, read back from it so `scan` can never disagree with it.
struct Allowed {
    tags: HashSet<&'static str>,
    clean_content: HashSet<&'static str>,
    generic: HashSet<&'static str>,
    per_tag: HashMap<&'static str, HashSet<&'static str>>,
}

/// One piece of a rendered body, in order.
pub(crate) enum Piece<'a> {
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
pub(crate) const MAX_RAW_DEPTH: usize = 256;

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// How deep the raw fragments nest elements, counting start and end tags in order.
pub(crate) fn nesting_depth<'a>(fragments: impl IntoIterator<Item = &'a str>) -> usize {
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

/// What `sanitize` gives back besides the body.
#[derive(Debug, Default)]
pub(crate) struct Sanitized {
    pub(crate) html: String,
    /// Raw-HTML anchors that survived: (id as written, id in the output).
    pub(crate) anchors: Vec<(String, String)>,
}

/// Sanitizes the raw pieces in their context and returns the whole body. `markers` maps each
/// relative URL found by `scan` to the link marker that replaces it.
pub(crate) fn sanitize(
    pieces: &[Piece],
    policy: &Policy,
    markers: HashMap<String, String>,
) -> Sanitized {
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
    STATE.with(|s| {
        *s.borrow_mut() = Some(FilterState {
            markers,
            anchors: Vec::new(),
        })
    });
    let clean = sanitizer(policy).builder.clean(&input).to_string();
    let state = STATE.with(|s| s.borrow_mut().take()).unwrap_or_default();
    Sanitized {
        html: substitute(&clean, &generated),
        anchors: state.anchors,
    }
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
pub(crate) struct Removed {
    pub(crate) offset: usize,
    pub(crate) message: String,
}

/// A relative URL (or `#anchor`) in a kept attribute of a raw fragment, to resolve and check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawUrl {
    pub(crate) offset: usize,
    pub(crate) tag: String,
    pub(crate) url: String,
}

/// What `scan` finds in one raw fragment.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    pub(crate) removed: Vec<Removed>,
    pub(crate) urls: Vec<RawUrl>,
}

/// Lists what the sanitizer will remove from one raw fragment (a tag, or an HTML block) and
/// the relative URLs it keeps. Comments are dropped silently: they are harmless and never shown.
pub(crate) fn scan(html: &str, policy: &Policy) -> Scan {
    use html5ever::tokenizer::{BufferQueue, Tokenizer, TokenizerOpts};
    let sink = ScanSink {
        allowed: &sanitizer(policy).allowed,
        policy: policy.clone(),
        html,
        cursor: RefCell::new(0),
        skip_until: RefCell::new(None),
        out: RefCell::new(Scan::default()),
    };
    let input = BufferQueue::default();
    input.push_back(html.into());
    let tok = Tokenizer::new(sink, TokenizerOpts::default());
    let _ = tok.feed(&input);
    tok.end();
    tok.sink.out.take()
}

struct ScanSink<'h> {
    allowed: &'static Allowed,
    policy: Policy,
    html: &'h str,
    /// Where the search for the next tag's text starts.
    cursor: RefCell<usize>,
    /// Inside an element removed with its content: nothing in it needs a report of its own.
    skip_until: RefCell<Option<String>>,
    out: RefCell<Scan>,
}

impl ScanSink<'_> {
    /// Byte offset of `needle` (ASCII, case-insensitive) at or after `from`; `from` itself when
    /// not found. Tags come in order, so searching on from the previous tag finds each one.
    fn find(&self, needle: &str, from: usize) -> usize {
        let from = from.min(self.html.len());
        let hay = self.html.as_bytes();
        let n = needle.as_bytes();
        (from..hay.len().saturating_sub(n.len()) + 1)
            .find(|&i| hay[i..i + n.len()].eq_ignore_ascii_case(n))
            .unwrap_or(from)
    }

    fn start_tag(&self, tag: &html5ever::tokenizer::Tag) {
        let name = tag.name.to_string();
        let at = self.find(&format!("<{name}"), *self.cursor.borrow());
        *self.cursor.borrow_mut() = at + 1;
        let mut out = self.out.borrow_mut();
        if self.allowed.clean_content.contains(name.as_str()) {
            out.removed.push(Removed {
                offset: at,
                message: format!(
                    "raw HTML `<{name}>` is not allowed: it was removed with its content"
                ),
            });
            if !tag.self_closing {
                *self.skip_until.borrow_mut() = Some(name);
            }
            return;
        }
        if !self.allowed.tags.contains(name.as_str()) {
            out.removed.push(Removed {
                offset: at,
                message: format!(
                    "raw HTML `<{name}>` is not allowed: the tag was removed, its text kept"
                ),
            });
            return;
        }
        for a in &tag.attrs {
            let attr = a.name.local.to_string();
            let value = a.value.to_string();
            let offset = self.find(&attr, at);
            match verdict(self.allowed, &self.policy, &name, &attr, &value) {
                Some(message) => out.removed.push(Removed { offset, message }),
                None if LINK_ATTRS.contains(&attr.as_str()) => {
                    let urls: Vec<&str> = if attr == "srcset" {
                        srcset_urls(&value).collect()
                    } else {
                        vec![value.as_str()]
                    };
                    for url in urls
                        .into_iter()
                        .filter(|u| !u.is_empty() && scheme(u).is_none() && !u.starts_with("//"))
                    {
                        out.urls.push(RawUrl {
                            offset,
                            tag: name.clone(),
                            url: url.to_string(),
                        });
                    }
                }
                None => {}
            }
        }
    }
}

impl html5ever::tokenizer::TokenSink for ScanSink<'_> {
    type Handle = ();

    fn process_token(
        &self,
        token: html5ever::tokenizer::Token,
        _line: u64,
    ) -> html5ever::tokenizer::TokenSinkResult<()> {
        use html5ever::tokenizer::states::RawKind;
        use html5ever::tokenizer::{TagKind, Token, TokenSinkResult};
        let skipping = self.skip_until.borrow().clone();
        match token {
            Token::TagToken(t)
                if t.kind == TagKind::EndTag && skipping.as_deref() == Some(&*t.name) =>
            {
                *self.skip_until.borrow_mut() = None;
            }
            Token::TagToken(t) if t.kind == TagKind::EndTag => {}
            Token::TagToken(t) if skipping.is_none() => {
                self.start_tag(&t);
                // Switch states as the tree builder would, so what follows reads the same.
                return match &*t.name {
                    "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                        TokenSinkResult::RawData(RawKind::Rawtext)
                    }
                    "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
                    "plaintext" => TokenSinkResult::Plaintext,
                    _ => TokenSinkResult::Continue,
                };
            }
            Token::DoctypeToken(_) if skipping.is_none() => {
                let at = self.find("<!", *self.cursor.borrow());
                self.out.borrow_mut().removed.push(Removed {
                    offset: at,
                    message: "raw HTML declaration is not allowed: it was removed".into(),
                });
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Why the sanitizer removes attribute `attr` of `<tag>`, or None if it keeps it: ammonia's own
/// allow-list and URL test, then the checks of its attribute filter.
fn verdict(a: &Allowed, policy: &Policy, tag: &str, attr: &str, value: &str) -> Option<String> {
    let listed = a.generic.contains(attr) || a.per_tag.get(tag).is_some_and(|s| s.contains(attr));
    if !listed {
        return Some(if attr.starts_with("on") {
            format!("event handler `{attr}` on `<{tag}>` is not allowed: it was removed")
        } else {
            format!("attribute `{attr}` on `<{tag}>` is not allowed: it was removed")
        });
    }
    if ammonia_url_attr(tag, attr) && !ammonia_url_ok(value) {
        return Some(format!(
            "URL `{}` in `{attr}` of `<{tag}>` is not allowed: it was removed",
            shorten(value)
        ));
    }
    extra_check(policy, tag, attr, value)
}

/// ammonia's `is_url_attr` for the tags it can keep.
fn ammonia_url_attr(tag: &str, attr: &str) -> bool {
    attr == "href" || attr == "src" || (tag == "video" && attr == "poster")
}

/// ammonia's URL test: a parsable URL with an allowed scheme, or a relative one.
fn ammonia_url_ok(value: &str) -> bool {
    match url::Url::parse(value) {
        Ok(u) => URL_SCHEMES.contains(&u.scheme()),
        Err(e) => e == url::ParseError::RelativeUrlWithoutBase,
    }
}

/// Numeric character references and the named ones used to hide a scheme.
pub(crate) fn decode_entities(s: &str) -> String {
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
pub(crate) fn scheme(url: &str) -> Option<String> {
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
        sanitize(pieces, &Policy::default(), HashMap::new()).html
    }

    fn removed(html: &str) -> Vec<Removed> {
        scan(html, &Policy::default()).removed
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
        let r = removed("<b onclick=\"x()\">a</b><script>x</script><a href=\"JaVa&#x53;cript:1\">");
        let m: Vec<&str> = r.iter().map(|r| r.message.as_str()).collect();
        assert_eq!(m.len(), 3, "{m:?}");
        assert!(m[0].contains("onclick"));
        assert!(m[1].contains("<script>"));
        assert!(m[2].contains("URL"));
        assert!(
            removed("<kbd>x</kbd><br/><details open><summary>s</summary></details><!-- c -->")
                .is_empty()
        );
        assert!(
            removed("<a href=\"https://x.y\" title=\"t\">a</a><img src=\"a.png\" alt=\"x\">")
                .is_empty()
        );
    }

    /// Found by `cargo fuzz run markdown` (crash-c10421225c…): an attribute with no name and
    /// an empty value at the very end of a block sent the scanner past the end of the text.
    #[test]
    fn fuzz_crash_nameless_attribute_at_end() {
        assert!(removed("<p\n=\n J6").is_empty());
        assert!(removed("<p =").is_empty());
        assert!(removed("<p = ").is_empty());
        assert!(removed("<a href=").is_empty());
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

    /// Every literal id in the default theme's templates is reserved, so no heading or raw
    /// HTML can take it (`tab-N-M` ids are generated and matched by pattern).
    #[test]
    fn theme_ids_cover_the_default_templates() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let mut found = Vec::new();
        for e in walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
        {
            let Ok(text) = std::fs::read_to_string(e.path()) else {
                continue;
            };
            for (i, _) in text.match_indices(" id=\"") {
                let v = &text[i + 5..];
                let v = &v[..v.find('"').unwrap_or(0)];
                if !v.contains('{') {
                    found.push(v.to_string());
                }
            }
        }
        assert!(found.len() >= 5, "{found:?}");
        for id in &found {
            assert!(theme_id(id), "theme id `{id}` missing from THEME_IDS");
        }
        assert!(theme_id("tab-0-0") && theme_id("tab-12-3"));
        assert!(!theme_id("tab-a-0") && !theme_id("tab-1") && !theme_id("install"));
    }
}
