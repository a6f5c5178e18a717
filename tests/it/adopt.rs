//! Issue 13: a repository's existing docs folder builds as it is. Pages without front matter
//! are titled by their first heading or file name, README.md and index.md are folder indexes,
//! unweighted pages follow natural file-name order, punctuation keeps file names apart, other
//! tools' front matter keys are mapped or reported once, and `backlot init` writes a site.toml
//! that builds.

use crate::harness::*;
use crate::publish::git;
use std::path::Path;

/// Runs `backlot <command>` in `dir`, as a user in their repository would.
fn run_in(dir: &Path, command: &str) -> Run {
    backlot()
        .arg(command)
        .current_dir(dir)
        .output()
        .unwrap()
        .into()
}

/// The sidebar's links in order, as (href, text).
fn sidebar(html: &str) -> Vec<(String, String)> {
    let start = html.find("id=\"sidebar\"").expect("a sidebar");
    let nav = &html[start..start + html[start..].find("</nav>").unwrap()];
    nav.split("<a href=\"")
        .skip(1)
        .map(|a| {
            let (href, rest) = a.split_once('"').unwrap();
            let text = rest[rest.find('>').unwrap() + 1..rest.find("</a>").unwrap()].to_string();
            (href.to_string(), text)
        })
        .collect()
}

fn title(html: &str) -> &str {
    let start = html.find("<h1>").expect("an <h1>") + 4;
    &html[start..start + html[start..].find("</h1>").unwrap()]
}

#[test]
fn a_repository_docs_folder_builds_as_it_is() {
    let f = fixture("adopt", "repo-docs");
    let run = f.build_ok(&[]);
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
    // URLs: README.md and index.md are their folder's page; punctuation keeps names apart.
    for page in [
        "index.html",
        "01-intro/index.html",
        "2-mac/index.html",
        "10-faq/index.html",
        "guide/index.html",
        "reference/index.html",
        "reference/clang/index.html",
        "reference/clang++/index.html",
        "reference/v1.2/index.html",
        "reference/v12/index.html",
        "reference/!/index.html",
        "reference/$/index.html",
        "install/index.html",
    ] {
        assert!(f.exists(page), "{page} missing");
    }
    for gone in [
        "readme/index.html",
        "guide/readme/index.html",
        "reference/index/index.html",
    ] {
        assert!(!f.exists(gone), "{gone} should be a folder page");
    }
    // Titles: front matter, else the first heading (shown once), else the file name.
    let intro = f.read("01-intro/index.html");
    assert_eq!(title(&intro), "Zebra: an introduction");
    assert_eq!(
        main_element(&intro).matches("<h1").count(),
        1,
        "title shown twice"
    );
    assert_eq!(title(&f.read("10-faq/index.html")), "Faq");
    assert_eq!(title(&f.read("2-mac/index.html")), "Old Mac notes");
    assert_eq!(title(&f.read("guide/index.html")), "The guide");
    assert_eq!(
        title(&f.read("guide/advanced-usage/index.html")),
        "Advanced usage"
    );
    assert!(f
        .read("index.html")
        .contains("<h1>Widget documentation</h1>"));
    // Order: `nav_order` is a weight; the rest by file name in natural order, not by title.
    let order: Vec<String> = sidebar(&f.read("index.html"))
        .into_iter()
        .map(|(href, _)| href.trim_start_matches("/widgets/").to_string())
        .collect();
    assert_eq!(
        order[..6],
        [
            "02-setup/",
            "01-intro/",
            "2-mac/",
            "10-faq/",
            "guide/",
            "guide/getting-started/"
        ],
        "{order:?}"
    );
    assert!(
        order.contains(&"reference/clang++/".to_string()),
        "{order:?}"
    );
    // Links to README.md, index.md and their folders reach the folder pages.
    let home = f.read("index.html");
    assert!(home.matches("href=\"/widgets/guide/\">").count() >= 2);
    assert!(home.contains("href=\"/widgets/reference/\">reference</a>"));
    let reference = f.read("reference/index.html");
    assert!(
        reference.contains("href=\"/widgets/reference/clang++/\""),
        "{reference}"
    );
    // Tags: case merges, `C++` and `C#` stay apart.
    for tag in ["c", "c-plus-plus", "c-sharp"] {
        assert!(f.exists(&format!("tags/{tag}/index.html")), "tag {tag}");
    }
    // Edit links name the file inside the docs folder.
    assert!(intro.contains("https://github.com/acme/widgets/edit/main/docs/01-intro.md"));
    // Other tools' keys: `layout` and `permalink` once each for the site, the rest silent.
    assert_eq!(run.stderr.matches("warning").count(), 2, "{}", run.stderr);
    assert!(run.stderr.contains(
        "docs/02-setup.md:4:1: warning: front matter key `layout` does not apply to backlot and is ignored (2 files)"
    ), "{}", run.stderr);
    assert!(run
        .stderr
        .contains("`permalink` does not apply to backlot and is ignored (1 file)"));
}

