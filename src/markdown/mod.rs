//! One pure parse per Markdown file: HTML, headings and ids, table of contents, links recorded
//! (not resolved: that needs the other pages) from Markdown, GFM autolinks and URLs in raw HTML
//! (http(s) ones apart, for `check --external`),
//! anchors from raw HTML, callouts, code blocks and shortcodes, math (MathML, see `math`),
//! mermaid diagrams (left to the theme's script) and citations of dated facts (`crate::facts`).
//!
//! Internal link targets and shortcodes are written as markers unique to the file
//! (`bl<hash>L3.`), which the site stage replaces once every page is known. That keeps this stage
//! a function of the file's bytes alone, so `serve` can cache it by content hash.

pub(crate) mod code;
pub(crate) mod math;
pub mod sanitize;

use crate::config::Html as HtmlPolicy;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::highlight::{escape_html, Highlighter};
use crate::slug::{github_slug, IdSet};
use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag,
    TagEnd,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::ops::Range;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ParsedMarkdown {
    pub html: String,
    /// The Markdown body itself (front matter removed), for the page's Markdown copy.
    pub(crate) body: String,
    /// Prefix of this file's markers in `html`.
    pub marker: String,
    pub links: Vec<LinkRef>,
    pub(crate) headings: Vec<Heading>,
    /// Prose text (no code), for search and word counts.
    pub(crate) text: String,
    pub(crate) word_count: usize,
    pub code_blocks: Vec<CodeBlock>,
    /// Each code block's fence attributes, by the same index as `code_blocks`: the render
    /// stage highlights the block from these when it fills the block's marker.
    pub(crate) code_fences: Vec<code::FenceInfo>,
    pub(crate) shortcodes: Vec<Shortcode>,
    /// As JSON in the parse cache (`crate::parse_cache`): a diagnostic skips its empty fields.
    #[serde(with = "crate::as_json")]
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Anchors besides the headings' own ids: (id as a link names it, id in the HTML). Raw-HTML
    /// `id`/`name` attributes, and headings renamed because the theme uses their id.
    pub(crate) anchors: Vec<(String, String)>,
    /// Dated facts the page cites (`<!-- backlot:version node lts -->22<!-- /backlot:version -->`),
    /// checked against `data/versions.toml` by `crate::facts`.
    pub(crate) citations: Vec<Citation>,
    /// Files the page reads besides its source, relative to the site root: included code
    /// (`crate::include`) and measured images (`crate::images`).
    pub(crate) includes: Vec<String>,
    /// Links and images to http(s) addresses, as written, for `check --external`.
    pub(crate) external: Vec<LinkRef>,
    /// The page has a mermaid diagram: the theme's diagram renderer is copied to the output.
    pub(crate) has_diagram: bool,
    /// Responsive variants of the page's images, (link index, width), filled by
    /// `crate::images`; `{marker}V{n}.` in `html` is variant n's URL.
    pub(crate) variants: Vec<(usize, u32)>,
    /// `html`, `body` and the code blocks' code compressed, when a build packed them
    /// (`pack`): they are then empty; read them through `html()`, `body()`, `html_and_code()`.
    pub(crate) packed: Option<Box<crate::compact::Packed>>,
    /// `text` compressed on its own, read through `text()`: the search index reads the text
    /// of every page, twice, and decompressing the whole page for it was a tenth of a warm
    /// build (apart from the body it repeats, a page packs 14% larger: 1,470 bytes, not 1,289,
    /// on the generated 10,000-page corpus).
    pub(crate) packed_text: Option<Box<crate::compact::Packed>>,
}

/// Where `pack` puts each text in `ParsedMarkdown::packed`: the HTML, the body, then each code
/// block's code.
const PACKED_HTML: usize = 0;
const PACKED_BODY: usize = 1;
const PACKED_CODE: usize = 2;

impl ParsedMarkdown {
    /// The page's HTML (with markers), wherever it is held (rendering reads it with the code,
    /// `html_and_code`).
    #[cfg(test)]
    pub(crate) fn html(&self) -> std::borrow::Cow<'_, str> {
        crate::compact::read(self.packed.as_deref(), &self.html, PACKED_HTML)
    }

    /// The Markdown body, wherever it is held.
    pub(crate) fn body(&self) -> std::borrow::Cow<'_, str> {
        crate::compact::read(self.packed.as_deref(), &self.body, PACKED_BODY)
    }

    /// The prose text, wherever it is held.
    pub(crate) fn text(&self) -> std::borrow::Cow<'_, str> {
        crate::compact::read(self.packed_text.as_deref(), &self.text, 0)
    }

    /// The prose text's length in bytes, without decompressing it.
    pub(crate) fn text_len(&self) -> usize {
        self.packed_text
            .as_ref()
            .map_or(self.text.len(), |p| p.len(0))
    }

    /// The code of code block `i`, wherever it is held.
    #[cfg(test)]
    pub(crate) fn code(&self, i: usize) -> std::borrow::Cow<'_, str> {
        let plain = self.code_blocks.get(i).map_or("", |b| b.code.as_str());
        crate::compact::read(self.packed.as_deref(), plain, PACKED_CODE + i)
    }

    /// The HTML and every code block's code at once (one decompression when packed): what
    /// rendering the page reads.
    pub(crate) fn html_and_code(
        &self,
    ) -> (std::borrow::Cow<'_, str>, Vec<std::borrow::Cow<'_, str>>) {
        use std::borrow::Cow;
        let Some(packed) = &self.packed else {
            let code = self
                .code_blocks
                .iter()
                .map(|b| Cow::Borrowed(b.code.as_str()));
            return (Cow::Borrowed(&self.html), code.collect());
        };
        let mut all = packed.all();
        let code = all.split_off(PACKED_CODE.min(all.len()));
        let html = all.into_iter().nth(PACKED_HTML).unwrap_or_default();
        (Cow::Owned(html), code.into_iter().map(Cow::Owned).collect())
    }

    /// The texts `pack` compresses, in order: HTML, body, prose text, each code block's code
    /// (also what a build's compression dictionary is trained on).
    pub(crate) fn packable(&self) -> impl Iterator<Item = &str> {
        let texts = [&self.html, &self.body, &self.text].map(String::as_str);
        texts
            .into_iter()
            .chain(self.code_blocks.iter().map(|b| b.code.as_str()))
    }

    /// Compresses `html`, `body` and the code blocks' code into `packed`, and `text` into
    /// `packed_text` (with `dict` when the build trained one), and trims what stays plain (see
    /// `crate::compact`): a build holds every parsed page until it ends.
    pub(crate) fn pack(&mut self, dict: Option<&std::sync::Arc<crate::compact::Dictionary>>) {
        use crate::compact::Packed;
        if self.packed.is_some() {
            return;
        }
        let code = self.code_blocks.iter().map(|b| b.code.as_str());
        let rest = [self.html.as_str(), self.body.as_str()]
            .into_iter()
            .chain(code);
        if let (Some(p), Some(t)) = (Packed::new(rest, dict), Packed::new([&*self.text], dict)) {
            self.packed = Some(Box::new(p));
            self.packed_text = Some(Box::new(t));
            self.html = String::new();
            self.body = String::new();
            self.text = String::new();
            for block in &mut self.code_blocks {
                block.code = String::new();
            }
        }
        self.marker.shrink_to_fit();
        // Vectors grow by doubling while the page is parsed: their slack is kept otherwise.
        self.links.shrink_to_fit();
        self.headings.shrink_to_fit();
        self.code_blocks.shrink_to_fit();
        self.code_fences.shrink_to_fit();
        self.shortcodes.shrink_to_fit();
        self.anchors.shrink_to_fit();
        self.external.shrink_to_fit();
    }

    /// Puts back what `pack` compressed (the round trip the tests check).
    #[cfg(test)]
    pub(crate) fn unpack(&mut self) {
        let (Some(packed), Some(text)) = (self.packed.take(), self.packed_text.take()) else {
            return;
        };
        self.text = text.get(0);
        let mut parts = packed.all().into_iter();
        self.html = parts.next().unwrap_or_default();
        self.body = parts.next().unwrap_or_default();
        for (block, code) in self.code_blocks.iter_mut().zip(parts) {
            block.code = code;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRef {
    pub dest: String,
    pub(crate) line: usize,
    pub(crate) col: usize,
    pub(crate) is_image: bool,
    pub(crate) has_alt: bool,
    /// Byte range of the destination as written in the body (in the reference definition for
    /// `[text][ref]` links), so the Markdown copy can rewrite it; `None` if it was escaped.
    pub(crate) dest_span: Option<Range<usize>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub(crate) struct Heading {
    pub(crate) level: u8,
    pub(crate) id: String,
    pub(crate) text: String,
}

/// An entry of a page's table of contents, borrowed from its headings: made when the page
/// is rendered (`toc`), not kept with the parse, because a build holds every parse at once.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct TocEntry<'a> {
    pub(crate) level: u8,
    pub(crate) id: &'a str,
    pub(crate) title: &'a str,
    pub(crate) children: Vec<TocEntry<'a>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodeBlock {
    pub lang: String,
    pub code: String,
    /// File line of the block's first code line.
    pub(crate) line: usize,
    pub(crate) nocheck: bool,
    pub(crate) tab: Option<String>,
    /// Index of the tab group the block belongs to, if any.
    pub(crate) group: Option<usize>,
    /// The fence's `contract` attribute (see `crate::contracts`).
    pub(crate) contract: Option<String>,
}

/// A cited fact: the product and release line named in the opening comment, the text the
/// page shows between the comments (what GitHub shows too), and where the citation starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Citation {
    pub(crate) product: String,
    pub(crate) release: String,
    pub(crate) shown: String,
    pub(crate) line: usize,
    pub(crate) col: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Shortcode {
    pub(crate) name: String,
    pub(crate) args: BTreeMap<String, String>,
    pub(crate) line: usize,
    /// Byte range of the `<!-- backlot:... -->` comment in the body.
    pub(crate) span: Range<usize>,
}

pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_MATH
}

/// Whether a link target leaves the site (has a scheme or is protocol-relative).
pub(crate) fn is_external(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
                && !url[..i].contains('/')
        }
        None => false,
    }
}

