//! `check --external` against a real HTTP server on 127.0.0.1, port 0, started by each test:
//! statuses, a redirect chain, a timeout, a retried 429, HEAD refused then GET, the cache and its
//! expiry, the skip list, per-host limits, and the three report formats. Nothing leaves the
//! machine: the skipped addresses are under `.invalid`, which never resolves.

use crate::harness::{backlot, fixture, Fixture, Run};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Counts {
    /// "HEAD /ok" -> requests seen.
    hits: BTreeMap<String, usize>,
    in_flight: usize,
    max_in_flight: usize,
}

/// A thread-per-connection HTTP/1.1 server with a few canned routes.
struct Server {
    base: String,
    counts: Arc<Mutex<Counts>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let counts = Arc::new(Mutex::new(Counts::default()));
        let shared = counts.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let counts = shared.clone();
                std::thread::spawn(move || serve(stream, &counts));
            }
        });
        Server { base, counts }
    }

    fn hits(&self, request: &str) -> usize {
        let counts = self.counts.lock().unwrap();
        counts.hits.get(request).copied().unwrap_or(0)
    }

    fn total_hits(&self) -> usize {
        self.counts.lock().unwrap().hits.values().sum()
    }
}

fn serve(mut stream: TcpStream, counts: &Mutex<Counts>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut first = head.split_whitespace();
    let (method, path) = (first.next().unwrap_or(""), first.next().unwrap_or(""));
    let seen = {
        let mut c = counts.lock().unwrap();
        c.in_flight += 1;
        c.max_in_flight = c.max_in_flight.max(c.in_flight);
        let n = c.hits.entry(format!("{method} {path}")).or_default();
        *n += 1;
        *n
    };
    let (status, extra) = route(method, path, seen);
    counts.lock().unwrap().in_flight -= 1;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n{extra}\r\n"
    );
}

/// The answer to the `seen`-th request for `method path`: (status line, extra headers).
fn route(method: &str, path: &str, seen: usize) -> (&'static str, String) {
    match path {
        "/ok" | "/cached" | "/other" => ("200 OK", String::new()),
        "/missing" => ("404 Not Found", String::new()),
        "/moved" => ("301 Moved Permanently", "Location: /moved-again\r\n".into()),
        "/moved-again" => ("302 Found", "Location: /other\r\n".into()),
        "/loop" => ("302 Found", "Location: /loop\r\n".into()),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(3));
            ("200 OK", String::new())
        }
        "/busy" if seen == 1 => ("429 Too Many Requests", "Retry-After: 1\r\n".into()),
        "/busy" => ("200 OK", String::new()),
        "/no-head" if method == "HEAD" => ("405 Method Not Allowed", String::new()),
        "/no-head" => ("200 OK", String::new()),
        p if p.starts_with("/hold/") => {
            std::thread::sleep(Duration::from_millis(300));
            ("200 OK", String::new())
        }
        _ => ("500 Internal Server Error", String::new()),
    }
}

/// The fixture with content/links.md holding `body` (its first line is file line 6).
fn site_linking(body: &str) -> Fixture {
    let f = fixture("external", "site");
    f.write(
        "content/links.md",
        &format!("---\ntitle: Links\ndescription: Links to the test server.\n---\n\n{body}"),
    );
    f
}

/// `backlot check` with `args`, with no proxy between it and 127.0.0.1.
fn check(f: &Fixture, args: &[&str]) -> Run {
    backlot()
        .arg("check")
        .args(args)
        .arg("--root")
        .arg(&f.root)
        .env("BACKLOT_TODAY", "2026-01-01")
        .env("NO_PROXY", "*")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .output()
        .unwrap()
        .into()
}

