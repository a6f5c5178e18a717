//! site.toml plus command-line overrides, resolved once into a `Config` (unknown keys rejected).

use crate::diag::Code;
use crate::diag::{line_col, unknown_field_help, Diagnostic};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub(crate) const CONFIG_FILE: &str = "site.toml";

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteToml {
    /// The site's name, shown in every page's title and header.
    pub(crate) title: String,
    /// One sentence about the site, for the home page's meta description and the feed.
    #[serde(default)]
    pub(crate) description: String,
    /// The address the site is published at, e.g. "https://owner.github.io/repo/"; its path
    /// is the prefix of every link (`build --base-url` overrides it).
    pub base_url: String,
    /// The folder under themes/ whose templates and static files replace the built-in
    /// default theme's ("default" uses the built-in one as it is).
    #[serde(default = "default_theme")]
    pub(crate) theme: String,
    /// The folder `build` writes, inside the site (`build --output` writes anywhere else).
    #[serde(default = "default_output")]
    pub(crate) output_dir: String,
    /// The site's language code, for `<html lang>`, the feed and the search index's stemmer.
    #[serde(default = "default_language")]
    pub(crate) language: String,
    /// A custom domain for GitHub Pages, written to the file CNAME in the output folder.
    #[serde(default)]
    pub(crate) cname: Option<String>,
    /// `[repository]`: where the site's source lives, for "Edit this page" links.
    #[serde(default)]
    pub repository: Option<Repository>,
    /// `[highlight]`: code highlighting themes and limits.
    #[serde(default)]
    pub(crate) highlight: Highlight,
    /// `[tabs]`: tab labels the tab groups of a section must offer.
    #[serde(default)]
    pub(crate) tabs: Tabs,
    /// `[extra]`: any values of the site's own, read by templates as `site.extra`.
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub(crate) extra: toml::Table,
    /// `[lint]`: the site's own editorial rules, which `check` enforces; none by default.
    #[serde(default)]
    pub lint: Lint,
    /// `[links]`: how broken links are reported by `build` and `serve`.
    #[serde(default)]
    pub(crate) links: Links,
    /// `[html]`: what raw HTML in pages may embed beyond the safe default allow-list.
    #[serde(default)]
    pub(crate) html: Html,
    /// The folder holding the Markdown, relative to the site root ("docs" in most repositories).
    #[serde(default = "default_content_dir")]
    pub(crate) content_dir: String,
    /// `[front_matter]`: how strict the site is about its pages' front matter.
    #[serde(default)]
    pub(crate) front_matter: FrontMatterRules,
    /// `[images]`: the weight above which a local image is reported.
    #[serde(default)]
    pub(crate) images: Images,
    /// `[contracts] orders = "data/orders-api.yaml"`: OpenAPI 3.1 documents code blocks can be
    /// checked against (see [Checking examples against an API contract](../contracts.md)), by name.
    #[serde(default)]
    pub(crate) contracts: BTreeMap<String, String>,
    /// `[languages.<code>]`: translations besides `language`, each from `<content_dir>.<code>/`
    /// and published under `/<code>/` (see `crate::variants`).
    #[serde(default)]
    pub(crate) languages: BTreeMap<String, LanguageToml>,
    /// `[[versions]]`: earlier versions of the docs, each published under `/<name>/`.
    #[serde(default)]
    pub(crate) versions: Vec<VersionToml>,
    /// The label of the version the working tree holds, shown in the version switcher.
    #[serde(default)]
    pub(crate) version: Option<String>,
}

/// `[images] max_kb = 500`: local images heavier than this are a warning (none by default).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Images {
    /// Local images heavier than this many kilobytes are a warning (an error in `check`).
    #[serde(default)]
    pub(crate) max_kb: Option<u64>,
    /// `widths = [480, 960]`: PNG and JPEG images wider than a width get a variant resized to
    /// it and a `srcset` listing them (none by default).
    #[serde(default)]
    pub(crate) widths: Vec<u32>,
}

