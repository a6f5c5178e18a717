//! The whole build, stage by stage: config -> sources -> parsed pages (parallel) -> site ->
//! rendered files (parallel) -> output. `build`, `check`, `build --watch` and `serve` are this
//! one pipeline: `load_with` + `Loaded::render` into a `Sink`. The preview differs only in its
//! sink (memory, remembering what each output was rendered from: `serve::incremental`) and in
//! the `Stages` it loads through (`serve::memo`, which keeps the parsed pages, theme and git
//! history of the last run while their inputs are unchanged); `build` and `check` use `Fresh`.

use crate::compact::Dictionary;
use crate::config::{Config, Overrides};
use crate::diag::Code;
use crate::diag::{Diagnostic, Diagnostics};
use crate::highlight::Highlighter;
use crate::output::{DirSink, NullSink, Sink, Staging};
use crate::page::{parse_doc_guarded, ParsedDoc};
use crate::page_cache::PageSink;
use crate::parse_cache::{self, ParseCache};
use crate::profile::timed;
use crate::progress;
use crate::render::Renderer;
use crate::site::{assemble, Kind, Site};
use crate::source::{discover, read_page, SourceFile, Sources};
use crate::theme::Theme;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// What a finished build reports in its summary line.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub(crate) pages: usize,
    pub(crate) sections: usize,
    pub(crate) files: usize,
    pub(crate) millis: u128,
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
    pub(crate) config: Config,
    /// Shared with the next run of the preview, which keeps its loaded syntaxes.
    pub(crate) highlighter: Arc<Highlighter>,
    pub(crate) site: Site,
    pub(crate) theme: Arc<Theme>,
    pub(crate) data: serde_json::Value,
}

/// "Last updated" dates from git: being read on another thread, or already known.
pub(crate) enum GitDates {
    Reading(std::thread::JoinHandle<HashMap<String, String>>),
    Known(HashMap<String, String>),
}

impl GitDates {
    fn get(self) -> HashMap<String, String> {
        match self {
            GitDates::Reading(thread) => thread.join().unwrap_or_default(),
            GitDates::Known(dates) => dates,
        }
    }
}

/// The stages of `load` whose results a later run may keep while their inputs are unchanged.
/// Each default is the stage itself, which is what `build` and `check` run (`Fresh`); the
/// preview's memo (`serve::memo`) overrides them. Whatever a stage reports it reports on every
/// run, kept results included, so a problem stays on screen until it is fixed.
pub(crate) trait Stages {
    fn config(&mut self, root: &Path, overrides: &Overrides) -> Result<Config, Diagnostic> {
        Config::load(root, overrides)
    }
    fn highlighter(&mut self, config: &Config) -> Arc<Highlighter> {
        Arc::new(Highlighter::new(&config.site.highlight))
    }
    /// The one `git log` pass for "Last updated", run while the pages parse.
    fn git_dates(&mut self, config: &Config) -> GitDates {
        let (root, content) = (config.root.clone(), config.content_dir().to_string());
        GitDates::Reading(std::thread::spawn(move || {
            crate::git::last_updated(&root, &content)
        }))
    }
    fn sources(&mut self, config: &Config, diags: &mut Diagnostics) -> Sources {
        discover(&config.root, config.content_dir(), diags)
    }
    /// A run with a cache folder (`--cache DIR`) may keep its parsed pages there (`Fresh`).
    fn open_cache(&mut self, _dir: &Path, _config: &Config) {}
    /// No default: whether parsed pages are packed depends on who holds them (see `Fresh`).
    fn parse(
        &mut self,
        config: &Config,
        files: &[SourceFile],
        h: &Highlighter,
        diags: &mut Diagnostics,
    ) -> Vec<(SourceFile, Arc<ParsedDoc>)>;
    fn assemble(
        &mut self,
        config: &Config,
        parsed: Vec<(SourceFile, Arc<ParsedDoc>)>,
        sources: Sources,
        diags: &mut Diagnostics,
    ) -> Site {
        let unparsed =
            crate::source::unparsed(&sources.markdown, parsed.iter().map(|(f, _)| &f.rel));
        let (assets, statics) = (sources.assets, sources.static_files);
        assemble(config, parsed, assets, statics, &unparsed, diags)
    }
    fn theme(&mut self, config: &Config, diags: &mut Diagnostics) -> Option<Arc<Theme>> {
        Theme::load(config, diags).map(Arc::new)
    }
    /// No two things write the same output file (`crate::owners`).
    fn owners(&mut self, loaded: &Loaded, diags: &mut Diagnostics) {
        crate::owners::check(&loaded.renderer(), diags);
    }
}

