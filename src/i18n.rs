//! The theme's strings in each language: the tables a theme ships in `i18n/<lang>.toml`
//! (`en.toml` names every key), which a site's own `i18n/<lang>.toml` overrides or extends.
//! Templates read the table of the page's language as `site.t`; `search.js` and `theme.js`
//! get the keys they need as JSON (`site.t_js`); the sidebar's labels come from `fill`.
//!
//! A language's table is, key by key, the first of: the site's `<lang>` file, the theme's
//! `<lang>` file, the site's `en` file, the theme's `en` file. So an untranslated key shows in
//! English, and a key a site adds for its own templates exists in every language.

use crate::diag::Code;
use crate::diag::{Diagnostic, Diagnostics};
use std::collections::BTreeMap;
use std::path::Path;

/// One language's strings, key -> text.
pub(crate) type Strings = BTreeMap<String, String>;

/// The language whose table names every key and fills the gaps of the others.
const BASE: &str = "en";

/// Keys the theme's scripts read: sent as JSON on the pages of a language whose strings differ
/// from the scripts' own English ones (the default theme's `en.toml`).
const SCRIPT_KEYS: &[&str] = &[
    "search_more",
    "search_one",
    "search_many",
    "search_some",
    "search_none",
    "search_suggest",
    "search_unavailable",
    "theme_label",
    "theme_switch",
    "theme_system",
    "theme_light",
    "theme_dark",
    "copy",
    "copied",
    "copy_label",
    "copy_failed",
];

/// The strings of every language a theme or site has a table for.
#[derive(Debug, Default)]
pub(crate) struct Translations {
    tables: BTreeMap<String, Strings>,
    /// Per language, the script keys as JSON safe inside `<script>`.
    script: BTreeMap<String, String>,
}

impl Translations {
    /// Reads the theme's tables (`theme_files`: path in the theme -> (file shown, bytes)) and
    /// the site's `i18n/` folder. Problems are reported; the table they are in is skipped.
    /// `builtin_en` is the default theme's own `en.toml`, the strings its scripts carry.
    pub(crate) fn load(
        theme_files: &BTreeMap<String, (String, Vec<u8>)>,
        builtin_en: &[u8],
        root: &Path,
        diags: &mut Diagnostics,
    ) -> Translations {
        let mut theme = BTreeMap::new();
        for (rel, (shown, bytes)) in theme_files {
            if let Some(lang) = table_lang(rel.strip_prefix("i18n/")) {
                if let Some(t) = parse(shown, &String::from_utf8_lossy(bytes), diags) {
                    theme.insert(lang.to_string(), t);
                }
            }
        }
        let mut site = BTreeMap::new();
        let mut files: Vec<_> = std::fs::read_dir(root.join("i18n"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        for name in files {
            let Some(lang) = table_lang(Some(&name)) else {
                continue;
            };
            let shown = format!("i18n/{name}");
            match std::fs::read_to_string(root.join(&shown)) {
                Ok(text) => {
                    if let Some(t) = parse(&shown, &text, diags) {
                        site.insert(lang.to_string(), t);
                    }
                }
                Err(e) => diags.push(Diagnostic::error(
                    Code::Unreadable,
                    &shown,
                    1,
                    1,
                    format!("cannot read: {e}"),
                )),
            }
        }
        let empty = Strings::new();
        let layers = |lang: &str| -> Strings {
            let mut t = Strings::new();
            for layer in [
                theme.get(BASE),
                site.get(BASE),
                theme.get(lang),
                site.get(lang),
            ] {
                t.extend(layer.unwrap_or(&empty).clone());
            }
            t
        };
        let langs: Vec<&String> = theme.keys().chain(site.keys()).collect();
        let tables: BTreeMap<String, Strings> =
            langs.into_iter().map(|l| (l.clone(), layers(l))).collect();
        let builtin = builtin_english(builtin_en);
        let script = tables
            .iter()
            .map(|(l, t)| (l.clone(), script_json(t)))
            .filter(|(_, json)| *json != builtin)
            .collect();
        Translations { tables, script }
    }

    /// The table of `lang` ("pt-BR" falls back to "pt", then to English).
    pub(crate) fn strings(&self, lang: &str) -> &Strings {
        static EMPTY: Strings = Strings::new();
        self.lookup(&self.tables, lang).unwrap_or(&EMPTY)
    }

    /// The script keys of `lang` as JSON for a `<script type="application/json">` element;
    /// empty when the scripts' own English strings are right.
    pub(crate) fn script_json(&self, lang: &str) -> &str {
        self.lookup(&self.script, lang).map_or("", String::as_str)
    }

    fn lookup<'t, T>(&self, map: &'t BTreeMap<String, T>, lang: &str) -> Option<&'t T> {
        let primary = lang.split(['-', '_']).next().unwrap_or(lang);
        map.get(lang)
            .or_else(|| map.get(&lang.to_ascii_lowercase()))
            .or_else(|| map.get(primary))
            .or_else(|| map.get(BASE))
    }
}

