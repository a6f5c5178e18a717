//! The preview's HTTP side (tiny_http): the site served from memory at base_url's path, the
//! live-reload event stream (Server-Sent Events), the error page, and the safety rules: GET and
//! HEAD only, Host checked against the bound address (DNS rebinding), paths never leaving the
//! in-memory site, no CORS headers.

use super::incremental::{Bytes, Snapshot};
use crate::diag::Diagnostics;
use crate::highlight::escape_html;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use tiny_http::{Header, Method, Request, Response};

/// Where the browser listens for reload events.
pub const EVENTS_PATH: &str = "/__backlot/events";

/// What is being served right now.
#[derive(Clone, Default)]
pub struct Served {
    /// The last good site.
    pub snapshot: Arc<Snapshot>,
    /// The error page of the last rebuild, when it failed.
    pub error: Option<Arc<String>>,
    /// base_url's path, "/repo/".
    pub base_path: String,
}

/// State shared by the HTTP workers and the rebuild loop.
pub struct Shared {
    pub served: RwLock<Served>,
    clients: Mutex<Vec<Box<dyn Write + Send>>>,
    /// Host names a request may carry: localhost and the bound address.
    hosts: Vec<String>,
}

impl Shared {
    pub fn new(bind: &SocketAddr) -> Shared {
        let ip = match bind.ip() {
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
            v4 => v4.to_string(),
        };
        Shared {
            served: RwLock::new(Served::default()),
            clients: Mutex::new(Vec::new()),
            hosts: vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into(), ip],
        }
    }

    pub fn set(&self, served: Served) {
        *self.served.write().unwrap_or_else(|e| e.into_inner()) = served;
    }

    fn current(&self) -> Served {
        self.served
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Tells every open page what changed; pages decide whether to reload. Called only once the
    /// new snapshot is in place.
    pub fn broadcast(&self, changed: &[String], error: bool) {
        let base = self.current().base_path;
        let urls: Vec<String> = changed.iter().map(|p| format!("{base}{p}")).collect();
        let data = serde_json::json!({ "changed": urls, "error": error });
        self.send(&format!("event: reload\ndata: {data}\n\n"));
    }

    /// A comment line: keeps proxies quiet and drops connections that went away.
    pub fn ping(&self) {
        self.send(": ping\n\n");
    }

    fn send(&self, message: &str) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain_mut(|c| {
            c.write_all(message.as_bytes())
                .and_then(|_| c.flush())
                .is_ok()
        });
    }

    pub fn client_count(&self) -> usize {
        self.clients.lock().map(|c| c.len()).unwrap_or(0)
    }
}

/// A reply computed without touching the network, so routing is testable on its own.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Bytes,
    pub location: Option<String>,
    /// HTML gets the live-reload script.
    pub inject: bool,
}

impl Reply {
    fn text(status: u16, body: &str) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: Arc::new(body.as_bytes().to_vec()),
            location: None,
            inject: false,
        }
    }

    fn redirect(status: u16, to: String) -> Reply {
        Reply {
            location: Some(to),
            ..Reply::text(status, "moved")
        }
    }
}

/// The host name of a Host header, without the port, lower-cased.
fn host_name(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    if host.starts_with('[') {
        return host
            .split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or(host);
    }
    host.rsplit_once(':')
        .map_or(host.clone(), |(h, _)| h.to_string())
}

/// Decodes a request path; `None` for anything that could name something outside the site:
/// `..`, encoded dots, slashes, backslashes or NUL, invalid UTF-8.
pub fn clean_path(raw: &str) -> Option<String> {
    let path = raw.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') || path.contains(['\\', '\0']) {
        return None;
    }
    let lower = path.to_ascii_lowercase();
    if ["%2e", "%2f", "%5c", "%00"]
        .iter()
        .any(|e| lower.contains(e))
    {
        return None;
    }
    let decoded = crate::links::percent_decode(path);
    if decoded.contains(['\\', '\0']) || decoded.split('/').any(|s| s == ".." || s == ".") {
        return None;
    }
    Some(decoded)
}

/// Routes one GET or HEAD request.
pub fn route(
    served: &Served,
    method: &str,
    url: &str,
    host: Option<&str>,
    hosts: &[String],
) -> Reply {
    if method != "GET" && method != "HEAD" {
        return Reply::text(405, "only GET and HEAD are served\n");
    }
    match host.map(host_name) {
        Some(h) if hosts.contains(&h) => {}
        _ => {
            return Reply::text(
                403,
                "this preview answers only to localhost and its own address\n",
            )
        }
    }
    let Some(path) = clean_path(url) else {
        return Reply::text(400, "bad path\n");
    };
    let base = served.base_path.as_str();
    if base != "/" && (path == "/" || path == base.trim_end_matches('/')) {
        return Reply::redirect(302, base.to_string());
    }
    let found = path.strip_prefix(base).map(|rest| {
        let file = if rest.is_empty() || rest.ends_with('/') {
            format!("{rest}index.html")
        } else {
            rest.to_string()
        };
        (rest.to_string(), file)
    });
    let snap = &served.snapshot;
    match found {
        Some((rest, file)) => match snap.get(&file) {
            Some(_) if served.error.is_some() && file.ends_with(".html") => error_reply(served),
            Some(body) => Reply {
                status: 200,
                content_type: content_type(&file),
                body: body.clone(),
                location: None,
                inject: file.ends_with(".html"),
            },
            None if !rest.is_empty() && snap.get(&format!("{rest}/index.html")).is_some() => {
                Reply::redirect(301, format!("{path}/"))
            }
            None => not_found(served),
        },
        None => not_found(served),
    }
}

