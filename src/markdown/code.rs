//! Code blocks: fence attributes, highlighting with line numbers and marked lines, the size
//! guard, the frame (header bar with title and language label, keyboard-scrollable `pre`),
//! shell transcripts (prompts and output marked), and tab groups (pure HTML/CSS radio tabs
//! that work with JavaScript off). `include`, `lines` and `region` are parsed here and
//! resolved by `crate::include`.

use crate::diag::Code;
use crate::diag::{closest, Diagnostic};
use crate::highlight::{escape_html, plain_lines, Highlighter};

pub(crate) const KNOWN_ATTRS: &[&str] = &[
    "title",
    "hl_lines",
    "linenos",
    "linenostart",
    "tab",
    "nocheck",
    "include",
    "lines",
    "region",
    "contract",
];

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct FenceInfo {
    pub(crate) lang: String,
    pub(crate) title: Option<String>,
    pub(crate) hl_lines: Vec<(usize, usize)>,
    pub(crate) linenos: bool,
    pub(crate) linenostart: usize,
    pub(crate) tab: Option<String>,
    pub(crate) nocheck: bool,
    /// `include="path"`: the block's code comes from this file (see `crate::include`),
    /// all of it, its `lines="a-b"` or its `region="name"`.
    pub(crate) include: Option<String>,
    pub(crate) lines: Option<(usize, usize)>,
    pub(crate) region: Option<String>,
    /// `contract="orders: POST /orders 201"`: the body is checked against that contract
    /// (see `crate::contracts`).
    pub(crate) contract: Option<String>,
}

/// Parses ` ```python title="app.py" hl_lines="1 3-5" linenos `; problems come back as
/// warnings (message, help).
pub(crate) fn parse_info(info: &str) -> (FenceInfo, Vec<(String, Option<String>)>) {
    // An included block may leave its language to the file's extension.
    let (lang, rest) = match split_lang(info.trim()) {
        (lang, _) if lang.starts_with("include=") => (String::new(), info.trim()),
        found => found,
    };
    let mut words = split_words(rest).into_iter().peekable();
    let mut fi = FenceInfo {
        linenostart: 1,
        lang,
        ..Default::default()
    };
    let mut problems = Vec::new();
    if fi.lang.contains('=') {
        problems.push((
            format!(
                "code block attribute `{}` comes before the language",
                fi.lang
            ),
            Some("write the language first: ```python title=\"app.py\"".into()),
        ));
        fi.lang.clear();
    }
    // A pandoc attribute block after the language (`python {.numberLines}`) is not ours.
    if words.peek().is_some_and(|w| w.starts_with('{')) {
        for w in words.by_ref() {
            if w.ends_with('}') {
                break;
            }
        }
    }
    for word in words {
        let (key, value) = match word.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(unquote(v))),
            None => (word.clone(), None),
        };
        match (key.as_str(), value) {
            ("title", Some(v)) => fi.title = Some(v),
            ("tab", Some(v)) => fi.tab = Some(v),
            ("include", Some(v)) => fi.include = Some(v),
            ("region", Some(v)) => fi.region = Some(v),
            ("contract", Some(v)) => fi.contract = Some(v),
            ("lines", Some(v)) => match parse_ranges(&v).as_deref() {
                Some([range]) if range.0 >= 1 && range.0 <= range.1 => fi.lines = Some(*range),
                _ => problems.push((
                    format!("lines=\"{v}\" is not one range of lines like \"3-10\""),
                    None,
                )),
            },
            ("linenos", None) => fi.linenos = true,
            ("nocheck", None) => fi.nocheck = true,
            ("linenostart", Some(v)) => match v.parse::<usize>() {
                Ok(n) => {
                    fi.linenos = true;
                    fi.linenostart = n;
                }
                Err(_) => problems.push((format!("linenostart=`{v}` is not a number"), None)),
            },
            ("hl_lines", Some(v)) => match parse_ranges(&v) {
                Some(r) => fi.hl_lines = r,
                None => problems.push((
                    format!("hl_lines=\"{v}\" is not a list of lines like \"1 3-5\""),
                    None,
                )),
            },
            (k, _) if KNOWN_ATTRS.contains(&k) => problems.push((
                format!(
                    "code block attribute `{k}` is missing its value or has one it does not take"
                ),
                None,
            )),
            (k, _) => {
                let help =
                    closest(k, KNOWN_ATTRS.iter().copied()).map(|c| format!("did you mean `{c}`?"));
                problems.push((
                    format!("unknown code block attribute `{k}`"),
                    help.or_else(|| Some(format!("known attributes: {}", KNOWN_ATTRS.join(", ")))),
                ));
            }
        }
    }
    (fi, problems)
}

