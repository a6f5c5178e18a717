//! Slugs: heading ids by GitHub's rule, URL segments from file names, tag slugs, and the checks
//! on user-given slugs and aliases.

use std::collections::HashMap;

/// GitHub's heading-id rule: lower case, everything but letters, digits, `-`, `_` and spaces
/// dropped, each space turned into `-`.
pub fn github_slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Hands out unique ids within one page: repeats get `-1`, `-2`, as on GitHub.
#[derive(Default, Debug)]
pub struct IdSet {
    seen: HashMap<String, usize>,
}

impl IdSet {
    /// Reserves an explicit id (`{#custom}`) as is.
    pub fn reserve(&mut self, id: &str) {
        self.seen.entry(id.to_string()).or_insert(0);
    }

    pub fn unique(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section" } else { base };
        let mut candidate = base.to_string();
        while let Some(n) = self.seen.get_mut(&candidate) {
            *n += 1;
            candidate = format!("{base}-{n}");
            if !self.seen.contains_key(&candidate) {
                break;
            }
        }
        self.seen.insert(candidate.clone(), 0);
        candidate
    }
}

/// A URL segment from a file or folder name. A plain name (letters, digits, `-`, `_`, spaces)
/// gets the GitHub-style slug, so `Go Lang.md` gives `go-lang`. Any other name keeps its
/// punctuation so distinct files stay distinct (`clang++`, `v1.2`, `!`): characters a URL path
/// may carry as they are (RFC 3986 sub-delims, `.`, `~`, `@`) are kept, and the rest, which a
/// static host cannot serve from a folder name unencoded, become `~` and their hex code
/// (`c#` -> `c~23`).
pub fn path_segment(name: &str) -> String {
    let plain = name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '));
    if plain {
        let s = github_slug(name);
        return if s.is_empty() { "page".into() } else { s };
    }
    let mut out = String::new();
    for c in name.trim().to_lowercase().chars() {
        match c {
            ' ' => out.push('-'),
            // `..` is never part of a URL segment: the second dot is spelled out.
            '.' if out.ends_with('.') => out += "~2e",
            c if c.is_alphanumeric() || "-_.!$()*+,;=@".contains(c) => out.push(c),
            c => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out += &format!("~{b:02x}");
                }
            }
        }
    }
    if out.is_empty() {
        // A name of white space only (`\u{2000}` trims to nothing), as in the plain case.
        return "page".into();
    }
    if out.chars().all(|c| c == '.') {
        // `.` and `..` are not names a URL can have.
        out = out.replace('.', "~2e");
    }
    out
}

/// A tag's URL segment: case-insensitive (`Rust` and `rust` are one tag, as in Hugo), with `+`
/// and `#` spelled out so `C`, `C++` and `C#` stay three tags (`c`, `c-plus-plus`, `c-sharp`).
pub(crate) fn tag_slug(name: &str) -> String {
    let spelled = name.replace('+', " plus ").replace('#', " sharp ");
    let words: Vec<&str> = spelled.split_whitespace().collect();
    path_segment(&words.join(" "))
}

/// A slug is one URL segment.
pub fn check_slug(slug: &str) -> Result<(), &'static str> {
    if slug.is_empty() {
        Err("it is empty")
    } else if slug.contains("..") {
        Err("it contains `..`")
    } else if slug.contains('\\') {
        Err("it contains a backslash")
    } else if slug.contains('/') || slug.contains(':') {
        Err("it is a path, not one segment")
    } else if slug
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || "?#%\"<>".contains(c))
    {
        Err("it contains characters that do not belong in a URL segment")
    } else {
        Ok(())
    }
}

/// An alias is a site path such as `old/page/` (a leading `/` means the site root, not the disk).
pub(crate) fn check_alias(alias: &str) -> Result<(), &'static str> {
    let trimmed = alias.trim_start_matches('/');
    if alias.starts_with("//") || alias.contains(':') {
        Err("it is an absolute URL or path")
    } else if trimmed.is_empty() {
        Err("it is the site root")
    } else if alias.contains('\\') {
        Err("it contains a backslash")
    } else if trimmed.split('/').any(|s| s == ".." || s == ".") {
        Err("it contains `..` or `.`")
    } else if alias
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || "?#%\"<>".contains(c))
    {
        Err("it contains characters that do not belong in a URL path")
    } else {
        Ok(())
    }
}

/// An alias as a site path ending in `/`: "/old/page" -> "old/page/".
pub(crate) fn alias_path(alias: &str) -> String {
    let t = alias.trim_matches('/');
    if t.ends_with(".html") {
        t.to_string()
    } else {
        format!("{t}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_rule() {
        assert_eq!(github_slug("Indexes & EXPLAIN"), "indexes--explain");
        assert_eq!(github_slug("What is `HTTP`?"), "what-is-http");
        assert_eq!(github_slug("snake_case stays"), "snake_case-stays");
        assert_eq!(github_slug("Ünïcode Wörds"), "ünïcode-wörds");
    }

    #[test]
    fn repeats_get_numbers() {
        let mut ids = IdSet::default();
        assert_eq!(ids.unique("a"), "a");
        assert_eq!(ids.unique("a"), "a-1");
        assert_eq!(ids.unique("a"), "a-2");
        ids.reserve("b");
        assert_eq!(ids.unique("b"), "b-1");
    }

    #[test]
    fn distinct_file_names_stay_distinct() {
        assert_eq!(path_segment("go-lang"), "go-lang");
        assert_eq!(path_segment("Go Lang"), "go-lang");
        assert_eq!(path_segment("clang"), "clang");
        assert_eq!(path_segment("clang++"), "clang++");
        assert_eq!(path_segment("!"), "!");
        assert_eq!(path_segment("$"), "$");
        assert_eq!(path_segment("v1.2"), "v1.2");
        assert_eq!(path_segment("v12"), "v12");
        assert_eq!(path_segment("c#"), "c~23");
        assert_eq!(path_segment("a?b"), "a~3fb");
        assert_eq!(path_segment(".."), ".~2e");
        assert_eq!(path_segment("."), "~2e");
        assert_eq!(path_segment("..!"), ".~2e!");
        for s in [
            "clang++", "!", "$", "v1.2", "c~23", "a~3fb", ".~2e", ".~2e!",
        ] {
            assert!(check_slug(s).is_ok(), "{s}");
        }
    }

    #[test]
    fn tags_keep_languages_apart() {
        assert_eq!(tag_slug("C"), "c");
        assert_eq!(tag_slug("c"), "c");
        assert_eq!(tag_slug("C++"), "c-plus-plus");
        assert_eq!(tag_slug("C#"), "c-sharp");
        assert_eq!(tag_slug("F#"), "f-sharp");
        assert_eq!(tag_slug("Web APIs"), "web-apis");
    }

    #[test]
    fn slug_checks() {
        assert!(check_slug("go").is_ok());
        assert!(check_slug("../x").is_err());
        assert!(check_slug("a\\b").is_err());
        assert!(check_slug("/etc").is_err());
        assert!(check_alias("/old/page/").is_ok());
        assert!(check_alias("old/../x").is_err());
        assert!(check_alias("C:\\x").is_err());
    }
}
