//! A site made of variants: each language of each version of the docs is a content tree, a URL
//! prefix and a settings overlay, built by the one pipeline into one output folder.
//!
//! - Languages: `language` in site.toml is the default one, read from `content_dir` and
//!   published at `/`; each `[languages.<code>]` is read from `<content_dir>.<code>/` and
//!   published under `/<code>/`.
//! - Versions: the working tree is the current version, at `/`; each `[[versions]]` entry is
//!   an earlier one from a git ref (`ref`) or a folder (`dir`) holding that version's content
//!   folders (the same layout as the site), published under `/<name>/` (its languages under
//!   `/<name>/<code>/`).
//!
//! A page's counterpart in another variant is the page with the same site path. The main
//! variant (current version, default language) is the site a plain build makes; the others
//! share its theme, data and highlighter, and write only their pages, generated files, search
//! index and content assets (the theme's files, robots.txt and the like exist once, at the
//! root; old versions have no sitemap or feed, and their canonical URLs point at the current
//! version). Templates read the result as `page.alternates` and `site.variant`.

use crate::config::{Config, Dir, VersionToml};
use crate::diag::{Diagnostic, Diagnostics};
use crate::output::Sink;
use crate::pipeline::Loaded;
use crate::render::Renderer;
use crate::site::Site;
pub use crate::variant_map::{Current, Map, Variant};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Languages written right to left (ISO 639-1 and -3 codes).
const RTL: &[&str] = &[
    "ar", "arc", "ckb", "dv", "fa", "he", "iw", "ku", "ps", "sd", "ug", "ur", "yi",
];

/// A link to a page's counterpart in another variant.
#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    pub code: String,
    pub label: String,
    pub url: String,
    pub permalink: String,
    pub current: bool,
    /// The page exists there (else the link leads to that variant's home).
    pub exists: bool,
}

/// `page.alternates`: the switchers, `hreflang` links and canonical URL of a page.
#[derive(Debug, Clone, Serialize)]
pub struct Alternates {
    pub languages: Vec<Alternate>,
    pub versions: Vec<Alternate>,
    /// Languages where the page exists, for `<link rel="alternate" hreflang>`.
    pub hreflang: Vec<Alternate>,
    /// The default language's page, for `hreflang="x-default"`.
    pub x_default: Option<String>,
    pub canonical: String,
    /// An old version: the banner names it and links to `latest` (same page or home).
    pub old: Option<String>,
    pub latest: Option<Alternate>,
}

/// `site.variant`: the language and version a page is in.
#[derive(Debug, Clone, Serialize)]
pub struct SiteVariant {
    pub lang: String,
    pub version: String,
    pub old: bool,
    pub current_version: String,
}

/// The direction of `lang` ("rtl" or "ltr"), from the site's setting or the `RTL` list.
pub fn dir_of(config: &Config) -> &'static str {
    let lang = &config.site.language;
    let set = config.site.languages.get(lang).and_then(|l| l.dir);
    let primary = lang.split(['-', '_']).next().unwrap_or(lang);
    let rtl = set.map_or(RTL.contains(&primary), |d| d == Dir::Rtl);
    if rtl {
        "rtl"
    } else {
        "ltr"
    }
}

/// Whether the site has more than one variant.
pub fn enabled(config: &Config) -> bool {
    !config.site.languages.is_empty() || !config.site.versions.is_empty()
}

impl Map {
    fn url(&self, cur: &Current, j: usize, path: &str) -> (String, String, bool) {
        let exists = self.pages[j].contains(path);
        let rel = format!(
            "{}{}",
            self.variants[j].prefix,
            if exists { path } else { "" }
        );
        let url = format!("{}{rel}", cur.site_base_path);
        let origin_len = cur.site_base_url.len() - cur.site_base_path.trim_end_matches('/').len();
        let permalink = format!("{}{url}", &cur.site_base_url[..origin_len]);
        (url, permalink, exists)
    }

