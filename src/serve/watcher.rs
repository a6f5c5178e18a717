//! File watching for `serve` and `build --watch`: which changed paths lead to what rebuild (a
//! pure, table-tested classification), folding notify events into a `Plan`, coalescing a burst
//! of events into one plan, and starting notify (native, or polling when native watching cannot
//! start).
//!
//! Rebuilds look at the files as they are on disk when they run, not at the event kinds, so an
//! editor's atomic save (write a temp file, rename it over the original), a folder renamed or
//! deleted, and a `git checkout` all come down to "these paths may have changed". Files that
//! pages include from outside the watched folders (`include="../examples/app.py"`) are watched
//! by their folder, and a change re-parses the pages that include them (`Scope::included`).
//! The git folder's `HEAD` and branches are watched too: a commit changes no file of the site
//! but the "Last updated" dates (`Plan::git`).

use crate::source::is_ignored_name;
use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{Event, RecursiveMode, Watcher};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// What one changed path means for the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Not part of the site: output folder, .git, editor scratch files, other folders.
    Ignored,
    /// site.toml: everything is reloaded and re-parsed.
    Config,
    /// A template of the site's theme: everything is re-rendered.
    Template,
    /// A file of the theme's static/ folder: copied again.
    ThemeStatic,
    /// data/: templates may read it anywhere, so everything is re-rendered.
    Data,
    /// static/, or a non-Markdown file under content/: copied again.
    Static,
    /// A Markdown file (or a folder) under content/: re-parsed if its bytes changed.
    Content,
    /// The site folder itself, or a top folder (content/, themes/...) appeared or vanished.
    Rescan,
}

/// Classifies a path relative to the site root (`/`-separated). `theme` is the theme's name,
/// `output` the output folder relative to the root ("public"), `content` the content folder
/// ("content", or site.toml's `content_dir`).
pub fn classify(rel: &str, theme: &str, output: &str, content: &str) -> Change {
    let rel = rel.trim_matches('/');
    if rel.is_empty() {
        return Change::Rescan;
    }
    if rel.split('/').any(is_ignored_name) {
        return Change::Ignored;
    }
    let output = output.trim_matches('/');
    if !output.is_empty() && (rel == output || rel.starts_with(&format!("{output}/"))) {
        return Change::Ignored;
    }
    let content = content.trim_matches('/');
    if rel == content || content.starts_with(&format!("{rel}/")) {
        return Change::Rescan;
    }
    if let Some(r) = rel.strip_prefix(content).and_then(|r| r.strip_prefix('/')) {
        return if r.ends_with(".md") || !last_has_dot(r) {
            Change::Content
        } else {
            Change::Static
        };
    }
    let (top, rest) = rel.split_once('/').unwrap_or((rel, ""));
    match (top, rest) {
        ("site.toml", "") => Change::Config,
        ("data" | "static" | "themes", "") => Change::Rescan,
        ("data", _) => Change::Data,
        ("static", _) => Change::Static,
        ("themes", r) => classify_theme(r, theme),
        _ => Change::Ignored,
    }
}

/// A name without a dot is taken for a folder: its Markdown files may have come or gone.
fn last_has_dot(rel: &str) -> bool {
    rel.rsplit('/').next().unwrap_or("").contains('.')
}

fn classify_theme(rest: &str, theme: &str) -> Change {
    let Some(inside) = rest.strip_prefix(theme) else {
        return Change::Ignored;
    };
    match inside.trim_start_matches('/').split_once('/') {
        _ if !inside.is_empty() && !inside.starts_with('/') => Change::Ignored,
        Some(("static", _)) => Change::ThemeStatic,
        Some(("templates", _)) => Change::Template,
        // The theme folder itself or one of its top folders: reload the theme.
        None => Change::Template,
        Some(_) => Change::Ignored,
    }
}

