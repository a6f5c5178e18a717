//! The "Using backlot" reference (docs/using/) against the code: the generated pages and the
//! JSON Schemas equal a fresh generation, the site.toml schema accepts exactly what backlot's
//! parser accepts and flags a misspelt key, the front matter schema accepts the Field Guide's
//! pages, and every variable a template or shortcode receives is in the reference.

use crate::harness::{backlot, copy_dir, fixtures_dir};
use backlot::schema::Which;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn using(path: &str) -> String {
    let p = repo().join("docs/using").join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn generated_pages_equal_a_fresh_generation() {
    let bless = std::env::var_os("BLESS").is_some();
    for (path, fresh) in backlot::reference::pages() {
        let file = repo().join("docs/using").join(&path);
        if bless {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &fresh).unwrap();
            continue;
        }
        let checked_in = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            checked_in == fresh,
            "docs/using/{path} is not what the code generates; run BLESS=1 cargo test --test it reference:: and commit it"
        );
    }
}

#[test]
fn schema_command_prints_the_published_schemas() {
    for (arg, which) in [("site", Which::Site), ("front-matter", Which::FrontMatter)] {
        let out = backlot().args(["schema", arg]).output().unwrap();
        assert!(out.status.success());
        assert_eq!(String::from_utf8(out.stdout).unwrap(), which.text());
    }
}

fn validator(which: Which) -> jsonschema::Validator {
    jsonschema::validator_for(&which.schema()).expect("the schema is valid JSON Schema")
}

fn toml_as_json(text: &str) -> Option<Value> {
    let table: toml::Table = toml::from_str(text).ok()?;
    serde_json::to_value(table).ok()
}

/// Every site.toml in the repository: the Field Guide's, the reference site's, the fixtures'.
fn site_tomls() -> Vec<PathBuf> {
    let mut out = vec![
        repo().join("site.toml"),
        repo().join("docs/using/site.toml"),
    ];
    for e in walkdir::WalkDir::new(fixtures_dir()) {
        let e = e.unwrap();
        if e.file_name() == "site.toml" {
            out.push(e.into_path());
        }
    }
    out
}

#[test]
fn site_schema_accepts_exactly_what_the_parser_accepts() {
    let v = validator(Which::Site);
    let mut accepted = 0;
    for path in site_tomls() {
        let text = std::fs::read_to_string(&path).unwrap();
        let Some(json) = toml_as_json(&text) else {
            continue; // not TOML at all: no schema is asked
        };
        let parsed = toml::from_str::<backlot::config::SiteToml>(&text);
        let errors: Vec<String> = v.iter_errors(&json).map(|e| e.to_string()).collect();
        assert_eq!(
            parsed.is_ok(),
            errors.is_empty(),
            "{}: the parser says {:?}, the schema says {errors:?}",
            path.display(),
            parsed.err().map(|e| e.to_string())
        );
        accepted += usize::from(parsed.is_ok());
    }
    assert!(
        accepted > 10,
        "only {accepted} site.toml files were accepted"
    );
}

#[test]
fn site_schema_rejects_misspelt_keys_where_the_parser_does() {
    let v = validator(Which::Site);
    let field_guide = std::fs::read_to_string(repo().join("site.toml")).unwrap();
    for (misspelt, at) in [
        (format!("descripton = \"x\"\n{field_guide}"), "descripton"),
        (
            field_guide.replace("light_theme =", "light_them ="),
            "light_them",
        ),
        (
            field_guide.replace("require_code = true", "require_cod = true"),
            "require_cod",
        ),
    ] {
        assert!(toml::from_str::<backlot::config::SiteToml>(&misspelt).is_err());
        let json = toml_as_json(&misspelt).unwrap();
        let errors: Vec<String> = v.iter_errors(&json).map(|e| e.to_string()).collect();
        assert!(
            errors.iter().any(|e| e.contains(at)),
            "`{at}`: the schema said {errors:?}"
        );
    }
    // `[extra]` is the site's own: any key goes, as in the parser.
    let extra = format!("{field_guide}\n[extra]\nanything = {{ goes = 1 }}\n");
    assert!(toml::from_str::<backlot::config::SiteToml>(&extra).is_ok());
    assert!(v.is_valid(&toml_as_json(&extra).unwrap()));
}

#[test]
fn front_matter_schema_accepts_the_sites_pages() {
    let v = validator(Which::FrontMatter);
    let mut checked = 0;
    // The theme fixture's pages always; the repository's own docs too where it has a content/
    // folder (a fork's docs may live elsewhere or have few pages).
    let dirs = [
        fixtures_dir().join("theme/site/content"),
        repo().join("content"),
    ];
    for e in dirs
        .iter()
        .flat_map(walkdir::WalkDir::new)
        .filter_map(Result::ok)
    {
        if e.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        let shown = e.path().display().to_string();
        let Some(split) = backlot::frontmatter::split(&shown, &text).unwrap() else {
            continue;
        };
        let json: Value = serde_yaml_ng::from_str(split.front).unwrap();
        let errors: Vec<String> = v.iter_errors(&json).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{shown}: {errors:?}");
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} pages have front matter");
    let bad: Value = serde_json::json!({ "title": "x", "weight": "first", "tags": "one" });
    assert!(!v.is_valid(&bad), "a weight that is not a number passed");
    let date: Value = serde_json::json!({ "date": "21 November 2026" });
    assert!(!v.is_valid(&date), "a date backlot refuses passed");
}

