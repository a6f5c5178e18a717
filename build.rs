//! Embeds the default theme (themes/default) into the binary, so any site builds without
//! copying it; rebuilt whenever a theme file changes. Also records what `backlot --version`
//! prints: the version, the commit it was built from (when built in a git checkout) and the target.
use std::io::Write;
use std::path::Path;
use std::process::Command;

fn main() {
    version_info();
    cache_id();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("default_theme.rs");
    let mut f = std::fs::File::create(out).unwrap();
    writeln!(f, "pub static DEFAULT_THEME: &[(&str, &[u8])] = &[").unwrap();
    for (rel, abs) in files {
        writeln!(f, "    ({rel:?}, include_bytes!({abs:?})),").unwrap();
    }
    writeln!(f, "];").unwrap();
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, path.to_string_lossy().into_owned()));
        }
    }
}

/// `BACKLOT_VERSION` = "0.1.0 (abc123def456, x86_64-unknown-linux-gnu)". The commit is re-read
/// when HEAD or the branch it points at moves; outside git it is left out.
fn version_info() {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let mut details = Vec::new();
    if let Some(commit) = git(&["rev-parse", "--short=12", "HEAD"]) {
        details.push(commit);
        let mut watched = vec!["HEAD".to_string()];
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            watched.push(branch);
        }
        watched.push("packed-refs".to_string());
        for name in watched {
            if let Some(path) = git(&["rev-parse", "--git-path", &name]) {
                if Path::new(&path).exists() {
                    println!("cargo:rerun-if-changed={path}");
                }
            }
        }
    }
    details.push(std::env::var("TARGET").unwrap_or_default());
    println!(
        "cargo:rustc-env=BACKLOT_VERSION={} ({})",
        env!("CARGO_PKG_VERSION"),
        details.join(", ")
    );
}

/// `BACKLOT_CACHE_ID`: what the build cache's packs are made by (`cache::Pack`). The version and
/// a hash of the sources the binary is built from (src/, the default theme, the manifest and
/// lock file, this script), not the commit: a CI build of the site's own repository is a new
/// commit for every content change, and would never reuse its cache if the commit named it.
fn cache_id() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for name in ["src", "themes/default"] {
        println!("cargo:rerun-if-changed={name}");
        let dir = root.join(name);
        let mut found = Vec::new();
        collect(&dir, &dir, &mut found);
        files.extend(
            found
                .into_iter()
                .map(|(rel, abs)| (format!("{name}/{rel}"), abs)),
        );
    }
    for name in ["Cargo.toml", "Cargo.lock", "build.rs"] {
        println!("cargo:rerun-if-changed={name}");
        files.push((
            name.to_string(),
            root.join(name).to_string_lossy().into_owned(),
        ));
    }
    files.sort();
    // FNV-1a, 64 bits: stable across Rust releases, unlike std's `DefaultHasher`.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (rel, abs) in &files {
        let bytes = std::fs::read(abs).unwrap_or_default();
        for b in rel.bytes().chain([0]).chain(bytes).chain([0]) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!(
        "cargo:rustc-env=BACKLOT_CACHE_ID={} {hash:016x} {}",
        env!("CARGO_PKG_VERSION"),
        std::env::var("TARGET").unwrap_or_default()
    );
}
