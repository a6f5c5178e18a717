//! One source file to a parsed document: front matter plus Markdown. A pure function of the
//! file's text and the highlighter, so `serve` can cache it by content hash.

use crate::config;
use crate::diag::Diagnostic;
use crate::frontmatter::{self, FrontMatter};
use crate::highlight::Highlighter;
use crate::markdown::{self, ParsedMarkdown};

#[derive(Debug, Clone)]
pub struct ParsedDoc {
    pub front: FrontMatter,
    pub md: ParsedMarkdown,
    /// File line of each front matter field that later stages may complain about.
    pub template_line: usize,
    pub front_line: usize,
    /// Lines of the `aliases` and `tags` fields, for the output owner map (owners.rs).
    pub aliases_line: usize,
    pub tags_line: usize,
}

pub fn parse_doc(
    path: &str,
    text: &str,
    h: &Highlighter,
    html: &config::Html,
) -> Result<ParsedDoc, Vec<Diagnostic>> {
    let split = frontmatter::split(path, text).map_err(|d| vec![d])?;
    let front = frontmatter::parse(path, &split)?;
    let mut md = markdown::parse_with(path, split.body, split.body_line, h, html);
    if front.description.as_deref() == Some(crate::new::PLACEHOLDER_DESCRIPTION) {
        md.diagnostics.push(
            Diagnostic::warning(
                path,
                frontmatter::field_line(&split, "description"),
                1,
                "the description is still the placeholder from `backlot new`",
            )
            .with_help("write one sentence saying what the page covers"),
        );
    }
    Ok(ParsedDoc {
        template_line: frontmatter::field_line(&split, "template"),
        front_line: split.front_line,
        aliases_line: frontmatter::field_line(&split, "aliases"),
        tags_line: frontmatter::field_line(&split, "tags"),
        front,
        md,
    })
}

/// Parses with a panic guard: a bug triggered by one page becomes an error for that file.
pub fn parse_doc_guarded(
    path: &str,
    text: &str,
    h: &Highlighter,
) -> Result<ParsedDoc, Vec<Diagnostic>> {
    parse_doc_guarded_with(path, text, h, &config::Html::default())
}

/// `parse_doc_guarded` under the site's `[html]` policy.
pub fn parse_doc_guarded_with(
    path: &str,
    text: &str,
    h: &Highlighter,
    html: &config::Html,
) -> Result<ParsedDoc, Vec<Diagnostic>> {
    catch_panic(path, || parse_doc(path, text, h, html)).unwrap_or_else(|d| Err(vec![d]))
}

/// Runs one file's stage, turning a panic (a bug triggered by that file) into an error for
/// that file, so the rest of the build goes on and every problem is reported.
pub fn catch_panic<T>(path: &str, f: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|_| {
        Diagnostic::error(
            path,
            1,
            1,
            "internal error while processing this file (a panic was caught)",
        )
        .with_help("please report this file's content to the backlot issue tracker")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_for_its_file() {
        let d = catch_panic("content/bad.md", || -> u8 { panic!("injected") }).unwrap_err();
        assert_eq!(d.path, "content/bad.md");
        assert!(d.message.contains("panic was caught"));
        assert_eq!(catch_panic("a.md", || 1).unwrap(), 1);
    }
}
