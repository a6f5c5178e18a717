//! The Markdown-to-HTML stage, sanitizer included: no panic, and no active content out.
#![no_main]
use backlot::highlight::Highlighter;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn h() -> &'static Highlighter {
    static H: OnceLock<Highlighter> = OnceLock::new();
    H.get_or_init(|| Highlighter::new(&Default::default()))
}

fuzz_target!(|body: &str| {
    let p = backlot::markdown::parse("content/f.md", body, 1, h());
    let html = p.html.to_lowercase();
    for tag in html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
        let name = tag.trim_start_matches('/').split([' ', '\n', '/']).next().unwrap_or("");
        assert!(!matches!(name, "script" | "iframe" | "object" | "embed" | "svg" | "math"), "<{tag}>");
        assert!(!tag.contains(" on") && !tag.contains("javascript:"), "<{tag}>");
    }
    let _ = backlot::markdown::fill_markers(&p.html, &p.marker, |_, _| String::new());
});
