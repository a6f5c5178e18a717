//! Syntax highlighting with syntect over two-face's extended syntax set (bat's grammars).
//!
//! Output uses CSS classes (`hl-keyword` ...), never inline styles, so one stylesheet holds a
//! light and a dark theme. The syntax set loads once, lazily; highlighted blocks are cached by
//! (syntax, code) so a block is highlighted once per build and once across `serve` rebuilds.
//! Spans no theme's stylesheet selects are left out as they are written (`SpanWriter`, one pass
//! per line); the dark theme applies on screens only, so pages print in the light one. With
//! `--cache`, blocks also go through the on-disk cache (`crate::cache`).
//! Growth is bounded: spans nest at most `MAX_SPAN_DEPTH` deep, and a block whose HTML would
//! exceed `MAX_GROWTH` times its size is shown as plain text.

mod grammar;
mod line_parser;

use crate::config;
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use syntect::highlighting::Theme;
use syntect::html::ClassStyle;
use syntect::parsing::{
    BasicScopeStackOp, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet,
};
use syntect::util::LinesWithEndings;

pub(crate) const CLASS_PREFIX: &str = "hl-";
const STYLE: ClassStyle = ClassStyle::SpacedPrefixed {
    prefix: CLASS_PREFIX,
};

/// Names authors commonly write on fences, mapped to a token syntect knows.
const ALIASES: &[(&str, &str)] = &[
    ("js", "js"),
    ("javascript", "js"),
    ("mjs", "js"),
    ("cjs", "js"),
    ("node", "js"),
    ("jsx", "js"),
    ("ts", "ts"),
    ("typescript", "ts"),
    ("tsx", "tsx"),
    ("py", "py"),
    ("python", "py"),
    ("python3", "py"),
    ("sh", "bash"),
    ("bash", "bash"),
    ("shell", "bash"),
    ("zsh", "bash"),
    ("console", "bash"),
    ("shell-session", "bash"),
    ("yml", "yaml"),
    ("yaml", "yaml"),
    ("cs", "cs"),
    ("csharp", "cs"),
    ("c#", "cs"),
    ("go", "go"),
    ("golang", "go"),
    ("rs", "rs"),
    ("rust", "rs"),
    ("kotlin", "kt"),
    ("kt", "kt"),
    ("java", "java"),
    ("dockerfile", "Dockerfile"),
    ("docker", "Dockerfile"),
    ("containerfile", "Dockerfile"),
    ("nginx", "nginx.conf"),
    ("graphql", "graphql"),
    ("gql", "graphql"),
    ("protobuf", "proto"),
    ("proto", "proto"),
    ("jinja", "jinja"),
    ("jinja2", "jinja"),
    ("django", "jinja"),
    ("j2", "jinja"),
    ("http", "http"),
    ("text", "txt"),
    ("txt", "txt"),
    ("plain", "txt"),
    ("plaintext", "txt"),
    ("ruby", "rb"),
    ("rb", "rb"),
    ("php", "php"),
    ("sql", "sql"),
    ("postgresql", "sql"),
    ("psql", "sql"),
    ("json", "json"),
    ("toml", "toml"),
    ("ini", "ini"),
    ("env", ".env"),
    ("dotenv", ".env"),
    ("diff", "diff"),
    ("patch", "diff"),
    ("xml", "xml"),
    ("html", "html"),
    ("css", "css"),
    ("c", "c"),
    ("cpp", "cpp"),
    ("c++", "cpp"),
    ("markdown", "md"),
    ("md", "md"),
    ("scala", "scala"),
    ("swift", "swift"),
    ("elixir", "ex"),
];

/// The most highlighted HTML the cache holds; later blocks are highlighted but not kept.
const CACHE_BUDGET_BYTES: usize = 16 << 20;

/// The deepest scope that gets a `<span>` of its own. Every line reopens the spans of the
/// scopes still open, so without a cap a block nested N deep costs N spans per line (a page
/// of `[[[[…` grew ~77x into HTML). Deeper tokens take the colour of their deepest emitted
/// ancestor. Real grammars on real code stay below (the Field Guide peaks at 17, in PHP).
const MAX_SPAN_DEPTH: usize = 32;

/// Highlighted HTML may be this many times the code's size (plus `SLACK_BYTES`) before the
/// block is shown as plain text instead: even 32 spans reopened on every line of a block of
/// one-character lines is hundreds of times its size. Real code stays under ~45x.
const MAX_GROWTH: usize = 64;
const SLACK_BYTES: usize = 64 << 10;

pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
    /// The syntax set's grammars as `line_parser` drives them.
    grammars: OnceLock<grammar::Grammars>,
    cache: Mutex<HashMap<u64, Arc<[String]>>>,
    /// Bytes of HTML offered to the cache so far (see `CACHE_BUDGET_BYTES`).
    cache_bytes: AtomicUsize,
    busy_nanos: std::sync::atomic::AtomicU64,
    blocks: std::sync::atomic::AtomicU64,
    cache_enabled: bool,
    pub(crate) settings: config::Highlight,
    /// The class sets the two themes' stylesheets select on (see `lighten`); `None` when a
    /// theme is unknown, and then every span is kept.
    styled: OnceLock<Option<Vec<Vec<String>>>>,
    /// The on-disk cache of highlighted blocks, when the run has one (`--cache`).
    disk: OnceLock<crate::cache::BlockCache>,
    /// `find`'s answers: fence language -> index of its syntax in `syntaxes`.
    found: Mutex<FxHashMap<String, Option<usize>>>,
    /// The stylesheet, made once: the preview keeps the highlighter from save to save.
    css: OnceLock<Result<String, String>>,
}

impl Highlighter {
    pub fn new(settings: &config::Highlight) -> Self {
        Highlighter {
            syntaxes: OnceLock::new(),
            grammars: OnceLock::new(),
            cache: Mutex::new(HashMap::new()),
            cache_bytes: AtomicUsize::new(0),
            busy_nanos: Default::default(),
            blocks: Default::default(),
            cache_enabled: crate::profile::get().highlight_cache,
            settings: settings.clone(),
            styled: OnceLock::new(),
            disk: OnceLock::new(),
            found: Mutex::default(),
            css: OnceLock::new(),
        }
    }

    /// Reads and keeps highlighted blocks in the on-disk cache in `dir` for this run.
    pub(crate) fn use_disk_cache(&self, dir: &std::path::Path) {
        let id = format!(
            "{} highlight {} {}",
            env!("BACKLOT_CACHE_ID"),
            self.settings.light_theme,
            self.settings.dark_theme
        );
        let _ = self.disk.set(crate::cache::BlockCache::open(dir, &id));
    }

    /// Saves the on-disk cache, if the run has one; the note says what it reused.
    /// `keep_unused`: blocks this run did not highlight stay cached, as pages copied from the
    /// page cache (`page_cache`) still hold them and will need them when next rendered.
    pub(crate) fn save_disk_cache(&self, keep_unused: bool) -> Option<String> {
        self.disk.get().map(|c| c.finish(keep_unused))
    }

    /// Drops every cached block: a build calls it once all pages are rendered, so the cache's
    /// memory is free again for the search index (the build's peak).
    pub(crate) fn release_cache(&self) {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        *cache = HashMap::new();
        self.cache_bytes.store(0, Ordering::Relaxed);
    }

    pub fn syntaxes(&self) -> &SyntaxSet {
        self.syntaxes.get_or_init(two_face::syntax::extra_newlines)
    }

    fn grammars(&self) -> &grammar::Grammars {
        self.grammars
            .get_or_init(|| grammar::Grammars::new(self.syntaxes()))
    }

    /// The syntax for a fence's language name; `None` if unknown. Remembered by name: syntect
    /// looks a name up by comparing it with every grammar's extensions and name, for each
    /// code block.
    pub fn find(&self, lang: &str) -> Option<&SyntaxReference> {
        if let Some(found) = self.found.lock().unwrap().get(lang) {
            return found.map(|i| &self.syntaxes().syntaxes()[i]);
        }
        let found = self.find_uncached(lang);
        let index = found.map(|f| {
            let all = self.syntaxes().syntaxes();
            all.iter()
                .position(|s| std::ptr::eq(s, f))
                .expect("one of the set's syntaxes")
        });
        self.found.lock().unwrap().insert(lang.to_string(), index);
        found
    }

    fn find_uncached(&self, lang: &str) -> Option<&SyntaxReference> {
        let lower = lang.to_ascii_lowercase();
        let token = ALIASES
            .iter()
            .find(|(a, _)| *a == lower)
            .map_or(lower.as_str(), |(_, t)| t);
        let ss = self.syntaxes();
        if token == "http" {
            return ss.find_syntax_by_name("HTTP Request and Response");
        }
        ss.find_syntax_by_token(token)
            .or_else(|| ss.find_syntax_by_name(lang))
    }

