//! data/: TOML, YAML and JSON files readable by templates as `data.<name>`
//! (`data/stacks/languages.toml` is `data.stacks.languages`).

use crate::diag::Code;
use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{read_text, SourceFile};
use serde_json::{Map, Value};

pub(crate) fn load(files: &[SourceFile], diags: &mut Diagnostics) -> Value {
    let mut root = Map::new();
    for f in files {
        let Some(value) = parse_file(f).map_err(|d| diags.push(d)).ok() else {
            continue;
        };
        let key = f.rel.trim_start_matches("data/");
        let key = key.rsplit_once('.').map_or(key, |(k, _)| k);
        insert(&mut root, key, value, f, diags);
    }
    Value::Object(root)
}

fn parse_file(f: &SourceFile) -> Result<Value, Diagnostic> {
    parse_text(&f.rel, &read_text(f)?)
}

/// A TOML, JSON or YAML document (by `rel`'s extension; YAML otherwise) as JSON, or the
/// parser's error at its line and column. Also reads `[contracts]` documents.
pub(crate) fn parse_text(rel: &str, text: &str) -> Result<Value, Diagnostic> {
    if rel.ends_with(".toml") {
        toml::from_str::<Value>(text)
            .map_err(|e| crate::config::toml_diagnostic(Code::DataInvalid, rel, text, 1, &e))
    } else if rel.ends_with(".json") {
        serde_json::from_str(text).map_err(|e| {
            Diagnostic::error(Code::DataInvalid, rel, e.line(), e.column(), e.to_string())
        })
    } else {
        serde_yaml_ng::from_str(text).map_err(|e| {
            let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            Diagnostic::error(Code::DataInvalid, rel, line, col, e.to_string())
        })
    }
}

fn insert(
    root: &mut Map<String, Value>,
    key: &str,
    value: Value,
    f: &SourceFile,
    diags: &mut Diagnostics,
) {
    let mut node = root;
    let mut parts = key.split('/').peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            if node.insert(part.to_string(), value).is_some() {
                diags.push(
                    Diagnostic::error(
                        Code::DataNameClash,
                        &f.rel,
                        1,
                        1,
                        format!("data name `{key}` is defined twice"),
                    )
                    .with_help("keep one of data/{key}.toml, .yaml, .json"),
                );
            }
            return;
        }
        let entry = node
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        match entry {
            Value::Object(m) => node = m,
            _ => {
                diags.push(Diagnostic::error(
                    Code::DataNameClash,
                    &f.rel,
                    1,
                    1,
                    format!("data name `{key}` clashes with a file of the same name"),
                ));
                return;
            }
        }
    }
}