/// Every stage run afresh: `build` and `check`. `pack`: each page's large texts are compressed
/// as soon as it is parsed (`crate::compact`), for a build, which holds every page until it
/// ends and reads them once; `check` reads them in many places, so keeps them plain. A build
/// with a cache reads unchanged pages back from its parse cache (`crate::parse_cache`).
#[derive(Default)]
pub(crate) struct Fresh {
    pack: bool,
    cache: Option<ParseCache>,
    /// What the parse cache reused, once the pages are parsed.
    note: Option<String>,
}

impl Fresh {
    /// A build's stages, which pack what they parse.
    fn packing() -> Fresh {
        Fresh {
            pack: true,
            ..Fresh::default()
        }
    }
}

impl Stages for Fresh {
    fn open_cache(&mut self, dir: &Path, config: &Config) {
        if self.pack {
            self.cache = Some(ParseCache::open(dir, config));
        }
    }

    fn parse(
        &mut self,
        config: &Config,
        files: &[SourceFile],
        h: &Highlighter,
        diags: &mut Diagnostics,
    ) -> Vec<(SourceFile, Arc<ParsedDoc>)> {
        let parsed = parse_all_with(config, files, h, diags, self.pack, self.cache.as_ref());
        self.note = self.cache.take().map(|c| c.finish());
        parsed
    }
}

/// Reads and parses everything, as a build does; `None` when a stage could not produce its
/// result.
pub fn load(root: &Path, overrides: &Overrides, diags: &mut Diagnostics) -> Option<Loaded> {
    load_with(root, overrides, &mut Fresh::packing(), diags)
}

/// `load` through `stages`, which may hand back results of an earlier run.
pub(crate) fn load_with(
    root: &Path,
    overrides: &Overrides,
    stages: &mut dyn Stages,
    diags: &mut Diagnostics,
) -> Option<Loaded> {
    let config = stages
        .config(root, overrides)
        .map_err(|d| diags.push(d))
        .ok()?;
    let git_dates = stages.git_dates(&config);
    let highlighter = stages.highlighter(&config);
    if let Some(dir) = &overrides.cache {
        // Now, so the caches' indexes are read while the pages are found and parsed.
        highlighter.use_disk_cache(dir);
        stages.open_cache(dir, &config);
    }
    let sources = timed("discover", || stages.sources(&config, diags));
    let parsed = progress::stage("parsing pages", || {
        timed("parse", || {
            stages.parse(&config, &sources.markdown, &highlighter, diags)
        })
    });
    let data = crate::data::load(&sources.data, diags);
    let mut site = timed("assemble", || {
        stages.assemble(&config, parsed, sources, diags)
    });
    site.last_commit = git_dates.get();
    crate::facts::check_citations(&site, &data, diags);
    let theme = timed("theme", || stages.theme(&config, diags))?;
    let loaded = Loaded {
        config,
        highlighter,
        site,
        theme,
        data,
    };
    stages.owners(&loaded, diags);
    Some(loaded)
}

/// Parses every Markdown file in parallel, each guarded against panics.
pub(crate) fn parse_all(
    config: &Config,
    files: &[SourceFile],
    h: &Highlighter,
    diags: &mut Diagnostics,
) -> Vec<(SourceFile, Arc<ParsedDoc>)> {
    parse_all_with(config, files, h, diags, false, None)
}

/// Pages a build reads before it packs any: a compression dictionary is trained on them
/// (`crate::compact::Dictionary`) when the site has at least `DICTIONARY_MIN_PAGES`. Training
/// is one thread while the others wait: 90 ms on 256 pages, 31 ms on 64, whose dictionary
/// packed the 10,000-page corpus 0.7% larger (docs/performance.md).
const DICTIONARY_SAMPLES: usize = 64;
/// Smaller sites pack without a dictionary: their memory does not matter.
const DICTIONARY_MIN_PAGES: usize = 512;
/// Pages parsed while the dictionary is trained, per sample page: training took as long as
/// parsing about 250 pages on one thread.
const TRAINING_PAGES_AHEAD: usize = 4;

/// A page parsed, with its source's key (`parse_cache::key`) when it is to be kept in the
/// parse cache once packed.
type Read = Result<(ParsedDoc, Option<u128>), Vec<Diagnostic>>;

/// How `parse_all_with` reads each page: parsed, or read back from the parse cache.
struct Reader<'a> {
    config: &'a Config,
    h: &'a Highlighter,
    pack: bool,
    cache: Option<&'a ParseCache>,
}