#[test]
fn external_links_are_checked_with_redirects_retries_fallbacks_and_a_timeout() {
    let s = Server::start();
    let b = &s.base;
    let f = site_linking(&format!(
        "[gone]({b}/missing) and [fine]({b}/ok#part)\n\
         [moved]({b}/moved) and <{b}/busy>\n\
         [slow]({b}/slow) and ![no head]({b}/no-head)\n\
         [loop]({b}/loop) and [skipped](http://skipped.invalid/x) and [also](http://a.skip.invalid/y)\n\
         [mail](mailto:team@example.com) and [local](_index.md)\n"
    ));
    let plain = check(&f, &[]);
    assert_eq!(plain.code, 0, "not run by default:\n{}", plain.stderr);
    assert_eq!(s.total_hits(), 0);

    let run = check(&f, &["--external"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect();
    assert_eq!(errors.len(), 3, "{}", run.stderr);
    assert_eq!(
        errors[0],
        format!("content/links.md:6:1: error: external link `{b}/missing` answers 404 Not Found [BL0410]")
    );
    assert_eq!(
        errors[1],
        format!("content/links.md:8:1: error: external link `{b}/slow` did not answer within 1 s [BL0410]")
    );
    let looping =
        format!("content/links.md:9:1: error: external link `{b}/loop` could not be reached: ");
    assert!(errors[2].starts_with(&looping), "{}", errors[2]);
    assert!(errors[2].contains("too many redirects"), "{}", errors[2]);
    assert!(run
        .stderr
        .contains("help: if the host is only slow, raise [links] external_timeout"));
    assert!(
        run.stderr
            .contains("9 external links: 7 asked, 0 cached, 2 skipped"),
        "{}",
        run.stderr
    );
    assert_eq!(
        s.hits("HEAD /ok"),
        1,
        "the fragment is not part of the request"
    );
    assert_eq!(s.hits("GET /ok"), 0);
    let chain = ["HEAD /moved", "HEAD /moved-again", "HEAD /other"].map(|r| s.hits(r));
    assert_eq!(chain, [1, 1, 1], "the redirect chain is followed");
    assert_eq!(s.hits("HEAD /busy"), 2, "429 is retried after Retry-After");
    assert_eq!((s.hits("HEAD /no-head"), s.hits("GET /no-head")), (1, 1));
    assert_eq!(s.hits("HEAD /slow"), 1, "a timeout is not retried");
    assert_eq!(
        s.hits("GET /missing"),
        1,
        "a 404 on HEAD is confirmed by GET"
    );
}

#[test]
fn the_cache_saves_requests_until_its_entries_expire() {
    let s = Server::start();
    let b = &s.base;
    let f = site_linking(&format!("[a]({b}/cached) and [b]({b}/missing)\n"));
    let first = check(&f, &["--external"]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    let cache_file = f.root.join(".backlot-cache/external-links.json");
    let cache = std::fs::read_to_string(&cache_file).unwrap();
    assert!(cache.contains(&format!("{b}/cached")), "{cache}");
    assert!(
        !cache.contains("/missing"),
        "broken links are asked again: {cache}"
    );

    let second = check(&f, &["--external"]);
    assert!(
        second
            .stderr
            .contains("2 external links: 1 asked, 1 cached, 0 skipped"),
        "{}",
        second.stderr
    );
    assert_eq!(s.hits("HEAD /cached"), 1, "the cached answer is used");
    assert_eq!(s.hits("HEAD /missing"), 2, "the broken one is asked again");

    let mut expired: serde_json::Value = serde_json::from_str(&cache).unwrap();
    for at in expired["ok"].as_object_mut().unwrap().values_mut() {
        *at = serde_json::json!(at.as_u64().unwrap() - 25 * 3600);
    }
    std::fs::write(&cache_file, expired.to_string()).unwrap();
    let third = check(&f, &["--external"]);
    assert!(
        third.stderr.contains("2 external links: 2 asked, 0 cached"),
        "{}",
        third.stderr
    );
    assert_eq!(s.hits("HEAD /cached"), 2, "an expired entry is asked again");

    let toml = std::fs::read_to_string(f.root.join("site.toml")).unwrap();
    let off = toml.replace(
        "external_timeout = 1",
        "external_timeout = 1\nexternal_cache_hours = 0",
    );
    std::fs::write(f.root.join("site.toml"), off).unwrap();
    check(&f, &["--external"]);
    check(&f, &["--external"]);
    assert_eq!(
        s.hits("HEAD /cached"),
        4,
        "`external_cache_hours = 0` turns the cache off"
    );
}

#[test]
fn external_results_come_in_every_report_format() {
    let s = Server::start();
    let b = &s.base;
    let f = site_linking(&format!("See [gone]({b}/missing).\n"));
    let github = check(&f, &["--external", "--format", "github"]);
    assert_eq!(github.code, 1);
    assert!(
        github.stdout.contains(&format!(
            "::error file=content/links.md,line=6,col=5,title=backlot BL0410%3A external link is broken::external link `{b}/missing` answers 404 Not Found%0Ahelp: "
        )),
        "{}",
        github.stdout
    );
    let json = check(&f, &["--external", "--format", "json"]);
    assert_eq!(json.code, 1);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["ok"], false);
    assert_eq!(value["errors"], 1);
    let d = &value["diagnostics"][0];
    assert_eq!(
        (d["path"].as_str(), d["line"].as_u64(), d["col"].as_u64()),
        (Some("content/links.md"), Some(6), Some(5))
    );
    assert_eq!(
        d["message"],
        format!("external link `{b}/missing` answers 404 Not Found")
    );
    assert!(value["summary"]["note"]
        .as_str()
        .unwrap()
        .contains("1 external link: 1 asked"));
}

#[test]
fn requests_to_one_host_are_limited_and_working_links_pass() {
    let s = Server::start();
    let b = &s.base;
    let body: String = (0..6).map(|i| format!("[{i}]({b}/hold/{i})\n")).collect();
    let f = site_linking(&body);
    let run = check(&f, &["--external"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("6 external links: 6 asked"),
        "{}",
        run.stdout
    );
    assert_eq!(
        s.counts.lock().unwrap().max_in_flight,
        2,
        "two at a time to one host, and concurrent"
    );
}
