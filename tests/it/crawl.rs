//! A crawler over a built site, served as GitHub Pages would serve it under a base path: every
//! internal href and src must resolve to a file of the output, and every page must be reachable
//! from the home page.

use std::collections::{BTreeSet, VecDeque};
use std::path::Path;

/// Problems found crawling `public` as if published at `base_path` (e.g. "/repo/"). Empty means
/// the output is relocatable: it works under that path and nothing is orphaned.
pub fn crawl(public: &Path, base_path: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue = VecDeque::from([base_path.to_string()]);
    while let Some(url) = queue.pop_front() {
        let Some(file) = serve(public, base_path, &url) else {
            problems.push(format!("the home page {url} is not served"));
            continue;
        };
        if !seen.insert(file.clone()) || !file.ends_with(".html") {
            continue;
        }
        let html = std::fs::read_to_string(public.join(&file)).unwrap();
        for link in attribute_values(&html) {
            let Some(target) = internal(&url, &link) else {
                continue;
            };
            if !target.starts_with(base_path) {
                problems.push(format!(
                    "{file}: `{link}` is outside the base path {base_path}"
                ));
                continue;
            }
            match serve(public, base_path, &target) {
                Some(f) => {
                    if let Some(frag) = target.split_once('#').map(|(_, f)| f) {
                        if !frag.is_empty()
                            && f.ends_with(".html")
                            && !has_id(&public.join(&f), frag)
                        {
                            problems.push(format!("{file}: `{link}`: no id `{frag}` in {f}"));
                        }
                    }
                    if f.ends_with(".html") && !seen.contains(&f) {
                        queue.push_back(target);
                    }
                }
                None => problems.push(format!("{file}: `{link}` does not resolve to a file")),
            }
        }
    }
    for page in html_pages(public) {
        if !seen.contains(&page) && !is_redirect(&public.join(&page)) {
            problems.push(format!("{page} is not reachable from the home page"));
        }
    }
    problems
}

/// The file GitHub Pages answers `url` with: a folder's index.html (also for a folder named
/// without its trailing slash, which Pages redirects), `x.html` for `x`, or the file itself.
fn serve(public: &Path, base_path: &str, url: &str) -> Option<String> {
    let path = url.strip_prefix(base_path)?;
    let path = percent_decode(path.split(['#', '?']).next().unwrap_or(""));
    let candidates = if path.is_empty() || path.ends_with('/') {
        vec![format!("{path}index.html")]
    } else {
        vec![
            path.clone(),
            format!("{path}.html"),
            format!("{path}/index.html"),
        ]
    };
    candidates.into_iter().find(|c| public.join(c).is_file())
}

/// The absolute URL path an href/src names, or `None` for other sites, mailto: and the like.
fn internal(page_url: &str, link: &str) -> Option<String> {
    let scheme = link
        .find(':')
        .is_some_and(|i| !link[..i].contains(['/', '#', '?']));
    if link.starts_with("//") || scheme {
        return None;
    }
    if link.starts_with('/') {
        return Some(link.to_string());
    }
    if link.starts_with('#') || link.is_empty() {
        return Some(format!("{}{link}", page_url.split('#').next().unwrap()));
    }
    let dir = &page_url[..page_url.rfind('/').unwrap() + 1];
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in link.split('/') {
        match seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if link.ends_with('/') && !out.ends_with('/') {
        out.push('/');
    }
    Some(out)
}

/// Every href, src, poster and srcset URL, entity-decoded.
fn attribute_values(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\"", " poster=\"", " srcset=\""] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                let value = rest[..end].replace("&amp;", "&").replace("&#x2F;", "/");
                if attr == " srcset=\"" {
                    out.extend(
                        value
                            .split(',')
                            .filter_map(|c| c.split_whitespace().next())
                            .map(String::from),
                    );
                } else {
                    out.push(value);
                }
            }
        }
    }
    out
}

fn html_pages(public: &Path) -> Vec<String> {
    walkdir::WalkDir::new(public)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file() && e.file_name() == "index.html")
        .map(|e| {
            e.path()
                .strip_prefix(public)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

fn has_id(file: &Path, id: &str) -> bool {
    let id = percent_decode(id);
    std::fs::read_to_string(file).is_ok_and(|h| {
        h.contains(&format!(" id=\"{id}\"")) || h.contains(&format!("<a name=\"{id}\""))
    })
}

/// Alias pages only redirect to a page; nothing needs to link to them.
fn is_redirect(file: &Path) -> bool {
    std::fs::read_to_string(file).is_ok_and(|h| h.contains("http-equiv=\"refresh\""))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
