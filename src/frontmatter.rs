//! Front matter: split `---` (YAML) or `+++` (TOML) from the body and parse it into a typed
//! `FrontMatter`, with every error's line and column counted from the top of the file.
//!
//! Front matter is optional, may follow blank lines, and may carry keys of other tools: keys
//! backlot understands under another name (`redirect_from`, `nav_order`...) are mapped, every
//! other key is kept under `extra` and listed in `FrontMatter::foreign` so the site decides
//! whether it is a warning or an error (`[front_matter] unknown_keys`). Every field problem of
//! a file is reported, not only the first. Size, nesting depth and control characters are
//! checked before and after the YAML/TOML parser, which is quadratic on deep nesting.

use crate::diag::Code;
use crate::diag::{closest, Diagnostic};
use serde::{de, de::DeserializeOwned, Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// The fields a page may set; any other key lands in `extra` and `foreign`. The JSON Schema
/// (`backlot schema front-matter`) is derived from this struct: its doc comments are the
/// fields' descriptions, and it allows other keys, as the default `unknown_keys = "warn"` does.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(default)]
pub struct FrontMatter {
    /// The page's title; without it, the first `# heading`, then the file name.
    pub(crate) title: Option<String>,
    /// One sentence about the page, for its meta description, section listings and search.
    pub(crate) description: Option<String>,
    /// The page's place among its siblings: lower first; pages without a weight follow, in
    /// natural file-name order.
    pub(crate) weight: Option<i64>,
    /// Tags, each with a page listing its pages under /tags/.
    pub(crate) tags: Vec<String>,
    /// A draft is built only with `--drafts` (and by `serve --drafts`).
    pub(crate) draft: bool,
    /// When the page was first published, e.g. 2026-11-21 or 2026-11-21T10:00:00Z.
    pub(crate) date: Option<Date>,
    /// When the page was last changed in substance; without it, the last git commit's date.
    pub(crate) updated: Option<Date>,
    /// The last part of the page's URL instead of the file name.
    pub(crate) slug: Option<String>,
    /// Old paths of the page (e.g. "old/page/"): each gets a redirect to it.
    #[schemars(with = "OneOrMany")]
    pub(crate) aliases: Vec<String>,
    /// The theme template to render the page with, e.g. "page.html".
    pub(crate) template: Option<String>,
    /// Any values of the page's own, read by templates as `page.extra`.
    pub(crate) extra: Map<String, Value>,
    /// Keys that are not backlot's own, in file order.
    #[schemars(skip)]
    pub(crate) foreign: Vec<ForeignKey>,
}

/// A front matter key that is not one of backlot's own fields.
/// Kept in the parse cache as its key and line (`crate::parse_cache`); the kind follows from
/// the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "(String, usize)", from = "(String, usize)")]
pub(crate) struct ForeignKey {
    pub(crate) key: String,
    /// File line of the key.
    pub(crate) line: usize,
    pub(crate) kind: ForeignKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ForeignKind {
    /// Another tool's name for a field backlot has (`nav_order` is `weight`): used as that field.
    Mapped(&'static str),
    /// Another tool's key with no meaning here (`layout`, `permalink`): reported once per site.
    NotApplicable,
    /// Another tool's key kept under `extra` for themes, silently (`author`, `sidebar_label`).
    Kept,
    /// A key no tool we know uses (often a typo): kept under `extra`, one warning per key.
    Unknown,
}

/// A calendar date, optionally with a time, validated by `jiff`: `2026-11-21`, or a date and time
/// (`2026-11-21T10:00:00`, with an optional offset) kept as UTC `2026-11-21T10:00:00Z`. The text
/// is normalised, so dates sort as strings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct Date(pub String);

impl Date {
    /// Parses a front matter date; the error says what is wrong (e.g. "February has 28 days").
    pub(crate) fn parse(s: &str) -> Result<Date, String> {
        if s.len() == 10 {
            let day: jiff::civil::Date = s.parse().map_err(|e| format!("{e}"))?;
            return Ok(Date(day.to_string()));
        }
        let utc = match s.parse::<jiff::Timestamp>() {
            Ok(t) => t,
            // Without an offset the time is taken as UTC.
            Err(_) => s
                .parse::<jiff::civil::DateTime>()
                .and_then(|t| t.to_zoned(jiff::tz::TimeZone::UTC))
                .map_err(|e| format!("{e}"))?
                .timestamp(),
        };
        Ok(Date(utc.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()))
    }

    /// The YYYY-MM-DD part.
    pub(crate) fn day(&self) -> &str {
        &self.0[..10]
    }

    /// RFC 3339, as the feed and sitemap want it.
    pub(crate) fn rfc3339(&self) -> String {
        if self.0.len() == 10 {
            format!("{}T00:00:00Z", self.0)
        } else {
            self.0.clone()
        }
    }
}

impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$"
        })
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date as YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Date, E> {
                Date::parse(s.trim()).map_err(|why| {
                    E::custom(format!(
                        "invalid date `{s}`: expected YYYY-MM-DD, e.g. 2026-11-21, or a date and time such as 2026-11-21T10:00:00Z ({why})"
                    ))
                })
            }
            // TOML dates arrive as toml's private one-entry datetime map.
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                let (_, value): (String, String) = map
                    .next_entry()?
                    .ok_or_else(|| de::Error::custom("expected a date as YYYY-MM-DD"))?;
                self.visit_str(&value)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Yaml,
    Toml,
}

