//! The site's own editorial rules, run by `check`: site.toml's `[lint]` table (descriptions,
//! required front matter fields, prose word floors, per-section page counts, code presence and
//! required tab labels) and the older `[tabs.required]` spelling of tab rules. With neither set,
//! no rule applies: the tool itself asks nothing of a page beyond what it needs to build it.

use crate::config::{Config, SectionRule, CONFIG_FILE};
use crate::diag::Code;
use crate::diag::{line_col, plural, Diagnostic, Diagnostics};
use crate::frontmatter::FrontMatter;
use crate::markdown::CodeBlock;
use crate::site::{Doc, Kind, Site};
use std::collections::BTreeMap;

/// Checks every rule site.toml sets; each violation is an error naming the setting.
pub(crate) fn lint(site: &Site, config: &Config, diags: &mut Diagnostics) {
    // Only for line numbers in messages: a site.toml that loaded is readable.
    let toml_text = std::fs::read_to_string(config.root.join(CONFIG_FILE)).unwrap_or_default();
    let lint = &config.site.lint;
    check_field_names(lint, &toml_text, diags);
    for doc in site.docs.iter().filter(|d| !d.implicit) {
        check_front_matter(doc, config, diags);
        check_words(doc, config, diags);
    }
    let content = config.content_dir();
    for rule in &lint.sections {
        check_section(site, content, rule, &toml_text, diags);
    }
    for (section, labels) in &config.site.tabs.required {
        let setting = format!("this site's site.toml sets `[tabs.required] \"{section}\"`");
        let dir = content_path(content, section);
        let prefix = format!("{dir}/");
        let docs: Vec<&Doc> = site
            .docs
            .iter()
            .filter(|d| d.source.starts_with(&prefix))
            .collect();
        tabs_in(&docs, content, &dir, labels, &setting, diags);
    }
}

/// What each kind of document is called in messages, and its key under `[lint]` tables.
fn kind_of(doc: &Doc) -> (&'static str, &'static str) {
    match doc.kind {
        Kind::Page => ("page", "pages"),
        Kind::Section if doc.path.is_empty() => ("home page", "home"),
        Kind::Section => ("section", "sections"),
    }
}

fn per_kind<'a, T>(table: &'a crate::config::PerKind<T>, key: &str) -> &'a T {
    match key {
        "pages" => &table.pages,
        "sections" => &table.sections,
        _ => &table.home,
    }
}

/// The front matter fields `required_fields` may name.
const FIELDS: &[&str] = &[
    "title",
    "description",
    "weight",
    "tags",
    "date",
    "updated",
    "slug",
    "aliases",
    "template",
];

/// Whether the front matter sets `name`; `None` for a name that is not a front matter field.
fn has_field(fm: &FrontMatter, name: &str) -> Option<bool> {
    let set = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
    Some(match name {
        "title" => set(&fm.title),
        "description" => set(&fm.description),
        "weight" => fm.weight.is_some(),
        "tags" => !fm.tags.is_empty(),
        "date" => fm.date.is_some(),
        "updated" => fm.updated.is_some(),
        "slug" => set(&fm.slug),
        "aliases" => !fm.aliases.is_empty(),
        "template" => set(&fm.template),
        _ => return None,
    })
}

/// A `required_fields` entry that names no front matter field would silently check nothing.
fn check_field_names(lint: &crate::config::Lint, toml_text: &str, diags: &mut Diagnostics) {
    let line = key_line(toml_text, "required_fields");
    let probe = FrontMatter::default();
    for key in ["pages", "sections", "home"] {
        for name in per_kind(&lint.required_fields, key) {
            if has_field(&probe, name).is_none() {
                diags.push(
                    Diagnostic::error(Code::LintSettingInvalid, CONFIG_FILE, line, 1, format!("`[lint] required_fields.{key}` names `{name}`, which is not a front matter field"))
                        .with_help(match crate::diag::closest(name, FIELDS.iter().copied()) {
                            Some(best) => format!("did you mean `{best}`?"),
                            None => format!("use one of {}", FIELDS.join(", ")),
                        }),
                );
            }
        }
    }
}

