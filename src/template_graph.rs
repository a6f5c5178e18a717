//! Static checks of a theme's templates before Tera sees them. Tera has no depth limit: a
//! template that extends, includes or imports itself (directly or through others) and a macro
//! that calls itself with nothing to stop it overflow the stack, which aborts the process
//! (and with it the preview). So, from the template sources:
//! - every `extends`/`include`/`import` cycle is an error, whatever conditions surround it;
//! - a macro cycle (`self::m(...)` or `ns::m(...)` calls) is an error when every call in it
//!   is unconditional: outside any `{% if %}` or `{% for %}` of the calling macro. A call
//!   inside one may end (the default theme's `toc_list` recurses on children); a condition
//!   that never turns false is not detected (documented in docs/testing.md).
//!
//! Also finds where a variable is used, for runtime errors that name no line.

use crate::diag::Code;
use crate::diag::{line_col, Diagnostic};
use std::collections::{BTreeMap, HashMap};

/// One `{% %}` or `{{ }}` tag: its byte offset in the source, its inside, whether a statement.
struct Tag<'a> {
    at: usize,
    inner: &'a str,
    statement: bool,
}

/// The tags of a template in order, comments skipped, whitespace-control dashes trimmed.
fn tags(src: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(found) = src[i..].find('{') {
        let start = i + found;
        let rest = &src[start..];
        let close = match rest.as_bytes().get(1) {
            Some(b'%') => "%}",
            Some(b'{') => "}}",
            Some(b'#') => "#}",
            _ => {
                i = start + 1;
                continue;
            }
        };
        let Some(len) = rest[2..].find(close) else {
            break;
        };
        if close != "#}" {
            out.push(Tag {
                at: start,
                inner: rest[2..2 + len].trim_matches(['-', ' ', '\t', '\n', '\r']),
                statement: close == "%}",
            });
        }
        i = start + 2 + len + 2;
    }
    out
}

/// The insides of a template's tags, in order (comments skipped), for other static scans
/// (`theme::Theme::uses`).
pub(crate) fn tag_insides(src: &str) -> impl Iterator<Item = &str> {
    tags(src).into_iter().map(|t| t.inner)
}

/// The string literals of a tag.
fn quoted(tag: &str) -> impl Iterator<Item = &str> {
    tag.split(['"', '\'', '`']).skip(1).step_by(2)
}

fn first_word(tag: &str) -> &str {
    tag.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("")
}

/// A reference from one template (or macro) to another, with the line it is on.
type Edges<N> = BTreeMap<N, Vec<(N, Pos)>>;

/// Line and column.
type Pos = (usize, usize);

/// The cycles of a graph, each as its nodes from the smallest back to it, each once,
/// with the line of the cycle's first edge.
fn cycles<N: Ord + Clone>(edges: &Edges<N>) -> Vec<(Vec<N>, Pos)> {
    let mut found: BTreeMap<Vec<N>, Pos> = BTreeMap::new();
    for start in edges.keys() {
        // Depth-first from `start`, only through nodes greater than it: each cycle is
        // found once, from its smallest node.
        let mut path: Vec<(N, usize)> = vec![(start.clone(), 0)];
        let mut lines: Vec<Pos> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        while let Some((node, next)) = path.last().cloned() {
            let out = edges.get(&node).map_or(&[][..], Vec::as_slice);
            let Some((to, line)) = out.get(next).cloned() else {
                path.pop();
                lines.pop();
                continue;
            };
            path.last_mut().unwrap().1 += 1;
            if to == *start {
                let mut cycle: Vec<N> = path.iter().map(|p| p.0.clone()).collect();
                cycle.push(to);
                found
                    .entry(cycle)
                    .or_insert(*lines.first().unwrap_or(&line));
            } else if to > *start && seen.insert(to.clone()) {
                path.push((to, 0));
                lines.push(line);
            }
        }
    }
    found.into_iter().collect()
}

