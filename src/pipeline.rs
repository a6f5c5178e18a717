//! The whole build, stage by stage: config -> sources -> parsed pages (parallel) -> site ->
//! rendered files (parallel) -> output. `build`, `check` and `serve` are this one pipeline
//! with a different sink.

use crate::config::{Config, Overrides};
use crate::diag::{Diagnostic, Diagnostics};
use crate::highlight::Highlighter;
use crate::output::{DirSink, NullSink, Sink, Staging};
use crate::page::{parse_doc_guarded, ParsedDoc};
use crate::profile::timed;
use crate::progress;
use crate::render::Renderer;
use crate::site::{assemble, Kind, Site};
use crate::source::{discover, read_page, SourceFile};
use crate::theme::Theme;
use rayon::prelude::*;
use std::sync::Arc;
use std::time::Instant;

/// What a finished build reports in its summary line.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub pages: usize,
    pub sections: usize,
    pub files: usize,
    pub millis: u128,
    /// Anything else the command reports, e.g. what the snippet checker did.
    pub note: Option<String>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::diag::plural;
        write!(
            f,
            "{}, {}, {} in {} ms",
            plural(self.pages, "page"),
            plural(self.sections, "section"),
            plural(self.files, "file"),
            self.millis
        )?;
        match &self.note {
            Some(note) => write!(f, "; {note}"),
            None => Ok(()),
        }
    }
}

/// A loaded site with the stages' results, ready to render.
pub struct Loaded {
    pub config: Config,
    pub highlighter: Highlighter,
    pub site: Site,
    pub theme: Theme,
    pub data: serde_json::Value,
}

/// Reads and parses everything; `None` when a stage could not produce its result.
pub fn load(
    root: &std::path::Path,
    overrides: &Overrides,
    diags: &mut Diagnostics,
) -> Option<Loaded> {
    let config = Config::load(root, overrides)
        .map_err(|d| diags.push(d))
        .ok()?;
    // The one `git log` pass for "Last updated" runs while the pages parse.
    let (git_root, content) = (config.root.clone(), config.content_dir().to_string());
    let last_commit = std::thread::spawn(move || crate::git::last_updated(&git_root, &content));
    let highlighter = Highlighter::new(&config.site.highlight);
    let sources = timed("discover", || {
        discover(&config.root, config.content_dir(), diags)
    });
    let parsed = progress::stage("parsing pages", || {
        timed("parse", || {
            parse_all_with(&config, &sources.markdown, &highlighter, diags, true)
        })
    });
    let data = crate::data::load(&sources.data, diags);
    let unparsed = crate::source::unparsed(&sources.markdown, parsed.iter().map(|(f, _)| &f.rel));
    let mut site = timed("assemble", || {
        let (assets, statics) = (sources.assets, sources.static_files);
        assemble(&config, parsed, assets, statics, &unparsed, diags)
    });
    site.last_commit = last_commit.join().unwrap_or_default();
    crate::facts::check_citations(&site, &data, diags);
    let theme = timed("theme", || Theme::load(&config, diags))?;
    let loaded = Loaded {
        config,
        highlighter,
        site,
        theme,
        data,
    };
    crate::owners::check(&loaded.renderer(), diags);
    Some(loaded)
}

/// Parses every Markdown file in parallel, each guarded against panics.
pub fn parse_all(
    config: &Config,
    files: &[SourceFile],
    h: &Highlighter,
    diags: &mut Diagnostics,
) -> Vec<(SourceFile, Arc<ParsedDoc>)> {
    parse_all_with(config, files, h, diags, false)
}