    fn alternate(
        &self,
        cur: &Current,
        j: usize,
        path: &str,
        label: String,
        code: &str,
    ) -> Alternate {
        let (url, permalink, exists) = self.url(cur, j, path);
        Alternate {
            code: code.to_string(),
            label,
            url,
            permalink,
            current: j == cur.index,
            exists,
        }
    }

    fn version_label(&self, version: &Option<String>) -> String {
        match version {
            Some(v) => self
                .version_labels
                .get(v)
                .cloned()
                .unwrap_or_else(|| v.clone()),
            None => self.current_label.clone(),
        }
    }

    /// The variant of `version` in `lang`, else in the default language.
    fn find(&self, version: &Option<String>, lang: &str) -> Option<usize> {
        let of_version = |v: &&Variant| &v.version == version;
        let pos = |want: &dyn Fn(&Variant) -> bool| self.variants.iter().position(want);
        pos(&|v| of_version(&v) && v.lang == lang).or_else(|| pos(&|v| of_version(&v)))
    }
}

/// The alternates of the page at `path` in the variant `config` builds (hook: `render::page_view`).
pub fn alternates(config: &Config, path: &str) -> Option<Alternates> {
    let cur = config.variant.as_ref()?;
    let map = &cur.map;
    let me = cur.variant();
    let languages: Vec<Alternate> = (0..map.variants.len())
        .filter(|&j| map.variants[j].version == me.version)
        .map(|j| {
            let lang = &map.variants[j].lang;
            let name = map
                .lang_names
                .get(lang)
                .cloned()
                .unwrap_or_else(|| lang.clone());
            map.alternate(cur, j, path, name, lang)
        })
        .collect();
    let mut versions = Vec::new();
    let mut seen = Vec::new();
    for v in &map.variants {
        if seen.contains(&&v.version) {
            continue;
        }
        seen.push(&v.version);
        if let Some(j) = map.find(&v.version, &me.lang) {
            let code = v.version.clone().unwrap_or_default();
            versions.push(map.alternate(cur, j, path, map.version_label(&v.version), &code));
        }
    }
    let latest = map
        .find(&None, &me.lang)
        .map(|j| map.alternate(cur, j, path, map.current_label.clone(), ""));
    let own = map.url(cur, cur.index, path).1;
    let canonical = match &latest {
        Some(l) if l.exists && me.version.is_some() => l.permalink.clone(),
        _ => own,
    };
    let hreflang: Vec<Alternate> = languages.iter().filter(|a| a.exists).cloned().collect();
    let x_default = hreflang
        .first()
        .filter(|_| hreflang.len() > 1)
        .map(|a| a.permalink.clone());
    Some(Alternates {
        languages: if languages.len() > 1 {
            languages
        } else {
            Vec::new()
        },
        versions: if versions.len() > 1 {
            versions
        } else {
            Vec::new()
        },
        hreflang: if hreflang.len() > 1 {
            hreflang
        } else {
            Vec::new()
        },
        x_default,
        canonical,
        old: me.version.as_ref().map(|_| map.version_label(&me.version)),
        latest: latest.filter(|_| me.version.is_some()),
    })
}

/// `site.variant` for templates (hook: `render::site_view`).
pub fn site_variant(config: &Config) -> Option<SiteVariant> {
    let cur = config.variant.as_ref()?;
    let me = cur.variant();
    Some(SiteVariant {
        lang: me.lang.clone(),
        version: cur.map.version_label(&me.version),
        old: me.version.is_some(),
        current_version: cur.map.current_label.clone(),
    })
}

/// The feed a page links to: its own variant's, or the current version's for an old one.
pub fn feed_url(config: &Config) -> String {
    match &config.variant {
        Some(cur) if cur.variant().version.is_some() => {
            let lang = &cur.variant().lang;
            let j = cur.map.find(&None, lang).unwrap_or(0);
            format!(
                "{}{}atom.xml",
                cur.site_base_path, cur.map.variants[j].prefix
            )
        }
        _ => config.url("atom.xml"),
    }
}

