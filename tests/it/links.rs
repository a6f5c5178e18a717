//! Real-world repository docs: links and anchors resolved as GitHub resolves them (raw-HTML URLs
//! and ids, case-insensitive anchors, repository files, root-relative links, autolinks), the
//! GitHub-like sanitizer with embed opt-ins, and link levels (`--links warn`, `[links] level`).

use crate::crawl::crawl;
use crate::harness::fixture;

#[test]
fn repository_docs_build_with_zero_diagnostics() {
    let f = fixture("realworld", "repo-docs");
    let run = f.build_ok(&[]);
    assert_eq!(run.stderr, "", "diagnostics in a clean build");
    assert!(!run.stdout.contains("warning"), "{}", run.stdout);
    // Every href, src, srcset and poster resolves to an output file (and anchor).
    assert_eq!(crawl(&f.public(), "/repo/"), Vec::<String>::new());
    let check = f.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);

    let home = f.read("index.html");
    for want in [
        "href=\"https://github.com/acme/widgets/blob/trunk/LICENSE\"",
        "href=\"https://github.com/acme/widgets/blob/trunk/Makefile\"",
        "href=\"https://github.com/acme/widgets/blob/trunk/CONTRIBUTING.md#code-of-conduct\"",
        "href=\"https://github.com/acme/widgets/blob/trunk/.github/workflows/ci.yml\"",
        "href=\"https://github.com/acme/widgets/tree/trunk/tools\"",
        "href=\"/repo/guide/install/#installing\"",
        "<a href=\"mailto:team@example.com\">team@example.com</a>",
        "<a href=\"https://example.com/widgets\">https://example.com/widgets</a>",
        "<a href=\"http://www.example.org\">www.example.org</a>",
        "src=\"https://img.shields.io/badge/License-MIT-yellow.svg\"",
    ] {
        assert!(home.contains(want), "{want}");
    }
    let install = f.read("guide/install/index.html");
    for want in [
        "<a id=\"legacy-anchor\"",
        "<a name=\"old-name\"",
        "<span id=\"Custom-Spot\">",
        "<h2 id=\"main-1\">Main",
        "srcset=\"/repo/guide/images/diagram.png 1x, /repo/guide/images/diagram@2x.png 2x\"",
        "<source srcset=\"/repo/guide/images/diagram-dark.png\" media=",
        "href=\"/repo/guide/usage/#options\"",
        "<kbd>Ctrl</kbd>",
        "<input type=\"checkbox\" disabled checked aria-label=\"Done\">",
    ] {
        assert!(install.contains(want), "{want}");
    }
    // An anchor without `href` must not carry `rel` (invalid HTML).
    assert!(!install.contains("rel=\"noopener"), "{install}");
    assert_eq!(
        install.matches("id=\"main\"").count(),
        1,
        "only the theme's <main>"
    );
    let usage = f.read("guide/usage/index.html");
    for want in [
        "href=\"/repo/guide/install/#main-1\"",
        "href=\"/repo/guide/install/#Custom-Spot\"",
        "href=\"#options\"",
        "<a href=\"/repo/guide/install/\">install</a>",
        "<video src=\"/repo/guide/media/clip.mp4\" poster=\"/repo/guide/images/diagram.png\"",
        "<iframe src=\"https://www.youtube-nocookie.com/embed/abc\"",
        "data-lang=\"rust\"",
        "data-lang=\"python\"",
        "<h2 id=\"using-foo\">Using {foo}",
    ] {
        assert!(usage.contains(want), "{want}");
    }
    let guide = f.read("guide/index.html");
    assert!(guide.contains("<p align=\"center\">"), "align kept");
    assert!(guide.contains("width=\"400\" height=\"200\""), "size kept");
    let arabic = f.read("guide/arabic/index.html");
    assert!(arabic.contains("<div dir=\"rtl\">"));
    assert!(arabic.contains("<p dir=\"rtl\" lang=\"he\">"));
}

