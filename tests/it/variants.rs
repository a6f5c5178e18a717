//! Languages and versions (`src/variants.rs`, `src/i18n.rs`): the fixture site
//! tests/fixtures/variants/site has English (default), Arabic (right to left) and Chinese,
//! and an old version v1 from a folder; these tests build it and read the output.

use crate::harness::{fixture, read_tree, Fixture};
use crate::publish::git;

fn built() -> Fixture {
    let f = fixture("variants", "site");
    f.build_ok(&[]);
    f
}

/// The `href` of the link whose text is `label` inside the element starting at `marker`.
fn link_in(html: &str, marker: &str, label: &str) -> String {
    let part = &html[html.find(marker).unwrap_or_else(|| panic!("no {marker}"))..];
    let end = part
        .find(&format!(">{label}</a>"))
        .unwrap_or_else(|| panic!("no link {label}"));
    let start = part[..end].rfind("href=\"").unwrap() + 6;
    part[start..start + part[start..].find('"').unwrap()].to_string()
}

#[test]
fn each_language_and_version_is_built_under_its_prefix() {
    let f = built();
    for page in [
        "index.html",
        "guide/install/index.html",
        "ar/guide/install/index.html",
        "zh/guide/install/index.html",
        "v1/guide/install/index.html",
        "v1/ar/index.html",
    ] {
        assert!(f.exists(page), "{page}");
    }
    // The theme's files, robots.txt and the highlight stylesheet exist once, at the root.
    assert!(f.exists("theme.css") && !f.exists("ar/theme.css") && !f.exists("v1/theme.js"));
    assert!(!f.exists("ar/robots.txt") && !f.exists("ar/highlight.css"));
    let ar = f.read("ar/guide/install/index.html");
    assert!(ar
        .contains("<html lang=\"ar\" dir=\"rtl\" data-base=\"/docs/ar/\" data-assets=\"/docs/\">"));
    assert!(
        ar.contains("href=\"/docs/theme.css\""),
        "theme files come from the root"
    );
    assert!(
        ar.contains("<title>التثبيت · دليل المتغيرات</title>"),
        "the language's title"
    );
    assert!(ar.contains("في هذه الصفحة"), "the theme's Arabic strings");
    assert!(ar.contains("<script type=\"application/json\" id=\"backlot-strings\">"));
    let en = f.read("guide/install/index.html");
    assert!(en.contains("<html lang=\"en\" data-base=\"/docs/\">"));
    assert!(
        !en.contains("backlot-strings"),
        "English pages need no strings for the scripts"
    );
}

#[test]
fn a_site_table_overrides_the_theme_table() {
    let f = built();
    // content.ar/guide/_index.md -> install: the pager's "next" label is the site's own.
    let ar = f.read("ar/guide/index.html");
    assert!(
        ar.contains("<span class=\"pager-dir\">الصفحة التالية</span>"),
        "{}",
        ar
    );
}

#[test]
fn switchers_keep_the_page_when_it_exists_else_lead_home() {
    let f = built();
    let en = f.read("guide/install/index.html");
    assert_eq!(
        link_in(&en, "switcher-language", "العربية"),
        "/docs/ar/guide/install/"
    );
    assert_eq!(
        link_in(&en, "switcher-language", "中文"),
        "/docs/zh/guide/install/"
    );
    assert_eq!(
        link_in(&en, "switcher-version", "v1 (old)"),
        "/docs/v1/guide/install/"
    );
    // Not translated, not in v1: each language's and version's home.
    let only_en = f.read("guide/configure/index.html");
    assert_eq!(
        link_in(&only_en, "switcher-language", "العربية"),
        "/docs/ar/"
    );
    assert_eq!(
        link_in(&only_en, "switcher-version", "v1 (old)"),
        "/docs/v1/"
    );
    // An Arabic page switches version within Arabic.
    let ar = f.read("ar/guide/install/index.html");
    assert_eq!(link_in(&ar, "switcher-version", "v1 (old)"), "/docs/v1/ar/");
    // hreflang names only the languages that have the page, plus x-default.
    assert!(en.contains("<link rel=\"alternate\" hreflang=\"ar\" href=\"https://example.com/docs/ar/guide/install/\">"));
    assert!(en.contains("hreflang=\"x-default\" href=\"https://example.com/docs/guide/install/\""));
    assert!(
        !only_en.contains("<link rel=\"alternate\" hreflang"),
        "a page in one language has no alternates"
    );
}