impl Reader<'_> {
    fn fresh(&self, f: &SourceFile, text: &str, source: Option<u128>) -> Read {
        let doc = parse_text(self.config, &f.rel, text, self.h)?;
        let keep = source.filter(|_| !reads_other_files(&f.rel, &doc.md));
        Ok((doc, keep))
    }

    /// The page's text, and its key in the cache if there is one.
    fn read(&self, f: &SourceFile) -> Result<(String, Option<u128>), Vec<Diagnostic>> {
        let text = read_page(f).map_err(|d| vec![d])?;
        let source = self.cache.map(|_| parse_cache::key(&f.rel, &text));
        Ok((text, source))
    }

    /// Parsed plain, without asking the cache: the dictionary's samples.
    fn plain(&self, f: &SourceFile) -> Read {
        let (text, source) = self.read(f)?;
        self.cache.inspect(|c| c.count_parsed());
        self.fresh(f, &text, source)
    }

    /// Read back from the cache, or parsed and packed with `dict` (and kept, `keep`).
    fn packed(&self, f: &SourceFile, dict: Option<&Arc<Dictionary>>) -> Read {
        let (text, source) = self.read(f)?;
        if let Some(doc) = self.cache.zip(source).and_then(|(c, s)| c.get(s, dict)) {
            return Ok((doc, None));
        }
        let (mut doc, keep) = self.fresh(f, &text, source)?;
        if self.pack {
            doc.md.pack(dict);
        }
        Ok((doc, keep))
    }

    /// Keeps a page packed with `dict` in the cache, if it is to be kept.
    fn keep(&self, (doc, source): &(ParsedDoc, Option<u128>), dict: Option<&Arc<Dictionary>>) {
        if let Some((c, s)) = self.cache.zip(*source) {
            c.put(s, dict, doc);
        }
    }
}

/// `parse_all`, each page packed when `pack` (see `Fresh`), unchanged pages read back from
/// `cache` (a build's, which packs).
fn parse_all_with(
    config: &Config,
    files: &[SourceFile],
    h: &Highlighter,
    diags: &mut Diagnostics,
    pack: bool,
    cache: Option<&ParseCache>,
) -> Vec<(SourceFile, Arc<ParsedDoc>)> {
    let cache = cache.filter(|_| pack);
    let reader = Reader {
        config,
        h,
        pack,
        cache,
    };
    // A dictionary kept by the cache is used again; else the first pages are parsed plain,
    // the dictionary is trained on them, then they are packed.
    let wanted = pack && files.len() >= DICTIONARY_MIN_PAGES;
    let kept = cache.filter(|_| wanted).and_then(ParseCache::dictionary);
    let sampled = if wanted && kept.is_none() {
        DICTIONARY_SAMPLES
    } else {
        0
    };
    let (head, rest) = files.split_at(sampled);
    let mut first: Vec<Read> = head.par_iter().map(|f| reader.plain(f)).collect();
    // Training is one thread's work: meanwhile the other threads parse the pages after the
    // samples (plain, packed once the dictionary is there) instead of waiting.
    let (ahead, rest) = rest.split_at((sampled * TRAINING_PAGES_AHEAD).min(rest.len()));
    let samples = || first.iter().flatten().map(|(doc, _)| doc.md.packable());
    let (trained, more) = rayon::join(
        || {
            (sampled > 0)
                .then(|| crate::compact::Dictionary::train(samples()))
                .flatten()
        },
        || {
            ahead
                .par_iter()
                .map(|f| reader.plain(f))
                .collect::<Vec<_>>()
        },
    );
    first.extend(more);
    if let Some((c, d)) = cache.zip(trained.as_ref()) {
        c.keep_dictionary(d);
    }
    let dict = kept.or(trained);
    let dict = dict.as_ref();
    first.par_iter_mut().flatten().for_each(|read| {
        read.0.md.pack(dict);
        reader.keep(read, dict);
    });
    let others: Vec<Read> = rest
        .par_iter()
        .map(|f| {
            let read = reader.packed(f, dict)?;
            reader.keep(&read, dict);
            Ok(read)
        })
        .collect();
    if pack && crate::profile::get().timings {
        let docs = first.iter().chain(&others).flatten().map(|(doc, _)| doc);
        report_packing(docs, dict.is_some());
    }
    let mut out = Vec::with_capacity(files.len());
    for (f, r) in files.iter().zip(first.into_iter().chain(others)) {
        match r {
            Ok((doc, _)) => {
                diags.extend(doc.md.diagnostics.iter().cloned());
                out.push((f.clone(), Arc::new(doc)));
            }
            Err(ds) => diags.extend(ds),
        }
    }
    out
}