    /// Names to suggest for an unknown language.
    pub(crate) fn suggestions(&self, lang: &str) -> Vec<&'static str> {
        let lower = lang.to_ascii_lowercase();
        let mut scored: Vec<(f64, &'static str)> = ALIASES
            .iter()
            .map(|(a, _)| (strsim::jaro_winkler(&lower, a), *a))
            .filter(|(s, _)| *s > 0.75)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        scored.into_iter().map(|(_, a)| a).take(3).collect()
    }

    /// One HTML string per line of `code` (no trailing newline inside), spans balanced per line
    /// so lines can be wrapped for numbering and highlighting.
    pub(crate) fn highlight(&self, syntax: &SyntaxReference, code: &str) -> Arc<[String]> {
        if !self.cache_enabled {
            return self.highlight_stored(syntax, code).into();
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&syntax.name, code).hash(&mut h);
        let key = h.finish();
        if let Some(hit) = self.cache.lock().unwrap().get(&key) {
            return hit.clone();
        }
        let lines: Arc<[String]> = self.highlight_stored(syntax, code).into();
        // Bounded: on real content most blocks are distinct, and an unbounded cache would hold
        // the highlighted HTML of the whole site (as much memory as not streaming at all).
        let size: usize = lines.iter().map(|l| l.capacity() + 32).sum();
        if self.cache_bytes.fetch_add(size, Ordering::Relaxed) + size <= CACHE_BUDGET_BYTES {
            self.cache.lock().unwrap().insert(key, lines.clone());
        }
        lines
    }

    /// From the on-disk cache when the run has one and it holds the block.
    fn highlight_stored(&self, syntax: &SyntaxReference, code: &str) -> Vec<String> {
        let Some(disk) = self.disk.get() else {
            return self.highlight_uncached(syntax, code);
        };
        let key = crate::cache::key(&syntax.name, code);
        if let Some(lines) = disk.get(key) {
            return lines;
        }
        let lines = self.highlight_uncached(syntax, code);
        disk.put(key, &lines);
        lines
    }

    fn highlight_uncached(&self, syntax: &SyntaxReference, code: &str) -> Vec<String> {
        let started = std::time::Instant::now();
        let lines = self.highlight_lines(syntax, code);
        let nanos = started.elapsed().as_nanos() as u64;
        self.busy_nanos.fetch_add(nanos, Ordering::Relaxed);
        self.blocks.fetch_add(1, Ordering::Relaxed);
        lines
    }

    /// Time spent highlighting so far (summed over threads) and the number of blocks
    /// highlighted (cache hits excluded), for `BACKLOT_TIMINGS`.
    pub(crate) fn busy(&self) -> (std::time::Duration, u64) {
        (
            std::time::Duration::from_nanos(self.busy_nanos.load(Ordering::Relaxed)),
            self.blocks.load(Ordering::Relaxed),
        )
    }

    fn highlight_lines(&self, syntax: &SyntaxReference, code: &str) -> Vec<String> {
        let ss = self.syntaxes();
        let styled = self.styled();
        let mut parser = line_parser::Lines::new(self.grammars(), ss, syntax);
        let mut ops = Vec::new();
        let mut stack = ScopeStack::new();
        let mut out = Vec::new();
        let budget = code.len() * MAX_GROWTH + SLACK_BYTES;
        let mut total = 0;
        SPANS.with(|table| {
            let mut table = table.borrow_mut();
            let mut w = SpanWriter::new(&mut table, styled);
            for line in LinesWithEndings::from(code) {
                w.start_line(line.len() * 2);
                for scope in stack.as_slice().iter().take(MAX_SPAN_DEPTH) {
                    w.open(*scope);
                }
                let text = line.trim_end_matches('\n');
                let parsed = parser
                    .parse_line(line, &mut ops)
                    .ok()
                    .and_then(|()| classed_spans(text, &clip(&ops, line), &mut stack, &mut w).ok());
                if parsed.is_none() {
                    // A grammar error: show the rest of the block as plain text.
                    return plain_lines(code);
                }
                for _ in 0..stack.len().min(MAX_SPAN_DEPTH) {
                    w.close();
                }
                let html = w.take_line();
                total += html.len();
                if total > budget {
                    return plain_lines(code);
                }
                out.push(html);
            }
            out
        })
    }

