//! The preview: `backlot serve` (HTTP from memory, live reload, error page) and
//! `backlot build --watch` (public/ kept up to date). Both run the same loop: the watcher turns
//! file events into a `Plan`, the incremental `Engine` applies it (the build's own load and
//! render, with `memo.rs` keeping what did not change), and the result is published (a new
//! in-memory snapshot plus a reload event, or changed files written to the output).
//! `http.rs` decides what a request gets, `server.rs` carries it (hyper on tokio), `reload.rs`
//! fans reload events out to open pages.

pub(crate) mod http;
pub mod incremental;
pub(crate) mod memo;
pub(crate) mod reload;
pub(crate) mod server;
pub mod variants;
pub mod watcher;

use crate::config::Overrides;
use crate::output::{DirSink, Sink, Staging};
use http::{error_page, Hosts, Served};
use incremental::{Engine, Outcome};
use reload::Reload;
pub use server::Limits;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::channel;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use watcher::{next_plan, Plan, Rebuild, Scope, Watch};

/// How long the file system must stay quiet before a rebuild starts; a burst of events closer
/// together than this (a `git checkout`) becomes one rebuild.
const QUIET: Duration = Duration::from_millis(5);
/// A burst that never goes quiet is still rebuilt this often.
const MAX_WAIT: Duration = Duration::from_millis(1000);

#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub overrides: Overrides,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    /// Use the polling watcher even where native watching works (tests, odd file systems).
    pub poll: bool,
    pub limits: Limits,
}

/// A running preview.
pub struct Running {
    /// The site's address on this machine, "http://127.0.0.1:1111/repo/".
    pub url: String,
    /// The bound address (`0.0.0.0:1111` for a wildcard bind).
    pub addr: SocketAddr,
    pub shared: Arc<Shared>,
}

/// Starts the preview in background threads and returns once it is listening and the first
/// build is done (failed or not: a failed first build shows its error page). The watcher starts
/// before the first build, so an edit made during it is rebuilt right after.
pub fn start(opts: &Options) -> Result<Running, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("backlot-http")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the preview's runtime: {e}"))?;
    let listener = {
        let _inside = runtime.enter();
        server::listen(SocketAddr::new(opts.bind, opts.port))
            .map_err(|e| format!("cannot listen on {}:{}: {e}", opts.bind, opts.port))?
    };
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let origin = format!(
        "http://{}",
        SocketAddr::new(local_ip(addr.ip()), addr.port())
    );
    let hostname = gethostname::gethostname().to_string_lossy().into_owned();
    let hosts = Hosts::for_bind(addr.ip(), &hostname);
    let shared = Arc::new(Shared::new(hosts, opts.limits.reload_buffer));
    let (tx, rx) = channel();
    // The content folder to watch is site.toml's, read before the first build (a broken
    // site.toml falls back to the default; fixing it rescans).
    let content = crate::config::Config::load(&opts.root, &opts.overrides)
        .map_or_else(|_| "content".to_string(), |c| c.content_dir().to_string());
    let mut watch = Watch::start(&opts.root, &content, tx, opts.poll)
        .map_err(|e| format!("cannot watch the site: {e}"))?;
    let mut engine = Engine::new(&opts.root, opts.overrides.clone()).with_local_origin(&origin);
    let first = timed(&mut engine, &Plan::full());
    publish(&shared, &engine, &first, true);
    let base = shared.current().base_path;
    let (accepting, limits) = (shared.clone(), opts.limits.clone());
    std::thread::spawn(move || runtime.block_on(server::accept_loop(listener, accepting, limits)));
    let (root, loop_shared) = (opts.root.clone(), shared.clone());
    std::thread::spawn(move || loop {
        let scope = scope_of(&engine, &root);
        watch.watch_included(&scope);
        watch.watch_variants(&scope);
        let Some(plan) = next_plan(&rx, &scope, QUIET, MAX_WAIT) else {
            return;
        };
        if plan.rebuild() == Rebuild::Nothing {
            continue;
        }
        let outcome = timed(&mut engine, &plan);
        publish(&loop_shared, &engine, &outcome, false);
        if plan.rescan {
            let _ = watch.watch_all(&scope_of(&engine, &root).content);
        }
    });
    Ok(Running {
        url: format!("{origin}{base}"),
        addr,
        shared,
    })
}