/// `[links] level = "warn"` lets a site with broken links, anchors or alias conflicts still
/// build while they are being fixed; `check` always treats them as errors.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Links {
    /// "error" (the default) or "warn": how `build` and `serve` report broken links.
    #[serde(default)]
    pub(crate) level: LinkLevel,
    /// Addresses `check --external` leaves alone: a glob over the whole URL (`*` is any run of
    /// characters), or, without a `*`, a prefix (as Zola's `skip_prefixes`).
    #[serde(default)]
    pub(crate) external_skip: Vec<String>,
    /// Seconds an external request may take (15 by default).
    #[serde(default)]
    pub(crate) external_timeout: Option<u64>,
    /// Hours a working external link is trusted without asking again (24 by default; 0 turns
    /// the cache off).
    #[serde(default)]
    pub(crate) external_cache_hours: Option<u64>,
}

#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Deserialize,
    serde::Serialize,
    JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum LinkLevel {
    /// A broken link fails the build.
    #[default]
    Error,
    /// A broken link is reported and the site still builds.
    Warn,
}

/// Embeds raw HTML may use, each off by default: pages come by pull request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Html {
    /// Hosts `<iframe src="https://HOST/...">` may load from, e.g. "www.youtube-nocookie.com".
    #[serde(default)]
    pub(crate) iframe_hosts: Vec<String>,
    /// Allow `<video>` (with `<source>` and `<track>`).
    #[serde(default)]
    pub(crate) video: bool,
    /// Allow `<audio>` (with `<source>` and `<track>`).
    #[serde(default)]
    pub(crate) audio: bool,
}

