//! Front matter: split `---` (YAML) or `+++` (TOML) from the body and parse it into a typed
//! `FrontMatter`, with every error's line and column counted from the top of the file.

use crate::diag::{unknown_field_help, Diagnostic};
use serde::{de, Deserialize, Serialize};
use std::fmt;

/// The fields a page may set. Anything else is an error, except under `extra`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub draft: bool,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub slug: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub template: Option<String>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A calendar date, optionally with a time: `2026-11-21` or `2026-11-21T10:00:00Z`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Date(pub String);

impl Date {
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| {
            b.get(r.clone())
                .is_some_and(|x| x.iter().all(u8::is_ascii_digit))
        };
        let ok = b.len() >= 10
            && digits(0..4)
            && b[4] == b'-'
            && digits(5..7)
            && b[7] == b'-'
            && digits(8..10);
        let month: u32 = s.get(5..7)?.parse().ok()?;
        let day: u32 = s.get(8..10)?.parse().ok()?;
        let rest_ok = b.len() == 10 || matches!(b[10], b'T' | b' ');
        (ok && (1..=12).contains(&month) && (1..=31).contains(&day) && rest_ok)
            .then(|| Date(s.to_string()))
    }

    /// The YYYY-MM-DD part.
    pub fn day(&self) -> &str {
        &self.0[..10]
    }

    /// RFC 3339, as the feed and sitemap want it.
    pub fn rfc3339(&self) -> String {
        if self.0.len() == 10 {
            format!("{}T00:00:00Z", self.0)
        } else {
            self.0.replacen(' ', "T", 1)
        }
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
                Date::parse(s.trim()).ok_or_else(|| {
                    E::custom(format!(
                        "invalid date `{s}`: expected YYYY-MM-DD, e.g. 2026-11-21"
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
pub enum Format {
    Yaml,
    Toml,
}

/// A file split into its front matter and body.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: Format,
    pub front: &'a str,
    /// 1-based line of the file where `front` starts.
    pub front_line: usize,
    pub body: &'a str,
    /// 1-based line of the file where `body` starts.
    pub body_line: usize,
}

/// Splits front matter from the body. The opening delimiter must be the first line.
pub fn split<'a>(path: &str, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let first = text.lines().next().unwrap_or("").trim_end();
    let format = match first {
        "---" => Format::Yaml,
        "+++" => Format::Toml,
        _ => {
            return Err(Diagnostic::error(path, 1, 1, "missing front matter: a page must start with `---` (YAML) or `+++` (TOML)")
                .with_help("start the file with:\n  ---\n  title: \"Page title\"\n  description: \"One sentence.\"\n  ---"))
        }
    };
    let after_open = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = after_open;
    for (line, l) in (2..).zip(text[after_open..].split_inclusive('\n')) {
        if l.trim_end() == first {
            let body_start = offset + l.len();
            return Ok(Split {
                format,
                front: &text[after_open..offset],
                front_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        offset += l.len();
    }
    Err(Diagnostic::error(
        path,
        1,
        1,
        format!("front matter opened with `{first}` on line 1 is never closed"),
    )
    .with_help(format!(
        "add a line `{first}` after the last front matter field"
    )))
}

/// Parses the front matter of a split file and checks the required fields.
pub fn parse(path: &str, s: &Split) -> Result<FrontMatter, Vec<Diagnostic>> {
    let fm: FrontMatter = match s.format {
        Format::Yaml if s.front.trim().is_empty() => FrontMatter::default(),
        Format::Yaml => serde_yaml_ng::from_str(s.front).map_err(|e| {
            let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            let message = clean_yaml_message(&e.to_string());
            let help = unknown_field_help(&message);
            vec![Diagnostic::error(path, line + s.front_line - 1, col, message).with_help_opt(help)]
        })?,
        Format::Toml => toml::from_str(s.front).map_err(|e| {
            vec![crate::config::toml_diagnostic(
                path,
                s.front,
                s.front_line,
                &e,
            )]
        })?,
    };
    let mut errors = Vec::new();
    let at = |field: &str| field_line(s, field);
    if fm.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        errors.push(
            Diagnostic::error(path, at("title"), 1, "missing required field `title`")
                .with_help("add `title: \"Page title\"` to the front matter"),
        );
    }
    if let Some(slug) = &fm.slug {
        if let Err(why) = crate::slug::check_slug(slug) {
            errors.push(
                Diagnostic::error(path, at("slug"), 1, format!("invalid slug `{slug}`: {why}"))
                    .with_help("a slug is one URL segment such as `my-page`"),
            );
        }
    }
    for alias in &fm.aliases {
        if let Err(why) = crate::slug::check_alias(alias) {
            errors.push(
                Diagnostic::error(
                    path,
                    at("aliases"),
                    1,
                    format!("invalid alias `{alias}`: {why}"),
                )
                .with_help("an alias is an old URL path on this site, such as `old/section/page/`"),
            );
        }
    }
    if errors.is_empty() {
        Ok(fm)
    } else {
        Err(errors)
    }
}

/// The file line on which `field` is set, or the first front matter line.
pub fn field_line(s: &Split, field: &str) -> usize {
    s.front
        .lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(field)
                .is_some_and(|r| r.trim_start().starts_with([':', '=']))
        })
        .map_or(s.front_line, |i| i + s.front_line)
}

/// serde_yaml appends " at line X column Y" to messages; the diagnostic says that already.
fn clean_yaml_message(m: &str) -> String {
    match m.find(" at line ") {
        Some(i) => m[..i].to_string(),
        None => m.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_yaml_and_counts_lines() {
        let s = split("a.md", "---\ntitle: x\n---\nbody\n").unwrap();
        assert_eq!(
            (s.format, s.front, s.body, s.body_line),
            (Format::Yaml, "title: x\n", "body\n", 4)
        );
    }

    #[test]
    fn splits_toml() {
        let s = split("a.md", "+++\ntitle = \"x\"\n+++\n").unwrap();
        assert_eq!((s.format, s.body), (Format::Toml, ""));
    }

    #[test]
    fn unclosed_is_an_error_on_line_one() {
        let d = split("a.md", "---\ntitle: x\nbody").unwrap_err();
        assert!(d.message.contains("never closed"), "{}", d.message);
    }

    #[test]
    fn unknown_field_points_at_its_line() {
        let text = "---\ntitle: x\ndescription: y\ntitel: z\n---\n";
        let s = split("a.md", text).unwrap();
        let e = parse("a.md", &s).unwrap_err();
        assert_eq!(e[0].line, 4);
        assert_eq!(e[0].help.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn dates_in_both_formats() {
        let s = split(
            "a.md",
            "+++\ntitle = \"x\"\ndescription = \"y\"\ndate = 2023-04-25\n+++\n",
        )
        .unwrap();
        assert_eq!(parse("a.md", &s).unwrap().date.unwrap().0, "2023-04-25");
        let s = split(
            "a.md",
            "---\ntitle: x\ndescription: y\nupdated: 2026-11-21\n---\n",
        )
        .unwrap();
        assert_eq!(
            parse("a.md", &s).unwrap().updated.unwrap().day(),
            "2026-11-21"
        );
        let s = split(
            "a.md",
            "---\ntitle: x\ndescription: y\nupdated: yesterday\n---\n",
        )
        .unwrap();
        assert_eq!(parse("a.md", &s).unwrap_err()[0].line, 4);
    }
}
