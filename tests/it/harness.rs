//! A small harness over fixture sites: copy, run backlot, read outputs, snapshot `<main>`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Fixture {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
}

/// The result of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into(),
            stderr: String::from_utf8_lossy(&o.stderr).into(),
        }
    }
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A fresh copy of tests/fixtures/<feature>/<case>.
pub fn fixture(feature: &str, case: &str) -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixtures_dir().join(feature).join(case), &root);
    Fixture { _tmp: tmp, root }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub fn backlot() -> Command {
    Command::new(env!("CARGO_BIN_EXE_backlot"))
}

impl Fixture {
    pub fn run(&self, args: &[&str]) -> Run {
        backlot()
            .args(args)
            .arg("--root")
            .arg(&self.root)
            .output()
            .unwrap()
            .into()
    }

    /// `backlot build` on one thread (`RAYON_NUM_THREADS=1`), which must succeed.
    pub fn build_one_thread(&self) {
        let run = backlot()
            .args(["build", "--root"])
            .arg(&self.root)
            .env("RAYON_NUM_THREADS", "1")
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }

    /// `backlot build`, which must succeed.
    pub fn build_ok(&self, args: &[&str]) -> Run {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        let run = self.run(&all);
        assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
        run
    }

    pub fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    pub fn read(&self, path: &str) -> String {
        let p = self.public().join(path);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.public().join(path).exists()
    }

    pub fn write(&self, path: &str, text: &str) {
        let p = self.root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Every output file and its bytes.
    pub fn tree(&self) -> BTreeMap<String, Vec<u8>> {
        read_tree(&self.public())
    }
}

pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if dir.exists() {
        for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

/// The `<main ...>...</main>` element of a page.
pub fn main_element(html: &str) -> &str {
    let start = html.find("<main").expect("page has no <main>");
    let end = html.rfind("</main>").expect("page has no </main>") + "</main>".len();
    &html[start..end]
}

/// Compares with tests/snapshots/<name>.html; `BLESS=1 cargo test` rewrites the snapshot.
pub fn snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.html"));
    let missing = !path.exists();
    assert!(
        !(missing && std::env::var_os("CI").is_some()),
        "snapshot {name} is missing; create it with BLESS=1 cargo test and commit it"
    );
    if std::env::var_os("BLESS").is_some() || missing {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert!(expected == actual, "snapshot {name} differs; run with BLESS=1 to accept.\n--- expected\n{expected}\n--- actual\n{actual}");
}