fn not_found(served: &Served) -> Reply {
    if served.error.is_some() {
        return error_reply(served);
    }
    match served.snapshot.get("404.html") {
        Some(body) => Reply {
            status: 404,
            content_type: "text/html; charset=utf-8",
            body: body.clone(),
            location: None,
            inject: true,
        },
        None => Reply::text(404, "not found\n"),
    }
}

fn error_reply(served: &Served) -> Reply {
    let page = served.error.clone().unwrap_or_default();
    Reply {
        status: 500,
        content_type: "text/html; charset=utf-8",
        body: Arc::new(page.as_bytes().to_vec()),
        location: None,
        inject: true,
    }
}

pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The page shown instead of the site while the last rebuild failed. Every value is escaped.
pub fn error_page(diags: &Diagnostics) -> String {
    let mut items = String::new();
    for d in diags.iter() {
        let kind = if d.is_error() { "error" } else { "warning" };
        items.push_str(&format!(
            "<li class=\"{kind}\"><code>{}:{}:{}</code> <strong>{kind}</strong>: {}",
            escape_html(&d.path),
            d.line,
            d.col,
            escape_html(&d.message)
        ));
        if let Some(help) = &d.help {
            items.push_str(&format!(
                "<br><span class=\"help\">help: {}</span>",
                escape_html(help)
            ));
        }
        items.push_str("</li>\n");
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\" data-backlot-error>\n<head>\n<meta charset=\"utf-8\">\n<title>Build failed · backlot</title>\n<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;background:#fff}}li{{margin:.6rem 0}}code{{background:#f1f1f1;padding:.1rem .3rem}}.error strong{{color:#b00020}}.warning strong{{color:#8a5a00}}.help{{color:#444}}@media(prefers-color-scheme:dark){{body{{color:#eee;background:#161616}}code{{background:#2a2a2a}}.help{{color:#bbb}}.error strong{{color:#ff7b8a}}}}</style>\n</head>\n<body>\n<h1>The site did not build</h1>\n<p>{}, {}. Fix them and save: this page reloads by itself.</p>\n<ul>\n{items}</ul>\n</body>\n</html>\n",
        crate::diag::plural(diags.error_count(), "error"),
        crate::diag::plural(diags.warning_count(), "warning")
    )
}

/// The live-reload client: reloads the page only when its own output changed (or the build
/// failed or recovered), swaps changed stylesheets in place.
pub const RELOAD_SCRIPT: &str = r#"<script>(function(){
var es=new EventSource("/__backlot/events");
es.addEventListener("reload",function(e){
var m=JSON.parse(e.data),here=location.pathname,me=here.endsWith("/")?here+"index.html":here;
if(m.error||document.documentElement.hasAttribute("data-backlot-error")){location.reload();return;}
var again=false;
m.changed.forEach(function(p){
if(p===me){again=true;}
else if(/\.css$/.test(p)){document.querySelectorAll('link[rel="stylesheet"]').forEach(function(l){
if(new URL(l.href,location.href).pathname===p){var n=l.cloneNode();n.href=p+"?t="+Date.now();n.onload=function(){l.remove();};l.after(n);}});}
else if(/\.(js|png|jpe?g|gif|svg|webp)$/.test(p)){again=true;}
});
if(again){location.reload();}
});
})();</script>
"#;

