//! The theme: Tera templates and static files from themes/<name>/, over the default theme
//! compiled into the binary (a file of the same path in the site's theme folder replaces the
//! compiled one). Template errors name the template file and line; cycles are refused before
//! Tera sees the templates (template_graph.rs).

use crate::config::Config;
use crate::diag::Code;
use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{rel_path, walk};
use std::collections::{BTreeMap, HashMap, HashSet};
use tera::Tera;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// Static files only pages with a diagram load: copied to the output only when some page has
/// one, since the renderer (5.5 MB) would otherwise be most of every site's weight.
pub(crate) const DIAGRAM_FILES: [&str; 2] = ["mermaid.min.js", "mermaid-init.js"];

pub(crate) struct Theme {
    pub(crate) tera: Tera,
    /// Files under the theme's static/ folder, by path relative to it.
    pub(crate) static_files: BTreeMap<String, Vec<u8>>,
    /// Template name -> (file shown in diagnostics, source text).
    sources: HashMap<String, (String, String)>,
    /// Template name -> the names its tags mention, with those of the templates it extends,
    /// includes or imports (see `uses`).
    names: HashMap<String, HashSet<String>>,
    /// The theme's strings in each language, with the site's own tables (`crate::i18n`).
    pub(crate) translations: crate::i18n::Translations,
    /// A hash of every file the theme was made from (`render_key`).
    pub(crate) fingerprint: u64,
}

impl Theme {
    pub(crate) fn load(config: &Config, diags: &mut Diagnostics) -> Option<Theme> {
        let name = &config.site.theme;
        let mut files: BTreeMap<String, (String, Vec<u8>)> = DEFAULT_THEME
            .iter()
            .map(|(rel, bytes)| {
                (
                    rel.to_string(),
                    (format!("<built-in default theme>/{rel}"), bytes.to_vec()),
                )
            })
            .collect();
        let dir = format!("themes/{name}");
        if !config.root.join(&dir).is_dir() && name != "default" {
            diags.push(
                Diagnostic::error(
                    Code::ThemeNotFound,
                    "site.toml",
                    1,
                    1,
                    format!("theme `{name}` not found (no folder {dir})"),
                )
                .with_help("create the folder or set theme = \"default\""),
            );
            return None;
        }
        let canon = config
            .root
            .canonicalize()
            .unwrap_or_else(|_| config.root.clone());
        for f in walk(&config.root, &canon, &dir, diags) {
            let rel = rel_path(&config.root.join(&dir), &f.abs);
            match std::fs::read(&f.abs) {
                Ok(bytes) => {
                    files.insert(rel, (f.rel.clone(), bytes));
                }
                Err(e) => diags.push(Diagnostic::error(
                    Code::Unreadable,
                    &f.rel,
                    1,
                    1,
                    format!("cannot read: {e}"),
                )),
            }
        }
        let builtin_en = DEFAULT_THEME
            .iter()
            .find(|(p, _)| *p == "i18n/en.toml")
            .map_or(&[][..], |(_, b)| *b);
        let translations = crate::i18n::Translations::load(&files, builtin_en, &config.root, diags);
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut h = xxhash_rust::xxh3::Xxh3::new();
            files.hash(&mut h);
            h.finish()
        };
        let mut sources = HashMap::new();
        let mut static_files = BTreeMap::new();
        for (rel, (shown, bytes)) in files {
            if let Some(name) = rel.strip_prefix("templates/") {
                match String::from_utf8(bytes) {
                    Ok(text) => {
                        sources.insert(name.to_string(), (shown, text));
                    }
                    Err(_) => diags.push(Diagnostic::error(
                        Code::NotUtf8,
                        shown,
                        1,
                        1,
                        "template is not valid UTF-8",
                    )),
                }
            } else if let Some(name) = rel.strip_prefix("static/") {
                static_files.insert(name.to_string(), bytes);
            }
        }
        // Tera would overflow the stack on these: refuse them before it sees them.
        let cycles = crate::template_graph::check(&sources);
        if !cycles.is_empty() {
            diags.extend(cycles);
            return None;
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's own escaper also turns `/` into `&#x2F;`, which mangles every URL for no gain.
        tera.set_escape_fn(escape_fn);
        // Templates must not read the environment: it would leak secrets into the output.
        tera.register_function(
            "get_env",
            |_: &HashMap<String, tera::Value>| -> tera::Result<tera::Value> {
                Err(tera::Error::msg("get_env is disabled in backlot templates"))
            },
        );
        tera.register_filter("json_script", JsonScript);
        let mut list: Vec<(&str, &str)> = sources
            .iter()
            .map(|(n, (_, s))| (n.as_str(), s.as_str()))
            .collect();
        list.sort();
        if let Err(e) = tera.add_raw_templates(list) {
            diags.push(template_error(&sources, &e, None));
            return None;
        }
        let names = sources
            .keys()
            .map(|n| (n.clone(), mentioned(n, &sources)))
            .collect();
        Some(Theme {
            tera,
            static_files,
            sources,
            names,
            translations,
            fingerprint,
        })
    }

