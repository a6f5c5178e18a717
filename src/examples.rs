//! Checks on code examples, run by `check`: each snippet is parsed by the real tool for its
//! language (in process for JSON, YAML and TOML; python3, node, bash, php, ruby, gofmt when on the
//! PATH).

use crate::diag::Code;
use crate::diag::{plural, Diagnostic, Diagnostics};
use crate::markdown::CodeBlock;
use crate::site::Site;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

/// What happened to the snippets of a site.
#[derive(Debug, Default)]
pub(crate) struct SnippetReport {
    pub(crate) checked: usize,
    /// Language -> number of blocks in a language backlot has no checker for.
    pub(crate) skipped: BTreeMap<String, usize>,
    /// Language -> the checker's tool, missing on this machine, and the blocks left unchecked.
    pub(crate) missing_tool: BTreeMap<String, MissingTool>,
    pub(crate) opted_out: usize,
}

/// Blocks of one language left unchecked because its tool is not on the PATH.
#[derive(Debug, Clone)]
pub(crate) struct MissingTool {
    pub(crate) tool: &'static str,
    pub(crate) count: usize,
    /// Where the first such block is, for `--strict-snippets`' error.
    pub(crate) first: (String, usize),
}

impl std::fmt::Display for SnippetReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unchecked: usize = self.missing_tool.values().map(|m| m.count).sum();
        let skipped: usize = self.skipped.values().sum();
        write!(f, "snippets: {} checked", self.checked)?;
        if unchecked > 0 {
            write!(f, ", {unchecked} not checked (tool missing)")?;
        }
        write!(f, ", {skipped} in languages with no checker")?;
        let langs: Vec<String> = self
            .skipped
            .iter()
            .map(|(l, n)| format!("{l} {n}"))
            .collect();
        if !langs.is_empty() {
            write!(f, " ({})", langs.join(", "))?;
        }
        write!(f, ", {} opted out with nocheck", self.opted_out)?;
        for (lang, m) in &self.missing_tool {
            write!(
                f,
                "\nnot checked: {} in {lang}, because `{}` is not on the PATH (install it, or pass --strict-snippets to make this an error)",
                plural(m.count, "snippet"),
                m.tool
            )?;
        }
        Ok(())
    }
}

impl SnippetReport {
    /// `--strict-snippets`: a language the site uses whose checker is missing is an error.
    pub(crate) fn missing_tools_as_errors(&self, diags: &mut Diagnostics) {
        for (lang, m) in &self.missing_tool {
            diags.push(
                Diagnostic::error(
                    Code::SnippetCheckerMissing,
                    &m.first.0,
                    m.first.1,
                    1,
                    format!(
                        "{} in {lang} cannot be checked: `{}` is not on the PATH",
                        plural(m.count, "snippet"),
                        m.tool
                    ),
                )
                .with_help(format!(
                    "install `{}` (--strict-snippets asks for every checker the site needs)",
                    m.tool
                )),
            );
        }
    }
}

/// A checker for a language.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Checker {
    Json,
    Yaml,
    Toml,
    Tool(&'static str, &'static [&'static str], &'static str),
}

fn checker_for(lang: &str) -> Option<Checker> {
    Some(match lang.to_ascii_lowercase().as_str() {
        "json" => Checker::Json,
        "yaml" | "yml" => Checker::Yaml,
        "toml" => Checker::Toml,
        "python" | "py" | "python3" => Checker::Tool("python3", &["-c", PY_CHECK], "py"),
        "js" | "javascript" | "mjs" | "cjs" | "node" => Checker::Tool("node", &["--check"], "js"),
        "bash" | "sh" | "shell" | "zsh" => Checker::Tool("bash", &["-n"], "sh"),
        "php" => Checker::Tool("php", &["-l"], "php"),
        "ruby" | "rb" => Checker::Tool("ruby", &["-c"], "rb"),
        "go" | "golang" => Checker::Tool("gofmt", &["-e", "-l"], "go"),
        _ => return None,
    })
}

/// Compiles without running: syntax errors only, reported as `line N: message`.
const PY_CHECK: &str = "import sys\nsrc = open(sys.argv[1], encoding='utf-8').read()\ntry:\n    compile(src, 'snippet', 'exec')\nexcept SyntaxError as e:\n    print(f'line {e.lineno}: {e.msg}')\n    sys.exit(1)\n";

