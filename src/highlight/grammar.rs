//! syntect's grammars, read once into a form that is cheap to drive line by line
//! (`line_parser`).
//!
//! syntect's own parser walks a context's `include`s afresh at every token and keys its match
//! cache by pattern address in a hash map built per line. Here each context's patterns are
//! flattened once (same order as syntect's `context_iter`), and each pattern gets a dense slot
//! number, so the per-line cache is a plain array.
//!
//! A syntax's contexts and the indexes inside a `ContextId` are `pub(crate)` in syntect; its
//! serde form is the public way in. A `SyntaxReference` serializes its contexts as syntect's
//! compressed dump, and a `ContextId` serializes as its two indexes, so both are read back with
//! syntect's own format. Should a syntect release change that layout, loading returns `None` and
//! highlighting falls back to syntect's `ParseState` (the tests in `line_parser` notice first).

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use syntect::parsing::syntax_definition::{
    Context, ContextId, ContextReference, MatchOperation, MatchPattern, Pattern,
};
use syntect::parsing::{Scope, SyntaxSet};

/// A context: which syntax of the set, which context of that syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cid {
    syntax: u32,
    context: u32,
}

/// One context with its references resolved.
pub(crate) struct Ctx {
    pub(crate) def: Context,
    pub(crate) prototype: Option<Cid>,
    /// One entry per pattern of `def.patterns`.
    pub(crate) pats: Vec<Pat>,
    flat: OnceLock<Option<Box<[Flat]>>>,
}

/// What a pattern points at, resolved once.
pub(crate) struct Pat {
    /// The contexts a `push` or `set` enters, or the context an `include` walks into.
    pub(crate) targets: Vec<Cid>,
    pub(crate) with_prototype: Option<Cid>,
    /// A reference syntect could not resolve: using this pattern is a parse error, as in syntect.
    pub(crate) broken: bool,
    /// Index of this pattern in a thread's match cache.
    pub(crate) slot: u32,
}

/// One match pattern in a context's flattened list.
#[derive(Clone, Copy)]
pub(crate) struct Flat {
    pub(crate) ctx: Cid,
    pub(crate) index: u32,
    pub(crate) slot: u32,
}

/// The grammars of one syntax set, each syntax read the first time it is used.
pub(crate) struct Grammars {
    syntaxes: Vec<OnceLock<Option<Syntax>>>,
    next_slot: AtomicU32,
}

struct Syntax {
    contexts: Vec<Ctx>,
    start: Cid,
}

/// Include chains deeper than this, or a context with more patterns than `MAX_FLAT`, are
/// treated as broken grammars (syntect itself would loop forever on a cyclic include).
const MAX_INCLUDE_DEPTH: usize = 256;
const MAX_FLAT: usize = 100_000;

impl Grammars {
    pub(crate) fn new(set: &SyntaxSet) -> Self {
        Grammars {
            syntaxes: set.syntaxes().iter().map(|_| OnceLock::new()).collect(),
            next_slot: AtomicU32::new(0),
        }
    }

    /// How many cache slots the syntaxes read so far use.
    pub(crate) fn slots(&self) -> usize {
        self.next_slot.load(Ordering::Acquire) as usize
    }

    /// The start context of syntax number `index` of `set`.
    pub(crate) fn start(&self, set: &SyntaxSet, index: usize) -> Option<Cid> {
        self.syntax(set, index).map(|s| s.start)
    }

    pub(crate) fn get(&self, set: &SyntaxSet, id: Cid) -> Option<&Ctx> {
        self.syntax(set, id.syntax as usize)?
            .contexts
            .get(id.context as usize)
    }

    /// The match pattern `index` of context `id`.
    pub(crate) fn pattern(
        &self,
        set: &SyntaxSet,
        id: Cid,
        index: u32,
    ) -> Option<(&MatchPattern, &Pat)> {
        let ctx = self.get(set, id)?;
        match ctx.def.patterns.get(index as usize)? {
            Pattern::Match(m) => Some((m, &ctx.pats[index as usize])),
            Pattern::Include(_) => None,
        }
    }

    /// Context `id`'s match patterns with its includes expanded, in syntect's order.
    pub(crate) fn flat(&self, set: &SyntaxSet, id: Cid) -> Option<&[Flat]> {
        let ctx = self.get(set, id)?;
        ctx.flat.get_or_init(|| self.flatten(set, id)).as_deref()
    }

