//! Parsed pages to a `Site`: URLs, the section tree, reading order (prev/next), tags, aliases,
//! and every internal link resolved and checked.

use crate::config::Config;
use crate::diag::{closest, closest_path, Diagnostic, Diagnostics};
use crate::frontmatter::FrontMatter;
use crate::links::{join, parent_dir, percent_decode, split_dest};
use crate::markdown::LinkRef;
use crate::page::ParsedDoc;
use crate::slug::{alias_path, path_segment};
use crate::source::SourceFile;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Page,
    Section,
}

#[derive(Debug, Clone)]
pub struct Doc {
    /// Relative to the site root: "content/stacks/go.md".
    pub source: String,
    pub kind: Kind,
    /// Site path: "stacks/go/" ("" for the home page).
    pub path: String,
    pub parsed: Arc<ParsedDoc>,
    /// The section this document belongs to (none for the home page).
    pub parent: Option<usize>,
    /// For sections: pages and subsections, in reading order.
    pub children: Vec<usize>,
    /// Resolved URL of each of the document's links, by index.
    pub link_urls: Vec<String>,
    /// Content folder ("content/stacks") a section stands for.
    pub dir: String,
    /// A home page made up because content/_index.md does not exist.
    pub implicit: bool,
}

impl Doc {
    pub fn front(&self) -> &FrontMatter {
        &self.parsed.front
    }
    pub fn title(&self) -> &str {
        self.parsed.front.title.as_deref().unwrap_or("")
    }
    pub fn sort_key(&self) -> (i64, String, String) {
        (
            self.front().weight.unwrap_or(i64::MAX),
            self.title().to_lowercase(),
            self.source.clone(),
        )
    }
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    pub docs: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub docs: Vec<Doc>,
    pub home: usize,
    /// Documents in reading order: a section, then its children depth first.
    pub order: Vec<usize>,
    /// Each document's place in `order` (for previous/next links).
    pub position: Vec<usize>,
    pub tags: Vec<Tag>,
    /// (alias site path, target doc)
    pub aliases: Vec<(String, usize)>,
    /// Files under content/ that are not Markdown: (source, site path).
    pub assets: Vec<(SourceFile, String)>,
    pub static_files: Vec<SourceFile>,
    /// Day of the last git commit touching each source file ("content/a.md" -> "2026-11-21"),
    /// filled by the pipeline from one `git log`; empty outside a git checkout.
    pub last_commit: HashMap<String, String>,
}

/// Builds the site from parsed documents (sorted by source path).
pub fn assemble(
    config: &Config,
    parsed: Vec<(SourceFile, Arc<ParsedDoc>)>,
    assets: Vec<SourceFile>,
    static_files: Vec<SourceFile>,
    diags: &mut Diagnostics,
) -> Site {
    let drafts: HashSet<String> = parsed
        .iter()
        .filter(|(_, p)| p.front.draft && !config.drafts)
        .map(|(f, _)| f.rel.clone())
        .collect();
    let docs: Vec<Doc> = parsed
        .into_iter()
        .filter(|(f, _)| !drafts.contains(&f.rel))
        .map(|(f, p)| new_doc(f.rel, p, diags))
        .collect();
    let mut docs = limit_depth(docs, diags);
    let home = match docs
        .iter()
        .position(|d| d.path.is_empty() && d.kind == Kind::Section)
    {
        Some(i) => i,
        None => {
            docs.push(implicit_home(config));
            docs.len() - 1
        }
    };
    check_unique_paths(&docs, diags);
    link_tree(&mut docs, home);
    let mut order = Vec::with_capacity(docs.len());
    reading_order(&docs, home, &mut order);
    let mut position = vec![0; docs.len()];
    for (p, &i) in order.iter().enumerate() {
        position[i] = p;
    }
    let assets: Vec<(SourceFile, String)> = assets
        .into_iter()
        .map(|f| {
            let p = f.rel.trim_start_matches("content/").to_string();
            (f, p)
        })
        .collect();
    let mut site = Site {
        tags: collect_tags(&docs),
        aliases: Vec::new(),
        docs,
        home,
        order,
        position,
        assets,
        static_files,
        last_commit: HashMap::new(),
    };
    site.aliases = collect_aliases(&site, diags);
    resolve_links(&mut site, config, &drafts, diags);
    site
}

