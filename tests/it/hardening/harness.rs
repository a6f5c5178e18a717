//! A small harness: copy a fixture into a temporary folder, write generated sites, run the
//! `backlot` binary, read an output tree back.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// `backlot <args>` with `--root dir` appended where the command takes it.
pub fn backlot(dir: &Path, args: &[&str]) -> Run {
    backlot_env(dir, args, &[])
}

pub fn backlot_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backlot"));
    cmd.args(args)
        .arg("--root")
        .arg(dir)
        .env_remove("SOURCE_DATE_EPOCH");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run backlot");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A fresh copy of `tests/fixtures/<name>` (so builds never write into the repository).
pub fn fixture(name: &str) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join(name), t.path());
    t
}

pub use crate::harness::copy_dir;

/// Writes `files` (path relative to root, text) under `root`.
pub fn write(root: &Path, files: &[(&str, &str)]) {
    for (p, text) in files {
        let full = root.join(p);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
}

pub const SITE_TOML: &str = "title = \"Test\"\nbase_url = \"https://example.com/docs/\"\n";

/// A page's text with YAML front matter.
pub fn page(title: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\ndescription: \"About {title}.\"\n---\n{body}")
}

/// Every file under `dir`, by `/`-separated relative path.
pub use crate::harness::read_tree as tree;

pub fn text(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `build` and `check` of `dir` both exit 1 with `expected` on stderr and a `help:` line.
pub fn assert_refused(dir: &Path, expected: &str) {
    for cmd in ["build", "check"] {
        let run = backlot(dir, &[cmd]);
        assert_eq!(run.code, 1, "{cmd}: {}", run.stderr);
        assert!(
            run.stderr.contains(expected),
            "{cmd}: expected {expected}\n{}",
            run.stderr
        );
        assert!(run.stderr.contains("  help: "), "{}", run.stderr);
    }
}
