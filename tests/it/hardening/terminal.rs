//! Issue 14: text from the site (file names, front-matter keys) never reaches the
//! maintainer's terminal as raw control characters; JSON and GitHub output stay exact.

use super::harness::{backlot, page, write, SITE_TOML};

const ESC_NAME: &str = "content/\u{1b}[31mred\u{1b}]0;owned\u{7}.md";

fn hostile_site() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        &[
            ("site.toml", SITE_TOML),
            ("content/_index.md", &page("Home", "Hi.\n")),
            // A page with a broken front matter, under a name full of escape sequences.
            (ESC_NAME, "---\ntitle: [unclosed\n---\nBody.\n"),
            // A front-matter key that clears the screen (YAML escapes: the raw bytes are refused).
            (
                "content/key.md",
                "---\ntitle: \"Key\"\ndescription: \"d\"\n\"\\e[2J\\x9bH\": 1\n---\nBody.\n",
            ),
        ],
    );
    t
}

fn assert_no_raw_controls(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\t'))
        .collect();
    assert!(bad.is_empty(), "{what} carries raw {bad:?}:\n{text}");
}

#[test]
fn human_output_escapes_escape_sequences() {
    let t = hostile_site();
    for cmd in ["build", "check"] {
        let run = backlot(t.path(), &[cmd]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert_no_raw_controls(cmd, &run.stderr);
        assert_no_raw_controls(cmd, &run.stdout);
        assert!(
            run.stderr
                .contains("content/\\u{1b}[31mred\\u{1b}]0;owned\\u{7}.md:"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("\\u{1b}[2J\\u{9b}H"), "{}", run.stderr);
    }
}

#[test]
fn github_annotations_escape_them_and_json_keeps_the_real_name() {
    let t = hostile_site();
    let run = backlot(t.path(), &["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    assert_no_raw_controls("github", &run.stdout);
    assert!(
        run.stdout
            .contains("::error file=content/\\u{1b}[31mred\\u{1b}]0;owned\\u{7}.md,line="),
        "{}",
        run.stdout
    );
    let run = backlot(t.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert_no_raw_controls("json", &run.stdout);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let paths: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&ESC_NAME), "{paths:?}");
}