#[test]
fn unknown_keys_warn_once_per_key() {
    let f = fixture("adopt", "repo-docs");
    for (i, page) in ["docs/a.md", "docs/b.md"].iter().enumerate() {
        f.write(
            page,
            &format!("---\ntitle: P{i}\ncolour: red\n---\nText.\n"),
        );
    }
    let run = f.build_ok(&[]);
    assert_eq!(run.stderr.matches("`colour`").count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains(
        "docs/a.md:3:1: warning: unknown front matter key `colour`, kept under `extra` (2 files)"
    ), "{}", run.stderr);
}

#[test]
fn strict_front_matter_reports_every_problem() {
    let f = fixture("adopt", "strict");
    let run = f.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for e in [
        "content/_index.md:3:1: error: unknown field `layout`",
        "content/a.md:2:8: error: title: invalid type: sequence",
        "content/a.md:3:9: error: weight: invalid type: string \"heavy\", expected a whole number",
        "content/a.md:4:1: error: unknown field `nav_order`",
        "content/a.md:5:1: error: unknown field `author`",
        "content/a.md:6:1: error: unknown field `titel`",
        "help: did you mean `title`?",
        "content/a.md:7:7: error: date: invalid date `last tuesday`",
        "content/b.md:3:1: error: unknown field `colour`",
        "content/b.md:4:1: error: front matter key `description`: its value contains the control character U+0007",
    ] {
        assert!(run.stderr.contains(e), "stderr lacks {e:?}:\n{}", run.stderr);
    }
    assert!(!f.exists("index.html"));
}

#[test]
fn folder_index_precedence() {
    let f = fixture("adopt", "index-precedence");
    let run = f.build_ok(&[]);
    assert_eq!(title(&f.read("guide/index.html")), "Guide");
    assert_eq!(title(&f.read("guide/readme/index.html")), "Guide readme");
    assert_eq!(title(&f.read("guide/index/index.html")), "Guide index");
    for loser in ["content/guide/README.md", "content/guide/index.md"] {
        assert!(
            run.stderr.contains(&format!(
                "{loser}:1:1: warning: `content/guide/_index.md` is this folder's index page"
            )),
            "{}",
            run.stderr
        );
    }
    // A top-level README.md is the home page.
    assert!(f.read("index.html").contains("<h1>Home</h1>"));
}

#[test]
fn init_writes_a_site_toml_that_serves() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("widgets");
    copy_dir(
        &fixtures_dir().join("adopt/repo-docs/docs"),
        &root.join("docs"),
    );
    std::fs::write(root.join("README.md"), "# Widgets\n\nThe repository.\n").unwrap();
    let date = "2026-01-01T00:00:00Z";
    git(&root, &["init", "-q", "-b", "trunk"], date);
    git(
        &root,
        &["remote", "add", "origin", "git@github.com:acme/widgets.git"],
        date,
    );
    let run = run_in(&root, "init");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("next: backlot serve"), "{}", run.stdout);
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    for line in [
        "title = \"Widgets\"",
        "base_url = \"https://acme.github.io/widgets/\"",
        "content_dir = \"docs\"",
        "url = \"https://github.com/acme/widgets\"",
        "branch = \"trunk\"",
    ] {
        assert!(toml.contains(line), "{line} not in:\n{toml}");
    }
    // Never overwrites.
    let again = run_in(&root, "init");
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains("site.toml already exists"),
        "{}",
        again.stderr
    );
    assert_eq!(
        std::fs::read_to_string(root.join("site.toml")).unwrap(),
        toml
    );
    // The next command works.
    let build = run_in(&root, "build");
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(root.join("public/reference/clang++/index.html").is_file());
}

#[test]
fn init_without_docs_says_what_to_do() {
    let t = tempfile::tempdir().unwrap();
    let run = run_in(t.path(), "init");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("no folder with Markdown files found"),
        "{}",
        run.stderr
    );
    assert!(!t.path().join("site.toml").exists());
}