fn tool_available(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Checks every snippet of the site; problems go to `diags`.
pub(crate) fn check_snippets(site: &Site, diags: &mut Diagnostics) -> SnippetReport {
    let mut report = SnippetReport::default();
    let mut available: BTreeMap<&'static str, bool> = BTreeMap::new();
    let mut jobs: Vec<(&str, &CodeBlock, Checker)> = Vec::new();
    for doc in &site.docs {
        for block in &doc.parsed.md.code_blocks {
            if block.nocheck {
                report.opted_out += 1;
                continue;
            }
            match checker_for(&block.lang) {
                Some(Checker::Tool(tool, ..))
                    if !*available
                        .entry(tool)
                        .or_insert_with(|| tool_available(tool)) =>
                {
                    report
                        .missing_tool
                        .entry(block.lang.to_ascii_lowercase())
                        .or_insert_with(|| MissingTool {
                            tool,
                            count: 0,
                            first: (doc.source.clone(), block.line.saturating_sub(1)),
                        })
                        .count += 1;
                }
                Some(c) => jobs.push((&doc.source, block, c)),
                None => {
                    *report
                        .skipped
                        .entry(if block.lang.is_empty() {
                            "(none)".into()
                        } else {
                            block.lang.to_ascii_lowercase()
                        })
                        .or_default() += 1
                }
            }
        }
    }
    report.checked = jobs.len();
    let found: Vec<Diagnostic> = jobs
        .par_iter()
        .filter_map(|(path, block, c)| check_one(path, block, *c))
        .collect();
    diags.extend(found);
    report
}

fn check_one(path: &str, block: &CodeBlock, checker: Checker) -> Option<Diagnostic> {
    let (line, col, message) = match checker {
        Checker::Json => serde_json::from_str::<serde_json::Value>(&block.code)
            .err()
            .map(|e| (e.line(), e.column(), e.to_string()))?,
        Checker::Yaml => yaml_error(&block.code)?,
        Checker::Toml => toml::from_str::<toml::Table>(&block.code).err().map(|e| {
            let (l, c) = e
                .span()
                .map_or((1, 1), |s| crate::diag::line_col(&block.code, s.start));
            (l, c, e.message().to_string())
        })?,
        Checker::Tool(tool, args, ext) => run_tool(tool, args, ext, &block.code)?,
    };
    Some(
        Diagnostic::error(
            Code::SnippetInvalid,
            path,
            block.line + line.max(1) - 1,
            col.max(1),
            format!("{} example does not parse: {}", block.lang, message.trim()),
        )
        .with_help("fix the example, or add `nocheck` to the fence if it is deliberately wrong"),
    )
}

/// Every document of a (possibly multi-document) YAML stream must parse.
fn yaml_error(code: &str) -> Option<(usize, usize, String)> {
    for doc in serde_yaml_ng::Deserializer::from_str(code) {
        if let Err(e) = <serde_yaml_ng::Value as serde::Deserialize>::deserialize(doc) {
            let (l, c) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            return Some((l, c, e.to_string()));
        }
    }
    None
}

/// Runs the language's own checker on a temporary file; returns (line, col, message) on failure.
fn run_tool(tool: &str, args: &[&str], ext: &str, code: &str) -> Option<(usize, usize, String)> {
    let ext = if ext == "js" && looks_like_module(code) {
        "mjs"
    } else if ext == "js" {
        "cjs"
    } else {
        ext
    };
    let mut file = tempfile::Builder::new()
        .suffix(&format!(".{ext}"))
        .tempfile()
        .ok()?;
    file.write_all(code.as_bytes()).ok()?;
    let path = file.path().to_string_lossy().into_owned();
    let out = Command::new(tool)
        .args(args)
        .arg(&path)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .ok()?;
    // gofmt exits 0 on some errors but prints them.
    if out.status.success() && (tool != "gofmt" || out.stderr.is_empty()) {
        return None;
    }
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
    .replace(&path, "snippet");
    let line = error_line(&text, &path).unwrap_or(1);
    let message = text
        .lines()
        .find(|l| l.contains("Error") || l.contains("error") || l.starts_with("line "))
        .unwrap_or_else(|| text.lines().next().unwrap_or("syntax error"))
        .to_string();
    Some((line, 1, message))
}

fn looks_like_module(code: &str) -> bool {
    code.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("import ")
            || l.starts_with("import{")
            || l.starts_with("export ")
            || l.contains("await import(")
    }) || code.contains("import.meta")
}

/// The first line number a tool printed: "snippet:12", "line 12", ":12:" forms.
fn error_line(text: &str, _path: &str) -> Option<usize> {
    for pat in ["snippet:", "line "] {
        if let Some(rest) = text.split(pat).nth(1) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse() {
                return Some(n);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(lang: &str, code: &str) -> CodeBlock {
        CodeBlock {
            lang: lang.into(),
            code: code.into(),
            line: 10,
            nocheck: false,
            tab: None,
            group: None,
            contract: None,
        }
    }

    #[test]
    fn in_process_checkers() {
        assert!(check_one("a.md", &block("json", "{\"a\": 1}"), Checker::Json).is_none());
        let d = check_one("a.md", &block("json", "{\n  \"a\": 1,\n}"), Checker::Json).unwrap();
        assert_eq!(d.line, 12);
        assert!(check_one("a.md", &block("yaml", "a: 1\n---\nb: [2\n"), Checker::Yaml).is_some());
        assert!(check_one("a.md", &block("yaml", "a: 1\n---\nb: 2\n"), Checker::Yaml).is_none());
        assert!(check_one("a.md", &block("toml", "a = = 1"), Checker::Toml).is_some());
    }

    #[test]
    fn modules_are_detected() {
        assert!(looks_like_module("import express from 'express';\n"));
        assert!(!looks_like_module("const x = require('x');\n"));
    }
}
