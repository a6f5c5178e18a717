//! The preview's HTTP rules, as pure functions of a request (the transport is `server.rs`): the
//! site served from memory at base_url's path, the error page, the live-reload script, and the
//! safety rules: GET and HEAD only, no request bodies, a bounded URL, the Host header checked
//! (DNS rebinding; see `Hosts`), paths never leaving the in-memory site, no CORS headers.

use super::incremental::{Bytes, Snapshot};
use crate::diag::Diagnostics;
use crate::highlight::escape_html;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

/// Where the browser listens for reload events.
pub(crate) const EVENTS_PATH: &str = "/__backlot/events";

/// The longest request target answered; longer ones get 414.
pub(crate) const MAX_URL: usize = 8 * 1024;

/// What is being served right now.
#[derive(Clone, Default)]
pub struct Served {
    /// The last good site.
    pub snapshot: Arc<Snapshot>,
    /// The error page of the last rebuild, when it failed.
    pub(crate) error: Option<Arc<String>>,
    /// base_url's path, "/repo/".
    pub(crate) base_path: String,
}

/// The Host headers a request may carry (DNS rebinding: a web page on another origin that
/// resolves its own name to this machine sends that name, and is refused).
///
/// A loopback bind answers only `localhost` and the loopback and bound addresses. A bind that
/// other devices can reach also answers the machine's host name (`name`, `name.local`), and a
/// wildcard bind (`0.0.0.0`, `::`) any IP literal, since the machine's addresses are not known
/// in advance; a browser only sends an IP literal for a page loaded from that IP, so rebinding
/// cannot produce one.
#[derive(Debug, Clone)]
pub(crate) struct Hosts {
    names: Vec<String>,
    any_ip: bool,
}

impl Hosts {
    pub(crate) fn for_bind(bind: IpAddr, hostname: &str) -> Hosts {
        let mut names = vec![
            "localhost".to_string(),
            "127.0.0.1".into(),
            "[::1]".into(),
            ip_host(bind),
        ];
        if !bind.is_loopback() {
            let name = hostname.trim_end_matches('.').to_ascii_lowercase();
            if !name.is_empty() {
                let short = name.split('.').next().unwrap_or_default().to_string();
                names.extend([format!("{short}.local"), short, name]);
            }
        }
        Hosts {
            names,
            any_ip: bind.is_unspecified(),
        }
    }

    /// Whether a Host header (port included or not) is one this preview answers to.
    pub(crate) fn allows(&self, host: &str) -> bool {
        let name = host_name(host);
        self.names.contains(&name) || (self.any_ip && is_ip_literal(&name))
    }
}

/// An address as it appears in a Host header.
fn ip_host(ip: IpAddr) -> String {
    match ip {
        IpAddr::V6(v6) => format!("[{v6}]"),
        v4 => v4.to_string(),
    }
}

fn is_ip_literal(name: &str) -> bool {
    match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        Some(v6) => v6.parse::<Ipv6Addr>().is_ok(),
        None => name.parse::<Ipv4Addr>().is_ok(),
    }
}