/// Where a variant's content comes from.
struct Source {
    variant: Variant,
    root: PathBuf,
    content_dir: String,
}

/// What every variant shares with the main one.
pub struct Shared<'a> {
    pub theme: &'a crate::theme::Theme,
    pub data: &'a serde_json::Value,
    pub highlighter: &'a crate::highlight::Highlighter,
}

/// A loaded variant besides the main one.
pub struct Built {
    pub config: Config,
    pub site: Site,
}

/// The other variants of a site, and the checkouts of git refs they were read from.
#[derive(Default)]
pub struct Others {
    pub built: Vec<Built>,
    /// Every variant, the main one first.
    variants: Vec<Variant>,
    _checkouts: Vec<tempfile::TempDir>,
}

impl Others {
    /// Adds the other variants' pages and sections to a build's summary.
    pub fn count_into(&self, summary: &mut crate::pipeline::Summary) {
        for b in &self.built {
            let sections = b
                .site
                .docs
                .iter()
                .filter(|d| d.kind == crate::site::Kind::Section)
                .count();
            summary.sections += sections;
            summary.pages += b.site.docs.len() - sections;
        }
    }

    /// Reads and assembles every variant besides the main one (not linked yet: see `link`).
    pub fn load(main: &Config, shared: &Shared, diags: &mut Diagnostics) -> Others {
        if !enabled(main) {
            return Others::default();
        }
        let mut checkouts = Vec::new();
        let sources = sources(main, &mut checkouts, diags);
        let built = sources
            .iter()
            .skip(1)
            .map(|s| {
                let config = overlay(main, s);
                let site = load_site(shared, &config, diags);
                Built { config, site }
            })
            .collect();
        Others {
            built,
            variants: sources.into_iter().map(|s| s.variant).collect(),
            _checkouts: checkouts,
        }
    }

    /// Builds the map of every variant's pages and gives each config (the main one's too) its
    /// place in it. `None` on a site with one variant.
    pub fn link(
        &mut self,
        main: &mut Config,
        main_site: &Site,
        theme: &crate::theme::Theme,
        diags: &mut Diagnostics,
    ) -> Option<Arc<Map>> {
        if self.variants.is_empty() {
            main.variant = None;
            return None;
        }
        let mut map = Map {
            variants: self.variants.clone(),
            pages: std::iter::once(main_site)
                .chain(self.built.iter().map(|b| &b.site))
                .map(|site| site.docs.iter().map(|d| d.path.clone()).collect())
                .collect(),
            current_label: main.site.version.clone().unwrap_or_else(|| "latest".into()),
            ..Map::default()
        };
        for v in &main.site.versions {
            let label = v.label.clone().unwrap_or_else(|| v.name.clone());
            map.version_labels.insert(v.name.clone(), label);
        }
        for v in &map.variants {
            let t = theme.translations.strings(&v.lang);
            let name = t.get("language_name").cloned();
            map.lang_names
                .insert(v.lang.clone(), name.unwrap_or_else(|| v.lang.clone()));
        }
        check_prefix_clashes(&map, main_site, diags);
        let map = Arc::new(map);
        let (base_path, base_url) = (main.base_path.clone(), main.base_url.clone());
        let configs = std::iter::once(main).chain(self.built.iter_mut().map(|b| &mut b.config));
        for (index, config) in configs.enumerate() {
            config.variant = Some(Current {
                map: map.clone(),
                index,
                site_base_path: base_path.clone(),
                site_base_url: base_url.clone(),
            });
        }
        Some(map)
    }
}

/// Loads every variant besides `main` and links them all.
/// Hook: `pipeline::build_with` and `check_with`, after `load`.
pub fn load_others(main: &mut Loaded, diags: &mut Diagnostics) -> Others {
    let shared = Shared {
        theme: &main.theme,
        data: &main.data,
        highlighter: &main.highlighter,
    };
    let mut others = Others::load(&main.config, &shared, diags);
    others.link(&mut main.config, &main.site, &main.theme, diags);
    others
}