/// `[front_matter]`: how strict the site is about its pages' front matter.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FrontMatterRules {
    /// What a key backlot does not know is: a warning (kept under `extra`) or an error.
    #[serde(default)]
    pub(crate) unknown_keys: Level,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    /// Reported as a warning (an error in `check`).
    #[default]
    Warn,
    /// Reported as an error.
    Error,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Repository {
    /// The repository's web address, e.g. "https://github.com/owner/repo".
    pub url: String,
    /// The branch "Edit this page" links open.
    #[serde(default = "default_branch")]
    pub(crate) branch: String,
    /// Where the site lives inside the repository ("" for the root).
    #[serde(default)]
    pub(crate) path: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Highlight {
    /// The highlight theme for the light colour scheme (see the highlight themes list).
    #[serde(default = "default_light")]
    pub(crate) light_theme: String,
    /// The highlight theme for the dark colour scheme.
    #[serde(default = "default_dark")]
    pub(crate) dark_theme: String,
    /// Blocks larger than this are shown as plain text (a guard against pathological input).
    #[serde(default = "default_max_block")]
    pub(crate) max_block_bytes: usize,
    /// Blocks with a line longer than this are shown as plain text.
    #[serde(default = "default_max_line")]
    pub(crate) max_line_bytes: usize,
}

impl Default for Highlight {
    fn default() -> Self {
        Highlight {
            light_theme: default_light(),
            dark_theme: default_dark(),
            max_block_bytes: default_max_block(),
            max_line_bytes: default_max_line(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Tabs {
    /// Section path (relative to content/, e.g. "stacks/languages") -> labels every tab group
    /// in that section must offer.
    #[serde(default)]
    pub(crate) required: BTreeMap<String, Vec<String>>,
}

/// `[lint]`: the site's own editorial rules. Every rule is off unless site.toml sets it.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lint {
    /// Every page, section and the home page sets a non-empty `description`.
    #[serde(default)]
    pub require_description: bool,
    /// The description is one sentence (no ". " inside it).
    #[serde(default)]
    pub(crate) one_sentence_description: bool,
    /// Front matter fields each kind of document must set, e.g. `pages = ["updated", "tags"]`.
    #[serde(default)]
    pub(crate) required_fields: PerKind<Vec<String>>,
    /// Minimum words of prose (code blocks excluded) per kind of document.
    #[serde(default)]
    pub(crate) min_words: PerKind<Option<usize>>,
    /// Rules for the documents under one content folder.
    #[serde(default)]
    pub sections: Vec<SectionRule>,
}

/// A value for each kind of document: topic pages, section `_index.md` files, the home page.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(bound = "T: JsonSchema + Default")]
pub(crate) struct PerKind<T> {
    /// For topic pages.
    #[serde(default)]
    pub(crate) pages: T,
    /// For section `_index.md` files.
    #[serde(default)]
    pub(crate) sections: T,
    /// For the home page.
    #[serde(default)]
    pub(crate) home: T,
}

/// `[[lint.sections]]`: rules for the folder `path` (relative to content/). Page rules apply to
/// every page below it, except the files listed in `except` (relative to content/).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionRule {
    /// The folder, relative to the content folder ("" for all of it).
    #[schemars(with = "String")]
    pub(crate) path: toml::Spanned<String>,
    /// The folder is a section (has `_index.md`) with at least this many pages of its own.
    #[serde(default)]
    pub(crate) min_pages: Option<usize>,
    /// Every page has at least one code block.
    #[serde(default)]
    pub(crate) require_code: bool,
    /// Every page has a code block containing this text (e.g. a shared example).
    #[serde(default)]
    pub(crate) code_contains: Option<String>,
    /// Every tab group offering one of these labels offers them all.
    #[serde(default)]
    pub(crate) tabs: Vec<String>,
    /// Files (relative to the content folder) the page rules skip.
    #[serde(default)]
    pub(crate) except: Vec<String>,
    /// Every page has a heading with each of these texts (any level, case-insensitive), e.g. a
    /// "Further reading" section.
    #[serde(default)]
    pub(crate) require_headings: Vec<String>,
}

fn default_theme() -> String {
    "default".into()
}
fn default_output() -> String {
    "public".into()
}
fn default_language() -> String {
    "en".into()
}
pub(crate) fn default_content_dir() -> String {
    "content".into()
}
fn default_branch() -> String {
    "main".into()
}
fn default_light() -> String {
    "Coldark-Cold".into()
}
fn default_dark() -> String {
    "Coldark-Dark".into()
}
fn default_max_block() -> usize {
    256 * 1024
}
fn default_max_line() -> usize {
    4096
}

/// Overrides from the command line.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Replaces `[repository] url` (edit links).
    pub repository_url: Option<String>,
    /// Replaces `[links] level` (`build --links warn`).
    pub links: Option<LinkLevel>,
    /// The feed's date when no page has one (`SOURCE_DATE_EPOCH`, read by `main`).
    pub source_date_epoch: Option<i64>,
    /// The on-disk build cache's folder (`--cache`), if the run keeps one.
    pub cache: Option<PathBuf>,
}

/// The resolved configuration every stage reads.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) root: PathBuf,
    pub(crate) site: SiteToml,
    pub(crate) output_dir: PathBuf,
    /// base_url without the trailing slash, e.g. "https://owner.github.io/repo".
    pub(crate) base_url: String,
    /// The path part of base_url, always starting and ending with '/', e.g. "/repo/".
    pub(crate) base_path: String,
    pub(crate) drafts: bool,
    /// True when the output folder came from site.toml's `output_dir`: then it must stay
    /// inside the site with no symlink on the way (see `symlink_on_the_way`).
    pub(crate) output_confined: bool,
    /// Unix seconds for the feed's `<updated>` when no page has a date.
    pub(crate) source_date_epoch: Option<i64>,
    /// Which language and version of the site this config builds (`crate::variants`); `None`
    /// for a site with one language and one version.
    pub(crate) variant: Option<crate::variant_map::Current>,
}

impl Config {
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::error(
                Code::ConfigUnreadable,
                CONFIG_FILE,
                1,
                1,
                format!("cannot read {}: {e}", path.display()),
            )
            .with_help("run backlot in the site's folder, or pass --root DIR")
        })?;
        let site: SiteToml = toml::from_str(&text)
            .map_err(|e| toml_diagnostic(Code::ConfigInvalid, CONFIG_FILE, &text, 1, &e))?;
        Config::from_site(root, site, overrides)
    }

    pub(crate) fn from_site(
        root: &Path,
        mut site: SiteToml,
        overrides: &Overrides,
    ) -> Result<Config, Diagnostic> {
        if let Some(level) = overrides.links {
            site.links.level = level;
        }
        if let Some(url) = &overrides.repository_url {
            let repo = site.repository.get_or_insert_with(|| Repository {
                url: String::new(),
                branch: default_branch(),
                path: String::new(),
            });
            repo.url = url.trim_end_matches('/').to_string();
        }
        let raw_base = overrides
            .base_url
            .clone()
            .unwrap_or_else(|| site.base_url.clone());
        let (base_url, base_path) = split_base_url(&raw_base).ok_or_else(|| {
            Diagnostic::error(
                Code::BaseUrlInvalid,
                CONFIG_FILE,
                1,
                1,
                format!("base_url `{raw_base}` is not an absolute http(s) URL"),
            )
            .with_help(
                "use the address the site is published at, e.g. https://owner.github.io/repo/",
            )
        })?;
        let output_dir = match &overrides.output {
            Some(o) => o.clone(),
            None => {
                check_site_relative("output_dir", &site.output_dir)?;
                check_no_symlink(root, &site.output_dir)?;
                root.join(&site.output_dir)
            }
        };
        check_theme_name(&site.theme)?;
        check_site_relative("content_dir", &site.content_dir)?;
        site.content_dir = site.content_dir.trim_matches('/').to_string();
        check_output(root, &output_dir, &site.content_dir)?;
        Ok(Config {
            root: root.to_path_buf(),
            site,
            output_dir,
            base_url,
            base_path,
            drafts: overrides.drafts,
            output_confined: overrides.output.is_none(),
            source_date_epoch: overrides.source_date_epoch,
            variant: None,
        })
    }

    /// The site root when the output folder must stay inside it (it came from site.toml).
    pub(crate) fn output_confined_to(&self) -> Option<&Path> {
        self.output_confined.then_some(self.root.as_path())
    }

    /// The output folder as the maintainer named it: site.toml's `output_dir`, or `--output`.
    pub(crate) fn output_shown(&self) -> String {
        if self.output_confined {
            self.site.output_dir.clone()
        } else {
            self.output_dir.display().to_string()
        }
    }

    /// The content folder relative to the root, e.g. "content" or "docs".
    pub(crate) fn content_dir(&self) -> &str {
        &self.site.content_dir
    }

    /// A root-relative URL for a site path ("stacks/go/" -> "/repo/stacks/go/").
    pub(crate) fn url(&self, site_path: &str) -> String {
        format!("{}{}", self.base_path, site_path.trim_start_matches('/'))
    }

    /// An absolute URL for a site path, for the sitemap and feed.
    pub(crate) fn permalink(&self, site_path: &str) -> String {
        let mut out = String::with_capacity(self.base_url.len() + site_path.len());
        self.push_permalink(&mut out, site_path);
        out
    }

    /// `permalink`, appended to `out` (for files listing every page).
    pub(crate) fn push_permalink(&self, out: &mut String, site_path: &str) {
        let origin_len = self.base_url.len() - self.base_path.trim_end_matches('/').len();
        out.push_str(&self.base_url[..origin_len]);
        out.push_str(&self.base_path);
        out.push_str(site_path.trim_start_matches('/'));
    }
}

