//! Publishing and contributing: `check --format`, `--changed-since` in a real git repository,
//! "Last updated" from git history, edit links, the Markdown copies and llms.txt, the output
//! crawled as GitHub Pages serves it, the Pages URL script and the workflows' shape.

use crate::crawl::crawl;
use crate::harness::*;
use std::path::Path;
use std::process::Command;

/// Runs git in `dir` with a fixed identity and dates, ignoring the user's configuration.
pub(crate) fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub(crate) fn commit_all(dir: &Path, message: &str, date: &str) {
    git(dir, &["add", "-A"], date);
    git(dir, &["commit", "-q", "-m", message], date);
}

#[test]
fn check_formats_human_github_and_json() {
    let f = fixture("publish", "broken");
    let human = f.run(&["check"]);
    assert_eq!(human.code, 1);
    assert!(
        human
            .stderr
            .contains("content/_index.md:8:5: error: link to a missing page `missing.md`"),
        "{}",
        human.stderr
    );

    let gh = f.run(&["check", "--format", "github"]);
    assert_eq!(gh.code, 1);
    let line = gh
        .stdout
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap();
    assert!(
        line.starts_with("::error file=content/_index.md,line=8,col=5,title=backlot BL0401%3A link to a missing page or file::link to a missing page `missing.md`"),
        "{line}"
    );
    assert!(
        line.contains("%0Ahelp: "),
        "help on the same annotation: {line}"
    );

    let json = f.run(&["check", "--format", "json"]);
    assert_eq!(json.code, 1);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["errors"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["path"], "content/_index.md");
    assert_eq!((d["line"].as_u64(), d["col"].as_u64()), (Some(8), Some(5)));
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "BL0401");
    assert_eq!(d["target"], "content/missing.md");
}

