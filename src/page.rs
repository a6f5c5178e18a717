//! One source file to a parsed document: front matter plus Markdown. A pure function of the
//! file's path, text and the highlighter, so `serve` can cache it by content hash.
//!
//! A page without a `title` is titled by its first `# heading` (as GitHub, mdBook and Docusaurus
//! do), else by its file name; a heading used as the title is taken out of the body when it opens
//! the page, because the theme prints the title itself.

use crate::config;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::frontmatter::{self, FrontMatter};
use crate::highlight::Highlighter;
use crate::markdown::{self, ParsedMarkdown};

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ParsedDoc {
    /// As JSON in the parse cache (`crate::parse_cache`): `extra` holds any JSON value.
    #[serde(with = "crate::as_json")]
    pub(crate) front: FrontMatter,
    pub(crate) md: ParsedMarkdown,
    /// File line of each front matter field that later stages may complain about.
    pub(crate) template_line: usize,
    pub(crate) front_line: usize,
    /// Lines of the `aliases` and `tags` fields, for the output owner map (owners.rs).
    pub(crate) aliases_line: usize,
    pub(crate) tags_line: usize,
    pub(crate) title_from: TitleFrom,
    /// A hash of what this parse was made from (0: a page made up, with no body): the page's
    /// path and text here, then the files it includes (`pipeline::parse_text`). A render key
    /// stands for the body by it (`render_key`), in the preview's memory and in the build cache
    /// on disk, so it is the same in every process; the config and the backlot build are in
    /// every key or the cache's header. A copy made to change the front matter
    /// (`site::title_home`) keeps it: the body is the same, and the front matter is hashed
    /// with the page's view.
    pub(crate) id: u64,
}

/// The `ParsedDoc::id` of a page's path and text.
pub(crate) fn source_id(path: &str, text: &str) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&(path.len() as u64).to_le_bytes());
    h.update(path.as_bytes());
    h.update(text.as_bytes());
    h.digest()
}

/// Where a page's title came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum TitleFrom {
    FrontMatter,
    /// The first `# heading` of the body.
    Heading,
    /// The file (or, for a folder's index, the folder) name.
    FileName,
}

/// `strict`: unknown front matter keys are errors (`[front_matter] unknown_keys = "error"`).
pub(crate) fn parse_doc(
    path: &str,
    text: &str,
    h: &Highlighter,
    html: &config::Html,
    strict: bool,
) -> Result<ParsedDoc, Vec<Diagnostic>> {
    let split = frontmatter::split(path, text).map_err(|d| vec![d])?;
    let (mut front, body, body_line) = match &split {
        Some(s) => (frontmatter::parse(path, s, strict)?, s.body, s.body_line),
        None => (FrontMatter::default(), text, 1),
    };
    let line_of = |field: &str| {
        split
            .as_ref()
            .map_or(1, |s| frontmatter::field_line(s, field))
    };
    let mut md = markdown::parse_with(path, body, body_line, h, html);
    let title_from = if front.title.is_some() {
        TitleFrom::FrontMatter
    } else if let Some(t) = take_leading_h1(&mut md) {
        front.title = Some(t);
        TitleFrom::Heading
    } else {
        front.title = Some(title_from_path(path));
        TitleFrom::FileName
    };
    if front.description.as_deref() == Some(PLACEHOLDER_DESCRIPTION) {
        md.diagnostics.push(
            Diagnostic::warning(
                Code::DescriptionPlaceholder,
                path,
                line_of("description"),
                1,
                "the description is still the placeholder from `backlot new`",
            )
            .with_help("write one sentence saying what the page covers"),
        );
    }
    Ok(ParsedDoc {
        template_line: line_of("template"),
        front_line: split.as_ref().map_or(1, |s| s.front_line),
        aliases_line: line_of("aliases"),
        tags_line: line_of("tags"),
        front,
        md,
        title_from,
        id: source_id(path, text),
    })
}

/// The text of the body's first level-1 heading; the heading is taken out of the HTML when it
/// is the first thing on the page (elsewhere it stays where the author put it).
fn take_leading_h1(md: &mut ParsedMarkdown) -> Option<String> {
    let h1 = md.headings.iter().find(|h| h.level == 1)?.text.clone();
    let html = md.html.trim_start();
    // A heading is written as `<div class="heading"><h1 ...>...</h1><a class="anchor" ...></div>`.
    let wrapped = html.starts_with("<div class=\"heading\"><h1 ");
    if (wrapped || html.starts_with("<h1 ")) && md.headings.first().is_some_and(|h| h.level == 1) {
        let close = if wrapped { "</div>\n" } else { "</h1>\n" };
        let after_h1 = html.find("</h1>").unwrap_or(0);
        if let Some(end) = html[after_h1..].find(close) {
            md.html = html[after_h1 + end + close.len()..].to_string();
        }
    }
    (!h1.is_empty()).then_some(h1)
}

