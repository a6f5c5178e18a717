//! Raw HTML and dangerous URLs in content: `check` fails naming each file:line:col, `build`
//! warns and publishes a neutralised page; legitimate inline HTML keeps working.

use super::harness::{backlot, fixture, text};

#[test]
fn check_reports_each_dangerous_construct_as_an_error() {
    let site = fixture("hardening/raw-html");
    let run = backlot(site.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect();
    for expected in [
        "content/evil.md:5:1: error: raw HTML `<script>`",
        "content/evil.md:7:8: error: raw HTML `<script>`",
        "content/evil.md:7:70: error: event handler `onerror`",
        "content/evil.md:9:1: error: raw HTML `<iframe>`",
        "content/evil.md:11:1: error: raw HTML `<svg>`",
        "content/evil.md:13:1: error: raw HTML `<math>`",
        "content/evil.md:15:1: error: raw HTML `<object>`",
        "content/evil.md:15:34: error: raw HTML `<embed>`",
        "content/evil.md:17:4: error: URL `javascript:alert('entity')`",
        "content/evil.md:17:57: error: URL `java\tscript:",
        "content/evil.md:19:6: error: attribute `style`",
        "content/evil.md:19:56: error: event handler `onclick`",
        "content/evil.md:21:1: error: raw HTML `<form>`",
        "content/evil.md:23:6: error: URL `data:image/svg+xml",
        "content/evil.md:25:1: error: link to a `javascript:` URL",
        "content/evil.md:25:30: error: link to a `javascript:` URL",
        "content/evil.md:25:65: error: link to a `vbscript:` URL",
        "content/evil.md:25:87: error: link to a `javascript:` URL",
        "content/evil.md:26:1: error: image to a `data:` URL",
        "content/evil.md:26:52: error: link to a `javascript:` URL",
    ] {
        assert!(
            errors.iter().any(|e| e.starts_with(expected)),
            "missing {expected:?} in\n{}",
            run.stderr
        );
    }
    // Inline tags arrive one by one, so `<script>` in `<svg>` and `<mi>` in `<math>` get reports of their own.
    assert_eq!(errors.len(), 22, "{}", run.stderr);
    assert!(
        !run.stderr.contains("content/_index.md"),
        "legitimate HTML reported:\n{}",
        run.stderr
    );
}

#[test]
fn build_neutralises_and_keeps_legitimate_html() {
    let site = fixture("hardening/raw-html");
    let run = backlot(site.path(), &["build"]);
    run.ok();
    assert!(
        run.stderr.contains("warning: raw HTML `<script>`"),
        "{}",
        run.stderr
    );
    let page = text(&site.path().join("public"), "evil/index.html");
    // The theme's own scripts are outside <main>; the page's content is inside.
    let evil = &page[page.find("<main").unwrap()..page.find("</main>").unwrap()];
    let lower = evil.to_lowercase();
    for bad in [
        "alert(",
        "<script",
        "onerror",
        "onload",
        "onclick",
        "<iframe",
        "<svg",
        "<math",
        "<object",
        "<embed",
        "<form",
        "javascript:",
        "vbscript:",
        "data:",
        "style=\"background",
    ] {
        // The autolink's text stays as text: `javascript:alert('auto')` escaped, no href.
        let hits = lower.matches(bad).count();
        let allowed = usize::from(bad == "alert(" || bad == "javascript:");
        assert!(hits <= allowed, "{bad} x{hits} in\n{evil}");
    }
    assert!(
        evil.contains("<a href=\"#\">javascript:alert('auto')</a>"),
        "{evil}"
    );
    let home = text(&site.path().join("public"), "index.html");
    for good in [
        "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>; H<sub>2</sub>O and E = mc<sup>2</sup>.<br>",
        "Unclosed <b>bold stays in its paragraph.</b></p>\n<p>Next paragraph is plain.</p>",
        "<details>\n<summary>Show more</summary>\n\n<p>Hidden <strong>Markdown</strong> text.</p>\n</details>",
        "<tr><td>\n\n<p>A cell with <em>Markdown</em>.</p>\n</td></tr>",
    ] {
        assert!(home.contains(good), "missing {good:?} in\n{home}");
    }
}
