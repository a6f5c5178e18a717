//! Link arithmetic: splitting a link into path and fragment, joining relative paths lexically
//! and refusing any that climb above the site root. Pure functions, fuzzed and property-tested.

/// "a.md?x=1#frag" -> ("a.md", Some("frag")). The query is dropped: files have none.
pub fn split_dest(dest: &str) -> (&str, Option<&str>) {
    let (before, frag) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let path = before.split_once('?').map_or(before, |(p, _)| p);
    (path, frag)
}

/// Joins `rel` onto the folder `base_dir` (both `/`-separated, relative to the site root) and
/// normalises `.` and `..`. Err when the result would leave the site root.
pub fn join(base_dir: &str, rel: &str) -> Result<String, &'static str> {
    if rel.contains('\\') {
        return Err("links use `/`, not backslashes");
    }
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        base_dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("the link climbs above the site root");
                }
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if (rel.ends_with('/')
        || rel.ends_with("/.")
        || rel.ends_with("/..")
        || rel == "."
        || rel == "..")
        && !out.is_empty()
    {
        out.push('/');
    }
    Ok(out)
}

/// Decodes %XX escapes (a link to `my%20file.png`); invalid escapes are kept as written.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// The folder of a `/`-separated file path: "content/a/b.md" -> "content/a".
pub(crate) fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_normalises() {
        assert_eq!(
            join("content/stacks/languages", "../databases/orms.md").unwrap(),
            "content/stacks/databases/orms.md"
        );
        assert_eq!(join("content/a", "./b.md").unwrap(), "content/a/b.md");
        assert_eq!(join("content/a", "../").unwrap(), "content/");
        assert_eq!(join("content/a", "sub/").unwrap(), "content/a/sub/");
        assert!(join("content", "../../etc/passwd").is_err());
        assert!(join("content", "..\\x").is_err());
    }

    #[test]
    fn splits_fragment_and_query() {
        assert_eq!(split_dest("a.md?x=1#f"), ("a.md", Some("f")));
        assert_eq!(split_dest("#only"), ("", Some("only")));
    }

    #[test]
    fn decodes_percent() {
        assert_eq!(percent_decode("my%20file.png"), "my file.png");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
