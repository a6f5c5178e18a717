//! `backlot init`: a working site.toml for an existing repository. It finds the folder holding
//! the docs, reads the repository's GitHub address and branch from git, derives the GitHub
//! Pages address from them, and never overwrites an existing site.toml.

use crate::config::CONFIG_FILE;
use crate::diag::Code;
use crate::diag::Diagnostic;
use std::path::Path;
use walkdir::WalkDir;

/// Folders that usually hold a repository's docs, in the order they are preferred.
const DOC_FOLDERS: &[&str] = &["docs", "doc", "documentation", "content", "book/src"];

/// Folders never taken for docs: dependencies, build output, vendored code.
const NOT_DOCS: &[&str] = &[
    "node_modules",
    "target",
    "vendor",
    "public",
    "_site",
    "build",
    "dist",
];

/// What `init` found and wrote.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Setup {
    pub(crate) content_dir: String,
    pub(crate) title: String,
    pub(crate) base_url: String,
    /// (repository web URL, branch, path of the site inside the repository)
    pub(crate) repository: Option<(String, String, String)>,
    pub(crate) output_dir: String,
}

/// Writes `root/site.toml`; the message to print on success.
pub fn init(root: &Path) -> Result<String, Diagnostic> {
    if root.join(CONFIG_FILE).exists() {
        return Err(Diagnostic::error(
            Code::InitSiteExists,
            CONFIG_FILE,
            1,
            1,
            "site.toml already exists; nothing was changed",
        )
        .with_help("edit it, or remove it and run `backlot init` again"));
    }
    let setup = detect(root)?;
    std::fs::write(root.join(CONFIG_FILE), site_toml(&setup)).map_err(|e| {
        Diagnostic::error(
            Code::CommandWrite,
            CONFIG_FILE,
            1,
            1,
            format!("cannot write site.toml: {e}"),
        )
    })?;
    let repo = match &setup.repository {
        Some((url, branch, _)) => format!("repository {url} (branch {branch})"),
        None => "no git remote `origin` found: add [repository] for edit links".into(),
    };
    Ok(format!(
        "wrote site.toml: pages from {}/, published at {}, {repo}\n\
         the site is built into {}/ (add it to .gitignore)\n\
         next: backlot serve   (then open the address it prints)",
        setup.content_dir, setup.base_url, setup.output_dir
    ))
}

