//! Contract checks, run by `check`. site.toml's `[contracts]` names OpenAPI 3.1 documents; a code
//! block opts in with a fence attribute GitHub ignores:
//!
//! - ```` ```json contract="orders: POST /orders 201" ```` checks the block as the body of that
//!   response (`request` in place of the status checks a request body);
//! - ```` ```http contract="orders" ```` reads method, path and status from the transcript's own
//!   request and status lines (a response-only transcript names the operation in the attribute).
//!
//! Bodies are validated with the schema of that operation, status and media type (JSON Schema
//! 2020-12, by boon); a transcript's `Content-Type` must be one the contract declares and the
//! headers it marks required must be there. A transcript's method that the path does not declare
//! must be answered with 405 and the declared methods in `Allow` (RFC 9110, 15.5.6). Each drift is
//! reported at the field's line and column.

mod openapi;
mod schema;
mod transcript;

use crate::config::{Config, CONFIG_FILE};
use crate::diag::Code;
use crate::diag::{closest, Diagnostic, Diagnostics};
use crate::markdown::CodeBlock;
use crate::site::Site;
use openapi::{Found, Miss};
use serde_json::Value;
use std::collections::BTreeMap;
use transcript::{Kind, Message};

/// What a block's `contract` attribute asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Spec {
    name: String,
    operation: Option<(String, String)>,
    /// `request`, or a status code.
    target: Option<String>,
}

const SYNTAX: &str = "write contract=\"NAME: METHOD PATH STATUS\" (or `request` for a request body), e.g. contract=\"orders: POST /orders 201\"; an http transcript may say just contract=\"NAME\"";

fn parse_spec(attr: &str) -> Result<Spec, Miss> {
    let (name, rest) = attr.split_once(':').unwrap_or((attr, ""));
    let words: Vec<&str> = rest.split_whitespace().collect();
    let name = name.trim().to_string();
    let bad = |what: &str| Err((format!("contract=\"{attr}\" {what}"), SYNTAX.to_string()));
    if name.is_empty() || name.contains(char::is_whitespace) {
        return bad("does not start with a contract name");
    }
    let (operation, target) = match words.as_slice() {
        [] => (None, None),
        [method, path] => (Some((method.to_string(), path.to_string())), None),
        [method, path, target] => (
            Some((method.to_string(), path.to_string())),
            Some(target.to_string()),
        ),
        _ => return bad("has more words than METHOD PATH STATUS"),
    };
    if let Some((method, path)) = &operation {
        if !method.bytes().all(|b| b.is_ascii_alphabetic()) || !path.starts_with('/') {
            return bad("does not name an operation like `GET /orders/{order_id}`");
        }
    }
    if let Some(t) = &target {
        if t != "request" && !(t.len() == 3 && t.bytes().all(|b| b.is_ascii_digit())) {
            return bad("ends in neither a status code nor `request`");
        }
    }
    Ok(Spec {
        name,
        operation: operation.map(|(m, p)| (m.to_ascii_uppercase(), p)),
        target,
    })
}

/// A loaded contract document.
struct Contract {
    /// Its path as site.toml gives it, for messages.
    source: String,
    doc: Value,
}

/// Checks every block that opts in; problems go to `diags`. Returns how many blocks opted in.
pub(crate) fn check_contracts(site: &Site, config: &Config, diags: &mut Diagnostics) -> usize {
    let contracts = load_all(config, diags);
    let mut validator = schema::Validator::default();
    for (name, c) in &contracts {
        validator.add(name, &c.doc);
    }
    let mut checked = 0;
    for doc in &site.docs {
        for block in &doc.parsed.md.code_blocks {
            if let Some(attr) = &block.contract {
                checked += 1;
                let mut out = Problems {
                    path: &doc.source,
                    block,
                    found: Vec::new(),
                };
                check_block(attr, &contracts, &mut validator, &mut out);
                diags.extend(out.found);
            }
        }
    }
    checked
}

