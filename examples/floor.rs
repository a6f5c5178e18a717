//! The floor of the performance benchmark: only the work no generator on this stack can skip.
//!
//! Walks `<root>/content`, and for each Markdown file, in parallel: reads it, drops the front
//! matter, renders the body with pulldown-cmark, highlights every fenced code block with syntect
//! (classed HTML, no cache; each fence's language resolved to a grammar exactly as backlot does,
//! e.g. `javascript` is two-face's "JavaScript (Babel)", so both run the same grammars on the
//! same code), and writes the page into `<out>/<path>/index.html`. No templates, no navigation,
//! no link checking: whatever backlot spends beyond this program is the price of being a site
//! generator. The floor calls syntect the standard way (`ClassedHTMLGenerator` over
//! `ParseState`); backlot runs syntect's parse loop itself, over grammars read once
//! (`src/highlight/line_parser.rs`), so its highlighting costs less than the floor's.
//!
//! `cargo run --release --example floor -- <root> <out>`

use backlot::highlight::Highlighter;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, out] = args.as_slice() else {
        eprintln!("usage: floor <site root> <output dir>");
        std::process::exit(2);
    };
    let content = Path::new(root).join("content");
    let out = PathBuf::from(out);
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    // Only the language-to-grammar table is borrowed from backlot (no cache, no HTML of its own).
    let langs = backlot::highlight::Highlighter::new(&backlot::config::Highlight::default());
    let ss = langs.syntaxes();
    files.par_iter().for_each(|f| {
        let rel = f.strip_prefix(&content).unwrap().with_extension("");
        let text = std::fs::read_to_string(f).unwrap();
        let html = render(body(&text), ss, &langs);
        let dir = out.join(rel);
        std::fs::create_dir_all(&dir).unwrap();
        let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("index.html")).unwrap());
        w.write_all(b"<!DOCTYPE html>\n<html><body><main>\n")
            .unwrap();
        w.write_all(html.as_bytes()).unwrap();
        w.write_all(b"</main></body></html>\n").unwrap();
        w.flush().unwrap();
    });
    println!("floor: {} pages", files.len());
}

/// The text after a `+++` or `---` front matter block.
fn body(text: &str) -> &str {
    for fence in ["+++\n", "---\n"] {
        if let Some(rest) = text.strip_prefix(fence) {
            if let Some(end) = rest.find(&format!("\n{fence}")) {
                return &rest[end + 1 + fence.len()..];
            }
        }
    }
    text
}

/// Markdown to HTML, each fenced block replaced by syntect's classed highlighting.
fn render(md: &str, ss: &SyntaxSet, langs: &Highlighter) -> String {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_GFM;
    let mut events = Vec::new();
    let mut code: Option<(String, String)> = None;
    for event in Parser::new_ext(md, opts) {
        match (event, &mut code) {
            (Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))), _) => {
                code = Some((lang.to_string(), String::new()))
            }
            (Event::Text(t), Some((_, buf))) => buf.push_str(&t),
            (Event::End(TagEnd::CodeBlock), Some(_)) => {
                let (lang, buf) = code.take().unwrap();
                events.push(Event::Html(highlight(&lang, &buf, ss, langs).into()));
            }
            (event, _) => events.push(event),
        }
    }
    let mut html = String::with_capacity(md.len() * 3);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

fn highlight(lang: &str, code: &str, ss: &SyntaxSet, langs: &Highlighter) -> String {
    let syntax = langs
        .find(lang)
        .unwrap_or_else(|| ss.find_syntax_plain_text());
    let mut gen = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        ss,
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for line in LinesWithEndings::from(code) {
        gen.parse_html_for_line_which_includes_newline(line)
            .unwrap();
    }
    format!("<pre><code>{}</code></pre>\n", gen.finalize())
}