/// What one rebuild has to do, accumulated over a batch of changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub(crate) config: bool,
    pub(crate) templates: bool,
    pub(crate) theme_static: bool,
    pub(crate) data: bool,
    pub(crate) statics: bool,
    /// Re-discover the sources and re-hash every file (lost events, folders that came or went).
    pub(crate) rescan: bool,
    /// Changed paths under content/, relative to the root.
    pub content: BTreeSet<String>,
    /// A file of another language or version changed (`crate::variants`): reload those.
    pub(crate) variants: bool,
    /// A branch or HEAD of the site's git repository moved: "Last updated" may have changed.
    pub git: bool,
}

/// The kind of rebuild a plan leads to, from the cheapest to the most thorough.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rebuild {
    Nothing,
    /// Copy static files again; no page is rendered.
    Copy,
    /// Re-parse the changed pages; re-render what depends on them.
    Pages,
    /// Re-render every output (templates or data changed).
    RenderAll,
    /// Re-read everything (config changed, or events were lost).
    Reload,
}

impl Plan {
    pub fn add(&mut self, change: Change, rel: &str) {
        match change {
            Change::Ignored => {}
            Change::Config => self.config = true,
            Change::Template => self.templates = true,
            Change::ThemeStatic => self.theme_static = true,
            Change::Data => self.data = true,
            Change::Static => self.statics = true,
            Change::Rescan => self.rescan = true,
            Change::Content => {
                self.content.insert(rel.trim_matches('/').to_string());
            }
        }
    }

    pub(crate) fn merge(&mut self, other: Plan) {
        self.config |= other.config;
        self.templates |= other.templates;
        self.theme_static |= other.theme_static;
        self.data |= other.data;
        self.statics |= other.statics;
        self.rescan |= other.rescan;
        self.content.extend(other.content);
        self.variants |= other.variants;
        self.git |= other.git;
    }

    /// A plan that rebuilds everything from scratch (watcher overflow, first build).
    pub fn full() -> Plan {
        Plan {
            config: true,
            rescan: true,
            ..Plan::default()
        }
    }

    pub(crate) fn rebuild(&self) -> Rebuild {
        if self.config || self.rescan {
            Rebuild::Reload
        } else if self.templates || self.data {
            Rebuild::RenderAll
        } else if !self.content.is_empty() || self.variants || self.git {
            Rebuild::Pages
        } else if self.statics || self.theme_static {
            Rebuild::Copy
        } else {
            Rebuild::Nothing
        }
    }
}

/// What the watcher needs to turn absolute event paths into classified changes.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The site root as the watcher reports it (absolute).
    pub(crate) root: PathBuf,
    pub(crate) theme: String,
    /// Output folder relative to the root ("public"); events below it are ignored.
    pub(crate) output: String,
    /// Content folder relative to the root ("content", or site.toml's `content_dir`).
    pub(crate) content: String,
    /// Files outside the watched folders that pages include -> those pages.
    pub included: BTreeMap<String, BTreeSet<String>>,
    /// The other languages' and versions' folders, and the site's `i18n/` tables
    /// (`crate::variants::watched`).
    pub(crate) variants: Vec<String>,
    /// The repository's git folder, whose HEAD and branches are watched (`Plan::git`).
    pub(crate) git_dir: Option<PathBuf>,
}

impl Scope {
    pub fn new(root: &Path, theme: &str, output_dir: &Path, content: &str) -> Scope {
        let root = absolute(root);
        let output = crate::source::rel_path(&root, &absolute(output_dir));
        let git_dir = crate::git::git_dir(&root).map(|d| absolute(&d));
        Scope {
            root,
            theme: theme.to_string(),
            output,
            content: content.to_string(),
            included: BTreeMap::new(),
            variants: Vec::new(),
            git_dir,
        }
    }