#[test]
fn old_versions_point_at_the_current_one() {
    let f = built();
    let v1 = f.read("v1/guide/install/index.html");
    assert!(
        v1.contains("<link rel=\"canonical\" href=\"https://example.com/docs/guide/install/\">")
    );
    assert!(v1.contains("class=\"version-banner\">You are reading the documentation of v1 (old). <a href=\"/docs/guide/install/\">Go to v2</a>"));
    assert!(v1.contains(
        "type=\"application/atom+xml\" title=\"Variants fixture\" href=\"/docs/atom.xml\""
    ));
    assert!(!f.exists("v1/sitemap.xml") && !f.exists("v1/atom.xml"));
    assert!(
        !f.read("sitemap.xml").contains("/v1/"),
        "the sitemap lists the current version"
    );
    assert!(f.exists("ar/sitemap.xml") && f.exists("ar/atom.xml"));
    let current = f.read("guide/install/index.html");
    assert!(!current.contains("version-banner"));
    assert!(current
        .contains("<link rel=\"canonical\" href=\"https://example.com/docs/guide/install/\">"));
}

#[test]
fn each_variant_has_its_own_search_index() {
    let f = built();
    let index = |dir: &str| {
        read_tree(&f.public().join(dir).join("search"))
            .into_values()
            .map(|b| String::from_utf8(b).unwrap())
            .collect::<String>()
    };
    let (en, ar, zh, v1) = (index(""), index("ar"), index("zh"), index("v1"));
    assert!(en.contains("\"heliotrop") && !en.contains("marigold") && !en.contains("الياسمين"));
    assert!(ar.contains("\"الياسمين\"") && !ar.contains("heliotrop"));
    // Chinese is indexed by character bigrams, which the browser's tokenizer makes too.
    assert!(zh.contains("\"索引\""), "{zh}");
    assert!(v1.contains("\"marigold\"") && !v1.contains("heliotrop"));
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let f = fixture("variants", "site");
    let run = |threads: &str, out: &str| {
        let r = crate::harness::backlot()
            .arg("build")
            .arg("--output")
            .arg(f.root.join(out))
            .arg("--root")
            .arg(&f.root)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        read_tree(&f.root.join(out))
    };
    assert_eq!(run("1", "out1"), run("4", "out4"));
}

#[test]
fn a_language_without_its_folder_is_an_error() {
    let f = fixture("variants", "site");
    std::fs::remove_dir_all(f.root.join("content.zh")).unwrap();
    let run = f.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("site.toml:10:1: error: language `zh` has no content folder content.zh/"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: create content.zh/"),
        "{}",
        run.stderr
    );
}

/// The fixture as a git repository: the originals committed on day 1, the translations on
/// day 2, then the English install page changed on day 3.
fn committed() -> Fixture {
    let f = fixture("variants", "site");
    let day = |d: u32| format!("2026-01-0{d}T12:00:00Z");
    git(&f.root, &["init", "-q"], &day(1));
    git(
        &f.root,
        &["add", "content", "site.toml", "versions", "i18n"],
        &day(1),
    );
    git(&f.root, &["commit", "-qm", "originals"], &day(1));
    git(&f.root, &["add", "."], &day(2));
    git(&f.root, &["commit", "-qm", "translations"], &day(2));
    f.write(
        "content/guide/install.md",
        "+++\ntitle = \"Install\"\n+++\nChanged after the translation.\n",
    );
    git(&f.root, &["commit", "-qam", "newer original"], &day(3));
    f
}

#[test]
fn check_reports_missing_and_outdated_translations() {
    let f = committed();
    let run = f.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let e = &run.stderr;
    assert!(
        e.contains("content/guide/configure.md:1:1: error: page not translated into `ar`"),
        "{e}"
    );
    assert!(e.contains("help: add content.ar/guide/configure.md"), "{e}");
    assert!(e.contains("content.zh/guide/configure.md"), "{e}");
    assert!(e.contains("content.ar/guide/install.md:1:1: error: translation is older than its original content/guide/install.md (last commits 2026-01-02 and 2026-01-03)"), "{e}");
    // zh/guide/_index.md and the home pages are translated and newer: not reported.
    assert!(!e.contains("content.zh/_index.md"), "{e}");
    // A language marked partial has its missing pages accepted (outdated ones still count).
    let toml = std::fs::read_to_string(f.root.join("site.toml")).unwrap();
    f.write(
        "site.toml",
        &toml.replace("[languages.zh]", "[languages.zh]\npartial = true"),
    );
    let e = f.run(&["check"]).stderr;
    assert!(
        !e.contains("content.zh/guide/configure.md") && e.contains("into `ar`"),
        "{e}"
    );
    assert!(
        e.contains("content.zh/guide/install.md:1:1: error: translation is older"),
        "{e}"
    );
}