/// Every variant's source, the main one first: each version, and in it each language.
fn sources(
    config: &Config,
    checkouts: &mut Vec<tempfile::TempDir>,
    diags: &mut Diagnostics,
) -> Vec<Source> {
    let site = &config.site;
    let mut roots: Vec<(Option<String>, PathBuf)> = vec![(None, config.root.clone())];
    for v in &site.versions {
        if let Some(root) = version_root(config, v, checkouts, diags) {
            roots.push((Some(v.name.clone()), root));
        }
    }
    let langs = std::iter::once(&site.language)
        .chain(site.languages.keys().filter(|l| **l != site.language));
    let mut langs: Vec<&String> = langs.collect();
    langs.retain(|lang| {
        let ok = is_segment(lang);
        if !ok {
            let (line, col) = config_line(config, &format!("[languages.{lang}]"));
            diags.push(
                Diagnostic::error(
                    "site.toml",
                    line,
                    col,
                    format!("language `{lang}` cannot be a URL segment"),
                )
                .with_help("use a language tag such as \"ar\", \"pt-BR\" or \"zh-Hans\""),
            );
        }
        ok
    });
    let mut out = Vec::new();
    for (version, root) in &roots {
        for (n, lang) in langs.iter().enumerate() {
            let content_dir = if n == 0 {
                site.content_dir.clone()
            } else {
                format!("{}.{lang}", site.content_dir)
            };
            if n > 0 && !root.join(&content_dir).is_dir() {
                if version.is_none() {
                    let (line, col) = config_line(config, &format!("[languages.{lang}]"));
                    diags.push(
                        Diagnostic::error("site.toml", line, col, format!("language `{lang}` has no content folder {content_dir}/"))
                            .with_help(format!("create {content_dir}/ with the translated pages, or remove [languages.{lang}]")),
                    );
                }
                continue;
            }
            let mut prefix = version.as_ref().map_or(String::new(), |v| format!("{v}/"));
            if n > 0 {
                prefix += &format!("{lang}/");
            }
            let mut probe = config.clone();
            probe.site.language = lang.to_string();
            out.push(Source {
                variant: Variant {
                    lang: lang.to_string(),
                    version: version.clone(),
                    prefix,
                    rtl: dir_of(&probe) == "rtl",
                },
                root: root.clone(),
                content_dir,
            });
        }
    }
    out
}

/// The folder holding a version's content: its `dir`, or a checkout of its `ref`.
fn version_root(
    config: &Config,
    v: &VersionToml,
    checkouts: &mut Vec<tempfile::TempDir>,
    diags: &mut Diagnostics,
) -> Option<PathBuf> {
    let fail = |diags: &mut Diagnostics, what: String, help: &str| {
        let (line, col) = config_line(config, &format!("name = \"{}\"", v.name));
        diags.push(
            Diagnostic::error(
                "site.toml",
                line,
                col,
                format!("version `{}`: {what}", v.name),
            )
            .with_help(help),
        );
        None
    };
    if !is_segment(&v.name) {
        return fail(
            diags,
            "the name must be a single URL segment".into(),
            "use a name such as \"v1\" or \"1.4\"",
        );
    }
    match (&v.dir, &v.git_ref) {
        (Some(dir), None) => {
            let root = config.root.join(dir);
            if root.join(config.content_dir()).is_dir() {
                Some(root)
            } else {
                fail(
                    diags,
                    format!("{dir}/{} does not exist", config.content_dir()),
                    "point `dir` at a folder holding that version's content folder",
                )
            }
        }
        (None, Some(r)) => match crate::git::checkout(&config.root, r) {
            Ok(tmp) if !tmp.path().join(config.content_dir()).is_dir() => fail(
                diags,
                format!("git ref `{r}` has no {}/ folder", config.content_dir()),
                "name a ref whose tree holds the site's content folder",
            ),
            Ok(tmp) => {
                let root = tmp.path().to_path_buf();
                checkouts.push(tmp);
                Some(root)
            }
            Err(e) => fail(
                diags,
                format!("cannot read git ref `{r}`: {e}"),
                "fetch the ref (the Pages workflow needs fetch-depth: 0) or correct its name",
            ),
        },
        _ => fail(
            diags,
            "set exactly one of `ref` and `dir`".into(),
            "ref = \"v1.0\" (a git branch or tag) or dir = \"versions/v1\"",
        ),
    }
}

