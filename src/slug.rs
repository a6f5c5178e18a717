//! Slugs: heading ids by GitHub's rule, URL segments from file names, and the checks on
//! user-given slugs and aliases.

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

/// A URL segment from a file or folder name: GitHub-style slug, so `Go Lang.md` gives `go-lang`.
pub fn path_segment(name: &str) -> String {
    let s = github_slug(name);
    if s.is_empty() {
        "page".into()
    } else {
        s
    }
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
pub fn check_alias(alias: &str) -> Result<(), &'static str> {
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
pub fn alias_path(alias: &str) -> String {
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
