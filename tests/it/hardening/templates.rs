//! Issue 14: a template that extends, includes or imports itself (directly or through a
//! cycle) or a macro that calls itself with no condition is an error naming the cycle, found
//! before rendering: never a stack overflow (exit 134) in `build`, `check` or the preview. A
//! runtime error is reported in the template where it is, not the child that extends it.

use super::harness::{assert_refused, backlot, page, write, SITE_TOML};
use backlot::config::Overrides;
use backlot::serve::incremental::Engine;
use backlot::serve::watcher::Plan;

const T: &str = "themes/default/templates";

fn site(templates: &[(&str, &str)]) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        &[
            ("site.toml", SITE_TOML),
            ("content/_index.md", &page("Home", "Hi.\n")),
            ("content/guide/_index.md", &page("Guide", "Section.\n")),
            (
                "content/guide/one.md",
                &page("One", "## A\n\n### B\n\nText.\n"),
            ),
        ],
    );
    let files: Vec<(String, &str)> = templates
        .iter()
        .map(|(n, s)| (format!("{T}/{n}"), *s))
        .collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, s)| (n.as_str(), *s)).collect();
    write(t.path(), &refs);
    t
}

/// (case, templates written, expected error).
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
);

const CASES: &[Case] = &[
    (
        "self include",
        &[("page.html", "<p>\n{% include \"page.html\" %}</p>")],
        "themes/default/templates/page.html:2:1: error: template cycle: page.html -> page.html",
    ),
    (
        "self extends",
        &[("page.html", "{% extends \"page.html\" %}")],
        "themes/default/templates/page.html:1:1: error: template cycle: page.html -> page.html",
    ),
    (
        "extends cycle",
        &[
            ("page.html", "{% extends \"a.html\" %}"),
            ("a.html", "{% extends \"page.html\" %}"),
        ],
        "themes/default/templates/a.html:1:1: error: template cycle: a.html -> page.html -> a.html",
    ),
    (
        "recursive macro",
        &[
            ("m.html", "{% macro r(n) %}{{ self::r(n=n) }}{% endmacro r %}"),
            ("page.html", "{% import \"m.html\" as m %}{{ m::r(n=1) }}"),
        ],
        "themes/default/templates/m.html:1:17: error: macro recursion with no condition: m.html::r -> m.html::r",
    ),
];

#[test]
fn cycles_are_errors_not_stack_overflows() {
    for (_, templates, expected) in CASES {
        assert_refused(site(templates).path(), expected);
    }
}

#[test]
fn the_preview_survives_saving_a_cycle() {
    let t = site(&[]);
    let mut engine = Engine::new(t.path(), Overrides::default());
    assert!(!engine.rebuild(&Plan::full()).failed());
    for (name, templates, expected) in CASES {
        for (n, s) in *templates {
            write(t.path(), &[(&format!("{T}/{n}"), s)]);
        }
        let outcome = engine.rebuild(&Plan::full());
        assert!(outcome.failed(), "{name}");
        let shown: Vec<String> = outcome.diags.iter().map(|d| d.to_string()).collect();
        assert!(
            shown.iter().any(|d| d.contains(expected)),
            "{name}: {shown:?}"
        );
        for (n, _) in *templates {
            std::fs::remove_file(t.path().join(T).join(n)).unwrap();
        }
        assert!(!engine.rebuild(&Plan::full()).failed(), "{name}: fixed");
    }
}

#[test]
fn the_themes_recursive_toc_macro_still_renders() {
    let t = site(&[]);
    backlot(t.path(), &["build"]).ok();
    let html = super::harness::text(&t.path().join("public"), "guide/one/index.html");
    // toc_list recursed into the `### B` child of `## A`.
    assert!(
        html.contains("<ul><li><a href=\"#a\">A</a><ul><li><a href=\"#b\">B</a>"),
        "{html}"
    );
}

#[test]
fn a_runtime_error_is_reported_in_the_parent_template_it_is_in() {
    let default_page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(T)
            .join("page.html"),
    )
    .unwrap();
    let broken = default_page.replacen(
        "{% block main %}\n",
        "{% block main %}\n<p>{{ page.no_such_field.deeper }}</p>\n",
        1,
    );
    assert_ne!(broken, default_page);
    let t = site(&[("page.html", &broken)]);
    let run = backlot(t.path(), &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // section.html extends page.html: the error is in page.html, line 4.
    assert!(
        run.stderr.contains(
            "themes/default/templates/page.html:4:7: error: template error while rendering content/guide/_index.md"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("section.html:1:13"), "{}", run.stderr);
}
