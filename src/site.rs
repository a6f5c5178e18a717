//! Parsed pages to a `Site`: URLs, the section tree, reading order (prev/next), tags, aliases,
//! and every internal link resolved and checked, as GitHub resolves the same link in the
//! repository (pages by source path, folder indexes, extensionless files, anchors ignoring case,
//! raw-HTML anchors, repository files outside the site to `[repository] url`), at the level set
//! by `[links] level` / `--links`.
//!
//! A folder's index page is its `_index.md`, else its `index.md`, else its `README.md` (what
//! GitHub shows for a folder); pages without a weight follow in natural file-name order. Front
//! matter keys of other tools are reported here, once per key for the whole site.

use crate::config::{Config, Level, LinkLevel};
use crate::diag::Code;
use crate::diag::{closest, closest_path, Diagnostic, Diagnostics};
use crate::frontmatter::{ForeignKind, FrontMatter};
use crate::links::{join, parent_dir, percent_decode, split_dest};
use crate::markdown::LinkRef;
use crate::page::{ParsedDoc, TitleFrom};
use crate::slug::{alias_path, path_segment, tag_slug};
use crate::source::{index_rank, SourceFile};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Page,
    Section,
}

#[derive(Debug, Clone)]
pub(crate) struct Doc {
    /// Relative to the site root: "content/stacks/go.md".
    pub(crate) source: String,
    pub(crate) kind: Kind,
    /// Site path: "stacks/go/" ("" for the home page).
    pub(crate) path: String,
    pub(crate) parsed: Arc<ParsedDoc>,
    /// The section this document belongs to (none for the home page).
    pub(crate) parent: Option<usize>,
    /// For sections: pages and subsections, in reading order.
    pub(crate) children: Vec<usize>,
    /// Resolved URL of each of the document's links, by index.
    pub(crate) link_urls: Vec<String>,
    /// Content folder ("content/stacks") a section stands for.
    pub(crate) dir: String,
    /// A home page made up because content/_index.md does not exist.
    pub(crate) implicit: bool,
}

impl Site {
    /// Makes every document's URL once (see `urls`).
    pub(crate) fn keep_urls(&mut self, config: &Config) {
        self.urls = self.docs.iter().map(|d| config.url(&d.path)).collect();
    }

    /// Some page has a diagram (see `crate::theme::DIAGRAM_FILES`).
    pub(crate) fn has_diagram(&self) -> bool {
        self.docs.iter().any(|d| d.parsed.md.has_diagram)
    }
}