/// A file split into its front matter and body.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub(crate) format: Format,
    pub front: &'a str,
    /// 1-based line of the file where `front` starts.
    pub(crate) front_line: usize,
    pub(crate) body: &'a str,
    /// 1-based line of the file where `body` starts.
    pub(crate) body_line: usize,
}

/// Front matter larger than this is refused before parsing (it is metadata, not content).
pub(crate) const MAX_FRONT_BYTES: usize = 64 * 1024;
/// Front matter nested deeper than this is refused before parsing: YAML parsers take quadratic
/// time on deep nesting, and no page needs more than a few levels.
pub(crate) const MAX_FRONT_DEPTH: usize = 32;

/// Splits front matter from the body. The opening delimiter must be the first non-blank line
/// (blank lines and a byte-order mark before it are skipped, as Jekyll and Hugo do); a file that
/// starts with anything else has no front matter (`Ok(None)`), like most repository docs.
pub fn split<'a>(path: &str, text: &'a str) -> Result<Option<Split<'a>>, Diagnostic> {
    let text_start = text.len() - text.trim_start_matches('\u{feff}').len();
    let mut open_at = text_start;
    let mut open_line = 1;
    for l in text[text_start..].split_inclusive('\n') {
        if !l.trim().is_empty() {
            break;
        }
        open_at += l.len();
        open_line += 1;
    }
    let rest = &text[open_at..];
    let first = rest.lines().next().unwrap_or("").trim_end();
    let format = match first {
        "---" => Format::Yaml,
        "+++" => Format::Toml,
        _ => return Ok(None),
    };
    let after_open = open_at + rest.find('\n').map_or(rest.len(), |i| i + 1);
    let mut offset = after_open;
    for (line, l) in (open_line + 1..).zip(text[after_open..].split_inclusive('\n')) {
        if l.trim_end() == first {
            let body_start = offset + l.len();
            return Ok(Some(Split {
                format,
                front: &text[after_open..offset],
                front_line: open_line + 1,
                body: &text[body_start..],
                body_line: line + 1,
            }));
        }
        offset += l.len();
    }
    Err(Diagnostic::error(
        Code::FrontMatterUnclosed,
        path,
        open_line,
        1,
        format!("front matter opened with `{first}` on line {open_line} is never closed"),
    )
    .with_help(format!(
        "add a line `{first}` after the last front matter field"
    )))
}

/// The fields backlot owns (besides `extra`).
const OWN: &[&str] = &[
    "title",
    "description",
    "weight",
    "tags",
    "draft",
    "date",
    "updated",
    "slug",
    "aliases",
    "template",
    "extra",
];

/// Other tools' names for backlot's fields (Jekyll, Hugo, Docusaurus, just-the-docs...).
const MAPPED: &[(&str, &str)] = &[
    ("redirect_from", "aliases"),
    ("nav_order", "weight"),
    ("sidebar_position", "weight"),
    ("order", "weight"),
    ("lastmod", "updated"),
    ("last_modified_at", "updated"),
];

/// Other tools' keys that mean nothing here: the site is told once (per key) that they are
/// ignored.
const NOT_APPLICABLE: &[&str] = &["layout", "permalink"];