fn check_front_matter(doc: &Doc, config: &Config, diags: &mut Diagnostics) {
    let lint = &config.site.lint;
    let (kind, key) = kind_of(doc);
    let fm = doc.front();
    let mut missing = |field: &str, setting: String| {
        diags.push(
            Diagnostic::error(
                Code::LintRequiredField,
                &doc.source,
                1,
                1,
                format!(
                    "the front matter has no `{field}`, which this site requires on every {kind}"
                ),
            )
            .with_help(format!(
                "add `{field}` to the front matter; this site's site.toml sets {setting}"
            )),
        );
    };
    if lint.require_description && has_field(fm, "description") == Some(false) {
        missing("description", "`[lint] require_description = true`".into());
    }
    for name in per_kind(&lint.required_fields, key) {
        if has_field(fm, name) == Some(false)
            && !(name == "description" && lint.require_description)
        {
            missing(
                name,
                format!("`[lint] required_fields.{key}` to include `{name}`"),
            );
        }
    }
    let desc = fm.description.as_deref().unwrap_or("");
    if lint.one_sentence_description && desc.trim().trim_end_matches('.').contains(". ") {
        diags.push(
            Diagnostic::error(Code::LintDescriptionSentences, &doc.source, 1, 1, "the description is more than one sentence")
                .with_help("shorten it to one sentence; this site's site.toml sets `[lint] one_sentence_description = true`"),
        );
    }
}

fn check_words(doc: &Doc, config: &Config, diags: &mut Diagnostics) {
    let (kind, key) = kind_of(doc);
    let Some(floor) = *per_kind(&config.site.lint.min_words, key) else {
        return;
    };
    let words = doc.parsed.md.word_count;
    if words < floor {
        diags.push(
            Diagnostic::error(
                Code::LintMinWords,
                &doc.source,
                1,
                1,
                format!("{} of prose; this site asks for at least {floor} on a {kind}", plural(words, "word")),
            )
            .with_help(format!("expand the text (code blocks do not count); this site's site.toml sets `[lint] min_words.{key} = {floor}`")),
        );
    }
}

/// One `[[lint.sections]]` entry, with where it is in site.toml.
struct Entry<'a> {
    rule: &'a SectionRule,
    /// As written, without surrounding slashes: "stacks/languages", "" for the whole site.
    path: &'a str,
    /// The site's content folder ("content"), and the folder the entry stands for:
    /// "content/stacks/languages".
    content: &'a str,
    dir: String,
    line: usize,
}

impl Entry<'_> {
    /// The help line's account of the setting a violation breaks.
    fn setting(&self, what: &str) -> String {
        format!(
            "this site's site.toml sets {what} for `[[lint.sections]] path = \"{}\"` (site.toml line {})",
            self.path, self.line
        )
    }

    fn excepted(&self, doc: &Doc) -> bool {
        self.rule
            .except
            .iter()
            .any(|e| doc.source == content_path(self.content, e))
    }
}

/// A path relative to the content folder as a site-relative path: "a/b.md" -> "content/a/b.md".
fn content_path(content: &str, rel: &str) -> String {
    let rel = rel.trim_matches('/');
    if rel.is_empty() {
        content.into()
    } else {
        format!("{content}/{rel}")
    }
}

/// The rules of one `[[lint.sections]]` entry.
fn check_section(
    site: &Site,
    content: &str,
    rule: &SectionRule,
    toml_text: &str,
    diags: &mut Diagnostics,
) {
    let path = rule.path.get_ref().trim_matches('/');
    let entry = Entry {
        rule,
        path,
        content,
        dir: content_path(content, path),
        line: line_col(toml_text, rule.path.span().start).0,
    };
    for source in rule.except.iter().map(|e| content_path(content, e)) {
        if !site.docs.iter().any(|d| d.source == source) {
            diags.push(
                Diagnostic::error(
                    Code::LintSettingInvalid,
                    CONFIG_FILE,
                    entry.line,
                    1,
                    format!("`except` lists {source}, which is not a page of this site"),
                )
                .with_help(format!(
                    "remove it from the list, or correct its path (relative to {content}/)"
                )),
            );
        }
    }
    if let Some(min) = rule.min_pages {
        check_min_pages(site, &entry, min, diags);
    }
    let prefix = format!("{}/", entry.dir);
    let below: Vec<&Doc> = site
        .docs
        .iter()
        .filter(|d| d.source.starts_with(&prefix) && !entry.excepted(d))
        .collect();
    for doc in below.iter().filter(|d| d.kind == Kind::Page) {
        check_code(doc, &entry, diags);
        check_headings(doc, &entry, diags);
    }
    if !rule.tabs.is_empty() {
        let setting = entry.setting("`tabs`");
        tabs_in(&below, content, &entry.dir, &rule.tabs, &setting, diags);
    }
}