/// The address this machine reaches a bound address at: loopback for a wildcard bind.
fn local_ip(bound: IpAddr) -> IpAddr {
    match bound {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    }
}

/// State shared by the connections and the rebuild loop.
pub struct Shared {
    pub(crate) served: RwLock<Served>,
    pub(crate) reload: Reload,
    pub(crate) hosts: Hosts,
    /// Open connections, counted by the server.
    pub(crate) open: AtomicUsize,
}

impl Shared {
    pub(crate) fn new(hosts: Hosts, reload_buffer: usize) -> Shared {
        Shared {
            served: RwLock::new(Served::default()),
            reload: Reload::new(reload_buffer),
            hosts,
            open: AtomicUsize::new(0),
        }
    }

    pub(crate) fn set(&self, served: Served) {
        *self.served.write().unwrap_or_else(|e| e.into_inner()) = served;
    }

    pub fn current(&self) -> Served {
        self.served
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Open connections (event streams included).
    pub fn connections(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    /// Tells every open page what changed; called once the new site is in place.
    pub(crate) fn broadcast(&self, changed: &[String], error: bool) {
        let base = self.current().base_path;
        let urls: Vec<String> = changed.iter().map(|p| format!("{base}{p}")).collect();
        self.reload.publish(&urls, error);
    }
}

/// Runs `backlot serve` until the process is stopped.
pub fn run(opts: &Options) -> std::process::ExitCode {
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: serving on {}, so other machines on the network can reach this preview\n  help: leave out --bind to serve on 127.0.0.1 only",
            opts.bind
        );
    }
    match start(opts) {
        Ok(running) => {
            println!("serving at {} (Ctrl-C to stop)", running.url);
            if running.addr.ip().is_unspecified() {
                let name = gethostname::gethostname();
                let path = running.url.splitn(4, '/').nth(3).unwrap_or_default();
                println!(
                    "  other devices: http://{}:{}/{path} or this machine's IP address",
                    name.to_string_lossy(),
                    running.addr.port()
                );
            }
            if opts.open {
                open_browser(&running.url);
            }
            loop {
                std::thread::park();
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(1)
        }
    }
}

/// `backlot build --watch`: builds public/ and keeps it up to date.
pub fn watch_build(root: &Path, overrides: &Overrides) -> std::process::ExitCode {
    let mut engine = Engine::new(root, overrides.clone());
    let first = timed(&mut engine, &Plan::full());
    report(&first);
    if !first.failed() {
        if let Err(e) = sync_output(&engine, None, true) {
            eprintln!(
                "error: cannot write the output folder: {}",
                crate::diag::terminal_safe(&e.to_string(), true)
            );
        }
    }
    let (tx, rx) = channel();
    let content = scope_of(&engine, root).content;
    let mut watch = match Watch::start(root, &content, tx, false) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch the site: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    println!("watching for changes (Ctrl-C to stop)");
    let mut written_once = !first.failed();
    loop {
        let scope = scope_of(&engine, root);
        watch.watch_included(&scope);
        let Some(plan) = next_plan(&rx, &scope, QUIET, MAX_WAIT) else {
            return std::process::ExitCode::SUCCESS;
        };
        if plan.rebuild() == Rebuild::Nothing {
            continue;
        }
        let outcome = timed(&mut engine, &plan);
        report(&outcome);
        if !outcome.failed() {
            let changed = written_once.then_some(outcome.changed.as_slice());
            let done = sync_output(&engine, changed, outcome.search_changed);
            match done {
                Ok(()) => written_once = true,
                Err(e) => eprintln!(
                    "error: cannot update the output folder: {}",
                    crate::diag::terminal_safe(&e.to_string(), true)
                ),
            }
        }
        if plan.rescan {
            let _ = watch.watch_all(&scope_of(&engine, root).content);
        }
    }
}

fn scope_of(engine: &Engine, root: &Path) -> Scope {
    let mut scope = match engine.config() {
        Some(c) => Scope::new(root, &c.site.theme, &c.output_dir, c.content_dir()),
        None => Scope::new(root, "default", &root.join("public"), "content"),
    };
    scope.included = engine.includes();
    scope.variants = engine
        .config()
        .map(crate::variants::watched)
        .unwrap_or_default();
    scope
}

/// Rebuilds, printing a line with the time taken.
fn timed(engine: &mut Engine, plan: &Plan) -> Outcome {
    let started = Instant::now();
    let outcome = engine.rebuild(plan);
    if !outcome.failed() {
        println!(
            "rebuilt in {} ms: {} of {} rendered, {} changed",
            started.elapsed().as_millis(),
            outcome.rendered,
            crate::diag::plural(outcome.pages, "page"),
            crate::diag::plural(outcome.changed.len(), "file")
        );
    }
    outcome
}

fn report(outcome: &Outcome) {
    for d in outcome.diags.iter() {
        eprintln!("{d}");
    }
    if outcome.failed() {
        eprintln!(
            "rebuild failed: {}; fix them and save",
            crate::diag::plural(outcome.diags.error_count(), "error")
        );
    }
}

/// Puts the result of a rebuild in front of the browsers, then tells them.
fn publish(shared: &Shared, engine: &Engine, outcome: &Outcome, first: bool) {
    report(outcome);
    let was_error = shared
        .served
        .read()
        .map(|s| s.error.is_some())
        .unwrap_or(false);
    let base_path = engine
        .config()
        .map(|c| c.base_path.clone())
        .or_else(|| shared.served.read().ok().map(|s| s.base_path.clone()))
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| "/".into());
    let error = outcome
        .failed()
        .then(|| Arc::new(error_page(&outcome.diags)));
    let failed = error.is_some();
    shared.set(Served {
        snapshot: engine.snapshot(),
        error,
        base_path,
    });
    if !first && (failed || was_error || !outcome.changed.is_empty()) {
        shared.broadcast(&outcome.changed, failed);
    }
}