/// Splits on spaces, keeping quoted values together: `title="my app.py"` is one word.
/// The language of an info string as GitHub reads it, and the rest: `rust,ignore` is Rust
/// (rustdoc's attributes follow the comma), `{.python .numberLines}` and `.python` are Python.
fn split_lang(info: &str) -> (String, &str) {
    if let Some(inner) = info.strip_prefix('{') {
        let (block, rest) = inner.split_once('}').unwrap_or((inner, ""));
        let lang = block
            .split_whitespace()
            .find_map(|w| w.strip_prefix('.'))
            .unwrap_or("");
        return (lang.to_string(), rest);
    }
    let end = info
        .find(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .unwrap_or(info.len());
    let lang = info[..end].trim_start_matches('.').to_string();
    let rest = &info[end..];
    // rustdoc attributes (`rust,ignore,no_run`) end at the first space.
    let rest = match rest.strip_prefix(',') {
        Some(r) => r.split_once(char::is_whitespace).map_or("", |(_, r)| r),
        None => rest,
    };
    (lang, rest)
}

fn split_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    for c in s.chars() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                cur.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (None, ' ' | '\t' | ',') if cur.is_empty() => {}
            (None, ' ' | '\t') => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn unquote(v: &str) -> String {
    v.trim_matches(|c| c == '"' || c == '\'').to_string()
}

/// "1 3-5" -> [(1,1), (3,5)].
pub(crate) fn parse_ranges(v: &str) -> Option<Vec<(usize, usize)>> {
    v.split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(|part| match part.split_once('-') {
            Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
            None => part.parse().ok().map(|n| (n, n)),
        })
        .collect()
}

/// Renders one block. `warn` receives (line offset inside the block, message, help).
/// The frame: a header bar (title, language label; the theme's Copy button sits there, never
/// over the code), then a keyboard-scrollable `pre` (tabindex, so wide lines can be read
/// without a mouse). Shell transcripts get prompts and output lines marked (see `terminal`).
pub(crate) fn render_block(
    h: &Highlighter,
    fi: &FenceInfo,
    code: &str,
    warn: &mut dyn FnMut(usize, String, Option<String>),
) -> String {
    let (lines, kinds): (std::sync::Arc<[String]>, _) = match terminal_lines(code, fi) {
        Some(t) => {
            let (lines, kinds) = terminal_html(h, &t);
            (lines.into(), kinds)
        }
        None => {
            let lines = highlight_lines(h, fi, code, warn);
            let kinds = vec![""; lines.len()];
            (lines, kinds)
        }
    };
    let terminal = kinds.iter().any(|k| !k.is_empty());
    let lang_attr = escape_html(&fi.lang);
    let mut html = String::with_capacity(code.len() * 3);
    html.push_str(if terminal {
        "<figure class=\"code-block terminal\">"
    } else {
        "<figure class=\"code-block\">"
    });
    let label = if terminal { "Terminal" } else { &lang_attr };
    if fi.title.is_none() && label.is_empty() {
        html.push_str("<div class=\"code-head\"></div>");
    } else {
        html.push_str("<figcaption class=\"code-head\">");
        if let Some(title) = &fi.title {
            html.push_str("<span class=\"code-title\">");
            html.push_str(&escape_html(title));
            html.push_str("</span>");
        }
        if !label.is_empty() {
            html.push_str("<span class=\"code-lang\">");
            html.push_str(label);
            html.push_str("</span>");
        }
        html.push_str("</figcaption>");
    }
    let name = match (&fi.title, label.is_empty()) {
        (Some(t), _) => escape_html(t),
        (None, false) => format!("{label} code"),
        (None, true) => "Code".to_string(),
    };
    html.push_str(&format!(
        "<pre class=\"code\" tabindex=\"0\" role=\"group\" aria-label=\"{name}\""
    ));

    if !fi.lang.is_empty() {
        html.push_str(" data-lang=\"");
        html.push_str(&lang_attr);
        html.push('"');
    }
    html.push_str("><code");
    if fi.linenos {
        html.push_str(" class=\"linenos\"");
        if fi.linenostart != 1 {
            html.push_str(&format!(
                " style=\"counter-reset: line {}\"",
                fi.linenostart.saturating_sub(1)
            ));
        }
    }
    html.push('>');
    for (i, line) in lines.iter().enumerate() {
        let marked = fi
            .hl_lines
            .iter()
            .any(|(a, b)| (*a..=*b).contains(&(i + 1)));
        html.push_str("<span class=\"line");
        html.push_str(kinds[i]);
        html.push_str(if marked { " hl\">" } else { "\">" });
        html.push_str(line);
        html.push_str("</span>");
        if i + 1 < lines.len() {
            html.push('\n');
        }
    }
    html.push_str("</code></pre></figure>");
    html
}

/// One line of a shell transcript: a command after its `$ ` prompt, the continuation of a
/// command ending in `\\`, or the command's output.
enum Term<'a> {
    Prompt(&'a str),
    More(&'a str),
    Output(&'a str),
}

/// Fence languages that are always transcripts, and shells whose blocks are transcripts when
/// their first line starts with a `$ ` prompt.
const TRANSCRIPT_LANGS: &[&str] = &["console", "shell-session", "sh-session", "terminal"];
const SHELL_LANGS: &[&str] = &["sh", "bash", "shell", "zsh"];

/// The block's lines as a transcript, or `None` when it is not one.
fn terminal_lines<'a>(code: &'a str, fi: &FenceInfo) -> Option<Vec<Term<'a>>> {
    let lang = fi.lang.to_ascii_lowercase();
    let first = code.lines().find(|l| !l.trim().is_empty())?;
    let prompted = first.starts_with("$ ") || first == "$";
    if !(TRANSCRIPT_LANGS.contains(&lang.as_str())
        || SHELL_LANGS.contains(&lang.as_str()) && prompted)
    {
        return None;
    }
    let mut more = false;
    let lines = code.lines().map(|l| {
        let (term, body) = match l.strip_prefix("$ ").or((l == "$").then_some("")) {
            Some(cmd) => (Term::Prompt(cmd), cmd),
            None if more => (Term::More(l), l),
            None => (Term::Output(l), ""),
        };
        more = body.ends_with('\\');
        term
    });
    Some(lines.collect())
}

/// A transcript's lines and their classes: commands highlighted as shell, prompts in a span
/// the theme keeps out of copies and selections, output plain.
fn terminal_html(h: &Highlighter, lines: &[Term]) -> (Vec<String>, Vec<&'static str>) {
    let commands: Vec<&str> = lines
        .iter()
        .filter_map(|t| match t {
            Term::Prompt(c) | Term::More(c) => Some(*c),
            Term::Output(_) => None,
        })
        .collect();
    let mut text = commands.join("\n");
    text.push('\n');
    let hl: Vec<String> = match h.find("bash") {
        Some(s) if text.len() <= h.settings.max_block_bytes => h.highlight(s, &text).to_vec(),
        _ => commands.iter().map(|c| escape_html(c)).collect(),
    };
    let mut hl = hl.into_iter();
    lines
        .iter()
        .map(|t| match t {
            Term::Prompt(_) => (
                format!(
                    "<span class=\"prompt\">$ </span>{}",
                    hl.next().unwrap_or_default()
                ),
                " cmd",
            ),
            Term::More(_) => (hl.next().unwrap_or_default(), " cmd"),
            Term::Output(l) => (escape_html(l), " out"),
        })
        .unzip()
}

fn highlight_lines(
    h: &Highlighter,
    fi: &FenceInfo,
    code: &str,
    warn: &mut dyn FnMut(usize, String, Option<String>),
) -> std::sync::Arc<[String]> {
    let code = code.strip_suffix('\n').unwrap_or(code);
    match check_block(h, fi, code, warn) {
        Some(syntax) => {
            let mut text = code.to_string();
            text.push('\n');
            // Shared with the cache, not copied.
            h.highlight(syntax, &text)
        }
        None => plain_lines(code).into(),
    }
}

/// The syntax a block is highlighted with, or `None` for plain text, with the reason warned.
/// Cheap (no highlighting), so the parse stage runs it for the diagnostics alone and leaves
/// the highlighting to the render stage (see `markdown::code_marker`).
pub(crate) fn check_block<'h>(
    h: &'h Highlighter,
    fi: &FenceInfo,
    code: &str,
    warn: &mut dyn FnMut(usize, String, Option<String>),
) -> Option<&'h syntect::parsing::SyntaxReference> {
    let code = code.strip_suffix('\n').unwrap_or(code);
    if fi.lang.is_empty() {
        return None;
    }
    let Some(syntax) = h.find(&fi.lang) else {
        let names = h.suggestions(&fi.lang);
        let help = if names.is_empty() {
            "write a known language such as `python`, `js`, `bash`, `text`".to_string()
        } else {
            format!("closest known names: {}", names.join(", "))
        };
        warn(
            0,
            format!("unknown code block language `{}`", fi.lang),
            Some(help),
        );
        return None;
    };
    if code.len() > h.settings.max_block_bytes {
        warn(0, format!("code block of {} bytes is larger than the highlighting limit ({} bytes); shown as plain text", code.len(), h.settings.max_block_bytes), Some("split the block, or raise highlight.max_block_bytes in site.toml".into()));
        return None;
    }
    if let Some(i) = code
        .lines()
        .position(|l| l.len() > h.settings.max_line_bytes)
    {
        warn(
            i + 1,
            format!(
                "a line of this code block is longer than {} bytes; block shown as plain text",
                h.settings.max_line_bytes
            ),
            Some("wrap the line, or raise highlight.max_line_bytes in site.toml".into()),
        );
        return None;
    }
    Some(syntax)
}