fn new_doc(source: String, parsed: Arc<ParsedDoc>, diags: &mut Diagnostics) -> Doc {
    let key = source.trim_start_matches("content/");
    let (dir, file) = key.rsplit_once('/').unwrap_or(("", key));
    let mut segs: Vec<String> = dir
        .split('/')
        .filter(|s| !s.is_empty())
        .map(path_segment)
        .collect();
    let kind = if file == "_index.md" {
        Kind::Section
    } else {
        Kind::Page
    };
    if kind == Kind::Page {
        let stem = file.trim_end_matches(".md");
        segs.push(
            parsed
                .front
                .slug
                .clone()
                .unwrap_or_else(|| path_segment(stem)),
        );
    } else if parsed.front.slug.is_some() {
        diags.push(
            Diagnostic::error(
                &source,
                parsed.front_line,
                1,
                "`slug` is not supported on a section's _index.md",
            )
            .with_help("rename the section's folder to change its URL"),
        );
    }
    let path = if segs.is_empty() {
        String::new()
    } else {
        format!("{}/", segs.join("/"))
    };
    let dir = parent_dir(&source).to_string();
    Doc {
        source,
        kind,
        path,
        parsed,
        parent: None,
        children: Vec::new(),
        link_urls: Vec::new(),
        dir,
        implicit: false,
    }
}

fn implicit_home(config: &Config) -> Doc {
    let front = FrontMatter {
        title: Some(config.site.title.clone()),
        description: Some(config.site.description.clone()),
        ..Default::default()
    };
    let parsed = ParsedDoc {
        front,
        md: Default::default(),
        template_line: 1,
        front_line: 1,
        aliases_line: 1,
        tags_line: 1,
    };
    Doc {
        source: "content/_index.md".into(),
        kind: Kind::Section,
        path: String::new(),
        parsed: Arc::new(parsed),
        parent: None,
        children: Vec::new(),
        link_urls: Vec::new(),
        dir: "content".into(),
        implicit: true,
    }
}

fn check_unique_paths(docs: &[Doc], diags: &mut Diagnostics) {
    let mut seen: HashMap<&str, &Doc> = HashMap::new();
    for d in docs {
        if let Some(first) = seen.insert(&d.path, d) {
            let (a, b) = if first.source < d.source {
                (first, d)
            } else {
                (d, first)
            };
            diags.push(
                Diagnostic::error(
                    &b.source,
                    1,
                    1,
                    format!(
                        "`{}` and `{}` both map to the URL /{}",
                        a.source, b.source, d.path
                    ),
                )
                .with_help("rename one of the files or give one a different `slug`"),
            );
        }
    }
}

/// Sets each document's parent section and each section's sorted children.
fn link_tree(docs: &mut [Doc], home: usize) {
    let sections: HashMap<String, usize> = docs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == Kind::Section)
        .map(|(i, d)| (d.dir.clone(), i))
        .collect();
    let home_dir = docs[home].dir.clone();
    for (i, doc) in docs.iter_mut().enumerate() {
        if i == home {
            continue;
        }
        let mut dir = if doc.kind == Kind::Section {
            parent_dir(&doc.dir).to_string()
        } else {
            doc.dir.clone()
        };
        let parent = loop {
            match sections.get(&dir) {
                Some(&s) if s != i => break s,
                _ if dir.is_empty() || dir == home_dir => break home,
                _ => dir = parent_dir(&dir).to_string(),
            }
        };
        doc.parent = Some(parent);
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); docs.len()];
    for (i, d) in docs.iter().enumerate() {
        if let Some(p) = d.parent {
            children[p].push(i);
        }
    }
    for (i, mut c) in children.into_iter().enumerate() {
        c.sort_by_cached_key(|&j| docs[j].sort_key());
        docs[i].children = c;
    }
}

/// Depth first, with an explicit stack: no recursion that deep content could overflow.
fn reading_order(docs: &[Doc], at: usize, out: &mut Vec<usize>) {
    let mut stack = vec![at];
    while let Some(i) = stack.pop() {
        out.push(i);
        stack.extend(docs[i].children.iter().rev());
    }
}

/// Folders nested deeper than this are refused: the sidebar and breadcrumbs recurse over the
/// section tree, in our code and in templates, and no documentation needs more.
pub const MAX_DEPTH: usize = 24;

