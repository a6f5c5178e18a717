//! The documents agree with the command line: README's command table lists exactly the flags
//! each command has, every flag CONTRIBUTING mentions exists, CONTRIBUTING, CI and the
//! pull-request workflow run the same `check`, and CONTRIBUTING's preview URL is the site's path.

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
