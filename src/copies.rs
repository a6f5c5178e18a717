//! Machine-readable copies of the site, so tools and assistants can read it without scraping
//! HTML: each page's Markdown at `<page url>index.md` (front matter removed, links rewritten to
//! absolute site URLs, data tables filled in) and an `llms.txt` index at the site root.

use crate::config::Config;
use crate::site::{Doc, Kind, Site};
use std::ops::Range;

/// The page's Markdown as published: its title and description as a heading and a quote, then
/// the body with every internal link pointing at the site. `shortcode(i)` gives the HTML of the
/// page's i-th shortcode (HTML is valid Markdown, so a data table stays a table).
pub(crate) fn markdown_copy(
    doc: &Doc,
    config: &Config,
    shortcode: &mut dyn FnMut(usize) -> String,
) -> String {
    let md = &doc.parsed.md;
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for (link, url) in md.links.iter().zip(&doc.link_urls) {
        if let Some(span) = &link.dest_span {
            edits.push((span.clone(), markdown_dest(&absolute(config, url))));
        }
    }
    for (i, sc) in md.shortcodes.iter().enumerate() {
        // Blank lines would end the HTML block in the middle of the table.
        let html = shortcode(i);
        let lines: Vec<&str> = html.lines().filter(|l| !l.trim().is_empty()).collect();
        edits.push((sc.span.clone(), lines.join("\n")));
    }
    let mut out = format!("# {}\n\n", doc.title());
    if let Some(description) = doc.front().description.as_deref() {
        out.push_str(&format!("> {}\n\n", description.trim()));
    }
    out.push_str(apply(&md.body(), edits).trim_start_matches('\n'));
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Replaces each range of `text` (reference links share one definition: later duplicates and
/// overlaps are dropped).
fn apply(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    for (range, with) in edits {
        if range.start < at || range.end > text.len() {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&with);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A root-relative site URL ("/repo/a/#x") made absolute; "#x" stays as it is.
fn absolute(config: &Config, url: &str) -> String {
    match url.strip_prefix(config.base_path.as_str()) {
        Some(rest) => config.permalink(rest),
        None => url.to_string(),
    }
}

/// A destination Markdown accepts as written: `<...>` when it has spaces or parentheses.
fn markdown_dest(url: &str) -> String {
    if url.contains([' ', '(', ')']) {
        format!("<{url}>")
    } else {
        url.to_string()
    }
}

/// `llms.txt` (the llmstxt.org shape): the site's title and description, then every section in
/// reading order with its pages, each as `- [title](markdown url): description`.
pub(crate) fn llms_txt(site: &Site, config: &Config) -> String {
    use std::fmt::Write;
    let s = &config.site;
    // Writes into a String cannot fail. Made on every preview save: one buffer, no string
    // per entry.
    let mut out = String::with_capacity(128 * site.docs.len());
    let _ = write!(out, "# {}\n\n", s.title);
    if !s.description.trim().is_empty() {
        let _ = write!(out, "> {}\n\n", s.description.trim());
    }
    out.push_str(
        "Each page below is linked as Markdown; drop `index.md` from a link for the HTML page.\n\n",
    );
    entry(&mut out, config, &site.docs[site.home]);
    for &i in site.order.iter().filter(|&&i| i != site.home) {
        let section = &site.docs[i];
        if section.kind != Kind::Section {
            continue;
        }
        let _ = write!(out, "\n## {}\n\n", heading(site, i));
        entry(&mut out, config, section);
        for &c in &section.children {
            if site.docs[c].kind == Kind::Page {
                entry(&mut out, config, &site.docs[c]);
            }
        }
    }
    out
}

/// A section's heading: its title, under its parent sections' titles ("Stacks / Databases").
fn heading(site: &Site, i: usize) -> String {
    let mut titles = vec![site.docs[i].title()];
    let mut at = site.docs[i].parent;
    while let Some(p) = at.filter(|&p| p != site.home) {
        titles.push(site.docs[p].title());
        at = site.docs[p].parent;
    }
    titles.reverse();
    titles.join(" / ")
}

/// `- [title](markdown url): description`, the title without brackets.
fn entry(out: &mut String, config: &Config, doc: &Doc) {
    let description = doc.front().description.as_deref().unwrap_or("").trim();
    out.push_str("- [");
    out.extend(doc.title().chars().filter(|c| !matches!(c, '[' | ']')));
    out.push_str("](");
    config.push_permalink(out, &doc.path);
    out.push_str("index.md)");
    if !description.is_empty() {
        out.push_str(": ");
        out.push_str(description);
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_and_skip_duplicates() {
        let text = "see [a](a.md) and [b][r]\n\n[r]: b.md\n";
        let a = text.find("a.md").unwrap();
        let b = text.find("b.md").unwrap();
        let edits = vec![
            (b..b + 4, "/B/".to_string()),
            (a..a + 4, "/A/".to_string()),
            (b..b + 4, "/B/".to_string()),
        ];
        assert_eq!(apply(text, edits), "see [a](/A/) and [b][r]\n\n[r]: /B/\n");
    }

    #[test]
    fn destinations_with_spaces_are_bracketed() {
        assert_eq!(markdown_dest("/a b.png"), "</a b.png>");
        assert_eq!(markdown_dest("/a/"), "/a/");
    }
}
