//! Parses the command line, runs the command, maps the result to an exit code:
//! 0 success, 1 content/template/config errors, 2 usage errors.

use backlot::cli::{Cli, Command};
use backlot::config::Overrides;
use backlot::diag::{plural, Diagnostics};
use backlot::pipeline;
use backlot::report::{self, Format};
use clap::Parser;
use std::path::Path;
use std::process::ExitCode;

// mimalloc: syntect allocates and frees on every line it parses, and glibc's malloc was a fifth
// of a build's CPU; see docs/decisions.md (issue 17). Its `override` feature (Cargo.toml) also
// takes the C libraries' malloc (Oniguruma's match regions, zstd), another 8% of a build. The
// library leaves the choice to its user.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The environment is read here, once; the library takes it as settings.
    backlot::profile::install(backlot::profile::Profile {
        timings: std::env::var_os("BACKLOT_TIMINGS").is_some(),
        highlight_cache: std::env::var_os("BACKLOT_NO_HIGHLIGHT_CACHE").is_none(),
        progress: backlot::profile::Profile::progress_wanted(
            std::io::IsTerminal::is_terminal(&std::io::stderr()),
            std::env::var_os("CI").as_deref(),
        ),
    });
    let source_date_epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok());
    match cli.command {
        Command::Build {
            site,
            output,
            watch,
            links,
        } => {
            let cache = site.cache();
            let overrides = Overrides {
                output,
                base_url: site.base_url,
                drafts: site.drafts,
                repository_url: site.repo_url,
                links,
                source_date_epoch,
                cache,
            };
            if watch {
                return backlot::serve::watch_build(&site.root, &overrides);
            }
            let (summary, diags) = pipeline::build(&site.root, &overrides);
            finish("build", Format::Human, summary, diags, &site.root)
        }
        Command::Check {
            site,
            format,
            changed_since,
            strict_snippets,
            external,
        } => {
            let cache = site.cache();
            let overrides = Overrides {
                output: None,
                base_url: site.base_url,
                drafts: site.drafts,
                repository_url: site.repo_url,
                links: None,
                source_date_epoch,
                cache,
            };
            // Tests and reviews of dated facts set the day `check` compares support dates with.
            let today = std::env::var("BACKLOT_TODAY").ok().filter(|d| {
                let ok = d.len() == 10
                    && d.bytes().enumerate().all(|(i, b)| {
                        if i == 4 || i == 7 {
                            b == b'-'
                        } else {
                            b.is_ascii_digit()
                        }
                    });
                if !ok {
                    eprintln!("warning: BACKLOT_TODAY=`{d}` is not a YYYY-MM-DD date; using today");
                }
                ok
            });
            let options = pipeline::CheckOptions {
                strict_snippets,
                today,
                external,
            };
            let (summary, mut diags) = pipeline::check_with(&site.root, &overrides, options);
            // A site that could not even load is reported whole.
            if let Some(rev) = changed_since.filter(|_| summary.is_some()) {
                match backlot::git::changed_since(&site.root, &rev) {
                    Ok(changed) => diags = report::only_changed(diags, &changed),
                    Err(e) => {
                        eprintln!("error: --changed-since: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            finish("check", format, summary, diags, &site.root)
        }
        Command::Serve {
            root,
            bind,
            port,
            open,
            drafts,
            poll,
        } => backlot::serve::run(&backlot::serve::Options {
            root,
            overrides: Overrides {
                drafts,
                source_date_epoch,
                ..Overrides::default()
            },
            bind,
            port,
            open,
            poll,
            limits: backlot::serve::Limits::default(),
        }),
        Command::Init { root } => match backlot::init::init(&root) {
            Ok(message) => {
                println!("{message}");
                ExitCode::SUCCESS
            }
            Err(d) => {
                eprintln!("{d}");
                ExitCode::from(1)
            }
        },
        Command::Explain { code } => explain(code.as_deref()),
        Command::Schema { which } => {
            print!("{}", which.text());
            ExitCode::SUCCESS
        }
        Command::New { path, root } => {
            match backlot::new::new_page(&root, &path) {
                Ok(shown) => {
                    println!("created {shown}: replace its description, write it, then remove `draft: true`");
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    eprintln!("{d}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// `backlot explain [CODE]`: one code's explanation, or the list of codes.
fn explain(code: Option<&str>) -> ExitCode {
    let Some(code) = code else {
        print!("{}", backlot::diag::codes::list());
        return ExitCode::SUCCESS;
    };
    match backlot::diag::Code::find(code) {
        Some(info) => {
            print!("{}", backlot::diag::codes::explain(info));
            ExitCode::SUCCESS
        }
        None => {
            eprintln!(
                "error: `{code}` is not a backlot diagnostic code; codes look like BL0301 and are printed in brackets after each problem\n  help: `backlot explain` lists every code, as does the diagnostics page of the reference"
            );
            ExitCode::from(2)
        }
    }
}

fn finish(
    what: &str,
    format: Format,
    summary: Option<pipeline::Summary>,
    diags: Diagnostics,
    root: &Path,
) -> ExitCode {
    if format == Format::Json {
        println!("{}", report::json(what, summary.as_ref(), &diags));
        let ok = summary.is_some() && !diags.has_errors();
        return ExitCode::from(if ok { 0 } else { 1 });
    }
    if format == Format::Github {
        print!(
            "{}",
            report::github(&diags, &backlot::git::repo_prefix(root))
        );
    }
    // Also in the Actions log: GitHub shows only a step's first annotations on the diff.
    for d in diags.iter() {
        eprintln!("{d}");
    }
    match summary {
        Some(s) if !diags.has_errors() => {
            let warnings = diags.warning_count();
            let w = if warnings > 0 {
                format!(" ({})", plural(warnings, "warning"))
            } else {
                String::new()
            };
            println!("{what}: {s}{w}");
            ExitCode::SUCCESS
        }
        _ => {
            if let Some(note) = summary.and_then(|s| s.note) {
                eprintln!("{note}");
            }
            eprintln!(
                "{what} failed: {}, {}; the output folder was not changed",
                plural(diags.error_count(), "error"),
                plural(diags.warning_count(), "warning")
            );
            ExitCode::from(1)
        }
    }
}