impl Doc {
    pub(crate) fn front(&self) -> &FrontMatter {
        &self.parsed.front
    }
    pub(crate) fn title(&self) -> &str {
        self.parsed.front.title.as_deref().unwrap_or("")
    }
    /// Reading order among siblings: by weight, then by file (or folder) name in natural order,
    /// so `2-setup.md` comes before `10-faq.md`.
    pub(crate) fn order_cmp(&self, other: &Doc) -> std::cmp::Ordering {
        let weight = |d: &Doc| d.front().weight.unwrap_or(i64::MAX);
        let name = |d: &Doc| -> String {
            let named = if d.kind == Kind::Section {
                &d.dir
            } else {
                &d.source
            };
            named
                .rsplit('/')
                .next()
                .unwrap_or("")
                .trim_end_matches(".md")
                .to_lowercase()
        };
        weight(self)
            .cmp(&weight(other))
            .then_with(|| alphanumeric_sort::compare_str(name(self), name(other)))
            .then_with(|| self.source.cmp(&other.source))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Tag {
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) docs: Vec<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct Site {
    pub(crate) docs: Vec<Doc>,
    pub(crate) home: usize,
    /// Documents in reading order: a section, then its children depth first.
    pub(crate) order: Vec<usize>,
    /// Each document's place in `order` (for previous/next links).
    pub(crate) position: Vec<usize>,
    pub(crate) tags: Vec<Tag>,
    /// (alias site path, target doc)
    pub(crate) aliases: Vec<(String, usize)>,
    /// Files under content/ that are not Markdown: (source, site path).
    pub(crate) assets: Vec<(SourceFile, String)>,
    pub(crate) static_files: Vec<SourceFile>,
    /// Day of the last git commit touching each source file ("content/a.md" -> "2026-11-21"),
    /// filled by the pipeline from one `git log`; empty outside a git checkout.
    pub(crate) last_commit: HashMap<String, String>,
    /// Each document's index by its source ("content/a.md"), for `@/` links (`content_link`).
    pub(crate) by_source: HashMap<String, usize>,
    /// Each document's URL, by index, once `keep_urls` made them: the preview keeps its site
    /// from one save to the next and builds every page's view on each. Empty in a build, which
    /// makes each view once (`render::Renderer::url`).
    pub(crate) urls: Vec<String>,
}

/// Builds the site from parsed documents (sorted by source path). `unparsed` names the Markdown
/// files that failed to parse: links to them are not reported, their own error is the cause.
pub(crate) fn assemble(
    config: &Config,
    parsed: Vec<(SourceFile, Arc<ParsedDoc>)>,
    assets: Vec<SourceFile>,
    static_files: Vec<SourceFile>,
    unparsed: &HashSet<String>,
    diags: &mut Diagnostics,
) -> Site {
    let drafts: HashSet<String> = parsed
        .iter()
        .filter(|(_, p)| p.front.draft && !config.drafts)
        .map(|(f, _)| f.rel.clone())
        .collect();
    let content = config.content_dir();
    let parsed: Vec<(SourceFile, Arc<ParsedDoc>)> = parsed
        .into_iter()
        .filter(|(f, _)| !drafts.contains(&f.rel))
        .collect();
    let indexes = folder_indexes(parsed.iter().map(|(f, _)| f.rel.as_str()), diags);
    let docs: Vec<Doc> = parsed
        .into_iter()
        .map(|(f, p)| {
            let is_index = indexes.contains(&f.rel);
            new_doc(content, f.rel, p, is_index, diags)
        })
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
    title_home(&mut docs[home], config);
    report_foreign_keys(&docs, config, diags);
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
            let p = f.rel[content.len() + 1..].to_string();
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
        by_source: HashMap::new(),
        urls: Vec::new(),
    };
    site.by_source = (site.docs.iter().enumerate())
        .map(|(i, d)| (d.source.clone(), i))
        .collect();
    site.aliases = collect_aliases(&site, config, diags);
    resolve_links(&mut site, config, &drafts, unparsed, diags);
    site
}

/// The source of each folder's index page. Where a folder has more than one candidate, the
/// best-ranked wins and the others stay ordinary pages, with a warning naming both.
fn folder_indexes<'a>(
    sources: impl Iterator<Item = &'a str>,
    diags: &mut Diagnostics,
) -> HashSet<String> {
    let mut best: BTreeMap<&str, (u8, &str)> = BTreeMap::new();
    let mut losers = Vec::new();
    for source in sources {
        let (dir, file) = source.rsplit_once('/').unwrap_or(("", source));
        let Some(rank) = index_rank(file) else {
            continue;
        };
        match best.get(dir) {
            Some(&(r, other)) if r <= rank => losers.push((source, other)),
            Some(&(_, other)) => {
                losers.push((other, source));
                best.insert(dir, (rank, source));
            }
            None => {
                best.insert(dir, (rank, source));
            }
        }
    }
    for (loser, winner) in losers {
        let winner = best[parent_dir(winner)].1;
        diags.push(
            Diagnostic::warning(
                Code::SecondIndexPage,
                loser,
                1,
                1,
                format!("`{winner}` is this folder's index page; this file is published as an ordinary page"),
            )
            .with_help("a folder's index is its _index.md, else index.md, else README.md; keep one of them"),
        );
    }
    best.into_values().map(|(_, s)| s.to_string()).collect()
}