#[test]
fn a_version_can_come_from_a_git_tag() {
    let f = committed();
    git(&f.root, &["tag", "release-1"], "2026-01-04T12:00:00Z");
    f.write(
        "content/guide/install.md",
        "+++\ntitle = \"Install\"\n+++\nThe newest text.\n",
    );
    let toml = std::fs::read_to_string(f.root.join("site.toml")).unwrap();
    let toml = toml.replace("dir = \"versions/v1\"", "ref = \"release-1\"");
    f.write("site.toml", &toml);
    f.build_ok(&[]);
    let v1 = f.read("v1/guide/install/index.html");
    assert!(
        v1.contains("Changed after the translation."),
        "the tag's text"
    );
    assert!(f
        .read("guide/install/index.html")
        .contains("The newest text."));
    assert!(
        f.exists("v1/ar/guide/install/index.html"),
        "the tag's translations too"
    );
    let bad = toml.replace("release-1", "no-such-tag");
    f.write("site.toml", &bad);
    let run = f.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("site.toml:14:1: error: version `v1`: cannot read git ref `no-such-tag`: no branch or tag `no-such-tag` (nor origin/no-such-tag)"),
        "{}",
        run.stderr
    );
}

/// The preview's plan for changed paths, as its watcher makes it.
fn plan_for(root: &std::path::Path, paths: &[&str]) -> backlot::serve::watcher::Plan {
    use backlot::serve::watcher::{classify, Plan};
    let overrides = backlot::config::Overrides::default();
    let config = backlot::config::Config::load(root, &overrides).unwrap();
    let watched = backlot::variants::watched(&config);
    let mut plan = Plan::default();
    for p in paths {
        if !backlot::serve::variants::absorb(&watched, p, &mut plan) {
            plan.add(classify(p, "default", "public", "content"), p);
        }
    }
    plan
}

#[test]
fn the_preview_rebuilds_the_variant_that_changed_and_equals_a_clean_build() {
    use backlot::serve::incremental::Engine;
    use backlot::serve::watcher::Plan;
    let f = fixture("variants", "site");
    let mut engine = Engine::new(&f.root, backlot::config::Overrides::default());
    let first = engine.rebuild(&Plan::full());
    assert!(!first.failed(), "{:?}", first.diags);
    let same_as_build = |engine: &Engine, what: &str| {
        let _ = std::fs::remove_dir_all(f.public());
        f.build_ok(&[]);
        let served: std::collections::BTreeMap<String, Vec<u8>> = engine
            .snapshot()
            .merged()
            .into_iter()
            .map(|(k, v)| (k, v.to_vec()))
            .collect();
        let built = f.tree();
        assert_eq!(
            served.keys().collect::<Vec<_>>(),
            built.keys().collect::<Vec<_>>(),
            "{what}"
        );
        for (k, v) in &built {
            assert!(served[k] == *v, "{k} differs {what}");
        }
    };
    same_as_build(&engine, "after the first build");
    // A translation's text: the Arabic variant again, no page of the main one.
    let ar = "content.ar/guide/install.md";
    let text = std::fs::read_to_string(f.root.join(ar)).unwrap();
    f.write(ar, &format!("{text}\nفقرة جديدة.\n"));
    let outcome = engine.rebuild(&plan_for(&f.root, &[ar]));
    assert!(!outcome.failed(), "{:?}", outcome.diags);
    assert_eq!(outcome.rendered, 0, "the main variant is untouched");
    assert!(
        outcome
            .changed
            .contains(&"ar/guide/install/index.html".to_string()),
        "{:?}",
        outcome.changed
    );
    same_as_build(&engine, "after editing a translation");
    // A new translation: every variant's switchers now lead to it.
    let new = "content.ar/guide/configure.md";
    f.write(new, "+++\ntitle = \"الإعداد\"\n+++\nنص.\n");
    let outcome = engine.rebuild(&plan_for(&f.root, &[new]));
    assert!(!outcome.failed(), "{:?}", outcome.diags);
    assert!(
        outcome
            .changed
            .contains(&"guide/configure/index.html".to_string()),
        "{:?}",
        outcome.changed
    );
    same_as_build(&engine, "after adding a translation");
    // A page of the main variant: rendered incrementally, the others stay.
    let en = "content/guide/install.md";
    let text = std::fs::read_to_string(f.root.join(en)).unwrap();
    f.write(en, &format!("{text}\nA new paragraph.\n"));
    let outcome = engine.rebuild(&plan_for(&f.root, &[en]));
    assert_eq!(outcome.rendered, 1, "{:?}", outcome.changed);
    same_as_build(&engine, "after editing an original");
    // The site's string table.
    f.write("i18n/ar.toml", "next = \"بعده\"\n");
    let outcome = engine.rebuild(&plan_for(&f.root, &["i18n/ar.toml"]));
    assert!(!outcome.failed(), "{:?}", outcome.diags);
    same_as_build(&engine, "after changing a string");
}
