//! Git history, read once per command: the date of the last commit that touched each content file
//! ("Last updated"), the files changed since a revision (`check --changed-since`), and where the
//! site sits inside its repository (for annotation paths), and the remote and branch that
//! `backlot init` writes into site.toml. Outside a git checkout, or without
//! git installed, every answer is simply empty: a build never depends on git.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

/// Runs `git -C root args...`; stdout on success.
fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["-c", "core.quotepath=off"])
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The day (YYYY-MM-DD, UTC) of the last commit touching each file under the content folder, keyed by
/// the path relative to the site root. One `git log` pass for the whole site, newest commit
/// first, so the first time a path is seen is its last change. Commit dates make the result a
/// function of the checkout, never of file modification times.
pub(crate) fn last_updated(root: &Path, content: &str) -> HashMap<String, String> {
    last_commit_times(root, content)
        .into_iter()
        .map(|(path, secs)| (path, crate::dates::utc_day(secs)))
        .collect()
}

/// The git folder of the repository `root` is in: `.git` in it or a parent, or where a `.git`
/// file (a worktree, a submodule) points.
pub(crate) fn git_dir(root: &Path) -> Option<std::path::PathBuf> {
    let start = root.canonicalize().ok()?;
    let dot = start
        .ancestors()
        .map(|d| d.join(".git"))
        .find(|p| p.exists())?;
    if dot.is_dir() {
        return Some(dot);
    }
    let text = std::fs::read_to_string(&dot).ok()?;
    let target = Path::new(text.strip_prefix("gitdir:")?.trim());
    Some(dot.parent()?.join(target))
}

/// The commit checked out, read from the git folder's files without running git (the
/// preview asks on every rebuild whether "Last updated" must be read again): `HEAD` and the
/// branch it names, loose or packed. `None` outside a repository.
pub(crate) fn head(root: &Path) -> Option<String> {
    let dir = git_dir(root)?;
    let head = std::fs::read_to_string(dir.join("HEAD")).ok()?;
    let Some(name) = head.trim().strip_prefix("ref:").map(str::trim) else {
        return Some(head);
    };
    // A worktree keeps its HEAD and shares the branches of the main git folder.
    let common = std::fs::read_to_string(dir.join("commondir"))
        .map(|c| dir.join(c.trim()))
        .unwrap_or_else(|_| dir.clone());
    for d in [&dir, &common] {
        if let Ok(id) = std::fs::read_to_string(d.join(name)) {
            return Some(format!("{name} {}", id.trim()));
        }
    }
    let packed = std::fs::read_to_string(common.join("packed-refs")).unwrap_or_default();
    let id = packed
        .lines()
        .find_map(|l| l.strip_suffix(name)?.strip_suffix(' '))
        .unwrap_or("unborn");
    Some(format!("{name} {id}"))
}

/// The time (Unix seconds) of the last commit touching each file under `content`, keyed by
/// the path relative to `root` (see `last_updated`; translations are compared by it).
pub(crate) fn last_commit_times(root: &Path, content: &str) -> HashMap<String, i64> {
    match git(
        root,
        &[
            "log",
            "--relative",
            "--name-only",
            "--format=%x01%ct",
            "--",
            content,
        ],
    ) {
        Ok(log) => parse_log(&log),
        Err(_) => HashMap::new(),
    }
}

/// Parses `git log --name-only --format=%x01%ct`: a `\x01<unix time>` line per commit, then the
/// paths it touched.
fn parse_log(log: &str) -> HashMap<String, i64> {
    let mut times = HashMap::new();
    let mut time: Option<i64> = None;
    for line in log.lines() {
        if let Some(ts) = line.strip_prefix('\u{1}') {
            time = ts.trim().parse::<i64>().ok();
        } else if let (Some(t), false) = (time, line.trim().is_empty()) {
            times.entry(line.to_string()).or_insert(t);
        }
    }
    times
}

/// The site's folder as it is at the git ref `rev` (a branch or tag), extracted into a
/// temporary folder with `git archive`: how an older version of the docs is read.
pub(crate) fn checkout(root: &Path, rev: &str) -> Result<tempfile::TempDir, String> {
    if rev.starts_with('-') {
        return Err(format!("`{rev}` is not a revision"));
    }
    // A CI checkout has the remote's branches as origin/<name> only.
    let is_commit = |r: &String| {
        let spec = format!("{r}^{{commit}}");
        git(root, &["rev-parse", "--verify", "--quiet", &spec]).is_ok()
    };
    let commit = [rev.to_string(), format!("origin/{rev}")]
        .into_iter()
        .find(is_commit)
        .ok_or_else(|| format!("no branch or tag `{rev}` (nor origin/{rev}) in this repository"))?;
    let tree = format!("{commit}:{}", repo_prefix(root));
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["archive", "--format=tar", &tree])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(err
            .lines()
            .next()
            .unwrap_or("git archive failed")
            .to_string());
    }
    let dir = tempfile::Builder::new()
        .prefix("backlot-version-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    tar::Archive::new(out.stdout.as_slice())
        .unpack(dir.path())
        .map_err(|e| format!("cannot extract it: {e}"))?;
    Ok(dir)
}

