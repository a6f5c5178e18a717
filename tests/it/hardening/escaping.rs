//! Titles, descriptions, tags, headings, link titles, code titles and tab labels, data values
//! and site settings all carry `"><script>alert(…)</script>`: every output file must show them
//! as text in whatever context the theme puts them (body, `<title>`, meta, attributes, table of
//! contents, feed, sitemap, search index, JSON inside `<script>`).

use super::harness::{backlot, fixture, tree};

/// Contents of every `<script …>…</script>` element in `html`.
fn scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after = &rest[open..];
        let Some(gt) = after.find('>') else { break };
        let body = &after[gt + 1..];
        let end = body.find("</script>").unwrap_or(body.len());
        out.push(&body[..end]);
        rest = &body[end..];
    }
    out
}

/// The payload may appear only as text: never as a tag, never breaking out of an attribute.
fn assert_inert(path: &str, text: &str) {
    let lower = text.to_lowercase();
    for bad in [
        "<script>alert",
        "<img src=x",
        "\"><script",
        "\"><img",
        "onerror=alert(2)>",
    ] {
        assert!(!lower.contains(bad), "{path}: `{bad}` unescaped");
    }
    for s in scripts(text) {
        let s = s.to_lowercase();
        for bad in ["<script", "</script", "<!--"] {
            assert!(!s.contains(bad), "{path}: `{bad}` inside a script element");
        }
    }
}

#[test]
fn payloads_are_escaped_in_every_context() {
    let site = fixture("hardening/escaping");
    let run = backlot(site.path(), &["build"]);
    run.ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let out = tree(&site.path().join("public"));
    let mut checked = 0;
    for (path, bytes) in &out {
        let text = String::from_utf8_lossy(bytes);
        if path.ends_with(".json") {
            serde_json::from_slice::<serde_json::Value>(bytes)
                .unwrap_or_else(|e| panic!("{path}: not JSON: {e}"));
        }
        if path.ends_with(".js") {
            assert!(!text.to_lowercase().contains("</script"), "{path}");
        }
        if path.ends_with(".html") || path.ends_with(".xml") || path.ends_with(".json") {
            assert_inert(path, &text);
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} files checked");
    // The payloads are there, as text, in the places a reader sees them.
    let page = String::from_utf8_lossy(&out["xss/page/index.html"]).into_owned();
    for shown in [
        "Page &quot;&gt;&lt;script&gt;alert(",     // <title> and <h1>
        "Desc &quot;&gt;&lt;script&gt;alert(",     // meta description and lede
        "&lt;script&gt;alert(&#39;tag&#39;)",      // tag links
        "Heading \"&gt;&lt;script&gt;alert('h2')", // heading in the body (text: quotes stay)
        "&lt;script&gt;alert(&#39;h2&#39;)",       // the same heading in the toc
        "title=\"&quot;&gt;&lt;script&gt;alert(&#39;linktitle&#39;)",
        "title=\"&quot;&gt;&lt;script&gt;alert(&#39;imgtitle&#39;)",
        "alt=\"alt &quot;&gt;&lt;script&gt;alert(&#39;alt&#39;)",
        "&lt;script&gt;alert(&#39;codetitle&#39;)",
        "&lt;script&gt;alert(&#39;tab&#39;)",
        "&lt;script&gt;alert(&#39;cell&#39;)", // data table
        "id=\"a&quot;onmouseover=alert(&#39;id&#39;)\"",
    ] {
        assert!(page.contains(shown), "missing {shown}");
    }
    let feed = String::from_utf8_lossy(&out["atom.xml"]).into_owned();
    assert!(
        feed.contains(
            "<title>Page &quot;&gt;&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;</title>"
        ),
        "{feed}"
    );
    assert!(feed.contains("Guide &quot;&gt;&lt;script&gt;"));
    let json_page = String::from_utf8_lossy(&out["xss/other/index.html"]).into_owned();
    let data = scripts(&json_page)[0];
    let v: serde_json::Value = serde_json::from_str(data).unwrap();
    assert_eq!(v["title"], "Other \"><script>alert('other')</script>");
}
