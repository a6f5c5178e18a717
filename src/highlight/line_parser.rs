//! syntect's `ParseState`, driven more cheaply: the same algorithm, step for step, over the
//! pre-resolved grammars of `grammar`, giving the same scope operations.
//!
//! What differs is bookkeeping only. syntect walks each context's includes at every token,
//! keeps its per-line match cache in a hash map keyed by pattern address, and clones an
//! Oniguruma region (two C allocations) for every match it caches or returns. Here contexts
//! come pre-flattened, the cache is an array indexed by pattern slot and reset per line by a
//! stamp, and a cached match keeps the region its search filled (swapped, not copied). The
//! tests compare the operations with syntect's for every grammar of the set.

use super::grammar::{Cid, Ctx, Grammars, Pat};
use std::cell::RefCell;
use syntect::parsing::syntax_definition::{Context, MatchOperation, MatchPattern};
use syntect::parsing::{ParseState, Region, ScopeStackOp, SyntaxReference, SyntaxSet};

/// A parse error: the caller shows the block as plain text, as it does on syntect's errors.
#[derive(Debug)]
pub(crate) struct Broken;

type Ops = Vec<(usize, ScopeStackOp)>;

/// Parses one code block line by line; syntect's own `ParseState` when the grammars could not
/// be read (see `grammar`).
pub(crate) enum Lines<'a> {
    Fast(LineParser<'a>),
    Stock(ParseState, &'a SyntaxSet),
}

impl<'a> Lines<'a> {
    pub(crate) fn new(g: &'a Grammars, set: &'a SyntaxSet, syntax: &SyntaxReference) -> Self {
        let index = set.syntaxes().iter().position(|s| std::ptr::eq(s, syntax));
        match index.and_then(|i| g.start(set, i)) {
            Some(start) => Lines::Fast(LineParser::new(g, set, start)),
            None => Lines::Stock(ParseState::new(syntax), set),
        }
    }

    /// The scope operations for `line` (with its newline), into `ops`.
    pub(crate) fn parse_line(&mut self, line: &str, ops: &mut Ops) -> Result<(), Broken> {
        match self {
            Lines::Fast(p) => p.parse_line(line, ops),
            Lines::Stock(state, set) => {
                *ops = state.parse_line(line, set).map_err(|_| Broken)?;
                Ok(())
            }
        }
    }
}

pub(crate) struct LineParser<'a> {
    g: &'a Grammars,
    set: &'a SyntaxSet,
    stack: Vec<Level>,
    first_line: bool,
    proto_starts: Vec<usize>,
}

/// syntect's `StateLevel`.
#[derive(Clone)]
struct Level {
    context: Cid,
    prototypes: Vec<Cid>,
    captures: Option<(Region, String)>,
}

/// One thread's match cache, kept from line to line and block to block.
struct Cache {
    /// The current line's stamp; an entry with another stamp is empty.
    stamp: u32,
    entries: Vec<Entry>,
    /// The region searches write into.
    scratch: Region,
}

#[derive(Default)]
struct Entry {
    stamp: u32,
    /// Whether the pattern matched (in `region`) or, searched on this line, did not.
    found: bool,
    region: Option<Region>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache {
        stamp: 0,
        entries: Vec::new(),
        scratch: Region::new(),
    });
}

/// Where a match's region lives: in the cache, or (uncacheable matches) owned.
enum Found {
    Slot(u32),
    Own(Region),
}

/// syntect's `RegexMatch`.
struct Best {
    found: Found,
    ctx: Cid,
    index: u32,
    from_with_prototype: bool,
    would_loop: bool,
}

impl Cache {
    /// Room for every pattern read so far (grammars are read as first used, even mid-line).
    fn fit(&mut self, slots: usize) {
        if self.entries.len() < slots {
            self.entries.resize_with(slots, Entry::default);
        }
    }