/// What `backlot new` writes as a page's description; `check` rejects it until replaced.
pub(crate) const PLACEHOLDER_DESCRIPTION: &str = "TODO: one sentence saying what this page covers.";

/// A title from the file name, or the folder's name for a folder's index page:
/// "content/guide/02-getting-started.md" -> "Getting started"; "" for the content root's index.
pub(crate) fn title_from_path(path: &str) -> String {
    let mut parts: Vec<&str> = path.split('/').collect();
    let file = parts.pop().unwrap_or("");
    let stem = file.strip_suffix(".md").unwrap_or(file);
    let stem = if crate::source::is_index_name(file) {
        // The folder's name; the first part is the content folder itself.
        if parts.len() <= 1 {
            ""
        } else {
            parts[parts.len() - 1]
        }
    } else {
        stem
    };
    let unnumbered = stem.trim_start_matches(|c: char| c.is_ascii_digit());
    let unnumbered = match unnumbered.strip_prefix(['-', '_', '.', ' ']) {
        Some(rest) if unnumbered.len() < stem.len() && !rest.is_empty() => rest,
        _ => stem,
    };
    title_from(unnumbered)
}

/// "rest-api_design" -> "Rest api design".
pub(crate) fn title_from(stem: &str) -> String {
    let words = stem.replace(['-', '_'], " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `parse_doc` with a panic guard: a bug triggered by one page becomes an error for that file.
pub fn parse_doc_guarded(
    path: &str,
    text: &str,
    h: &Highlighter,
    html: &config::Html,
    strict: bool,
) -> Result<ParsedDoc, Vec<Diagnostic>> {
    catch_panic(path, || parse_doc(path, text, h, html, strict)).unwrap_or_else(|d| Err(vec![d]))
}

/// Runs one file's stage, turning a panic (a bug triggered by that file) into an error for
/// that file, so the rest of the build goes on and every problem is reported.
pub(crate) fn catch_panic<T>(path: &str, f: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|_| {
        Diagnostic::error(
            Code::InternalError,
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
    fn titles_from_file_names() {
        assert_eq!(
            title_from_path("docs/getting-started.md"),
            "Getting started"
        );
        assert_eq!(title_from_path("docs/02-setup_guide.md"), "Setup guide");
        assert_eq!(title_from_path("docs/404.md"), "404");
        assert_eq!(title_from_path("docs/cli/README.md"), "Cli");
        assert_eq!(title_from_path("docs/README.md"), "");
    }

    #[test]
    fn title_from_the_first_heading_not_shown_twice() {
        let h = Highlighter::new(&Default::default());
        let d = parse_doc(
            "docs/a.md",
            "# Getting Started\n\nText.\n",
            &h,
            &Default::default(),
            false,
        )
        .unwrap();
        assert_eq!(
            (d.front.title.as_deref(), d.title_from),
            (Some("Getting Started"), TitleFrom::Heading)
        );
        assert!(!d.md.html.contains("<h1"), "{}", d.md.html);
        let d = parse_doc(
            "docs/a.md",
            "[![badge](b.svg)](x)\n\n# Tool\n",
            &h,
            &Default::default(),
            false,
        )
        .unwrap();
        assert_eq!(d.front.title.as_deref(), Some("Tool"));
        assert!(
            d.md.html.contains("<h1"),
            "a heading after other content stays"
        );
        let d = parse_doc("docs/an-page.md", "Text.\n", &h, &Default::default(), false).unwrap();
        assert_eq!(
            (d.front.title.as_deref(), d.title_from),
            (Some("An page"), TitleFrom::FileName)
        );
    }

    #[test]
    fn a_panic_becomes_an_error_for_its_file() {
        let d = catch_panic("content/bad.md", || -> u8 { panic!("injected") }).unwrap_err();
        assert_eq!(d.path, "content/bad.md");
        assert!(d.message.contains("panic was caught"));
        assert_eq!(catch_panic("a.md", || 1).unwrap(), 1);
    }
}
