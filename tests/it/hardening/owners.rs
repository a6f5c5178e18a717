//! Issue 14: every output path has exactly one owner. An alias, a static or content file, a
//! section or a tag that would write where something else writes fails `build`, `check` and
//! the preview, naming both owners, and the last good site stays.

use super::harness::{assert_refused, backlot, page, text, write, SITE_TOML};
use backlot::config::Overrides;
use backlot::serve::incremental::Engine;
use backlot::serve::watcher::Plan;

fn site(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        &[
            ("site.toml", SITE_TOML),
            ("content/_index.md", &page("Home", "Home body.\n")),
            (
                "content/guide.md",
                "---\ntitle: \"Guide\"\ndescription: \"d\"\ntags: [\"go\"]\n---\nGuide body.\n",
            ),
        ],
    );
    write(t.path(), extra);
    t
}

/// Builds (after a first good build) and checks: both fail with `expected`, public/ unchanged.
fn assert_clash(extra: &[(&str, &str)], expected: &str) {
    let t = site(&[]);
    backlot(t.path(), &["build"]).ok();
    let before = super::harness::tree(&t.path().join("public"));
    write(t.path(), extra);
    assert_refused(t.path(), expected);
    assert_eq!(before, super::harness::tree(&t.path().join("public")));
}

#[test]
fn an_alias_cannot_replace_the_home_page() {
    assert_clash(
        &[(
            "content/guide.md",
            "---\ntitle: \"Guide\"\ndescription: \"d\"\naliases: [\"index.html\"]\n---\nGuide.\n",
        )],
        "content/guide.md:4:1: error: output path `index.html` has two owners: alias `index.html` (content/guide.md:4) and the page (content/_index.md:1)",
    );
}

#[test]
fn static_and_content_files_cannot_replace_generated_ones() {
    for (file, path, owner) in [
        ("static/sitemap.xml", "sitemap.xml", "backlot's sitemap.xml"),
        ("static/atom.xml", "atom.xml", "backlot's atom.xml"),
        ("static/robots.txt", "robots.txt", "backlot's robots.txt"),
        ("static/404.html", "404.html", "backlot's 404.html"),
        ("content/llms.txt", "llms.txt", "backlot's llms.txt"),
        (
            "static/search/index.json",
            "search/index.json",
            "backlot's search index",
        ),
        (
            "static/theme.js",
            "theme.js",
            "the theme's file (themes/default/static/theme.js:1)",
        ),
        (
            "static/guide/index.html",
            "guide/index.html",
            "the page (content/guide.md:1)",
        ),
        (
            "static/tags/go/index.html",
            "tags/go/index.html",
            "the page of tag `go` (content/guide.md:4)",
        ),
    ] {
        let shown = if path == "search/index.json" {
            format!("{file}:1:1: error: output path `{path}` of the copied file ({file}:1) clashes with `search` of {owner}")
        } else {
            format!("{file}:1:1: error: output path `{path}` has two owners: the copied file ({file}:1) and {owner}")
        };
        assert_clash(&[(file, "x")], &shown);
    }
}

#[test]
fn a_section_named_tags_or_a_page_at_a_tag_url_is_refused() {
    assert_clash(
        &[("content/tags/_index.md", &page("Tags", "Mine.\n"))],
        "content/tags/_index.md:1:1: error: output path `tags/index.html` has two owners: the page (content/tags/_index.md:1) and the tags index",
    );
    assert_clash(
        &[("content/tags/go.md", &page("Go", "Mine.\n"))],
        "content/tags/go.md:1:1: error: output path `tags/go/index.html` has two owners: the page (content/tags/go.md:1) and the page of tag `go` (content/guide.md:4)",
    );
}

#[test]
fn a_file_where_a_folder_is_needed_is_refused() {
    assert_clash(
        &[("static/guide", "a file named like the page's folder")],
        "static/guide:1:1: error: output path `guide` of the copied file (static/guide:1) clashes with `guide/index.html` of the page (content/guide.md:1)",
    );
}

#[test]
fn the_preview_reports_a_clash_and_keeps_the_last_good_site() {
    let t = site(&[]);
    let mut engine = Engine::new(t.path(), Overrides::default());
    assert!(!engine.rebuild(&Plan::full()).failed());
    let home = engine.snapshot().get("index.html").unwrap().clone();
    write(
        t.path(),
        &[(
            "content/guide.md",
            "---\ntitle: \"Guide\"\ndescription: \"d\"\naliases: [\"index.html\"]\n---\nGuide.\n",
        )],
    );
    let outcome = engine.rebuild(&Plan::full());
    assert!(outcome.failed());
    let shown: Vec<String> = outcome.diags.iter().map(|d| d.to_string()).collect();
    assert!(
        shown
            .iter()
            .any(|d| d.contains("output path `index.html` has two owners")),
        "{shown:?}"
    );
    assert_eq!(engine.snapshot().get("index.html").unwrap(), &home);
}

#[test]
fn a_clean_site_still_builds() {
    let t = site(&[("static/files/a.txt", "a"), ("content/img.txt", "b")]);
    backlot(t.path(), &["build"]).ok();
    assert!(text(&t.path().join("public"), "index.html").contains("Home body."));
    assert_eq!(text(&t.path().join("public"), "img.txt"), "b");
}