/// A marker prefix unique to this text: content cannot contain its own hash.
fn marker_for(text: &str) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    format!("bl{:016x}", h.finish())
}

pub(crate) fn link_marker(prefix: &str, i: usize) -> String {
    format!("{prefix}L{i}.")
}

/// Marks where the URL of responsive image variant `i` goes (see `crate::images`).
pub(crate) fn variant_marker(prefix: &str, i: usize) -> String {
    format!("{prefix}V{i}.")
}

pub(crate) fn shortcode_marker(prefix: &str, i: usize) -> String {
    format!("{prefix}S{i}.")
}

/// Marks where raw HTML fragment `i` goes, until `sanitize` replaces it.
fn raw_marker(prefix: &str, i: usize) -> String {
    format!("{prefix}H{i}.")
}

/// Code block `i` is a marker too: highlighted HTML is ~5x the size of the code, so holding
/// it for every page until rendering took most of a 10,000-page build's memory. The parse
/// keeps the code and its fence (`code_blocks`, `code_fences`); `render` highlights it.
pub(crate) fn code_marker(prefix: &str, i: usize) -> String {
    format!("{prefix}C{i}.")
}

/// Replaces every marker in `html`; `fill(kind, index)` gives the text for marker (kind, index).
pub fn fill_markers(
    html: &str,
    prefix: &str,
    mut fill: impl FnMut(char, usize) -> String,
) -> String {
    if prefix.is_empty() {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(pos) = rest.find(prefix) {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + prefix.len()..];
        match parse_marker(after) {
            Some((kind, n, len)) => {
                out.push_str(&fill(kind, n));
                rest = &after[len..];
            }
            None => {
                out.push_str(prefix);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// "L12.rest" -> ('L', 12, 4): the kind, the index and the marker's length after the prefix.
fn parse_marker(after: &str) -> Option<(char, usize, usize)> {
    let kind = after
        .chars()
        .next()
        .filter(|k| matches!(k, 'L' | 'S' | 'C' | 'V'))?;
    let end = after[1..].find('.')? + 1;
    let n = after[1..end].parse().ok()?;
    Some((kind, n, end + 1))
}

/// Maps byte offsets of the body to file lines and columns.
struct Lines {
    starts: Vec<usize>,
    first_line: usize,
}

impl Lines {
    fn new(body: &str, first_line: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(body.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts, first_line }
    }

    fn at(&self, offset: usize) -> (usize, usize) {
        let i = self
            .starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1);
        (i + self.first_line, offset - self.starts[i] + 1)
    }
}

pub fn parse(path: &str, body: &str, body_line: usize, h: &Highlighter) -> ParsedMarkdown {
    parse_with(path, body, body_line, h, &Default::default())
}

/// `parse` under a site's `[html]` policy (which embeds raw HTML may use).
pub(crate) fn parse_with(
    path: &str,
    body: &str,
    body_line: usize,
    h: &Highlighter,
    policy: &HtmlPolicy,
) -> ParsedMarkdown {
    let mut p = Parse {
        policy,
        raw_markers: HashMap::new(),
        link_depth: 0,
        path,
        h,
        lines: Lines::new(body, body_line),
        out: ParsedMarkdown {
            marker: marker_for(body),
            ..Default::default()
        },
        events: Vec::new(),
        body,
        refs: HashMap::new(),
        ids: IdSet::default(),
        heading: None,
        pending_tabs: Vec::new(),
        tab_groups: 0,
        raw: Vec::new(),
        html_block: None,
        citing: None,
    };
    let parser = Parser::new_ext(body, options()).into_offset_iter();
    p.refs = parser
        .reference_definitions()
        .iter()
        .map(|(label, def)| (label.to_lowercase(), def.span.clone()))
        .collect();
    let events = merge_text(parser.collect());
    reserve_custom_ids(&events, &mut p.ids);
    let runs = raw_inline_runs(&events);
    let mut i = 0;
    while i < events.len() {
        let run_start = runs.contains(&(i, true));
        if run_start {
            p.events
                .push(Event::Html(format!("{}I0.", p.out.marker).into()));
        }
        let next = p.event(&events, i);
        if runs.contains(&(i, false)) {
            p.events
                .push(Event::Html(format!("{}J0.", p.out.marker).into()));
        }
        i = next;
    }
    p.flush_tabs();
    if let Some(c) = p.citing.take() {
        p.out.diagnostics.push(
            Diagnostic::warning(
                Code::CitationUnclosed,
                path,
                c.line,
                c.col,
                "citation is not closed",
            )
            .with_help("end it in the same paragraph with <!-- /backlot:version -->"),
        );
    }
    let mut html = String::with_capacity(body.len() * 2);
    pulldown_cmark::html::push_html(&mut html, p.events.into_iter());
    let mut raw = std::mem::take(&mut p.raw);
    if sanitize::nesting_depth(raw.iter().map(String::as_str)) > sanitize::MAX_RAW_DEPTH {
        p.out.diagnostics.push(
            Diagnostic::warning(Code::RawHtmlTooDeep, path, body_line, 1, format!("raw HTML nested more than {} elements deep: all raw HTML of this page was removed", sanitize::MAX_RAW_DEPTH))
                .with_help("write the page in Markdown"),
        );
        raw.iter_mut().for_each(String::clear);
    }
    let markers = std::mem::take(&mut p.raw_markers);
    let mut out = p.out;
    if raw.is_empty() {
        out.html = html;
    } else {
        let clean = sanitize::sanitize(&raw_pieces(&html, &out.marker, &raw), policy, markers);
        out.html = clean.html;
        out.anchors.extend(clean.anchors);
    }
    // Every page's parse is held until rendering: give back the growth slack (up to half).
    out.html.shrink_to_fit();
    out.text.shrink_to_fit();
    out.body = body.to_string();
    out.word_count = out.text.split_whitespace().count();
    out
}

/// Cuts the rendered body at its raw-HTML markers (`H` fragment, `I`/`J` inline run).
fn raw_pieces<'h>(html: &'h str, prefix: &str, raw: &'h [String]) -> Vec<sanitize::Piece<'h>> {
    use sanitize::Piece;
    let mut pieces = Vec::new();
    let mut rest = html;
    let mut generated_from = 0;
    let mut at = 0;
    while let Some(pos) = rest[at..].find(prefix).map(|p| p + at) {
        let after = &rest[pos + prefix.len()..];
        let kind = after.as_bytes().first().copied();
        let end = after
            .find('.')
            .filter(|&e| e > 1 && after.as_bytes()[1..e].iter().all(u8::is_ascii_digit));
        let piece = match (kind, end) {
            (Some(b'H'), Some(e)) => after[1..e]
                .parse::<usize>()
                .ok()
                .and_then(|n| raw.get(n))
                .map(|r| Piece::Raw(r)),
            (Some(b'I'), Some(_)) => Some(Piece::RunStart),
            (Some(b'J'), Some(_)) => Some(Piece::RunEnd),
            _ => None,
        };
        match (piece, end) {
            (Some(piece), Some(e)) => {
                pieces.push(Piece::Generated(&rest[generated_from..pos]));
                pieces.push(piece);
                rest = &after[e + 1..];
                generated_from = 0;
                at = 0;
            }
            _ => at = pos + prefix.len(),
        }
    }
    pieces.push(Piece::Generated(&rest[generated_from..]));
    pieces
}

/// Runs of inline events that contain raw inline HTML, as (first, true) and (last, false)
/// event indices: each run is sanitized as a unit so what it opens, it closes.
fn raw_inline_runs(events: &[(Event, Range<usize>)]) -> HashSet<(usize, bool)> {
    let mut out = HashSet::new();
    let mut start: Option<usize> = None;
    let mut has_html = false;
    for (i, (e, _)) in events.iter().enumerate() {
        if is_inline(e) {
            start.get_or_insert(i);
            has_html |= matches!(e, Event::InlineHtml(_));
            continue;
        }
        if let Some(s) = start.take() {
            if has_html {
                out.insert((s, true));
                out.insert((i - 1, false));
            }
        }
        has_html = false;
    }
    if let (Some(s), true) = (start, has_html) {
        out.insert((s, true));
        out.insert((events.len() - 1, false));
    }
    out
}

fn is_inline(e: &Event) -> bool {
    use Tag as T;
    use TagEnd as E;
    match e {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_)
        | Event::InlineHtml(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::FootnoteReference(_)
        | Event::TaskListMarker(_) => true,
        Event::Start(t) => matches!(
            t,
            T::Emphasis
                | T::Strong
                | T::Strikethrough
                | T::Superscript
                | T::Subscript
                | T::Link { .. }
                | T::Image { .. }
        ),
        Event::End(t) => matches!(
            t,
            E::Emphasis
                | E::Strong
                | E::Strikethrough
                | E::Superscript
                | E::Subscript
                | E::Link
                | E::Image
        ),
        _ => false,
    }
}

/// `{#custom}` ids are taken first, so an automatic id never steals one; so are the theme's
/// own ids (`main`, `search-input`...), so a heading never takes one of them.
fn reserve_custom_ids(events: &[(Event, Range<usize>)], ids: &mut IdSet) {
    for id in sanitize::THEME_IDS {
        ids.reserve(id);
    }
    for (i, (e, _)) in events.iter().enumerate() {
        if !matches!(e, Event::End(TagEnd::Heading(_))) {
            continue;
        }
        if let Some((Event::Text(t), _)) = i.checked_sub(1).and_then(|j| events.get(j)) {
            if let Some((_, id, _)) = heading_attrs(t) {
                ids.reserve(&id);
            }
        }
    }
}

/// A trailing attribute block of a heading's text, `Title {#id .class}`: (length of the text
/// before it, id, classes). Exactly one `#id` and any `.class`es; any other braces are text,
/// as GitHub shows them (`## Using {foo}`).
fn heading_attrs(text: &str) -> Option<(usize, String, Vec<String>)> {
    let trimmed = text.trim_end();
    let open = trimmed.strip_suffix('}')?.rfind('{')?;
    let inner = &trimmed[open + 1..trimmed.len() - 1];
    let (mut id, mut classes) = (None, Vec::new());
    for word in inner.split_whitespace() {
        match (word.strip_prefix('#'), word.strip_prefix('.')) {
            (Some(i), _) if !i.is_empty() && id.is_none() => id = Some(i.to_string()),
            (_, Some(c)) if !c.is_empty() => classes.push(c.to_string()),
            _ => return None,
        }
    }
    Some((text[..open].trim_end().len(), id?, classes))
}

/// Joins adjacent text events (pulldown-cmark splits text at characters that might have
/// started markup), so autolinks and heading attribute blocks are seen whole.
fn merge_text(events: Vec<(Event, Range<usize>)>) -> Vec<(Event, Range<usize>)> {
    let mut out: Vec<(Event, Range<usize>)> = Vec::with_capacity(events.len());
    // A run of texts is joined once it ends: appending to a CowStr would copy it every time.
    let mut run: Option<(String, Range<usize>, usize)> = None;
    let flush = |out: &mut Vec<(Event, Range<usize>)>,
                 run: &mut Option<(String, Range<usize>, usize)>| {
        if let Some((text, range, n)) = run.take() {
            if n > 1 {
                out.pop();
                out.push((Event::Text(text.into()), range));
            }
        }
    };
    for (e, r) in events {
        if let Event::Text(t) = &e {
            match &mut run {
                Some((text, range, n)) => {
                    text.push_str(t);
                    range.end = r.end;
                    *n += 1;
                    continue;
                }
                None => run = Some((t.to_string(), r.clone(), 1)),
            }
        } else {
            flush(&mut out, &mut run);
        }
        out.push((e, r));
    }
    flush(&mut out, &mut run);
    out
}

/// The GFM extended autolinks of a text (`https://…`, `www.…`, `team@example.com`,
/// `mailto:…`, `xmpp:…`): (range in the text, href). URLs are found by linkify; addresses by
/// GFM's own rule, which linkify's (RFC-shaped) one does not match.
fn autolinks(text: &str) -> Vec<(Range<usize>, String)> {
    use linkify::{LinkFinder, LinkKind};
    static FINDER: std::sync::OnceLock<LinkFinder> = std::sync::OnceLock::new();
    let finder = FINDER.get_or_init(|| {
        let mut f = LinkFinder::new();
        f.url_must_have_scheme(false).kinds(&[LinkKind::Url]);
        f
    });
    let mut out: Vec<(Range<usize>, String)> = finder
        .links(text)
        .filter_map(|l| {
            let s = l.as_str();
            let href = if s.starts_with("http://") || s.starts_with("https://") {
                s.to_string()
            } else if s.starts_with("www.") {
                format!("http://{s}")
            } else {
                return None;
            };
            Some((l.start()..l.end(), href))
        })
        .collect();
    let emails: Vec<(Range<usize>, String)> = email_autolinks(text)
        .into_iter()
        .filter(|(r, _)| !out.iter().any(|(u, _)| u.start < r.end && r.start < u.end))
        .collect();
    out.extend(emails);
    out.sort_by_key(|(r, _)| r.start);
    out
}

/// GFM's extended e-mail autolinks: `[A-Za-z0-9.+_-]+@label(.label)+` where the last character
/// is not `-` or `_` (a trailing `.` is punctuation), optionally after `mailto:` or `xmpp:`
/// (which may end in a `/resource`).
fn email_autolinks(text: &str) -> Vec<(Range<usize>, String)> {
    let b = text.as_bytes();
    let local = |c: u8| c.is_ascii_alphanumeric() || b".+-_".contains(&c);
    let domain = |c: u8| c.is_ascii_alphanumeric() || b".-_".contains(&c);
    let mut out = Vec::new();
    let mut from = 0;
    for (at, _) in text.match_indices('@') {
        if at < from {
            continue;
        }
        let start = (0..at)
            .rev()
            .take_while(|&i| local(b[i]))
            .last()
            .unwrap_or(at);
        let mut end = (at + 1..b.len())
            .take_while(|&i| domain(b[i]))
            .last()
            .map_or(at + 1, |i| i + 1);
        while end > at + 1 && b[end - 1] == b'.' {
            end -= 1;
        }
        let dom = &text[at + 1..end];
        let valid = start < at
            && dom.contains('.')
            && dom.split('.').all(|l| !l.is_empty())
            && !dom.ends_with(['-', '_']);
        if !valid {
            continue;
        }
        let before = &text[..start];
        let (start, end, href) = if before.ends_with("mailto:") {
            (start - 7, end, format!("mailto:{}", &text[start..end]))
        } else if before.ends_with("xmpp:") {
            let res = b[end..].first().filter(|&&c| c == b'/').map_or(0, |_| {
                1 + b[end + 1..]
                    .iter()
                    .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'@' || c == b'.')
                    .count()
            });
            let mut e = end + res;
            while b[e - 1] == b'.' {
                e -= 1;
            }
            (start - 5, e, format!("xmpp:{}", &text[start..e]))
        } else {
            (start, end, format!("mailto:{}", &text[start..end]))
        };
        from = end;
        out.push((start..end, href));
    }
    out
}

/// A heading being parsed: (index of its placeholder event, level, custom id, classes, text).
type OpenHeading = (usize, HeadingLevel, Option<String>, Vec<String>, String);

struct Parse<'a, 'h> {
    policy: &'h HtmlPolicy,
    /// Relative URL in raw HTML -> its link marker.
    raw_markers: HashMap<String, String>,
    /// Links (Markdown or raw `<a>`) the current text is inside: no autolinks there.
    link_depth: usize,
    path: &'a str,
    h: &'h Highlighter,
    lines: Lines,
    out: ParsedMarkdown,
    events: Vec<Event<'a>>,
    body: &'a str,
    /// Reference definitions: lower-cased label -> byte range of `[label]: dest`.
    refs: HashMap<String, Range<usize>>,
    ids: IdSet,
    /// Open heading: (index of its placeholder in `events`, level, custom id, classes, text).
    heading: Option<OpenHeading>,
    pending_tabs: Vec<code::Tab>,
    tab_groups: usize,
    /// Raw HTML fragments, by marker index.
    raw: Vec<String>,
    /// The open HTML block: offset of its first line and its text, scanned when it ends.
    html_block: Option<(usize, String)>,
    /// The open inline citation, collecting the text it shows.
    citing: Option<Citation>,
}

impl<'a> Parse<'a, '_> {
    /// Handles the event at `i`, returns the index of the next one.
    fn event(&mut self, events: &[(Event<'a>, Range<usize>)], i: usize) -> usize {
        let (event, range) = &events[i];
        if !matches!(event, Event::Start(Tag::CodeBlock(_))) {
            self.flush_tabs();
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => return self.code_block(events, i, kind),
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                self.events.push(Event::Html(CowStr::from("")));
                let classes = classes.iter().map(|c| c.to_string()).collect();
                self.heading = Some((
                    self.events.len() - 1,
                    *level,
                    id.as_ref().map(|s| s.to_string()),
                    classes,
                    String::new(),
                ));
            }
            Event::End(TagEnd::Heading(level)) => {
                self.heading_attr_block();
                self.end_heading(*level)
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.events.push(Event::Html(callout_open(*kind).into()))
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                self.events.push(Event::Html("</div>\n".into()))
            }
            // A task's checkbox is named by its state, which is all it shows.
            Event::TaskListMarker(done) => self.events.push(Event::Html(
                if *done {
                    "<input type=\"checkbox\" disabled checked aria-label=\"Done\"> "
                } else {
                    "<input type=\"checkbox\" disabled aria-label=\"Not done\"> "
                }
                .into(),
            )),
            // Wide tables scroll in their own frame, reachable from the keyboard.
            Event::Start(Tag::Table(_)) => {
                self.events.push(Event::Html(
                    "<div class=\"table-wrap\" tabindex=\"0\" role=\"group\" aria-label=\"Table\">"
                        .into(),
                ));
                self.events.push(event.clone());
            }
            Event::End(TagEnd::Table) => {
                self.events.push(event.clone());
                self.events.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let span = self.dest_span(*link_type, id, dest_url, range);
                // pulldown-cmark writes `mailto:` before an e-mail autolink's address itself.
                let dest = if *link_type == LinkType::Email {
                    dest_url.clone()
                } else {
                    self.record_link(dest_url, range.start, false, true, span)
                };
                self.link_depth += 1;
                self.events.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let has_alt = !matches!(events.get(i + 1), Some((Event::End(TagEnd::Image), _)));
                let span = self.dest_span(*link_type, id, dest_url, range);
                let dest = self.record_link(dest_url, range.start, true, has_alt, span);
                self.link_depth += 1;
                self.events.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Html(html) => self.html_block(html, range.clone()),
            Event::End(TagEnd::Link | TagEnd::Image) => {
                self.link_depth = self.link_depth.saturating_sub(1);
                self.events.push(event.clone());
            }
            Event::InlineHtml(html) => {
                self.cite(html, range.start);
                let tag = html.trim_start().to_ascii_lowercase();
                if tag.starts_with("<a ") || tag.starts_with("<a>") {
                    self.link_depth += 1;
                } else if tag.starts_with("</a") {
                    self.link_depth = self.link_depth.saturating_sub(1);
                }
                self.report_raw(html, range.start);
                self.push_raw(html);
            }
            Event::Start(Tag::HtmlBlock) => self.html_block = Some((range.start, String::new())),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((offset, text)) = self.html_block.take() {
                    self.report_raw(&text, offset);
                }
            }
            Event::Text(t) => {
                if let Some(c) = &mut self.citing {
                    c.shown.push_str(t);
                }
                self.add_text(t);
                self.text_with_autolinks(t, range.start);
            }
            Event::Code(t) => {
                self.add_text(t);
                self.events.push(event.clone());
            }
            Event::InlineMath(tex) => self.math(tex, false, range.start),
            Event::DisplayMath(tex) => self.math(tex, true, range.start),
            Event::SoftBreak | Event::HardBreak => {
                self.add_text(" ");
                self.events.push(event.clone());
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                self.out.text.push(' ');
                self.events.push(event.clone());
            }
            _ => self.events.push(event.clone()),
        }
        i + 1
    }

    /// Pushes a text event, with GFM's extended autolinks made links (outside links only).
    fn text_with_autolinks(&mut self, t: &CowStr<'a>, offset: usize) {
        let found = if self.link_depth == 0 {
            autolinks(t)
        } else {
            Vec::new()
        };
        if found.is_empty() {
            self.events.push(Event::Text(t.clone()));
            return;
        }
        let mut at = 0;
        for (r, href) in found {
            if r.start > at {
                self.events
                    .push(Event::Text(t[at..r.start].to_string().into()));
            }
            let dest = self.record_link(&CowStr::from(href), offset + r.start, false, true, None);
            self.events.push(Event::Start(Tag::Link {
                link_type: LinkType::Autolink,
                dest_url: dest,
                title: "".into(),
                id: "".into(),
            }));
            self.events
                .push(Event::Text(t[r.clone()].to_string().into()));
            self.events.push(Event::End(TagEnd::Link));
            at = r.end;
        }
        if at < t.len() {
            self.events.push(Event::Text(t[at..].to_string().into()));
        }
    }

    /// Takes a trailing `{#id .class}` off the open heading's text and into its attributes.
    fn heading_attr_block(&mut self) {
        let Some(h) = &mut self.heading else { return };
        let Some(Event::Text(last)) = self.events.last() else {
            return;
        };
        let Some((keep, id, classes)) = heading_attrs(last) else {
            return;
        };
        let cut = last.len() - keep;
        let kept = last[..keep].to_string();
        *self.events.last_mut().expect("checked above") = Event::Text(kept.into());
        h.2 = Some(id);
        h.3.extend(classes);
        let text_cut = h.4.len().saturating_sub(cut);
        h.4.truncate(text_cut);
        let out_cut = self.out.text.len().saturating_sub(cut);
        if self.out.text.is_char_boundary(out_cut) {
            self.out.text.truncate(out_cut);
        }
    }

    /// Opens or closes an inline citation of a dated fact (see `Citation`).
    fn cite(&mut self, html: &str, offset: usize) {
        let inner = html
            .trim()
            .strip_prefix("<!--")
            .and_then(|h| h.strip_suffix("-->"));
        let Some(inner) = inner.map(str::trim) else {
            return;
        };
        if inner == "/backlot:version" {
            if let Some(c) = self.citing.take() {
                self.out.citations.push(c);
            }
        } else if let Some(args) = inner.strip_prefix("backlot:version ") {
            let mut words = args.split_whitespace();
            let (line, col) = self.lines.at(offset);
            self.citing = Some(Citation {
                product: words.next().unwrap_or("").to_string(),
                release: words.next().unwrap_or("").to_string(),
                shown: String::new(),
                line,
                col,
            });
        }
    }

    /// Renders math to MathML; TeX that does not parse is reported and shown as its source.
    fn math(&mut self, tex: &str, display: bool, offset: usize) {
        self.add_text(tex);
        let html = match math::render(tex, display) {
            Ok(html) => html,
            Err(message) => {
                let (line, col) = self.lines.at(offset);
                self.out.diagnostics.push(
                    Diagnostic::warning(
                        Code::MathInvalid,
                        self.path,
                        line,
                        col,
                        format!("invalid TeX math: {message}"),
                    )
                    .with_help(
                        "fix the TeX, or escape the dollar sign (`\\$`) if this is not math",
                    ),
                );
                math::fallback(tex, display)
            }
        };
        self.events.push(Event::Html(html.into()));
    }

    fn add_text(&mut self, t: &str) {
        self.out.text.push_str(t);
        if let Some(h) = &mut self.heading {
            h.4.push_str(t);
        }
    }

    fn end_heading(&mut self, level: HeadingLevel) {
        let Some((at, _, custom, classes, text)) = self.heading.take() else {
            return;
        };
        let (base, explicit) = match custom {
            Some(id) => (id, true),
            None => (github_slug(&text), false),
        };
        let id = if sanitize::theme_id(&base) {
            // The theme uses this id: the heading takes the next free one, and links written
            // for GitHub (`#main`) are resolved to it.
            self.ids.reserve(&base);
            let id = self.ids.unique(&base);
            self.out.anchors.push((base, id.clone()));
            id
        } else if explicit {
            base
        } else {
            self.ids.unique(&base)
        };
        let n = level as u8;
        let class = if classes.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", escape_html(&classes.join(" ")))
        };
        let id_attr = escape_html(&id);
        // The anchor link sits after the heading, not inside it, so the heading's accessible
        // name is its text alone.
        self.events[at] =
            Event::Html(format!("<div class=\"heading\"><h{n} id=\"{id_attr}\"{class}>").into());
        let name = escape_html(text.trim());
        self.events.push(Event::Html(format!("</h{n}><a class=\"anchor\" href=\"#{id_attr}\" aria-label=\"Link to this section: {name}\">#</a></div>\n").into()));
        self.out.text.push(' ');
        self.out.headings.push(Heading {
            level: n,
            id,
            text: text.trim().to_string(),
        });
    }

    /// Records an internal link and returns its marker; external links are returned unchanged.
    fn record_link(
        &mut self,
        dest: &CowStr<'a>,
        offset: usize,
        is_image: bool,
        has_alt: bool,
        dest_span: Option<Range<usize>>,
    ) -> CowStr<'a> {
        if is_image && !has_alt {
            let (line, col) = self.lines.at(offset);
            self.out.diagnostics.push(
                Diagnostic::warning(
                    Code::ImageWithoutAlt,
                    self.path,
                    line,
                    col,
                    "image has no alt text",
                )
                .with_help(
                    "describe the image for readers who cannot see it: ![what it shows](path.png)",
                ),
            );
        }
        if let Some(scheme) = sanitize::dangerous_url(dest) {
            let (line, col) = self.lines.at(offset);
            let what = if is_image { "image" } else { "link" };
            self.out.diagnostics.push(
                Diagnostic::warning(
                    Code::UnsafeUrl,
                    self.path,
                    line,
                    col,
                    format!("{what} to a `{scheme}:` URL is not allowed: it was replaced by `#`"),
                )
                .with_help("link to a page, a file of the site or an http(s) address"),
            );
            return CowStr::Borrowed("#");
        }
        let web = ["http://", "https://"].iter().any(|s| {
            dest.get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s))
        });
        if (dest.is_empty() || is_external(dest)) && !web {
            return dest.clone();
        }
        let (line, col) = self.lines.at(offset);
        let link = LinkRef {
            dest: dest.to_string(),
            line,
            col,
            is_image,
            has_alt,
            dest_span,
        };
        if web {
            // Left as written; kept for `check --external`.
            self.out.external.push(link);
            return dest.clone();
        }
        let i = self.out.links.len();
        self.out.links.push(link);
        link_marker(&self.out.marker, i).into()
    }

    /// Where a link's destination is written: in the link itself, or in its reference
    /// definition. The first `](` or `]:` followed by the destination marks it.
    fn dest_span(
        &self,
        link_type: LinkType,
        id: &str,
        dest: &str,
        range: &Range<usize>,
    ) -> Option<Range<usize>> {
        let within = match link_type {
            LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut => {
                self.refs.get(&id.to_lowercase())?.clone()
            }
            _ => range.clone(),
        };
        let src = self.body.get(within.clone())?;
        ["](", "]:"]
            .iter()
            .flat_map(|opener| src.match_indices(opener))
            .find_map(|(i, _)| {
                let rest = src[i + 2..].trim_start();
                let rest = rest.strip_prefix('<').unwrap_or(rest);
                rest.starts_with(dest).then(|| {
                    let start = within.start + src.len() - rest.len();
                    start..start + dest.len()
                })
            })
    }

    fn html_block(&mut self, html: &CowStr<'a>, range: Range<usize>) {
        if html.trim_start().starts_with("<!-- backlot:version") {
            let (line, col) = self.lines.at(range.start);
            self.out.diagnostics.push(
                Diagnostic::warning(
                    Code::CitationAtLineStart,
                    self.path,
                    line,
                    col,
                    "a citation at the start of a line is read as an HTML block, not as a citation",
                )
                .with_help(
                    "move it after a word of the sentence, or join the line to the one before",
                ),
            );
            return self.push_raw(html);
        }
        match parse_shortcode(html) {
            Some((name, args)) => {
                let (line, _) = self.lines.at(range.start);
                let i = self.out.shortcodes.len();
                let text = &self.body[range.clone()];
                let start = range.start + text.find("<!--").unwrap_or(0);
                let end = range.start + text.rfind("-->").map_or(text.len(), |e| e + 3);
                let span = start..end;
                self.out.shortcodes.push(Shortcode {
                    name,
                    args,
                    line,
                    span,
                });
                self.events.push(Event::Html(
                    format!("{}\n", shortcode_marker(&self.out.marker, i)).into(),
                ));
            }
            None => {
                if let Some((_, text)) = &mut self.html_block {
                    text.push_str(html);
                }
                self.push_raw(html);
            }
        }
    }

    fn push_raw(&mut self, html: &str) {
        let marker = raw_marker(&self.out.marker, self.raw.len());
        self.raw.push(html.to_string());
        self.events.push(Event::Html(marker.into()));
    }

    /// Reports what the sanitizer will remove from raw HTML starting at body offset `offset`,
    /// and records the relative URLs it keeps as links (resolved and checked like Markdown's).
    fn report_raw(&mut self, html: &str, offset: usize) {
        let scan = sanitize::scan(html, self.policy);
        for r in scan.removed {
            let (l, c) = self.lines.at(offset + r.offset);
            self.out.diagnostics.push(
                Diagnostic::warning(Code::RawHtmlRemoved, self.path, l, c, r.message).with_help(
                    "raw HTML is limited to safe formatting (kbd, sup, br, details, picture, tables, links, images); write it in Markdown, or allow embeds in site.toml's [html] section (iframe_hosts, video, audio)",
                ),
            );
        }
        for u in scan.urls {
            let is_image = u.tag != "a";
            let marker = self.record_link(
                &CowStr::from(u.url.clone()),
                offset + u.offset,
                is_image,
                true,
                None,
            );
            self.raw_markers
                .entry(u.url)
                .or_insert_with(|| marker.to_string());
        }
    }

    fn code_block(
        &mut self,
        events: &[(Event<'a>, Range<usize>)],
        start: usize,
        kind: &CodeBlockKind,
    ) -> usize {
        let mut code = String::new();
        let mut i = start + 1;
        while let Some((e, _)) = events.get(i) {
            match e {
                Event::Text(t) => code.push_str(t),
                Event::End(TagEnd::CodeBlock) => break,
                _ => {}
            }
            i += 1;
        }
        let info = match kind {
            CodeBlockKind::Fenced(info) => info.to_string(),
            CodeBlockKind::Indented => String::new(),
        };
        let (fence_line, _) = self.lines.at(events[start].1.start);
        let (fi, problems) = code::parse_info(&info);
        for (message, help) in problems {
            self.out.diagnostics.push(code::fence_warning(
                Code::CodeFenceAttribute,
                self.path,
                fence_line,
                message,
                help,
            ));
        }
        let first_code_line = fence_line + usize::from(matches!(kind, CodeBlockKind::Fenced(_)));
        if fi.lang == "mermaid" {
            // Rendered in the browser by the theme's mermaid script, loaded only on pages that
            // have a diagram; without JavaScript the source shows, as it does on GitHub.
            self.flush_tabs();
            self.out.has_diagram = true;
            let source = escape_html(code.trim_end());
            self.events.push(Event::Html(
                format!("<pre class=\"mermaid\">{source}</pre>\n").into(),
            ));
            return i + 1;
        }
        if fi.lang == "math" {
            self.flush_tabs();
            self.math(code.trim_end(), true, events[start].1.start);
            return i + 1;
        }
        let path = self.path;
        let diags = &mut self.out.diagnostics;
        code::check_block(self.h, &fi, &code, &mut |off, m, help| {
            let line = if off == 0 {
                fence_line
            } else {
                first_code_line + off - 1
            };
            diags.push(code::fence_warning(
                Code::CodeBlockNotHighlighted,
                path,
                line,
                m,
                help,
            ));
        });
        let html = code_marker(&self.out.marker, self.out.code_blocks.len());
        self.out.code_fences.push(fi.clone());
        let group = fi.tab.as_ref().map(|_| self.tab_groups);
        self.out.code_blocks.push(CodeBlock {
            lang: fi.lang.clone(),
            code,
            line: first_code_line,
            nocheck: fi.nocheck,
            tab: fi.tab.clone(),
            group,
            contract: fi.contract.clone(),
        });
        match fi.tab {
            Some(label) => self.pending_tabs.push(code::Tab { label, html }),
            None => {
                self.flush_tabs();
                self.events.push(Event::Html(format!("{html}\n").into()));
            }
        }
        i + 1
    }

    fn flush_tabs(&mut self) {
        if self.pending_tabs.is_empty() {
            return;
        }
        let html = code::render_tabs(self.tab_groups, &self.pending_tabs);
        self.events.push(Event::Html(format!("{html}\n").into()));
        self.pending_tabs.clear();
        self.tab_groups += 1;
    }
}

const CALLOUTS: [(BlockQuoteKind, &str, &str); 5] = [
    (BlockQuoteKind::Note, "note", "Note"),
    (BlockQuoteKind::Tip, "tip", "Tip"),
    (BlockQuoteKind::Important, "important", "Important"),
    (BlockQuoteKind::Warning, "warning", "Warning"),
    (BlockQuoteKind::Caution, "caution", "Caution"),
];

fn callout_open(kind: BlockQuoteKind) -> String {
    let (_, class, label) = CALLOUTS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .copied()
        .unwrap_or(CALLOUTS[0]);
    format!("<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\"><span class=\"callout-icon\" aria-hidden=\"true\"></span>{label}</p>\n")
}

/// `<!-- backlot:data-table source="languages" -->` -> ("data-table", {source: languages}).
pub(crate) fn parse_shortcode(html: &str) -> Option<(String, BTreeMap<String, String>)> {
    let inner = html
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    let rest = inner.strip_prefix("backlot:")?;
    let (name, mut args_text) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let mut args = BTreeMap::new();
    loop {
        args_text = args_text.trim_start();
        let Some((key, after)) = args_text.split_once("=\"") else {
            break;
        };
        let (value, after) = after.split_once('"')?;
        args.insert(key.trim().to_string(), value.to_string());
        args_text = after;
    }
    Some((name.to_string(), args))
}

/// Nests h2 and h3 headings into a table of contents.
pub(crate) fn toc(headings: &[Heading]) -> Vec<TocEntry<'_>> {
    let mut toc: Vec<TocEntry> = Vec::new();
    for h in headings.iter().filter(|h| (2..=3).contains(&h.level)) {
        let entry = TocEntry {
            level: h.level,
            id: &h.id,
            title: &h.text,
            children: Vec::new(),
        };
        match toc.last_mut() {
            Some(parent) if h.level > parent.level => parent.children.push(entry),
            _ => toc.push(entry),
        }
    }
    toc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;

    fn md(body: &str) -> ParsedMarkdown {
        parse(
            "t.md",
            body,
            1,
            &Highlighter::new(&config::Highlight::default()),
        )
    }

    #[test]
    fn a_packed_page_reads_back_as_parsed() {
        let plain = md("# T\n\nSome *prose*, é.\n\n```python\nprint(1)\n```\n\n```\nplain\n```\n");
        let mut packed = plain.clone();
        packed.pack(None);
        assert!(packed.packed.is_some() && packed.html.is_empty() && packed.text.is_empty());
        assert_eq!(packed.text_len(), plain.text.len());
        assert!(packed.code_blocks.iter().all(|b| b.code.is_empty()));
        assert_eq!(packed.html(), plain.html.as_str());
        assert_eq!(packed.body(), plain.body.as_str());
        assert_eq!(packed.text(), plain.text.as_str());
        assert_eq!(packed.code(1), "plain\n");
        assert_eq!(packed.html_and_code(), plain.html_and_code());
        packed.unpack();
        assert!(packed.packed.is_none() && packed.packed_text.is_none());
        assert_eq!(
            (packed.html, packed.body, packed.text),
            (plain.html, plain.body, plain.text)
        );
        let code = |m: &[CodeBlock]| m.iter().map(|b| b.code.clone()).collect::<Vec<_>>();
        assert_eq!(code(&packed.code_blocks), code(&plain.code_blocks));
    }

    #[test]
    fn heading_ids_follow_github() {
        let p = md("## Intro\n\n## Intro\n\n## Custom {#mine}\n\n### Sub & more\n");
        let ids: Vec<&str> = p.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["intro", "intro-1", "mine", "sub--more"]);
        let toc = toc(&p.headings);
        assert_eq!(toc.len(), 3);
        assert_eq!(toc[2].children[0].id, "sub--more");
    }

    #[test]
    fn links_become_markers_with_lines() {
        let p = md("text\n\nsee [a](other.md#x) and [b](https://example.com)\n");
        assert_eq!(p.links.len(), 1);
        assert_eq!((p.links[0].line, p.links[0].col), (3, 5));
        assert!(p.html.contains(&link_marker(&p.marker, 0)));
        assert!(p.html.contains("https://example.com"));
        let filled = fill_markers(&p.html, &p.marker, |_, _| "/x/".into());
        assert!(filled.contains("href=\"/x/\""));
    }

    #[test]
    fn callouts_and_tabs() {
        let p = md("> [!WARNING]\n> careful\n\n```js tab=\"Node.js\"\nlet a = 1;\n```\n\n```python tab=\"Python\"\na = 1\n```\n\ntext\n\n```go\nx\n```\n");
        assert!(p.html.contains("callout-warning"));
        assert_eq!(p.html.matches("class=\"tabs\"").count(), 1);
        assert_eq!(p.code_blocks[0].group, Some(0));
        assert_eq!(p.code_blocks[1].group, Some(0));
        assert_eq!(p.code_blocks[2].group, None);
        assert_eq!(p.code_blocks[1].line, 9);
    }

    #[test]
    fn shortcodes_parse() {
        let (n, a) =
            parse_shortcode("<!-- backlot:data-table source=\"languages\" rows=\"Go\" -->\n")
                .unwrap();
        assert_eq!(n, "data-table");
        assert_eq!(a["source"], "languages");
        assert_eq!(a["rows"], "Go");
    }

    #[test]
    fn raw_html_is_sanitized_in_context() {
        let p = md("Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, x<sup>2</sup><br>\n\n<details>\n<summary>More</summary>\n\nHidden *text*.\n\n</details>\n\nA <b>bold\n\nnext\n");
        assert!(
            p.html
                .contains("<p>Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, x<sup>2</sup><br></p>"),
            "{}",
            p.html
        );
        assert!(
            p.html.contains(
                "<details>\n<summary>More</summary>\n\n<p>Hidden <em>text</em>.</p>\n</details>"
            ),
            "{}",
            p.html
        );
        assert!(
            p.html.contains("<p>A <b>bold</b></p>\n<p>next</p>"),
            "{}",
            p.html
        );
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    }

    #[test]
    fn dangerous_raw_html_is_removed_and_reported() {
        let p = md("ok\n\n<script>alert(1)</script>\n\ntext <img src=x onerror=alert(2)> and <a href=\"javascript:alert(3)\">a</a>\n\n<iframe src=\"https://e.x\"></iframe>\n");
        for bad in ["<script", "alert", "onerror", "javascript", "iframe"] {
            assert!(!p.html.contains(bad), "{bad} in {}", p.html);
        }
        let lines: Vec<(usize, usize)> = p.diagnostics.iter().map(|d| (d.line, d.col)).collect();
        assert_eq!(
            lines,
            [(3, 1), (5, 17), (5, 42), (7, 1)],
            "{:?}",
            p.diagnostics
        );
    }

    #[test]
    fn dangerous_link_targets_are_neutralised() {
        let p = md("[a](javascript:alert(1)) [b](JAVA&#x09;SCRIPT:x) ![c](data:image/png;base64,AA) <vbscript:x> [ok](https://x.y)\n");
        assert_eq!(p.diagnostics.len(), 4, "{:?}", p.diagnostics);
        assert_eq!(p.html.matches("=\"#\"").count(), 4, "{}", p.html);
        assert!(p.html.contains("https://x.y"));
    }

    #[test]
    fn shortcodes_survive_sanitizing() {
        let p = md("<b>x</b>\n\n<!-- backlot:data-table source=\"x\" -->\n\n<!-- a comment -->\n");
        assert_eq!(p.shortcodes.len(), 1);
        assert!(
            p.html.contains(&shortcode_marker(&p.marker, 0)),
            "{}",
            p.html
        );
        assert!(!p.html.contains("a comment"));
    }

    #[test]
    fn external_detection() {
        assert!(is_external("https://x.y"));
        assert!(is_external("mailto:a@b"));
        assert!(!is_external("../a.md"));
        assert!(!is_external("a.md#x:y"));
    }

    #[test]
    fn heading_attribute_blocks_only_id_and_classes() {
        let p = md(
            "## Using {foo}\n\n## Custom {#mine .wide}\n\n## Set {a=b}\n\n## Main\n\n## Tab 0 1\n\n## Mine {#sidebar}\n",
        );
        let ids: Vec<(&str, &str)> = p
            .headings
            .iter()
            .map(|h| (h.id.as_str(), h.text.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                ("using-foo", "Using {foo}"),
                ("mine", "Custom"),
                ("set-ab", "Set {a=b}"),
                ("main-1", "Main"),
                ("tab-0-1-1", "Tab 0 1"),
                ("sidebar-1", "Mine"),
            ]
        );
        assert!(
            p.html
                .contains("<h2 id=\"mine\" class=\"wide\">Custom</h2>"),
            "{}",
            p.html
        );
        assert!(p.html.contains(">Using {foo}</h2>"), "{}", p.html);
        assert!(p.anchors.contains(&("main".into(), "main-1".into())));
    }

    #[test]
    fn gfm_autolinks_outside_links_and_code() {
        let p = md("See https://example.com/a_b_c, www.example.org and team@example.com.\n\n`https://no.link` [https://x.y](https://x.y) <https://auto.link> <me@example.com>\n");
        for want in [
            "<a href=\"https://example.com/a_b_c\">https://example.com/a_b_c</a>,",
            "<a href=\"http://www.example.org\">www.example.org</a>",
            "<a href=\"mailto:team@example.com\">team@example.com</a>.",
            "<code>https://no.link</code>",
            "<a href=\"https://x.y\">https://x.y</a>",
            "<a href=\"mailto:me@example.com\">me@example.com</a>",
        ] {
            assert!(p.html.contains(want), "{want} in {}", p.html);
        }
        assert!(p.links.is_empty(), "{:?}", p.links);
    }

    #[test]
    fn raw_html_urls_become_links_and_ids_anchors() {
        let p = md("<p align=\"center\" dir=\"rtl\"><img src=\"fig.png\" width=\"300\" srcset=\"fig.png 1x, fig@2x.png 2x\" alt=\"f\"></p>\n\nText <a id=\"Here\"></a><a name=\"old\"></a><span id=\"main\">s</span> <a href=\"other.md#x\">o</a> <a href=\"https://e.x\">e</a>\n");
        let dests: Vec<&str> = p.links.iter().map(|l| l.dest.as_str()).collect();
        assert_eq!(dests, ["fig.png", "fig.png", "fig@2x.png", "other.md#x"]);
        assert_eq!(p.links[0].line, 1);
        assert_eq!(p.links[3].line, 3);
        assert!(p.links[0].is_image && !p.links[3].is_image);
        let m = |i| link_marker(&p.marker, i);
        for want in [
            format!("src=\"{}\"", m(0)),
            format!("srcset=\"{} 1x, {} 2x\"", m(0), m(2)),
            format!("href=\"{}\"", m(3)),
            "align=\"center\" dir=\"rtl\"".into(),
            "width=\"300\"".into(),
            "id=\"user-content-main\"".into(),
            "name=\"old\"".into(),
            "href=\"https://e.x\"".into(),
        ] {
            assert!(p.html.contains(&want), "{want} in {}", p.html);
        }
        let anchors: Vec<(&str, &str)> = p
            .anchors
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(
            anchors,
            [
                ("Here", "Here"),
                ("old", "old"),
                ("main", "user-content-main")
            ]
        );
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    }

    #[test]
    fn report_and_sanitizer_agree_on_tricky_html() {
        let p = md("<!--><img src=x onerror=alert(1)>-->\n\n<img src=\"a.png\" srcset=\"javascript:x 1x\" alt=\"a\">\n\n<input type=\"text\"> <input type=\"checkbox\" checked disabled>\n");
        let msgs: Vec<&str> = p.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(msgs[0].contains("onerror"), "{msgs:?}");
        assert!(msgs[1].contains("srcset"), "{msgs:?}");
        assert!(msgs[2].contains("input type"), "{msgs:?}");
        assert!(
            !p.html.contains("onerror") && !p.html.contains("javascript"),
            "{}",
            p.html
        );
        assert!(
            p.html
                .contains("<input type=\"checkbox\" checked=\"\" disabled=\"\">"),
            "{}",
            p.html
        );
        for d in &p.diagnostics {
            assert!(!d.help.as_deref().unwrap_or("").contains("maintainer"));
        }
    }

    #[test]
    fn embeds_are_opt_in() {
        let body = "<iframe src=\"https://www.youtube-nocookie.com/embed/x\" width=\"560\"></iframe>\n\n<iframe src=\"https://evil.example/x\"></iframe>\n\n<video src=\"clip.mp4\" poster=\"p.png\" controls></video>\n";
        let h = Highlighter::new(&config::Highlight::default());
        let off = parse("t.md", body, 1, &h);
        assert!(
            !off.html.contains("<iframe") && !off.html.contains("<video"),
            "{}",
            off.html
        );
        assert_eq!(off.diagnostics.len(), 3, "{:?}", off.diagnostics);
        let policy = config::Html {
            iframe_hosts: vec!["www.youtube-nocookie.com".into()],
            video: true,
            audio: false,
        };
        let on = parse_with("t.md", body, 1, &h, &policy);
        assert!(
            on.html.contains(
                "<iframe src=\"https://www.youtube-nocookie.com/embed/x\" width=\"560\">"
            ),
            "{}",
            on.html
        );
        assert!(on.html.contains("<iframe></iframe>"), "{}", on.html);
        assert!(
            on.html.contains(&format!(
                "<video src=\"{}\" poster=\"{}\" controls=\"\">",
                link_marker(&on.marker, 0),
                link_marker(&on.marker, 1)
            )),
            "{}",
            on.html
        );
        let msgs: Vec<&str> = on.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("evil.example"), "{msgs:?}");
    }
}