    /// Folds one notify result into `plan`: errors and overflow mean events were lost, so
    /// everything is rescanned.
    pub fn absorb(&self, plan: &mut Plan, event: notify::Result<Event>) {
        let event = match event {
            Ok(e) => e,
            Err(_) => {
                plan.rescan = true;
                return;
            }
        };
        if event.need_rescan() {
            plan.rescan = true;
        }
        // Reads never change the site; a close after writing does.
        if let EventKind::Access(a) = event.kind {
            if a != AccessKind::Close(AccessMode::Write) {
                return;
            }
        }
        for path in &event.paths {
            if let Some(rel) = self
                .git_dir
                .as_ref()
                .and_then(|g| path.strip_prefix(g).ok())
            {
                plan.git |= moves_head(rel);
                continue;
            }
            match path.strip_prefix(&self.root) {
                Ok(rel) => {
                    let rel = crate::source::rel_path(Path::new(""), rel);
                    if super::variants::absorb(&self.variants, &rel, plan) {
                        continue;
                    }
                    plan.add(
                        classify(&rel, &self.theme, &self.output, &self.content),
                        &rel,
                    );
                    // An included file re-parses the pages that include it.
                    for page in self.included.get(&rel).into_iter().flatten() {
                        plan.add(Change::Content, page);
                    }
                }
                // The root itself moved or an unexpected path: look at everything again.
                Err(_) if self.root.starts_with(path) => plan.rescan = true,
                Err(_) => {}
            }
        }
    }
}

/// Whether a changed file of the git folder can move the checked-out commit: `HEAD`, a
/// branch, the packed branches (not the index, objects or logs a commit also writes).
fn moves_head(rel: &Path) -> bool {
    let rel = crate::source::rel_path(Path::new(""), rel);
    rel == "HEAD" || rel == "packed-refs" || rel.starts_with("refs/heads/")
}

fn absolute(p: &Path) -> PathBuf {
    p.canonicalize()
        .or_else(|_| std::path::absolute(p))
        .unwrap_or_else(|_| p.to_path_buf())
}

/// Messages from the watcher to the rebuild loop.
pub(crate) type Msg = notify::Result<Event>;

/// Waits for the first event, then keeps collecting until nothing has arrived for `quiet`
/// (or `max` has passed since the first), so a burst such as a `git checkout` becomes one plan.
/// Blocks without waking while nothing changes. `None` when the watcher is gone.
pub(crate) fn next_plan(
    rx: &Receiver<Msg>,
    scope: &Scope,
    quiet: Duration,
    max: Duration,
) -> Option<Plan> {
    let mut plan = Plan::default();
    scope.absorb(&mut plan, rx.recv().ok()?);
    let started = Instant::now();
    loop {
        let left = max.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Some(plan);
        }
        match rx.recv_timeout(quiet.min(left)) {
            Ok(ev) => scope.absorb(&mut plan, ev),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                return Some(plan)
            }
        }
    }
}

/// The folders a site is watched through, besides its content folder.
pub(crate) const WATCHED: [&str; 3] = ["data", "static", "themes"];

/// A running watcher; dropping it stops watching.
pub(crate) struct Watch {
    watcher: Box<dyn Watcher + Send>,
    root: PathBuf,
    /// Folders watched for included files.
    extra: BTreeSet<PathBuf>,
}

/// How often the polling fallback looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

impl Watch {
    /// Starts a native watcher, or the polling one (with a message saying why and how to fix
    /// it) when native watching cannot start. `force_poll` skips the native attempt.
    pub(crate) fn start(
        root: &Path,
        content: &str,
        tx: Sender<Msg>,
        force_poll: bool,
    ) -> notify::Result<Watch> {
        let root = absolute(root);
        if !force_poll {
            let native = notify::recommended_watcher(tx.clone()).and_then(|w| {
                let mut watch = Watch {
                    watcher: Box::new(w),
                    root: root.clone(),
                    extra: BTreeSet::new(),
                };
                watch.watch_all(content).map(|_| watch)
            });
            match native {
                Ok(watch) => return Ok(watch),
                Err(e) => eprintln!("{}", fallback_message(&e)),
            }
        }
        let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
        let mut watch = Watch {
            watcher: Box::new(notify::PollWatcher::new(tx, config)?),
            root,
            extra: BTreeSet::new(),
        };
        watch.watch_all(content)?;
        Ok(watch)
    }

