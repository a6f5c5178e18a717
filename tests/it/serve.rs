//! The preview end to end: incremental rebuilds equal a clean build after any sequence of
//! edits (a property test), and the HTTP server on port 0 (pages, 404, traversal, Host check,
//! reload events, the error page).

use crate::harness::{copy_dir, read_tree};
use backlot::config::Overrides;
use backlot::diag::Diagnostics;
use backlot::output::MemSink;
use backlot::serve::incremental::Engine;
use backlot::serve::watcher::{classify, Plan};
use backlot::serve::{Limits, Running};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(crate) const FIXTURE: &str = "tests/fixtures/serve/basic";

/// A private copy of a fixture site.
pub(crate) fn copy_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(Path::new(name), &root);
    (dir, root)
}

/// A clean build into memory: every file, or None when the build has errors.
fn clean_build(root: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    let mut diags = Diagnostics::default();
    let loaded = backlot::pipeline::load(root, &Overrides::default(), &mut diags)?;
    if diags.has_errors() {
        return None;
    }
    let sink = MemSink::default();
    loaded.render(&sink, &mut diags);
    (!diags.has_errors()).then(|| sink.files.into_inner().unwrap())
}

#[derive(Debug, Clone)]
enum Op {
    EditBody(usize, u8),
    EditTitle(usize, u8),
    EditWeight(usize, i8),
    EditDescription(usize, u8),
    AddHeading(usize, u8),
    AddTag(usize, u8),
    Touch(usize),
    ToggleDraft(usize),
    AddPage(usize, u8),
    DeletePage(usize),
    RenamePage(usize, u8),
    AddSection(u8),
    DeleteSection(usize),
    RenameSection(usize, u8),
    EditData(u8),
    EditStatic(u8),
    EditTemplate(u8),
    EditPageTemplate(u8),
    EditConfig(u8),
    EditAsset(u8),
    EditThemeStatic(u8),
    Commit(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        // Body edits are what authors do most, and the in-place fast path: weigh them up.
        4 => (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Op::EditBody(a, b)),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Op::EditTitle(a, b)),
        1 => (any::<usize>(), any::<i8>()).prop_map(|(a, b)| Op::EditWeight(a, b)),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Op::EditDescription(a, b)),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Op::AddHeading(a, b)),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Op::AddTag(a, b)),
        1 => any::<usize>().prop_map(Op::Touch),
        1 => any::<usize>().prop_map(Op::ToggleDraft),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Op::AddPage(a, b)),
        1 => any::<usize>().prop_map(Op::DeletePage),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Op::RenamePage(a, b)),
        1 => any::<u8>().prop_map(Op::AddSection),
        1 => any::<usize>().prop_map(Op::DeleteSection),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Op::RenameSection(a, b)),
        1 => any::<u8>().prop_map(Op::EditData),
        1 => any::<u8>().prop_map(Op::EditStatic),
        1 => any::<u8>().prop_map(Op::EditTemplate),
        1 => any::<u8>().prop_map(Op::EditPageTemplate),
        1 => any::<u8>().prop_map(Op::EditConfig),
        1 => any::<u8>().prop_map(Op::EditAsset),
        1 => any::<u8>().prop_map(Op::EditThemeStatic),
        2 => any::<u8>().prop_map(Op::Commit),
    ]
}

/// Markdown files under content/, relative to the root, sorted.
fn pages(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| backlot::source::rel_path(root, e.path()))
        .filter(|p| p.ends_with(".md"))
        .collect();
    out.sort();
    out
}

/// Pages the ops may delete, rename or hide: the ones they created (nothing links to them).
fn free_pages(root: &Path) -> Vec<String> {
    pages(root)
        .into_iter()
        .filter(|p| p.rsplit('/').next().unwrap().starts_with("free-"))
        .collect()
}

fn extra_sections(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root.join("content"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("sec-"))
        .map(|n| format!("content/{n}"))
        .collect();
    out.sort();
    out
}

fn pick(list: &[String], i: usize) -> Option<String> {
    (!list.is_empty()).then(|| list[i % list.len()].clone())
}

