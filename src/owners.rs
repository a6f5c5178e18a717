//! The output-path owner map: every file a build writes has exactly one owner (a page, an
//! alias, a tag, a copied file, or backlot itself for the generated files). Built once, before
//! anything renders, from the same helpers the render stage writes with; two owners of one
//! path, or a file where another owner needs a folder, fail the build naming both.
//! `build`, `check` and `serve` all run it (pipeline.rs, serve/incremental.rs).

use crate::diag::Code;
use crate::diag::{Diagnostic, Diagnostics};
use crate::render::{alias_output, generated_outputs, tag_output, Renderer};
use std::collections::BTreeMap;

/// The search index writes a varying number of files under this folder: it owns it whole
/// (`serve` replaces the folder on every index change).
const SEARCH_DIR: &str = "search/";

/// Who writes an output path.
#[derive(Clone, Debug)]
struct Owner {
    /// The file responsible, relative to the site root; None for backlot's generated files.
    source: Option<String>,
    line: usize,
    /// "the page", "alias `x`", "tag `C#`", ...
    what: String,
    help: &'static str,
}

impl Owner {
    fn generated(what: impl Into<String>) -> Owner {
        Owner {
            source: None,
            line: 1,
            what: what.into(),
            help: "",
        }
    }

    fn shown(&self) -> String {
        match &self.source {
            Some(s) => format!("{} ({s}:{})", self.what, self.line),
            None => self.what.clone(),
        }
    }
}

const PAGE_HELP: &str =
    "move or rename the page so that its URL is free, or remove the other owner";
const ALIAS_HELP: &str = "remove the alias: that URL already belongs to something else";
const COPY_HELP: &str = "rename or move the file; to replace a theme file, put yours in themes/<theme>/static/ (or templates/) instead";
const TAG_HELP: &str = "rename the tag, or move the page that takes its URL";

/// Every output path of the site `r` renders, with its owner, in a fixed order: backlot's
/// generated files and the theme's first, so a clash is reported at the content file that
/// can move.
fn claims(r: &Renderer) -> Vec<(String, Owner)> {
    let mut out = Vec::new();
    for path in generated_outputs(r.config) {
        out.push((
            path.to_string(),
            Owner::generated(format!("backlot's {path}")),
        ));
    }
    out.push((
        SEARCH_DIR.to_string(),
        Owner::generated("backlot's search index (the whole search/ folder)"),
    ));
    if !r.site.tags.is_empty() {
        out.push(("tags/index.html".into(), Owner::generated("the tags index")));
    }
    for t in &r.site.tags {
        let first = t.docs.first().map(|&i| &r.site.docs[i]);
        out.push((
            tag_output(&t.slug),
            Owner {
                source: first.map(|d| d.source.clone()),
                line: first.map_or(1, |d| d.parsed.tags_line),
                what: format!("the page of tag `{}`", t.name),
                help: TAG_HELP,
            },
        ));
    }
    for d in &r.site.docs {
        for file in ["index.html", "index.md"] {
            out.push((
                format!("{}{file}", d.path),
                Owner {
                    source: Some(d.source.clone()),
                    line: 1,
                    what: "the page".into(),
                    help: PAGE_HELP,
                },
            ));
        }
    }
    for (alias, target) in &r.site.aliases {
        let d = &r.site.docs[*target];
        out.push((
            alias_output(alias),
            Owner {
                source: Some(d.source.clone()),
                line: d.parsed.aliases_line,
                what: format!("alias `{alias}`"),
                help: ALIAS_HELP,
            },
        ));
    }
    for (path, _, source) in r.copy_list() {
        let theme = source.starts_with("themes/");
        out.push((
            path,
            Owner {
                what: if theme {
                    "the theme's file"
                } else {
                    "the copied file"
                }
                .into(),
                source: Some(source),
                line: 1,
                help: COPY_HELP,
            },
        ));
    }
    out
}

/// Checks that no two owners claim one output path; pushes one error per clash, at the
/// owner that came later (the one a content author can change).
pub(crate) fn check(r: &Renderer, diags: &mut Diagnostics) {
    let mut map: BTreeMap<String, Owner> = BTreeMap::new();
    for (path, owner) in claims(r) {
        let clash = map
            .get(&path)
            .map(|first| (path.clone(), first))
            .or_else(|| folder_clash(&map, &path));
        match clash {
            Some((taken, first)) => diags.push(clash_error(&path, &taken, first, &owner)),
            None => {
                map.insert(path, owner);
            }
        }
    }
}

