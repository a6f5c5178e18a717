//! Code blocks filled from files of the repository: a fence with `include="path"` (relative to
//! the page, or to the site root when it starts with `/`) takes that file's text, its
//! `lines="a-b"`, or its `region="name"` between `ANCHOR: name` and `ANCHOR_END: name` comment
//! markers (mdBook's). The block's own body is what GitHub shows, so it is a copy or a
//! placeholder; the build replaces it. Runs after the parse, which stays a function of the
//! page's bytes; `serve` re-runs it when an included file changes (see `serve::incremental`).

use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::highlight::Highlighter;
use crate::markdown::ParsedMarkdown;
use std::path::{Path, PathBuf};

/// Fills every including block of a page; problems go to the page's diagnostics, the
/// included files (relative to the root) to `md.includes`, so `serve` can rebuild the page
/// when one changes.
pub(crate) fn resolve(root: &Path, page: &str, md: &mut ParsedMarkdown, h: &Highlighter) {
    let mut used = Vec::new();
    for (block, fence) in md.code_blocks.iter_mut().zip(md.code_fences.iter_mut()) {
        let Some(target) = fence.include.clone() else {
            continue;
        };
        // Includes are fenced: the fence is the line before the code.
        let line = block.line.saturating_sub(1).max(1);
        let err =
            |code, m: String, help: &str| Diagnostic::error(code, page, line, 1, m).with_help(help);
        let (file, rel) = match locate(root, page, &target) {
            Ok(found) => found,
            Err(m) => {
                md.diagnostics.push(err(Code::IncludeNotFound, m, "include a file inside the repository, by a path relative to this page or starting with `/` for the site root"));
                continue;
            }
        };
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                md.diagnostics.push(err(
                    Code::IncludeUnreadable,
                    format!("cannot read included file `{target}`: {e}"),
                    "include a UTF-8 text file",
                ));
                continue;
            }
        };
        let code = match (fence.lines, &fence.region) {
            (Some(_), Some(_)) => Err("`lines` and `region` cannot both be given".to_string()),
            (Some(range), None) => line_range(&text, range, &target),
            (None, Some(name)) => region(&text, name, &target),
            (None, None) => Ok(without_markers(&text)),
        };
        match code {
            Ok(code) => {
                if fence.lang.is_empty() {
                    fence.lang = language(&file, h);
                    block.lang = fence.lang.clone();
                }
                block.code = code;
                used.push(rel);
            }
            Err(m) => md.diagnostics.push(err(Code::IncludeRangeInvalid, m, "mark a region in the file with `ANCHOR: name` and `ANCHOR_END: name` comments, or give lines=\"a-b\" within the file")),
        }
    }
    used.sort();
    used.dedup();
    md.includes = used;
}

/// The included file's real path and its path from the root, confined to the root: no `..` or
/// symbolic link leads out of it.
fn locate(root: &Path, page: &str, target: &str) -> Result<(PathBuf, String), String> {
    let joined = match target.strip_prefix('/') {
        Some(from_root) => root.join(from_root),
        None => root.join(page).parent().unwrap_or(root).join(target),
    };
    let real = joined
        .canonicalize()
        .map_err(|_| format!("included file `{target}` does not exist"))?;
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if !real.starts_with(&root) || !real.is_file() {
        return Err(format!(
            "included file `{target}` is outside the repository or not a file"
        ));
    }
    let rel = crate::source::rel_path(&root, &real);
    Ok((real, rel))
}

/// The language of a file, from its extension, if the highlighter knows it.
fn language(file: &Path, h: &Highlighter) -> String {
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    // The syntax's own name reads better as a label (`python`, not `py`) when it is one.
    match h.find(ext).map(|s| s.name.to_ascii_lowercase()) {
        Some(name) if h.find(&name).is_some() => name,
        Some(_) => ext.to_string(),
        None => String::new(),
    }
}

fn is_marker(line: &str) -> bool {
    line.contains("ANCHOR: ") || line.contains("ANCHOR_END: ")
}

fn without_markers(text: &str) -> String {
    let mut out: String = text
        .lines()
        .filter(|l| !is_marker(l))
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

fn line_range(text: &str, (a, b): (usize, usize), target: &str) -> Result<String, String> {
    let lines: Vec<&str> = text.lines().collect();
    if b > lines.len() {
        return Err(format!(
            "lines=\"{a}-{b}\" is past the end of `{target}` ({} lines)",
            lines.len()
        ));
    }
    Ok(without_markers(&lines[a - 1..b].join("\n")))
}

/// The lines between `ANCHOR: name` and `ANCHOR_END: name`, other markers removed and the
/// common indentation taken off (a region inside a function reads from the left margin).
fn region(text: &str, name: &str, target: &str) -> Result<String, String> {
    let marks = |word: &str| {
        let want = format!("{word}: {name}");
        move |l: &&str| {
            l.split_once(&want).is_some_and(|(_, after)| {
                !after.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '-')
            })
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(marks("ANCHOR"))
        .ok_or_else(|| format!("region `{name}` is not marked in `{target}`"))?;
    let len = lines[start + 1..]
        .iter()
        .position(marks("ANCHOR_END"))
        .ok_or_else(|| format!("region `{name}` in `{target}` has no `ANCHOR_END: {name}`"))?;
    let body: Vec<&str> = lines[start + 1..start + 1 + len]
        .iter()
        .copied()
        .filter(|l| !is_marker(l))
        .collect();
    let indent = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: String = body
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "fn main() {\n    // ANCHOR: handler\n    let a = 1;\n    // ANCHOR: inner\n    let b = 2;\n    // ANCHOR_END: inner\n    // ANCHOR_END: handler\n}\n";

    #[test]
    fn regions_lines_and_markers() {
        assert_eq!(
            region(SRC, "handler", "a.rs").unwrap(),
            "let a = 1;\nlet b = 2;\n"
        );
        assert_eq!(region(SRC, "inner", "a.rs").unwrap(), "let b = 2;\n");
        assert!(region(SRC, "hand", "a.rs")
            .unwrap_err()
            .contains("not marked"));
        assert_eq!(line_range(SRC, (1, 1), "a.rs").unwrap(), "fn main() {\n");
        assert!(line_range(SRC, (1, 99), "a.rs")
            .unwrap_err()
            .contains("8 lines"));
        assert!(!without_markers(SRC).contains("ANCHOR"));
    }
}
