//! HTTP transcripts as pages show them: request and status lines, headers, a blank line, a body;
//! one block may hold a request and its response.

/// Which side of the exchange a message is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    Request { method: String, path: String },
    Response { status: String },
}

/// One message of a transcript; offsets are bytes into the block's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message<'a> {
    pub(crate) kind: Kind,
    pub(crate) headers: Vec<(&'a str, &'a str)>,
    /// The body, trimmed, and where it starts; empty when the message has none.
    pub(crate) body: &'a str,
    pub(crate) body_offset: usize,
    /// Where the start line is.
    pub(crate) offset: usize,
}

impl Message<'_> {
    /// A header's value, its name matched without regard to case.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

/// `GET /orders/1 HTTP/1.1` or `HTTP/1.1 404 Not Found`.
fn start_line(line: &str) -> Option<Kind> {
    let mut words = line.split_whitespace();
    let first = words.next()?;
    if first.starts_with("HTTP/") {
        let status = words.next()?;
        return (status.len() == 3 && status.bytes().all(|b| b.is_ascii_digit())).then(|| {
            Kind::Response {
                status: status.to_string(),
            }
        });
    }
    let path = words.next()?;
    let version = words.next()?;
    (first.bytes().all(|b| b.is_ascii_uppercase()) && version.starts_with("HTTP/")).then(|| {
        Kind::Request {
            method: first.to_string(),
            path: path.to_string(),
        }
    })
}

/// The messages of a transcript, in order; text before the first start line is ignored.
pub(crate) fn parse(code: &str) -> Vec<Message<'_>> {
    let mut lines = Vec::new();
    let mut at = 0;
    for line in code.split_inclusive('\n') {
        lines.push((at, line.trim_end_matches(['\n', '\r'])));
        at += line.len();
    }
    let mut messages = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(kind) = start_line(lines[i].1) else {
            i += 1;
            continue;
        };
        let offset = lines[i].0;
        i += 1;
        let mut headers = Vec::new();
        while i < lines.len() && !lines[i].1.trim().is_empty() {
            if let Some((name, value)) = lines[i].1.split_once(':') {
                headers.push((name.trim(), value.trim()));
            }
            i += 1;
        }
        let body_start = lines.get(i).map_or(code.len(), |l| l.0);
        while i < lines.len() && start_line(lines[i].1).is_none() {
            i += 1;
        }
        let body_end = lines.get(i).map_or(code.len(), |l| l.0);
        let raw = &code[body_start..body_end];
        let body = raw.trim();
        let body_offset = body_start + (raw.len() - raw.trim_start().len());
        messages.push(Message {
            kind,
            headers,
            body,
            body_offset,
            offset,
        });
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_response_in_one_block() {
        let code = "POST /orders HTTP/1.1\nContent-Type: application/json\n\n{\"a\": 1}\n\nHTTP/1.1 201 Created\nLocation: /orders/1\n";
        let m = parse(code);
        assert_eq!(m.len(), 2);
        assert_eq!(
            m[0].kind,
            Kind::Request {
                method: "POST".into(),
                path: "/orders".into()
            }
        );
        assert_eq!(m[0].body, "{\"a\": 1}");
        assert_eq!(&code[m[0].body_offset..m[0].body_offset + 1], "{");
        assert_eq!(
            m[1].kind,
            Kind::Response {
                status: "201".into()
            }
        );
        assert_eq!(m[1].header("location"), Some("/orders/1"));
        assert_eq!(m[1].body, "");
    }

    #[test]
    fn prose_lines_are_not_start_lines() {
        assert_eq!(start_line("Host: example.com"), None);
        assert_eq!(start_line("GET the order HTTP"), None);
        assert!(start_line("HTTP/2 200").is_some());
    }
}
