//! The reference pages of the "Using backlot" site (docs/using/) that are generated from the
//! code: settings and front matter from the JSON Schemas (`schema`), highlight theme names
//! from the embedded theme set, the command line from clap, and the diagnostics page from the
//! table of codes (`diag::codes`). `tests/it/reference.rs` keeps
//! the checked-in pages equal to a fresh generation (`BLESS=1` rewrites them).

use crate::schema::Which;
use serde_json::Value;
use std::fmt::Write;

/// The generated pages: (path under docs/using/, text).
pub fn pages() -> Vec<(String, String)> {
    let mut out = vec![
        ("content/reference/settings.md".to_string(), settings()),
        (
            "content/reference/front-matter.md".to_string(),
            front_matter(),
        ),
        ("content/reference/cli.md".to_string(), cli()),
        (
            "content/reference/diagnostics.md".to_string(),
            diagnostics(),
        ),
    ];
    for which in [Which::Site, Which::FrontMatter] {
        out.push((format!("static/schema/{}", which.file_name()), which.text()));
    }
    out
}

const GENERATED: &str = "<!-- Generated from backlot's source by `BLESS=1 cargo test --test it reference::`: do not edit. -->\n\n";

fn front(title: &str, description: &str, weight: u32) -> String {
    format!("---\ntitle: \"{title}\"\ndescription: \"{description}\"\nweight: {weight}\n---\n\n{GENERATED}")
}

fn settings() -> String {
    let schema = Which::Site.schema();
    let mut out = front(
        "Settings (site.toml)",
        "Every key site.toml accepts, with its type, default and meaning.",
        10,
    );
    out.push_str(
        "site.toml sits in the site's root folder. A key backlot does not know is an error that \
         names the closest known key. Editors validate and complete the file with the \
         [JSON Schema](../../static/schema/site.json): see [Editor support](../editors.md).\n\n",
    );
    tables(&mut out, &schema, &schema, "", "Top-level keys");
    out.push_str("## Highlight themes\n\n`[highlight] light_theme` and `dark_theme` take one of these names (any letter case):\n\n");
    for name in two_face::theme::EmbeddedLazyThemeSet::theme_names() {
        let _ = writeln!(out, "- `{}`", name.as_name());
    }
    out
}

fn front_matter() -> String {
    let schema = Which::FrontMatter.schema();
    let mut out = front(
        "Front matter",
        "The fields a page's front matter may set, and the keys of other tools backlot maps or keeps.",
        20,
    );
    out.push_str(
        "Front matter is optional. It opens the file as YAML between `---` lines or TOML \
         between `+++` lines. Its [JSON Schema](../../static/schema/front-matter.json) allows other \
         keys, as backlot does by default; a site that sets `[front_matter] unknown_keys = \
         \"error\"` refuses them.\n\n",
    );
    tables(&mut out, &schema, &schema, "", "Fields");
    out.push_str("## Keys of other tools\n\nPages moved from Jekyll, Hugo, Docusaurus or just-the-docs keep working:\n\n| Key | Handled as |\n|---|---|\n");
    for (key, kind) in crate::frontmatter::other_tools_keys() {
        let _ = writeln!(out, "| `{key}` | {kind} |");
    }
    out.push_str(
        "\nAny other key is kept under `extra` with a warning that names the closest field.\n",
    );
    out
}

/// One table per TOML table: its scalar keys as rows, then its sub-tables as sections.
fn tables(out: &mut String, root: &Value, schema: &Value, prefix: &str, heading: &str) {
    let props = match schema.get("properties").and_then(Value::as_object) {
        Some(p) => p,
        None => return,
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let _ = writeln!(out, "## {heading}\n");
    if let Some(d) = schema.get("description").and_then(Value::as_str) {
        let _ = writeln!(out, "{}\n", one_line(d));
    }
    if schema.get("additionalProperties") == Some(&Value::Bool(true))
        || schema.get("additionalProperties").is_none()
    {
        out.push_str("Keys not listed here are allowed.\n\n");
    }
    out.push_str("| Key | Type | Default | Description |\n|---|---|---|---|\n");
    let mut nested = Vec::new();
    for (key, prop) in props {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let target = resolve(root, prop);
        let is_table = target.get("properties").is_some();
        let default = match prop.get("default") {
            _ if required.contains(&key.as_str()) => "required".to_string(),
            _ if is_table => "see below".to_string(),
            Some(Value::Null) | None => "none".to_string(),
            Some(v) => format!("`{}`", cell(&v.to_string())),
        };
        let description = prop
            .get("description")
            .or_else(|| target.get("description"))
            .and_then(Value::as_str)
            .map(one_line)
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| `{full}` | {} | {default} | {} |",
            cell(&type_name(root, prop)),
            cell(&description)
        );
        if is_table {
            nested.push((format!("[{full}]"), full, target));
        } else if let Some(items) = target.get("items").map(|i| resolve(root, i)) {
            if items.get("properties").is_some() {
                nested.push((format!("[[{full}]]"), full, items));
            }
        }
    }
    out.push('\n');
    for (heading, full, target) in nested {
        tables(out, root, target, &full, &format!("`{heading}`"));
    }
}

