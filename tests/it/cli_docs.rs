//! The documents agree with the code: README's command table lists exactly the flags each
//! command has, every flag CONTRIBUTING mentions exists, CONTRIBUTING, CI and the pull-request
//! workflow run the same `check`, CONTRIBUTING's preview URL is the site's path, and README's
//! settings, TOML examples, exit codes, release assets, action inputs, URLs and repository
//! paths are the ones the code, action.yml and the workflows have.

use crate::harness::backlot;
use std::collections::BTreeSet;
use std::path::Path;

fn repo_file(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every `--flag` in `text`.
fn flags(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("--") {
        let name: String = text[i + 2..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '-')
            .collect();
        let before = text[..i].chars().next_back();
        if name.len() > 1 && !before.is_some_and(|c| c.is_alphanumeric() || c == '-') {
            out.insert(format!("--{}", name.trim_end_matches('-')));
        }
    }
    out
}

/// The flags `backlot <command> --help` lists, without --help itself.
fn cli_flags(command: &str) -> BTreeSet<String> {
    let out = backlot().args([command, "--help"]).output().unwrap();
    assert!(out.status.success(), "backlot {command} --help failed");
    let mut set = flags(&String::from_utf8_lossy(&out.stdout));
    set.remove("--help");
    set
}

fn commands() -> Vec<String> {
    let out = backlot().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout).into_owned();
    help.split("Commands:")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(String::from)
        .collect()
}

#[test]
fn readme_command_table_lists_every_flag() {
    let readme = repo_file("README.md");
    for command in commands() {
        let prefix = format!("| `backlot {command}");
        let row = readme
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("README's command table has no row for `{command}`"));
        let cell = row.split('`').nth(1).unwrap();
        assert_eq!(
            flags(cell),
            cli_flags(&command),
            "README's row for `{command}` against `backlot {command} --help`"
        );
    }
}

#[test]
fn contributing_mentions_only_real_flags() {
    let contributing = repo_file("CONTRIBUTING.md");
    let all: BTreeSet<String> = commands().iter().flat_map(|c| cli_flags(c)).collect();
    // backlot command lines, and inline code that is a backlot flag or command (not, say,
    // `node --check`).
    let mut spans: Vec<&str> = contributing
        .lines()
        .filter(|l| l.starts_with("$ cargo run"))
        .collect();
    for line in contributing.lines() {
        spans.extend(line.split('`').skip(1).step_by(2).filter(|span| {
            let first = span.split_whitespace().next().unwrap_or("");
            first.starts_with("--") || first == "backlot"
        }));
    }
    for span in spans {
        for flag in flags(span) {
            assert!(
                flag == "--release" || all.contains(&flag),
                "CONTRIBUTING mentions {flag}: {span}"
            );
        }
    }
}

/// The flags of the first `check` command line in `text` after `marker`, without `--format`
/// (how problems are printed is not what is checked).
fn check_flags(text: &str, marker: &str) -> BTreeSet<String> {
    let line = text
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("no line with `{marker}`"));
    let mut set = flags(line);
    set.remove("--format");
    set.remove("--release");
    set
}

#[test]
fn contributing_ci_and_the_pull_request_run_the_same_check() {
    // The pull request checks through this repository's action (action.yml), whose `args`
    // input check.yml sets.
    let mut workflow = check_flags(&repo_file("action.yml"), "check --format github");
    workflow.extend(check_flags(
        &repo_file(".github/workflows/check.yml"),
        "args:",
    ));
    let contributing = check_flags(
        &repo_file("CONTRIBUTING.md"),
        "$ cargo run --release -- check",
    );
    let ci = check_flags(&repo_file(".ci/run"), "-- check");
    assert_eq!(contributing, workflow, "CONTRIBUTING against check.yml");
    assert_eq!(ci, workflow, ".ci/run against check.yml");
}