fn load_all(config: &Config, diags: &mut Diagnostics) -> BTreeMap<String, Contract> {
    let mut out = BTreeMap::new();
    for (name, rel) in &config.site.contracts {
        match load(&config.root, rel) {
            Ok(doc) => {
                out.insert(
                    name.clone(),
                    Contract {
                        source: rel.clone(),
                        doc,
                    },
                );
            }
            Err(d) => diags.push(d),
        }
    }
    out
}

/// Reads an OpenAPI 3.1 document, YAML or JSON.
fn load(root: &std::path::Path, rel: &str) -> Result<Value, Diagnostic> {
    let text = std::fs::read_to_string(root.join(rel)).map_err(|e| {
        Diagnostic::error(
            Code::ContractUnreadable,
            CONFIG_FILE,
            1,
            1,
            format!("cannot read contract `{rel}`: {e}"),
        )
        .with_help("[contracts] paths are relative to the site's folder")
    })?;
    let doc = crate::data::parse_text(rel, &text).map_err(|mut d| {
        let format = if rel.ends_with(".json") {
            "JSON"
        } else {
            "YAML"
        };
        d.message = format!("contract is not {format}: {}", d.message);
        d.code = Code::ContractUnreadable;
        d
    })?;
    let version = doc.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.1") && !version.starts_with("3.2") {
        return Err(Diagnostic::error(
            Code::ContractNotOpenApi31,
            rel,
            1,
            1,
            format!("contract is not an OpenAPI 3.1 document (openapi: `{version}`)"),
        )
        .with_help("backlot validates with JSON Schema 2020-12, the dialect of OpenAPI 3.1: write `openapi: 3.1.0`"));
    }
    Ok(doc)
}

/// The problems found in one block, located in its page.
struct Problems<'a> {
    path: &'a str,
    block: &'a CodeBlock,
    found: Vec<Diagnostic>,
}

impl Problems<'_> {
    /// A problem at a byte offset of the block's code (`None`: the fence line).
    fn push(&mut self, at: Option<usize>, (message, help): Miss) {
        let (line, col) = match at {
            Some(off) => {
                let (l, c) = crate::diag::line_col(&self.block.code, off);
                (self.block.line + l - 1, c)
            }
            None => (self.block.line.saturating_sub(1).max(1), 1),
        };
        self.found.push(
            Diagnostic::error(Code::ContractMismatch, self.path, line, col, message)
                .with_help(help),
        );
    }
}

fn check_block(
    attr: &str,
    contracts: &BTreeMap<String, Contract>,
    validator: &mut schema::Validator,
    out: &mut Problems,
) {
    let spec = match parse_spec(attr) {
        Ok(s) => s,
        Err(miss) => return out.push(None, miss),
    };
    let Some(contract) = contracts.get(&spec.name) else {
        let help = match closest(&spec.name, contracts.keys().map(String::as_str)) {
            Some(c) => format!("did you mean `{c}`?"),
            None if contracts.is_empty() => format!(
                "name the OpenAPI document in {CONFIG_FILE}: [contracts] {} = \"data/api.yaml\"",
                spec.name
            ),
            None => format!(
                "the contracts {CONFIG_FILE} names: {}",
                contracts.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        };
        let message = format!("no contract named `{}`", spec.name);
        return out.push(None, (message, help));
    };
    let ctx = Ctx {
        name: &spec.name,
        contract,
    };
    match out.block.lang.to_ascii_lowercase().as_str() {
        "http" => check_transcript(&spec, &ctx, validator, out),
        "json" | "jsonc" => check_json_block(&spec, &ctx, validator, out),
        other => out.push(
            None,
            (
                format!(
                    "a contract check reads a `json` body or an `http` transcript, not `{other}`"
                ),
                "show the body in a ```json block, or the exchange in an ```http block".into(),
            ),
        ),
    }
}

/// The contract a block is checked against.
struct Ctx<'a> {
    name: &'a str,
    contract: &'a Contract,
}