fn new_doc(
    content: &str,
    source: String,
    parsed: Arc<ParsedDoc>,
    is_index: bool,
    diags: &mut Diagnostics,
) -> Doc {
    let key = source
        .strip_prefix(content)
        .and_then(|k| k.strip_prefix('/'))
        .unwrap_or(&source);
    let (dir, file) = key.rsplit_once('/').unwrap_or(("", key));
    let mut segs: Vec<String> = dir
        .split('/')
        .filter(|s| !s.is_empty())
        .map(path_segment)
        .collect();
    let kind = if is_index { Kind::Section } else { Kind::Page };
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
                Code::SlugOnIndex,
                &source,
                parsed.front_line,
                1,
                "`slug` is not supported on a folder's index page",
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
        title_from: TitleFrom::FrontMatter,
        id: 0,
    };
    Doc {
        source: format!("{}/_index.md", config.content_dir()),
        kind: Kind::Section,
        path: String::new(),
        parsed: Arc::new(parsed),
        parent: None,
        children: Vec::new(),
        link_urls: Vec::new(),
        dir: config.content_dir().into(),
        implicit: true,
    }
}

/// A home page without a title of its own (a README.md without a heading) takes the site's
/// title and description.
fn title_home(home: &mut Doc, config: &Config) {
    if home.parsed.title_from == TitleFrom::FileName {
        let front = &mut Arc::make_mut(&mut home.parsed).front;
        front.title = Some(config.site.title.clone());
        front
            .description
            .get_or_insert_with(|| config.site.description.clone());
    }
}