/// The folders whose changes concern the other variants: their content folders and the
/// site's `i18n/` tables (hook: `serve::scope_of`).
pub fn watched(config: &Config) -> Vec<String> {
    let mut dirs = vec!["i18n".to_string()];
    if !enabled(config) {
        return dirs;
    }
    for lang in config.site.languages.keys() {
        dirs.push(format!("{}.{lang}", config.content_dir()));
    }
    dirs.extend(config.site.versions.iter().filter_map(|v| v.dir.clone()));
    dirs
}

/// A name that is one plain URL segment: letters, digits, `-`, `_`, `.`, not starting with `.`.
fn is_segment(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// Where `needle` is in site.toml (1:1 when it is written some other way).
fn config_line(config: &Config, needle: &str) -> (usize, usize) {
    let text =
        std::fs::read_to_string(config.root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    text.find(needle)
        .map_or((1, 1), |at| crate::diag::line_col(&text, at))
}

/// The main config with a variant's content, language and URL prefix.
fn overlay(main: &Config, s: &Source) -> Config {
    let mut c = main.clone();
    c.root = s.root.clone();
    c.site.content_dir = s.content_dir.clone();
    c.site.language = s.variant.lang.clone();
    if let Some(l) = main.site.languages.get(&s.variant.lang) {
        if let Some(t) = &l.title {
            c.site.title = t.clone();
        }
        if let Some(d) = &l.description {
            c.site.description = d.clone();
        }
    }
    if s.variant.version.is_some() {
        // Edit links would point at the current branch, where the old text no longer is.
        c.site.repository = None;
    }
    c.base_path = format!("{}{}", main.base_path, s.variant.prefix);
    c.base_url = format!(
        "{}/{}",
        main.base_url,
        s.variant.prefix.trim_end_matches('/')
    );
    c
}

/// Discovers, parses and assembles one variant's pages with the main variant's highlighter.
fn load_site(main: &Shared, config: &Config, diags: &mut Diagnostics) -> Site {
    let sources = crate::source::discover(&config.root, config.content_dir(), diags);
    let parsed = crate::pipeline::parse_all(config, &sources.markdown, main.highlighter, diags);
    let unparsed = crate::source::unparsed(&sources.markdown, parsed.iter().map(|(f, _)| &f.rel));
    let mut site =
        crate::site::assemble(config, parsed, sources.assets, Vec::new(), &unparsed, diags);
    site.last_commit = crate::git::last_updated(&config.root, config.content_dir());
    crate::facts::check_citations(&site, main.data, diags);
    site
}

/// A page of the main content whose path is another variant's prefix would be overwritten.
fn check_prefix_clashes(map: &Map, site: &Site, diags: &mut Diagnostics) {
    for v in map.variants.iter().skip(1) {
        let first = v.prefix.split('/').next().unwrap_or("");
        for d in &site.docs {
            if d.path.split('/').next() == Some(first) {
                diags.push(
                    Diagnostic::error(
                        &d.source,
                        1,
                        1,
                        format!(
                            "the page's address /{} is taken by the variant under /{first}/",
                            d.path
                        ),
                    )
                    .with_help("rename the page's folder or the language/version"),
                );
            }
        }
    }
}

/// Renders every other variant into `sink` under its prefix; returns the files written.
/// Hook: `pipeline::build_with` and `check_with`, after the main variant renders.
pub fn render_others(
    main: &Shared,
    others: &Others,
    sink: &dyn Sink,
    diags: &mut Diagnostics,
) -> usize {
    others
        .built
        .iter()
        .map(|b| {
            let r = Renderer {
                config: &b.config,
                site: &b.site,
                theme: main.theme,
                data: main.data,
                highlighter: main.highlighter,
            };
            crate::owners::check(&r, diags);
            render_one(&r, sink, diags)
        })
        .sum()
}

/// One variant: its pages, generated files, search index and content assets.
pub fn render_one(r: &Renderer, sink: &dyn Sink, diags: &mut Diagnostics) -> usize {
    let Some(cur) = &r.config.variant else {
        return 0;
    };
    let old = cur.variant().version.is_some();
    let sink = Prefixed {
        inner: sink,
        prefix: &cur.variant().prefix,
        skip: &|path: &str| {
            ROOT_ONLY.contains(&path)
                || (old && OLD_VERSION_SKIPS.contains(&path))
                || r.theme.static_files.contains_key(path)
        },
        written: AtomicUsize::new(0),
    };
    let view = r.site_view();
    r.render_docs(&r.site.order, &view, &sink, diags);
    r.render_extras(&view, &sink, diags);
    r.write_search(&sink, diags);
    r.copy_files(&sink, diags);
    sink.written.into_inner()
}

/// Files the site has once, at its root.
const ROOT_ONLY: &[&str] = &["robots.txt", ".nojekyll", "CNAME", "highlight.css"];
/// The sitemap and feed list the current version only.
const OLD_VERSION_SKIPS: &[&str] = &["sitemap.xml", "atom.xml"];

/// A sink writing under a prefix, leaving out the files `skip` names.
struct Prefixed<'s> {
    inner: &'s dyn Sink,
    prefix: &'s str,
    skip: &'s (dyn Fn(&str) -> bool + Sync),
    written: AtomicUsize,
}

impl Sink for Prefixed<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        if (self.skip)(path) {
            return Ok(());
        }
        self.written.fetch_add(1, Ordering::Relaxed);
        self.inner.write(&format!("{}{path}", self.prefix), bytes)
    }
}