#[test]
fn contributing_previews_at_the_sites_path() {
    let site = repo_file("site.toml");
    let base_url = site
        .lines()
        .find_map(|l| l.strip_prefix("base_url = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap();
    let path = base_url.splitn(4, '/').nth(3).unwrap_or("");
    let url = format!("http://127.0.0.1:1111/{path}");
    assert!(
        repo_file("CONTRIBUTING.md").contains(&url),
        "CONTRIBUTING should give the preview address {url}"
    );
}

#[test]
fn readme_lint_example_is_valid_site_toml() {
    let readme = repo_file("README.md");
    let block = readme
        .split("```toml\n[lint]")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("README shows a [lint] example");
    let text = format!("title = \"t\"\nbase_url = \"https://a.b/\"\n[lint]{block}");
    let site: backlot::config::SiteToml =
        toml::from_str(&text).unwrap_or_else(|e| panic!("README's [lint] example: {e}"));
    assert!(
        site.lint.require_description && site.lint.sections.len() == 1,
        "{text}"
    );
}

/// Every ```toml block of `text`.
fn toml_blocks(text: &str) -> Vec<&str> {
    text.split("```toml\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .collect()
}

#[test]
fn readme_toml_examples_are_valid_site_toml() {
    let schema = jsonschema::validator_for(&backlot::schema::Which::Site.schema()).unwrap();
    let readme = repo_file("README.md");
    let blocks = toml_blocks(&readme);
    assert!(
        blocks.len() >= 2,
        "README has {} TOML examples",
        blocks.len()
    );
    for block in blocks {
        let text = format!("title = \"t\"\nbase_url = \"https://a.b/\"\n{block}");
        toml::from_str::<backlot::config::SiteToml>(&text)
            .unwrap_or_else(|e| panic!("README's example\n{block}\nis refused: {e}"));
        let json = serde_json::to_value(toml::from_str::<toml::Table>(&text).unwrap()).unwrap();
        assert!(
            schema.is_valid(&json),
            "the schema refuses README's example\n{block}"
        );
    }
}

#[test]
fn readme_names_only_real_settings() {
    let readme = repo_file("README.md");
    let line = readme
        .lines()
        .find(|l| l.starts_with("site.toml "))
        .expect("README's site layout has a site.toml line");
    let next = readme.lines().skip_while(|l| *l != line).nth(1).unwrap();
    let schema = backlot::schema::Which::Site.schema();
    let keys = schema["properties"].as_object().unwrap();
    let listed = format!("{} {}", &line["site.toml".len()..], next);
    for item in listed.split(',') {
        let key = item.split_whitespace().next().unwrap_or("");
        let key = key.trim_matches(['[', ']']);
        assert!(
            keys.contains_key(key),
            "README lists `{key}`, which site.toml does not have"
        );
    }
}

#[test]
fn readme_exit_codes_are_mains() {
    let readme = repo_file("README.md");
    let line = readme
        .split("\n\n")
        .find(|p| p.starts_with("Exit status:"))
        .expect("README states the exit status")
        .replace('\n', " ");
    for (code, _) in backlot::reference::EXIT_CODES {
        assert!(
            line.contains(&format!("{code} ")),
            "README's exit status lacks {code}"
        );
    }
    let out = backlot().arg("--no-such-flag").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a usage error exits with 2");
}

#[test]
fn readme_release_assets_are_the_ones_the_action_downloads() {
    let readme = repo_file("README.md");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/release-target.sh");
    for (os, arch) in [
        ("Linux", "X64"),
        ("Linux", "ARM64"),
        ("macOS", "X64"),
        ("macOS", "ARM64"),
        ("Windows", "X64"),
    ] {
        let out = std::process::Command::new("bash")
            .arg(&script)
            .args([os, arch])
            .output()
            .unwrap();
        assert!(out.status.success());
        let stdout = String::from_utf8(out.stdout).unwrap();
        let asset = stdout
            .lines()
            .find_map(|l| l.strip_prefix("asset="))
            .unwrap();
        assert!(
            readme.contains(&format!("`{asset}`")),
            "README does not list the release asset {asset}"
        );
        assert!(
            repo_file(".github/workflows/release.yml").contains("release-target.sh")
                || repo_file(".github/workflows/release.yml")
                    .contains(asset.trim_end_matches(".tar.gz").trim_end_matches(".zip")),
            "release.yml does not build {asset}"
        );
    }
}

#[test]
fn readme_lists_exactly_the_actions_inputs() {
    let readme = repo_file("README.md");
    let action = repo_file("action.yml");
    let inputs: BTreeSet<String> = action
        .split("\ninputs:\n")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.ends_with(':'))
        .map(|l| l.trim().trim_end_matches(':').to_string())
        .collect();
    let listed: BTreeSet<String> = readme
        .split("Inputs: ")
        .nth(1)
        .expect("README lists the action's inputs")
        .split(". ")
        .next()
        .unwrap()
        .split(',')
        .filter_map(|item| item.split('`').nth(1))
        .map(String::from)
        .collect();
    assert_eq!(listed, inputs, "README's action inputs against action.yml");
}

#[test]
fn readme_urls_are_the_sites() {
    let readme = repo_file("README.md");
    let site: backlot::config::SiteToml = toml::from_str(&repo_file("site.toml")).unwrap();
    let repo_url = site.repository.as_ref().unwrap().url.clone();
    let using = format!("{}using/", site.base_url);
    assert!(
        readme.contains(&format!("({using})")),
        "README should link {using}"
    );
    assert!(
        readme.contains(&format!("#:schema {using}schema/site.json")),
        "README's #:schema URL is not where the Pages workflow publishes the schema"
    );
    let pages = repo_file(".github/workflows/pages.yml");
    assert!(
        pages.contains("docs/using") && pages.contains("using/"),
        "pages.yml does not build docs/using into using/"
    );
    let owner_repo = repo_url.trim_start_matches("https://github.com/");
    for (i, _) in readme.match_indices("https://github.com/") {
        let rest = &readme[i + "https://github.com/".len()..];
        let end = rest.find([' ', ')', '`', '\n', '#']).unwrap_or(rest.len());
        let path = rest[..end].trim_end_matches('/');
        assert!(
            path.starts_with(owner_repo),
            "README links https://github.com/{path}, not this repository ({repo_url})"
        );
    }
    for (i, _) in readme.match_indices("uses: ") {
        let used = readme[i + 6..].split_whitespace().next().unwrap();
        if let Some(ours) = used.strip_suffix("@v1") {
            assert_eq!(
                ours, owner_repo,
                "README's `uses:` names another repository"
            );
        }
    }
}

#[test]
fn files_the_documents_name_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for doc in ["README.md", "CONTRIBUTING.md"] {
        let text = repo_file(doc);
        let spans = text.split('`').collect::<Vec<_>>();
        for pair in spans.chunks(2).filter(|p| p.len() == 2) {
            let (before, span) = (pair[0], pair[1]);
            // A file README tells another repository to add is not one of ours.
            let words: Vec<&str> = before.split_whitespace().collect();
            if words.ends_with(&["other", "repository,", "add"]) {
                continue;
            }
            let looks_like_file = !span.contains([' ', '<', '*', '|', '$'])
                && (span.starts_with(".github/")
                    || span.starts_with(".ci/")
                    || span.starts_with("docs/")
                    || span.starts_with("bench/")
                    || span.starts_with("tests/")
                    || span == "action.yml");
            if looks_like_file {
                assert!(
                    root.join(span).exists(),
                    "{doc} names `{span}`, which does not exist"
                );
            }
        }
        // Links in prose; those in code are examples for page authors.
        let prose: String = text
            .split("```")
            .step_by(2)
            .flat_map(|part| part.split('`').step_by(2))
            .collect();
        for (i, _) in prose.match_indices("](") {
            let target = prose[i + 2..].split([')', '#']).next().unwrap();
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            assert!(
                root.join(target).exists(),
                "{doc} links `{target}`, which does not exist"
            );
        }
    }
}
