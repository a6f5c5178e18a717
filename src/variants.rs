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
//! version). Templates read the result as `page.alternates` and `site.variant`, made by
//! `variant_view` from the map in `variant_map` that each variant's `Config` carries.

use crate::config::{Config, VersionToml};
use crate::diag::Code;
use crate::diag::{Diagnostic, Diagnostics};
use crate::output::Sink;
use crate::render::Renderer;
use crate::site::Site;
pub(crate) use crate::variant_map::{Current, Map, Variant};
pub(crate) use crate::variant_view::{dir_of, enabled};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Where a variant's content comes from.
struct Source {
    variant: Variant,
    root: PathBuf,
    content_dir: String,
}

/// `pipeline::parse_all`'s signature.
pub(crate) type ParseFn = fn(
    &Config,
    &[crate::source::SourceFile],
    &crate::highlight::Highlighter,
    &mut Diagnostics,
) -> Vec<(crate::source::SourceFile, Arc<crate::page::ParsedDoc>)>;

/// What every variant shares with the main one.
pub struct Shared<'a> {
    /// How pages are parsed (`pipeline::parse_all`).
    pub(crate) parse: ParseFn,
    pub(crate) theme: &'a crate::theme::Theme,
    pub(crate) data: &'a serde_json::Value,
    pub(crate) highlighter: &'a crate::highlight::Highlighter,
}

/// A loaded variant besides the main one.
pub(crate) struct Built {
    pub(crate) config: Config,
    pub(crate) site: Site,
}

/// The other variants of a site, and the checkouts of git refs they were read from.
#[derive(Default)]
pub(crate) struct Others {
    pub(crate) built: Vec<Built>,
    /// Every variant, the main one first.
    variants: Vec<Variant>,
    _checkouts: Vec<tempfile::TempDir>,
}

impl Others {
    /// The other variants' (pages, sections), for a build's summary.
    pub(crate) fn counts(&self) -> (usize, usize) {
        let (mut pages, mut sections) = (0, 0);
        for b in &self.built {
            let s = b
                .site
                .docs
                .iter()
                .filter(|d| d.kind == crate::site::Kind::Section)
                .count();
            sections += s;
            pages += b.site.docs.len() - s;
        }
        (pages, sections)
    }

    /// Reads and assembles every variant besides the main one (not linked yet: see `link`).
    pub(crate) fn load(main: &Config, shared: &Shared, diags: &mut Diagnostics) -> Others {
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
    pub(crate) fn link(
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
                    Code::LanguageInvalid,
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
                        Diagnostic::error(Code::LanguageFolderMissing, "site.toml", line, col, format!("language `{lang}` has no content folder {content_dir}/"))
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
                Code::VersionUnavailable,
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
    let parsed = (main.parse)(config, &sources.markdown, main.highlighter, diags);
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
                        Code::VariantAddressTaken,
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
pub(crate) fn render_others(
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
pub(crate) fn render_one(r: &Renderer, sink: &dyn Sink, diags: &mut Diagnostics) -> usize {
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
pub(crate) fn check_translations(
    main_config: &Config,
    main_site: &Site,
    others: &Others,
    diags: &mut Diagnostics,
) {
    let Some(cur) = &main_config.variant else {
        return;
    };
    let times = |root: &Path, dir: &str| crate::git::last_commit_times(root, dir);
    let original_times = times(&main_config.root, main_config.content_dir());
    for (i, b) in others.built.iter().enumerate() {
        let v = &cur.map.variants[i + 1];
        if v.version.is_some() {
            continue;
        }
        let partial = main_config
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
        for d in main_site.docs.iter().filter(|d| !d.implicit) {
            match translated.get(d.path.as_str()) {
                None if partial => {}
                None => diags.push(
                    Diagnostic::warning(
                        Code::Untranslated,
                        &d.source,
                        1,
                        1,
                        format!("page not translated into `{}`", v.lang),
                    )
                    .with_help(format!(
                        "add {}",
                        translated_source(
                            &d.source,
                            main_config.content_dir(),
                            b.config.content_dir()
                        )
                    )),
                ),
                Some(src) => {
                    if let (Some(o), Some(t)) = (original_times.get(&d.source), theirs.get(*src)) {
                        if t < o {
                            diags.push(
                                Diagnostic::warning(Code::TranslationOutdated, *src, 1, 1, format!("translation is older than its original {} (last commits {} and {})", d.source, crate::dates::utc_day(*t), crate::dates::utc_day(*o)))
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