/// Drops (and reports) documents nested deeper than `MAX_DEPTH` folders.
fn limit_depth(docs: Vec<Doc>, diags: &mut Diagnostics) -> Vec<Doc> {
    docs.into_iter()
        .filter(|d| {
            let depth = d.source.matches('/').count();
            if depth <= MAX_DEPTH {
                return true;
            }
            diags.push(
                Diagnostic::error(
                    &d.source,
                    1,
                    1,
                    format!("page nested {depth} folders deep; the limit is {MAX_DEPTH}"),
                )
                .with_help("move the page up the folder tree"),
            );
            false
        })
        .collect()
}

fn collect_tags(docs: &[Doc]) -> Vec<Tag> {
    let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        for name in &d.front().tags {
            let slug = path_segment(name);
            let tag = tags.entry(slug.clone()).or_insert_with(|| Tag {
                name: name.clone(),
                slug,
                docs: Vec::new(),
            });
            if !tag.docs.contains(&i) {
                tag.docs.push(i);
            }
        }
    }
    let mut tags: Vec<Tag> = tags.into_values().collect();
    for t in &mut tags {
        t.docs
            .sort_by_cached_key(|&i| (docs[i].title().to_lowercase(), docs[i].source.clone()));
    }
    tags
}

fn collect_aliases(site: &Site, diags: &mut Diagnostics) -> Vec<(String, usize)> {
    let taken: HashSet<&str> = site.docs.iter().map(|d| d.path.as_str()).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, d) in site.docs.iter().enumerate() {
        for alias in &d.front().aliases {
            let path = alias_path(alias);
            if taken.contains(path.as_str()) || seen.contains_key(&path) {
                diags.push(
                    Diagnostic::error(
                        &d.source,
                        d.parsed.front_line,
                        1,
                        format!("alias `{alias}` is already the URL of another page"),
                    )
                    .with_help("remove the alias or rename the other page"),
                );
                continue;
            }
            seen.insert(path.clone(), i);
            out.push((path, i));
        }
    }
    out.sort();
    out
}

/// What links can point at.
struct Targets<'a> {
    by_source: HashMap<&'a str, usize>,
    by_path: HashMap<&'a str, usize>,
    files: HashSet<String>,
}

fn resolve_links(
    site: &mut Site,
    config: &Config,
    drafts: &HashSet<String>,
    diags: &mut Diagnostics,
) {
    let targets = Targets {
        by_source: site
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.source.as_str(), i))
            .collect(),
        by_path: site
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.path.as_str(), i))
            .collect(),
        files: site
            .assets
            .iter()
            .map(|(f, _)| f.rel.clone())
            .chain(site.static_files.iter().map(|f| f.rel.clone()))
            .collect(),
    };
    let mut all = Vec::with_capacity(site.docs.len());
    for (i, d) in site.docs.iter().enumerate() {
        let urls: Vec<String> = d
            .parsed
            .md
            .links
            .iter()
            .map(|l| match resolve(site, &targets, config, i, l, drafts) {
                Ok(url) => url,
                Err((message, help)) => {
                    diags.push(
                        Diagnostic::error(&d.source, l.line, l.col, message)
                            .with_help_opt(help)
                            .with_target(link_target(&d.source, &l.dest)),
                    );
                    "#".to_string()
                }
            })
            .collect();
        all.push(urls);
    }
    for (d, urls) in site.docs.iter_mut().zip(all) {
        d.link_urls = urls;
    }
}

type LinkError = (String, Option<String>);