/// `parse_all`; `pack`: each page's large texts are compressed as soon as it is parsed
/// (`crate::compact`), for a build or check, which hold every page until they end.
fn parse_all_with(
    config: &Config,
    files: &[SourceFile],
    h: &Highlighter,
    diags: &mut Diagnostics,
    pack: bool,
) -> Vec<(SourceFile, Arc<ParsedDoc>)> {
    type Parsed = Result<(SourceFile, Arc<ParsedDoc>), Vec<Diagnostic>>;
    let strict = config.site.front_matter.unknown_keys == crate::config::Level::Error;
    let results: Vec<Parsed> = files
        .par_iter()
        .map(|f| {
            let text = read_page(f).map_err(|d| vec![d])?;
            let mut doc = parse_doc_guarded(&f.rel, &text, h, &config.site.html, strict)?;
            after_parse(config, &f.rel, &mut doc, h);
            if pack {
                doc.md.pack();
            }
            Ok((f.clone(), Arc::new(doc)))
        })
        .collect();
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok((f, doc)) => {
                diags.extend(doc.md.diagnostics.iter().cloned());
                out.push((f, doc));
            }
            Err(ds) => diags.extend(ds),
        }
    }
    out
}

/// Unpacks every page `load` packed (`crate::compact`): `check` reads pages' code and text in
/// many places after the build's stages, all of them through the plain fields.
fn unpack_pages(site: &mut Site) {
    site.docs.par_iter_mut().for_each(|doc| {
        if doc.parsed.md.packed.is_some() {
            Arc::make_mut(&mut doc.parsed).md.unpack();
        }
    });
}

/// What a page's parse needs from other files of the repository: included code and image
/// sizes (the parse itself reads the page's bytes only, so `serve` can cache it).
pub fn after_parse(config: &Config, rel: &str, doc: &mut ParsedDoc, h: &Highlighter) {
    crate::include::resolve(&config.root, rel, &mut doc.md, h);
    crate::images::measure(config, rel, &mut doc.md);
}

impl Loaded {
    /// What the site's other languages and versions share with it (`crate::variants`).
    pub fn shared(&self) -> crate::variants::Shared<'_> {
        crate::variants::Shared {
            parse: parse_all,
            theme: &self.theme,
            data: &self.data,
            highlighter: &self.highlighter,
        }
    }

    pub fn renderer(&self) -> Renderer<'_> {
        Renderer {
            config: &self.config,
            site: &self.site,
            theme: &self.theme,
            data: &self.data,
            highlighter: &self.highlighter,
        }
    }

    pub fn summary(&self, files: usize, started: Instant) -> Summary {
        let sections = self
            .site
            .docs
            .iter()
            .filter(|d| d.kind == Kind::Section)
            .count();
        Summary {
            pages: self.site.docs.len() - sections,
            sections,
            files,
            millis: started.elapsed().as_millis(),
            note: None,
        }
    }

    /// Renders into `sink`, adding any problems to `diags`.
    pub fn render(&self, sink: &dyn Sink, diags: &mut Diagnostics) -> usize {
        progress::stage("rendering the site", || {
            timed("render", || self.renderer().render_all(sink, diags))
        })
    }
}

/// Loads the site's other languages and versions and links every variant's config to the
/// map of their pages (`crate::variants`).
fn load_variants(main: &mut Loaded, diags: &mut Diagnostics) -> crate::variants::Others {
    let shared = crate::variants::Shared {
        parse: parse_all,
        theme: &main.theme,
        data: &main.data,
        highlighter: &main.highlighter,
    };
    let mut others = crate::variants::Others::load(&main.config, &shared, diags);
    others.link(&mut main.config, &main.site, &main.theme, diags);
    others
}

/// The other variants' pages and sections in a build's summary.
fn add_counts(summary: &mut Summary, others: &crate::variants::Others) {
    let (pages, sections) = others.counts();
    summary.pages += pages;
    summary.sections += sections;
}

/// `backlot build`: writes the site through a staging folder; the output folder is replaced
/// only if there were no errors.
pub fn build(root: &std::path::Path, overrides: &Overrides) -> (Option<Summary>, Diagnostics) {
    build_with(root, overrides, &|dir| Box::new(dir))
}

