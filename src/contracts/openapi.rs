//! Finding things in an OpenAPI 3.1 document: the operation a method and a concrete path name,
//! the request body or response a status selects, the media type's schema, following local
//! `$ref`s. Each answer carries the JSON Pointer it was found at, which is how the schema
//! validator is pointed at it.

use serde_json::Value;

/// Where a lookup stopped: what is wrong, and how to fix it.
pub(crate) type Miss = (String, String);

/// Owned pointer plus value, so lookups can chain.
#[derive(Debug)]
pub(crate) struct Found<'d> {
    pub(crate) ptr: String,
    pub(crate) value: &'d Value,
}

impl<'d> Found<'d> {
    /// A member, following `$ref` (local references only, as in one-file contracts).
    pub(crate) fn child(&self, doc: &'d Value, key: &str) -> Option<Found<'d>> {
        let value = self.value.get(key)?;
        Some(follow(
            doc,
            Found {
                ptr: format!("{}/{}", self.ptr, escape(key)),
                value,
            },
        ))
    }
}

fn follow<'d>(doc: &'d Value, mut found: Found<'d>) -> Found<'d> {
    for _ in 0..16 {
        let Some(target) = found.value.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(ptr) = target.strip_prefix('#') else {
            break;
        };
        let Some(value) = doc.pointer(ptr) else {
            break;
        };
        found = Found {
            ptr: ptr.to_string(),
            value,
        };
    }
    found
}

/// JSON Pointer escaping of one reference token (RFC 6901).
pub(crate) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The path templates of the document, in its order.
fn templates(doc: &Value) -> Vec<&str> {
    doc.get("paths")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// The path parts of the `servers` URLs ("/v1" for "https://api.example.com/v1").
fn server_prefixes(doc: &Value) -> Vec<String> {
    let mut prefixes = vec![String::new()];
    for server in doc
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(url) = server.get("url").and_then(Value::as_str) else {
            continue;
        };
        let path = match url::Url::parse(url) {
            Ok(u) => u.path().to_string(),
            Err(_) => url.to_string(),
        };
        let path = path.trim_end_matches('/');
        if !path.is_empty() {
            prefixes.push(path.to_string());
        }
    }
    prefixes
}

/// `/orders/1001` matches `/orders/{order_id}`; a template matches itself.
fn matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| t == p || (t.starts_with('{') && t.ends_with('}') && !p.is_empty()))
}

/// The operation object for `method path`, and the template that matched.
pub(crate) fn operation<'d>(
    doc: &'d Value,
    method: &str,
    path: &str,
) -> Result<(String, Found<'d>), Miss> {
    let (template, item) = path_item(doc, path)?;
    match item.child(doc, &method.to_ascii_lowercase()) {
        Some(op) => Ok((template.to_string(), op)),
        None => Err((
            format!("no {method} operation on `{template}`"),
            format!("`{template}` allows {}", methods(&item).join(", ")),
        )),
    }
}

/// The path template `path` matches (under any server's base path) and its path item.
pub(crate) fn path_item<'d>(doc: &'d Value, path: &str) -> Result<(&'d str, Found<'d>), Miss> {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let paths = Found {
        ptr: "/paths".into(),
        value: doc.get("paths").unwrap_or(&Value::Null),
    };
    let all = templates(doc);
    let template = server_prefixes(doc).iter().find_map(|prefix| {
        let rest = path.strip_prefix(prefix.as_str())?;
        all.iter().copied().find(|t| matches(t, rest))
    });
    let Some(template) = template else {
        return Err((
            format!("no path matches `{path}`"),
            format!("its paths: {}", all.join(", ")),
        ));
    };
    let item = paths
        .child(doc, template)
        .expect("template comes from the paths");
    Ok((template, item))
}

/// The methods a path item declares, upper case, in the order HTTP lists them.
pub(crate) fn methods(item: &Found<'_>) -> Vec<String> {
    ["get", "put", "post", "delete", "options", "head", "patch"]
        .iter()
        .filter(|m| item.value.get(**m).is_some())
        .map(|m| m.to_ascii_uppercase())
        .collect()
}

/// The response object an operation declares for `status`: the exact code, its class
/// (`4XX`) or `default`.
pub(crate) fn response<'d>(
    doc: &'d Value,
    op: &Found<'d>,
    status: &str,
) -> Result<Found<'d>, Miss> {
    let responses = op.child(doc, "responses");
    let class = format!("{}XX", &status[..1]);
    responses
        .as_ref()
        .and_then(|r| {
            r.child(doc, status)
                .or_else(|| r.child(doc, &class))
                .or_else(|| r.child(doc, "default"))
        })
        .ok_or_else(|| {
            let declared: Vec<&str> = responses
                .as_ref()
                .and_then(|r| r.value.as_object())
                .map(|o| o.keys().map(String::as_str).collect())
                .unwrap_or_default();
            (
                format!("declares no {status} response"),
                format!(
                    "use a status it declares ({}), or add a {status} response to the contract",
                    declared.join(", ")
                ),
            )
        })
}

/// The media types a request body or response declares.
pub(crate) fn media_types(content: Option<&Found<'_>>) -> Vec<String> {
    content
        .and_then(|c| c.value.as_object())
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// The JSON media type to validate a body with: the one named, or the first JSON one declared.
pub(crate) fn json_media(declared: &[String], named: Option<&str>) -> Option<String> {
    match named {
        Some(n) => declared.iter().find(|d| d.eq_ignore_ascii_case(n)).cloned(),
        None => declared
            .iter()
            .find(|d| d.ends_with("/json") || d.ends_with("+json"))
            .cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concrete_paths_match_templates() {
        assert!(matches("/orders/{order_id}", "/orders/1001"));
        assert!(matches("/orders", "/orders"));
        assert!(!matches("/orders/{order_id}", "/orders"));
        assert!(!matches("/orders/{order_id}", "/orders/"));
    }

    #[test]
    fn refs_are_followed_and_servers_stripped() {
        let doc = serde_json::json!({
            "servers": [{"url": "https://api.example.com/v1"}],
            "paths": {"/a/{id}": {"get": {"responses": {"404": {"$ref": "#/components/responses/NotFound"}}}}},
            "components": {"responses": {"NotFound": {"description": "gone"}}}
        });
        let (template, op) = operation(&doc, "GET", "/v1/a/7?x=1").unwrap();
        assert_eq!(template, "/a/{id}");
        assert_eq!(op.ptr, "/paths/~1a~1{id}/get");
        let r = response(&doc, &op, "404").unwrap();
        assert_eq!(r.ptr, "/components/responses/NotFound");
        assert!(response(&doc, &op, "200").is_err());
        assert!(operation(&doc, "POST", "/a/7")
            .unwrap_err()
            .1
            .contains("GET"));
    }
}
