//! Issue 14: the output folder named in site.toml stays inside the site. A committed symlink
//! on the way to it (`out -> ~/.config` with `output_dir = "out/git"`) is refused by `build`,
//! `check` and `build --watch`; only `--output` on the command line writes elsewhere.

use super::harness::{backlot, page, tree, write, SITE_TOML};
use std::io::Read;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A site whose `out` is a committed symlink to a fake home's `.config`.
fn attack_site(t: &Path) -> (PathBuf, PathBuf) {
    let root = t.join("site");
    let home_config = t.join("home/.config");
    std::fs::create_dir_all(&home_config).unwrap();
    std::fs::write(home_config.join("keep.txt"), "mine").unwrap();
    write(
        &root,
        &[
            (
                "site.toml",
                &format!("{SITE_TOML}output_dir = \"out/git\"\n"),
            ),
            ("content/_index.md", &page("Home", "Hi.\n")),
            (
                "static/config",
                "[core]\n\tfsmonitor = \"touch /tmp/pwned\"\n",
            ),
        ],
    );
    symlink(&home_config, root.join("out")).unwrap();
    (root, home_config)
}

const REFUSAL: &str =
    "site.toml:1:1: error: output_dir `out/git` is not allowed: `out` is a symlink";

#[test]
fn a_symlink_on_the_way_to_output_dir_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let (root, home_config) = attack_site(t.path());
    let before = tree(&home_config);
    for cmd in ["build", "check"] {
        let run = backlot(&root, &[cmd]);
        assert_eq!(run.code, 1, "{cmd}: {}", run.stderr);
        assert!(run.stderr.contains(REFUSAL), "{cmd}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("help: replace the symlink `out` with a real folder"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(
        tree(&home_config),
        before,
        "something was written into the fake home"
    );
    let names: Vec<_> = std::fs::read_dir(home_config.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        [".config"],
        "nothing beside it either (staging folders)"
    );
}

#[test]
fn build_watch_refuses_it_too() {
    let t = tempfile::tempdir().unwrap();
    let (root, home_config) = attack_site(t.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_backlot"))
        .args(["build", "--watch", "--root"])
        .arg(&root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            match stderr.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
            if String::from_utf8_lossy(&seen).contains("rebuild failed") {
                break;
            }
        }
        String::from_utf8_lossy(&seen).into_owned()
    });
    let seen = reader.join().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(seen.contains(REFUSAL), "{seen}");
    assert_eq!(tree(&home_config).len(), 1, "only keep.txt");
}

#[test]
fn dot_dot_and_absolute_output_dirs_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    let outside = t.path().join("outside");
    for (value, why) in [
        ("../outside", "it contains `..`"),
        ("public/../../outside", "it contains `..`"),
        (outside.to_str().unwrap(), "it is an absolute path"),
    ] {
        write(
            &root,
            &[
                (
                    "site.toml",
                    &format!("{SITE_TOML}output_dir = \"{value}\"\n"),
                ),
                ("content/_index.md", &page("Home", "Hi.\n")),
            ],
        );
        let run = backlot(&root, &["build"]);
        assert_eq!(run.code, 1, "{value}: {}", run.stderr);
        let message = format!("site.toml:1:1: error: output_dir `{value}` is not allowed: {why}");
        assert!(run.stderr.contains(&message), "{value}: {}", run.stderr);
        assert!(run.stderr.contains("pass --output"), "{}", run.stderr);
        assert!(!outside.exists(), "{value}");
    }
}

#[test]
fn output_on_the_command_line_may_go_anywhere() {
    let t = tempfile::tempdir().unwrap();
    let (root, _) = attack_site(t.path());
    let elsewhere = t.path().join("elsewhere/site");
    let run = backlot(&root, &["build", "--output", elsewhere.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(elsewhere.join("index.html").is_file());
    // Even through a symlink: the maintainer typed it.
    let linked = t.path().join("link");
    symlink(t.path().join("elsewhere"), &linked).unwrap();
    let through = linked.join("site");
    let run = backlot(&root, &["build", "--output", through.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_refused_output_is_named_as_given() {
    let t = tempfile::tempdir().unwrap();
    let (root, _) = attack_site(t.path());
    let mine = t.path().join("mine");
    write(&mine, &[("notes.txt", "precious")]);
    let run = backlot(&root, &["build", "--output", mine.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let shown = format!(
        "{}:1:1: error: cannot prepare the output folder: refusing to replace",
        mine.display()
    );
    assert!(run.stderr.contains(&shown), "{}", run.stderr);
    assert!(!run.stderr.contains("public:1:1"), "{}", run.stderr);
}