/// Rewrites one front matter line (`key: value`), adding it when missing.
fn set_field(root: &Path, rel: &str, key: &str, value: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let end = lines.iter().skip(1).position(|l| l == "---").unwrap() + 1;
    let line = format!("{key}: {value}");
    match lines[1..end]
        .iter()
        .position(|l| l.starts_with(&format!("{key}:")))
    {
        Some(i) => lines[i + 1] = line,
        None => lines.insert(end, line),
    }
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

pub(crate) fn append(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    let mut body = std::fs::read_to_string(&path).unwrap();
    body.push_str(text);
    std::fs::write(path, body).unwrap();
}

fn page_text(title: &str) -> String {
    format!("---\ntitle: {title}\ndescription: A page made by the test.\n---\n\nSome words about {title}.\n")
}

/// Applies one edit on disk; returns the paths a watcher would report.
fn apply(root: &Path, op: &Op) -> Vec<String> {
    let all = pages(root);
    let free = free_pages(root);
    let sections = extra_sections(root);
    let one = |rel: Option<String>| rel.into_iter().collect::<Vec<_>>();
    match op {
        Op::EditBody(i, n) => one(pick(&all, *i).inspect(|p| {
            append(
                root,
                p,
                &format!(
                    "\nMore words, {}.\n",
                    "lorem ipsum ".repeat(*n as usize * 2)
                ),
            )
        })),
        Op::EditTitle(i, n) => {
            one(pick(&all, *i).inspect(|p| set_field(root, p, "title", &format!("Title {n}"))))
        }
        Op::EditWeight(i, w) => {
            one(pick(&all, *i).inspect(|p| set_field(root, p, "weight", &w.to_string())))
        }
        Op::EditDescription(i, n) => one(pick(&all, *i)
            .inspect(|p| set_field(root, p, "description", &format!("Described {n}.")))),
        Op::AddHeading(i, n) => {
            one(pick(&all, *i)
                .inspect(|p| append(root, p, &format!("\n## Heading {n}\n\nText.\n"))))
        }
        Op::AddTag(i, n) => {
            one(pick(&all, *i).inspect(|p| set_field(root, p, "tags", &format!("[tag-{}]", n % 4))))
        }
        Op::Touch(i) => one(pick(&all, *i).inspect(|p| append(root, p, ""))),
        Op::ToggleDraft(i) => one(pick(&free, *i).inspect(|p| {
            let draft = std::fs::read_to_string(root.join(p))
                .unwrap()
                .contains("draft: true");
            set_field(root, p, "draft", if draft { "false" } else { "true" });
        })),
        Op::AddPage(i, n) => {
            let mut dirs = vec![
                "content".to_string(),
                "content/guide".into(),
                "content/ops".into(),
            ];
            dirs.extend(sections);
            let dir = pick(&dirs, *i).unwrap();
            let rel = format!("{dir}/free-{n}.md");
            std::fs::write(root.join(&rel), page_text(&format!("Free {n}"))).unwrap();
            vec![rel]
        }
        Op::DeletePage(i) => {
            one(pick(&free, *i).inspect(|p| std::fs::remove_file(root.join(p)).unwrap()))
        }
        Op::RenamePage(i, n) => match pick(&free, *i) {
            Some(p) => {
                let to = format!("{}/free-r{n}.md", p.rsplit_once('/').unwrap().0);
                std::fs::rename(root.join(&p), root.join(&to)).unwrap();
                vec![p, to]
            }
            None => vec![],
        },
        Op::AddSection(n) => {
            let dir = format!("content/sec-{n}");
            if root.join(&dir).exists() {
                return vec![];
            }
            std::fs::create_dir_all(root.join(&dir)).unwrap();
            std::fs::write(
                root.join(&dir).join("_index.md"),
                page_text(&format!("Section {n}")),
            )
            .unwrap();
            std::fs::write(root.join(&dir).join("free-1.md"), page_text("Inside")).unwrap();
            vec![dir]
        }
        Op::DeleteSection(i) => {
            one(pick(&sections, *i).inspect(|d| std::fs::remove_dir_all(root.join(d)).unwrap()))
        }
        Op::RenameSection(i, n) => match pick(&sections, *i) {
            Some(d) => {
                let to = format!("content/sec-r{n}");
                if root.join(&to).exists() {
                    return vec![];
                }
                std::fs::rename(root.join(&d), root.join(&to)).unwrap();
                vec![d, to]
            }
            None => vec![],
        },
        Op::EditData(n) => {
            std::fs::write(
                root.join("data/team.toml"),
                format!("name = \"Team {n}\"\n"),
            )
            .unwrap();
            vec!["data/team.toml".into()]
        }
        Op::EditStatic(n) => {
            std::fs::write(
                root.join("static/extra.css"),
                format!("p {{ margin: {n}px }}\n"),
            )
            .unwrap();
            vec!["static/extra.css".into()]
        }
        Op::EditTemplate(n) => {
            let dir = root.join("themes/default/templates");
            std::fs::create_dir_all(&dir).unwrap();
            let html = format!("{{% extends \"base.html\" %}}{{% block main %}}<h1>{{{{ page.title }}}}</h1><p>missing {n}</p>{{% endblock main %}}\n");
            std::fs::write(dir.join("404.html"), html).unwrap();
            vec!["themes/default/templates/404.html".into()]
        }
        Op::EditPageTemplate(n) => {
            let dir = root.join("themes/default/templates");
            std::fs::create_dir_all(&dir).unwrap();
            let html = format!("{{% extends \"base.html\" %}}{{% block main %}}<h1>{{{{ page.title }}}}</h1><p>{{{{ page.updated }}}} v{n}</p>{{{{ page.content | safe }}}}{{% endblock main %}}\n");
            std::fs::write(dir.join("page.html"), html).unwrap();
            vec!["themes/default/templates/page.html".into()]
        }
        Op::EditConfig(n) => {
            let toml = format!("title = \"Serve fixture {}\"\ndescription = \"Described {n}.\"\nbase_url = \"https://owner.github.io/repo/\"\n", n % 3);
            std::fs::write(root.join("site.toml"), toml).unwrap();
            vec!["site.toml".into()]
        }
        Op::EditAsset(n) => {
            let rel = format!("content/guide/note-{}.txt", n % 3);
            if n % 4 == 0 && root.join(&rel).exists() {
                std::fs::remove_file(root.join(&rel)).unwrap();
            } else {
                std::fs::write(root.join(&rel), format!("note {n}\n")).unwrap();
            }
            vec![rel]
        }
        Op::EditThemeStatic(n) => {
            let dir = root.join("themes/default/static");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("extra.js"), format!("// {n}\n")).unwrap();
            vec!["themes/default/static/extra.js".into()]
        }
        Op::Commit(n) => {
            // Any date: "Last updated" is the commit `git log` lists first, whatever its date.
            let date = format!("2025-{:02}-{:02}T12:00:00Z", 1 + n % 12, 1 + n % 28);
            crate::publish::git(root, &["add", "-A"], &date);
            crate::publish::git(root, &["commit", "-q", "--allow-empty", "-m", "op"], &date);
            vec![".git/refs/heads/main".into(), ".git/HEAD".into()]
        }
    }
}