/// `{name}` placeholders of a string replaced by their values.
pub(crate) fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The text of `key`, or the key itself when no table has it (a theme without that string).
pub(crate) fn text<'s>(strings: &'s Strings, key: &'s str) -> &'s str {
    strings.get(key).map_or(key, String::as_str)
}

/// "ar.toml" -> "ar"; anything else is not a table.
fn table_lang(name: Option<&str>) -> Option<&str> {
    let lang = name?.strip_suffix(".toml")?;
    let ok = !lang.is_empty()
        && lang
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    ok.then_some(lang)
}

/// A table: every value a string.
fn parse(shown: &str, text: &str, diags: &mut Diagnostics) -> Option<Strings> {
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            diags.push(crate::config::toml_diagnostic(
                Code::ThemeStringInvalid,
                shown,
                text,
                1,
                &e,
            ));
            return None;
        }
    };
    let mut out = Strings::new();
    for (key, value) in table {
        match value {
            toml::Value::String(s) => {
                out.insert(key, s);
            }
            other => {
                let (line, col) = text
                    .find(&key)
                    .map_or((1, 1), |at| crate::diag::line_col(text, at));
                diags.push(
                    Diagnostic::error(
                        Code::ThemeStringInvalid,
                        shown,
                        line,
                        col,
                        format!("`{key}` is a {}, not a string", other.type_str()),
                    )
                    .with_help(format!("write it as {key} = \"...\"")),
                );
            }
        }
    }
    Some(out)
}

/// The script keys of the built-in English table (`builtin_en`): the strings the scripts carry.
fn builtin_english(builtin_en: &[u8]) -> String {
    let en = toml::from_str::<Strings>(&String::from_utf8_lossy(builtin_en)).unwrap_or_default();
    script_json(&en)
}

/// The keys the scripts read, as JSON that cannot end the `<script>` element it sits in.
fn script_json(t: &Strings) -> String {
    let keys: BTreeMap<&String, &String> = t
        .iter()
        .filter(|(k, _)| SCRIPT_KEYS.iter().any(|p| k.starts_with(p)))
        .collect();
    serde_json::to_string(&keys)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(files: &[(&str, &str)]) -> BTreeMap<String, (String, Vec<u8>)> {
        files
            .iter()
            .map(|(p, t)| (p.to_string(), (p.to_string(), t.as_bytes().to_vec())))
            .collect()
    }

    #[test]
    fn site_tables_override_theme_tables_and_english_fills_gaps() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join("i18n")).unwrap();
        std::fs::write(site.path().join("i18n/ar.toml"), "next = \"التالي!\"\n").unwrap();
        std::fs::write(site.path().join("i18n/en.toml"), "extra = \"Extra\"\n").unwrap();
        let files = theme(&[
            (
                "i18n/en.toml",
                "next = \"Next\"\nprevious = \"Previous\"\ncopy = \"Copy\"\n",
            ),
            ("i18n/ar.toml", "next = \"التالي\"\n"),
            ("static/x.toml", "next = 1\n"),
        ]);
        let mut diags = Diagnostics::default();
        let t = Translations::load(&files, b"", site.path(), &mut diags);
        assert!(diags.iter().next().is_none(), "{diags:?}");
        let ar = t.strings("ar-EG");
        assert_eq!(ar["next"], "التالي!");
        assert_eq!(ar["previous"], "Previous");
        assert_eq!(ar["extra"], "Extra");
        assert_eq!(t.strings("fr")["next"], "Next");
        assert_eq!(t.script_json("ar"), "{\"copy\":\"Copy\"}");
        assert_eq!(t.script_json("en"), "{\"copy\":\"Copy\"}");
    }

    #[test]
    fn a_value_that_is_not_a_string_is_an_error_with_its_line() {
        let site = tempfile::tempdir().unwrap();
        let files = theme(&[("i18n/en.toml", "next = \"Next\"\nprevious = 3\n")]);
        let mut diags = Diagnostics::default();
        Translations::load(&files, b"", site.path(), &mut diags);
        let d = diags.sorted();
        let d = d.iter().next().unwrap();
        assert_eq!((d.path.as_str(), d.line), ("i18n/en.toml", 2));
        assert!(d.message.contains("not a string"), "{}", d.message);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill("{n} in {title}", &[("n", "3"), ("title", "Go")]),
            "3 in Go"
        );
    }
}