/// Adds the reload script before `</body>` (or at the end).
pub fn inject(html: &[u8]) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + RELOAD_SCRIPT.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(RELOAD_SCRIPT.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

/// Answers one request; the event stream keeps its connection for later broadcasts.
pub fn handle(shared: &Shared, request: Request) {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    let method = request.method().as_str().to_string();
    let served = shared.current();
    let url = request.url().to_string();
    if url.split('?').next() == Some(EVENTS_PATH) && *request.method() == Method::Get {
        let allowed = host
            .as_deref()
            .map(host_name)
            .is_some_and(|h| shared.hosts.contains(&h));
        if allowed {
            return subscribe(shared, request);
        }
    }
    let reply = route(&served, &method, &url, host.as_deref(), &shared.hosts);
    let body = if reply.inject {
        inject(&reply.body)
    } else {
        reply.body.to_vec()
    };
    let mut response = Response::from_data(body)
        .with_status_code(reply.status)
        .with_header(header("Content-Type", reply.content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    if let Some(to) = &reply.location {
        response = response.with_header(header("Location", to));
    }
    if reply.status == 405 {
        response = response.with_header(header("Allow", "GET, HEAD"));
    }
    let _ = request.respond(response);
}

/// Starts an event stream. tiny_http buffers chunked bodies, so the stream is written on the
/// raw connection: headers now, then one flushed message per rebuild, until the page closes.
fn subscribe(shared: &Shared, request: Request) {
    let mut w = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 500\n: connected\n\n";
    if w.write_all(head.as_bytes()).and_then(|_| w.flush()).is_ok() {
        shared
            .clients
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served() -> Served {
        let mut snap = Snapshot::default();
        for (p, b) in [
            ("index.html", "<html><body>home</body></html>"),
            ("a/index.html", "<html><body>a</body></html>"),
            ("404.html", "<html><body>missing</body></html>"),
            ("theme.css", "body{}"),
        ] {
            snap.pages.insert(p.into(), Arc::new(b.as_bytes().to_vec()));
        }
        Served {
            snapshot: Arc::new(snap),
            error: None,
            base_path: "/repo/".into(),
        }
    }

    fn hosts() -> Vec<String> {
        vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into()]
    }

    fn get(s: &Served, url: &str) -> Reply {
        route(s, "GET", url, Some("127.0.0.1:1111"), &hosts())
    }

    #[test]
    fn routes() {
        let s = served();
        assert_eq!(get(&s, "/repo/").status, 200);
        assert_eq!(get(&s, "/repo/a/").status, 200);
        assert_eq!(get(&s, "/repo/a/?x=1").status, 200);
        assert_eq!(
            get(&s, "/repo/theme.css").content_type,
            "text/css; charset=utf-8"
        );
        let r = get(&s, "/");
        assert_eq!((r.status, r.location.as_deref()), (302, Some("/repo/")));
        assert_eq!(get(&s, "/repo").status, 302);
        assert_eq!(get(&s, "/repo/a").location.as_deref(), Some("/repo/a/"));
        let r = get(&s, "/repo/nope/");
        assert_eq!(r.status, 404);
        assert_eq!(&r.body[..], b"<html><body>missing</body></html>");
        assert_eq!(get(&s, "/other/").status, 404);
    }

    #[test]
    fn traversal_never_leaves_the_site() {
        let s = served();
        for url in [
            "/repo/../etc/passwd",
            "/repo/%2e%2e/etc/passwd",
            "/repo/%2E%2E%2Fetc",
            "/repo/a%2findex.html",
            "/repo/..%5c..%5cwin.ini",
            "/repo/a\\b",
            "/repo/a%00",
            "/repo/./a/",
            "repo/a/",
        ] {
            let status = get(&s, url).status;
            assert!(status == 400 || status == 404, "{url}: {status}");
        }
    }

    #[test]
    fn methods_and_hosts() {
        let s = served();
        assert_eq!(
            route(&s, "POST", "/repo/", Some("localhost"), &hosts()).status,
            405
        );
        assert_eq!(
            route(&s, "HEAD", "/repo/", Some("localhost:1111"), &hosts()).status,
            200
        );
        assert_eq!(
            route(&s, "GET", "/repo/", Some("evil.example:1111"), &hosts()).status,
            403
        );
        assert_eq!(route(&s, "GET", "/repo/", None, &hosts()).status, 403);
        assert_eq!(
            route(&s, "GET", "/repo/", Some("[::1]:80"), &hosts()).status,
            200
        );
        assert_eq!(host_name("LocalHost:1111"), "localhost");
    }

    #[test]
    fn error_page_replaces_pages_and_is_escaped() {
        let mut s = served();
        let mut diags = Diagnostics::default();
        diags.push(
            crate::diag::Diagnostic::error("content/<a>.md", 3, 1, "bad <script>")
                .with_help("x & y"),
        );
        s.error = Some(Arc::new(error_page(&diags)));
        let r = get(&s, "/repo/a/");
        assert_eq!(r.status, 500);
        let body = String::from_utf8(r.body.to_vec()).unwrap();
        assert!(body.contains("content/&lt;a&gt;.md:3:1"), "{body}");
        assert!(body.contains("bad &lt;script&gt;") && body.contains("x &amp; y"));
        assert_eq!(get(&s, "/repo/theme.css").status, 200);
        assert_eq!(get(&s, "/repo/missing/").status, 500);
    }

    #[test]
    fn script_goes_before_body_end() {
        let out = String::from_utf8(inject(b"<html><body>x</BODY></html>")).unwrap();
        assert!(out.starts_with("<html><body>x<script>"));
        assert!(out.ends_with("</script>\n</BODY></html>"));
    }
}
