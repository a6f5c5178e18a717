//! Faults while writing: a template error on the 500th page, a read-only output folder, a full
//! disk (a failing writer), a build killed at any moment. The previous public/ must stay
//! byte-identical (or become the complete new site), the exit status non-zero, and the next
//! build must clean up what was left.

use super::harness::{backlot, page, tree, write, SITE_TOML};
use backlot::output::{DirSink, Sink};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

type Tree = BTreeMap<String, Vec<u8>>;

/// A site of `n` pages in 10 sections; page `bad` (if any) uses a template that fails.
fn site(root: &Path, n: usize, bad: Option<usize>, version: &str) {
    let mut files = vec![
        ("site.toml".to_string(), SITE_TOML.to_string()),
        ("content/_index.md".to_string(), page("Home", version)),
        (
            "themes/default/templates/broken.html".to_string(),
            "{{ page.no_such_field.deeper }}".to_string(),
        ),
    ];
    // Plain templates: the default theme's full sidebar makes a 600-page debug build slow,
    // and these tests are about the output stage, not the theme.
    for name in ["index.html", "section.html", "page.html", "404.html"] {
        files.push((
            format!("themes/default/templates/{name}"),
            "<!DOCTYPE html><title>{{ page.title | default(value='') }}</title><main>{{ page.content | default(value='') | safe }}</main>".to_string(),
        ));
    }
    for s in 0..10 {
        files.push((
            format!("content/s{s}/_index.md"),
            page(&format!("Section {s}"), ""),
        ));
    }
    for i in 0..n {
        let mut text = page(
            &format!("Page {i}"),
            &format!("## Part\n\nText {i} {version}.\n"),
        );
        if Some(i) == bad {
            text = text.replacen("---\n", "---\ntemplate: broken.html\n", 1);
        }
        files.push((format!("content/s{}/p{i:03}.md", i % 10), text));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    write(root, &refs);
}

fn leftovers(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("backlot-"))
        .collect()
}

/// A built site: (root, its public/ tree).
fn built(t: &Path, n: usize) -> (std::path::PathBuf, Tree) {
    let root = t.join("site");
    site(&root, n, None, "v1");
    backlot(&root, &["build"]).ok();
    let before = tree(&root.join("public"));
    assert!(before.len() > n);
    (root, before)
}

#[test]
fn a_template_error_on_the_500th_page_keeps_the_old_site() {
    let t = tempfile::tempdir().unwrap();
    let (root, before) = built(t.path(), 520);
    site(&root, 520, Some(499), "v2");
    let run = backlot(&root, &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("broken.html"), "{}", run.stderr);
    assert!(run.stderr.contains("the output folder was not changed"));
    assert_eq!(tree(&root.join("public")), before, "public/ changed");
    assert!(leftovers(&root).is_empty(), "{:?}", leftovers(&root));
}

/// Makes a folder read-only for this process, whoever runs the tests: as root (CI) permission
/// bits do not bind, so the immutable attribute is used; it is removed on drop.
struct ReadOnly<'a>(&'a Path, bool);

impl<'a> ReadOnly<'a> {
    fn new(dir: &'a Path) -> Option<Self> {
        if rustix::process::geteuid().is_root() {
            let ok = std::process::Command::new("chattr")
                .arg("+i")
                .arg(dir)
                .status()
                .is_ok_and(|s| s.success());
            ok.then_some(ReadOnly(dir, true))
        } else {
            let mut p = std::fs::metadata(dir).unwrap().permissions();
            p.set_readonly(true);
            std::fs::set_permissions(dir, p).unwrap();
            Some(ReadOnly(dir, false))
        }
    }
}

impl Drop for ReadOnly<'_> {
    fn drop(&mut self) {
        if self.1 {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(self.0)
                .status();
        } else {
            let mut p = std::fs::metadata(self.0).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            p.set_readonly(false);
            let _ = std::fs::set_permissions(self.0, p);
        }
    }
}

#[test]
fn a_read_only_output_folder_fails_before_writing() {
    let t = tempfile::tempdir().unwrap();
    let (root, before) = built(t.path(), 20);
    site(&root, 20, None, "v2");
    let public = root.join("public");
    let Some(_guard) = ReadOnly::new(&public) else {
        panic!(
            "cannot make {} read-only here (chattr +i failed)",
            public.display()
        );
    };
    let run = backlot(&root, &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("is read-only"), "{}", run.stderr);
    assert_eq!(tree(&public), before);
    assert!(leftovers(&root).is_empty(), "{:?}", leftovers(&root));
}

/// A disk that fills up after `room` files.
struct FullDisk {
    inner: DirSink,
    room: usize,
    written: AtomicUsize,
}

impl Sink for FullDisk {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        if self.written.fetch_add(1, Ordering::SeqCst) >= self.room {
            return Err(std::io::Error::from_raw_os_error(28)); // ENOSPC
        }
        self.inner.write(path, bytes)
    }
}

#[test]
fn a_full_disk_halfway_keeps_the_old_site() {
    let t = tempfile::tempdir().unwrap();
    let (root, before) = built(t.path(), 100);
    site(&root, 100, None, "v2");
    let (summary, diags) = backlot::pipeline::build_with(&root, &Default::default(), &|dir| {
        Box::new(FullDisk {
            inner: dir,
            room: 50,
            written: AtomicUsize::new(0),
        })
    });
    assert!(summary.is_none());
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert!(errors.len() >= 50, "{errors:?}");
    assert!(
        errors.iter().all(|e| e.contains("No space left on device")),
        "{errors:?}"
    );
    assert_eq!(tree(&root.join("public")), before);
    assert!(leftovers(&root).is_empty(), "{:?}", leftovers(&root));
}

#[test]
fn a_killed_build_leaves_a_complete_site_and_the_next_cleans_up() {
    let t = tempfile::tempdir().unwrap();
    let (root, old) = built(t.path(), 300);
    site(&root, 300, None, "v2");
    let fresh = t.path().join("fresh");
    backlot(&root, &["build", "--output", fresh.to_str().unwrap()]).ok();
    let new = tree(&fresh);
    assert_ne!(old, new);
    let mut killed = 0;
    for delay_ms in [5, 20, 40, 80, 120, 160, 240, 320, 480, 640] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_backlot"))
            .args(["build", "--root"])
            .arg(&root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        let _ = child.kill(); // SIGKILL: no cleanup code runs
        child.wait().unwrap();
        // Whatever moment it died, public/ is one complete site, never a mix.
        let now = tree(&root.join("public"));
        assert!(
            now == old || now == new,
            "after {delay_ms} ms: a partial site"
        );
    }
    assert!(killed > 0, "every build finished before it could be killed");
    backlot(&root, &["build"]).ok();
    assert_eq!(tree(&root.join("public")), new);
    assert!(leftovers(&root).is_empty(), "{:?}", leftovers(&root));
}