/// Other tools' keys kept under `extra` without a word: themes may use them.
const KEPT: &[&str] = &[
    "author",
    "authors",
    "categories",
    "keywords",
    "summary",
    "page-type",
    "sidebar_label",
    "sidebar_class_name",
    "pagination_label",
    "linkTitle",
    "nav_exclude",
    "has_children",
    "parent",
    "grand_parent",
    "hide_title",
    "hide_table_of_contents",
    "toc",
    "id",
    "image",
    "sidebar",
    "lang",
    "comments",
    "published",
    "excerpt",
    "subtitle",
    "tableOfContents",
    "head",
    "hero",
    "banner",
    "pagefind",
    "editUrl",
    "prev",
    "next",
];

/// Other tools' keys and what backlot does with each, for the reference.
pub(crate) fn other_tools_keys() -> Vec<(&'static str, String)> {
    let mapped = MAPPED.iter().map(|(k, to)| (*k, format!("`{to}`")));
    let ignored = NOT_APPLICABLE
        .iter()
        .map(|k| (*k, "ignored, with one warning per site".to_string()));
    let kept = KEPT
        .iter()
        .map(|k| (*k, "kept under `page.extra`, without a warning".to_string()));
    mapped.chain(ignored).chain(kept).collect()
}

fn strict_error(path: &str, k: &ForeignKey) -> Diagnostic {
    let help = key_help(&k.key).unwrap_or_else(|| {
        "this site sets [front_matter] unknown_keys = \"error\"; put custom data under `extra:`"
            .into()
    });
    Diagnostic::error(
        Code::UnknownFrontMatterKey,
        path,
        k.line,
        1,
        format!("unknown field `{}`", k.key),
    )
    .with_help(help)
}

/// The "did you mean" help for an unknown front matter key.
pub(crate) fn key_help(key: &str) -> Option<String> {
    closest(key, OWN.iter().copied()).map(|c| format!("did you mean `{c}`?"))
}

impl From<ForeignKey> for (String, usize) {
    fn from(k: ForeignKey) -> (String, usize) {
        (k.key, k.line)
    }
}

impl From<(String, usize)> for ForeignKey {
    fn from((key, line): (String, usize)) -> ForeignKey {
        let kind = kind_of(&key);
        ForeignKey { key, line, kind }
    }
}

fn kind_of(key: &str) -> ForeignKind {
    if let Some((_, to)) = MAPPED.iter().find(|(k, _)| *k == key) {
        ForeignKind::Mapped(to)
    } else if NOT_APPLICABLE.contains(&key) {
        ForeignKind::NotApplicable
    } else if KEPT.contains(&key) {
        ForeignKind::Kept
    } else {
        ForeignKind::Unknown
    }
}

/// Parses the front matter of a split file; every problem of the file is returned at once.
/// With `strict` (`[front_matter] unknown_keys = "error"`), any key that is not backlot's own is
/// an error too.
pub fn parse(path: &str, s: &Split, strict: bool) -> Result<FrontMatter, Vec<Diagnostic>> {
    check_limits(path, s).map_err(|d| vec![d])?;
    let mut map = to_map(path, s).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    for (key, value) in &map {
        if let Some((what, c)) = control_char(key)
            .map(|c| ("its name", c))
            .or_else(|| control_in(value).map(|c| ("its value", c)))
        {
            errors.push(
                Diagnostic::error(
                    Code::FrontMatterValueInvalid,
                    path,
                    field_line(s, key),
                    1,
                    format!(
                        "front matter key `{}`: {what} contains the control character U+{:04X}",
                        key.escape_debug(),
                        c as u32
                    ),
                )
                .with_help("remove the character; control characters break the feed and the HTML"),
            );
        }
    }
    let mut fields = Fields {
        path,
        s,
        errors: &mut errors,
    };
    let mut fm = FrontMatter {
        title: fields.take(&mut map, "title"),
        description: fields.take(&mut map, "description"),
        weight: fields.take(&mut map, "weight"),
        tags: fields.take(&mut map, "tags").unwrap_or_default(),
        draft: fields.take(&mut map, "draft").unwrap_or_default(),
        date: fields.take(&mut map, "date"),
        updated: fields.take(&mut map, "updated"),
        slug: fields.take(&mut map, "slug"),
        aliases: fields
            .take::<OneOrMany>(&mut map, "aliases")
            .map_or_else(Vec::new, |a| a.0),
        template: fields.take(&mut map, "template"),
        extra: fields.take(&mut map, "extra").unwrap_or_default(),
        foreign: Vec::new(),
    };
    fields.take_foreign(&mut fm, map);
    if strict {
        errors.extend(fm.foreign.iter().map(|k| strict_error(path, k)));
    }
    check_values(path, s, &fm, &mut errors);
    errors.sort_by_key(|d| (d.line, d.col));
    if errors.is_empty() {
        Ok(fm)
    } else {
        Err(errors)
    }
}

