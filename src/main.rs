//! Parses the command line, runs the command, maps the result to an exit code:
//! 0 success, 1 content/template/config errors, 2 usage errors.

use backlot::cli::{Cli, Command};
use backlot::config::Overrides;
use backlot::diag::Diagnostics;
use backlot::pipeline;
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            site,
            output,
            watch,
        } => {
            let overrides = Overrides {
                output,
                base_url: site.base_url,
                drafts: site.drafts,
            };
            if watch {
                return backlot::serve::watch_build(&site.root, &overrides);
            }
            let (summary, diags) = pipeline::build(&site.root, &overrides);
            finish("build", summary, diags)
        }
        Command::Check { site } => {
            let overrides = Overrides {
                output: None,
                base_url: site.base_url,
                drafts: site.drafts,
            };
            let (summary, diags) = pipeline::check(&site.root, &overrides);
            finish("check", summary.filter(|_| !diags.has_errors()), diags)
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
                ..Overrides::default()
            },
            bind,
            port,
            open,
            poll,
        }),
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

fn finish(what: &str, summary: Option<pipeline::Summary>, diags: Diagnostics) -> ExitCode {
    for d in diags.iter() {
        eprintln!("{d}");
    }
    match summary {
        Some(s) if !diags.has_errors() => {
            let warnings = diags.warning_count();
            let w = if warnings > 0 {
                format!(" ({warnings} warnings)")
            } else {
                String::new()
            };
            println!("{what}: {s}{w}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!(
                "{what} failed: {} errors, {} warnings; the output folder was not changed",
                diags.error_count(),
                diags.warning_count()
            );
            ExitCode::from(1)
        }
    }
}