/// Files (relative to the site root) that differ between `rev` and the working tree, both sides
/// of every rename, deleted files, and untracked files not ignored by git.
pub fn changed_since(root: &Path, rev: &str) -> Result<BTreeSet<String>, String> {
    if rev.starts_with('-') {
        return Err(format!("`{rev}` is not a revision"));
    }
    if git(root, &["rev-parse", "--is-inside-work-tree"]).is_err() {
        return Err(format!(
            "{} is not inside a git repository, so there is nothing to compare with `{rev}`; run check without --changed-since",
            root.display()
        ));
    }
    let commit = format!("{rev}^{{commit}}");
    if git(root, &["rev-parse", "--verify", "--quiet", &commit]).is_err() {
        return Err(format!(
            "`{rev}` is not a commit of this repository; fetch it first (e.g. `git fetch origin main`)"
        ));
    }
    let diff = git(
        root,
        &["diff", "--name-status", "-z", "-M", "--relative", rev, "--"],
    )
    .map_err(|e| {
        format!(
            "cannot compare with `{rev}`: {}",
            e.lines().next().unwrap_or("")
        )
    })?;
    let mut paths = parse_name_status(&diff);
    let untracked = git(root, &["ls-files", "-z", "--others", "--exclude-standard"])?;
    paths.extend(
        untracked
            .split('\0')
            .filter(|p| !p.is_empty())
            .map(String::from),
    );
    Ok(paths)
}

/// `git diff --name-status -z`: a status, then one path (two for renames and copies), NUL-separated.
fn parse_name_status(out: &str) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    let mut fields = out.split('\0').filter(|f| !f.is_empty());
    while let Some(status) = fields.next() {
        let n = if status.starts_with(['R', 'C']) { 2 } else { 1 };
        for _ in 0..n {
            if let Some(p) = fields.next() {
                paths.insert(p.to_string());
            }
        }
    }
    paths
}

/// The site root's path inside its repository ("" at the top, "docs/" below it), so paths
/// relative to the site can be given relative to the repository.
/// The URL of the remote `origin`, if any.
pub(crate) fn origin_url(root: &Path) -> Option<String> {
    git(root, &["remote", "get-url", "origin"])
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The branch `origin` points at by default, else the branch checked out.
pub(crate) fn default_branch(root: &Path) -> Option<String> {
    let remote_head = git(
        root,
        &["symbolic-ref", "--short", "refs/remotes/origin/HEAD"],
    )
    .ok()
    .and_then(|s| s.trim().strip_prefix("origin/").map(str::to_string));
    remote_head
        .or_else(|| {
            git(root, &["symbolic-ref", "--short", "HEAD"])
                .ok()
                .map(|s| s.trim().to_string())
        })
        .filter(|s| !s.is_empty())
}

/// Asked once per root and process: the preview assembles the site on every save, and a
/// site does not move inside its repository while backlot runs.
pub fn repo_prefix(root: &Path) -> String {
    static KNOWN: std::sync::Mutex<Option<HashMap<std::path::PathBuf, String>>> =
        std::sync::Mutex::new(None);
    let mut known = KNOWN.lock().unwrap_or_else(|e| e.into_inner());
    let known = known.get_or_insert_with(HashMap::new);
    if let Some(prefix) = known.get(root) {
        return prefix.clone();
    }
    let prefix = git(root, &["rev-parse", "--show-prefix"])
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    known.insert(root.to_path_buf(), prefix.clone());
    prefix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_keeps_the_newest_date_per_file() {
        let log =
            "\u{1}1763683200\n\ncontent/a.md\n\n\u{1}1700000000\n\ncontent/a.md\ncontent/b.md\n";
        let d = parse_log(log);
        assert_eq!(d["content/a.md"], 1763683200);
        assert_eq!(d["content/b.md"], 1700000000);
    }

    #[test]
    fn renames_give_both_names() {
        let out = "M\0content/a.md\0R087\0content/old.md\0content/new.md\0D\0content/gone.md\0";
        let p: Vec<String> = parse_name_status(out).into_iter().collect();
        assert_eq!(
            p,
            [
                "content/a.md",
                "content/gone.md",
                "content/new.md",
                "content/old.md"
            ]
        );
    }
}