/// Every key path (`page.toc`, `page.toc[].level`...) of the JSON a template dumped.
fn key_paths(prefix: &str, value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(same_shape(&path));
                if !(path.ends_with("extra") || path == "data" || path == "source") {
                    key_paths(&path, v, out);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                key_paths(&format!("{prefix}[]"), item, out);
            }
        }
        _ => {}
    }
}

/// Runs `backlot <args> --root <root>`, which must succeed.
fn run_ok(root: &Path, args: &[&str]) {
    let run = backlot()
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// `nav[].children[].url` is `nav[].url`: children have the shape of their parent.
fn same_shape(path: &str) -> String {
    let mut p = path.to_string();
    while let Some(i) = p.find("[].children[].") {
        p.replace_range(i + 3..i + 14, "");
    }
    while p.ends_with("[].children[].children") {
        p.truncate(p.len() - "[].children".len());
    }
    p
}

/// A site whose every template (and one shortcode) prints its whole context as JSON.
fn context_dump_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixtures_dir().join("theme/context-dump"), &root);
    (tmp, root)
}

fn dumped(html: &str) -> Value {
    let start = html.find("<dump>").expect("no dump") + "<dump>".len();
    let end = html[start..].find("</dump>").unwrap() + start;
    serde_json::from_str(&html[start..end]).unwrap_or_else(|e| panic!("{e}: {html}"))
}

#[test]
fn every_template_variable_is_in_the_reference() {
    let (_tmp, root) = context_dump_site();
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().to_str().unwrap();
    run_ok(&root, &["build", "--output", out_dir]);
    let reference = using("content/reference/templates.md");
    let mut missing = Vec::new();
    for (template, file) in [
        ("index.html", "index.html"),
        ("section.html", "guide/index.html"),
        ("page.html", "guide/first/index.html"),
        ("tag.html", "tags/alpha/index.html"),
        ("tags.html", "tags/index.html"),
        ("404.html", "404.html"),
        ("atom.xml", "atom.xml"),
        ("sitemap.xml", "sitemap.xml"),
        ("robots.txt", "robots.txt"),
        ("redirect.html", "old-first/index.html"),
    ] {
        let html = std::fs::read_to_string(out.path().join(file)).unwrap();
        let mut paths = BTreeSet::new();
        key_paths("", &dumped(&html), &mut paths);
        assert!(paths.contains("site.title"), "{template}: {paths:?}");
        for p in paths {
            if !reference.contains(&format!("`{p}`")) {
                missing.push(format!("{template}: `{p}`"));
            }
        }
    }
    let page = std::fs::read_to_string(out.path().join("guide/first/index.html")).unwrap();
    let start = page.rfind("<shortcode>").expect("the shortcode ran") + "<shortcode>".len();
    let end = page[start..].find("</shortcode>").unwrap() + start;
    let sc: Value = serde_json::from_str(&page[start..end].replace("&quot;", "\"")).unwrap();
    let shortcodes = using("content/reference/shortcodes.md");
    let mut paths = BTreeSet::new();
    key_paths("", &sc, &mut paths);
    for p in paths {
        if !shortcodes.contains(&format!("`{p}`")) {
            missing.push(format!("shortcode: `{p}`"));
        }
    }
    assert!(
        missing.is_empty(),
        "variables templates receive that docs/using/content/reference/ does not list:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_built_in_shortcode_is_in_the_reference() {
    let shortcodes = using("content/reference/shortcodes.md");
    let dir = repo().join("themes/default/templates/shortcodes");
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        let name = name.trim_end_matches(".html");
        assert!(
            shortcodes.contains(&format!("## `{name}`")),
            "shortcodes/{name}.html has no section in the reference"
        );
    }
}

#[test]
fn reference_site_builds_and_checks_clean() {
    let out = tempfile::tempdir().unwrap();
    let root = repo().join("docs/using");
    run_ok(&root, &["check"]);
    let out_dir = out.path().to_str().unwrap();
    let base_url = "https://owner.github.io/repo/using/";
    run_ok(
        &root,
        &["build", "--output", out_dir, "--base-url", base_url],
    );
    for file in [
        "schema/site.json",
        "schema/front-matter.json",
        "reference/settings/index.html",
    ] {
        assert!(
            Path::new(out.path()).join(file).is_file(),
            "{file} was not published"
        );
    }
}