/// Size and nesting checked on the raw text, so the parser never sees pathological input.
fn check_limits(path: &str, s: &Split) -> Result<(), Diagnostic> {
    if s.front.len() > MAX_FRONT_BYTES {
        return Err(Diagnostic::error(
            Code::FrontMatterTooLarge,
            path,
            s.front_line,
            1,
            format!(
                "front matter is {} bytes; the limit is {MAX_FRONT_BYTES}",
                s.front.len()
            ),
        )
        .with_help("front matter holds a page's metadata; move long text into the page body"));
    }
    match nesting_overflow(s.front) {
        Some((line, col)) => Err(Diagnostic::error(
            Code::FrontMatterTooLarge,
            path,
            line + s.front_line - 1,
            col,
            format!("front matter is nested more than {MAX_FRONT_DEPTH} levels deep"),
        )
        .with_help(
            "flatten the structure; front matter values are rarely more than a few levels deep",
        )),
        None => Ok(()),
    }
}

/// The (line, column) where nesting first exceeds `MAX_FRONT_DEPTH`, counted cheaply over the
/// text: open brackets outside quotes, plus block levels by indentation and `- ` items.
fn nesting_overflow(front: &str) -> Option<(usize, usize)> {
    let mut brackets = 0usize;
    let mut indents: Vec<usize> = Vec::new();
    for (n, line) in front.lines().enumerate() {
        let content = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - content.len();
        if brackets == 0 && !content.is_empty() && !content.starts_with('#') {
            while indents.last().is_some_and(|&i| i >= indent) {
                indents.pop();
            }
            indents.push(indent);
        }
        let mut block = indents.len();
        let mut rest = content;
        while let Some(r) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("? ")) {
            block += 1;
            rest = r.trim_start();
        }
        let mut quote: Option<char> = None;
        for (col, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => brackets += 1,
                (None, ']' | '}') => brackets = brackets.saturating_sub(1),
                _ => {}
            }
            if block + brackets > MAX_FRONT_DEPTH {
                return Some((n + 1, col + 1));
            }
        }
        if block > MAX_FRONT_DEPTH {
            return Some((n + 1, 1));
        }
    }
    None
}

/// The front matter as a JSON map, whichever format it was written in.
fn to_map(path: &str, s: &Split) -> Result<Map<String, Value>, Diagnostic> {
    let value: Value = match s.format {
        Format::Yaml if s.front.trim().is_empty() => Value::Null,
        Format::Yaml => serde_yaml_ng::from_str(s.front).map_err(|e| {
            let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            let message = clean_yaml_message(&e.to_string());
            Diagnostic::error(
                Code::FrontMatterInvalid,
                path,
                line + s.front_line - 1,
                col,
                message,
            )
        })?,
        Format::Toml => {
            let table: toml::Table = toml::from_str(s.front).map_err(|e| {
                crate::config::toml_diagnostic(
                    Code::FrontMatterInvalid,
                    path,
                    s.front,
                    s.front_line,
                    &e,
                )
            })?;
            serde_json::to_value(table).unwrap_or(Value::Null)
        }
    };
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err(Diagnostic::error(
            Code::FrontMatterInvalid,
            path,
            s.front_line,
            1,
            "front matter must be a list of `key: value` fields",
        )
        .with_help("write one field per line, e.g. `title: \"Page title\"`")),
    }
}

/// Takes typed fields out of the front matter map, collecting every error.
struct Fields<'a, 'b> {
    path: &'a str,
    s: &'a Split<'b>,
    errors: &'a mut Vec<Diagnostic>,
}

