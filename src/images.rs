//! Local images of a page, measured after the parse: `width` and `height` from the file's
//! header (imagesize reads headers only), so the page does not shift as images load;
//! `loading="lazy"` and `decoding="async"` on every image but the page's first, which is
//! the one likely on the first screen; a warning for an image heavier than
//! `[images] max_kb`; and, for PNG and JPEG images wider than a width of `[images] widths`,
//! a `srcset` of variants resized to those widths (written by `write_variants`, kept in
//! `.backlot-cache/images/` so a rebuild does not resize again). Images a page shows are
//! added to `md.includes`, so `serve` measures them again when they change.

use crate::config::Config;
use crate::diag::Code;
use crate::diag::{Diagnostic, Diagnostics};
use crate::links::{join, parent_dir, percent_decode, split_dest};
use crate::markdown::{is_external, link_marker, variant_marker, ParsedMarkdown};
use crate::output::Sink;
use crate::site::{Doc, Site};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where resized variants are kept between builds, relative to the site root.
pub(crate) const VARIANT_CACHE: &str = ".backlot-cache/images";

pub(crate) fn measure(config: &Config, page: &str, md: &mut ParsedMarkdown) {
    let cfg = &config.site.images;
    let mut html = std::mem::take(&mut md.html);
    for (i, link) in md.links.iter().enumerate() {
        let Some(rel) = link
            .is_image
            .then(|| local_file(page, &link.dest))
            .flatten()
        else {
            continue;
        };
        let path = config.root.join(&rel);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue; // a missing image is the link checker's to report
        };
        let kb = meta.len().div_ceil(1024);
        if let Some(max) = cfg.max_kb.filter(|max| kb > *max) {
            md.diagnostics.push(
                Diagnostic::warning(Code::ImageTooHeavy, page, link.line, link.col, format!("image `{}` weighs {kb} KB, more than the {max} KB set in site.toml", link.dest))
                    .with_help("compress or resize it (e.g. WebP or AVIF at the width it is shown), or raise [images] max_kb"),
            );
        }
        md.includes.push(rel.clone());
        if let Ok(size) = imagesize::size(&path) {
            let mut attrs = format!(" width=\"{}\" height=\"{}\"", size.width, size.height);
            if published(config, &rel) && resizable(&rel) {
                attrs.push_str(&srcset(
                    &md.marker,
                    &mut md.variants,
                    i,
                    size.width,
                    &cfg.widths,
                ));
            }
            let tag = format!("<img src=\"{}\"", link_marker(&md.marker, i));
            html = add_attrs(html, &tag, &attrs, &[" width=", " height="], false);
        }
    }
    let lazy = " loading=\"lazy\" decoding=\"async\"";
    md.html = add_attrs(html, "<img ", lazy, &[" loading="], true);
    md.includes.sort();
    md.includes.dedup();
}

/// ` srcset="… 480w, … 1200w" sizes="…"` for link `i` of width `full`, recording a variant for
/// each configured width below it; empty when there is none.
fn srcset(
    marker: &str,
    variants: &mut Vec<(usize, u32)>,
    i: usize,
    full: usize,
    widths: &[u32],
) -> String {
    let mut below: Vec<u32> = widths
        .iter()
        .copied()
        .filter(|&w| w > 0 && (w as usize) < full)
        .collect();
    below.sort_unstable();
    below.dedup();
    if below.is_empty() {
        return String::new();
    }
    let mut set = Vec::new();
    for w in below {
        set.push(format!("{} {w}w", variant_marker(marker, variants.len())));
        variants.push((i, w));
    }
    set.push(format!("{} {full}w", link_marker(marker, i)));
    // Shown at most at its own width, and at the viewport's width below that.
    format!(
        " srcset=\"{}\" sizes=\"(max-width: {full}px) 100vw, {full}px\"",
        set.join(", ")
    )
}

/// The image is copied to the output: it lives in the content folder or in static/.
fn published(config: &Config, rel: &str) -> bool {
    let content = config.content_dir();
    rel.starts_with("static/") || content.is_empty() || rel.starts_with(&format!("{content}/"))
}