    /// Depth first through includes, as syntect's `MatchIter` walks them; an include syntect
    /// left unresolved is skipped, as there.
    fn flatten(&self, set: &SyntaxSet, root: Cid) -> Option<Box<[Flat]>> {
        let mut out = Vec::new();
        let mut stack = vec![(root, 0usize)];
        while let Some((id, i)) = stack.pop() {
            let ctx = self.get(set, id)?;
            let Some(pattern) = ctx.def.patterns.get(i) else {
                continue;
            };
            stack.push((id, i + 1));
            let pat = &ctx.pats[i];
            match pattern {
                Pattern::Match(_) => out.push(Flat {
                    ctx: id,
                    index: i as u32,
                    slot: pat.slot,
                }),
                Pattern::Include(_) => stack.extend(pat.targets.first().map(|t| (*t, 0))),
            }
            if stack.len() > MAX_INCLUDE_DEPTH || out.len() > MAX_FLAT {
                return None;
            }
        }
        Some(out.into())
    }

    fn syntax(&self, set: &SyntaxSet, index: usize) -> Option<&Syntax> {
        self.syntaxes
            .get(index)?
            .get_or_init(|| load(set, index, &self.next_slot))
            .as_ref()
    }
}

/// A `SyntaxReference` as syntect serializes it.
#[derive(Deserialize)]
#[allow(dead_code)] // read only to reach the last field
struct ReferenceForm {
    name: String,
    file_extensions: Vec<String>,
    scope: Scope,
    first_line_match: Option<String>,
    hidden: bool,
    variables: HashMap<String, String>,
    serialized_lazy_contexts: Vec<u8>,
}

/// syntect's `LazyContexts`: the contexts of one syntax and their names.
#[derive(Deserialize)]
struct ContextsForm {
    context_ids: HashMap<String, ContextId>,
    contexts: Vec<Context>,
}

fn load(set: &SyntaxSet, index: usize, next_slot: &AtomicU32) -> Option<Syntax> {
    let reference = set.syntaxes().get(index)?;
    let form: ReferenceForm = bincode::deserialize(&bincode::serialize(reference).ok()?).ok()?;
    let lazy: ContextsForm =
        syntect::dumps::from_reader(&form.serialized_lazy_contexts[..]).ok()?;
    let start = cid(lazy.context_ids.get("__start")?)?;
    let len = lazy.contexts.len();
    let own = |c: Cid| c.syntax as usize != index || (c.context as usize) < len;
    let count: usize = lazy.contexts.iter().map(|c| c.patterns.len()).sum();
    let mut slot = next_slot.fetch_add(u32::try_from(count).ok()?, Ordering::AcqRel);
    let mut contexts = Vec::with_capacity(lazy.contexts.len());
    for def in lazy.contexts {
        let prototype = match &def.prototype {
            Some(id) => Some(cid(id)?),
            None => None,
        };
        let pats = def
            .patterns
            .iter()
            .map(|p| {
                slot += 1;
                resolve(p, slot - 1)
            })
            .collect();
        contexts.push(Ctx {
            def,
            prototype,
            pats,
            flat: OnceLock::new(),
        });
    }
    let ids = contexts.iter().flat_map(|c| {
        c.prototype
            .iter()
            .chain(c.pats.iter().flat_map(|p| &p.targets))
    });
    (start.syntax as usize == index && own(start) && ids.copied().all(own))
        .then_some(Syntax { contexts, start })
}

fn resolve(pattern: &Pattern, slot: u32) -> Pat {
    let mut pat = Pat {
        targets: Vec::new(),
        with_prototype: None,
        broken: false,
        slot,
    };
    match pattern {
        // syntect skips an include it could not resolve rather than failing.
        Pattern::Include(r) => pat.targets.extend(direct(r)),
        Pattern::Match(m) => {
            if let MatchOperation::Push(refs) | MatchOperation::Set(refs) = &m.operation {
                for r in refs {
                    match direct(r) {
                        Some(id) => pat.targets.push(id),
                        None => pat.broken = true,
                    }
                }
            }
            // syntect reads `with_prototype` only when the pattern pushes or sets.
            if let Some(r) = &m.with_prototype {
                pat.with_prototype = direct(r);
                let enters = matches!(
                    m.operation,
                    MatchOperation::Push(_) | MatchOperation::Set(_)
                );
                pat.broken |= enters && pat.with_prototype.is_none();
            }
        }
    }
    pat
}

fn direct(r: &ContextReference) -> Option<Cid> {
    cid(&r.id().ok()?)
}

/// A `ContextId`'s two indexes, from its serialized form (two little-endian u64s).
fn cid(id: &ContextId) -> Option<Cid> {
    let bytes = bincode::serialize(id).ok()?;
    let [syntax, context]: [u64; 2] = bincode::deserialize(&bytes).ok()?;
    Some(Cid {
        syntax: u32::try_from(syntax).ok()?,
        context: u32::try_from(context).ok()?,
    })
}