/// Each kind of broken link, in two files: all reported with file:line:col in one run.
const BROKEN: &[(&str, &str)] = &[
    ("content/_index.md:7:3", "missing page `docs/nope.md`"),
    ("content/_index.md:8:3", "missing anchor `#nowhere`"),
    ("content/docs/a.md:8:6", "missing image `missing.png`"),
    (
        "content/docs/a.md:10:36",
        "missing repository file `NOTES.md`",
    ),
    ("content/docs/a.md:12:4", "missing page `b.md`"),
];

fn assert_all_reported(stderr: &str, kind: &str) {
    for (at, what) in BROKEN {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with(&format!("{at}: {kind}: ")))
                && stderr.contains(what),
            "{at} {kind}: {what} in\n{stderr}"
        );
    }
    let n = stderr
        .lines()
        .filter(|l| l.contains(&format!(": {kind}: ")))
        .count();
    assert_eq!(n, BROKEN.len(), "{stderr}");
}

#[test]
fn every_broken_link_is_reported_with_its_line_in_one_run() {
    let f = fixture("realworld", "broken");
    let run = f.run(&["build"]);
    assert_eq!(run.code, 1);
    assert_all_reported(&run.stderr, "error");
    assert!(!f.exists("index.html"));
}

#[test]
fn link_level_warn_builds_while_check_stays_strict() {
    let f = fixture("realworld", "broken");
    let run = f.run(&["build", "--links", "warn"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_all_reported(&run.stderr, "warning");
    assert!(f
        .read("docs/a/index.html")
        .contains("<a href=\"#real\">real</a>"));
    let check = f.run(&["check"]);
    assert_eq!(check.code, 1);
    // The same setting in site.toml; `check` ignores it.
    let toml = std::fs::read_to_string(f.root.join("site.toml")).unwrap();
    f.write("site.toml", &format!("{toml}\n[links]\nlevel = \"warn\"\n"));
    let run = f.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_all_reported(&run.stderr, "warning");
    assert_eq!(f.run(&["check"]).code, 1);
}

#[test]
fn repository_links_need_the_repository_url() {
    let f = fixture("realworld", "broken");
    f.write(
        "site.toml",
        "title = \"B\"\nbase_url = \"https://acme.github.io/repo/\"\n",
    );
    let run = f.run(&["build", "--links", "warn"]);
    assert!(
        run.stderr
            .contains("`LICENSE`, a repository file outside the published site")
            && run.stderr.contains("set `[repository] url`"),
        "{}",
        run.stderr
    );
}

/// A site in a subfolder of a git repository: repository paths start at the git top level.
#[test]
fn links_resolve_from_the_git_top_when_the_site_is_a_subfolder() {
    let f = fixture("realworld", "repo-docs");
    let top = f.root.parent().unwrap();
    std::fs::write(top.join("CODE_OF_CONDUCT.md"), "# Conduct\n").unwrap();
    let init = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(top)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .unwrap();
    assert!(init.success());
    f.write(
        "content/guide/more.md",
        "---\ntitle: More\ndescription: More.\n---\n\n[conduct](../../../CODE_OF_CONDUCT.md), \
         [install](/site/content/guide/install.md#installing), [gone](../../../NOPE.md)\n",
    );
    let run = f.run(&["build", "--links", "warn"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Root-relative links now start at the git top, as on GitHub: the fixture's `/content/...`
    // links name nothing there.
    for expected in [
        "content/guide/more.md:6:95: warning: link to a missing repository file `NOPE.md`",
        "content/guide/_index.md:10:67: warning: link to a missing repository file `content/_index.md` [BL0401]\n  help: a link starting with `/` starts at the repository's root",
        "content/guide/usage.md:10:16: warning: link to a missing repository file `content/guide/install.md`",
    ] {
        assert!(run.stderr.contains(expected), "{expected} in {}", run.stderr);
    }
    assert_eq!(run.stderr.matches("warning:").count(), 3, "{}", run.stderr);
    assert!(f
        .read("index.html")
        .contains("href=\"https://github.com/acme/widgets/blob/trunk/site/LICENSE\""));
    let more = f.read("guide/more/index.html");
    assert!(more.contains("href=\"https://github.com/acme/widgets/blob/trunk/CODE_OF_CONDUCT.md\""));
    assert!(more.contains("href=\"/repo/guide/install/#installing\""));
}