/// PNG and JPEG: the formats the `image` crate here decodes and encodes.
fn resizable(path: &str) -> bool {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    ["png", "jpg", "jpeg"]
        .iter()
        .any(|e| ext.eq_ignore_ascii_case(e))
}

/// "guide/photo.png" -> "guide/photo-480w.png" (for a URL or an output path).
fn with_width(path: &str, width: u32) -> String {
    let name_at = path.rfind('/').map_or(0, |i| i + 1);
    match path[name_at..].rfind('.') {
        Some(dot) if dot > 0 => {
            let (stem, ext) = path.split_at(name_at + dot);
            format!("{stem}-{width}w{ext}")
        }
        _ => format!("{path}-{width}w"),
    }
}

/// The URL of variant `n` of a document's page: its image's URL with the width added.
pub(crate) fn variant_url(doc: &Doc, n: usize) -> String {
    let md = &doc.parsed.md;
    match md
        .variants
        .get(n)
        .and_then(|&(i, w)| Some((doc.link_urls.get(i)?, w)))
    {
        Some((url, _)) if url == "#" => url.clone(),
        Some((url, w)) => with_width(url, w),
        None => "#".into(),
    }
}

/// Every variant the pages ask for: output path -> (source file, width).
pub(crate) fn variants(site: &Site) -> BTreeMap<String, (PathBuf, u32)> {
    let mut published: BTreeMap<&str, (&Path, &str)> = BTreeMap::new();
    for (f, path) in &site.assets {
        published.insert(&f.rel, (&f.abs, path));
    }
    for f in &site.static_files {
        published.insert(&f.rel, (&f.abs, f.rel.trim_start_matches("static/")));
    }
    let mut out = BTreeMap::new();
    for doc in &site.docs {
        let md = &doc.parsed.md;
        for &(i, w) in &md.variants {
            let rel = md
                .links
                .get(i)
                .and_then(|l| local_file(&doc.source, &l.dest));
            if let Some((abs, path)) = rel.as_deref().and_then(|r| published.get(r)) {
                out.insert(with_width(path, w), (abs.to_path_buf(), w));
            }
        }
    }
    out
}

/// Writes every variant, resizing only those not in the cache; returns how many it wrote.
pub(crate) fn write_variants(
    site: &Site,
    root: &Path,
    sink: &dyn Sink,
    diags: &mut Diagnostics,
) -> usize {
    let cache = root.join(VARIANT_CACHE);
    let results: Vec<Result<(), Diagnostic>> = variants(site)
        .into_par_iter()
        .map(|(out, (src, w))| {
            let bytes = variant_bytes(&src, w, &cache).map_err(|e| {
                let shown = src.strip_prefix(root).unwrap_or(&src).to_string_lossy().replace('\\', "/");
                Diagnostic::error(Code::ImageVariantFailed, shown, 1, 1, format!("cannot make the {w}px wide variant: {e}"))
                    .with_help("save the image again as a plain PNG or JPEG, or remove the width from [images] widths")
            })?;
            sink.write(&out, &bytes)
                .map_err(|e| Diagnostic::error(Code::OutputWrite, out.as_str(), 1, 1, format!("cannot write output: {e}")))
        })
        .collect();
    let mut written = 0;
    for r in results {
        match r {
            Ok(()) => written += 1,
            Err(d) => diags.push(d),
        }
    }
    written
}

/// The variant's bytes from the cache, keyed by the source's bytes and the width, or resized
/// now and stored there (a cache that cannot be written only costs the next build time).
fn variant_bytes(src: &Path, width: u32, cache: &Path) -> Result<Vec<u8>, String> {
    use std::hash::{Hash, Hasher};
    let source = std::fs::read(src).map_err(|e| e.to_string())?;
    let format = image::guess_format(&source).map_err(|e| e.to_string())?;
    let mut h = rustc_hash::FxHasher::default();
    (&source, width).hash(&mut h);
    let ext = format.extensions_str().first().copied().unwrap_or("img");
    let cached = cache.join(format!("{:016x}-{width}w.{ext}", h.finish()));
    if let Ok(bytes) = std::fs::read(&cached) {
        return Ok(bytes);
    }
    let bytes = resize(&source, format, width).map_err(|e| e.to_string())?;
    let _ = std::fs::create_dir_all(cache).and_then(|()| {
        let mut tmp = tempfile::NamedTempFile::new_in(cache)?;
        std::io::Write::write_all(&mut tmp, &bytes)?;
        tmp.persist(&cached).map(|_| ()).map_err(|e| e.error)
    });
    Ok(bytes)
}

