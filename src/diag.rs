//! Diagnostics: every problem found in a site, with where it is and how to fix it.
//!
//! Stages never stop at the first problem: they push `Diagnostic`s into a list that the command
//! shows all at once, in a stable order, as `path:line:col: error: message [BL0301]` plus a
//! `help:` line. Every diagnostic carries a `Code` from the table in `codes`.

pub mod codes;

pub use codes::Code;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Path relative to the site root, with `/` separators.
    pub(crate) path: String,
    /// 1-based line and column; 1:1 when a problem concerns the whole file.
    pub(crate) line: usize,
    pub(crate) col: usize,
    pub(crate) severity: Severity,
    /// The stable code (`BL0301`), explained by `backlot explain` and the reference.
    pub(crate) code: Code,
    pub message: String,
    pub(crate) help: Option<String>,
    /// For a link problem: the file the link points at (relative to the site root), so
    /// `check --changed-since` can report a link into a changed or removed file.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) target: Option<String>,
}

impl Diagnostic {
    pub(crate) fn error(
        code: Code,
        path: impl Into<String>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            line: line.max(1),
            col: col.max(1),
            severity: Severity::Error,
            code,
            message: message.into(),
            help: None,
            target: None,
        }
    }

    pub(crate) fn warning(
        code: Code,
        path: impl Into<String>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, path, line, col, message)
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub(crate) fn with_target(mut self, target: Option<String>) -> Self {
        self.target = target;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Paths and messages quote input text (file names, front-matter keys, template
        // names): never let it drive the maintainer's terminal.
        // The code goes last, as compilers put a warning's flag: the line still starts
        // `path:line:col: error: ` for problem matchers and scripts that read that form.
        write!(
            f,
            "{}:{}:{}: {}: {} [{}]",
            terminal_safe(&self.path, false),
            self.line,
            self.col,
            kind,
            terminal_safe(&self.message, true),
            self.code.id()
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", terminal_safe(help, true))?;
        }
        Ok(())
    }
}

/// `text` with every control character (C0, DEL, C1: terminal escape sequences start with
/// them) and every bidirectional override (which reorders what a terminal shows) written as
/// `\u{1b}`. Newlines and tabs stay when `lines` is set (messages may have several lines).
pub(crate) fn terminal_safe(text: &str, lines: bool) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| terminal_unsafe(c) && !(lines && matches!(c, '\n' | '\t'));
    if !text.contains(unsafe_char) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Whether a terminal could act on `c` instead of showing it.
pub(crate) fn terminal_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A collected list of diagnostics.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub(crate) fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    /// Turns every warning into an error: what `check` does.
    pub(crate) fn deny_warnings(&mut self) {
        for d in &mut self.0 {
            d.severity = Severity::Error;
        }
    }

    /// Sorted by file, position and text, duplicates removed, so output is stable run after run.
    pub(crate) fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            (&a.path, a.line, a.col, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.col, b.severity, &b.message))
        });
        self.0.dedup();
        self
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

/// A count with its noun, singular or plural: "1 error", "2 errors", "0 pages".
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The closest of `candidates` to `word`, if any is close enough to be a plausible typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::jaro_winkler(&word.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// The closest of `candidates` to a mistyped path, by edit distance over the whole path.
pub(crate) fn closest_path<'a>(
    path: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_levenshtein(path, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// serde's "unknown field `x`, expected one of `a`, `b`" turned into a help line naming the
/// closest valid field.
pub(crate) fn unknown_field_help(message: &str) -> Option<String> {
    let rest = message.split("unknown field `").nth(1)?;
    let field = rest.split('`').next()?;
    let expected: Vec<&str> = rest
        .split('`')
        .skip(2)
        .step_by(2)
        .filter(|s| !s.is_empty())
        .collect();
    match closest(field, expected.iter().copied()) {
        Some(best) => Some(format!("did you mean `{best}`?")),
        None if !expected.is_empty() => Some(format!("valid fields: {}", expected.join(", "))),
        None => None,
    }
}

/// 1-based (line, column) of a byte offset in `text`; the column counts characters.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_closest_field() {
        let msg = "unknown field `titel`, expected one of `title`, `description`, `weight`";
        assert_eq!(unknown_field_help(msg).unwrap(), "did you mean `title`?");
    }

    #[test]
    fn counts_read_well_in_singular_and_plural() {
        assert_eq!(plural(1, "error"), "1 error");
        assert_eq!(plural(0, "warning"), "0 warnings");
        assert_eq!(plural(2, "page"), "2 pages");
    }

    #[test]
    fn terminal_sequences_are_escaped() {
        let d = Diagnostic::error(
            Code::InternalError,
            "content/a\u{1b}]0;pwned\u{7}.md",
            1,
            1,
            "key `\u{1b}[2J`\nnext",
        )
        .with_help("\u{9b}31m \u{202e}txt");
        assert_eq!(
            d.to_string(),
            "content/a\\u{1b}]0;pwned\\u{7}.md:1:1: error: key `\\u{1b}[2J`\nnext [BL0001]\n  help: \\u{9b}31m \\u{202e}txt"
        );
        assert_eq!(terminal_safe("plain\ttext", true), "plain\ttext");
        assert_eq!(terminal_safe("a\nb", false), "a\\u{a}b");
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
