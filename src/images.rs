//! Local images of a page, measured after the parse: `width` and `height` from the file's
//! header (imagesize reads headers only), so the page does not shift as images load;
//! `loading="lazy"` and `decoding="async"` on every image but the page's first, which is
//! the one likely on the first screen; and a warning for an image heavier than
//! `[images] max_kb`. Images a page shows are added to `md.includes`, so `serve` measures
//! them again when they change.

use crate::config::Images;
use crate::diag::Diagnostic;
use crate::links::{join, parent_dir, percent_decode, split_dest};
use crate::markdown::{is_external, link_marker, ParsedMarkdown};
use std::path::Path;

pub fn measure(root: &Path, page: &str, md: &mut ParsedMarkdown, cfg: &Images) {
    let mut html = std::mem::take(&mut md.html);
    for (i, link) in md.links.iter().enumerate() {
        let Some(rel) = link
            .is_image
            .then(|| local_file(page, &link.dest))
            .flatten()
        else {
            continue;
        };
        let path = root.join(&rel);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue; // a missing image is the link checker's to report
        };
        let kb = meta.len().div_ceil(1024);
        if let Some(max) = cfg.max_kb.filter(|max| kb > *max) {
            md.diagnostics.push(
                Diagnostic::warning(page, link.line, link.col, format!("image `{}` weighs {kb} KB, more than the {max} KB set in site.toml", link.dest))
                    .with_help("compress or resize it (e.g. WebP or AVIF at the width it is shown), or raise [images] max_kb"),
            );
        }
        md.includes.push(rel);
        if let Ok(size) = imagesize::size(&path) {
            let attrs = format!(" width=\"{}\" height=\"{}\"", size.width, size.height);
            let tag = format!("<img src=\"{}\"", link_marker(&md.marker, i));
            html = add_attrs(&html, &tag, &attrs, &[" width=", " height="], false);
        }
    }
    let lazy = " loading=\"lazy\" decoding=\"async\"";
    md.html = add_attrs(&html, "<img ", lazy, &[" loading="], true);
    md.includes.sort();
    md.includes.dedup();
}

/// The image's file relative to the root, for a link to a file of the site.
fn local_file(page: &str, dest: &str) -> Option<String> {
    if is_external(dest) {
        return None;
    }
    let (path, _) = split_dest(dest);
    let rel = join(parent_dir(page), &percent_decode(path)).ok()?;
    (!rel.is_empty() && !rel.ends_with('/')).then_some(rel)
}

/// Adds `attrs` after each `start` (the opening of an `img` tag) whose tag has none of
/// `unless` (raw HTML that sets its own size or loading), skipping the first tag if asked.
fn add_attrs(html: &str, start: &str, attrs: &str, unless: &[&str], skip_first: bool) -> String {
    let mut out = String::with_capacity(html.len() + attrs.len());
    let mut rest = html;
    let mut skip = skip_first;
    while let Some(at) = rest.find(start) {
        let end = at + start.len();
        let tag_end = rest[end..].find('>').map_or(rest.len(), |e| end + e);
        let tag = &rest[at..tag_end];
        out.push_str(&rest[..end]);
        if !std::mem::take(&mut skip) && !unless.iter().any(|u| tag.contains(u)) {
            if start.ends_with(' ') {
                out.push_str(attrs.trim_start());
                out.push(' ');
            } else {
                out.push_str(attrs);
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_go_on_markdown_images_only_once() {
        let html = "<p><img src=\"m\" alt=\"a\" /> <img src=\"m\" width=\"3\"></p>";
        assert_eq!(
            add_attrs(html, "<img src=\"m\"", " width=\"1\"", &[" width="], false),
            "<p><img src=\"m\" width=\"1\" alt=\"a\" /> <img src=\"m\" width=\"3\"></p>"
        );
        assert_eq!(
            add_attrs(
                "<img a><img b><img c loading=\"eager\">",
                "<img ",
                "x",
                &[" loading="],
                true
            ),
            "<img a><img x b><img c loading=\"eager\">"
        );
        assert_eq!(
            local_file("content/a/b.md", "../img/x%20y.png#f"),
            Some("content/img/x y.png".into())
        );
        assert_eq!(local_file("content/b.md", "https://e.x/a.png"), None);
    }
}
