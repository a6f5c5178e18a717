//! The Field Guide itself: the plan's pages exist in every section, pages the plan gives code
//! carry code, topic pages are above the word floor, and front matter is complete.

use backlot::config::Overrides;
use backlot::diag::Diagnostics;
use backlot::site::{Kind, Site};
use std::path::Path;

/// Section folder -> number of pages the content plan asks for there.
const PLAN: &[(&str, usize)] = &[
    ("content/start-here", 2),
    ("content/roles", 6),
    ("content/stacks/foundations", 2),
    ("content/stacks/languages", 8),
    ("content/stacks/frameworks", 1),
    ("content/stacks/databases", 7),
    ("content/stacks/apis", 6),
    ("content/stacks/security", 9),
    ("content/stacks/performance", 5),
    ("content/stacks/architecture", 3),
    ("content/stacks/testing", 1),
    ("content/stacks/delivery", 4),
    ("content/careers", 6),
    ("content/reference", 1),
];

/// Pages the plan marks "Code: none".
const NO_CODE: &[&str] = &[
    "content/roles/responsibilities.md",
    "content/roles/related-roles.md",
    "content/careers/is-it-for-you.md",
    "content/careers/roadmap.md",
    "content/careers/progression.md",
    "content/reference/glossary.md",
];

const WORD_FLOOR: usize = 600;
const SECTION_FLOOR: usize = 120;

fn field_guide() -> Site {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut diags = Diagnostics::default();
    let loaded = backlot::pipeline::load(root, &Overrides::default(), &mut diags)
        .expect("the Field Guide loads");
    assert!(
        !diags.has_errors(),
        "the Field Guide has errors:\n{}",
        diags
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    loaded.site
}

#[test]
fn every_section_has_the_planned_pages() {
    let site = field_guide();
    for (dir, expected) in PLAN {
        let pages = site
            .docs
            .iter()
            .filter(|d| d.kind == Kind::Page && d.dir == *dir)
            .count();
        assert!(
            pages >= *expected,
            "{dir} has {pages} pages, the plan asks for {expected}"
        );
        assert!(
            site.docs
                .iter()
                .any(|d| d.kind == Kind::Section && d.dir == *dir),
            "{dir} has no _index.md"
        );
    }
}

#[test]
fn pages_carry_code_and_depth() {
    let site = field_guide();
    let mut problems = Vec::new();
    for d in site.docs.iter().filter(|d| d.source != "content/_index.md") {
        let words = d.parsed.md.word_count;
        match d.kind {
            Kind::Page if words < WORD_FLOOR => problems.push(format!(
                "{}: {words} words of prose, the floor is {WORD_FLOOR}",
                d.source
            )),
            Kind::Section if words < SECTION_FLOOR => problems.push(format!(
                "{}: {words} words, an introduction needs {SECTION_FLOOR}",
                d.source
            )),
            _ => {}
        }
        if d.kind == Kind::Page
            && !NO_CODE.contains(&d.source.as_str())
            && d.parsed.md.code_blocks.is_empty()
        {
            problems.push(format!(
                "{}: the plan gives this page code, it has none",
                d.source
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn front_matter_is_complete() {
    let site = field_guide();
    for d in site.docs.iter().filter(|d| !d.implicit) {
        let fm = d.front();
        assert!(fm.updated.is_some(), "{}: no `updated` date", d.source);
        if d.source != "content/_index.md" {
            assert!(fm.weight.is_some(), "{}: no weight", d.source);
        }
        if d.kind == Kind::Page {
            assert!(!fm.tags.is_empty(), "{}: no tags", d.source);
        }
        let desc = fm.description.as_deref().unwrap_or("");
        assert!(
            desc.trim_end_matches('.').matches(". ").count() == 0,
            "{}: the description should be one sentence",
            d.source
        );
    }
}

#[test]
fn language_pages_compare_the_same_endpoint() {
    let site = field_guide();
    let choosing = site
        .docs
        .iter()
        .find(|d| d.source == "content/stacks/languages/choosing.md")
        .expect("choosing.md");
    let labels: Vec<&str> = choosing
        .parsed
        .md
        .code_blocks
        .iter()
        .filter_map(|b| b.tab.as_deref())
        .collect();
    for want in ["Node.js", "Python", "Go", "Java"] {
        assert!(labels.contains(&want), "choosing.md lacks the {want} tab");
    }
    for d in site.docs.iter().filter(|d| {
        d.dir == "content/stacks/languages"
            && d.kind == Kind::Page
            && !d.source.ends_with("choosing.md")
    }) {
        let has = d
            .parsed
            .md
            .code_blocks
            .iter()
            .any(|b| b.code.contains("orders"));
        assert!(has, "{}: no example of the orders endpoint", d.source);
    }
}