/// Looks at the repository without changing anything.
pub(crate) fn detect(root: &Path) -> Result<Setup, Diagnostic> {
    let content_dir = find_docs(root).ok_or_else(|| {
        Diagnostic::error(Code::InitNoDocs, ".", 1, 1, "no folder with Markdown files found")
            .with_help("put the docs in a docs/ folder, or write site.toml by hand with `content_dir = \"your-folder\"`")
    })?;
    let repository = crate::git::origin_url(root)
        .and_then(|u| web_url(&u))
        .map(|url| {
            let branch = crate::git::default_branch(root).unwrap_or_else(|| "main".into());
            let path = crate::git::repo_prefix(root)
                .trim_end_matches('/')
                .to_string();
            (url, branch, path)
        });
    let base_url = repository
        .as_ref()
        .and_then(|(url, _, _)| pages_url(url))
        .unwrap_or_else(|| "https://example.com/".into());
    let title = readme_title(root)
        .or_else(|| {
            let (url, _, _) = repository.as_ref()?;
            url.rsplit('/').next().map(str::to_string)
        })
        .or_else(|| {
            let abs = std::path::absolute(root).ok()?;
            Some(abs.file_name()?.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "Documentation".into());
    let output_dir = ["public", "_site", "backlot-public"]
        .into_iter()
        .find(|d| !root.join(d).exists())
        .unwrap_or("backlot-public")
        .to_string();
    Ok(Setup {
        content_dir,
        title,
        base_url,
        repository,
        output_dir,
    })
}

/// The first usual docs folder that holds Markdown, else the top folder holding the most.
fn find_docs(root: &Path) -> Option<String> {
    // An mdBook keeps its pages in src/ next to book.toml.
    let book = root.join("book.toml").is_file().then_some("src");
    if let Some(d) = book
        .iter()
        .chain(DOC_FOLDERS)
        .find(|d| markdown_count(&root.join(d)) > 0)
    {
        return Some(d.to_string());
    }
    let mut dirs: Vec<(usize, String)> = std::fs::read_dir(root)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && !NOT_DOCS.contains(&n.as_str()))
        .map(|n| (markdown_count(&root.join(&n)), n))
        .filter(|(count, _)| *count > 0)
        .collect();
    // Most Markdown first; the name breaks ties so the answer never depends on the disk order.
    dirs.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    dirs.into_iter().next().map(|(_, n)| n)
}

fn markdown_count(dir: &Path) -> usize {
    if !dir.is_dir() {
        return 0;
    }
    WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .count()
}

/// A git remote as the repository's web address: `git@github.com:o/n.git`,
/// `ssh://git@github.com/o/n`, `https://github.com/o/n.git` -> `https://github.com/o/n`.
pub(crate) fn web_url(remote: &str) -> Option<String> {
    let r = remote.trim();
    let rest = if let Some(r) = r
        .strip_prefix("https://")
        .or_else(|| r.strip_prefix("http://"))
    {
        r.to_string()
    } else if let Some(r) = r.strip_prefix("ssh://") {
        r.split_once('@')
            .map_or(r, |(_, h)| h)
            .replacen(':', "/", 1)
    } else if let Some((user_host, path)) = r.split_once(':') {
        let host = user_host.split_once('@').map_or(user_host, |(_, h)| h);
        format!("{host}/{path}")
    } else {
        return None;
    };
    // Credentials in an https remote never reach the site.
    let rest = rest.split_once('@').map_or(rest.as_str(), |(_, h)| h);
    let rest = rest.trim_end_matches('/').trim_end_matches(".git");
    let parts: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    if parts.len() < 3 || parts.iter().any(|p| p.contains(['"', '\\', ' ', '?', '#'])) {
        return None;
    }
    Some(format!("https://{}", parts.join("/")))
}

/// The GitHub Pages (or GitLab Pages) address of a repository's web URL.
pub(crate) fn pages_url(web: &str) -> Option<String> {
    let rest = web.strip_prefix("https://")?;
    let mut parts = rest.split('/');
    let (host, owner, name) = (parts.next()?, parts.next()?, parts.next()?);
    let pages_host = match host {
        "github.com" => "github.io",
        "gitlab.com" => "gitlab.io",
        _ => return None,
    };
    let owner = owner.to_lowercase();
    if name.eq_ignore_ascii_case(&format!("{owner}.{pages_host}")) {
        Some(format!("https://{owner}.{pages_host}/"))
    } else {
        Some(format!("https://{owner}.{pages_host}/{name}/"))
    }
}

/// The first `# heading` of the repository's README, for the site title.
fn readme_title(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("README.md")).ok()?;
    let line = text.lines().find(|l| l.starts_with("# "))?;
    let title = line[2..].trim().trim_end_matches('#').trim();
    (!title.is_empty()).then(|| title.to_string())
}

/// TOML basic string with quotes and backslashes escaped.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn site_toml(s: &Setup) -> String {
    let mut out = format!(
        "# Written by `backlot init`; see README.md of backlot for every setting.\n\
         title = {}\n\
         description = \"\"\n\
         base_url = {}\n\
         content_dir = {}\n\
         output_dir = {}\n",
        quoted(&s.title),
        quoted(&s.base_url),
        quoted(&s.content_dir),
        quoted(&s.output_dir),
    );
    if let Some((url, branch, path)) = &s.repository {
        out += &format!(
            "\n[repository]\nurl = {}\nbranch = {}\npath = {}\n",
            quoted(url),
            quoted(branch),
            quoted(path)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes_to_web_urls() {
        for remote in [
            "git@github.com:owner/name.git",
            "ssh://git@github.com/owner/name.git",
            "https://github.com/owner/name.git",
            "https://github.com/owner/name",
            "https://user:token@github.com/owner/name.git",
        ] {
            assert_eq!(
                web_url(remote).as_deref(),
                Some("https://github.com/owner/name"),
                "{remote}"
            );
        }
        assert_eq!(web_url("/srv/git/name.git"), None);
        assert_eq!(
            web_url("git@gitlab.com:group/sub/name.git").as_deref(),
            Some("https://gitlab.com/group/sub/name")
        );
    }

    #[test]
    fn pages_addresses() {
        assert_eq!(
            pages_url("https://github.com/Owner/name").as_deref(),
            Some("https://owner.github.io/name/")
        );
        assert_eq!(
            pages_url("https://github.com/owner/owner.github.io").as_deref(),
            Some("https://owner.github.io/")
        );
        assert_eq!(pages_url("https://example.org/a/b"), None);
    }
}