    /// Watches the other languages' and versions' folders (`Scope::variants`), once each.
    pub(crate) fn watch_variants(&mut self, scope: &Scope) {
        for rel in &scope.variants {
            let dir = self.root.join(rel);
            if dir.is_dir() && self.extra.insert(dir.clone()) {
                let _ = self.watcher.watch(&dir, RecursiveMode::Recursive);
            }
        }
    }

    /// Watches the folders of included files that lie outside the watched folders (each
    /// folder, not the file: editors save by replacing the file).
    pub(crate) fn watch_included(&mut self, scope: &Scope) {
        for rel in scope.included.keys() {
            let top = rel.split('/').next().unwrap_or("");
            let dir = self.root.join(rel);
            let Some(dir) = dir.parent() else { continue };
            if WATCHED.contains(&top)
                || top == scope.content
                || !self.extra.insert(dir.to_path_buf())
            {
                continue;
            }
            let _ = self.watcher.watch(dir, RecursiveMode::NonRecursive);
        }
    }

    /// Watches the root itself (site.toml, top folders appearing), the content folder and each
    /// other source folder.
    pub(crate) fn watch_all(&mut self, content: &str) -> notify::Result<()> {
        self.watcher
            .watch(&self.root, RecursiveMode::NonRecursive)?;
        // A commit changes no file of the site but the dates shown: watch HEAD and branches.
        if let Some(git) = crate::git::git_dir(&self.root) {
            let _ = self.watcher.watch(&git, RecursiveMode::NonRecursive);
            let _ = self
                .watcher
                .watch(&git.join("refs/heads"), RecursiveMode::Recursive);
        }
        for dir in WATCHED.iter().copied().chain([content]) {
            let p = self.root.join(dir);
            if p.is_dir() {
                // Watching again replaces the watch: a re-created folder is picked up.
                let _ = self.watcher.unwatch(&p);
                self.watcher.watch(&p, RecursiveMode::Recursive)?;
            }
        }
        Ok(())
    }
}

