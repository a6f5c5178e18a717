//! `backlot new`: a page with its front matter filled in. The description is a placeholder that
//! `check` rejects until the author replaces it.

use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::page::{title_from, PLACEHOLDER_DESCRIPTION};
use std::path::Path;

pub fn new_page(root: &Path, rel: &Path) -> Result<String, Diagnostic> {
    let shown = rel.to_string_lossy().replace('\\', "/");
    if rel.extension().and_then(|e| e.to_str()) != Some("md") {
        return Err(Diagnostic::error(
            Code::NewPagePath,
            &shown,
            1,
            1,
            "a page must be a .md file",
        )
        .with_help("e.g. backlot new content/stacks/go.md"));
    }
    // The content folder from site.toml; a site without one (yet) uses content/.
    let content = crate::config::Config::load(root, &Default::default()).map_or_else(
        |_| crate::config::default_content_dir(),
        |c| c.site.content_dir,
    );
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
        || !shown.starts_with(&format!("{content}/"))
    {
        return Err(Diagnostic::error(
            Code::NewPagePath,
            &shown,
            1,
            1,
            format!("pages live under {content}/ inside the site"),
        )
        .with_help(format!("e.g. backlot new {content}/guide/setup.md")));
    }
    let full = root.join(rel);
    if full.exists() {
        return Err(Diagnostic::error(
            Code::NewPagePath,
            &shown,
            1,
            1,
            "file already exists",
        ));
    }
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("page");
    let title = if crate::source::is_index_name(&format!("{stem}.md")) {
        "New section".to_string()
    } else {
        title_from(stem)
    };
    let text = format!(
        "---\ntitle: \"{title}\"\ndescription: \"{PLACEHOLDER_DESCRIPTION}\"\nweight: 100\ntags: []\ndraft: true\n---\n\nWho this page is for, and what they will be able to do after reading it.\n\n## First section\n\n## Summary\n"
    );
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            Diagnostic::error(
                Code::CommandWrite,
                &shown,
                1,
                1,
                format!("cannot create folder: {e}"),
            )
        })?;
    }
    std::fs::write(&full, text).map_err(|e| {
        Diagnostic::error(
            Code::CommandWrite,
            &shown,
            1,
            1,
            format!("cannot write: {e}"),
        )
    })?;
    Ok(shown)
}