/// `extends`/`include`/`import` references between the templates in `sources`.
fn template_edges(sources: &HashMap<String, (String, String)>) -> Edges<String> {
    let mut edges = Edges::new();
    for (name, (_, src)) in sources {
        let out: &mut Vec<_> = edges.entry(name.clone()).or_default();
        for tag in tags(src).iter().filter(|t| t.statement) {
            if matches!(first_word(tag.inner), "extends" | "include" | "import") {
                let line = line_col(src, tag.at);
                for target in quoted(tag.inner).filter(|t| sources.contains_key(*t)) {
                    out.push((target.to_string(), line));
                }
            }
        }
    }
    edges
}

/// Unconditional macro calls: (template, macro) -> (template, macro) called outside any
/// `if`/`for` of the calling macro's body.
fn macro_edges(sources: &HashMap<String, (String, String)>) -> Edges<(String, String)> {
    let mut edges = Edges::new();
    for (name, (_, src)) in sources {
        let mut imports: HashMap<&str, &str> = HashMap::new();
        let mut current: Option<String> = None;
        let mut depth = 0usize;
        for tag in tags(src) {
            let word = first_word(tag.inner);
            if tag.statement && word == "import" {
                if let (Some(file), Some(alias)) =
                    (quoted(tag.inner).next(), tag.inner.rsplit(" as ").next())
                {
                    imports.insert(alias.trim(), file);
                }
            }
            if let Some(m) = &current {
                if depth == 0 {
                    for (ns, called) in calls(tag.inner) {
                        let file = if ns == "self" {
                            Some(name.as_str())
                        } else {
                            imports.get(ns).copied()
                        };
                        if let Some(file) = file {
                            edges
                                .entry((name.clone(), m.clone()))
                                .or_insert_with(Vec::new)
                                .push((
                                    (file.to_string(), called.to_string()),
                                    line_col(src, tag.at),
                                ));
                        }
                    }
                }
            }
            if !tag.statement {
                continue;
            }
            match word {
                "macro" => {
                    let rest = tag.inner["macro".len()..].trim_start();
                    current = Some(first_word(rest).to_string());
                    depth = 0;
                }
                "endmacro" => current = None,
                "if" | "for" => depth += 1,
                "endif" | "endfor" => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    edges
}

/// `ns::name(` calls in a tag, outside string literals.
fn calls(tag: &str) -> Vec<(&str, &str)> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let code: Vec<&str> = tag.split(['"', '\'', '`']).step_by(2).collect();
    for part in code {
        for (i, _) in part.match_indices("::") {
            let ns_start = part[..i].rfind(|c: char| !ident(c)).map_or(0, |j| j + 1);
            let after = &part[i + 2..];
            let name_end = after.find(|c: char| !ident(c)).unwrap_or(after.len());
            if after[name_end..].trim_start().starts_with('(') && ns_start < i && name_end > 0 {
                out.push((&part[ns_start..i], &after[..name_end]));
            }
        }
    }
    out
}

/// Errors for every template cycle and every unconditional macro cycle in `sources`
/// (template name -> (path shown, text)).
pub(crate) fn check(sources: &HashMap<String, (String, String)>) -> Vec<Diagnostic> {
    let shown = |name: &str| sources.get(name).map_or(name.to_string(), |s| s.0.clone());
    let mut out = Vec::new();
    for (cycle, (line, col)) in cycles(&template_edges(sources)) {
        let chain = cycle.join(" -> ");
        out.push(
            Diagnostic::error(Code::TemplateCycle, shown(&cycle[0]), line, col, format!("template cycle: {chain}"))
                .with_help("a template must not extend, include or import itself, even through other templates: rendering would never end"),
        );
    }
    for (cycle, (line, col)) in cycles(&macro_edges(sources)) {
        let chain: Vec<String> = cycle.iter().map(|(f, m)| format!("{f}::{m}")).collect();
        out.push(
            Diagnostic::error(
                Code::MacroRecursion,
                shown(&cycle[0].0),
                line,
                col,
                format!("macro recursion with no condition: {}", chain.join(" -> ")),
            )
            .with_help("put the recursive call inside an {% if %} or {% for %} that ends, e.g. a loop over the children of a tree"),
        );
    }
    out
}

/// The templates `name` pulls in (extends, include, import), transitively, `name` first.
pub(crate) fn pulled_in<'s>(
    name: &'s str,
    sources: &'s HashMap<String, (String, String)>,
) -> Vec<&'s str> {
    let mut order = vec![name];
    let mut i = 0;
    while i < order.len() {
        if let Some((_, src)) = sources.get(order[i]) {
            for tag in tags(src).iter().filter(|t| t.statement) {
                if matches!(first_word(tag.inner), "extends" | "include" | "import") {
                    for t in quoted(tag.inner) {
                        if let Some((k, _)) = sources.get_key_value(t) {
                            if !order.contains(&k.as_str()) {
                                order.push(k);
                            }
                        }
                    }
                }
            }
        }
        i += 1;
    }
    order
}