/// The schema a `$ref`, an `allOf` of one, or an optional (`anyOf` with null) stands for.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or_default();
        return root
            .pointer(&format!("/definitions/{name}"))
            .map_or(schema, |s| resolve(root, s));
    }
    for key in ["allOf", "anyOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            let non_null: Vec<&Value> = list
                .iter()
                .filter(|s| s.get("type") != Some(&Value::from("null")))
                .collect();
            if let [one] = non_null[..] {
                return resolve(root, one);
            }
        }
    }
    schema
}

/// A short type for the table: `string`, `array of string`, `"error" or "warn"`, `table`.
fn type_name(root: &Value, schema: &Value) -> String {
    let s = resolve(root, schema);
    if let Some(alts) = s
        .get("oneOf")
        .or_else(|| s.get("anyOf"))
        .and_then(Value::as_array)
    {
        let names: Vec<String> = alts.iter().map(|a| type_name(root, a)).collect();
        return names.join(" or ");
    }
    if let Some(c) = s.get("const") {
        return c.to_string();
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        let names: Vec<String> = e.iter().map(Value::to_string).collect();
        return names.join(" or ");
    }
    let types: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    match types.iter().find(|t| **t != "null").copied() {
        Some("array") => match s.get("items") {
            Some(items) => format!("array of {}", type_name(root, items)),
            None => "array".into(),
        },
        Some("object") => match s.get("additionalProperties") {
            Some(v @ Value::Object(_)) if s.get("properties").is_none() => {
                format!("table of {}", type_name(root, v))
            }
            _ => "table".into(),
        },
        Some(t) => t.into(),
        None if s.get("properties").is_some() => "table".into(),
        None => "any".into(),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// clap drops the final period of a one-paragraph doc comment; the reference wants it back.
fn sentence(s: &str) -> String {
    let mut s = one_line(s);
    if !s.is_empty() && !s.ends_with(['.', ':']) {
        s.push('.');
    }
    s
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn cli() -> String {
    use clap::CommandFactory;
    let cmd = crate::cli::Cli::command();
    let mut out = front(
        "Command line",
        "Every backlot command and flag, with its default, and the exit codes.",
        30,
    );
    let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
    let _ = writeln!(out, "{about}\n");
    out.push_str("## Exit codes\n\n| Code | Meaning |\n|---|---|\n");
    for (code, meaning) in EXIT_CODES {
        let _ = writeln!(out, "| {code} | {meaning} |");
    }
    out.push('\n');
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let _ = writeln!(out, "## `backlot {}`\n", sub.get_name());
        let about = sub
            .get_long_about()
            .or(sub.get_about())
            .map(|a| a.to_string());
        let _ = writeln!(out, "{}\n", sentence(&about.unwrap_or_default()));
        out.push_str("| Argument | Default | Description |\n|---|---|---|\n");
        for arg in sub.get_arguments() {
            if !arg.is_hide_set() && arg.get_id() != "help" {
                out.push_str(&argument_row(arg));
            }
        }
        out.push('\n');
    }
    out
}

/// One flag or positional argument: how it is written, its default, its help and values.
fn argument_row(arg: &clap::Arg) -> String {
    let id = arg.get_id().as_str();
    let takes_value = arg.get_action().takes_values();
    let shown = match (arg.get_long(), arg.get_value_names()) {
        (Some(long), _) if !takes_value => format!("--{long}"),
        (Some(long), Some(v)) => format!("--{long} {}", v[0]),
        (Some(long), None) => format!("--{long} <{}>", id.to_uppercase()),
        (None, _) => format!("<{}>", id.to_uppercase()),
    };
    let default: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| format!("`{}`", v.to_string_lossy()))
        .collect();
    let default = if default.is_empty() {
        "none".to_string()
    } else {
        default.join(", ")
    };
    let mut help = arg
        .get_long_help()
        .or(arg.get_help())
        .map(|h| sentence(&h.to_string()))
        .unwrap_or_default();
    let values: Vec<String> = if takes_value {
        arg.get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| format!("`{}`", v.get_name()))
            .collect()
    } else {
        Vec::new()
    };
    if !values.is_empty() {
        let _ = write!(help, " One of: {}.", values.join(", "));
    }
    format!("| `{}` | {default} | {} |\n", cell(&shown), cell(&help))
}