/// `build` writing through `sink(staging folder)`: tests wrap it to inject write failures.
pub fn build_with(
    root: &std::path::Path,
    overrides: &Overrides,
    sink: &dyn Fn(DirSink) -> Box<dyn Sink>,
) -> (Option<Summary>, Diagnostics) {
    let started = Instant::now();
    let mut diags = Diagnostics::default();
    let Some(mut loaded) = load(root, overrides, &mut diags) else {
        return (None, diags.sorted());
    };
    let others = load_variants(&mut loaded, &mut diags);
    if diags.has_errors() {
        return (None, diags.sorted());
    }
    let config = &loaded.config;
    if let Some(dir) = &overrides.cache {
        loaded.highlighter.use_disk_cache(dir);
    }
    let staging = match Staging::begin(&config.output_dir, config.output_confined_to()) {
        Ok(s) => s,
        Err(e) => {
            diags.push(Diagnostic::error(
                config.output_shown(),
                1,
                1,
                format!("cannot prepare the output folder: {e}"),
            ));
            return (None, diags.sorted());
        }
    };
    let sink = sink(DirSink {
        dir: staging.dir.clone(),
    });
    let mut files = loaded.render(sink.as_ref(), &mut diags);
    files += crate::variants::render_others(&loaded.shared(), &others, sink.as_ref(), &mut diags);
    let cache_note = loaded.highlighter.save_disk_cache();
    if diags.has_errors() {
        staging.abort();
        return (None, diags.sorted());
    }
    if let Err(e) = staging.commit() {
        diags.push(Diagnostic::error(
            config.output_shown(),
            1,
            1,
            format!("cannot replace the output folder: {e}"),
        ));
        return (None, diags.sorted());
    }
    let mut summary = loaded.summary(files, started);
    summary.note = cache_note;
    add_counts(&mut summary, &others);
    (Some(summary), diags.sorted())
}

/// What `check` is asked for beyond `build`.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// A language the site uses whose snippet checker is missing on this machine is an error.
    pub strict_snippets: bool,
    /// The date (YYYY-MM-DD) end-of-support dates are compared with; today when `None`.
    pub today: Option<String>,
    /// Also ask every external link's host whether it works (`check --external`).
    pub external: bool,
}

/// `backlot check`: everything `build` does except writing, plus the snippet checker and the
/// site's `[lint]` rules; warnings count as errors.
pub fn check(root: &std::path::Path, overrides: &Overrides) -> (Option<Summary>, Diagnostics) {
    check_with(root, overrides, CheckOptions::default())
}

/// `check` with options.
pub fn check_with(
    root: &std::path::Path,
    overrides: &Overrides,
    options: CheckOptions,
) -> (Option<Summary>, Diagnostics) {
    let started = Instant::now();
    let mut diags = Diagnostics::default();
    let Some(mut loaded) = load(root, overrides, &mut diags) else {
        return (None, diags.sorted());
    };
    unpack_pages(&mut loaded.site);
    if let Some(dir) = &overrides.cache {
        loaded.highlighter.use_disk_cache(dir);
    }
    let others = load_variants(&mut loaded, &mut diags);
    let mut files = loaded.render(&NullSink, &mut diags);
    files += crate::variants::render_others(&loaded.shared(), &others, &NullSink, &mut diags);
    crate::variants::check_translations(&loaded.config, &loaded.site, &others, &mut diags);
    let cache_note = loaded.highlighter.save_disk_cache();
    let report = progress::stage("checking code snippets", || {
        crate::examples::check_snippets(&loaded.site, &mut diags)
    });
    if options.strict_snippets {
        report.missing_tools_as_errors(&mut diags);
    }
    let contracts = crate::contracts::check_contracts(&loaded.site, &loaded.config, &mut diags);
    crate::lint::lint(&loaded.site, &loaded.config, &mut diags);
    let today = options.today.unwrap_or_else(crate::facts::today);
    crate::facts::check_support(&loaded.site, &loaded.data, &today, &mut diags);
    let external = options
        .external
        .then(|| crate::external::check(&loaded.site, &loaded.config, &mut diags));
    diags.deny_warnings();
    let mut summary = loaded.summary(files, started);
    add_counts(&mut summary, &others);
    let mut note = report.to_string();
    if let Some(cache) = cache_note {
        note.push_str(&format!("; {cache}"));
    }
    if let Some(external) = external {
        note.push_str(&format!("; {external}"));
    }
    if contracts > 0 {
        let blocks = crate::diag::plural(contracts, "block");
        note.push_str(&format!(
            "\ncontracts: {blocks} checked against their contract"
        ));
    }
    summary.note = Some(note);
    (Some(summary), diags.sorted())
}