/// For `BACKLOT_TIMINGS`: how small the packed pages came out.
fn report_packing<'a>(docs: impl Iterator<Item = &'a ParsedDoc>, dictionary: bool) {
    let sizes = docs.filter_map(|d| {
        let text = d.md.packed_text.as_ref().map_or(0, |p| p.compressed_len());
        d.md.packed.as_ref().map(|p| p.compressed_len() + text)
    });
    let (pages, bytes) = sizes.fold((0, 0), |(n, b), len| (n + 1, b + len));
    let with = if dictionary { "with" } else { "without" };
    let each = bytes / pages.max(1);
    eprintln!("memory: {pages} pages packed {with} a dictionary, {each} bytes each");
}

/// One page's text parsed, with what it includes (`after_parse`).
pub(crate) fn parse_text(
    config: &Config,
    rel: &str,
    text: &str,
    h: &Highlighter,
) -> Result<ParsedDoc, Vec<Diagnostic>> {
    let strict = config.site.front_matter.unknown_keys == crate::config::Level::Error;
    let mut doc = parse_doc_guarded(rel, text, h, &config.site.html, strict)?;
    after_parse(config, rel, &mut doc, h);
    doc.id = with_includes(doc.id, config, &doc.md);
    Ok(doc)
}

/// A parse's id (`ParsedDoc::id`) with what `after_parse` read: the bytes of the files it
/// included, and the HTML, which shows what it learnt of images (sizes, and whether one is
/// there at all, which `includes` does not list).
fn with_includes(id: u64, config: &Config, md: &crate::markdown::ParsedMarkdown) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&id.to_le_bytes());
    for rel in &md.includes {
        let bytes = std::fs::read(config.root.join(rel));
        let bytes = bytes.as_deref().unwrap_or(b"\0unreadable");
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    h.update(md.html.as_bytes());
    h.digest()
}

/// Whether a page's parse depends on files besides its own (`after_parse`): it includes code,
/// or shows a local image, present or not (one added later changes the page). The parse
/// cache does not keep such pages.
fn reads_other_files(rel: &str, md: &crate::markdown::ParsedMarkdown) -> bool {
    let local_image = |l: &crate::markdown::LinkRef| {
        l.is_image && crate::images::local_file(rel, &l.dest).is_some()
    };
    !md.includes.is_empty()
        || md.code_fences.iter().any(|f| f.include.is_some())
        || md.links.iter().any(local_image)
}

/// What a page's parse needs from other files of the repository: included code and image
/// sizes (the parse itself reads the page's bytes only, so `serve` can cache it).
pub(crate) fn after_parse(config: &Config, rel: &str, doc: &mut ParsedDoc, h: &Highlighter) {
    crate::include::resolve(&config.root, rel, &mut doc.md, h);
    crate::images::measure(config, rel, &mut doc.md);
}

