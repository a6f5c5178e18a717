//! Validating a JSON body with a schema of a contract (boon, JSON Schema 2020-12 with format
//! assertions on), and turning each failure into a message about the field, placed at the
//! field's position in the body (jsonc-parser's syntax tree keeps the positions serde drops).

use super::openapi::{escape, Found, Miss};
use boon::{Compiler, Draft, ErrorKind, InstanceToken, SchemaIndex, Schemas, ValidationError};
use jsonc_parser::ast;
use serde_json::Value;
use std::collections::HashMap;

/// The schema a body is checked with, and how to name it in messages.
pub(crate) struct Target<'a> {
    pub(crate) contract: &'a str,
    pub(crate) source: &'a str,
    pub(crate) doc: &'a Value,
    pub(crate) schema: &'a Found<'a>,
    /// "201 response of POST /orders".
    pub(crate) label: String,
}

/// Compiles each schema once; the contracts are its resources.
pub(crate) struct Validator {
    compiler: Compiler,
    schemas: Schemas,
    compiled: HashMap<String, Result<SchemaIndex, String>>,
}

impl Default for Validator {
    fn default() -> Self {
        let mut compiler = Compiler::new();
        compiler.set_default_draft(Draft::V2020_12);
        compiler.enable_format_assertions();
        Validator {
            compiler,
            schemas: Schemas::new(),
            compiled: HashMap::new(),
        }
    }
}

fn resource_url(contract: &str) -> String {
    format!("file:///backlot-contracts/{contract}.json")
}

/// Percent-encodes what a URL fragment may not hold raw (`{id}` in path templates).
fn fragment(ptr: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'~')
        .remove(b'-')
        .remove(b'.')
        .remove(b'_');
    percent_encoding::utf8_percent_encode(ptr, SET).to_string()
}

impl Validator {
    pub(crate) fn add(&mut self, contract: &str, doc: &Value) {
        // Only fails on a malformed URL, and ours is fixed.
        let _ = self
            .compiler
            .add_resource(&resource_url(contract), doc.clone());
    }

    /// The problems of `body` (byte offset into it, message, help).
    pub(crate) fn check(&mut self, target: &Target, body: &str) -> Vec<(usize, Miss)> {
        let value: Value = match serde_json::from_str(body) {
            Ok(v) => v,
            Err(e) => {
                let m = format!("the body is not JSON: {e}");
                let help = "fix the JSON; a contract check needs the whole body".into();
                return vec![(offset_of(body, e.line(), e.column()), (m, help))];
            }
        };
        let loc = format!(
            "{}#{}",
            resource_url(target.contract),
            fragment(&target.schema.ptr)
        );
        let (compiler, schemas) = (&mut self.compiler, &mut self.schemas);
        let index = self
            .compiled
            .entry(loc.clone())
            .or_insert_with(|| compiler.compile(&loc, schemas).map_err(|e| e.to_string()));
        let index = match index {
            Ok(i) => *i,
            Err(e) => {
                let m = format!(
                    "contract `{}`: its schema at {} does not compile: {e}",
                    target.contract, target.schema.ptr
                );
                return vec![(0, (m, format!("fix the schema in {}", target.source)))];
            }
        };
        let Err(error) = self.schemas.validate(&value, index) else {
            return Vec::new();
        };
        let tree = jsonc_parser::parse_to_ast(body, &Default::default(), &Default::default())
            .ok()
            .and_then(|r| r.value);
        let mut leaves = Vec::new();
        collect_leaves(&error, &mut leaves);
        let mut out: Vec<(usize, Miss)> = Vec::new();
        for leaf in leaves {
            for (key, (m, help)) in describe(leaf, target, &value) {
                let at = tree.as_ref().map_or(0, |t| {
                    locate(t, &leaf.instance_location.tokens, key.as_deref())
                });
                let m = format!("contract `{}`, {}: {m}", target.contract, target.label);
                if !out.iter().any(|(o, (x, _))| *o == at && *x == m) {
                    out.push((at, (m, help)));
                }
            }
        }
        out
    }
}

fn collect_leaves<'a, 's, 'v>(
    e: &'a ValidationError<'s, 'v>,
    out: &mut Vec<&'a ValidationError<'s, 'v>>,
) {
    if e.causes.is_empty() {
        out.push(e);
    }
    for c in &e.causes {
        collect_leaves(c, out);
    }
}

