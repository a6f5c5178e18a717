//! Editorial rules from site.toml's `[lint]` table, enforced by `check` only: each rule fails on
//! the fixture that breaks it, with a help line naming the setting; a site without `[lint]`
//! accepts a two-line page.

use crate::harness::*;

#[test]
fn every_rule_fails_check_with_the_setting_named() {
    let f = fixture("lint", "rules");
    let run = f.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for want in [
        "content/guides/_index.md:1:1: error: 2 words of prose; this site asks for at least 5 on a section [BL0903]\n  help: expand the text (code blocks do not count); this site's site.toml sets `[lint] min_words.sections = 5`",
        "content/guides/_index.md:1:1: error: content/guides has 5 pages; this site asks for at least 6 [BL0904]\n  help: this site's site.toml sets `min_pages = 6` for `[[lint.sections]] path = \"guides\"` (site.toml line 11)",
        "content/guides/_index.md:1:1: error: the front matter has no `weight`, which this site requires on every section [BL0901]\n  help: add `weight` to the front matter; this site's site.toml sets `[lint] required_fields.sections` to include `weight`",
        "content/guides/nocode.md:1:1: error: this page has no code block, and this site requires code here",
        "content/guides/nocode.md:1:1: error: no code block on this page contains `orders`",
        "content/guides/nodesc.md:1:1: error: the front matter has no `description`, which this site requires on every page [BL0901]\n  help: add `description` to the front matter; this site's site.toml sets `[lint] require_description = true`",
        "content/guides/prose.md:1:1: error: the front matter has no `tags`",
        "content/guides/short.md:1:1: error: 5 words of prose; this site asks for at least 20 on a page [BL0903]\n  help: expand the text (code blocks do not count); this site's site.toml sets `[lint] min_words.pages = 20`",
        "content/guides/short.md:1:1: error: the description is more than one sentence",
        "content/guides/short.md:9:1: error: tab group lacks the label Python that site.toml requires in guides",
        "site.toml:7:1: error: `[lint] required_fields.home` names `wieght`, which is not a front matter field [BL0908]\n  help: did you mean `weight`?",
        "site.toml:20:1: error: `except` lists content/missing/gone.md, which is not a page of this site",
        "site.toml:20:1: error: content/missing is not a section (it has no _index.md)",
        "content/guides/short.md:1:1: error: this page has no \"Further reading\" heading [BL0906]\n  help: add a `## Further reading` section; this site's site.toml sets `require_headings` to include \"Further reading\" for `[[lint.sections]] path = \"guides\"` (site.toml line 11), or list the page in that rule's `except`",
        "check failed: 17 errors, 0 warnings",
    ] {
        assert!(run.stderr.contains(want), "missing:\n{want}\nin:\n{}", run.stderr);
    }
    // What the rules accept: the good page, the excepted page's missing code, the home page.
    for quiet in [
        "good.md",
        "prose.md:1:1: error: this page has no code",
        "content/_index.md",
    ] {
        assert!(!run.stderr.contains(quiet), "{quiet}:\n{}", run.stderr);
    }
}

#[test]
fn editorial_rules_do_not_fail_build() {
    let f = fixture("lint", "rules");
    let run = f.build_ok(&[]);
    assert!(!run.stderr.contains("words of prose"), "{}", run.stderr);
}

#[test]
fn a_fork_without_lint_accepts_a_two_line_page() {
    let f = fixture("lint", "fork");
    let run = f.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("check: 1 page, 1 section, "),
        "{}",
        run.stdout
    );
}

#[test]
fn the_older_tabs_required_table_still_applies() {
    let f = fixture("code", "examples");
    let run = f.run(&["check"]);
    assert!(
        run.stderr.contains("help: add a block with tab=\"Python\" to the group; this site's site.toml sets `[tabs.required] \"stacks\"`"),
        "{}",
        run.stderr
    );
}