    /// The class sets the themes' stylesheets select on, computed once per highlighter.
    fn styled(&self) -> Styled<'_> {
        let sets = self
            .styled
            .get_or_init(|| self.css().ok().map(|c| selected(&c)));
        Styled {
            sets: sets.as_deref(),
            themes: themes_key(&self.settings),
        }
    }

    /// The stylesheet: the light theme by default, the dark one under `prefers-color-scheme`
    /// unless the page says `data-theme="light"`, and under `data-theme="dark"`.
    pub(crate) fn css(&self) -> Result<String, String> {
        self.css.get_or_init(|| self.make_css()).clone()
    }

    fn make_css(&self) -> Result<String, String> {
        let themes = two_face::theme::extra();
        let find = |name: &str| -> Result<&Theme, String> {
            two_face::theme::EmbeddedLazyThemeSet::theme_names()
                .iter()
                .find(|n| n.as_name().eq_ignore_ascii_case(name))
                .map(|n| themes.get(*n))
                .ok_or_else(|| {
                    let names: Vec<&str> = two_face::theme::EmbeddedLazyThemeSet::theme_names()
                        .iter()
                        .map(|n| n.as_name())
                        .collect();
                    let best = crate::diag::closest(name, names.iter().copied());
                    format!(
                        "unknown highlight theme `{name}`{}",
                        best.map(|b| format!(" (did you mean `{b}`?)"))
                            .unwrap_or_default()
                    )
                })
        };
        let light = theme_css(find(&self.settings.light_theme)?)?;
        let dark = theme_css(find(&self.settings.dark_theme)?)?;
        let mut css =
            String::from("/* generated by backlot from the highlight themes in site.toml */\n");
        css.push_str(&scope_css(&light, ""));
        // Dark on screens only: a page prints in the light colours whatever the reader chose.
        css.push_str("@media screen and (prefers-color-scheme: dark) {\n");
        css.push_str(&scope_css(&dark, ":root:not([data-theme=\"light\"]) "));
        css.push_str("}\n@media screen {\n");
        css.push_str(&scope_css(&dark, ":root[data-theme=\"dark\"] "));
        css.push_str("}\n");
        Ok(css)
    }
}

/// Moves operations past the end of the line without its newline (the newline is not output)
/// back to its end; most lines have none, and are not copied.
fn clip<'a>(
    ops: &'a [(usize, syntect::parsing::ScopeStackOp)],
    line: &str,
) -> std::borrow::Cow<'a, [(usize, syntect::parsing::ScopeStackOp)]> {
    let len = line.trim_end_matches('\n').len();
    if ops.iter().all(|(i, _)| *i <= len) {
        return std::borrow::Cow::Borrowed(ops);
    }
    ops.iter()
        .map(|(i, op)| ((*i).min(len), op.clone()))
        .collect()
}

/// One line's tokens as `<span class="…">` elements written by `w`, as syntect's
/// `line_tokens_to_classed_spans` writes them (same classes, same escaping, empty spans
/// dropped) except that scopes deeper than `MAX_SPAN_DEPTH` get no span.
fn classed_spans(
    line: &str,
    ops: &[(usize, ScopeStackOp)],
    stack: &mut ScopeStack,
    w: &mut SpanWriter,
) -> Result<(), syntect::parsing::ScopeError> {
    let mut done = 0;
    // The last span opened has nothing written inside it yet.
    let mut fresh = false;
    for (i, op) in ops {
        if *i > done {
            fresh = false;
            w.text(&line[done..*i]);
            done = *i;
        }
        stack.apply_with_hook(op, |basic, now| match basic {
            BasicScopeStackOp::Push(scope) if now.len() <= MAX_SPAN_DEPTH => {
                fresh = true;
                w.open(scope);
            }
            BasicScopeStackOp::Pop if now.len() < MAX_SPAN_DEPTH => {
                if std::mem::take(&mut fresh) {
                    w.unopen();
                } else {
                    w.close();
                }
            }
            _ => {}
        })?;
    }
    w.text(&line[done..]);
    Ok(())
}