/// The plan a watcher makes of these changed paths (`.git/...`: a commit).
fn plan_for(paths: &[String]) -> Plan {
    let mut plan = Plan::default();
    for p in paths {
        plan.git |= p.starts_with(".git/");
        plan.add(classify(p, "default", "public", "content"), p);
    }
    plan
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn incremental_equals_clean_build(ops in prop::collection::vec(op(), 1..10)) {
        let (_dir, root) = copy_fixture(FIXTURE);
        // Inside a git repository, so "Last updated" and `<lastmod>` come from git history.
        crate::publish::git(&root, &["init", "-q"], "2024-02-03T10:00:00Z");
        crate::publish::commit_all(&root, "site", "2024-02-03T10:00:00Z");
        let mut engine = Engine::new(&root, Overrides::default());
        let first = engine.rebuild(&Plan::full());
        prop_assert!(!first.failed(), "{:?}", first.diags);
        for op in &ops {
            let paths = apply(&root, op);
            let outcome = engine.rebuild(&plan_for(&paths));
            match clean_build(&root) {
                None => prop_assert!(outcome.failed(), "clean build failed but incremental did not after {op:?}"),
                Some(full) => {
                    prop_assert!(!outcome.failed(), "after {op:?}: {:?}", outcome.diags);
                    let inc: BTreeMap<String, Vec<u8>> = engine
                        .snapshot()
                        .merged()
                        .into_iter()
                        .map(|(k, v)| (k, v.to_vec()))
                        .collect();
                    let keys = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
                    prop_assert_eq!(keys(&inc), keys(&full), "file lists differ after {:?}", op);
                    for (k, v) in &full {
                        prop_assert!(inc[k] == *v, "{} differs after {:?}", k, op);
                    }
                }
            }
        }
    }
}

