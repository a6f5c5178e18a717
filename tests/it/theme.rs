//! The default theme's HTML and the search index, on the fixture site tests/fixtures/theme/site
//! built under a subpath base_url. (How it behaves in a browser is tests/browser/.)

use crate::harness::copy_dir;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The fixture, copied to a fresh folder and built once for all tests in this file.
fn site() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/theme/site");
        let root = std::env::temp_dir().join(format!("backlot-theme-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        copy_dir(&from, &root);
        let out = Command::new(env!("CARGO_BIN_EXE_backlot"))
            .args(["build", "--root"])
            .arg(&root)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "build failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        root.join("public")
    })
}

fn read(path: &str) -> String {
    std::fs::read_to_string(site().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json(path: &str) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The part of `html` from `start` up to the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start}"));
    let rest = &html[from..];
    &rest[..rest.find(end).map_or(rest.len(), |e| e + end.len())]
}

#[test]
fn home_presents_the_tracks_and_where_to_start() {
    let html = read("index.html");
    let tracks = between(&html, "<ul class=\"tracks\">", "</article>");
    let order: Vec<usize> = ["Start here", "Roles", "Tech stacks"]
        .iter()
        .map(|t| tracks.find(&format!(">{t}</a></h3>")).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "tracks by weight");
    assert!(tracks.contains("<p class=\"track-badge\">Start here</p>"));
    assert!(
        tracks.contains("href=\"/docs/roles/zeta/\""),
        "a track lists its pages"
    );
    assert!(html.contains("class=\"button primary\" href=\"/docs/start/\""));
}

#[test]
fn page_has_breadcrumbs_meta_toc_pager_edit_link_and_tags() {
    let html = read("roles/alpha/index.html");
    let crumbs = between(&html, "<nav class=\"breadcrumbs\"", "</nav>");
    assert!(crumbs.contains("<a href=\"/docs/\">Theme Fixture</a>"));
    assert!(crumbs.contains("<a href=\"/docs/roles/\">Roles</a>"));
    assert!(crumbs.contains("<span aria-current=\"page\">Alpha duties</span>"));
    assert!(html.contains("1 min read"));
    assert!(html.contains("<time datetime=\"2026-01-15\">2026-01-15</time>"));
    assert!(html.contains(
        "href=\"https://github.com/example/docs/edit/trunk/site/content/roles/alpha.md\""
    ));
    let toc = between(
        &html,
        "<nav class=\"toc\" aria-label=\"On this page\">",
        "</nav>",
    );
    assert!(toc.contains("<a href=\"#daily-work\">Daily work</a><ul><li><a href=\"#meetings\">"));
    assert!(
        html.contains("<details class=\"toc-inline\">"),
        "a folded copy for narrow screens"
    );
    let pager = between(&html, "<nav class=\"pager\"", "</nav>");
    assert!(pager.contains("href=\"/docs/roles/zeta/\" rel=\"prev\""));
    assert!(pager.contains("href=\"/docs/stacks/\" rel=\"next\""));
    assert!(
        html.contains("<a class=\"tag\" href=\"/docs/tags/getting-started/\">Getting Started</a>")
    );
    assert!(html.contains("class=\"callout callout-tip\""));
    assert!(html.contains("<span class=\"callout-icon\" aria-hidden=\"true\"></span>Tip"));
}

#[test]
fn a_page_can_hide_its_reading_time() {
    let meta = |page: &str| between(&read(page), "<p class=\"page-meta\">", "</p>").to_string();
    assert!(meta("roles/alpha/index.html").contains("min read"));
    assert!(
        !meta("roles/zeta/index.html").contains("min read"),
        "extra.reading_time: false"
    );
}

#[test]
fn sidebar_marks_the_current_page_and_opens_its_section() {
    let html = read("roles/alpha/index.html");
    let nav = between(&html, "<nav class=\"sidebar\"", "</nav>");
    assert!(nav.contains("<a href=\"/docs/roles/alpha/\" aria-current=\"page\">Alpha duties</a>"));
    let roles = between(nav, "<li class=\"nav-section open\">", "</details>");
    assert!(
        roles.contains("<details open>"),
        "the current branch is open"
    );
    assert!(
        roles.find("Zeta duties") < roles.find("Alpha duties"),
        "weight before title"
    );
    let stacks = between(nav, "<a href=\"/docs/stacks/\">", "</details>");
    assert!(
        stacks.contains("<details><summary>"),
        "other sections are folded"
    );
    assert!(nav.contains("<span class=\"visually-hidden\">Pages in Roles</span>"));
}