fn check_min_pages(site: &Site, entry: &Entry, min: usize, diags: &mut Diagnostics) {
    let dir = &entry.dir;
    let section = site
        .docs
        .iter()
        .find(|d| d.kind == Kind::Section && d.dir == *dir && !d.implicit);
    let pages = site
        .docs
        .iter()
        .filter(|d| d.kind == Kind::Page && d.dir == *dir)
        .count();
    let (file, line, message) = match section {
        None => (
            CONFIG_FILE,
            entry.line,
            format!("{dir} is not a section (it has no _index.md)"),
        ),
        Some(_) if pages >= min => return,
        Some(s) => (
            s.source.as_str(),
            1,
            format!(
                "{dir} has {}; this site asks for at least {min}",
                plural(pages, "page")
            ),
        ),
    };
    let help = entry.setting(&format!("`min_pages = {min}`"));
    diags.push(Diagnostic::error(Code::LintMinPages, file, line, 1, message).with_help(help));
}

fn check_code(doc: &Doc, entry: &Entry, diags: &mut Diagnostics) {
    let blocks = &doc.parsed.md.code_blocks;
    let mut fail = |message: String, setting: String, fix: &str| {
        diags.push(
            Diagnostic::error(Code::LintCode, &doc.source, 1, 1, message).with_help(format!(
                "{}; {fix}, or list the page in that rule's `except`",
                entry.setting(&setting)
            )),
        );
    };
    if entry.rule.require_code && blocks.is_empty() {
        fail(
            "this page has no code block, and this site requires code here".into(),
            "`require_code = true`".into(),
            "add an example",
        );
    }
    if let Some(text) = &entry.rule.code_contains {
        if !blocks.iter().any(|b| b.code.contains(text.as_str())) {
            fail(
                format!("no code block on this page contains `{text}`"),
                format!("`code_contains = \"{text}\"`"),
                "add the shared example",
            );
        }
    }
}

fn check_headings(doc: &Doc, entry: &Entry, diags: &mut Diagnostics) {
    let headings = &doc.parsed.md.headings;
    for want in &entry.rule.require_headings {
        if headings
            .iter()
            .any(|h| h.text.eq_ignore_ascii_case(want.trim()))
        {
            continue;
        }
        let setting = entry.setting(&format!("`require_headings` to include \"{want}\""));
        diags.push(
            Diagnostic::error(
                Code::LintHeading,
                &doc.source,
                1,
                1,
                format!("this page has no \"{want}\" heading"),
            )
            .with_help(format!(
                "add a `## {want}` section; {setting}, or list the page in that rule's `except`"
            )),
        );
    }
}

/// Tab groups in `docs` (all below the folder `dir`) that offer any of `labels` must offer
/// every one of them.
fn tabs_in(
    docs: &[&Doc],
    content: &str,
    dir: &str,
    labels: &[String],
    setting: &str,
    diags: &mut Diagnostics,
) {
    let section = dir
        .strip_prefix(content)
        .and_then(|d| d.strip_prefix('/'))
        .unwrap_or("the whole site");
    for doc in docs {
        let mut groups: BTreeMap<usize, Vec<&CodeBlock>> = BTreeMap::new();
        for b in &doc.parsed.md.code_blocks {
            if let Some(g) = b.group {
                groups.entry(g).or_default().push(b);
            }
        }
        for blocks in groups.values() {
            let has = |l: &String| blocks.iter().any(|b| b.tab.as_deref() == Some(l.as_str()));
            // Only groups that compare stacks (offer one of the labels) must offer them all;
            // a WSGI/ASGI pair on a Python page is not a stack comparison.
            if !labels.iter().any(has) {
                continue;
            }
            let missing: Vec<&str> = labels
                .iter()
                .filter(|l| !has(l))
                .map(String::as_str)
                .collect();
            if let Some(first) = missing.first() {
                let label = if missing.len() > 1 { "labels" } else { "label" };
                diags.push(
                    Diagnostic::error(
                        Code::LintTabs,
                        &doc.source,
                        blocks[0].line.saturating_sub(1),
                        1,
                        format!(
                            "tab group lacks the {label} {} that site.toml requires in {section}",
                            missing.join(", ")
                        ),
                    )
                    .with_help(format!(
                        "add a block with tab=\"{first}\" to the group; {setting}"
                    )),
                );
            }
        }
    }
}

/// The first line of site.toml that sets `key`, or 1.
fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(['=', '.']))
        })
        .map_or(1, |i| i + 1)
}