#[test]
fn clean_check_in_every_format() {
    let f = fixture("publish", "site");
    let json = f.run(&["check", "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stdout);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["summary"]["pages"], 3);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0);
    let gh = f.run(&["check", "--format", "github"]);
    assert_eq!(gh.code, 0);
    assert!(!gh.stdout.contains("::error"));
    let bad = f.run(&["check", "--format", "xml"]);
    assert_eq!(bad.code, 2, "an unknown format is a usage error");
}

#[test]
fn annotations_name_files_from_the_repository_top() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("docs");
    copy_dir(&fixtures_dir().join("publish/broken"), &site);
    git(tmp.path(), &["init", "-q"], "2026-01-01T00:00:00Z");
    let run: Run = backlot()
        .args(["check", "--format", "github", "--root"])
        .arg(&site)
        .output()
        .unwrap()
        .into();
    assert!(
        run.stdout
            .contains("::error file=docs/content/_index.md,line=8,"),
        "{}",
        run.stdout
    );
}

/// A committed site with one old problem (a broken link in glossary.md), then a change.
fn site_repo() -> Fixture {
    let f = fixture("publish", "site");
    f.write(
        "content/reference/glossary.md",
        "---\ntitle: \"Glossary\"\ndescription: \"Words.\"\n---\n\n## Terms\n\nAn [old mistake](nowhere.md).\n",
    );
    git(&f.root, &["init", "-q"], "2026-01-01T00:00:00Z");
    commit_all(&f.root, "site", "2026-01-01T00:00:00Z");
    f
}

#[test]
fn changed_since_reports_a_renamed_pages_linkers() {
    let f = site_repo();
    git(
        &f.root,
        &["mv", "content/guide/second.md", "content/guide/later.md"],
        "2026-01-02T00:00:00Z",
    );
    let all = f.run(&["check"]);
    assert!(
        all.stderr.contains("content/reference/glossary.md:8:"),
        "{}",
        all.stderr
    );

    let run = f.run(&["check", "--changed-since", "HEAD", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let where_: Vec<(String, u64)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // first.md (line 9) and the guide's index (line 7) link to the old name; glossary.md's old
    // problem is not this change's.
    assert_eq!(
        where_,
        [
            ("content/guide/_index.md".to_string(), 7),
            ("content/guide/first.md".to_string(), 9)
        ]
    );

    let committed = {
        commit_all(&f.root, "rename", "2026-01-02T00:00:00Z");
        f.run(&["check", "--changed-since", "HEAD~1", "--format", "github"])
    };
    assert_eq!(committed.code, 1);
    assert!(committed
        .stdout
        .contains("::error file=content/guide/first.md,line=9,"));
    assert!(
        !committed.stdout.contains("glossary.md"),
        "{}",
        committed.stdout
    );
}

#[test]
fn changed_since_keeps_problems_in_changed_files_only() {
    let f = site_repo();
    let none = f.run(&["check", "--changed-since", "HEAD"]);
    assert_eq!(none.code, 0, "nothing changed: {}", none.stderr);
    f.write(
        "content/guide/second.md",
        "---\ntitle: \"Second page\"\ndescription: \"d\"\n---\n\nA [typo](frist.md).\n\n## Details\n",
    );
    let run = f.run(&["check", "--changed-since", "HEAD"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("content/guide/second.md:6:3: error"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("glossary.md"));
    let bad = f.run(&["check", "--changed-since", "no-such-rev"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert_eq!(
        bad.stderr.trim(),
        "error: --changed-since: `no-such-rev` is not a commit of this repository; fetch it first (e.g. `git fetch origin main`)"
    );
}

#[test]
fn changed_since_outside_git_is_one_clear_line() {
    let f = fixture("publish", "site");
    let run = f.run(&["check", "--changed-since", "main"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("is not inside a git repository") && !run.stderr.contains("usage:"),
        "{}",
        run.stderr
    );
}

#[test]
fn last_updated_comes_from_git_history() {
    let f = fixture("publish", "site");
    git(&f.root, &["init", "-q"], "2024-02-03T10:00:00Z");
    commit_all(&f.root, "site", "2024-02-03T10:00:00Z");
    f.write(
        "content/guide/second.md",
        "---\ntitle: \"Second page\"\ndescription: \"d\"\ndate: 2025-06-07\n---\n\nBack to [the first page](first.md).\n\n## Details\n",
    );
    commit_all(&f.root, "edit", "2025-05-06T23:30:00+02:00");
    // A page never committed falls back to its front matter.
    f.write(
        "content/guide/third.md",
        "---\ntitle: \"Third\"\ndescription: \"d\"\nupdated: 2023-09-10\n---\n\nText.\n",
    );
    // Touching a file's modification time must change nothing.
    std::fs::write(
        f.root.join("content/guide/first.md"),
        std::fs::read(f.root.join("content/guide/first.md")).unwrap(),
    )
    .unwrap();
    f.build_ok(&[]);
    let updated = |page: &str| {
        let html = f.read(page);
        let i = html.find("Last updated <time datetime=\"").expect(page);
        html[i + 29..i + 39].to_string()
    };
    assert_eq!(
        updated("guide/first/index.html"),
        "2024-02-03",
        "git, not front matter"
    );
    assert_eq!(
        updated("guide/second/index.html"),
        "2025-05-06",
        "the commit's UTC day"
    );
    assert_eq!(
        updated("guide/third/index.html"),
        "2023-09-10",
        "front matter fallback"
    );
    let sitemap = f.read("sitemap.xml");
    assert!(
        sitemap.contains("<lastmod>2025-05-06</lastmod>"),
        "{sitemap}"
    );
}

#[test]
fn outside_git_dates_come_from_front_matter() {
    let f = fixture("publish", "site");
    f.build_ok(&[]);
    assert!(f
        .read("guide/first/index.html")
        .contains("Last updated <time datetime=\"2026-01-02\">"));
    assert!(f
        .read("guide/second/index.html")
        .contains("Last updated <time datetime=\"2025-06-07\">"));
}

#[test]
fn edit_links_point_at_the_file_on_github() {
    let f = fixture("publish", "site");
    f.build_ok(&[]);
    assert!(f
        .read("guide/first/index.html")
        .contains("href=\"https://github.com/owner/repo/edit/main/content/guide/first.md\""));
    f.build_ok(&["--repo-url", "https://github.com/fork/repo-fork/"]);
    assert!(f
        .read("guide/first/index.html")
        .contains("href=\"https://github.com/fork/repo-fork/edit/main/content/guide/first.md\""));
}

#[test]
fn markdown_copies_sit_beside_each_page() {
    let f = fixture("publish", "site");
    f.build_ok(&[]);
    let md = f.read("guide/first/index.md");
    assert!(md.starts_with("# First page\n\n> A page with links of every kind.\n\nAn inline link"));
    assert!(!md.contains("tags:"), "front matter removed");
    for link in [
        "[the second page](https://example.github.io/repo/guide/second/#details)",
        "[this page's own heading](#setup)",
        "[an external site](https://example.com/)",
        "![A small diagram](https://example.github.io/repo/guide/diagram.png)",
        "[the example](https://example.github.io/repo/files/example.txt)",
        "[glossary]: https://example.github.io/repo/reference/glossary/#terms",
        "```python title=\"app.py\"\nprint(\"hello\")\n```",
        "> [!TIP]",
    ] {
        assert!(md.contains(link), "{link} in\n{md}");
    }
    assert!(!md.contains(".md)") && !md.contains("backlot:data-table"));
    assert!(md.contains("<caption>Languages</caption>") && !md.contains("Python"));
    assert!(f.read("index.md").starts_with("# Home\n"));
    let html = f.read("guide/first/index.html");
    assert!(html.contains("type=\"text/markdown\" title=\"This page as Markdown\" href=\"/repo/guide/first/index.md\""));
}

#[test]
fn llms_txt_lists_every_page() {
    let f = fixture("publish", "site");
    f.build_ok(&[]);
    let expected = "# Publish Fixture

> A site for the publishing tests.

Each page below is linked as Markdown; drop `index.md` from a link for the HTML page.

- [Home](https://example.github.io/repo/index.md): The fixture's home page.

## Guide

- [Guide](https://example.github.io/repo/guide/index.md): The guide section.
- [First page](https://example.github.io/repo/guide/first/index.md): A page with links of every kind.
- [Second page](https://example.github.io/repo/guide/second/index.md): The page the first one links to.

## Reference

- [Reference](https://example.github.io/repo/reference/index.md): Reference pages.
- [Glossary](https://example.github.io/repo/reference/glossary/index.md): Words used in the guide.
";
    assert_eq!(f.read("llms.txt"), expected);
}

#[test]
fn output_is_relocatable_under_a_base_path() {
    let f = fixture("publish", "site");
    f.build_ok(&[]);
    let problems = crawl(&f.public(), "/repo/");
    assert!(problems.is_empty(), "{problems:#?}");
    // The same site under another base path: the crawler follows it there too.
    f.build_ok(&["--base-url", "https://docs.example.org/guide/v2/"]);
    let problems = crawl(&f.public(), "/guide/v2/");
    assert!(problems.is_empty(), "{problems:#?}");
    // Crawled under the wrong base path, every internal link is reported.
    let wrong = crawl(&f.public(), "/other/");
    assert!(
        wrong.iter().any(|p| p.contains("outside the base path")),
        "{wrong:#?}"
    );
}

#[test]
fn the_crawler_reports_broken_and_orphaned_files() {
    let tmp = tempfile::tempdir().unwrap();
    let w = |p: &str, s: &str| {
        let path = tmp.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, s).unwrap();
    };
    w("index.html", "<a href=\"/repo/a/\">a</a> <img src=\"x.png\" alt=\"\"> <a href=\"b\">b</a> <a href=\"https://elsewhere.example/\">e</a>");
    w(
        "a/index.html",
        "<a href=\"../\">home</a> <a href=\"/repo/a/#nope\">n</a> <a href=\"/a/\">no base</a>",
    );
    w("b/index.html", "<p id=\"x\">b</p>");
    w("orphan/index.html", "<p>nobody links here</p>");
    let mut problems = crawl(tmp.path(), "/repo/");
    problems.sort();
    assert_eq!(
        problems,
        [
            "a/index.html: `/a/` is outside the base path /repo/",
            "a/index.html: `/repo/a/#nope`: no id `nope` in a/index.html",
            "index.html: `x.png` does not resolve to a file",
            "orphan/index.html is not reachable from the home page",
        ]
    );
}

/// The repository's own site (whatever its site.toml says: the Field Guide here, a fork's docs
/// elsewhere), built into a temporary folder and crawled under /repo/: every internal link
/// resolves and every page is reachable from the home page.
#[test]
fn field_guide_output_is_relocatable() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(
        root.join("site.toml").exists(),
        "no site.toml at the repository root"
    );
    let out = tempfile::tempdir().unwrap();
    let run: Run = backlot()
        .args([
            "build",
            "--base-url",
            "https://owner.github.io/repo/",
            "--root",
        ])
        .arg(root)
        .arg("--output")
        .arg(out.path())
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let problems = crawl(out.path(), "/repo/");
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn pages_url_comes_from_the_repository() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/pages-base-url.sh");
    let url = |args: &[&str]| {
        let out = Command::new("bash")
            .arg(&script)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    assert_eq!(
        url(&["backlot-docs", "backlot"]),
        "https://backlot-docs.github.io/backlot/"
    );
    assert_eq!(
        url(&["Some-Fork", "backlot"]),
        "https://some-fork.github.io/backlot/"
    );
    assert_eq!(
        url(&["Owner", "owner.github.io"]),
        "https://owner.github.io/"
    );
    assert_eq!(
        url(&["o", "r", "https://docs.example.com"]),
        "https://docs.example.com/"
    );
    assert_eq!(url(&["o", "r", ""]), "https://o.github.io/r/");
}

fn workflow(name: &str) -> serde_yaml_ng::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".github/workflows")
        .join(name);
    serde_yaml_ng::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn action() -> serde_yaml_ng::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    serde_yaml_ng::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The `uses:` of a job's (or a composite action's `runs:`) steps, without their versions.
fn uses(job: &serde_yaml_ng::Value) -> Vec<String> {
    job["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| {
            s["uses"]
                .as_str()
                .map(|u| u.split('@').next().unwrap().to_string())
        })
        .collect()
}

/// The shape the issue asks for; actionlint (.ci/actionlint.sh) checks the rest.
#[test]
fn workflows_have_least_privilege_and_the_right_steps() {
    let pages = workflow("pages.yml");
    assert_eq!(pages["on"]["push"]["branches"][0], "main");
    assert_eq!(
        serde_yaml_ng::to_string(&pages["permissions"]).unwrap(),
        "contents: read\n"
    );
    assert!(pages["concurrency"]["group"].is_string());
    let build = &pages["jobs"]["build"];
    assert!(
        build.get("permissions").is_none(),
        "the build job gets no write access"
    );
    assert!(uses(build).contains(&"actions/cache".to_string()));
    // The build goes through this repository's own action, which works out the Pages URL and
    // uploads the artifact.
    assert!(uses(build).contains(&"./".to_string()));
    let action = action();
    assert!(uses(&action["runs"]).contains(&"actions/upload-pages-artifact".to_string()));
    let text = serde_yaml_ng::to_string(&action).unwrap();
    assert!(text.contains("pages-base-url.sh") && text.contains("--base-url"));
    let text = serde_yaml_ng::to_string(build).unwrap();
    assert!(
        text.contains("fetch-depth: 0"),
        "full history for the dates"
    );
    let deploy = &pages["jobs"]["deploy"];
    assert_eq!(deploy["permissions"]["pages"], "write");
    assert_eq!(deploy["permissions"]["id-token"], "write");
    assert_eq!(uses(deploy), ["actions/deploy-pages"]);

    let check = workflow("check.yml");
    assert!(check["on"].get("pull_request").is_some());
    assert!(check["on"].get("pull_request_target").is_none());
    assert_eq!(
        serde_yaml_ng::to_string(&check["permissions"]).unwrap(),
        "contents: read\n"
    );
    let all = serde_yaml_ng::to_string(&check).unwrap();
    assert!(!all.contains("secrets."), "no secrets in pull requests");
    assert!(all.contains("command: check") && all.contains("args: --strict-snippets"));
    assert!(serde_yaml_ng::to_string(&action)
        .unwrap()
        .contains("check --format github $ARGS"));
    assert!(uses(&check["jobs"]["site"]).contains(&"actions/upload-artifact".to_string()));
    assert!(all.contains(".ci/run"), "the tests run too");

    let links = workflow("links.yml");
    assert!(links["on"]["schedule"][0]["cron"].is_string());
    assert!(links["on"].get("workflow_dispatch").is_some());
    assert!(
        links["on"].get("pull_request").is_none(),
        "not run on pull requests"
    );
    assert_eq!(
        serde_yaml_ng::to_string(&links["permissions"]).unwrap(),
        "contents: read\n",
        "it can open nothing: a broken link fails the run"
    );
    let all = serde_yaml_ng::to_string(&links).unwrap();
    assert!(all.contains("command: check") && all.contains("args: --external"));
    assert!(all.contains(".backlot-cache/external-links.json"));
}

/// The contributor guide and the GitHub templates exist, parse, and cover what the issue lists.
#[test]
fn contributor_guide_and_templates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let guide = read("CONTRIBUTING.md");
    for topic in [
        "## Proposing a change",
        "### Front matter",
        "### Links",
        "### Code blocks",
        "**Tabs**",
        "### Callouts",
        "### Images",
        "-- serve",
        "-- check",
        "## What a reviewer looks for",
    ] {
        assert!(guide.contains(topic), "CONTRIBUTING.md covers {topic}");
    }
    assert!(
        read(".github/pull_request_template.md")
            .matches("- [ ]")
            .count()
            >= 5
    );
    for form in ["content-error.yml", "new-topic.yml"] {
        let v: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&read(&format!(".github/ISSUE_TEMPLATE/{form}"))).unwrap();
        assert!(
            v["name"].is_string() && v["description"].is_string(),
            "{form}"
        );
        let body = v["body"].as_sequence().unwrap();
        assert!(body.iter().all(|b| b["type"].is_string()), "{form}");
        assert!(
            body.iter().any(|b| b["validations"]["required"] == true),
            "{form}"
        );
    }
}
