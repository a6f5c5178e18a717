//! Embeds the default theme (themes/default) into the binary, so any site builds without
//! copying it; rebuilt whenever a theme file changes.
use std::io::Write;
use std::path::Path;

fn main() {
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