impl Fields<'_, '_> {
    fn take<T: DeserializeOwned>(&mut self, map: &mut Map<String, Value>, key: &str) -> Option<T> {
        let value = map.remove(key)?;
        if value.is_null() {
            return None;
        }
        self.typed(key, value)
    }

    fn typed<T: DeserializeOwned>(&mut self, key: &str, value: Value) -> Option<T> {
        serde_json::from_value(value)
            .map_err(|e| {
                let (line, col) = field_pos(self.s, key);
                self.errors.push(Diagnostic::error(
                    Code::FrontMatterValueInvalid,
                    self.path,
                    line,
                    col,
                    format!("{key}: {}", clean_json_message(&e.to_string())),
                ));
            })
            .ok()
    }

    /// Maps other tools' keys onto empty fields and keeps the rest under `extra`.
    fn take_foreign(&mut self, fm: &mut FrontMatter, map: Map<String, Value>) {
        for (key, value) in map {
            let kind = kind_of(&key);
            let line = field_line(self.s, &key);
            match kind {
                ForeignKind::Mapped("aliases") => {
                    if let Some(a) = self.typed::<OneOrMany>(&key, value) {
                        fm.aliases.extend(a.0);
                    }
                }
                ForeignKind::Mapped("weight") => {
                    let w = self.typed(&key, value);
                    fm.weight = fm.weight.or(w);
                }
                ForeignKind::Mapped(_) => {
                    let d = self.typed(&key, value);
                    fm.updated = fm.updated.take().or(d);
                }
                _ => {
                    fm.extra.entry(key.clone()).or_insert(value);
                }
            }
            fm.foreign.push(ForeignKey { key, line, kind });
        }
        fm.foreign.sort_by_key(|k| k.line);
    }
}

/// A string or a list of strings (`redirect_from: /old/` as well as a list).
struct OneOrMany(Vec<String>);

impl schemars::JsonSchema for OneOrMany {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "OneOrMany".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }]
        })
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            One(String),
            Many(Vec<String>),
        }
        match Either::deserialize(d) {
            Ok(Either::One(s)) => Ok(OneOrMany(vec![s])),
            Ok(Either::Many(v)) => Ok(OneOrMany(v)),
            Err(_) => Err(de::Error::custom(
                "expected a path or a list of paths, e.g. [\"old/page/\"]",
            )),
        }
    }
}

/// Checks on values that parsed: a blank title, slugs and aliases.
fn check_values(path: &str, s: &Split, fm: &FrontMatter, errors: &mut Vec<Diagnostic>) {
    let at = |field: &str| field_line(s, field);
    if fm.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
        errors.push(
            Diagnostic::error(Code::TitleEmpty, path, at("title"), 1, "`title` is empty")
                .with_help(
                    "write the page's title, or remove the field to use the first `#` heading",
                ),
        );
    }
    if let Some(slug) = &fm.slug {
        if let Err(why) = crate::slug::check_slug(slug) {
            errors.push(
                Diagnostic::error(
                    Code::SlugInvalid,
                    path,
                    at("slug"),
                    1,
                    format!("invalid slug `{slug}`: {why}"),
                )
                .with_help("a slug is one URL segment such as `my-page`"),
            );
        }
    }
    for alias in &fm.aliases {
        if let Err(why) = crate::slug::check_alias(alias) {
            let line = find_field(s, "aliases")
                .or_else(|| find_field(s, "redirect_from"))
                .map_or(s.front_line, |p| p.0);
            errors.push(
                Diagnostic::error(
                    Code::AliasInvalid,
                    path,
                    line,
                    1,
                    format!("invalid alias `{alias}`: {why}"),
                )
                .with_help("an alias is an old URL path on this site, such as `old/section/page/`"),
            );
        }
    }
}

/// A control character (other than tab and newline) in a string.
fn control_char(s: &str) -> Option<char> {
    s.chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n'))
}

/// The first control character in any string of a value.
fn control_in(v: &Value) -> Option<char> {
    match v {
        Value::String(s) => control_char(s),
        Value::Array(a) => a.iter().find_map(control_in),
        Value::Object(m) => m
            .iter()
            .find_map(|(k, v)| control_char(k).or_else(|| control_in(v))),
        _ => None,
    }
}

/// The file line on which `field` is set, or the first front matter line.
pub fn field_line(s: &Split, field: &str) -> usize {
    field_pos(s, field).0
}