/// Lines of escaped text, for blocks that are not highlighted.
pub(crate) fn plain_lines(code: &str) -> Vec<String> {
    code.lines().map(escape_html).collect()
}

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// `escape_html` appended to `out`, copying the runs between special characters whole.
fn escape_into(out: &mut String, s: &str) {
    let mut done = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[done..i]);
        out.push_str(entity);
        done = i + 1;
    }
    out.push_str(&s[done..]);
}

/// The class sets the themes' stylesheets select on (`None`: a theme is unknown, keep every
/// span), and a key naming the pair of themes they came from.
#[derive(Clone, Copy)]
struct Styled<'a> {
    sets: Option<&'a [Vec<String>]>,
    themes: u64,
}

fn themes_key(settings: &config::Highlight) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    (&settings.light_theme, &settings.dark_theme).hash(&mut h);
    h.finish()
}

/// A scope's opening tag, or `None` when no theme colours it (the span is left out).
type SpanTable = FxHashMap<(u64, Scope), Option<Box<str>>>;

thread_local! {
    /// Per thread, so the hot path takes no lock; keyed by the themes too, so highlighters
    /// with other themes (tests, `serve` after a config edit) never share a decision.
    static SPANS: std::cell::RefCell<SpanTable> = Default::default();
}

/// An open span: its scope, whether it was written, where it started, and whether opening it
/// joined it to the span just closed (by taking that span's `</span>` back out).
struct Open {
    scope: Scope,
    kept: bool,
    start: usize,
    joined: bool,
}

/// Writes a line's spans in one pass with fewer spans and the same colours: a span none of
/// whose class sets is selected by either theme's stylesheet (as the subject or as an
/// ancestor) cannot change how anything looks, so it is left out; a span closed and reopened
/// with the same classes is joined. syntect wraps every line in spans for scopes like
/// `source.shell.bash` that no theme colours, which made highlighting most of a page's bytes.
struct SpanWriter<'t> {
    table: &'t mut SpanTable,
    styled: Styled<'t>,
    html: String,
    open: Vec<Open>,
    /// The last kept span closed on this line, and where its `</span>` starts.
    closed: Option<(Scope, usize)>,
}

impl<'t> SpanWriter<'t> {
    fn new(table: &'t mut SpanTable, styled: Styled<'t>) -> Self {
        SpanWriter {
            table,
            styled,
            html: String::new(),
            open: Vec::new(),
            closed: None,
        }
    }

    fn start_line(&mut self, capacity: usize) {
        self.html = String::with_capacity(capacity);
        self.open.clear();
        self.closed = None;
    }

    fn take_line(&mut self) -> String {
        std::mem::take(&mut self.html)
    }

    fn text(&mut self, text: &str) {
        escape_into(&mut self.html, text);
    }

    fn open(&mut self, scope: Scope) {
        let styled = self.styled;
        let tag = self
            .table
            .entry((styled.themes, scope))
            .or_insert_with(|| open_tag(scope, styled.sets));
        let start = self.html.len();
        let (kept, mut joined) = (tag.is_some(), false);
        match (tag, self.closed) {
            (Some(_), Some((c, at))) if styled.sets.is_some() && c == scope && start == at + 7 => {
                self.html.truncate(at);
                joined = true;
            }
            (Some(tag), _) => self.html.push_str(tag),
            (None, _) => {}
        }
        self.open.push(Open {
            scope,
            kept,
            start,
            joined,
        });
    }

    fn close(&mut self) {
        if let Some(Open {
            kept: true, scope, ..
        }) = self.open.pop()
        {
            self.closed = Some((scope, self.html.len()));
            self.html.push_str("</span>");
        }
    }

    /// Takes back the span just opened, with nothing written inside it (an empty span).
    fn unopen(&mut self) {
        if let Some(o) = self.open.pop() {
            if o.joined {
                self.html.push_str("</span>");
            } else {
                self.html.truncate(o.start);
            }
        }
    }
}

/// `<span class="hl-a hl-b">` for scope `a.b`, or `None` when `styled` selects none of it.
fn open_tag(scope: Scope, styled: Option<&[Vec<String>]>) -> Option<Box<str>> {
    let classes = scope
        .build_string()
        .split('.')
        .map(|a| format!("{CLASS_PREFIX}{a}"))
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(sets) = styled {
        let have: Vec<&str> = classes.split(' ').collect();
        if !sets
            .iter()
            .any(|set| set.iter().all(|c| have.contains(&c.as_str())))
        {
            return None;
        }
    }
    Some(format!("<span class=\"{classes}\">").into_boxed_str())
}