#[test]
fn every_page_has_the_shell_with_subpath_urls() {
    for path in [
        "index.html",
        "roles/index.html",
        "stacks/go/index.html",
        "404.html",
        "tags/career/index.html",
        "tags/index.html",
    ] {
        let html = read(path);
        assert!(
            html.contains("<a class=\"skip-link\" href=\"#main\">"),
            "{path}"
        );
        assert!(
            html.contains("<main id=\"main\" tabindex=\"-1\">"),
            "{path}"
        );
        assert!(
            html.contains("<link rel=\"stylesheet\" href=\"/docs/theme.css\">"),
            "{path}"
        );
        assert!(
            html.contains("<script src=\"/docs/theme.js\" defer></script>"),
            "{path}"
        );
        assert!(html.contains("data-base=\"/docs/\""), "{path}");
        assert!(
            html.contains("<label class=\"menu-button\" for=\"menu-toggle\">"),
            "{path}"
        );
        assert!(
            !html.contains("src=\"http") && !html.contains("href=\"//"),
            "{path}: no outside requests"
        );
    }
}

#[test]
fn tag_pages_list_their_pages() {
    let html = read("tags/career/index.html");
    assert!(html.contains("<h1>Tag: career</h1>"));
    assert!(html.contains("href=\"/docs/roles/alpha/\">Alpha duties</a>"));
    assert!(html.contains("href=\"/docs/stacks/go/\">Go &lt;fast&gt; &amp; simple</a>"));
    assert!(read("tags/index.html").contains("href=\"/docs/tags/getting-started/\""));
}

#[test]
fn theme_assets_make_no_outside_requests() {
    for path in ["theme.css", "theme.js"] {
        let text = read(path);
        for bad in [
            "url(http",
            "url(//",
            "@import",
            "src=\"http",
            "fonts.googleapis",
        ] {
            assert!(!text.contains(bad), "{path} contains {bad}");
        }
    }
}

#[test]
fn search_index_is_chunked_with_fragments() {
    let manifest = json("search/index.json");
    let keys: Vec<&str> = manifest["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert!(manifest["v"].as_str().unwrap().len() == 16);
    let shard_of = |term: &str| {
        let i = keys.iter().rposition(|k| term.starts_with(k)).unwrap();
        json(&format!("search/s{i}.json"))
    };
    // A document's fragment is in the last fragment file starting at or before it.
    let fragment = |doc: u64| {
        let starts = manifest["f"].as_array().unwrap();
        let i = starts
            .iter()
            .rposition(|s| s.as_u64().unwrap() <= doc)
            .unwrap();
        let first = starts[i].as_u64().unwrap();
        json(&format!("search/f{i}.json"))[(doc - first) as usize].clone()
    };
    // Terms are stems; words whose stem differs map to it.
    assert_eq!(shard_of("alpacas")["w"]["alpacas"], "alpaca");
    let postings = shard_of("alpaca")["t"]["alpaca"].clone();
    let doc = postings[0].as_u64().unwrap();
    let frag = fragment(doc);
    assert_eq!(frag["t"], "Alpha duties");
    assert_eq!(frag["u"], "/docs/roles/alpha/");
    assert_eq!(frag["s"], "Roles");
    // The posting's section is one of the page's, each [id, heading, start of its text].
    let section = postings[2].as_u64().unwrap() as usize;
    assert!(frag["h"][section][2].as_str().unwrap().contains("alpacas"));
    assert!(frag["h"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h[0] == "daily-work"));
    let go = shard_of("go")["t"]["go"].clone();
    assert!(go[1].as_u64().unwrap() >= 20, "a title match weighs most");
    assert_eq!(go[2], 0, "a title match opens at the top of the page");
    let title = fragment(go[0].as_u64().unwrap())["t"].clone();
    assert_eq!(
        title, "Go <fast> & simple",
        "stored as text, escaped by the browser"
    );
}