/// `items[0].quantity`; the empty location is the body itself.
fn field_name(tokens: &[InstanceToken]) -> String {
    let mut s = String::new();
    for t in tokens {
        match t {
            InstanceToken::Prop(p) if s.is_empty() => s.push_str(p),
            InstanceToken::Prop(p) => {
                s.push('.');
                s.push_str(p)
            }
            InstanceToken::Item(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// What one failure means, as (the member it is about, if any, (message, help)) pairs.
fn describe(e: &ValidationError, target: &Target, value: &Value) -> Vec<(Option<String>, Miss)> {
    let field = field_name(&e.instance_location.tokens);
    let place = if field.is_empty() {
        "the body".to_string()
    } else {
        format!("`{field}`")
    };
    let source = target.source;
    match &e.kind {
        ErrorKind::Type { got, want } => {
            let want: Vec<String> = want.iter().map(|t| t.to_string()).collect();
            let want = want.join(" or ");
            let m = format!(
                "{place} is {} {got}, but the contract wants {} {want}",
                article(&got.to_string()),
                article(&want)
            );
            let help = format!(
                "write {place} as {} {want}, as {source} declares it",
                article(&want)
            );
            vec![(None, (m, help))]
        }
        ErrorKind::Required { want } => want
            .iter()
            .filter(|p| !spelt_otherwise(p, &e.instance_location.tokens, value))
            .map(|p| {
                let m = format!("{place} lacks `{p}`, which the contract requires");
                (None, (m, format!("add `{p}` to {place} (see {source})")))
            })
            .collect(),
        ErrorKind::AdditionalProperties { got } => {
            let allowed = allowed_properties(e.schema_url, target.doc);
            got.iter()
                .map(|p| {
                    let m = format!("{place} has `{p}`, a field the contract does not define");
                    (Some(p.to_string()), (m, rename_help(p, &allowed, source)))
                })
                .collect()
        }
        ErrorKind::Enum { want } => {
            let list: Vec<String> = want.iter().map(Value::to_string).collect();
            let m = format!("{place} is not one of the values the contract allows");
            vec![(None, (m, format!("use one of {}", list.join(", "))))]
        }
        ErrorKind::Format { want, .. } => {
            let m = format!("{place} is not a valid {want}");
            let example = if *want == "date-time" {
                " (e.g. 2026-03-01T12:00:00Z)"
            } else {
                ""
            };
            vec![(None, (m, format!("write it as a {want}{example}")))]
        }
        kind => {
            let m = format!("{place}: {kind}");
            vec![(
                None,
                (m, format!("make the example match the schema in {source}")),
            )]
        }
    }
}

/// A required member the object holds under another spelling (`customerId` for `customer_id`)
/// is reported once, as the misspelt member.
fn spelt_otherwise(name: &str, tokens: &[InstanceToken], body: &Value) -> bool {
    let mut node = body;
    for t in tokens {
        node = match t {
            InstanceToken::Prop(p) => &node[p.as_ref()],
            InstanceToken::Item(i) => &node[*i],
        };
    }
    node.as_object()
        .is_some_and(|o| o.keys().any(|k| k != name && snake_case(k) == name))
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The property names the schema that refused a member defines (its `properties`).
fn allowed_properties(schema_url: &str, doc: &Value) -> Vec<String> {
    let ptr = schema_url.split_once('#').map_or("", |(_, f)| f);
    let ptr = percent_encoding::percent_decode_str(ptr).decode_utf8_lossy();
    // The keyword's location or its schema's, depending on how the failure was reached.
    let schema = ptr
        .strip_suffix("/additionalProperties")
        .or_else(|| ptr.strip_suffix("/unevaluatedProperties"))
        .unwrap_or(&ptr);
    doc.pointer(&format!("{schema}/{}", escape("properties")))
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// `customerId` -> `customer_id`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn rename_help(got: &str, allowed: &[String], source: &str) -> String {
    let snake = snake_case(got);
    let suggestion = allowed
        .iter()
        .find(|a| **a == snake)
        .map(String::as_str)
        .or_else(|| crate::diag::closest(got, allowed.iter().map(String::as_str)));
    match suggestion {
        Some(s) => format!("did you mean `{s}`? (the contract is {source})"),
        None if allowed.is_empty() => format!("remove it, or add it to {source}"),
        None => format!(
            "remove it, or add it to {source}; the fields there: {}",
            allowed.join(", ")
        ),
    }
}

/// Byte offset of the value at `tokens` (or of its member `key`'s name) in the body.
fn locate(mut node: &ast::Value, tokens: &[InstanceToken], key: Option<&str>) -> usize {
    for t in tokens {
        let next = match (t, node) {
            (InstanceToken::Prop(p), ast::Value::Object(o)) => o
                .properties
                .iter()
                .find(|prop| prop.name.as_str() == p.as_ref())
                .map(|prop| &prop.value),
            (InstanceToken::Item(i), ast::Value::Array(a)) => a.elements.get(*i),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    if let (Some(key), ast::Value::Object(o)) = (key, node) {
        if let Some(prop) = o.properties.iter().find(|p| p.name.as_str() == key) {
            return prop.range.start;
        }
    }
    start(node)
}

fn start(v: &ast::Value) -> usize {
    match v {
        ast::Value::StringLit(x) => x.range.start,
        ast::Value::NumberLit(x) => x.range.start,
        ast::Value::BooleanLit(x) => x.range.start,
        ast::Value::Object(x) => x.range.start,
        ast::Value::Array(x) => x.range.start,
        ast::Value::NullKeyword(x) => x.range.start,
    }
}

/// Byte offset of a 1-based line and column (serde_json's error position).
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[line_start.min(text.len())..];
    line_start
        + rest
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_suggestions() {
        assert_eq!(snake_case("customerId"), "customer_id");
        let allowed = vec!["customer_id".to_string(), "items".to_string()];
        assert!(rename_help("customerId", &allowed, "c.yaml").contains("`customer_id`"));
        assert_eq!(offset_of("ab\ncd", 2, 2), 4);
    }
}
