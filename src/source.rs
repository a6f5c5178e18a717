//! Discovery: walk the content folder (content/ or site.toml's `content_dir`), data/ and static/
//! into sorted lists of source files (no parsing).
//!
//! Dotfiles and editor scratch files are skipped; a symlink whose target lies outside the site
//! root is an error naming it, so nothing outside the root is ever read into the output.

use crate::diag::Code;
use crate::diag::{Diagnostic, Diagnostics};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SourceFile {
    /// Relative to the site root, `/`-separated: "content/stacks/go.md".
    pub(crate) rel: String,
    pub(crate) abs: PathBuf,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Sources {
    /// Markdown files under content/ (pages and `_index.md` sections).
    pub(crate) markdown: Vec<SourceFile>,
    /// Other files under content/ (images beside pages), copied to the same place in the output.
    pub(crate) assets: Vec<SourceFile>,
    pub(crate) data: Vec<SourceFile>,
    pub(crate) static_files: Vec<SourceFile>,
}

/// File names that editors and operating systems leave behind; never content.
pub(crate) fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
}

pub(crate) fn discover(root: &Path, content: &str, diags: &mut Diagnostics) -> Sources {
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut sources = Sources::default();
    for file in walk(root, &canon_root, content, diags) {
        if file.rel.ends_with(".md") {
            sources.markdown.push(file);
        } else {
            sources.assets.push(file);
        }
    }
    sources.data = walk(root, &canon_root, "data", diags)
        .into_iter()
        .filter(|f| {
            [".toml", ".yaml", ".yml", ".json"]
                .iter()
                .any(|e| f.rel.ends_with(e))
        })
        .collect();
    sources.static_files = walk(root, &canon_root, "static", diags);
    sources
}

/// Every file below `root/dir`, sorted by path.
pub(crate) fn walk(
    root: &Path,
    canon_root: &Path,
    dir: &str,
    diags: &mut Diagnostics,
) -> Vec<SourceFile> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    // walkdir follows a symlinked starting folder, so check `content -> /elsewhere` here.
    if let Err(d) = check_inside(&base, canon_root) {
        diags.push(Diagnostic {
            path: dir.to_string(),
            ..d
        });
        return Vec::new();
    }
    let mut out = Vec::new();
    let walker = WalkDir::new(&base)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| rel_path(root, p))
                    .unwrap_or_else(|| dir.to_string());
                diags.push(Diagnostic::error(
                    Code::Unreadable,
                    path,
                    1,
                    1,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        let rel = rel_path(root, entry.path());
        if entry.path_is_symlink() {
            match check_symlink(entry.path(), canon_root) {
                Ok(true) => out.push(SourceFile {
                    rel,
                    abs: entry.path().to_path_buf(),
                }),
                Ok(false) => diags.push(
                    Diagnostic::warning(
                        Code::SymlinkedFolder,
                        rel,
                        1,
                        1,
                        "symlinked folders are not followed",
                    )
                    .with_help("move the folder into the site instead of linking it"),
                ),
                Err(d) => diags.push(Diagnostic { path: rel, ..d }),
            }
        } else if entry.file_type().is_file() {
            out.push(SourceFile {
                rel,
                abs: entry.path().to_path_buf(),
            });
        }
    }
    out
}

/// Ok(true) for a link to a file inside the root, Ok(false) for a link to a folder inside it.
fn check_symlink(path: &Path, canon_root: &Path) -> Result<bool, Diagnostic> {
    let target = check_inside(path, canon_root)?;
    Ok(target.is_file())
}

/// The real location of `path`, if it lies inside the site root and outside hidden folders
/// (`.git`, `.env`...), which are never content.
fn check_inside(path: &Path, canon_root: &Path) -> Result<PathBuf, Diagnostic> {
    let target = path.canonicalize().map_err(|e| {
        Diagnostic::error(
            Code::SymlinkBroken,
            "",
            1,
            1,
            format!("broken symlink: {e}"),
        )
        .with_help("remove the link or fix its target")
    })?;
    let hidden = target.strip_prefix(canon_root).is_ok_and(|rel| {
        rel.components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    });
    if hidden {
        return Err(Diagnostic::error(
            Code::SymlinkEscapes,
            "",
            1,
            1,
            "symlink points into a hidden file or folder of the site",
        )
        .with_help(
            "hidden files (.git, .env...) are never published; copy what you need into the site",
        ));
    }
    if !target.starts_with(canon_root) {
        return Err(Diagnostic::error(
            Code::SymlinkEscapes,
            "",
            1,
            1,
            format!(
                "symlink points outside the site root, to {}",
                target.display()
            ),
        )
        .with_help(
            "copy the file into the site; backlot never reads files outside the site root",
        ));
    }
    Ok(target)
}