/// The context-dump site with a page that has an unknown front matter key and a broken link.
fn broken_site() -> (tempfile::TempDir, PathBuf) {
    let (tmp, root) = context_dump_site();
    std::fs::write(
        root.join("content/guide/second.md"),
        "---\ntitle: Second\ndescriptio: typo\n---\n\n[broken](missing.md)\n",
    )
    .unwrap();
    (tmp, root)
}

#[test]
fn every_json_report_field_is_in_the_reference() {
    let (_tmp, root) = broken_site();
    let run = backlot()
        .args(["check", "--format", "json", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&run.stdout).unwrap();
    let mut paths = BTreeSet::new();
    key_paths("", &report, &mut paths);
    assert!(paths.contains("diagnostics[].target"), "{paths:?}");
    let reference = using("content/reference/diagnostics.md");
    let missing: Vec<_> = paths
        .iter()
        .filter(|p| !reference.contains(&format!("`{p}`")))
        .collect();
    assert!(missing.is_empty(), "diagnostics.md lacks {missing:?}");
}

/// `Code::Name` uses in `text` before its unit tests (which may use any code).
fn code_uses(text: &str, out: &mut BTreeSet<String>) {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    for (i, _) in text.match_indices("Code::") {
        let before = text[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // ExitCode::, StatusCode::
        }
        let name: String = text[i + "Code::".len()..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.starts_with(|c: char| c.is_ascii_uppercase()) {
            out.insert(name);
        }
    }
}

#[test]
fn diagnostic_codes_are_unique_well_formed_and_all_used() {
    use backlot::diag::codes::{ALL, AREAS};
    let mut ids = BTreeSet::new();
    for (n, info) in ALL.iter().enumerate() {
        assert_eq!(info.code as usize, n, "{}", info.name);
        let digits = info.id.strip_prefix("BL").unwrap_or_default();
        assert!(
            digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()),
            "{}: `{}` is not BL and four digits",
            info.name,
            info.id
        );
        assert!(
            AREAS.iter().any(|(a, _)| *a == &digits[..2]),
            "{}: no area {}",
            info.id,
            &digits[..2]
        );
        assert!(ids.insert(info.id), "{} is used twice", info.id);
        for (what, text) in [
            ("title", info.title),
            ("explanation", info.explanation),
            ("fix", info.fix),
        ] {
            assert!(!text.trim().is_empty(), "{} has no {what}", info.id);
        }
    }
    let sorted: Vec<&str> = ALL.iter().map(|i| i.id).collect();
    assert!(
        sorted.windows(2).all(|w| w[0] < w[1]),
        "the table is not in id order"
    );
    let mut used = BTreeSet::new();
    for e in walkdir::WalkDir::new(repo().join("src")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "rs") && !e.path().ends_with("diag/codes.rs") {
            code_uses(&std::fs::read_to_string(e.path()).unwrap(), &mut used);
        }
    }
    let table: BTreeSet<String> = ALL.iter().map(|i| i.name.to_string()).collect();
    let dead: Vec<_> = table.difference(&used).collect();
    assert!(
        dead.is_empty(),
        "codes no diagnostic in src/ uses: {dead:?}"
    );
    let unknown: Vec<_> = used.difference(&table).collect();
    assert!(
        unknown.is_empty(),
        "codes src/ uses that the table lacks: {unknown:?}"
    );
}

#[test]
fn explain_prints_a_code_lists_them_and_refuses_an_unknown_one() {
    let run = backlot().args(["explain", "bl0401"]).output().unwrap();
    assert!(run.status.success());
    let text = String::from_utf8(run.stdout).unwrap();
    let info = backlot::diag::Code::MissingPage.info();
    assert!(
        text.starts_with("BL0401: link to a missing page or file\n"),
        "{text}"
    );
    assert!(
        text.contains(info.explanation) && text.contains(info.fix),
        "{text}"
    );
    let list = backlot().arg("explain").output().unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    for info in backlot::diag::codes::ALL {
        assert!(
            list.contains(&format!("{}  {}", info.id, info.title)),
            "{}",
            info.id
        );
    }
    let bad = backlot().args(["explain", "E0308"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8(bad.stderr).unwrap();
    assert!(
        err.contains("`E0308` is not a backlot diagnostic code")
            && err.contains("`backlot explain` lists every code"),
        "{err}"
    );
}

#[test]
fn every_report_format_carries_the_code() {
    let (_tmp, root) = broken_site();
    let run = |format: &str| {
        let out = backlot()
            .args(["check", "--format", format, "--root"])
            .arg(&root)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (json, _) = run("json");
    let report: Value = serde_json::from_str(&json).unwrap();
    let codes: BTreeSet<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, BTreeSet::from(["BL0303", "BL0401"]));
    let (_, human) = run("human");
    assert!(
        human.contains("content/guide/second.md:6:1: error: link to a missing page `missing.md` (looked for content/guide/missing.md) [BL0401]\n"),
        "{human}"
    );
    let (github, _) = run("github");
    assert!(
        github.contains(",title=backlot BL0303%3A unknown front matter key::"),
        "{github}"
    );
}