fn theme_css(theme: &Theme) -> Result<String, String> {
    syntect::html::css_for_theme_with_class_style(theme, STYLE).map_err(|e| e.to_string())
}

/// Puts `prefix` before every selector of syntect's generated CSS.
fn scope_css(css: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(css.len() + 1024);
    let mut in_comment = false;
    for line in css.lines() {
        let t = line.trim_start();
        if in_comment || t.starts_with("/*") {
            in_comment = !t.contains("*/");
            continue;
        }
        if t.starts_with('.') && t.ends_with('{') {
            let selectors: Vec<String> = t
                .trim_end_matches('{')
                .split(',')
                .map(|s| format!("{prefix}{}", s.trim()))
                .collect();
            out.push_str(&selectors.join(", "));
            out.push_str(" {\n");
        } else if !t.is_empty() {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The class sets a stylesheet's selectors are made of: `.a.b .c` gives `[a, b]` and `[c]`.
fn selected(css: &str) -> Vec<Vec<String>> {
    let mut sets: Vec<Vec<String>> = css
        .lines()
        .map(str::trim)
        .filter(|l| l.ends_with('{') && l.contains(".hl-"))
        .flat_map(|l| l.trim_end_matches('{').split([',', ' ', '>']))
        .map(|compound| {
            compound
                .split('.')
                .filter(|c| c.starts_with(CLASS_PREFIX))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|set| !set.is_empty())
        .collect();
    sets.sort();
    sets.dedup();
    sets
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h() -> Highlighter {
        Highlighter::new(&config::Highlight::default())
    }

    /// The highlighting before spans were lightened while written (commit bee12a4): syntect's
    /// spans first, then a second pass over the line's HTML. Kept as the oracle that the
    /// one-pass writer must match byte for byte.
    mod two_pass {
        use super::super::*;
        use syntect::parsing::ParseState;

        pub(crate) fn highlight(
            h: &Highlighter,
            syntax: &SyntaxReference,
            code: &str,
        ) -> Vec<String> {
            let ss = h.syntaxes();
            let mut state = ParseState::new(syntax);
            let mut stack = ScopeStack::new();
            let mut out = Vec::new();
            let budget = code.len() * MAX_GROWTH + SLACK_BYTES;
            let mut total = 0;
            for line in LinesWithEndings::from(code) {
                let mut html = String::new();
                for scope in stack.as_slice().iter().take(MAX_SPAN_DEPTH) {
                    raw_open(&mut html, *scope);
                }
                let text = line.trim_end_matches('\n');
                let parsed = state
                    .parse_line(line, ss)
                    .ok()
                    .and_then(|ops| raw_spans(text, &clip(&ops, line), &mut stack, &mut html).ok());
                if parsed.is_none() {
                    return plain_lines(code);
                }
                for _ in 0..stack.len().min(MAX_SPAN_DEPTH) {
                    html.push_str("</span>");
                }
                let html = lighten(h, &html);
                total += html.len();
                if total > budget {
                    return plain_lines(code);
                }
                out.push(html);
            }
            out
        }

        fn raw_open(html: &mut String, scope: Scope) {
            let classes: Vec<String> = scope
                .build_string()
                .split('.')
                .map(|a| format!("{CLASS_PREFIX}{a}"))
                .collect();
            html.push_str(&format!("<span class=\"{}\">", classes.join(" ")));
        }

        fn raw_spans(
            line: &str,
            ops: &[(usize, ScopeStackOp)],
            stack: &mut ScopeStack,
            html: &mut String,
        ) -> Result<(), syntect::parsing::ScopeError> {
            let mut done = 0;
            let mut empty_since: Option<usize> = None;
            for (i, op) in ops {
                if *i > done {
                    empty_since = None;
                    html.push_str(&escape_html(&line[done..*i]));
                    done = *i;
                }
                stack.apply_with_hook(op, |basic, now| match basic {
                    BasicScopeStackOp::Push(scope) if now.len() <= MAX_SPAN_DEPTH => {
                        empty_since = Some(html.len());
                        raw_open(html, scope);
                    }
                    BasicScopeStackOp::Pop if now.len() < MAX_SPAN_DEPTH => {
                        match empty_since.take() {
                            Some(start) => html.truncate(start),
                            None => html.push_str("</span>"),
                        }
                    }
                    _ => {}
                })?;
            }
            html.push_str(&escape_html(&line[done..]));
            Ok(())
        }

        pub(crate) fn lighten(h: &Highlighter, line: &str) -> String {
            let Some(styled) = h.styled().sets else {
                return line.to_string();
            };
            let keep = |classes: &str| {
                let have: Vec<&str> = classes.split(' ').collect();
                styled
                    .iter()
                    .any(|set| set.iter().all(|c| have.contains(&c.as_str())))
            };
            let mut out = String::with_capacity(line.len());
            let mut open: Vec<(bool, &str)> = Vec::new();
            let mut closed: Option<(&str, usize)> = None;
            let mut rest = line;
            while let Some(at) = rest.find('<') {
                out.push_str(&rest[..at]);
                rest = &rest[at..];
                if let Some(after) = rest.strip_prefix("</span>") {
                    rest = after;
                    if let Some((true, classes)) = open.pop() {
                        closed = Some((classes, out.len()));
                        out.push_str("</span>");
                    }
                } else if let Some(tag) = rest.strip_prefix("<span class=\"") {
                    let end = tag.find("\">").unwrap_or(tag.len());
                    let classes = &tag[..end];
                    rest = tag.get(end + 2..).unwrap_or("");
                    let kept = keep(classes);
                    open.push((kept, classes));
                    match closed {
                        Some((c, at)) if kept && c == classes && out.len() == at + 7 => {
                            out.truncate(at)
                        }
                        _ if kept => {
                            out.push_str("<span class=\"");
                            out.push_str(classes);
                            out.push_str("\">");
                        }
                        _ => {}
                    }
                } else {
                    out.push('<');
                    rest = &rest[1..];
                }
            }
            out.push_str(rest);
            out
        }
    }

    /// Every fenced block of the repository's Markdown (the site's content and the test
    /// fixtures), as (file, language, code).
    fn repository_blocks() -> Vec<(String, String, String)> {
        use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut blocks = Vec::new();
        for dir in ["content", "tests/fixtures", "snippets"] {
            let files = walkdir::WalkDir::new(root.join(dir))
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "md"));
            for f in files {
                let Ok(text) = std::fs::read_to_string(f.path()) else {
                    continue;
                };
                let mut open: Option<(String, String)> = None;
                for event in Parser::new_ext(&text, crate::markdown::options()) {
                    match (event, &mut open) {
                        (Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))), _) => {
                            let lang = info.split([' ', ',', '{']).next().unwrap_or("");
                            open = Some((lang.to_string(), String::new()));
                        }
                        (Event::Text(t), Some((_, code))) => code.push_str(&t),
                        (Event::End(TagEnd::CodeBlock), Some(_)) => {
                            let (lang, code) = open.take().unwrap();
                            blocks.push((f.path().display().to_string(), lang, code));
                        }
                        _ => {}
                    }
                }
            }
        }
        blocks
    }

    /// The one-pass writer gives the two-pass HTML for blocks of every grammar the
    /// repository's Markdown uses, with the default themes and (each grammar's first block)
    /// with a theme `lighten` knows nothing of (every span kept).
    #[test]
    fn one_pass_spans_match_the_two_pass_html_on_every_repository_block() {
        let light = h();
        let unknown = Highlighter::new(&config::Highlight {
            light_theme: "no-such-theme".into(),
            ..Default::default()
        });
        // Up to `PER_GRAMMAR` blocks of each grammar: unoptimised syntect takes a minute for all.
        const PER_GRAMMAR: usize = 25;
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (file, lang, code) in repository_blocks() {
            let Some(syntax) = light.find(&lang) else {
                continue;
            };
            let n = seen.entry(syntax.name.clone()).or_default();
            *n += 1;
            let h = match *n {
                1 => &unknown,
                n if n <= PER_GRAMMAR => &light,
                _ => continue,
            };
            assert_eq!(
                h.highlight_lines(syntax, &code),
                two_pass::highlight(h, syntax, &code),
                "{file}: a {lang} block"
            );
        }
        assert!(seen.len() > 10, "{seen:?}");
    }

    #[test]
    fn one_pass_spans_match_the_two_pass_html_on_edge_cases() {
        let h = h();
        let json = h.find("json").unwrap();
        let cases = [
            format!("{}1{}\n", "[".repeat(40), "]".repeat(40)),
            "[\n[\n[\n]\n]\n]\n".to_string(),
            "{\"a\": \"<&'\\\">\"}\n\n\n".to_string(),
        ];
        for code in &cases {
            assert_eq!(
                h.highlight_lines(json, code),
                two_pass::highlight(&h, json, code)
            );
        }
        let py = h.find("python").unwrap();
        let code = "s = \"\"\"a\nb\"\"\"\nif not x: pass  # c\n";
        assert_eq!(
            h.highlight_lines(py, code),
            two_pass::highlight(&h, py, code)
        );
    }

    #[test]
    fn lighten_drops_uncoloured_spans_and_joins_neighbours() {
        let h = h();
        let sets = vec![
            vec!["hl-keyword".to_string()],
            vec!["hl-string".to_string(), "hl-quoted".to_string()],
        ];
        h.styled.set(Some(sets)).unwrap();
        let line = "<span class=\"hl-source hl-py\"><span class=\"hl-keyword hl-py\">if</span><span class=\"hl-keyword hl-py\"> not</span> <span class=\"hl-meta\"><span class=\"hl-string hl-quoted\">&quot;x&quot;</span></span></span>";
        assert_eq!(
            two_pass::lighten(&h, line),
            "<span class=\"hl-keyword hl-py\">if not</span> <span class=\"hl-string hl-quoted\">&quot;x&quot;</span>"
        );
        // A set must be matched whole: `hl-string` alone is not `.hl-string.hl-quoted`.
        assert_eq!(
            two_pass::lighten(&h, "<span class=\"hl-string\">a</span>"),
            "a"
        );
    }

    #[test]
    fn lightened_highlighting_keeps_the_coloured_classes() {
        let h = h();
        let syntax = h.find("python").unwrap();
        let lines = h.highlight(syntax, "def f(x):\n    return \"s\"  # c\n");
        let html = lines.join("\n");
        assert!(
            !html.contains("hl-source"),
            "no theme colours the whole-block scope: {html}"
        );
        assert!(
            html.contains("hl-comment") && html.contains("hl-string"),
            "{html}"
        );
        assert_eq!(
            html.matches("<span").count(),
            html.matches("</span>").count()
        );
    }

    #[test]
    fn plan_languages_are_known() {
        let h = h();
        for lang in [
            "http",
            "bash",
            "sh",
            "console",
            "sql",
            "js",
            "javascript",
            "ts",
            "typescript",
            "python",
            "py",
            "java",
            "kotlin",
            "go",
            "golang",
            "rust",
            "php",
            "ruby",
            "csharp",
            "cs",
            "json",
            "yaml",
            "yml",
            "toml",
            "dockerfile",
            "nginx",
            "graphql",
            "protobuf",
            "html",
            "css",
            "jinja",
            "django",
            "diff",
            "ini",
            "xml",
            "text",
        ] {
            assert!(h.find(lang).is_some(), "{lang} is not highlighted");
        }
        assert!(h.find("klingon").is_none());
    }

    /// Deep nesting on one line, or one level per line, stays a small multiple of its size.
    #[test]
    fn nested_blocks_stay_small() {
        let h = h();
        let json = h.find("json").unwrap();
        let one_line = format!("{}1{}\n", "[".repeat(20_000), "]".repeat(20_000));
        let per_line = format!("{}1\n{}", "[\n".repeat(5_000), "]\n".repeat(5_000));
        for code in [one_line, per_line] {
            let html: usize = h.highlight(json, &code).iter().map(|l| l.len() + 1).sum();
            assert!(html <= 4 * code.len(), "{} bytes -> {html}", code.len());
        }
        // Shallow code keeps its spans.
        let small = h.highlight(json, "[[1, 2], {\"a\": [3]}]\n");
        assert!(small[0].matches("<span").count() > 8, "{small:?}");
    }

    #[test]
    fn spans_balance_per_line() {
        let h = h();
        let lines = h.highlight(h.find("python").unwrap(), "s = \"\"\"a\nb\"\"\"\nx = 1\n");
        assert_eq!(lines.len(), 3);
        for l in lines.iter() {
            assert_eq!(
                l.matches("<span").count(),
                l.matches("</span>").count(),
                "{l}"
            );
        }
    }

    #[test]
    fn css_has_both_themes() {
        let css = h().css().unwrap();
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(css.contains(":root[data-theme=\"dark\"] .hl-"));
    }
}