/// Decodes, turns upright (EXIF orientation, which the variant does not carry), resizes to
/// `width` keeping the aspect ratio, and encodes in the source's format. The same bytes in
/// give the same bytes out.
fn resize(source: &[u8], format: image::ImageFormat, width: u32) -> image::ImageResult<Vec<u8>> {
    use image::{ImageDecoder, ImageFormat};
    let mut reader = image::ImageReader::new(std::io::Cursor::new(source));
    reader.set_format(format);
    let mut decoder = reader.into_decoder()?;
    let orientation = decoder.orientation()?;
    let mut img = image::DynamicImage::from_decoder(decoder)?;
    img.apply_orientation(orientation);
    let (w, h) = (u64::from(img.width().max(1)), u64::from(img.height()));
    let height = ((h * u64::from(width) + w / 2) / w).max(1) as u32;
    let small = img.resize_exact(width, height, image::imageops::FilterType::Lanczos3);
    let mut out = Vec::new();
    if format == ImageFormat::Jpeg {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
        small.to_rgb8().write_with_encoder(encoder)?;
    } else {
        small.write_to(&mut std::io::Cursor::new(&mut out), format)?;
    }
    Ok(out)
}

/// The image's file relative to the root, for a link to a file of the site.
pub(crate) fn local_file(page: &str, dest: &str) -> Option<String> {
    if is_external(dest) {
        return None;
    }
    let (path, _) = split_dest(dest);
    let rel = join(parent_dir(page), &percent_decode(path)).ok()?;
    (!rel.is_empty() && !rel.ends_with('/')).then_some(rel)
}

/// Adds `attrs` after each `start` (the opening of an `img` tag) whose tag has none of
/// `unless` (raw HTML that sets its own size or loading), skipping the first tag if asked.
/// Every page goes through here: one without images comes back as it is, not copied.
fn add_attrs(html: String, start: &str, attrs: &str, unless: &[&str], skip_first: bool) -> String {
    let find = memchr::memmem::Finder::new(start);
    if find.find(html.as_bytes()).is_none() {
        return html;
    }
    let mut out = String::with_capacity(html.len() + attrs.len());
    let mut rest = html.as_str();
    let mut skip = skip_first;
    while let Some(at) = find.find(rest.as_bytes()) {
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
            add_attrs(
                html.into(),
                "<img src=\"m\"",
                " width=\"1\"",
                &[" width="],
                false
            ),
            "<p><img src=\"m\" width=\"1\" alt=\"a\" /> <img src=\"m\" width=\"3\"></p>"
        );
        assert_eq!(
            add_attrs(
                "<img a><img b><img c loading=\"eager\">".into(),
                "<img ",
                "x",
                &[" loading="],
                true
            ),
            "<img a><img x b><img c loading=\"eager\">"
        );
        assert_eq!(
            add_attrs("<p>none</p>".into(), "<img ", "x", &[], false),
            "<p>none</p>"
        );
        assert_eq!(
            local_file("content/a/b.md", "../img/x%20y.png#f"),
            Some("content/img/x y.png".into())
        );
        assert_eq!(local_file("content/b.md", "https://e.x/a.png"), None);
    }

    #[test]
    fn variant_names_carry_the_width_before_the_extension() {
        assert_eq!(
            with_width("/repo/guide/photo.png", 480),
            "/repo/guide/photo-480w.png"
        );
        assert_eq!(with_width("a.b/photo", 480), "a.b/photo-480w");
        assert_eq!(with_width("img/.hidden", 10), "img/.hidden-10w");
        assert!(resizable("x/a.JPG") && !resizable("x/a.gif"));
    }
}