/// Front matter keys that are not backlot's own (unless `unknown_keys = "error"` made each one
/// an error at parse time): unknown keys and keys that mean nothing here (`layout`,
/// `permalink`) are one warning per key for the whole site, naming the first file and the count.
fn report_foreign_keys(docs: &[Doc], config: &Config, diags: &mut Diagnostics) {
    if config.site.front_matter.unknown_keys == Level::Error {
        return; // Each one was an error when its page was parsed.
    }
    let mut seen: BTreeMap<&str, (&Doc, usize, ForeignKind, usize)> = BTreeMap::new();
    for d in docs {
        for k in &d.front().foreign {
            seen.entry(&k.key).or_insert((d, k.line, k.kind, 0)).3 += 1;
        }
    }
    for (key, (d, line, kind, count)) in seen {
        let files = if count == 1 {
            "1 file".to_string()
        } else {
            format!("{count} files")
        };
        let (code, message, help) = match kind {
            ForeignKind::NotApplicable => (
                Code::FrontMatterKeyIgnored,
                format!("front matter key `{key}` does not apply to backlot and is ignored ({files})"),
                "URLs follow the file tree and every page uses the theme's templates; remove the key when convenient".to_string(),
            ),
            ForeignKind::Unknown => (
                Code::UnknownFrontMatterKey,
                format!("unknown front matter key `{key}`, kept under `extra` ({files})"),
                crate::frontmatter::key_help(key).unwrap_or_else(|| {
                    "move it under `extra:`, or set [front_matter] unknown_keys = \"error\" in site.toml to refuse unknown keys".into()
                }),
            ),
            ForeignKind::Mapped(_) | ForeignKind::Kept => continue,
        };
        diags.push(Diagnostic::warning(code, &d.source, line, 1, message).with_help(help));
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
                    Code::DuplicateUrl,
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
        c.sort_by(|&a, &b| docs[a].order_cmp(&docs[b]));
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
pub(crate) const MAX_DEPTH: usize = 24;

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
                    Code::PageTooDeep,
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
            let slug = tag_slug(name);
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

fn collect_aliases(site: &Site, config: &Config, diags: &mut Diagnostics) -> Vec<(String, usize)> {
    let taken: HashSet<&str> = site.docs.iter().map(|d| d.path.as_str()).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, d) in site.docs.iter().enumerate() {
        for alias in &d.front().aliases {
            let path = alias_path(alias);
            if taken.contains(path.as_str()) || seen.contains_key(&path) {
                diags.push(
                    link_problem(
                        Code::AliasConflict,
                        config,
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

/// A link problem: an error, or a warning under `[links] level = "warn"` / `--links warn`
/// (`check` turns warnings into errors, so it stays strict).
fn link_problem(
    code: Code,
    config: &Config,
    path: &str,
    line: usize,
    col: usize,
    message: String,
) -> Diagnostic {
    match config.site.links.level {
        LinkLevel::Error => Diagnostic::error(code, path, line, col, message),
        LinkLevel::Warn => Diagnostic::warning(code, path, line, col, message),
    }
}

/// What links can point at.
struct Targets<'a> {
    by_source: HashMap<&'a str, usize>,
    by_path: HashMap<&'a str, usize>,
    /// Published files (content assets and static files): source path -> site path.
    files: HashMap<String, String>,
    /// Their site paths.
    file_paths: HashSet<String>,
    /// The folders whose files are published ("content/", "static/").
    published: [String; 2],
    repo: Repo,
    /// Pages that failed to parse: they exist, so links to them are not "missing".
    unparsed: &'a HashSet<String>,
}

/// The repository the site lives in, for links to files outside the published folders.
struct Repo {
    /// The repository's root folder: the git top level, or the site root outside git.
    root: PathBuf,
    /// The site root inside the repository ("" or "docs/").
    prefix: String,
    /// `[repository]`: (web URL, branch).
    web: Option<(String, String)>,
}

impl Repo {
    fn new(config: &Config) -> Repo {
        let prefix = crate::git::repo_prefix(&config.root);
        let mut root = config.root.clone();
        for _ in prefix.split('/').filter(|s| !s.is_empty()) {
            root.push("..");
        }
        let web = config
            .site
            .repository
            .as_ref()
            .filter(|r| !r.url.is_empty())
            .map(|r| (r.url.trim_end_matches('/').to_string(), r.branch.clone()));
        Repo { root, prefix, web }
    }

    /// The web URL of a repository path that exists in the checkout (`blob` for files, `tree`
    /// for folders), as GitHub resolves a relative link to it.
    fn url(&self, repo_path: &str) -> Result<String, LinkError> {
        let path = repo_path.trim_end_matches('/');
        let on_disk = self.root.join(path);
        let kind = match std::fs::metadata(&on_disk) {
            Ok(m) if m.is_dir() => "tree",
            Ok(_) => "blob",
            Err(_) => {
                return Err((
                    Code::MissingPage,
                    format!("link to a missing repository file `{path}`"),
                    Some("links are relative to the linking file's folder, as on GitHub".into()),
                ))
            }
        };
        match &self.web {
            Some((url, branch)) => Ok(format!(
                "{url}/{kind}/{branch}/{}",
                path.replace(' ', "%20")
            )),
            None => Err((
                Code::LinkToRepository,
                format!("link to `{path}`, a repository file outside the published site"),
                Some("set `[repository] url` (and `branch`) in site.toml so such links go to the file on the repository's website".into()),
            )),
        }
    }
}

fn resolve_links(
    site: &mut Site,
    config: &Config,
    drafts: &HashSet<String>,
    unparsed: &HashSet<String>,
    diags: &mut Diagnostics,
) {
    let files: HashMap<String, String> = site
        .assets
        .iter()
        .map(|(f, p)| (f.rel.clone(), p.clone()))
        .chain(site.static_files.iter().map(|f| {
            let p = f.rel.strip_prefix("static/").unwrap_or(&f.rel).to_string();
            (f.rel.clone(), p)
        }))
        .collect();
    // A folder link (`guide/`) names the folder's `_index.md`; where the folder's index page is
    // an index.md or README.md, that name leads to it too.
    let folder_keys: Vec<(String, usize)> = site
        .docs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == Kind::Section && !d.source.ends_with("/_index.md"))
        .map(|(i, d)| (format!("{}/_index.md", d.dir), i))
        .collect();
    let targets = Targets {
        by_source: site
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.source.as_str(), i))
            .chain(folder_keys.iter().map(|(k, i)| (k.as_str(), *i)))
            .collect(),
        by_path: site
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.path.as_str(), i))
            .collect(),
        files: files.clone(),
        file_paths: files.into_values().collect(),
        published: [format!("{}/", site.docs[site.home].dir), "static/".into()],
        repo: Repo::new(config),
        unparsed,
    };
    // Pages in parallel (this was most of the one-thread part of a warm build), their
    // problems reported in page order.
    let all: Vec<(Vec<String>, Vec<Diagnostic>)> = site
        .docs
        .par_iter()
        .enumerate()
        .map(|(i, d)| {
            let mut problems = Vec::new();
            let urls = d
                .parsed
                .md
                .links
                .iter()
                .map(|l| match resolve(site, &targets, config, i, l, drafts) {
                    Ok(url) => url,
                    Err((code, message, help)) => {
                        problems.push(
                            link_problem(code, config, &d.source, l.line, l.col, message)
                                .with_help_opt(help)
                                .with_target(link_target(&d.source, &l.dest)),
                        );
                        "#".to_string()
                    }
                })
                .collect();
            (urls, problems)
        })
        .collect();
    for (d, (urls, problems)) in site.docs.iter_mut().zip(all) {
        d.link_urls = urls;
        diags.extend(problems);
    }
}

/// What is wrong with a link: its code, message and help.
pub(crate) type LinkError = (Code, String, Option<String>);

/// Resolves one link as GitHub does for the same file in the repository, then maps it to the
/// published URL layout: pages and published files to their site URLs, other repository files
/// to their page on the repository's website.
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
        let frag = anchor(&site.docs[from], frag.unwrap_or(""), &link.dest)?;
        return Ok(format!("#{frag}"));
    }
    let with_frag = |url: String| match frag {
        Some(f) if !f.is_empty() => format!("{url}#{f}"),
        _ => url,
    };
    let repo_path = if path.starts_with('/') {
        if let Ok(url) = resolve_site_path(site, t, config, &path) {
            return Ok(with_frag(url));
        }
        // As on GitHub: relative to the repository's root.
        join("", &path)
    } else {
        join(
            &format!("{}{}", t.repo.prefix, parent_dir(&doc.source)),
            &path,
        )
    }
    .map_err(|why| {
        let message = format!("invalid link `{}`: {why}", link.dest);
        (Code::LinkInvalid, message, None)
    })?;
    let repo_url = || {
        t.repo
            .url(&repo_path)
            .map(with_frag)
            .map_err(|(code, m, help)| {
                let root_help =
                    "a link starting with `/` starts at the repository's root, as on GitHub";
                let relative = path.starts_with('/') && code == Code::MissingPage;
                (
                    code,
                    m,
                    help.map(|h| if relative { root_help.into() } else { h }),
                )
            })
    };
    let Some(joined) = repo_path.strip_prefix(t.repo.prefix.as_str()) else {
        return repo_url();
    };
    let published = t.published.iter().any(|p| joined.starts_with(p.as_str()));
    if let Some(i) = page_sources(joined).find_map(|s| t.by_source.get(s.as_str()).copied()) {
        let url = config.url(&site.docs[i].path);
        return match frag {
            Some(f) => Ok(format!("{url}#{}", anchor(&site.docs[i], f, &link.dest)?)),
            None => Ok(url),
        };
    }
    // The page exists but its own error stops the build: one error at the cause, not one per link.
    if page_sources(joined).any(|s| t.unparsed.contains(&s)) {
        return Ok("#".into());
    }
    if let Some(site_path) = t.files.get(joined) {
        return Ok(with_frag(config.url(site_path)));
    }
    if joined.ends_with(".md") && drafts.contains(joined) {
        return Err((
            Code::LinkToDraft,
            format!("link to a draft page `{}`", link.dest),
            Some("drafts are left out of the site; publish the target or remove the link".into()),
        ));
    }
    // Repository files outside content/ and static/ (LICENSE, ../CONTRIBUTING.md, .github/)
    // and unpublished folders go to the repository's website, checked against the checkout.
    if !published || t.repo.root.join(&repo_path).exists() {
        return repo_url();
    }
    Err(missing(t, doc, link, joined))
}

