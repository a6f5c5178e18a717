//! The crate's module graph has no cycles: every `crate::x` path in `src/**/*.rs` (outside
//! comments and `#[cfg(test)] mod tests`) is an edge from the file's top module to `x`, and
//! the graph of top modules must be acyclic, so data flows one way through the stages.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The top modules each `crate::` path in `text` names.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        match rest.strip_prefix('{') {
            // `crate::{a::B, c}`: the first name of each item at the top level of the braces.
            Some(list) => {
                let (mut depth, mut start) = (0, true);
                for (j, c) in list.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => start = true,
                        c if start && !c.is_whitespace() => {
                            out.insert(ident(&list[j..]));
                            start = false;
                        }
                        _ => {}
                    }
                }
            }
            None => {
                out.insert(ident(rest));
            }
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

/// The code of a source file without its comments and its unit tests.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn module_graph(src: &Path) -> Graph {
    let mut graph = Graph::new();
    for e in walkdir::WalkDir::new(src).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(rel) = rel.strip_suffix(".rs") else {
            continue;
        };
        let top = rel.split('/').next().unwrap().to_string();
        if top == "main" || top == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        let mut deps = crate_paths(&code_of(&text));
        deps.remove(&top);
        graph.entry(top).or_default().extend(deps);
    }
    graph
}

/// One cycle of the graph (`a -> b -> a`), if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        g: &Graph,
        v: &str,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == v) {
            let mut cycle = path[i..].to_vec();
            cycle.push(v.to_string());
            return Some(cycle);
        }
        if !done.insert(v.to_string()) {
            return None;
        }
        path.push(v.to_string());
        for w in g.get(v).into_iter().flatten() {
            if let Some(c) = visit(g, w, done, path) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|v| visit(graph, v, &mut done, &mut Vec::new()))
}

#[test]
fn the_module_graph_has_no_cycles() {
    let graph = module_graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(
        graph.len() > 10 && graph["pipeline"].contains("render"),
        "{graph:?}"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "import cycle: {}; move the shared item to the module that owns it",
            cycle.join(" -> ")
        );
    }
}

#[test]
fn the_cycle_check_sees_cycles_and_use_lists() {
    let paths = crate_paths("use crate::{a::B, c::{d, e}};\nlet x = crate::f::g();");
    assert_eq!(
        paths,
        ["a", "c", "f"].map(String::from).into_iter().collect()
    );
    let code = code_of("// crate::x\nuse crate::y;\n#[cfg(test)]\nmod tests {\n use crate::z;\n}");
    assert_eq!(crate_paths(&code), ["y".to_string()].into_iter().collect());
    let mut g = Graph::new();
    for (a, b) in [("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")] {
        g.entry(a.into()).or_default().insert(b.into());
    }
    assert_eq!(find_cycle(&g).unwrap().join(" -> "), "a -> b -> c -> a");
    g.get_mut("c").unwrap().clear();
    assert_eq!(find_cycle(&g), None);
}