/// The file (line, column) of `field`'s value, or the start of the front matter.
fn field_pos(s: &Split, field: &str) -> (usize, usize) {
    find_field(s, field).unwrap_or((s.front_line, 1))
}

/// The file (line, column) of `field`'s value, if the field is set at the top level.
fn find_field(s: &Split, field: &str) -> Option<(usize, usize)> {
    s.front.lines().enumerate().find_map(|(i, l)| {
        let indent = l.len() - l.trim_start().len();
        let rest = l.trim_start().strip_prefix(field)?;
        let after = rest.trim_start().strip_prefix([':', '='])?;
        let value_at = l.len() - after.trim_start().len();
        let col = if after.trim().is_empty() {
            indent
        } else {
            value_at
        };
        Some((i + s.front_line, l[..col].chars().count() + 1))
    })
}

/// serde_yaml appends " at line X column Y" to messages; the diagnostic says that already.
fn clean_yaml_message(m: &str) -> String {
    match m.find(" at line ") {
        Some(i) => m[..i].to_string(),
        None => m.to_string(),
    }
}

/// serde_json names JSON types ("invalid type: string, expected i64"); the author wrote YAML or
/// TOML, so only the expectation is kept where that reads better.
fn clean_json_message(m: &str) -> String {
    m.replace("expected i64", "expected a whole number")
        .replace("expected a sequence", "expected a list")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_lists_exactly_the_own_fields() {
        let schema = crate::schema::Which::FrontMatter.schema();
        let props: std::collections::BTreeSet<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(props, OWN.iter().copied().collect());
    }

    fn split_ok(text: &str) -> Split<'_> {
        split("a.md", text).unwrap().unwrap()
    }

    #[test]
    fn splits_yaml_and_counts_lines() {
        let s = split_ok("---\ntitle: x\n---\nbody\n");
        assert_eq!(
            (s.format, s.front, s.body, s.body_line),
            (Format::Yaml, "title: x\n", "body\n", 4)
        );
    }

    #[test]
    fn splits_toml() {
        let s = split_ok("+++\ntitle = \"x\"\n+++\n");
        assert_eq!((s.format, s.body), (Format::Toml, ""));
    }

    #[test]
    fn blank_lines_and_bom_before_the_fence() {
        let s = split_ok("\u{feff}\n  \n---\ntitle: x\n---\nbody\n");
        assert_eq!((s.front, s.front_line, s.body_line), ("title: x\n", 4, 6));
    }

    #[test]
    fn no_front_matter_is_none() {
        assert_eq!(split("a.md", "# Title\n\ntext\n").unwrap(), None);
        assert_eq!(split("a.md", "").unwrap(), None);
    }

    #[test]
    fn unclosed_is_an_error_on_its_line() {
        let d = split("a.md", "\n---\ntitle: x\nbody").unwrap_err();
        assert!(d.message.contains("never closed"), "{}", d.message);
        assert_eq!(d.line, 2);
    }

    #[test]
    fn every_field_error_is_reported() {
        let s = split_ok("---\ntitle: [1]\nweight: heavy\ndate: soon\ntags: 3\n---\n");
        let e = parse("a.md", &s, false).unwrap_err();
        let lines: Vec<usize> = e.iter().map(|d| d.line).collect();
        assert_eq!(lines, [2, 3, 4, 5], "{e:?}");
        assert_eq!(e[2].col, 7);
    }

    #[test]
    fn foreign_keys_are_mapped_or_kept() {
        let s = split_ok(
            "---\nlayout: post\nnav_order: 3\nredirect_from: /old/\nauthor: Ann\ntitel: x\n---\n",
        );
        let fm = parse("a.md", &s, false).unwrap();
        assert_eq!(fm.weight, Some(3));
        assert_eq!(fm.aliases, ["/old/"]);
        assert_eq!(fm.extra["author"], "Ann");
        assert_eq!(fm.extra["titel"], "x");
        let kinds: Vec<(&str, usize, ForeignKind)> = fm
            .foreign
            .iter()
            .map(|k| (k.key.as_str(), k.line, k.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("layout", 2, ForeignKind::NotApplicable),
                ("nav_order", 3, ForeignKind::Mapped("weight")),
                ("redirect_from", 4, ForeignKind::Mapped("aliases")),
                ("author", 5, ForeignKind::Kept),
                ("titel", 6, ForeignKind::Unknown),
            ]
        );
        assert_eq!(key_help("titel").as_deref(), Some("did you mean `title`?"));
        let e = parse("a.md", &s, true).unwrap_err();
        assert_eq!(e.len(), 5, "strict: every foreign key is an error");
        assert_eq!(e[4].help.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn own_field_wins_over_mapped() {
        let s = split_ok("---\nweight: 1\nsidebar_position: 9\n---\n");
        assert_eq!(parse("a.md", &s, false).unwrap().weight, Some(1));
    }

    #[test]
    fn control_characters_are_refused_with_their_line() {
        let s =
            split_ok("---\ntitle: ok\ndescription: \"bad \\u0001 here\"\ntags: [\"a\\0\"]\n---\n");
        let e = parse("a.md", &s, false).unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!((e[0].line, e[1].line), (3, 4));
        assert!(e[0].message.contains("U+0001"), "{}", e[0].message);
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!("---\nx: {}\n---\n", "[".repeat(50_000));
        let e = parse("a.md", &split_ok(&deep), false).unwrap_err();
        assert!(
            e[0].message.contains("nested more than"),
            "{}",
            e[0].message
        );
        assert_eq!(e[0].line, 2);
        let mut block = String::from("---\n");
        for i in 0..40 {
            block += &format!("{}k{i}:\n", "  ".repeat(i));
        }
        block += "---\n";
        assert!(parse("a.md", &split_ok(&block), false).is_err());
        let dashes = format!("---\nx:\n{}1\n---\n", "- ".repeat(40));
        assert!(parse("a.md", &split_ok(&dashes), false).is_err());
        let ok = "---\nextra:\n  a:\n    b: [1, {c: \"[[[[\"}]\n---\n";
        assert!(parse("a.md", &split_ok(ok), false).is_ok());
    }

    #[test]
    fn oversized_front_matter_is_refused() {
        let big = format!(
            "---\ndescription: \"{}\"\n---\n",
            "a".repeat(MAX_FRONT_BYTES)
        );
        let e = parse("a.md", &split_ok(&big), false).unwrap_err();
        assert!(e[0].message.contains("the limit is"), "{}", e[0].message);
    }

    #[test]
    fn dates_in_both_formats() {
        let s = split_ok("+++\ntitle = \"x\"\ndescription = \"y\"\ndate = 2023-04-25\n+++\n");
        assert_eq!(
            parse("a.md", &s, false).unwrap().date.unwrap().0,
            "2023-04-25"
        );
        let s = split_ok("---\ntitle: x\ndescription: y\nupdated: 2026-11-21\n---\n");
        assert_eq!(
            parse("a.md", &s, false).unwrap().updated.unwrap().day(),
            "2026-11-21"
        );
        let s = split_ok("---\ntitle: x\ndescription: y\nupdated: yesterday\n---\n");
        assert_eq!(parse("a.md", &s, false).unwrap_err()[0].line, 4);
    }

    #[test]
    fn dates_are_validated_and_normalised() {
        let ok = |s: &str| Date::parse(s).map(|d| d.0);
        assert_eq!(ok("2024-02-29").unwrap(), "2024-02-29");
        assert_eq!(ok("2026-11-21T10:00").unwrap(), "2026-11-21T10:00:00Z");
        assert_eq!(ok("2026-11-21 10:00:30").unwrap(), "2026-11-21T10:00:30Z");
        assert_eq!(
            ok("2026-11-21T01:00:00+02:00").unwrap(),
            "2026-11-20T23:00:00Z"
        );
        for bad in [
            "2026-02-31",
            "2025-02-29",
            "2026-13-01",
            "2026-02-31T99:xx",
            "2026-01-01T25:00",
            "2026-01-01Tnoon",
        ] {
            assert!(ok(bad).is_err(), "{bad}");
        }
        let s = split_ok("---\ntitle: x\ndescription: y\ndate: 2026-02-31T99:00\n---\n");
        let e = parse("a.md", &s, false).unwrap_err();
        assert_eq!((e[0].line, e[0].col), (4, 7), "{}", e[0].message);
        assert!(
            e[0].message.contains("invalid date `2026-02-31T99:00`"),
            "{}",
            e[0].message
        );
    }
}
