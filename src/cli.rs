//! The command line (clap derive): build / serve / check / new / init / schema, with the site arguments shared.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "backlot",
    version = env!("BACKLOT_VERSION"),
    about = "Builds a documentation site from Markdown: content/ + themes/ -> public/"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into the output folder (public/ by default). The folder is replaced only
    /// when the whole build succeeds.
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Write the site here instead of site.toml's output_dir.
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Keep watching the site and update the output folder after every change.
        #[arg(long)]
        watch: bool,
        /// `warn` reports broken links, anchors and alias conflicts as warnings so the site
        /// still builds while they are fixed (overrides site.toml's `[links] level`).
        #[arg(long, value_enum, value_name = "LEVEL")]
        links: Option<crate::config::LinkLevel>,
    },
    /// Preview the site: serve it from memory, rebuild on every change, reload open pages.
    Serve {
        /// The site's root folder (holding site.toml).
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
        /// Address to listen on; anything but 127.0.0.1 lets other machines reach the preview
        /// (0.0.0.0: at any of this machine's IP addresses or its host name).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port to listen on; 0 picks a free one (the address is printed).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Watch by polling instead of native file events.
        #[arg(long, hide = true)]
        poll: bool,
    },
    /// Do everything build does except writing, treating warnings as errors (for pull requests).
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// How to print problems: `human` text, `github` Actions annotations, or `json`.
        #[arg(long, value_enum, default_value_t = crate::report::Format::Human)]
        format: crate::report::Format,
        /// Report only problems in files changed since this git revision, plus links elsewhere
        /// that point into them (e.g. `--changed-since origin/main`).
        #[arg(long, value_name = "REV")]
        changed_since: Option<String>,
        /// Fail when the site has snippets in a language whose checker (gofmt, php, ruby, node,
        /// python3, bash) is not installed, instead of skipping them with a note.
        #[arg(long)]
        strict_snippets: bool,
        /// Also check links to other sites (concurrently, with retries and a cache in
        /// .backlot-cache/; `[links] external_skip` lists addresses to leave alone).
        #[arg(long)]
        external: bool,
    },
    /// Create a page with its front matter filled in, e.g. `backlot new content/stacks/go.md`.
    New {
        /// Path of the new Markdown file, relative to the site root.
        path: PathBuf,
        /// The site's root folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
    },
    /// Write a site.toml for an existing repository: finds the docs folder, the GitHub
    /// repository and its Pages address. Never overwrites an existing site.toml.
    Init {
        /// The repository's root folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
    },
    /// Explain a diagnostic code (the `[BL0301]` after a problem): what it means and how to fix
    /// it. Without a code, list every code with its title.
    Explain {
        /// The code, such as BL0301.
        code: Option<String>,
    },
    /// Print the JSON Schema of site.toml or of front matter, for editors (taplo, VS Code) and
    /// other tools: `backlot schema site > site.schema.json`.
    Schema {
        /// Which schema to print.
        #[arg(value_enum)]
        which: crate::schema::Which,
    },
}

#[derive(Args, Debug, Clone)]
pub struct SiteArgs {
    /// The site's root folder (holding site.toml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Override site.toml's base_url, e.g. https://owner.github.io/repo/.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Override site.toml's repository url (for "Edit this page" links), e.g.
    /// https://github.com/owner/repo, so a fork's site links to the fork.
    #[arg(long, value_name = "URL")]
    pub repo_url: Option<String>,
    /// Keep highlighted code blocks in this folder between runs and reuse them (for CI, which
    /// restores the folder); a damaged or outdated cache is ignored with a note. The
    /// BACKLOT_CACHE environment variable sets it too.
    #[arg(long, value_name = "DIR")]
    pub(crate) cache: Option<PathBuf>,
}

impl SiteArgs {
    /// `--cache`, else `BACKLOT_CACHE` (as Hugo's `HUGO_CACHEDIR`), so a workflow can turn the
    /// cache on for every command without changing their arguments.
    pub fn cache(&self) -> Option<PathBuf> {
        self.cache.clone().or_else(|| {
            std::env::var_os("BACKLOT_CACHE")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
    }
}