/// An owner already holding a path where `path` needs a folder (an ancestor of it), or holding
/// a path inside `path` when `path` is a folder claim, or the search folder above `path`.
fn folder_clash<'m>(map: &'m BTreeMap<String, Owner>, path: &str) -> Option<(String, &'m Owner)> {
    for (i, _) in path.match_indices('/') {
        let (file, folder) = (&path[..i], &path[..=i]);
        if let Some(o) = map.get(file).or_else(|| map.get(folder)) {
            return Some((path[..i].to_string(), o));
        }
    }
    // Something claimed earlier inside `path`, which then must be a folder.
    let prefix = if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    };
    map.range(prefix.clone()..)
        .next()
        .filter(|(k, _)| k.starts_with(&prefix))
        .map(|(k, o)| (k.clone(), o))
}

fn clash_error(path: &str, taken: &str, first: &Owner, second: &Owner) -> Diagnostic {
    // Reported at a file an author can change: the later owner, else the earlier one.
    let (at, other) = if second.source.is_some() {
        (second, first)
    } else {
        (first, second)
    };
    let message = if taken == path {
        format!(
            "output path `{path}` has two owners: {} and {}",
            at.shown(),
            other.shown()
        )
    } else {
        format!(
            "output path `{path}` of {} clashes with `{taken}` of {}: one needs a folder where the other writes a file",
            second.shown(),
            first.shown()
        )
    };
    let source = at.source.clone().unwrap_or_else(|| "site.toml".into());
    Diagnostic::error(Code::OutputClash, source, at.line, 1, message).with_help(at.help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(source: &str) -> Owner {
        Owner {
            source: Some(source.into()),
            line: 1,
            what: "x".into(),
            help: "",
        }
    }

    /// The map is built from the same helpers the render stage writes with; this keeps the two
    /// from drifting: every file a real build writes has an owner, and every owned file is
    /// written.
    #[test]
    fn every_written_file_has_exactly_its_owner() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/build/basic");
        let mut diags = Diagnostics::default();
        let loaded = crate::pipeline::load(&root, &Default::default(), &mut diags).unwrap();
        assert!(!diags.has_errors(), "{:?}", diags.0);
        let sink = crate::output::MemSink::default();
        loaded.render(&sink, &mut diags);
        assert!(!diags.has_errors(), "{:?}", diags.0);
        let written = sink.files.into_inner().unwrap();
        let claimed: BTreeMap<String, Owner> = claims(&loaded.renderer()).into_iter().collect();
        for path in written.keys() {
            let owned = claimed.contains_key(path) || path.starts_with(SEARCH_DIR);
            assert!(owned, "{path} is written but has no owner");
        }
        for path in claimed.keys().filter(|p| !p.ends_with('/')) {
            assert!(
                written.contains_key(path),
                "{path} is owned but not written"
            );
        }
        for kind in [
            "CNAME",
            "tags/markdown/index.html",
            "old/second/index.html",
            "files/example.txt",
            "guide/diagram.png",
            "theme.js",
        ] {
            assert!(claimed.contains_key(kind), "{kind}");
        }
    }

    #[test]
    fn folder_clashes_both_ways() {
        let mut map = BTreeMap::new();
        map.insert("a".to_string(), owner("static/a"));
        map.insert(SEARCH_DIR.to_string(), Owner::generated("search"));
        map.insert("b/c/index.html".to_string(), owner("content/b/c.md"));
        assert_eq!(folder_clash(&map, "a/index.html").unwrap().0, "a");
        assert_eq!(folder_clash(&map, "search/s0.json").unwrap().0, "search");
        assert_eq!(folder_clash(&map, "b/c").unwrap().0, "b/c/index.html");
        assert_eq!(folder_clash(&map, "b").unwrap().0, "b/c/index.html");
        assert!(folder_clash(&map, "ab/index.html").is_none());
        assert!(folder_clash(&map, "b/d.html").is_none());
    }
}