/// Brings the output folder up to date with the engine's snapshot: only the `changed` paths,
/// or everything (through a staging folder) when `changed` is None.
/// `search_changed` says the search index must be written again too.
pub fn sync_output(
    engine: &Engine,
    changed: Option<&[String]>,
    search_changed: bool,
) -> std::io::Result<()> {
    match changed {
        Some(paths) => {
            write_changes(engine, paths)?;
            if search_changed {
                write_search(engine)?;
            }
            Ok(())
        }
        None => write_all(engine),
    }
}

/// Replaces the output's search/ folder with the snapshot's search index.
fn write_search(engine: &Engine) -> std::io::Result<()> {
    let Some(config) = engine.config() else {
        return Ok(());
    };
    crate::output::ensure_confined(config.output_confined_to(), &config.output_dir)?;
    let dir = config.output_dir.join("search");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    let sink = DirSink::new(config.output_dir.clone());
    for (path, bytes) in engine.snapshot().search_files() {
        sink.write(&path, &bytes)?;
    }
    Ok(())
}

/// The whole snapshot into the output folder, through a staging folder.
fn write_all(engine: &Engine) -> std::io::Result<()> {
    let Some(config) = engine.config() else {
        return Ok(());
    };
    let staging = Staging::begin(&config.output_dir, config.output_confined_to())?;
    let sink = DirSink::new(staging.dir.clone());
    for (path, bytes) in engine.snapshot().merged() {
        sink.write(&path, &bytes)?;
    }
    staging.commit()
}

/// Only the files that changed; files that are gone from the site are removed.
fn write_changes(engine: &Engine, changed: &[String]) -> std::io::Result<()> {
    let Some(config) = engine.config() else {
        return Ok(());
    };
    crate::output::ensure_confined(config.output_confined_to(), &config.output_dir)?;
    let snapshot = engine.snapshot();
    let sink = DirSink::new(config.output_dir.clone());
    for path in changed {
        match snapshot.get(path) {
            Some(bytes) => sink.write(path, bytes)?,
            None => {
                let file = config.output_dir.join(path);
                match std::fs::remove_file(&file) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                }
                // Folders left empty go too, as they would after a clean build.
                let mut dir = file.parent();
                while let Some(d) = dir.filter(|d| *d != config.output_dir) {
                    if std::fs::remove_dir(d).is_err() {
                        break;
                    }
                    dir = d.parent();
                }
            }
        }
    }
    Ok(())
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(cmd).arg(url).spawn() {
        eprintln!("warning: cannot open a browser ({cmd}: {e}); open {url} yourself");
    }
}
