//! Bad input: every case gives `path:line:col: error: ...` and leaves public/ byte-identical.

use crate::harness::*;

/// Builds `errors/<case>` over a previous good public/ and checks the message and that public/
/// did not change.
fn fails_untouched(case: &str, expected: &[&str]) -> Run {
    let f = fixture("errors", case);
    fails_untouched_in(&f, expected)
}

fn fails_untouched_in(f: &Fixture, expected: &[&str]) -> Run {
    f.write("public/index.html", "<p>the last good site</p>");
    f.write("public/.nojekyll", "");
    f.write("public/old/page/index.html", "old page");
    let before = f.tree();
    let run = f.run(&["build"]);
    assert_eq!(
        run.code, 1,
        "expected a content error, got {}:\n{}",
        run.code, run.stderr
    );
    for e in expected {
        assert!(
            run.stderr.contains(e),
            "stderr lacks {e:?}:\n{}",
            run.stderr
        );
    }
    assert!(f.tree() == before, "public/ changed after a failed build");
    assert!(
        !f.root.join(".public.backlot-staging").exists(),
        "staging folder left behind"
    );
    run
}

#[test]
fn unclosed_front_matter() {
    fails_untouched(
        "unclosed-front-matter",
        &[
            "content/page.md:1:1: error: front matter opened with `---` on line 1 is never closed",
            "help: add a line `---`",
        ],
    );
}

#[test]
fn invalid_yaml() {
    fails_untouched("invalid-yaml", &["content/page.md:3:"]);
}

#[test]
fn invalid_toml() {
    fails_untouched("invalid-toml", &["content/page.md:4:10: error:"]);
}

#[test]
fn unknown_front_matter_field() {
    fails_untouched(
        "unknown-field",
        &[
            "content/page.md:4:1: error: unknown field `titel`",
            "help: did you mean `title`?",
        ],
    );
}

#[test]
fn missing_title() {
    fails_untouched(
        "missing-title",
        &["content/page.md:2:1: error: `title` is empty"],
    );
}

#[test]
fn wrongly_typed_date() {
    fails_untouched(
        "bad-date",
        &["content/page.md:4:7: error: date: invalid date `last tuesday`: expected YYYY-MM-DD"],
    );
}

/// A date that looks right but is not on the calendar is an error, never copied into atom.xml.
#[test]
fn impossible_date() {
    fails_untouched(
        "impossible-date",
        &["content/page.md:4:7: error: date: invalid date `2026-02-31T99:00`: expected YYYY-MM-DD"],
    );
}

#[test]
fn not_utf8() {
    fails_untouched(
        "not-utf8",
        &[
            "content/page.md:6:13: error: file is not valid UTF-8",
            "help: save the file as UTF-8",
        ],
    );
}

#[test]
fn link_to_missing_page() {
    fails_untouched(
        "missing-page",
        &["content/page.md:6:5: error: link to a missing page `other.md`"],
    );
}

#[test]
fn link_to_missing_anchor() {
    fails_untouched("missing-anchor", &["content/page.md:8:5: error: link `other.md#no-such-heading` points at a missing anchor", "did you mean `#only-heading`?"]);
}

#[test]
fn two_pages_one_url() {
    fails_untouched("duplicate-url", &["content/same.md:1:1: error: `content/a.md` and `content/same.md` both map to the URL /same/"]);
}

#[test]
fn missing_template() {
    fails_untouched(
        "missing-template",
        &["content/page.md:4:1: error: template `nope.html` not found"],
    );
}

#[test]
fn template_runtime_error() {
    fails_untouched(
        "template-runtime-error",
        &[
            "themes/default/templates/page.html:5:",
            "error: template error while rendering content/page.md",
        ],
    );
}

#[test]
fn slug_with_dotdot() {
    fails_untouched(
        "slug-dotdot",
        &["content/page.md:4:1: error: invalid slug `../escape`: it contains `..`"],
    );
}

#[cfg(unix)]
#[test]
fn symlink_outside_the_site() {
    let f = fixture("errors", "symlink-outside");
    let secret = f.root.parent().unwrap().join("secret.md");
    std::fs::write(
        &secret,
        "---\ntitle: secret\ndescription: x\n---\nTOP SECRET\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&secret, f.root.join("content/linked.md")).unwrap();
    let run = fails_untouched_in(
        &f,
        &["content/linked.md:1:1: error: symlink points outside the site root"],
    );
    assert!(!run.stderr.contains("TOP SECRET"));
}

#[test]
fn every_error_is_reported_in_one_run() {
    let run = fails_untouched(
        "many-errors",
        &[
            "content/a.md:6:1: error: link to a missing page `nope.md`",
            "content/b.md:4:1: error: unknown field `colour`",
            "content/c.md:2:1: error: `title` is empty",
        ],
    );
    assert!(run.stderr.contains("3 errors"), "{}", run.stderr);
}

#[test]
fn unknown_config_key() {
    fails_untouched(
        "config-unknown-key",
        &[
            "site.toml:3:1: error: unknown field `output_dri`",
            "help: did you mean `output_dir`?",
        ],
    );
}

/// A page whose front matter fails still exists for links: the one error is at its bad field,
/// not a "missing page" for each link to it.
#[test]
fn bad_front_matter_is_the_only_error() {
    let run = fails_untouched(
        "bad-field-linked",
        &["content/guide/setup.md:3:1: error: unknown field `descripton`"],
    );
    let errors = run.stderr.matches(": error: ").count();
    assert_eq!(errors, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("missing"), "{}", run.stderr);
}