/// One member of a tab group, already rendered.
pub(crate) struct Tab {
    pub(crate) label: String,
    pub(crate) html: String,
}

/// A group of consecutive tabbed blocks. `group` numbers groups within the page.
pub(crate) fn render_tabs(group: usize, tabs: &[Tab]) -> String {
    // Each radio is followed by its label and its panel, so the theme shows a panel with one
    // sibling selector (`:checked + label + .tab-panel`) whatever the number of tabs; CSS
    // `order` lines the labels up above the panels.
    let mut html = String::from("<div class=\"tabs\">");
    for (k, tab) in tabs.iter().enumerate() {
        let label = escape_html(&tab.label);
        html.push_str(&format!(
            "<input class=\"tab-radio\" type=\"radio\" name=\"tabs-{group}\" id=\"tab-{group}-{k}\" data-tab=\"{label}\"{}>\
             <label class=\"tab-label\" for=\"tab-{group}-{k}\">{label}</label>\
             <div class=\"tab-panel\" data-tab=\"{label}\">",
            if k == 0 { " checked" } else { "" }
        ));
        html.push_str(&tab.html);
        html.push_str("</div>");
    }
    html.push_str("</div>");
    html
}

/// Diagnostic for a fence problem at `line`.
pub(crate) fn fence_warning(
    code: Code,
    path: &str,
    line: usize,
    message: String,
    help: Option<String>,
) -> Diagnostic {
    Diagnostic::warning(code, path, line, 1, message).with_help_opt(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_attributes() {
        let (fi, p) = parse_info(
            r#"python title="my app.py" hl_lines="1 3-5" linenostart=10 tab="Flask" nocheck"#,
        );
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(fi.lang, "python");
        assert_eq!(fi.title.as_deref(), Some("my app.py"));
        assert_eq!(fi.hl_lines, vec![(1, 1), (3, 5)]);
        assert_eq!((fi.linenos, fi.linenostart), (true, 10));
        assert_eq!(fi.tab.as_deref(), Some("Flask"));
        assert!(fi.nocheck);
    }

    #[test]
    fn unknown_attribute_names_closest() {
        let (_, p) = parse_info("python titel=\"x\"");
        assert_eq!(p[0].1.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn info_strings_as_github_reads_them() {
        for (info, lang) in [
            ("rust,ignore", "rust"),
            ("rust,no_run,should_panic", "rust"),
            ("{.python}", "python"),
            ("{.python .numberLines}", "python"),
            ("python {.class}", "python"),
            ("python {.class #id}", "python"),
            (".js", "js"),
            ("", ""),
        ] {
            let (fi, p) = parse_info(info);
            assert_eq!(fi.lang, lang, "{info}");
            assert!(p.is_empty(), "{info}: {p:?}");
        }
        let (fi, p) = parse_info("rust,ignore title=\"a.rs\"");
        assert_eq!(
            (fi.lang.as_str(), fi.title.as_deref()),
            ("rust", Some("a.rs"))
        );
        assert!(p.is_empty());
        let (_, p) = parse_info("title=\"x\"");
        assert!(p[0].0.contains("before the language"), "{p:?}");
    }
}