    /// A new, empty cache for the next line.
    fn next_line(&mut self) {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.entries.iter_mut().for_each(|e| e.stamp = 0);
            self.stamp = 1;
        }
    }

    fn region<'r>(&'r self, found: &'r Found) -> &'r Region {
        match found {
            Found::Slot(s) => self.entries[*s as usize]
                .region
                .as_ref()
                .expect("cached match"),
            Found::Own(r) => r,
        }
    }

    fn span(&self, found: &Found) -> (usize, usize) {
        self.region(found).pos(0).expect("group 0 of a match")
    }
}

/// Patterns pushed deeper than this are not entered (syntect's limit).
const MAX_STACK: usize = 100;

impl<'a> LineParser<'a> {
    fn new(g: &'a Grammars, set: &'a SyntaxSet, start: Cid) -> Self {
        LineParser {
            g,
            set,
            stack: vec![Level {
                context: start,
                prototypes: Vec::new(),
                captures: None,
            }],
            first_line: true,
            proto_starts: Vec::new(),
        }
    }

    fn ctx(&self, id: Cid) -> Result<&'a Ctx, Broken> {
        self.g.get(self.set, id).ok_or(Broken)
    }

    fn pattern(&self, id: Cid, index: u32) -> Result<(&'a MatchPattern, &'a Pat), Broken> {
        self.g.pattern(self.set, id, index).ok_or(Broken)
    }

    fn parse_line(&mut self, line: &str, ops: &mut Ops) -> Result<(), Broken> {
        ops.clear();
        let top = self.stack.last().ok_or(Broken)?.context;
        if self.first_line {
            if let Some(scope) = self.ctx(top)?.def.meta_content_scope.first() {
                ops.push((0, ScopeStackOp::Push(*scope)));
            }
            self.first_line = false;
        }
        CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            cache.next_line();
            let mut start = 0;
            let mut non_consuming_push_at = (0, 0);
            while self.next_token(
                line,
                &mut start,
                &mut cache,
                &mut non_consuming_push_at,
                ops,
            )? {}
            Ok(())
        })
    }

    /// syntect's `parse_next_token`: finds and applies the next match; false at the line's end.
    fn next_token(
        &mut self,
        line: &str,
        start: &mut usize,
        cache: &mut Cache,
        non_consuming_push_at: &mut (usize, usize),
        ops: &mut Ops,
    ) -> Result<bool, Broken> {
        let check_pop_loop = *non_consuming_push_at == (*start, self.stack.len());
        while self
            .proto_starts
            .last()
            .is_some_and(|s| *s >= self.stack.len())
        {
            self.proto_starts.pop();
        }
        let Some(best) = self.find_best_match(line, *start, cache, check_pop_loop)? else {
            return Ok(false);
        };
        if best.would_loop {
            // A non-consuming push followed by a non-consuming pop would loop: skip a character.
            return Ok(match line[*start..].char_indices().nth(1) {
                Some((i, _)) => {
                    *start += i;
                    true
                }
                None => false,
            });
        }
        let match_end = cache.span(&best.found).1;
        if match_end <= *start {
            let (pat, _) = self.pattern(best.ctx, best.index)?;
            if let MatchOperation::Push(_) = pat.operation {
                *non_consuming_push_at = (match_end, self.stack.len() + 1);
            }
        }
        *start = match_end;
        if best.from_with_prototype {
            self.proto_starts.push(self.stack.len());
        }
        let level = self.ctx(self.stack.last().ok_or(Broken)?.context)?;
        self.exec_pattern(line, &best, cache.region(&best.found), level, ops)?;
        Ok(true)
    }

    /// The contexts syntect tries, in its order: the `with_prototype`s of the stack from the
    /// last prototype start up, the current context's prototype, then the context itself.
    fn find_best_match(
        &self,
        line: &str,
        start: usize,
        cache: &mut Cache,
        check_pop_loop: bool,
    ) -> Result<Option<Best>, Broken> {
        let cur = self.stack.last().ok_or(Broken)?;
        let proto_start = self.proto_starts.last().copied().unwrap_or(0);
        let mut search = Search {
            parser: self,
            line,
            start,
            check_pop_loop,
            min_start: usize::MAX,
            pop_would_loop: false,
            best: None,
        };
        for level in &self.stack[proto_start..] {
            for ctx in &level.prototypes {
                if search.context(cache, true, *ctx, level.captures.as_ref())? {
                    return Ok(search.best);
                }
            }
        }
        if let Some(proto) = self.ctx(cur.context)?.prototype {
            if search.context(cache, false, proto, None)? {
                return Ok(search.best);
            }
        }
        search.context(cache, false, cur.context, cur.captures.as_ref())?;
        Ok(search.best)
    }

    /// syntect's `search`: the pattern's match at or after `start`, from the line's cache
    /// when it holds one.
    fn search(
        &self,
        cache: &mut Cache,
        line: &str,
        start: usize,
        (pat, slot): (&MatchPattern, u32),
        captures: Option<&(Region, String)>,
    ) -> Option<Found> {
        let entry = &cache.entries[slot as usize];
        if entry.stamp == cache.stamp {
            if !entry.found {
                return None;
            }
            if cache.span(&Found::Slot(slot)).0 >= start {
                return Some(Found::Slot(slot));
            }
        }
        let with_refs;
        let (regex, can_cache) = match (pat.has_captures, captures) {
            (true, Some((region, text))) => {
                with_refs = pat.regex_with_refs(region, text);
                (&with_refs, false)
            }
            _ => (pat.regex(), true),
        };
        let stamp = cache.stamp;
        if !regex.search(line, start, line.len(), Some(&mut cache.scratch)) {
            if can_cache {
                let entry = &mut cache.entries[slot as usize];
                entry.stamp = stamp;
                entry.found = false;
            }
            return None;
        }
        let (match_start, match_end) = cache.scratch.pos(0)?;
        // Guards against looping on patterns that match nothing (syntect's `does_something`).
        let does_something = match pat.operation {
            MatchOperation::None => match_start != match_end,
            MatchOperation::Push(_) => self.stack.len() < MAX_STACK,
            _ => true,
        };
        if !does_something {
            return None;
        }
        if !can_cache {
            return Some(Found::Own(cache.scratch.clone()));
        }
        let Cache {
            entries, scratch, ..
        } = cache;
        let entry = &mut entries[slot as usize];
        entry.stamp = stamp;
        entry.found = true;
        match &mut entry.region {
            Some(region) => std::mem::swap(region, scratch),
            None => entry.region = Some(std::mem::replace(scratch, Region::new())),
        }
        Some(Found::Slot(slot))
    }

    /// syntect's `exec_pattern`: the match's scope operations, then its effect on the stack.
    fn exec_pattern(
        &mut self,
        line: &str,
        best: &Best,
        region: &Region,
        level: &Ctx,
        ops: &mut Ops,
    ) -> Result<(), Broken> {
        let (match_start, match_end) = region.pos(0).ok_or(Broken)?;
        let (pat, info) = self.pattern(best.ctx, best.index)?;
        if info.broken {
            return Err(Broken);
        }
        self.push_meta_ops(true, match_start, level, pat, info, ops)?;
        for scope in &pat.scope {
            ops.push((match_start, ScopeStackOp::Push(*scope)));
        }
        if let Some(capture_map) = &pat.captures {
            // Captures can match in any order; outer ones must push first.
            let mut map: Vec<((usize, i32), ScopeStackOp)> = Vec::new();
            for (cap_index, scopes) in capture_map {
                let Some((cap_start, cap_end)) = region.pos(*cap_index) else {
                    continue;
                };
                if cap_start == cap_end {
                    continue;
                }
                for scope in scopes {
                    let key = (cap_start, -((cap_end - cap_start) as i32));
                    map.push((key, ScopeStackOp::Push(*scope)));
                }
                map.push(((cap_end, i32::MIN), ScopeStackOp::Pop(scopes.len())));
            }
            map.sort_by_key(|a| a.0); // stable, as syntect's
            ops.extend(map.into_iter().map(|((index, _), op)| (index, op)));
        }
        if !pat.scope.is_empty() {
            ops.push((match_end, ScopeStackOp::Pop(pat.scope.len())));
        }
        self.push_meta_ops(false, match_end, level, pat, info, ops)?;
        self.perform_op(line, region, pat, info)
    }

    /// syntect's `push_meta_ops`, with its Sublime Text quirks.
    fn push_meta_ops(
        &self,
        initial: bool,
        index: usize,
        cur: &Ctx,
        pat: &MatchPattern,
        info: &Pat,
        ops: &mut Ops,
    ) -> Result<(), Broken> {
        let cur = &cur.def;
        let is_set = match pat.operation {
            MatchOperation::Pop => {
                let v = if initial {
                    &cur.meta_content_scope
                } else {
                    &cur.meta_scope
                };
                if !v.is_empty() {
                    ops.push((index, ScopeStackOp::Pop(v.len())));
                }
                // Cleared scopes come back after the popping pattern's own scopes.
                if !initial && cur.clear_scopes.is_some() {
                    ops.push((index, ScopeStackOp::Restore));
                }
                return Ok(());
            }
            MatchOperation::None => return Ok(()),
            MatchOperation::Push(_) => false,
            MatchOperation::Set(_) => true,
        };
        let targets = info.targets.iter().map(|id| self.ctx(*id).map(|c| &c.def));
        let targets = targets.collect::<Result<Vec<_>, _>>()?;
        if initial {
            if is_set && cur.clear_scopes.is_some() {
                ops.push((index, ScopeStackOp::Restore));
            }
            for ctx in &targets {
                enter(ops, index, ctx, !is_set, false);
            }
            return Ok(());
        }
        let repush = (is_set && (!cur.meta_scope.is_empty() || !cur.meta_content_scope.is_empty()))
            || targets
                .iter()
                .any(|c| !c.meta_content_scope.is_empty() || (c.clear_scopes.is_some() && is_set));
        if !repush {
            return Ok(());
        }
        // Pop the meta scopes pushed before, so meta content scopes apply in the right order.
        let mut to_pop: usize = targets.iter().map(|c| c.meta_scope.len()).sum();
        if is_set {
            to_pop += cur.meta_content_scope.len() + cur.meta_scope.len();
        }
        if to_pop > 0 {
            ops.push((index, ScopeStackOp::Pop(to_pop)));
        }
        for ctx in &targets {
            // Contrary to Sublime's docs, `set` clears after the token, `push` before it.
            enter(ops, index, ctx, is_set, true);
        }
        Ok(())
    }

    /// syntect's `perform_op`: push, set or pop contexts.
    fn perform_op(
        &mut self,
        line: &str,
        region: &Region,
        pat: &MatchPattern,
        info: &Pat,
    ) -> Result<(), Broken> {
        let old_prototypes = match pat.operation {
            MatchOperation::Push(_) => None,
            // A `with_prototype` stays active through a `set` until its level is popped.
            MatchOperation::Set(_) => self.stack.pop().map(|s| s.prototypes),
            MatchOperation::Pop => {
                self.stack.pop();
                return Ok(());
            }
            MatchOperation::None => return Ok(()),
        };
        let last = info.targets.len().saturating_sub(1);
        for (i, id) in info.targets.iter().enumerate() {
            let mut prototypes = match (i, &old_prototypes) {
                (0, Some(old)) => old.clone(),
                _ => Vec::new(),
            };
            // A `with_prototype` applies to the last context pushed only.
            if i == last {
                prototypes.extend(info.with_prototype);
            }
            let mut uses_backrefs = self.ctx(*id)?.def.uses_backrefs;
            for p in &prototypes {
                uses_backrefs |= self.ctx(*p)?.def.uses_backrefs;
            }
            self.stack.push(Level {
                context: *id,
                prototypes,
                captures: uses_backrefs.then(|| (region.clone(), line.to_owned())),
            });
        }
        Ok(())
    }
}