fn resolve(
    site: &Site,
    t: &Targets,
    config: &Config,
    from: usize,
    link: &LinkRef,
    drafts: &HashSet<String>,
) -> Result<String, LinkError> {
    let (raw_path, frag) = split_dest(&link.dest);
    let path = percent_decode(raw_path);
    let doc = &site.docs[from];
    if path.is_empty() {
        let frag = frag.unwrap_or("");
        check_anchor(&site.docs[from], frag, &link.dest)?;
        return Ok(format!("#{frag}"));
    }
    let with_frag = |url: String| match frag {
        Some(f) if !f.is_empty() => format!("{url}#{f}"),
        _ => url,
    };
    if path.starts_with('/') {
        return resolve_site_path(site, t, config, &path).map(with_frag);
    }
    let joined = join(parent_dir(&doc.source), &path)
        .map_err(|why| (format!("invalid link `{}`: {why}", link.dest), None))?;
    if let Some(target) = page_source(&joined) {
        return match t.by_source.get(target.as_str()) {
            Some(&i) => {
                if let Some(f) = frag {
                    check_anchor(&site.docs[i], f, &link.dest)?;
                }
                Ok(with_frag(config.url(&site.docs[i].path)))
            }
            None if drafts.contains(&target) => Err((
                format!("link to a draft page `{}`", link.dest),
                Some(
                    "drafts are left out of the site; publish the target or remove the link".into(),
                ),
            )),
            None => {
                let names = t.by_source.keys().copied().filter(|k| k.ends_with(".md"));
                let help = closest_path(&target, names)
                    .map(|c| format!("did you mean `{c}`?"))
                    .or_else(|| {
                        Some(format!(
                            "links are relative to the linking file's folder, {}/",
                            parent_dir(&doc.source)
                        ))
                    });
                Err((
                    format!(
                        "link to a missing page `{}` (looked for {target})",
                        link.dest
                    ),
                    help,
                ))
            }
        };
    }
    if t.files.contains(&joined) {
        let site_path = joined
            .strip_prefix("content/")
            .or_else(|| joined.strip_prefix("static/"));
        return match site_path {
            Some(p) => Ok(with_frag(config.url(p))),
            None => Err((
                format!("link to `{}`, which is not published", link.dest),
                Some("only files under content/ and static/ are part of the site".into()),
            )),
        };
    }
    let kind = if link.is_image { "image" } else { "file" };
    Err((
        format!(
            "link to a missing {kind} `{}` (looked for {joined})",
            link.dest
        ),
        None,
    ))
}

/// The Markdown file a joined link path names: itself, or a folder's `_index.md`; `None` for
/// other files (images, downloads).
fn page_source(joined: &str) -> Option<String> {
    if joined.ends_with(".md") {
        Some(joined.to_string())
    } else if joined.ends_with('/') || !joined.rsplit('/').next().unwrap_or("").contains('.') {
        Some(format!("{}/_index.md", joined.trim_end_matches('/')))
    } else {
        None
    }
}

/// The file a link in `from` points at, relative to the site root (the page itself for `#anchor`
/// links); `None` for root-relative links, which name URLs rather than files.
fn link_target(from: &str, dest: &str) -> Option<String> {
    let path = percent_decode(split_dest(dest).0);
    if path.is_empty() {
        return Some(from.to_string());
    }
    if path.starts_with('/') {
        return None;
    }
    let joined = join(parent_dir(from), &path).ok()?;
    Some(page_source(&joined).unwrap_or(joined))
}

/// A root-relative link ("/stacks/go/") must name a page or a file of the site.
fn resolve_site_path(
    site: &Site,
    t: &Targets,
    config: &Config,
    path: &str,
) -> Result<String, LinkError> {
    let trimmed = path.trim_start_matches('/');
    let as_dir = if trimmed.is_empty() || trimmed.ends_with('/') {
        trimmed.to_string()
    } else {
        format!("{trimmed}/")
    };
    let found = t.by_path.contains_key(as_dir.as_str())
        || site.aliases.iter().any(|(a, _)| *a == as_dir)
        || t.files.contains(&format!("static/{trimmed}"))
        || t.files.contains(&format!("content/{trimmed}"))
        || trimmed.starts_with("tags/");
    if !found {
        return Err((
            format!("link to `{path}`, which is not a page or file of this site"),
            Some("link to the page's .md file with a relative path instead".into()),
        ));
    }
    Ok(config.url(trimmed))
}

fn check_anchor(target: &Doc, frag: &str, dest: &str) -> Result<(), LinkError> {
    let frag = percent_decode(frag);
    let ids: Vec<&str> = target
        .parsed
        .md
        .headings
        .iter()
        .map(|h| h.id.as_str())
        .collect();
    if frag.is_empty() || ids.contains(&frag.as_str()) {
        return Ok(());
    }
    let help = closest(&frag, ids.iter().copied()).map(|c| format!("did you mean `#{c}`?"));
    Err((
        format!(
            "link `{dest}` points at a missing anchor `#{frag}` in {}",
            target.source
        ),
        help,
    ))
}
