//! Conformance: every CommonMark 0.31.2 spec example and the GFM 0.29 extension examples run
//! through the Markdown stage the build uses (parse, raw HTML sanitizer, autolinks), compared
//! with the spec's HTML after the normalisation documented in docs/conformance.md. Every
//! remaining difference must be listed there, by example, with its reason; an unlisted
//! difference, or a listed example that now passes, fails the test.

use backlot::highlight::Highlighter;
use backlot::markdown::{self, fill_markers};
use std::collections::BTreeSet;
use std::path::Path;

struct Example {
    id: String,
    markdown: String,
    html: String,
}

fn spec_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec")
}

/// The examples of spec.txt: blocks fenced by 32 backticks and `example`, input and output
/// split by a line holding `.`, tabs written as `→`.
fn commonmark() -> Vec<Example> {
    let text = std::fs::read_to_string(spec_dir().join("commonmark-0.31.2.txt")).unwrap();
    let fence = "`".repeat(32);
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line != format!("{fence} example") {
            continue;
        }
        let (mut md, mut html, mut in_html) = (String::new(), String::new(), false);
        for l in lines.by_ref() {
            if l == fence {
                break;
            }
            if l == "." && !in_html {
                in_html = true;
                continue;
            }
            let l = l.replace('→', "\t");
            let buf = if in_html { &mut html } else { &mut md };
            buf.push_str(&l);
            buf.push('\n');
        }
        out.push(Example {
            id: format!("CM {}", out.len() + 1),
            markdown: md,
            html,
        });
    }
    out
}

fn gfm() -> Vec<Example> {
    let text = std::fs::read_to_string(spec_dir().join("gfm-0.29-extensions.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| Example {
            id: format!("GFM {}", e["example"]),
            markdown: e["markdown"].as_str().unwrap().into(),
            html: e["html"].as_str().unwrap().into(),
        })
        .collect()
}

/// The body HTML the build produces for `md`, with links filled in as written (resolving them
/// to site URLs is by design) and code blocks as plain `<pre><code>` (the highlighted frame is
/// by design).
fn render(md: &str, h: &Highlighter) -> String {
    let p = markdown::parse("content/spec.md", md, 1, h);
    fill_markers(&p.html, &p.marker, |kind, i| match kind {
        'L' => {
            let mut s = String::new();
            pulldown_cmark_escape::escape_href(&mut s, &p.links[i].dest).unwrap();
            s
        }
        'C' => {
            let b = &p.code_blocks[i];
            let mut code = String::new();
            pulldown_cmark_escape::escape_html(&mut code, &b.code).unwrap();
            let class = if b.lang.is_empty() {
                String::new()
            } else {
                format!(" class=\"language-{}\"", b.lang)
            };
            format!("<pre><code{class}>{code}</code></pre>")
        }
        _ => String::new(),
    })
}

/// The documented normalisation: heading ids and anchor links, the table wrapper, void-tag
/// spelling, quote escaping and newlines between tags.
fn normalise(html: &str) -> String {
    let mut s = html.replace("<div class=\"heading\">", "");
    while let Some(start) = s.find("<a class=\"anchor\" href=\"#") {
        let end = s[start..]
            .find("</a></div>")
            .map_or(s.len(), |e| start + e + 10);
        s.replace_range(start..end, "");
    }
    for n in 1..=6 {
        let open = format!("<h{n} id=\"");
        while let Some(start) = s.find(&open) {
            let end = s[start..].find('>').map_or(s.len(), |e| start + e);
            s.replace_range(start + 3..end, "");
        }
    }
    s = s
        .replace(
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"group\" aria-label=\"Table\">",
            "",
        )
        .replace(" aria-label=\"Done\"", "")
        .replace(" aria-label=\"Not done\"", "")
        .replace("</table>\n</div>", "</table>")
        .replace("</table></div>", "</table>")
        .replace(" rel=\"noopener noreferrer\"", "")
        .replace(" />", ">")
        .replace("/>", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'");
    s.replace(">\n", ">").replace("\n<", "<").trim().to_string()
}

/// `| CM 12 | reason |` rows of docs/conformance.md.
fn listed() -> BTreeSet<String> {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/conformance.md"))
            .unwrap();
    doc.lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" |").next())
        .filter(|id| id.starts_with("CM ") || id.starts_with("GFM "))
        .map(String::from)
        .collect()
}

#[test]
fn spec_examples_match_or_are_listed() {
    let h = Highlighter::new(&Default::default());
    let mut differ = BTreeSet::new();
    let mut report = String::new();
    let examples: Vec<Example> = commonmark().into_iter().chain(gfm()).collect();
    assert_eq!(examples.len(), 652 + 28);
    for e in &examples {
        let got = normalise(&render(&e.markdown, &h));
        let want = normalise(&e.html);
        if got != want {
            differ.insert(e.id.clone());
            report.push_str(&format!(
                "{}\n  markdown: {:?}\n  expected: {want:?}\n  got:      {got:?}\n",
                e.id, e.markdown
            ));
        }
    }
    if std::env::var_os("CONFORMANCE_REPORT").is_some() {
        std::fs::write(std::env::temp_dir().join("conformance-report.txt"), &report).unwrap();
    }
    let listed = listed();
    let unlisted: Vec<&String> = differ.difference(&listed).collect();
    let stale: Vec<&String> = listed.difference(&differ).collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "differences not listed in docs/conformance.md: {unlisted:?}\nlisted but now matching: {stale:?}"
    );
}