/// The folders a site is read from: a build must never write into them.
pub(crate) const SOURCE_DIRS: &[&str] = &["content", "data", "static", "themes", "i18n"];

/// `[languages.<code>]`: a translation of the site.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LanguageToml {
    /// The site's title in this language (else site.toml's `title`).
    #[serde(default)]
    pub(crate) title: Option<String>,
    /// The site's description in this language (else site.toml's `description`).
    #[serde(default)]
    pub(crate) description: Option<String>,
    /// Writing direction; by default right-to-left for Arabic, Hebrew, Persian, Urdu and the
    /// other languages in `crate::variants::RTL`.
    #[serde(default)]
    pub(crate) dir: Option<Dir>,
    /// Pages not translated yet are expected: `check` does not report them.
    #[serde(default)]
    pub(crate) partial: bool,
}

/// A writing direction: `ltr` or `rtl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Dir {
    Ltr,
    Rtl,
}

/// `[[versions]]`: an earlier version of the docs.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VersionToml {
    /// The URL prefix (`/v1/`) and, without `label`, the name in the switcher.
    pub(crate) name: String,
    /// The name shown in the version switcher (else `name`).
    #[serde(default)]
    pub(crate) label: Option<String>,
    /// A git branch or tag whose tree holds this version (the site's folder in it).
    #[serde(default, rename = "ref")]
    pub(crate) git_ref: Option<String>,
    /// Or a folder of the site holding this version's content folders.
    #[serde(default)]
    pub(crate) dir: Option<String>,
}

