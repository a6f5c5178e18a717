//! The Markdown-to-HTML stage, sanitizer included: no panic, and no active content out.
#![no_main]
use backlot::highlight::Highlighter;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn h() -> &'static Highlighter {
    static H: OnceLock<Highlighter> = OnceLock::new();
    H.get_or_init(|| Highlighter::new(&Default::default()))
}

/// (name, value) of each attribute of a tag's inside (`a href="x" title='y'`), quotes respected.
fn attrs(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut it = tag.chars().peekable();
    while it.peek().is_some_and(|c| !c.is_whitespace()) {
        it.next(); // the tag name
    }
    loop {
        while it.peek().is_some_and(|c| c.is_whitespace() || *c == '/') {
            it.next();
        }
        let name: String = std::iter::from_fn(|| it.next_if(|c| !c.is_whitespace() && *c != '=')).collect();
        if name.is_empty() && it.peek().is_none() {
            return out;
        }
        let mut value = String::new();
        if it.next_if_eq(&'=').is_some() {
            match it.next_if(|c| *c == '"' || *c == '\'') {
                Some(q) => value = std::iter::from_fn(|| it.next_if(|c| *c != q)).collect(),
                None => value = std::iter::from_fn(|| it.next_if(|c| !c.is_whitespace())).collect(),
            }
            it.next();
        } else if name.is_empty() {
            it.next();
        }
        out.push((name, value));
    }
}

fuzz_target!(|body: &str| {
    let p = backlot::markdown::parse("content/f.md", body, 1, h());
    // Text `<` is escaped, so every `<` left starts a real tag.
    let html = p.html.to_lowercase();
    for tag in html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
        let name = tag.trim_start_matches('/').split([' ', '\n', '/']).next().unwrap_or("");
        assert!(!matches!(name, "script" | "iframe" | "object" | "embed" | "svg" | "math"), "<{tag}>");
        for (attr, value) in attrs(tag) {
            assert!(!attr.starts_with("on"), "<{tag}>");
            if attr == "href" || attr == "src" {
                assert!(backlot::markdown::sanitize::dangerous_url(&value).is_none(), "<{tag}>");
            }
        }
    }
    let _ = backlot::markdown::fill_markers(&p.html, &p.marker, |_, _| String::new());
});