/// A link to a page by its path under the content folder, `@/guide/install.md#setup` as in
/// Zola: how a template or shortcode links to pages named in a data file. The page's URL, or the
/// error a Markdown link to the same missing page or anchor gets.
pub(crate) fn content_link(site: &Site, config: &Config, dest: &str) -> Result<String, LinkError> {
    let content = config.content_dir();
    let (raw, frag) = split_dest(dest.strip_prefix("@/").unwrap_or(dest));
    let joined = join(content, &percent_decode(raw)).map_err(|why| {
        (
            Code::LinkInvalid,
            format!("invalid link `{dest}`: {why}"),
            None,
        )
    })?;
    let Some(i) = page_sources(&joined).find_map(|s| site.by_source.get(&s).copied()) else {
        let pages = site.by_source.keys().map(String::as_str);
        let help = closest_path(&joined, pages)
            .and_then(|c| c.strip_prefix(&format!("{content}/")))
            .map(|c| format!("did you mean `@/{c}`?"))
            .unwrap_or_else(|| format!("`@/` paths start at the content folder, {content}/"));
        return Err((
            Code::MissingPage,
            format!("link to a missing page `{dest}` (looked for {joined})"),
            Some(help),
        ));
    };
    let url = config.url(&site.docs[i].path);
    match frag {
        Some(f) if !f.is_empty() => Ok(format!("{url}#{}", anchor(&site.docs[i], f, dest)?)),
        _ => Ok(url),
    }
}