/// `output_dir` in site.toml is a folder inside the site: relative, no `..`, not a source folder.
fn check_site_relative(key: &str, value: &str) -> Result<(), Diagnostic> {
    let p = Path::new(value);
    let bad = if value.trim().is_empty() || value.trim() == "." {
        Some("it is the site root")
    } else if p.is_absolute() || value.starts_with(['/', '\\']) || value.contains(':') {
        Some("it is an absolute path")
    } else if p.components().any(|c| {
        !matches!(
            c,
            std::path::Component::Normal(_) | std::path::Component::CurDir
        )
    }) {
        Some("it contains `..`")
    } else if value.contains('\\') {
        Some("it contains a backslash")
    } else {
        None
    };
    match bad {
        Some(why) => Err(Diagnostic::error(
            Code::OutputDirNotAllowed,
            CONFIG_FILE,
            1,
            1,
            format!("{key} `{value}` is not allowed: {why}"),
        )
        .with_help(
            "use a folder inside the site, such as \"public\"; pass --output for anywhere else",
        )),
        None => Ok(()),
    }
}

/// A committed symlink on the way to `output_dir` (say `out -> ~/.config` with
/// `output_dir = "out/git"`) would make the build write outside the site: refused.
fn check_no_symlink(root: &Path, output_dir: &str) -> Result<(), Diagnostic> {
    let Some(link) = symlink_on_the_way(root, Path::new(output_dir)) else {
        return Ok(());
    };
    let shown = link.display();
    Err(Diagnostic::error(
        Code::OutputDirNotAllowed,
        CONFIG_FILE,
        1,
        1,
        format!("output_dir `{output_dir}` is not allowed: `{shown}` is a symlink, so the build could write outside the site"),
    )
    .with_help(format!(
        "replace the symlink `{shown}` with a real folder or choose another output_dir; pass --output to write anywhere else"
    )))
}

/// A theme is a folder name under themes/, never a path.
fn check_theme_name(name: &str) -> Result<(), Diagnostic> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || "-_.".contains(c));
    if ok {
        return Ok(());
    }
    Err(Diagnostic::error(
        Code::ThemeNotFound,
        CONFIG_FILE,
        1,
        1,
        format!("theme `{name}` is not a folder name"),
    )
    .with_help("name a folder under themes/, such as \"default\""))
}

/// `.` and `..` resolved without touching the disk, from the current folder if relative.
fn lexical_absolute(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    // Resolve symlinks in the part that exists, so a link cannot disguise the site root.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return out,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    resolved.extend(rest.iter().rev());
    resolved
}

/// The output folder is replaced whole by each build: it must not be the site root, contain
/// it, or lie in a folder the site is read from.
fn check_output(root: &Path, output: &Path, content_dir: &str) -> Result<(), Diagnostic> {
    let root = lexical_absolute(root);
    let out = lexical_absolute(output);
    let why = if root.starts_with(&out) {
        Some("it is the site root or a folder that contains it".to_string())
    } else {
        SOURCE_DIRS
            .iter()
            .chain([&content_dir])
            .find(|d| out.starts_with(root.join(d)))
            .map(|d| format!("it is inside the site's {d}/ folder"))
    };
    match why {
        Some(why) => Err(Diagnostic::error(
            Code::OutputDirNotAllowed,
            CONFIG_FILE,
            1,
            1,
            format!("output folder {} is not allowed: {why}", output.display()),
        )
        .with_help("every build replaces the output folder whole; choose a folder of its own, such as public/")),
        None => Ok(()),
    }
}