fn check_json_block(spec: &Spec, ctx: &Ctx, validator: &mut schema::Validator, out: &mut Problems) {
    let (Some((method, path)), Some(target)) = (&spec.operation, &spec.target) else {
        let message = "a json block's contract attribute names no operation and status".into();
        return out.push(None, (message, SYNTAX.into()));
    };
    let code = out.block.code.clone();
    let offset = code.len() - code.trim_start().len();
    let msg = Message {
        kind: match target.as_str() {
            "request" => Kind::Request {
                method: method.clone(),
                path: path.clone(),
            },
            status => Kind::Response {
                status: status.into(),
            },
        },
        headers: Vec::new(),
        body: code.trim(),
        body_offset: offset,
        offset: 0,
    };
    check_message(&msg, (method, path), false, ctx, validator, out);
}

fn check_transcript(spec: &Spec, ctx: &Ctx, validator: &mut schema::Validator, out: &mut Problems) {
    let code = out.block.code.clone();
    let messages = transcript::parse(&code);
    if messages.is_empty() {
        let message = "the http block has no request line or status line to check".into();
        let help = "start it with `POST /orders HTTP/1.1` or `HTTP/1.1 201 Created`".into();
        return out.push(None, (message, help));
    }
    let mut last_request: Option<(String, String)> = None;
    for msg in &messages {
        let op = match &msg.kind {
            Kind::Request { method, path } => {
                last_request = Some((method.clone(), path.clone()));
                (method.clone(), path.clone())
            }
            Kind::Response { .. } => match spec.operation.clone().or(last_request.clone()) {
                Some(op) => op,
                None => {
                    let message =
                        "this response has no request before it, so its operation is unknown"
                            .into();
                    let help = "name it: contract=\"NAME: METHOD PATH\", e.g. contract=\"orders: GET /orders/{order_id}\"".into();
                    out.push(Some(msg.offset), (message, help));
                    continue;
                }
            },
        };
        check_message(msg, (&op.0, &op.1), true, ctx, validator, out);
    }
}

/// Checks one message against its operation: the media type, the required headers (transcripts
/// only) and the body.
fn check_message(
    msg: &Message,
    (method, path): (&str, &str),
    transcript: bool,
    ctx: &Ctx,
    validator: &mut schema::Validator,
    out: &mut Problems,
) {
    let doc = &ctx.contract.doc;
    // A json block's operation comes from its fence; a transcript's from its start line.
    let at = transcript.then_some(msg.offset);
    let fail = |out: &mut Problems, (m, h): Miss| {
        out.push(at, (format!("contract `{}`: {m}", ctx.name), h))
    };
    let (template, op) = match openapi::operation(doc, method, path) {
        Ok(found) => found,
        Err(_) if transcript && check_undeclared(msg, (method, path), ctx, validator, out) => {
            return
        }
        Err(miss) => return fail(out, miss),
    };
    let operation = format!("{method} {template}");
    let (content, what) = match &msg.kind {
        Kind::Request { .. } => {
            let body = op.child(doc, "requestBody");
            (
                body.and_then(|b| b.child(doc, "content")),
                "request".to_string(),
            )
        }
        Kind::Response { status } => {
            let response = match openapi::response(doc, &op, status) {
                Ok(r) => r,
                Err((m, h)) => return fail(out, (format!("{operation} {m}"), h)),
            };
            if transcript {
                for name in required_headers(doc, &response) {
                    if msg.header(&name).is_none() {
                        let m = format!(
                            "the {status} response of {operation} must send a `{name}` header"
                        );
                        let h = format!(
                            "add `{name}: ...` to the transcript: the contract marks it required"
                        );
                        fail(out, (m, h));
                    }
                }
            }
            (response.child(doc, "content"), format!("{status} response"))
        }
    };
    let declared = openapi::media_types(content.as_ref());
    let named = msg
        .header("content-type")
        .map(|v| v.split(';').next().unwrap_or(v).trim().to_ascii_lowercase());
    if let Some(n) = &named {
        if !declared.is_empty() && !declared.iter().any(|d| d.eq_ignore_ascii_case(n)) {
            let m = format!("the {what} of {operation} is not served as `{n}`");
            return fail(
                out,
                (m, format!("the contract declares {}", declared.join(", "))),
            );
        }
    }
    if msg.body.is_empty() {
        return;
    }
    if declared.is_empty() {
        let m = format!("the {what} of {operation} has no body in the contract");
        return fail(
            out,
            (
                m,
                "remove the body, or declare its content in the contract".into(),
            ),
        );
    }
    let Some(media) = openapi::json_media(&declared, named.as_deref()) else {
        return;
    };
    let Some(content) = content else { return };
    let Some(schema) = content
        .child(doc, &media)
        .and_then(|m| m.child(doc, "schema"))
    else {
        return;
    };
    let target = schema::Target {
        contract: ctx.name,
        source: &ctx.contract.source,
        doc,
        schema: &schema,
        label: format!("{what} of {operation}"),
    };
    for (off, miss) in validator.check(&target, msg.body) {
        out.push(Some(msg.body_offset + off), miss);
    }
}

