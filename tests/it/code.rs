//! Code examples: fence attributes, tab groups, unknown languages and attributes, the size guard,
//! the two-theme stylesheet, the snippet checker and required tab labels.

use crate::harness::*;

#[test]
fn fence_attributes() {
    let f = fixture("code", "examples");
    let run = f.build_ok(&[]);
    let html = f.read("attributes/index.html");
    let main = main_element(&html);
    assert!(main.contains("<figcaption class=\"code-head\"><span class=\"code-title\">app.py</span><span class=\"code-lang\">python</span></figcaption>"));
    assert!(main.contains("<code class=\"linenos\">"));
    assert_eq!(
        main.matches("<span class=\"line hl\">").count(),
        3,
        "lines 1, 3 and 4 are marked"
    );
    assert!(
        main.contains("style=\"counter-reset: line 8\""),
        "linenostart=9 starts the count at 9"
    );
    assert!(main.contains("class=\"hl-"), "highlighted with classes");
    assert!(!main.contains("style=\"color"), "no inline colours");
    assert!(
        run.stderr
            .contains("content/attributes.md:18:1: warning: unknown code block language `klingon`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("closest known names"));
    assert!(run
        .stderr
        .contains("content/attributes.md:22:1: warning: unknown code block attribute `titel`"));
    assert!(run.stderr.contains("did you mean `title`?"));
}

#[test]
fn unknown_language_fails_check() {
    let f = fixture("code", "examples");
    let run = f.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("content/attributes.md:18:1: error: unknown code block language `klingon`"),
        "{}",
        run.stderr
    );
}

#[test]
fn tab_groups_form_from_adjacent_blocks() {
    let f = fixture("code", "examples");
    f.build_ok(&[]);
    let html = f.read("stacks/tabs/index.html");
    let main = main_element(&html);
    assert_eq!(
        main.matches("<div class=\"tabs\">").count(),
        4,
        "adjacent pair, two lone tabbed blocks, the WSGI/ASGI pair"
    );
    assert_eq!(main.matches("class=\"tab-radio\"").count(), 6);
    assert!(main.contains("name=\"tabs-0\"") && main.contains("name=\"tabs-2\""));
    assert!(
        main.contains("id=\"tab-0-0\" data-tab=\"Go\" checked>"),
        "the first tab of a group is checked"
    );
    assert!(main.contains("id=\"tab-0-1\" data-tab=\"Python\">"));
    assert!(main.contains("<label class=\"tab-label\" for=\"tab-0-1\">Python</label>"));
    assert!(
        main.contains(
            "for=\"tab-0-1\">Python</label><div class=\"tab-panel\" data-tab=\"Python\">"
        ),
        "each panel follows its own label, so CSS shows it for any number of tabs"
    );
}

#[test]
fn required_tab_labels() {
    let f = fixture("code", "examples");
    let run = f.run(&["check"]);
    assert!(run.stderr.contains("content/stacks/tabs.md:16:1: error: tab group lacks the label Python that site.toml requires in stacks"), "{}", run.stderr);
    assert!(run
        .stderr
        .contains("content/stacks/tabs.md:24:1: error: tab group lacks the label Go"));
    assert!(
        !run.stderr.contains("tabs.md:6:1"),
        "the complete group passes"
    );
}

#[test]
fn oversized_lines_are_plain_text_with_a_warning() {
    let f = fixture("code", "examples");
    let long = "x".repeat(20_000);
    f.write(
        "content/long.md",
        &format!(
            "---\ntitle: Long\ndescription: x\n---\n\n```python\nok = 1\nline = \"{long}\"\n```\n"
        ),
    );
    let run = f.build_ok(&[]);
    assert!(
        run.stderr.contains(
            "content/long.md:8:1: warning: a line of this code block is longer than 4096 bytes"
        ),
        "{}",
        run.stderr
    );
    let main = f.read("long/index.html");
    assert!(main.contains(&long) && !main.contains("hl-source"));
}

#[test]
fn stylesheet_has_light_and_dark() {
    let f = fixture("code", "examples");
    f.build_ok(&[]);
    let css = f.read("highlight.css");
    assert!(css.contains("@media screen and (prefers-color-scheme: dark)"));
    assert!(css.contains(":root:not([data-theme=\"light\"]) .hl-"));
    assert!(css.contains(":root[data-theme=\"dark\"] .hl-"));
    let light_rules = css.split("@media").next().unwrap();
    assert!(
        light_rules.contains(".hl-"),
        "light theme rules come first, unscoped"
    );
}

#[test]
fn snippet_checker_passes_valid_examples() {
    let f = fixture("code", "snippets");
    std::fs::remove_file(f.root.join("content/bad.md")).unwrap();
    let run = f.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("snippets: 7 checked"), "{}", run.stdout);
    assert!(
        run.stdout.contains("sql 1") && run.stdout.contains("1 opted out"),
        "{}",
        run.stdout
    );
}