/// "https://x.github.io/repo/" -> ("https://x.github.io/repo", "/repo/").
fn split_base_url(raw: &str) -> Option<(String, String)> {
    let rest = raw
        .strip_prefix("https://")
        .or_else(|| raw.strip_prefix("http://"))?;
    let host_end = rest.find('/').unwrap_or(rest.len());
    if host_end == 0 || raw.contains(['?', '#', ' ', '"', '<', '>', '\\']) {
        return None;
    }
    let path = rest[host_end..].trim_matches('/');
    if path.split('/').any(|s| s == ".." || s == ".") {
        return None;
    }
    let base_path = if path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}/")
    };
    Some((raw.trim_end_matches('/').to_string(), base_path))
}

/// A TOML error as a diagnostic, with lines counted from the top of the file.
pub(crate) fn toml_diagnostic(
    code: Code,
    path: &str,
    text: &str,
    first_line: usize,
    e: &toml::de::Error,
) -> Diagnostic {
    let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
    let message = e.message().trim().to_string();
    let help = unknown_field_help(&message);
    Diagnostic::error(code, path, line + first_line - 1, col, message).with_help_opt(help)
}

/// The first component of `rel` (a relative folder inside `root`, shown relative to it) that
/// exists and is a symlink. Components that do not exist yet are fine: the build creates them
/// as real folders.
pub(crate) fn symlink_on_the_way(root: &Path, rel: &Path) -> Option<PathBuf> {
    let mut so_far = PathBuf::new();
    for c in rel.components() {
        so_far.push(c);
        match root.join(&so_far).symlink_metadata() {
            Ok(m) if m.file_type().is_symlink() => return Some(so_far),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_from_url() {
        assert_eq!(
            split_base_url("https://o.github.io/repo/").unwrap(),
            ("https://o.github.io/repo".into(), "/repo/".into())
        );
        assert_eq!(split_base_url("https://example.com").unwrap().1, "/");
        assert!(split_base_url("example.com").is_none());
    }

    #[test]
    fn output_and_theme_stay_in_their_place() {
        for bad in ["", ".", "..", "../out", "/tmp/out", "a/../../b", "C:\\x"] {
            assert!(check_site_relative("output_dir", bad).is_err(), "{bad}");
        }
        assert!(check_site_relative("output_dir", "public").is_ok());
        assert!(check_site_relative("output_dir", "build/site").is_ok());
        for bad in ["../x", "a/b", "", ".hidden", "/abs", "a\\b"] {
            assert!(check_theme_name(bad).is_err(), "{bad}");
        }
        assert!(check_theme_name("default").is_ok());
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        for bad in [
            root.clone(),
            t.path().to_path_buf(),
            root.join("content"),
            root.join("content/x"),
            root.join("static/../content"),
        ] {
            assert!(
                check_output(&root, &bad, "content").is_err(),
                "{}",
                bad.display()
            );
        }
        assert!(check_output(&root, &root.join("docs/out"), "docs").is_err());
        assert!(check_output(&root, &root.join("public"), "docs").is_ok());
        assert!(check_output(&root, &t.path().join("elsewhere"), "content").is_ok());
    }

    #[test]
    fn unknown_key_names_closest() {
        let text = "title = \"x\"\nbase_url = \"https://a.b/\"\ndescripton = \"y\"\n";
        let e = toml::from_str::<SiteToml>(text).unwrap_err();
        let d = toml_diagnostic(Code::ConfigInvalid, "site.toml", text, 1, &e);
        assert_eq!(d.line, 3);
        assert_eq!(d.help.as_deref(), Some("did you mean `description`?"));
    }
}