    pub(crate) fn has_template(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// Whether rendering `template` may read the variable `var`: pages skip building the
    /// context values no template asks for (the navigation tree cost a tenth of a large build).
    /// A name mentioned anywhere in a tag counts, so an unneeded value is at worst built.
    pub(crate) fn uses(&self, template: &str, var: &str) -> bool {
        self.names
            .get(template)
            .is_none_or(|n| n.contains(var) || n.contains("__tera_context"))
    }

    /// Renders `name`; on failure a diagnostic naming the template, its line and the page.
    pub(crate) fn render(
        &self,
        name: &str,
        ctx: &tera::Context,
        page: &str,
    ) -> Result<String, Diagnostic> {
        self.tera
            .render(name, ctx)
            .map_err(|e| template_error(&self.sources, &e, Some((name, page))))
    }
}

/// The pseudo-name `uses` knows a template by when it may read the full `site.tags` list:
/// it mentions `site.tags`, or uses `site` other than through an attribute (`set s = site`,
/// `site["tags"]`, `site | json_encode`), which could reach the list too.
pub(crate) const SITE_TAGS: &str = "site.tags";

fn may_read_site_tags(tag: &str) -> bool {
    tag.match_indices("site").any(|(i, _)| {
        let before = tag[..i].chars().next_back();
        let word_start = !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
        let rest = &tag[i + 4..];
        let after = rest.chars().next();
        let word_end = !after.is_some_and(|c| c.is_alphanumeric() || c == '_');
        word_start && word_end && (!rest.starts_with('.') || rest[1..].starts_with("tags"))
    })
}

/// The names mentioned in the tags of `template` and of every template it pulls in.
fn mentioned(template: &str, sources: &HashMap<String, (String, String)>) -> HashSet<String> {
    let mut names = HashSet::new();
    for t in crate::template_graph::pulled_in(template, sources) {
        let Some((_, src)) = sources.get(t) else {
            continue;
        };
        for tag in crate::template_graph::tag_insides(src) {
            names.extend(words_outside_strings(tag).into_iter().map(str::to_string));
            if may_read_site_tags(tag) {
                names.insert(SITE_TAGS.to_string());
            }
        }
    }
    names
}

/// Identifiers in a tag that are not attribute names (`x` in `page.x`) or inside strings.
fn words_outside_strings(tag: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quote = None;
    let mut start = None;
    let mut prev = ' ';
    for (i, c) in tag.char_indices().chain([(tag.len(), ' ')]) {
        let word_char = c.is_alphanumeric() || c == '_';
        if let Some(s) = start.filter(|_| !word_char) {
            out.push(&tag[s..i]);
            start = None;
        }
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if word_char && start.is_none() && prev != '.' && !prev.is_alphanumeric() => {
                start = Some(i)
            }
            None => {}
        }
        prev = c;
    }
    out
}

fn escape_fn(s: &str) -> String {
    crate::highlight::escape_html(s)
}

/// JSON that is safe inside `<script>`: `<`, `>` and `&` as `\u` escapes (so page text can
/// never close the script or open a comment), and U+2028/U+2029 escaped for old parsers.
pub(crate) fn json_for_script(v: &serde_json::Value) -> String {
    script_safe_json(serde_json::to_string(v).unwrap_or_else(|_| "null".into()))
}

/// Serialised JSON with those characters escaped; they can only occur inside strings, so the
/// data `JSON.parse` reads is unchanged. Also used for the search index files.
pub(crate) fn script_safe_json(json: String) -> String {
    let bytes = json.as_bytes();
    // Found with memchr (the search index runs megabytes through here, most with nothing to
    // escape, and that JSON is returned as it is).
    let mut at: Vec<usize> = memchr::memchr3_iter(b'<', b'>', b'&', bytes)
        .chain(memchr::memchr_iter(0xE2, bytes))
        .collect();
    if at.is_empty() {
        return json;
    }
    at.sort_unstable();
    let mut out = String::with_capacity(json.len() + 6 * at.len());
    let mut done = 0;
    for i in at {
        let escape = match bytes[i] {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            _ if json[i..].starts_with('\u{2028}') => "\\u2028",
            _ if json[i..].starts_with('\u{2029}') => "\\u2029",
            _ => continue,
        };
        out.push_str(&json[done..i]);
        out.push_str(escape);
        done = i + if bytes[i] == 0xE2 { 3 } else { 1 };
    }
    out.push_str(&json[done..]);
    out
}

/// `{{ value | json_script }}` inside `<script>`: marked safe, since HTML escaping would
/// break the JSON and `json_for_script` already makes it inert.
struct JsonScript;