#[test]
fn snippet_checker_catches_broken_examples() {
    let f = fixture("code", "snippets");
    let run = f.run(&["check"]);
    assert_eq!(run.code, 1);
    let e = &run.stderr;
    if which("python3") {
        assert!(
            e.contains("content/bad.md:8:1: error: python example does not parse"),
            "{e}"
        );
    }
    if which("node") {
        assert!(
            e.contains("content/bad.md:13:1: error: js example does not parse"),
            "{e}"
        );
    }
    assert!(
        e.contains("content/bad.md:16:10: error: json example does not parse"),
        "{e}"
    );
    assert!(
        e.contains("content/bad.md:21:") && e.contains("yaml example does not parse"),
        "{e}"
    );
    assert!(!e.contains("good.md"), "valid and nocheck blocks pass: {e}");
}

fn which(tool: &str) -> bool {
    std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok()
}

/// With no checker tools on the PATH, a Go snippet is skipped with one line saying why, and
/// `--strict-snippets` turns that into an error at the first such block.
#[test]
fn missing_checkers_are_named_and_strict_fails() {
    let f = fixture("lint", "fork");
    let go = "```go\npackage main\n```\n\n";
    f.write(
        "content/go.md",
        &format!("---\ntitle: Go\n---\n{go}{go}```sql\nSELECT 1;\n```\n"),
    );
    let run_with = |extra: &[&str]| -> Run {
        backlot()
            .arg("check")
            .args(extra)
            .arg("--root")
            .arg(&f.root)
            .env("PATH", "/nonexistent")
            .output()
            .unwrap()
            .into()
    };
    let lenient = run_with(&[]);
    assert_eq!(lenient.code, 0, "{}", lenient.stderr);
    assert!(
        lenient.stdout.contains("snippets: 0 checked, 2 not checked (tool missing), 1 in languages with no checker (sql 1)")
            && lenient.stdout.contains("\nnot checked: 2 snippets in go, because `gofmt` is not on the PATH"),
        "{}",
        lenient.stdout
    );
    let strict = run_with(&["--strict-snippets"]);
    assert_eq!(strict.code, 1, "{}", strict.stderr);
    assert!(
        strict.stderr.contains("content/go.md:4:1: error: 2 snippets in go cannot be checked: `gofmt` is not on the PATH"),
        "{}",
        strict.stderr
    );
}

#[test]
fn frames_transcripts_tasks_tables_and_headings_are_accessible() {
    let f = fixture("code", "examples");
    f.build_ok(&[]);
    let main = main_element(&f.read("components/index.html")).to_string();
    // A transcript: prompts in their own span, continuation lines commands, output apart.
    assert!(main.contains("<figure class=\"code-block terminal\"><figcaption class=\"code-head\"><span class=\"code-lang\">Terminal</span></figcaption>"));
    assert_eq!(main.matches("<span class=\"prompt\">$ </span>").count(), 2);
    assert_eq!(main.matches("<span class=\"line cmd\">").count(), 3);
    assert!(main.contains("<span class=\"line out\">built</span>"));
    // A shell block without prompts is code, with its language label.
    assert!(main.contains("<span class=\"code-lang\">bash</span>"));
    // Scroll containers are keyboard-reachable and named.
    assert!(
        main.contains("<pre class=\"code\" tabindex=\"0\" role=\"group\" aria-label=\"bash code\"")
    );
    assert!(main
        .contains("<div class=\"table-wrap\" tabindex=\"0\" role=\"group\" aria-label=\"Table\">"));
    // Task checkboxes say their state; the heading's name is its text, the anchor after it.
    assert!(main.contains("<input type=\"checkbox\" disabled checked aria-label=\"Done\">"));
    assert!(main.contains("<input type=\"checkbox\" disabled aria-label=\"Not done\">"));
    assert!(main.contains("<div class=\"heading\"><h2 id=\"setup-steps\">Setup steps</h2><a class=\"anchor\" href=\"#setup-steps\" aria-label=\"Link to this section: Setup steps\">#</a></div>"));
}