#[test]
fn a_body_edit_renders_one_page() {
    let (_dir, root) = copy_fixture(FIXTURE);
    let mut engine = Engine::new(&root, Overrides::default());
    assert!(!engine.rebuild(&Plan::full()).failed());
    let paths = apply(&root, &Op::EditBody(1, 1));
    let outcome = engine.rebuild(&plan_for(&paths));
    assert_eq!(outcome.rendered, 1, "{paths:?}");
    // The page and its Markdown copy (plus the search files that index its text).
    let pages: Vec<&String> = outcome
        .changed
        .iter()
        .filter(|p| !p.starts_with("search/"))
        .collect();
    assert_eq!(pages.len(), 2, "{:?}", outcome.changed);
    // Saving the same bytes again changes nothing.
    let outcome = engine.rebuild(&plan_for(&paths));
    assert!(outcome.changed.is_empty() && outcome.rendered == 0);
}

// ---- HTTP ----------------------------------------------------------------------------------

/// One raw HTTP/1.1 request; returns (status, head, body).
pub(crate) fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    host: &str,
) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// An open event stream.
pub(crate) struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    pub(crate) fn open(addr: SocketAddr) -> Events {
        Events::open_at(addr, "/__backlot/events")
    }

    /// A stream opened at `path` (with `?since=` to resume).
    pub(crate) fn open_at(addr: SocketAddr, path: &str) -> Events {
        let mut stream = TcpStream::connect(addr).unwrap();
        // A guard against a hung test, not a timing assertion.
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut ev = Events {
            stream,
            seen: String::new(),
        };
        ev.wait_for(": connected");
        ev
    }

    /// Reads until `needle` shows up after what was already consumed; returns what came.
    pub(crate) fn wait_for(&mut self, needle: &str) -> String {
        let mut buf = [0u8; 4096];
        loop {
            if let Some(i) = self.seen.find(needle) {
                let end = self.seen[i..]
                    .find("\n\n")
                    .map_or(self.seen.len(), |j| i + j + 2);
                let got = self.seen[..end].to_string();
                self.seen.drain(..end);
                return got;
            }
            let n = self.stream.read(&mut buf).expect("event stream read");
            assert!(n > 0, "event stream closed; got {:?}", self.seen);
            self.seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
}

/// The preview of `root` on port 0.
pub(crate) fn preview(root: &Path, bind: &str, limits: Limits) -> Running {
    backlot::serve::start(&backlot::serve::Options {
        root: root.to_path_buf(),
        overrides: Overrides::default(),
        bind: bind.parse().unwrap(),
        port: 0,
        open: false,
        poll: false,
        limits,
    })
    .unwrap()
}

#[test]
fn http_preview_on_port_zero() {
    let (_dir, root) = copy_fixture(FIXTURE);
    let running = preview(&root, "127.0.0.1", Limits::default());
    let addr = running.addr;
    assert_ne!(addr.port(), 0);
    assert_eq!(running.url, format!("http://{addr}/repo/"));
    let host = format!("127.0.0.1:{}", addr.port());

    let (status, head, body) = request(addr, "GET", "/repo/guide/intro/", &host);
    assert_eq!(status, 200, "{head}");
    assert!(body.contains("Backends answer requests") && body.contains("/__backlot/events"));
    assert!(!head
        .to_ascii_lowercase()
        .contains("access-control-allow-origin"));
    let (status, head, _) = request(addr, "GET", "/", &host);
    assert_eq!(status, 302);
    assert!(
        head.to_ascii_lowercase().contains("location: /repo/"),
        "{head}"
    );
    let (status, _, body) = request(addr, "HEAD", "/repo/", "localhost");
    assert_eq!((status, body.as_str()), (200, ""));
    assert_eq!(request(addr, "POST", "/repo/", &host).0, 405);

    let (status, _, body) = request(addr, "GET", "/repo/no/such/page/", &host);
    assert_eq!(status, 404);
    let clean = clean_build(&root).unwrap();
    let not_found = String::from_utf8(clean["404.html"].clone()).unwrap();
    assert!(body.starts_with(not_found.split("</body>").next().unwrap()));

    for path in [
        "/repo/../site.toml",
        "/repo/%2e%2e/site.toml",
        "/repo/..%2f..%2fsite.toml",
        "/repo/%5c..%5csite.toml",
        "/repo/a%00b",
    ] {
        let status = request(addr, "GET", path, &host).0;
        assert!(status == 400 || status == 404, "{path}: {status}");
    }
    assert_eq!(request(addr, "GET", "/repo/", "attacker.example").0, 403);

    let mut events = Events::open(addr);
    append(&root, "content/guide/intro.md", "\nA new paragraph.\n");
    let ev = events.wait_for("event: reload");
    assert!(
        ev.contains("/repo/guide/intro/index.html") && ev.contains("\"error\":false"),
        "{ev}"
    );
    assert!(request(addr, "GET", "/repo/guide/intro/", &host)
        .2
        .contains("A new paragraph."));

    // A broken edit: the error page replaces the pages, escaped, until the next good save.
    let good = std::fs::read_to_string(root.join("content/guide/intro.md")).unwrap();
    std::fs::write(
        root.join("content/guide/intro.md"),
        good.replacen("title:", "date: <b>\ntitle:", 1),
    )
    .unwrap();
    let ev = events.wait_for("event: reload");
    assert!(ev.contains("\"error\":true"), "{ev}");
    let (status, _, body) = request(addr, "GET", "/repo/guide/details/", &host);
    assert_eq!(status, 500);
    assert!(
        body.contains("content/guide/intro.md:") && body.contains("invalid date"),
        "{body}"
    );
    assert!(!body.contains("<b>"));
    std::fs::write(root.join("content/guide/intro.md"), good).unwrap();
    let ev = events.wait_for("event: reload");
    assert!(ev.contains("\"error\":false"), "{ev}");
    assert_eq!(request(addr, "GET", "/repo/guide/details/", &host).0, 200);
}

#[test]
fn build_watch_keeps_the_output_folder_in_step() {
    let (_dir, root) = copy_fixture(FIXTURE);
    let mut engine = Engine::new(&root, Overrides::default());
    assert!(!engine.rebuild(&Plan::full()).failed());
    backlot::serve::sync_output(&engine, None, true).unwrap();
    let ops = [
        Op::EditBody(2, 3),
        Op::AddSection(7),
        Op::AddPage(1, 9),
        Op::EditTitle(0, 4),
        Op::DeleteSection(0),
        Op::EditStatic(2),
        Op::DeletePage(0),
    ];
    for op in &ops {
        let outcome = engine.rebuild(&plan_for(&apply(&root, op)));
        assert!(!outcome.failed(), "{op:?}: {:?}", outcome.diags);
        backlot::serve::sync_output(&engine, Some(&outcome.changed), outcome.search_changed)
            .unwrap();
        let on_disk = read_tree(&root.join("public"));
        assert!(
            on_disk == clean_build(&root).unwrap(),
            "public/ differs after {op:?}"
        );
        let dirs = walkdir::WalkDir::new(root.join("public"))
            .into_iter()
            .filter_map(Result::ok);
        for d in dirs.filter(|e| e.file_type().is_dir()) {
            assert!(
                std::fs::read_dir(d.path()).unwrap().next().is_some(),
                "empty {:?}",
                d.path()
            );
        }
    }
}

/// The files of an engine's current snapshot.
fn snapshot_files(engine: &Engine) -> BTreeMap<String, Vec<u8>> {
    let merged = engine.snapshot().merged();
    merged.into_iter().map(|(k, v)| (k, v.to_vec())).collect()
}

/// `build` (into its output folder), `build --watch` (its first pass and one rebuild, written
/// to public/) and `serve`'s memory agree byte for byte inside a git repository: all of them
/// take "Last updated" and `<lastmod>` from git, and a commit alone is seen by the watcher.
#[test]
fn build_watch_and_serve_are_byte_identical_in_git() {
    use crate::publish::{commit_all, git};
    let (dir, root) = copy_fixture(FIXTURE);
    git(&root, &["init", "-q"], "2024-02-03T10:00:00Z");
    commit_all(&root, "site", "2024-02-03T10:00:00Z");
    append(&root, "content/guide/intro.md", "\nEdited.\n");
    commit_all(&root, "edit", "2025-05-06T23:30:00+02:00");
    // `backlot build`, into a folder outside the site.
    let built = dir.path().join("built");
    let build = || {
        let overrides = Overrides {
            output: Some(built.clone()),
            ..Overrides::default()
        };
        let (summary, diags) = backlot::pipeline::build(&root, &overrides);
        assert!(summary.is_some(), "{diags:?}");
        read_tree(&built)
    };
    let first = build();
    let sitemap = String::from_utf8(first["sitemap.xml"].clone()).unwrap();
    assert!(
        sitemap.contains("<lastmod>2025-05-06</lastmod>"),
        "{sitemap}"
    );
    assert!(
        sitemap.contains("<lastmod>2024-02-03</lastmod>"),
        "{sitemap}"
    );

    // `build --watch`: the first pass written to the output folder.
    let mut watch = Engine::new(&root, Overrides::default());
    assert!(!watch.rebuild(&Plan::full()).failed());
    backlot::serve::sync_output(&watch, None, true).unwrap();
    assert!(
        read_tree(&root.join("public")) == first,
        "build --watch differs"
    );

    // `serve`: the same site with the preview's address as base_url.
    let origin = "http://127.0.0.1:1111";
    let mut serve = Engine::new(&root, Overrides::default()).with_local_origin(origin);
    assert!(!serve.rebuild(&Plan::full()).failed());
    let overrides = Overrides {
        base_url: Some(format!("{origin}/repo/")),
        ..Overrides::default()
    };
    let mut diags = Diagnostics::default();
    let loaded = backlot::pipeline::load(&root, &overrides, &mut diags).unwrap();
    let sink = MemSink::default();
    loaded.render(&sink, &mut diags);
    assert!(!diags.has_errors(), "{diags:?}");
    assert!(
        snapshot_files(&serve) == sink.files.into_inner().unwrap(),
        "serve differs"
    );

    // One rebuild: a page saved, then committed (the commit alone changes no file of the
    // site, only what git says, so it comes as its own plan, as the watcher makes it).
    append(&root, "content/guide/details.md", "\nMore.\n");
    let saved = plan_for(&["content/guide/details.md".into()]);
    let outcome = watch.rebuild(&saved);
    assert!(!outcome.failed(), "{:?}", outcome.diags);
    backlot::serve::sync_output(&watch, Some(&outcome.changed), outcome.search_changed).unwrap();
    commit_all(&root, "later", "2026-03-04T12:00:00Z");
    let outcome = watch.rebuild(&plan_for(&[".git/refs/heads/main".into()]));
    assert!(!outcome.failed(), "{:?}", outcome.diags);
    assert!(
        !outcome.changed.is_empty(),
        "a commit changes the dates shown"
    );
    backlot::serve::sync_output(&watch, Some(&outcome.changed), outcome.search_changed).unwrap();
    let second = build();
    let sitemap = String::from_utf8(second["sitemap.xml"].clone()).unwrap();
    assert!(
        sitemap.contains("<lastmod>2026-03-04</lastmod>"),
        "{sitemap}"
    );
    assert!(
        snapshot_files(&watch) == second,
        "the rebuild differs from build"
    );
    assert!(
        read_tree(&root.join("public")) == second,
        "public/ differs from build"
    );
}