impl tera::Filter for JsonScript {
    fn filter(
        &self,
        value: &tera::Value,
        _: &HashMap<String, tera::Value>,
    ) -> tera::Result<tera::Value> {
        Ok(tera::Value::String(json_for_script(value)))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// A Tera error as a diagnostic on the template file, with the best line we can find.
fn template_error(
    sources: &HashMap<String, (String, String)>,
    e: &tera::Error,
    rendering: Option<(&str, &str)>,
) -> Diagnostic {
    let mut chain = vec![e.to_string()];
    let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = cur {
        chain.push(s.to_string());
        cur = s.source();
    }
    let text = chain.join(": ");
    // The innermost template named in the chain is where the problem is.
    let named = chain
        .iter()
        .rev()
        .find_map(|m| quoted_template(m, sources))
        .or(rendering.map(|r| r.0.to_string()));
    let (shown, line, col) = match named
        .as_deref()
        .and_then(|n| sources.get(n).map(|s| (n, s)))
    {
        Some((name, (shown, _))) => arrow_position(&text)
            .map(|(line, col)| (shown.clone(), line, col))
            .or_else(|| guess_place(&text, name, sources))
            .unwrap_or((shown.clone(), 1, 1)),
        None => (named.unwrap_or_else(|| "templates".into()), 1, 1),
    };
    let message = match rendering {
        Some((_, page)) => format!("template error while rendering {page}: {}", one_line(&text)),
        None => format!("template error: {}", one_line(&text)),
    };
    Diagnostic::error(Code::TemplateError, shown, line, col, message)
}

fn quoted_template(msg: &str, sources: &HashMap<String, (String, String)>) -> Option<String> {
    msg.split('\'')
        .skip(1)
        .step_by(2)
        .find(|n| sources.contains_key(*n))
        .map(str::to_string)
}

/// Tera parse errors carry "--> line:col".
fn arrow_position(text: &str) -> Option<(usize, usize)> {
    let rest = text.split("--> ").nth(1)?;
    let mut it = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty());
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// Runtime errors name a variable or function but no line, nor which template of an
/// `extends` chain failed: find the first tag that uses it in `name` or a template it pulls in.
/// The longest prefix of `a.b.c` that appears wins: `page.x.y` before plain `page`.
fn guess_place(
    text: &str,
    name: &str,
    sources: &HashMap<String, (String, String)>,
) -> Option<(String, usize, usize)> {
    let var = text.split('`').nth(1)?;
    let parts: Vec<&str> = var.split(['.', '[', '(']).collect();
    let templates = crate::template_graph::pulled_in(name, sources);
    (1..=parts.len()).rev().find_map(|n| {
        let word = parts[..n].join(".");
        templates.iter().find_map(|t| {
            let (shown, src) = &sources[*t];
            let (line, col) = crate::template_graph::find_use(src, &word)?;
            Some((shown.clone(), line, col))
        })
    })
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_tags_readers_are_found_conservatively() {
        for tag in [
            " if site.tags ",
            " for t in site.tags ",
            " set s = site ",
            " site | json_encode ",
            " site[\"tags\"] ",
        ] {
            assert!(may_read_site_tags(tag), "{tag}");
        }
        for tag in [
            " site.title ",
            " site.has_tags ",
            " page.tags ",
            " website ",
            " page.site ",
        ] {
            assert!(!may_read_site_tags(tag), "{tag}");
        }
    }

    #[test]
    fn templates_mention_what_they_and_their_parts_read() {
        let src = |t: &str| ("t".to_string(), t.to_string());
        let sources: HashMap<String, (String, String)> = [
            ("base.html", src("<nav>{{ sidebar | safe }}</nav>{% block main %}{% endblock %}")),
            ("page.html", src("{% extends \"base.html\" %}{% block main %}{{ page.nav }}{% include 'p.html' %}{% endblock %}")),
            ("p.html", src("{% for d in data.langs %}{{ d }}{% endfor %}{{ \"nav\" }}")),
        ]
        .into_iter()
        .map(|(n, s)| (n.to_string(), s))
        .collect();
        let names = mentioned("page.html", &sources);
        for used in ["sidebar", "page", "data", "d"] {
            assert!(names.contains(used), "{used}");
        }
        assert!(
            !names.contains("nav"),
            "an attribute or a string is not the variable"
        );
        assert!(!mentioned("base.html", &sources).contains("data"));
    }

    #[test]
    fn json_for_script_cannot_close_the_script() {
        let v = serde_json::json!({"t": "</script><!-- \"&\u{2028}"});
        let s = json_for_script(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
        // Other characters starting with the same byte as U+2028 (an em dash) stay as they are.
        let s = script_safe_json("[\"a\u{2014}b\u{2029}<\"]".to_string());
        assert_eq!(s, "[\"a\u{2014}b\\u2029\\u003c\"]");
        assert_eq!(script_safe_json("{\"plain\":1}".into()), "{\"plain\":1}");
    }
}
