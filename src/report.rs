//! How `check` reports its problems: human text, GitHub Actions annotations (so each problem
//! shows on its line in a pull request) or JSON for tools; and the `--changed-since` filter that
//! keeps only the problems a change is responsible for.

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::pipeline::Summary;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col: error: message [BL0301]` and a `help:` line, on stderr.
    Human,
    /// `::error file=…,line=…,col=…,title=backlot BL0301: …::message` workflow commands, on stdout.
    Github,
    /// One JSON object on stdout: `ok`, counts, summary and every diagnostic.
    Json,
}

/// Keeps the diagnostics in `changed` files, plus link errors anywhere whose target is a changed
/// (or removed, or renamed-away) file. A change to site.toml, the theme or data/ can break any
/// page, so it keeps everything.
pub fn only_changed(diags: Diagnostics, changed: &BTreeSet<String>) -> Diagnostics {
    if changed.iter().any(|p| affects_every_page(p)) {
        return diags;
    }
    let keep = |d: &Diagnostic| {
        changed.contains(&d.path) || d.target.as_ref().is_some_and(|t| changed.contains(t))
    };
    Diagnostics(diags.0.into_iter().filter(keep).collect())
}

fn affects_every_page(path: &str) -> bool {
    path == crate::config::CONFIG_FILE || path.starts_with("themes/") || path.starts_with("data/")
}

/// One GitHub Actions workflow command per diagnostic. `prefix` is the site root's folder inside
/// the repository ("" or "docs/"), since annotations name files from the repository's top. The
/// title (the annotation's heading) is the code and its title; the file is shown beside it.
pub fn github(diags: &Diagnostics, prefix: &str) -> String {
    let mut out = String::new();
    for d in diags.iter() {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},title={}::{}\n",
            escape_property(&format!("{prefix}{}", d.path)),
            d.line,
            d.col,
            escape_property(&format!("backlot {}: {}", d.code.id(), d.code.info().title)),
            escape_data(&message)
        ));
    }
    out
}

/// Escaping for a workflow command's message, as GitHub's toolkit does it; other control
/// characters (which the toolkit has no escape for) are written out as `\u{1b}` so the log
/// and a local terminal never receive them raw.
fn escape_data(s: &str) -> String {
    let escaped = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::diag::terminal_safe(&escaped, true).into_owned()
}

/// Escaping for a workflow command's `key=value` properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The whole result as one JSON object.
pub fn json(command: &str, summary: Option<&Summary>, diags: &Diagnostics) -> String {
    let summary = summary.map(|s| {
        serde_json::json!({
            "pages": s.pages,
            "sections": s.sections,
            "files": s.files,
            "millis": s.millis,
            "note": s.note,
        })
    });
    let value = serde_json::json!({
        "command": command,
        "ok": summary.is_some() && !diags.has_errors(),
        "errors": diags.error_count(),
        "warnings": diags.warning_count(),
        "summary": summary,
        "diagnostics": diags.0,
    });
    let text = serde_json::to_string_pretty(&value).expect("diagnostics serialize");
    json_terminal_safe(&text)
}

/// serde_json escapes only U+0000..U+001F; DEL, the C1 controls (U+009B starts an escape
/// sequence on some terminals) and bidi overrides get a `\uXXXX` escape too: the same JSON
/// value, safe to print. Outside strings the pretty output has only newlines and spaces.
fn json_terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c != '\n'
            && crate::diag::terminal_safe(c.encode_utf8(&mut [0; 4]), false) != c.to_string()
        {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    #[test]
    fn annotations_escape_their_parts() {
        let d = Diagnostic::error(
            Code::MissingPage,
            "content/a,b.md",
            3,
            7,
            "50% broken\nreally",
        )
        .with_help("fix: it");
        let out = github(&Diagnostics(vec![d]), "docs/");
        assert_eq!(
            out,
            "::error file=docs/content/a%2Cb.md,line=3,col=7,title=backlot BL0401%3A link to a missing page or file::50%25 broken%0Areally%0Ahelp: fix: it\n"
        );
    }

    #[test]
    fn annotations_carry_no_raw_control_characters() {
        let d = Diagnostic::error(
            Code::InternalError,
            "content/\u{1b}[31mred.md",
            1,
            1,
            "bad\u{7}\r\nx",
        );
        let out = github(&Diagnostics(vec![d]), "");
        assert_eq!(
            out,
            "::error file=content/\\u{1b}[31mred.md,line=1,col=1,title=backlot BL0001%3A internal error::bad\\u{7}%0D%0Ax\n"
        );
    }

    #[test]
    fn changed_keeps_links_into_changed_files() {
        let here = Diagnostic::error(Code::MissingPage, "content/a.md", 1, 1, "x");
        let into = Diagnostic::error(Code::MissingPage, "content/b.md", 2, 1, "link")
            .with_target(Some("content/a.md".into()));
        let other = Diagnostic::error(Code::MissingPage, "content/c.md", 1, 1, "y");
        let changed: BTreeSet<String> = ["content/a.md".to_string()].into();
        let kept = only_changed(Diagnostics(vec![here, into, other.clone()]), &changed);
        assert_eq!(kept.0.len(), 2);
        assert!(!kept.0.contains(&other));
        let theme: BTreeSet<String> = ["themes/default/templates/page.html".to_string()].into();
        assert_eq!(only_changed(Diagnostics(vec![other]), &theme).0.len(), 1);
    }
}