/// What to tell the author when native watching cannot start.
pub(crate) fn fallback_message(e: &notify::Error) -> String {
    let limit = matches!(e.kind, notify::ErrorKind::MaxFilesWatch)
        || e.to_string().contains("No space left")
        || e.to_string().contains("Too many open files");
    let fix = if limit {
        "the inotify limit is reached; raise it with `sudo sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512` (add them to /etc/sysctl.conf to keep them)"
    } else {
        "check that the site folder is on a local file system"
    };
    format!(
        "warning: native file watching could not start ({e}); falling back to polling every {} ms\n  help: {fix}",
        POLL_INTERVAL.as_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, Flag, ModifyKind, RemoveKind, RenameMode};

    #[test]
    fn classification_table() {
        use Change::*;
        let table = [
            ("site.toml", Config),
            ("content/stacks/go.md", Content),
            ("content/_index.md", Content),
            ("content/stacks", Content),
            ("content/stacks/new-folder", Content),
            ("content/stacks/diagram.png", Static),
            ("content", Rescan),
            ("", Rescan),
            ("themes", Rescan),
            ("data/languages.toml", Data),
            ("data", Rescan),
            ("static/logo.svg", Static),
            ("static/css", Static),
            ("themes/default/templates/page.html", Template),
            ("themes/default/templates/partials/toc.html", Template),
            ("themes/default", Template),
            ("themes/default/static/theme.css", ThemeStatic),
            ("themes/other/templates/page.html", Ignored),
            ("themes/defaultx/templates/page.html", Ignored),
            ("public/index.html", Ignored),
            ("public", Ignored),
            (".git/index", Ignored),
            (".git", Ignored),
            ("content/.go.md.swp", Ignored),
            ("content/go.md~", Ignored),
            ("content/.#go.md", Ignored),
            ("content/4913", Ignored),
            ("content/go.md.tmp", Ignored),
            ("content/.DS_Store", Ignored),
            ("target/debug/backlot", Ignored),
            ("README.md", Ignored),
            ("site.toml.swp", Ignored),
        ];
        for (path, want) in table {
            assert_eq!(
                classify(path, "default", "public", "content"),
                want,
                "{path}"
            );
        }
    }

    #[test]
    fn content_folder_anywhere() {
        use Change::*;
        for (path, want) in [
            ("docs/guide/a.md", Content),
            ("docs/guide", Content),
            ("docs/img/a.png", Static),
            ("docs", Rescan),
            ("content/a.md", Ignored),
            ("book/src/a.md", Content),
            ("book", Rescan),
        ] {
            let content = if path.starts_with("book") {
                "book/src"
            } else {
                "docs"
            };
            assert_eq!(classify(path, "default", "public", content), want, "{path}");
        }
    }

    #[test]
    fn rebuild_kind_table() {
        let cases: [(&[&str], Rebuild); 9] = [
            (&[], Rebuild::Nothing),
            (&["content/.a.md.swp", "public/x.html"], Rebuild::Nothing),
            (&["static/a.css"], Rebuild::Copy),
            (&["themes/default/static/theme.css"], Rebuild::Copy),
            (&["content/a.md"], Rebuild::Pages),
            (&["content/a.md", "static/a.css"], Rebuild::Pages),
            (&["content/a.md", "data/x.toml"], Rebuild::RenderAll),
            (&["themes/default/templates/base.html"], Rebuild::RenderAll),
            (&["content/a.md", "site.toml"], Rebuild::Reload),
        ];
        for (paths, want) in cases {
            let mut plan = Plan::default();
            for p in paths {
                plan.add(classify(p, "default", "public", "content"), p);
            }
            assert_eq!(plan.rebuild(), want, "{paths:?}");
        }
    }

    fn scope() -> Scope {
        Scope {
            root: PathBuf::from("/site"),
            theme: "default".into(),
            output: "public".into(),
            content: "content".into(),
            included: BTreeMap::new(),
            variants: vec!["i18n".into(), "content.ar".into()],
            git_dir: Some(PathBuf::from("/site/.git")),
        }
    }

    fn ev(kind: EventKind, paths: &[&str]) -> Msg {
        let mut e = Event::new(kind);
        for p in paths {
            e = e.add_path(PathBuf::from(p));
        }
        Ok(e)
    }

    #[test]
    fn atomic_save_is_one_page_change() {
        let s = scope();
        let mut plan = Plan::default();
        s.absorb(
            &mut plan,
            ev(
                EventKind::Create(CreateKind::File),
                &["/site/content/.go.md.tmp"],
            ),
        );
        s.absorb(
            &mut plan,
            ev(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &["/site/content/.go.md.tmp", "/site/content/go.md"],
            ),
        );
        s.absorb(
            &mut plan,
            ev(EventKind::Create(CreateKind::File), &["/site/content/4913"]),
        );
        s.absorb(
            &mut plan,
            ev(EventKind::Remove(RemoveKind::File), &["/site/content/4913"]),
        );
        assert_eq!(plan.rebuild(), Rebuild::Pages);
        assert_eq!(plan.content.iter().collect::<Vec<_>>(), ["content/go.md"]);
    }

    #[test]
    fn translations_and_string_tables_reach_their_variants() {
        let s = scope();
        let mut plan = Plan::default();
        let modify = EventKind::Modify(ModifyKind::Any);
        s.absorb(&mut plan, ev(modify, &["/site/content.ar/guide/go.md"]));
        assert!(plan.variants && plan.content.is_empty());
        assert_eq!(plan.rebuild(), Rebuild::Pages);
        let mut plan = Plan::default();
        s.absorb(&mut plan, ev(modify, &["/site/i18n/ar.toml"]));
        assert_eq!(plan.rebuild(), Rebuild::RenderAll);
        let mut plan = Plan::default();
        s.absorb(&mut plan, ev(modify, &["/site/content.arx/go.md"]));
        assert_eq!(plan.rebuild(), Rebuild::Nothing);
    }

    #[test]
    fn a_commit_moves_head_and_nothing_else_in_git_counts() {
        let s = scope();
        let mut plan = Plan::default();
        let noise = [
            "/site/.git/index",
            "/site/.git/objects/ab/cdef",
            "/site/.git/logs/HEAD",
        ];
        s.absorb(&mut plan, ev(EventKind::Modify(ModifyKind::Any), &noise));
        assert_eq!(plan.rebuild(), Rebuild::Nothing, "{plan:?}");
        let branch = ["/site/.git/refs/heads/main"];
        s.absorb(&mut plan, ev(EventKind::Modify(ModifyKind::Any), &branch));
        assert!(plan.git);
        assert_eq!(plan.rebuild(), Rebuild::Pages);
    }

    #[test]
    fn folder_rename_and_delete_are_content_changes() {
        let s = scope();
        let mut plan = Plan::default();
        s.absorb(
            &mut plan,
            ev(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &["/site/content/stacks", "/site/content/languages"],
            ),
        );
        s.absorb(
            &mut plan,
            ev(
                EventKind::Remove(RemoveKind::Folder),
                &["/site/content/old"],
            ),
        );
        assert_eq!(plan.content.len(), 3);
        assert_eq!(plan.rebuild(), Rebuild::Pages);
    }

    #[test]
    fn overflow_and_errors_rescan() {
        let s = scope();
        let mut plan = Plan::default();
        s.absorb(
            &mut plan,
            Ok(Event::new(EventKind::Other).set_flag(Flag::Rescan)),
        );
        assert_eq!(plan.rebuild(), Rebuild::Reload);
        let mut plan = Plan::default();
        s.absorb(&mut plan, Err(notify::Error::generic("queue overflow")));
        assert!(plan.rescan);
    }

    #[test]
    fn reads_and_output_writes_are_ignored() {
        let s = scope();
        let mut plan = Plan::default();
        s.absorb(
            &mut plan,
            ev(
                EventKind::Access(AccessKind::Open(AccessMode::Read)),
                &["/site/content/a.md"],
            ),
        );
        s.absorb(
            &mut plan,
            ev(
                EventKind::Create(CreateKind::File),
                &["/site/public/a/index.html"],
            ),
        );
        s.absorb(
            &mut plan,
            ev(
                EventKind::Modify(ModifyKind::Any),
                &["/elsewhere/content/a.md"],
            ),
        );
        assert_eq!(plan, Plan::default());
        s.absorb(
            &mut plan,
            ev(
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                &["/site/content/a.md"],
            ),
        );
        assert_eq!(plan.rebuild(), Rebuild::Pages);
    }

    #[test]
    fn a_burst_is_one_plan() {
        // Everything queued before the quiet window ends lands in one plan; no sleeping needed
        // because the channel already holds the burst and then disconnects.
        let (tx, rx) = std::sync::mpsc::channel();
        for i in 0..500 {
            tx.send(ev(
                EventKind::Modify(ModifyKind::Any),
                &[&format!("/site/content/p{i}.md")],
            ))
            .unwrap();
        }
        tx.send(ev(EventKind::Modify(ModifyKind::Any), &["/site/site.toml"]))
            .unwrap();
        drop(tx);
        let s = scope();
        let plan = next_plan(&rx, &s, Duration::from_secs(60), Duration::from_secs(60)).unwrap();
        assert_eq!(plan.content.len(), 500);
        assert!(plan.config);
        assert!(next_plan(&rx, &s, Duration::ZERO, Duration::ZERO).is_none());
    }

    #[test]
    fn fallback_explains_the_inotify_limit() {
        let e = notify::Error::new(notify::ErrorKind::MaxFilesWatch);
        let m = fallback_message(&e);
        assert!(
            m.contains("polling") && m.contains("max_user_watches"),
            "{m}"
        );
    }
}