/// A transcript may show a method the path does not support: its request is accepted, and its
/// response must be what HTTP prescribes for it (RFC 9110, 15.5.6): `405 Method Not Allowed`
/// with an `Allow` header naming the methods the contract declares (HEAD and OPTIONS may be
/// added). The body is checked against the 405 response another operation of the path declares,
/// if one does. Returns false when the path itself is unknown, for the usual error.
fn check_undeclared(
    msg: &Message,
    (method, path): (&str, &str),
    ctx: &Ctx,
    validator: &mut schema::Validator,
    out: &mut Problems,
) -> bool {
    let doc = &ctx.contract.doc;
    let Ok((template, item)) = openapi::path_item(doc, path) else {
        return false;
    };
    let declared = openapi::methods(&item);
    let Kind::Response { status } = &msg.kind else {
        return true;
    };
    let allow = declared.join(", ");
    let mut fail = |m: String, h: String| {
        out.push(
            Some(msg.offset),
            (format!("contract `{}`: {m}", ctx.name), h),
        )
    };
    let what = format!("{method} is not an operation of `{template}`");
    if status != "405" {
        fail(
            format!("{what}, so the answer to it is 405, not {status}"),
            format!("answer `405 Method Not Allowed` with `Allow: {allow}`, or add {method} to `{template}` in the contract"),
        );
        return true;
    }
    let sent: Vec<String> = msg
        .header("allow")
        .unwrap_or("")
        .split(',')
        .map(|m| m.trim().to_ascii_uppercase())
        .filter(|m| !m.is_empty() && m != "HEAD" && m != "OPTIONS")
        .collect();
    let wanted: Vec<&String> = declared
        .iter()
        .filter(|m| *m != "HEAD" && *m != "OPTIONS")
        .collect();
    let same = sent.len() == wanted.len() && wanted.iter().all(|m| sent.contains(m));
    if !same {
        let m = match msg.header("allow") {
            None => format!("{what}: its 405 response must send an `Allow` header"),
            Some(v) => format!(
                "{what}: its 405 response says `Allow: {v}`, but the contract declares {allow}"
            ),
        };
        fail(m, format!("write `Allow: {allow}`"));
    }
    let with_405 = declared.iter().find(|m| {
        openapi::operation(doc, m, path)
            .is_ok_and(|(_, op)| op.value.pointer("/responses/405").is_some())
    });
    if let Some(m) = with_405 {
        check_message(msg, (m, path), true, ctx, validator, out);
    }
    true
}

/// The names of the headers a response object marks `required: true`.
fn required_headers(doc: &Value, response: &Found<'_>) -> Vec<String> {
    let Some(headers) = response.child(doc, "headers") else {
        return Vec::new();
    };
    let names: Vec<String> = headers
        .value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    names
        .into_iter()
        .filter(|n| {
            headers
                .child(doc, n)
                .is_some_and(|h| h.value.get("required").and_then(Value::as_bool) == Some(true))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse() {
        let s = parse_spec("orders: post /orders 201").unwrap();
        assert_eq!(s.name, "orders");
        assert_eq!(s.operation, Some(("POST".into(), "/orders".into())));
        assert_eq!(s.target.as_deref(), Some("201"));
        assert_eq!(parse_spec("orders").unwrap().operation, None);
        assert!(parse_spec("orders: POST /orders 2O1").is_err());
        assert!(parse_spec("orders: POST orders").is_err());
        assert!(parse_spec(": GET /x 200").is_err());
    }
}