/// A reply computed without touching the network, so routing is testable on its own.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: Bytes,
    pub(crate) location: Option<String>,
    /// HTML gets the live-reload script.
    pub(crate) inject: bool,
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
pub(crate) fn clean_path(raw: &str) -> Option<String> {
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

/// Refuses what no route may see: a request target over `MAX_URL` (414) and a request that
/// announces a body (413; nothing here takes one, and it is never read).
pub(crate) fn refuse(url: &str, announces_body: bool) -> Option<Reply> {
    if url.len() > MAX_URL {
        return Some(Reply::text(414, "the URL is too long\n"));
    }
    announces_body.then(|| Reply::text(413, "this preview takes no request bodies\n"))
}

/// Characters a path in a Location header must not carry as they are (non-ASCII is always
/// encoded): those of the WHATWG path percent-encode set, and `%` since the path is decoded.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|');

/// A decoded path as a header-safe URL path: `/café/` becomes `/caf%C3%A9/`.
pub(crate) fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

/// Routes one GET or HEAD request.
pub(crate) fn route(
    served: &Served,
    method: &str,
    url: &str,
    host: Option<&str>,
    hosts: &Hosts,
) -> Reply {
    if method != "GET" && method != "HEAD" {
        return Reply::text(405, "only GET and HEAD are served\n");
    }
    if !host.is_some_and(|h| hosts.allows(h)) {
        return Reply::text(
            403,
            "this preview answers only to localhost and its own addresses\n",
        );
    }
    let Some(path) = clean_path(url) else {
        return Reply::text(400, "bad path\n");
    };
    let base = served.base_path.as_str();
    if base != "/" && (path == "/" || path == base.trim_end_matches('/')) {
        return Reply::redirect(302, encode_path(base));
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
                Reply::redirect(301, encode_path(&format!("{path}/")))
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

pub(crate) fn content_type(path: &str) -> &'static str {
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
pub(crate) fn error_page(diags: &Diagnostics) -> String {
    let mut items = String::new();
    for d in diags.iter() {
        let kind = if d.is_error() { "error" } else { "warning" };
        items.push_str(&format!(
            "<li class=\"{kind}\"><code>{}:{}:{}</code> <strong>{kind}</strong>: {} <code>[{}]</code>",
            escape_html(&d.path),
            d.line,
            d.col,
            escape_html(&d.message),
            d.code.id()
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
/// failed or recovered, or the server cannot tell), swaps changed stylesheets in place. The
/// stream starts from `version`, the event id the page was rendered at (see `reload.rs`).
pub(crate) fn reload_script(version: &str) -> String {
    const SCRIPT: &str = r#"<script>(function(){
var es=new EventSource("/__backlot/events?since=VERSION");
es.addEventListener("reload",function(e){
var m=JSON.parse(e.data),here=location.pathname,me=here.endsWith("/")?here+"index.html":here;
if(m.all||m.error||document.documentElement.hasAttribute("data-backlot-error")){location.reload();return;}
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
    // Ids are `<hex>-<digits>`: nothing to escape.
    SCRIPT.replace("VERSION", version)
}

/// Adds the reload script before `</body>` (or at the end).
pub(crate) fn inject(html: &[u8], version: &str) -> Vec<u8> {
    let script = reload_script(version);
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
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
            snap.insert(p, Arc::new(b.as_bytes().to_vec()));
        }
        Served {
            snapshot: Arc::new(snap),
            error: None,
            base_path: "/repo/".into(),
        }
    }

    fn hosts() -> Hosts {
        Hosts::for_bind(IpAddr::V4(Ipv4Addr::LOCALHOST), "box")
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
    fn wildcard_binds_answer_ip_literals_and_the_host_name() {
        let loopback = hosts();
        let any = Hosts::for_bind("0.0.0.0".parse().unwrap(), "Box.lan");
        let lan = Hosts::for_bind("192.168.1.5".parse().unwrap(), "box");
        for (host, on_loopback, on_any, on_lan) in [
            ("127.0.0.1:1111", true, true, true),
            ("192.168.1.5:1111", false, true, true),
            ("10.0.0.7", false, true, false),
            ("[fe80::1]:1111", false, true, false),
            ("box:1111", false, true, true),
            ("box.local", false, true, true),
            ("BOX.LAN:1111", false, true, false),
            ("evil.example", false, false, false),
            ("127.0.0.1.evil.example", false, false, false),
            ("[not-an-ip]", false, false, false),
        ] {
            assert_eq!(loopback.allows(host), on_loopback, "loopback {host}");
            assert_eq!(any.allows(host), on_any, "0.0.0.0 {host}");
            assert_eq!(lan.allows(host), on_lan, "192.168.1.5 {host}");
        }
    }

    #[test]
    fn bodies_and_long_urls_are_refused() {
        assert_eq!(refuse("/repo/", true).map(|r| r.status), Some(413));
        let long = format!("/repo/{}", "a".repeat(MAX_URL));
        assert_eq!(refuse(&long, false).map(|r| r.status), Some(414));
        assert!(refuse("/repo/", false).is_none());
    }

    #[test]
    fn redirects_are_percent_encoded() {
        let mut s = served();
        let snap = Arc::make_mut(&mut s.snapshot);
        for p in ["café/index.html", "a b%/index.html"] {
            snap.insert(p, Arc::new(b"<html></html>".to_vec()));
        }
        let r = get(&s, "/repo/caf%C3%A9");
        assert_eq!(
            (r.status, r.location.as_deref()),
            (301, Some("/repo/caf%C3%A9/"))
        );
        let r = get(&s, "/repo/a%20b%25");
        assert_eq!(r.location.as_deref(), Some("/repo/a%20b%25/"));
    }

    #[test]
    fn error_page_replaces_pages_and_is_escaped() {
        let mut s = served();
        let mut diags = Diagnostics::default();
        diags.push(
            crate::diag::Diagnostic::error(
                crate::diag::Code::InternalError,
                "content/<a>.md",
                3,
                1,
                "bad <script>",
            )
            .with_help("x & y"),
        );
        s.error = Some(Arc::new(error_page(&diags)));
        let r = get(&s, "/repo/a/");
        assert_eq!(r.status, 500);
        let body = String::from_utf8(r.body.to_vec()).unwrap();
        assert!(body.contains("content/&lt;a&gt;.md:3:1"), "{body}");
        assert!(
            body.contains("bad &lt;script&gt; <code>[BL0001]</code>") && body.contains("x &amp; y")
        );
        assert_eq!(get(&s, "/repo/theme.css").status, 200);
        assert_eq!(get(&s, "/repo/missing/").status, 500);
    }

    #[test]
    fn script_goes_before_body_end() {
        let out = String::from_utf8(inject(b"<html><body>x</BODY></html>", "ab-3")).unwrap();
        assert!(out.starts_with("<html><body>x<script>"));
        assert!(out.contains("/__backlot/events?since=ab-3\""), "{out}");
        assert!(out.ends_with("</script>\n</BODY></html>"));
    }
}
