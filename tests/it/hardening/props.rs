//! Property tests (proptest) for the pure functions the fuzz targets also exercise: heading ids,
//! slugs, link splitting and joining, link rewriting, the sanitizer and the URL scheme check.

use backlot::config::Highlight;
use backlot::highlight::Highlighter;
use backlot::links::{join, split_dest};
use backlot::markdown::{fill_markers, parse, sanitize};
use backlot::slug::{check_slug, github_slug, path_segment, IdSet};
use proptest::prelude::*;
use std::collections::HashSet;
use std::sync::OnceLock;

fn h() -> &'static Highlighter {
    static H: OnceLock<Highlighter> = OnceLock::new();
    H.get_or_init(|| Highlighter::new(&Highlight::default()))
}

proptest! {
    #[test]
    fn heading_ids_are_url_and_html_safe(text in "\\PC{0,40}") {
        let id = github_slug(&text);
        prop_assert!(id.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_'), "{id:?}");
        prop_assert!(!id.chars().any(|c| c.is_uppercase() && c.to_lowercase().ne(std::iter::once(c))));
    }

    #[test]
    fn ids_within_a_page_are_unique(titles in prop::collection::vec("[a-b]{0,2}(-[0-2])?", 0..30), reserved in prop::collection::vec("[a-b]{1,2}(-[0-2])?", 0..5)) {
        let mut ids = IdSet::default();
        for r in &reserved {
            ids.reserve(r);
        }
        let mut seen: HashSet<String> = reserved.iter().cloned().collect();
        for t in &titles {
            let id = ids.unique(&github_slug(t));
            prop_assert!(seen.insert(id.clone()), "{id} handed out twice (titles {titles:?})");
        }
    }

    #[test]
    fn path_segments_are_valid_slugs(name in "\\PC{0,30}") {
        let seg = path_segment(&name);
        prop_assert!(!seg.is_empty());
        prop_assert!(check_slug(&seg).is_ok(), "{seg:?}");
    }

    #[test]
    fn split_dest_keeps_path_and_fragment(path in "[a-z./]{0,12}", frag in proptest::option::of("[a-z#?-]{0,8}")) {
        let dest = match &frag { Some(f) => format!("{path}#{f}"), None => path.clone() };
        let (p, f) = split_dest(&dest);
        prop_assert_eq!(p, path.as_str());
        prop_assert_eq!(f, frag.as_deref());
    }

    #[test]
    fn join_never_leaves_the_root(base in prop::collection::vec("[a-c]{1,2}", 0..4), rel in prop::collection::vec(prop::sample::select(vec!["..", ".", "", "a", "b.md", "c"]), 0..8), absolute in any::<bool>()) {
        let base_dir = base.join("/");
        let rel_path = format!("{}{}", if absolute { "/" } else { "" }, rel.join("/"));
        // A model: a stack of segments that may not be popped when empty.
        let absolute = absolute || rel_path.starts_with('/');
        let mut stack: Vec<&str> = if absolute { Vec::new() } else { base.iter().map(String::as_str).collect() };
        let mut climbed = false;
        for seg in rel_path.split('/') {
            match seg {
                "" | "." => {}
                ".." => climbed |= stack.pop().is_none(),
                s => stack.push(s),
            }
        }
        match join(&base_dir, &rel_path) {
            Ok(out) => {
                prop_assert!(!climbed);
                prop_assert_eq!(out.trim_end_matches('/'), stack.join("/"));
                prop_assert!(out.trim_end_matches('/').split('/').all(|s| s != ".." && s != "."));
            }
            Err(_) => prop_assert!(climbed),
        }
    }

    #[test]
    fn link_targets_are_rewritten_and_escaped(name in "[a-z]{1,8}", frag in "[a-z-]{0,6}", text in "[a-z][a-z ,.!]{0,19}") {
        let body = format!("{text} [see]({name}.md#{frag}) [ext](https://e.com/{name})\n");
        let p = parse("content/a.md", &body, 1, h());
        prop_assert_eq!(p.links.len(), 1);
        prop_assert_eq!(&p.links[0].dest, &format!("{name}.md#{frag}"));
        let html = fill_markers(&p.html, &p.marker, |_, _| "/x/\"><script>".into());
        prop_assert!(!html.contains(&p.marker));
        let ext = format!("https://e.com/{name}");
        prop_assert!(html.contains(&ext));
        // fill_markers inserts what it is given; render escapes it first.
        let safe = fill_markers(&p.html, &p.marker, |_, _| backlot::highlight::escape_html("/x/\"><script>"));
        prop_assert!(!safe.contains("<script>"));
    }

    #[test]
    fn sanitized_html_has_no_active_content(parts in prop::collection::vec(prop::sample::select(vec![
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">", "</a>",
        "<iframe src=//e>", "<svg onload=alert(1)>", "<b>", "</b>", "<kbd>", "text", "\n\n", "<details>", "</details>",
        "<div style=\"x\">", "</div>", "<a href=\"JaVa&#x09;ScRiPt:x\">", "*em*", "[l](javascript:x)", "<!-- c -->",
        "<object data=x>", "<math><mi xlink:href=javascript:x>", "`code`", "<p onclick=x>", "<table><tr><td>",
    ]), 0..20)) {
        let body = parts.concat();
        let p = parse("content/a.md", &body, 1, h());
        // Text `<` is escaped, so every `<` left starts a real tag: check each tag.
        let html = p.html.to_lowercase();
        for tag in html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
            let name = tag.trim_start_matches('/').split([' ', '\n', '/']).next().unwrap_or("");
            prop_assert!(!["script", "iframe", "svg", "object", "math", "embed", "style"].contains(&name), "<{tag}> survived {body:?}");
            for bad in [" on", "javascript:", "style="] {
                prop_assert!(!tag.contains(bad), "{bad} in <{tag}> from {body:?}");
            }
        }
    }

    #[test]
    fn disguised_dangerous_schemes_are_caught(scheme in prop::sample::select(vec!["javascript", "vbscript", "data"]), flips in prop::collection::vec(any::<bool>(), 10), junk in prop::collection::vec(prop::sample::select(vec!["", "\t", "\n", "\r"]), 10), lead in "[ \\x01-\\x1f]{0,3}") {
        let mut url = lead.clone();
        for (i, c) in scheme.chars().enumerate() {
            url.push(if flips[i % 10] { c.to_ascii_uppercase() } else { c });
            url.push_str(junk[i % 10]);
        }
        url.push_str(":alert(1)");
        let found = sanitize::dangerous_url(&url);
        prop_assert_eq!(found.as_deref(), Some(scheme));
    }
}