/// The error for a link to nothing, with the closest page as a hint.
fn missing(t: &Targets, doc: &Doc, link: &LinkRef, joined: &str) -> LinkError {
    if link.is_image || !(joined.ends_with(".md") || joined.ends_with('/')) {
        let kind = if link.is_image { "image" } else { "file" };
        return (
            Code::MissingPage,
            format!(
                "link to a missing {kind} `{}` (looked for {joined})",
                link.dest
            ),
            None,
        );
    }
    let names = t.by_source.keys().copied().filter(|k| k.ends_with(".md"));
    let help = closest_path(joined, names)
        .map(|c| format!("did you mean `{c}`?"))
        .unwrap_or_else(|| {
            format!(
                "links are relative to the linking file's folder, {}/",
                parent_dir(&doc.source)
            )
        });
    (
        Code::MissingPage,
        format!(
            "link to a missing page `{}` (looked for {joined})",
            link.dest
        ),
        Some(help),
    )
}

/// The Markdown files a joined link path may name: itself if it is one, else the index pages
/// of the folder it names (`_index.md`, then `README.md` and `index.md` as GitHub shows them).
fn page_sources(joined: &str) -> impl Iterator<Item = String> + '_ {
    let md = joined.ends_with(".md").then(|| joined.to_string());
    let dir = joined.trim_end_matches('/');
    let indexes = (!joined.ends_with(".md"))
        .then(|| {
            ["_index.md", "README.md", "index.md"]
                .into_iter()
                .map(move |f| format!("{dir}/{f}"))
        })
        .into_iter()
        .flatten();
    md.into_iter().chain(indexes)
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
    if joined.ends_with('/') || !joined.rsplit('/').next().unwrap_or("").contains('.') {
        return Some(format!("{}/_index.md", joined.trim_end_matches('/')));
    }
    Some(joined)
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
        || t.file_paths.contains(trimmed)
        || trimmed.starts_with("tags/");
    if !found {
        return Err((
            Code::LinkToUnknownPath,
            format!("link to `{path}`, which is not a page or file of this site"),
            Some("link to the page's .md file with a relative path instead".into()),
        ));
    }
    Ok(config.url(trimmed))
}

/// The id a fragment names in `target`: a heading id or a raw-HTML anchor, exactly, else
/// ignoring case as GitHub does; ids renamed for the theme resolve to their new name.
fn anchor(target: &Doc, frag: &str, dest: &str) -> Result<String, LinkError> {
    let frag = percent_decode(frag);
    let md = &target.parsed.md;
    let named = md
        .anchors
        .iter()
        .map(|(written, real)| (written.as_str(), real.as_str()))
        .chain(md.headings.iter().map(|h| (h.id.as_str(), h.id.as_str())));
    let all: Vec<(&str, &str)> = named.collect();
    if frag.is_empty() {
        return Ok(frag);
    }
    let found = all.iter().find(|(w, _)| *w == frag).or_else(|| {
        all.iter()
            .find(|(w, _)| w.to_lowercase() == frag.to_lowercase())
    });
    if let Some((_, real)) = found {
        return Ok(real.to_string());
    }
    let help = closest(&frag, all.iter().map(|(w, _)| *w)).map(|c| format!("did you mean `#{c}`?"));
    Err((
        Code::MissingAnchor,
        format!(
            "link `{dest}` points at a missing anchor `#{frag}` in {}",
            target.source
        ),
        help,
    ))
}
