//! Front matter: split and parse any text; errors are fine, panics are not.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(Some(split)) = backlot::frontmatter::split("content/f.md", text) {
        let _ = backlot::frontmatter::parse("content/f.md", &split, true);
        let _ = backlot::frontmatter::field_line(&split, "title");
    }
});