/// `check`: pages of the default language missing in a translation, and translations whose
/// last commit is older than their original's (hook: `pipeline::check_with`).
pub fn check_translations(main: &Loaded, others: &Others, diags: &mut Diagnostics) {
    let Some(cur) = &main.config.variant else {
        return;
    };
    let times = |root: &Path, dir: &str| crate::git::last_commit_times(root, dir);
    let original_times = times(&main.config.root, main.config.content_dir());
    for (i, b) in others.built.iter().enumerate() {
        let v = &cur.map.variants[i + 1];
        if v.version.is_some() {
            continue;
        }
        let partial = main
            .config
            .site
            .languages
            .get(&v.lang)
            .is_some_and(|l| l.partial);
        let translated: BTreeMap<&str, &str> = b
            .site
            .docs
            .iter()
            .map(|d| (d.path.as_str(), d.source.as_str()))
            .collect();
        let theirs = times(&b.config.root, b.config.content_dir());
        for d in main.site.docs.iter().filter(|d| !d.implicit) {
            match translated.get(d.path.as_str()) {
                None if partial => {}
                None => diags.push(
                    Diagnostic::warning(
                        &d.source,
                        1,
                        1,
                        format!("page not translated into `{}`", v.lang),
                    )
                    .with_help(format!(
                        "add {}",
                        translated_source(
                            &d.source,
                            main.config.content_dir(),
                            b.config.content_dir()
                        )
                    )),
                ),
                Some(src) => {
                    if let (Some(o), Some(t)) = (original_times.get(&d.source), theirs.get(*src)) {
                        if t < o {
                            diags.push(
                                Diagnostic::warning(*src, 1, 1, format!("translation is older than its original {} (last commits {} and {})", d.source, crate::dates::utc_day(*t), crate::dates::utc_day(*o)))
                                    .with_help("bring the translation up to date with the original and commit it"),
                            );
                        }
                    }
                }
            }
        }
    }
}

fn translated_source(source: &str, from: &str, to: &str) -> String {
    match source.strip_prefix(from) {
        Some(rest) => format!("{to}{rest}"),
        None => source.to_string(),
    }
}