impl Loaded {
    /// What the site's other languages and versions share with it (`crate::variants`).
    pub(crate) fn shared(&self) -> crate::variants::Shared<'_> {
        crate::variants::Shared {
            parse: parse_all,
            theme: &self.theme,
            data: &self.data,
            highlighter: &self.highlighter,
        }
    }

    pub(crate) fn renderer(&self) -> Renderer<'_> {
        Renderer {
            config: &self.config,
            site: &self.site,
            theme: &self.theme,
            data: &self.data,
            highlighter: &self.highlighter,
        }
    }

    pub(crate) fn summary(&self, files: usize, started: Instant) -> Summary {
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
    let pages_pack = overrides.cache.as_deref().map(crate::page_cache::open_pack);
    let mut stages = Fresh::packing();
    let Some(mut loaded) = load_with(root, overrides, &mut stages, &mut diags) else {
        return (None, diags.sorted());
    };
    let others = load_variants(&mut loaded, &mut diags);
    if diags.has_errors() {
        return (None, diags.sorted());
    }
    crate::memory::give_back_after("loading");
    let config = &loaded.config;
    let staging = match Staging::begin(&config.output_dir, config.output_confined_to()) {
        Ok(s) => s,
        Err(e) => {
            diags.push(Diagnostic::error(
                Code::OutputFolder,
                config.output_shown(),
                1,
                1,
                format!("cannot prepare the output folder: {e}"),
            ));
            return (None, diags.sorted());
        }
    };
    let sink = sink(DirSink::new(staging.dir.clone()));
    // With a cache, rendered pages are kept too (`page_cache`).
    let (cached, plain) = match pages_pack {
        Some(pack) => (Some(PageSink::new(pack, sink)), None),
        None => (None, Some(sink)),
    };
    let sink: &dyn Sink = match (&cached, &plain) {
        (Some(c), _) => c,
        (_, Some(p)) => p.as_ref(),
        _ => unreachable!("one of the two is set"),
    };
    let mut files = loaded.render(sink, &mut diags);
    files += crate::variants::render_others(&loaded.shared(), &others, sink, &mut diags);
    let pages_note = cached.as_ref().map(|c| {
        let pages = c.finish();
        match &stages.note {
            Some(parsed) => format!("{pages}, {parsed}"),
            None => pages,
        }
    });
    let keep_blocks = cached.as_ref().is_some_and(PageSink::reused_any);
    let cache_note =
        loaded
            .highlighter
            .save_disk_cache(keep_blocks)
            .map(|blocks| match pages_note {
                Some(pages) => format!("{blocks}, {pages}"),
                None => blocks,
            });
    if diags.has_errors() {
        staging.abort();
        return (None, diags.sorted());
    }
    if let Err(e) = staging.commit() {
        diags.push(Diagnostic::error(
            Code::OutputFolder,
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
pub fn check_with(
    root: &std::path::Path,
    overrides: &Overrides,
    options: CheckOptions,
) -> (Option<Summary>, Diagnostics) {
    let started = Instant::now();
    let mut diags = Diagnostics::default();
    let Some(mut loaded) = load_with(root, overrides, &mut Fresh::default(), &mut diags) else {
        return (None, diags.sorted());
    };
    let others = load_variants(&mut loaded, &mut diags);
    let mut files = loaded.render(&NullSink, &mut diags);
    files += crate::variants::render_others(&loaded.shared(), &others, &NullSink, &mut diags);
    crate::variants::check_translations(&loaded.config, &loaded.site, &others, &mut diags);
    let cache_note = loaded.highlighter.save_disk_cache(false);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A site large enough for a compression dictionary: every page packed with it reads back
    /// exactly as parsed, the pages it was trained on and the others alike.
    #[test]
    fn pages_packed_with_a_dictionary_read_back_as_parsed() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        std::fs::write(
            root.join("site.toml"),
            "title = \"T\"\nbase_url = \"https://example.com/\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        for i in 0..DICTIONARY_MIN_PAGES + 10 {
            let page = format!(
                "+++\ntitle = \"Page {i}\"\n+++\n\n## Setup {i}\n\nCall `start_{i}()` with [the next page](p{}.md).\n\n```python\nprint({i})\n```\n",
                i + 1
            );
            std::fs::write(root.join(format!("content/p{i}.md")), page).unwrap();
        }
        let mut diags = Diagnostics::default();
        let config = Config::load(root, &Overrides::default()).unwrap();
        let h = Highlighter::new(&config.site.highlight);
        let files = discover(root, config.content_dir(), &mut diags).markdown;
        let plain = parse_all_with(&config, &files, &h, &mut diags, false, None);
        let packed = parse_all_with(&config, &files, &h, &mut diags, true, None);
        assert_eq!(plain.len(), files.len());
        // Through the parse cache: the first run trains and keeps the dictionary, the second
        // reads every page back, packed with it.
        let dir = root.join("cache");
        let cached = |reused: &str| {
            let cache = ParseCache::open(&dir, &config);
            let docs = parse_all_with(&config, &files, &h, &mut diags.clone(), true, Some(&cache));
            let note = cache.finish();
            assert!(note.starts_with(reused), "{note}");
            docs
        };
        let kept = cached(&format!("0 of {} parsed pages reused", files.len()));
        let all = files.len();
        let reread = cached(&format!("{all} of {all} parsed pages reused"));
        let runs = plain.iter().zip(&packed).zip(kept.iter().zip(&reread));
        for (((_, a), (f, b)), ((_, c), (_, d))) in runs {
            let with_dictionary = b.md.packed.as_ref().is_some_and(|p| p.has_dictionary());
            assert!(with_dictionary && b.md.html.is_empty(), "{}", f.rel);
            assert_eq!(a.md.html_and_code(), b.md.html_and_code(), "{}", f.rel);
            assert_eq!(a.md.body(), b.md.body(), "{}", f.rel);
            assert_eq!(a.md.text(), b.md.text(), "{}", f.rel);
            assert_eq!(format!("{c:?}"), format!("{d:?}"), "{}", f.rel);
            assert_eq!(a.md.html_and_code(), d.md.html_and_code(), "{}", f.rel);
            assert_eq!((a.md.body(), a.md.text()), (d.md.body(), d.md.text()));
        }
        assert!(diags.0.is_empty(), "{:?}", diags.0);
    }
}