/// What `main` returns, as its header says.
pub const EXIT_CODES: &[(u8, &str)] = &[
    (0, "Success (warnings may have been printed)."),
    (1, "The site has errors (content, templates, configuration), or a command could not do its work; the output folder was not changed."),
    (2, "Usage error: an unknown command or flag, a bad flag value, a git revision `check --changed-since` cannot read, or a code `explain` does not know."),
];

/// How problems are reported, then every code of `diag::codes` with its explanation and fix.
fn diagnostics() -> String {
    let mut out = front(
        "Diagnostics",
        "How build, check and the preview report problems, in each output format, every diagnostic code with its fix, and what the exit codes mean.",
        60,
    );
    out.push_str(DIAGNOSTICS_INTRO);
    for (area, name) in crate::diag::codes::AREAS {
        let _ = writeln!(out, "### {name}\n");
        for info in crate::diag::codes::ALL
            .iter()
            .filter(|i| &i.id[2..4] == *area)
        {
            let _ = writeln!(
                out,
                "#### {}: {}\n\n{}\n\n**Fix:** {}\n",
                info.id, info.title, info.explanation, info.fix
            );
        }
    }
    out.push_str("## Exit codes\n\nSee [Command line](cli.md#exit-codes): 0 success, 1 the site has errors, 2 a usage error.\n");
    out
}

const DIAGNOSTICS_INTRO: &str = r#"Every command reports every problem it finds in one run, never only the first, each with the
file, line and column, what is wrong, its code in brackets and, in most cases, how to fix it:

```text
content/guide/first.md:16:19: error: link to a missing page `../second/` (looked for content/second/) [BL0401]
  help: links are relative to the linking file's folder, content/guide/
```

A failed `build` leaves the output folder as the last good build left it. The preview
(`backlot serve`) keeps running and shows the problems in the browser instead of the page.

## Errors and warnings

An error fails `build`; a warning is printed and the site still builds. `check` treats warnings
as errors, so a pull request cannot add one. `[links] level = "warn"` (or `build --links warn`)
turns broken links into warnings while a migration is under way, and
`[front_matter] unknown_keys = "error"` turns unknown front matter keys into errors: see
[Settings](settings.md).

## `check --format github`

One GitHub Actions annotation per problem
(`::error file=...,line=...,col=...,title=backlot BL0401: link to a missing page or file::message`),
so the problems show on the pull request's changed lines, and the same text as above in the log.

## `check --format json`

One JSON document on standard output:

| Field | Type | Description |
|---|---|---|
| `command` | string | `"check"`. |
| `ok` | boolean | Whether the site has no errors. |
| `errors` | integer | The number of errors. |
| `warnings` | integer | The number of warnings. |
| `summary` | object or null | What was built; null when the site could not even be loaded. |
| `summary.pages` | integer | Pages. |
| `summary.sections` | integer | Sections. |
| `summary.files` | integer | Files written (or that would be). |
| `summary.millis` | integer | How long it took, in milliseconds. |
| `summary.note` | string or null | A note on the run, such as snippet languages skipped. |
| `diagnostics` | array | Every problem, in a stable order. |
| `diagnostics[].path` | string | The file, relative to the site root, with `/` separators. |
| `diagnostics[].line` | integer | 1-based line (1 when the problem concerns the whole file). |
| `diagnostics[].col` | integer | 1-based column. |
| `diagnostics[].severity` | string | `"error"` or `"warning"`. |
| `diagnostics[].code` | string | The problem's code, such as `"BL0401"`: see [Codes](#codes). |
| `diagnostics[].message` | string | What is wrong. |
| `diagnostics[].help` | string or null | How to fix it. |
| `diagnostics[].target` | string | For a broken link: the file it points at (absent otherwise). |

## Codes

Every problem has a code: `BL`, two digits for its area, two for the problem. A code never
changes meaning, so scripts and search engines can rely on it. `backlot explain BL0401` prints
a code's explanation in the terminal; `backlot explain` lists them all.

"#;