/// The Markdown files of `markdown` that are not among `parsed` (their parse failed).
pub(crate) fn unparsed<'a>(
    markdown: &[SourceFile],
    parsed: impl Iterator<Item = &'a String>,
) -> std::collections::HashSet<String> {
    let parsed: std::collections::HashSet<&String> = parsed.collect();
    markdown
        .iter()
        .filter(|f| !parsed.contains(&f.rel))
        .map(|f| f.rel.clone())
        .collect()
}

/// A folder's index page by name, best first: `_index.md` (Zola, Hugo), `index.md`, then
/// `README.md` in any case (what GitHub shows for a folder).
pub(crate) fn index_rank(file: &str) -> Option<u8> {
    match file {
        "_index.md" => Some(0),
        "index.md" => Some(1),
        f if f.eq_ignore_ascii_case("readme.md") => Some(2),
        _ => None,
    }
}

pub(crate) fn is_index_name(file: &str) -> bool {
    index_rank(file).is_some()
}

/// `path` relative to `root`, with `/` separators.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads a text source: UTF-8 required, byte-order mark dropped, CRLF read as LF.
pub(crate) fn read_text(file: &SourceFile) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(&file.abs).map_err(|e| {
        Diagnostic::error(
            Code::Unreadable,
            &file.rel,
            1,
            1,
            format!("cannot read file: {e}"),
        )
    })?;
    decode_text(&file.rel, bytes)
}

pub(crate) fn decode_text(rel: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() + 1;
        let col = valid
            - bytes[..valid]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1)
            + 1;
        Diagnostic::error(
            Code::NotUtf8,
            rel,
            line,
            col,
            format!("file is not valid UTF-8 (byte {valid})"),
        )
        .with_help("save the file as UTF-8")
    })?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    // CRLF (Windows) and lone CR (classic Mac OS) line endings both read as LF.
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    })
}

/// Markdown files larger than this are refused before reading: parsing costs ~30 times a page's
/// size in memory, and no hand-written page comes near it.
pub(crate) const MAX_PAGE_BYTES: u64 = 10 * 1024 * 1024;

/// Reads a Markdown source, refusing one larger than `MAX_PAGE_BYTES`.
pub(crate) fn read_page(file: &SourceFile) -> Result<String, Diagnostic> {
    let size = std::fs::metadata(&file.abs).map_or(0, |m| m.len());
    if size > MAX_PAGE_BYTES {
        return Err(Diagnostic::error(
            Code::PageTooLarge,
            &file.rel,
            1,
            1,
            format!(
                "page is {} MB; the limit is {} MB",
                size / (1024 * 1024),
                MAX_PAGE_BYTES / (1024 * 1024)
            ),
        )
        .with_help("split the page into several pages, or move generated data into data/"));
    }
    read_text(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for name in [
            ".hidden",
            "a.md~",
            ".a.md.swp",
            "4913",
            "x.tmp",
            "#a.md#",
            ".#a.md",
            ".DS_Store",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("go.md"));
    }

    #[test]
    fn bom_and_crlf_read_as_plain() {
        let t = decode_text("a.md", b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\n".to_vec()).unwrap();
        assert_eq!(t, "---\ntitle: x\n---\n");
        let t = decode_text("a.md", b"---\rtitle: x\r---\rbody\r".to_vec()).unwrap();
        assert_eq!(t, "---\ntitle: x\n---\nbody\n");
    }

    #[test]
    fn oversized_page_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let abs = dir.path().join("big.md");
        let f = std::fs::File::create(&abs).unwrap();
        f.set_len(MAX_PAGE_BYTES + 1).unwrap();
        let file = SourceFile {
            rel: "content/big.md".into(),
            abs,
        };
        let d = read_page(&file).unwrap_err();
        assert!(d.message.contains("the limit is 10 MB"), "{}", d.message);
    }

    #[test]
    fn invalid_utf8_names_line() {
        let d = decode_text("a.md", b"ok\nbad \xff".to_vec()).unwrap_err();
        assert_eq!((d.line, d.col), (2, 5));
    }
}