/// Line and column of the first use of `word` in a tag of `src`, outside string literals.
pub(crate) fn find_use(src: &str, word: &str) -> Option<(usize, usize)> {
    if word.is_empty() {
        return None;
    }
    tags(src).into_iter().find_map(|tag| {
        let mut offset = 0;
        for (k, part) in tag.inner.split(['"', '\'', '`']).enumerate() {
            let found = part.match_indices(word).find(|(i, _)| {
                let before = part[..*i].chars().next_back();
                let after = part[i + word.len()..].chars().next();
                let ident = |c: char| c.is_alphanumeric() || c == '_';
                !before.is_some_and(|c| ident(c) || c == '.') && !after.is_some_and(ident)
            });
            if let (0, Some((i, _))) = (k % 2, found) {
                let inner_at = tag.inner.as_ptr() as usize - src.as_ptr() as usize;
                return Some(line_col(src, inner_at + offset + i));
            }
            offset += part.len() + 1;
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(files: &[(&str, &str)]) -> HashMap<String, (String, String)> {
        files
            .iter()
            .map(|(n, s)| {
                (
                    n.to_string(),
                    (format!("themes/t/templates/{n}"), s.to_string()),
                )
            })
            .collect()
    }

    fn messages(files: &[(&str, &str)]) -> Vec<String> {
        check(&sources(files))
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn template_cycles_are_named() {
        let m = messages(&[
            ("a.html", "x\n{% extends \"b.html\" %}"),
            ("b.html", "{% include \"a.html\" %}"),
            ("c.html", "{%- include 'c.html' -%}"),
            ("d.html", "{% extends \"base.html\" %}"),
            ("base.html", "{# {% include \"base.html\" %} #}ok"),
        ]);
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(
            m[0].starts_with(
                "themes/t/templates/a.html:2:1: error: template cycle: a.html -> b.html -> a.html"
            ),
            "{m:?}"
        );
        assert!(
            m[1].starts_with(
                "themes/t/templates/c.html:1:1: error: template cycle: c.html -> c.html"
            ),
            "{m:?}"
        );
    }

    #[test]
    fn unconditional_macro_recursion_is_found_and_guarded_recursion_is_not() {
        let toc = "{% macro toc_list(entries) %}<ul>{% for h in entries %}{% if h.children %}{{ self::toc_list(entries=h.children) }}{% endif %}{% endfor %}</ul>{% endmacro toc_list %}";
        assert!(messages(&[("m.html", toc)]).is_empty());
        let m = messages(&[
            (
                "m.html",
                "{% macro r(n) %}\n{{ self::r(n=n) }}{% endmacro r %}",
            ),
            (
                "p.html",
                "{% import \"q.html\" as q %}{% macro a() %}{{ q::b() }}{% endmacro %}",
            ),
            (
                "q.html",
                "{% import \"p.html\" as p %}{% macro b() %}{% set x = p::a() %}{% endmacro %}",
            ),
        ]);
        // p.html and q.html import each other: a template cycle too.
        assert!(m.iter().any(|d| d.starts_with("themes/t/templates/m.html:2:1: error: macro recursion with no condition: m.html::r -> m.html::r")), "{m:?}");
        assert!(
            m.iter().any(|d| d.contains(
                "macro recursion with no condition: p.html::a -> q.html::b -> p.html::a"
            )),
            "{m:?}"
        );
    }

    #[test]
    fn uses_are_found_outside_strings() {
        let src = "{% extends \"page.html\" %}\n<p>{{ page.title }}</p>";
        assert_eq!(find_use(src, "page"), Some((2, 7)));
        assert_eq!(find_use(src, "page.title"), Some((2, 7)));
        assert_eq!(find_use(src, "title"), None);
    }
}