/// The operations entering `ctx` at `index`: its `clear_scopes` when `clear`, its meta scope,
/// and its meta content scope when `content`.
fn enter(ops: &mut Ops, index: usize, ctx: &Context, clear: bool, content: bool) {
    if let Some(amount) = ctx.clear_scopes.filter(|_| clear) {
        ops.push((index, ScopeStackOp::Clear(amount)));
    }
    let content = ctx.meta_content_scope.iter().filter(|_| content);
    let scopes = ctx.meta_scope.iter().chain(content);
    ops.extend(scopes.map(|s| (index, ScopeStackOp::Push(*s))));
}

/// The state of one `find_best_match`: the earliest match so far.
struct Search<'p, 'a, 'l> {
    parser: &'p LineParser<'a>,
    line: &'l str,
    start: usize,
    check_pop_loop: bool,
    min_start: usize,
    pop_would_loop: bool,
    best: Option<Best>,
}

impl Search<'_, '_, '_> {
    /// Tries every pattern of context `id`; true when the search is over (a match right at
    /// `start`, or a push too deep, which leaves no match).
    fn context(
        &mut self,
        cache: &mut Cache,
        from_with_prototype: bool,
        id: Cid,
        captures: Option<&(Region, String)>,
    ) -> Result<bool, Broken> {
        let p = self.parser;
        let flat = p.g.flat(p.set, id).ok_or(Broken)?;
        cache.fit(p.g.slots());
        for flat in flat {
            let (pat, _) = p.pattern(flat.ctx, flat.index)?;
            let Some(found) = p.search(cache, self.line, self.start, (pat, flat.slot), captures)
            else {
                continue;
            };
            let (match_start, match_end) = cache.span(&found);
            if match_start > self.min_start
                || (match_start == self.min_start && !self.pop_would_loop)
            {
                continue;
            }
            self.min_start = match_start;
            self.pop_would_loop = self.check_pop_loop
                && match_end <= self.start
                && matches!(pat.operation, MatchOperation::Pop);
            if matches!(pat.operation, MatchOperation::Push(_)) && p.stack.len() >= MAX_STACK {
                self.best = None;
                return Ok(true);
            }
            self.best = Some(Best {
                found,
                ctx: flat.ctx,
                index: flat.index,
                from_with_prototype,
                would_loop: self.pop_would_loop,
            });
            if match_start == self.start && !self.pop_would_loop {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;
    use crate::highlight::Highlighter;

    /// Snippets that reach many grammar features: embedded languages (`embed`/`escape`, which
    /// syntect turns into `with_prototype`), heredocs (back-references), nested templates,
    /// unterminated strings and comments that run to the end of the block.
    const SAMPLES: &[&str] = &[
        "fn main() {\n    let v: Vec<u8> = b\"x\\n\".to_vec(); // c\n    println!(\"{v:?} {}\", 'a');\n    /* open\n    r#\"raw\"#\n}\n",
        "def f(x: int) -> str:\n    '''doc\n    more'''\n    return f\"{x!r:>4}\" + r'\\d'\n@decorator\nclass A(B): pass\n",
        "const t = `a ${b + `c ${d}`} e`;\nlet re = /[a-z]+\\//g; // x\nfunction* g() { yield <div a={1}>{x}</div>; }\n",
        "<!DOCTYPE html>\n<html><head><style>a { color: red; }</style>\n<script>if (a < b) { x = \"</scr\" + 'ipt>'; }</script></head>\n<body><!-- c --><p class=x>&amp; &lt;</p></body></html>\n",
        "cat <<EOF > f.txt\nline $HOME ${x:-y} $(date)\nEOF\necho \"done\" | grep -E '^d' && exit 0\ncase $1 in a) echo;; esac\n",
        "# Title\n\nSome *em* and `code` and [link](http://x).\n\n```python\nprint('hi')\n```\n\n```js\nlet a = 1;\n```\n\n> quote\n- item\n",
        "SELECT a, count(*) FROM t WHERE b = 'x''y' -- c\nGROUP BY a HAVING count(*) > 1;\nINSERT INTO t VALUES (1, \"q\");\n",
        "key: value\nlist:\n  - a: 1\n    b: |\n      text\n  - \"quoted\": &anchor [1, 2]\n<?php echo $x; ?>\n",
        "x = <<~SQL\n  SELECT #{a}\nSQL\nputs \"#{y}\" if z =~ /a(b)c/\n%w[a b].each { |s| s }\n",
        "{\"a\": [1, 2.5e-3, true, null], \"b\": {\"c\": \"\\u00e9\"}}\n",
        "package main\nimport \"fmt\"\nfunc main() { s := `raw\nstring`; fmt.Println(s, 'c', 0x1F) }\n",
        "template <typename T> struct S { T v; };\n#include <vector>\n#define M(x) ((x) + 1)\nint main() { return M(2) /* x */; }\n",
    ];

    fn stock_ops(set: &SyntaxSet, syntax: &SyntaxReference, text: &str) -> Vec<Option<Ops>> {
        let mut state = ParseState::new(syntax);
        let lines = syntect::util::LinesWithEndings::from(text);
        lines.map(|l| state.parse_line(l, set).ok()).collect()
    }

    fn fast_ops(
        g: &Grammars,
        set: &SyntaxSet,
        syntax: &SyntaxReference,
        text: &str,
    ) -> Vec<Option<Ops>> {
        let mut parser = Lines::new(g, set, syntax);
        assert!(
            matches!(parser, Lines::Fast(_)),
            "{}: the grammar could not be read, so syntect's parser would run",
            syntax.name
        );
        let lines = syntect::util::LinesWithEndings::from(text);
        lines
            .map(|l| {
                let mut ops = Vec::new();
                parser.parse_line(l, &mut ops).ok().map(|()| ops)
            })
            .collect()
    }

    /// Every grammar of the set, on every sample: the same operations as syntect's, line for
    /// line, errors included (after an error the caller stops, so later lines do not count).
    #[test]
    fn same_operations_as_syntect_for_every_grammar() {
        let h = Highlighter::new(&config::Highlight::default());
        let set = h.syntaxes();
        let g = Grammars::new(set);
        let mut lines = 0;
        for syntax in set.syntaxes() {
            for sample in SAMPLES {
                let want = stock_ops(set, syntax, sample);
                let got = fast_ops(&g, set, syntax, sample);
                let upto = want
                    .iter()
                    .position(Option::is_none)
                    .map_or(want.len(), |i| i + 1);
                assert_eq!(got[..upto], want[..upto], "{} on {sample:?}", syntax.name);
                lines += upto;
            }
        }
        assert!(lines > 10_000, "only {lines} lines compared");
    }

    /// The cache is per line: a pattern's miss on one line must not hide its match on the next,
    /// including after the stamp wraps around.
    #[test]
    fn the_cache_forgets_each_line_even_when_the_stamp_wraps() {
        let h = Highlighter::new(&config::Highlight::default());
        let set = h.syntaxes();
        let g = Grammars::new(set);
        let rust = set.find_syntax_by_token("rs").unwrap();
        CACHE.with(|c| c.borrow_mut().stamp = u32::MAX - 1);
        let text = "let a = 1;\n// c\nlet b = \"s\";\nfn f() {}\n";
        assert_eq!(fast_ops(&g, set, rust, text), stock_ops(set, rust, text));
        assert!(CACHE.with(|c| c.borrow().stamp) < 10);
    }
}
