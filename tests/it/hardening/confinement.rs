//! Nothing outside the site root is read (symlinks, theme names, template includes) and
//! nothing outside the output folder is written; no environment variable or absolute build
//! path reaches the output.

use super::harness::{backlot, backlot_env, fixture, page, tree, write, SITE_TOML};
use std::os::unix::fs::symlink;
use std::path::Path;

const SECRET: &str = "TOP-SECRET-CONTENT-5f2c";

/// A small valid site at `root`, and a folder beside it full of secrets.
fn site_with_outside(t: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let root = t.join("site");
    let outside = t.join("outside");
    write(
        &root,
        &[
            ("site.toml", SITE_TOML),
            ("content/_index.md", &page("Home", "Hi.\n")),
        ],
    );
    let secret_page = page("Secret", SECRET);
    write(
        &outside,
        &[
            ("secret.md", &secret_page),
            ("secret.txt", SECRET),
            ("secret.toml", &format!("k = \"{SECRET}\"\n")),
            ("content/_index.md", &secret_page),
        ],
    );
    (root, outside)
}

fn assert_no_secret(dir: &Path) {
    for (path, bytes) in tree(dir) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET),
            "{path} leaks the secret"
        );
    }
}

#[test]
fn symlinks_leaving_the_root_are_errors() {
    for (link, target) in [
        ("content/leak.md", "secret.md"),
        ("content/img/leak.txt", "secret.txt"),
        ("static/leak.txt", "secret.txt"),
        ("data/leak.toml", "secret.toml"),
    ] {
        let t = tempfile::tempdir().unwrap();
        let (root, outside) = site_with_outside(t.path());
        std::fs::create_dir_all(root.join(link).parent().unwrap()).unwrap();
        symlink(outside.join(target), root.join(link)).unwrap();
        for cmd in ["build", "check"] {
            let run = backlot(&root, &[cmd]);
            assert_eq!(run.code, 1, "{link}: {}", run.stderr);
            assert!(
                run.stderr.contains(&format!(
                    "{link}:1:1: error: symlink points outside the site root"
                )),
                "{link}: {}",
                run.stderr
            );
        }
        assert!(!root.join("public").exists());
        assert!(!run_stderr_leaks(&root));
    }
}

fn run_stderr_leaks(root: &Path) -> bool {
    backlot(root, &["check"]).stderr.contains(SECRET)
}

#[test]
fn a_symlinked_source_folder_or_hidden_target_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let (root, outside) = site_with_outside(t.path());
    std::fs::remove_dir_all(root.join("content")).unwrap();
    symlink(outside.join("content"), root.join("content")).unwrap();
    let run = backlot(&root, &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("content:1:1: error: symlink points outside the site root"),
        "{}",
        run.stderr
    );
    assert!(!root.join("public").exists());

    let t = tempfile::tempdir().unwrap();
    let (root, _) = site_with_outside(t.path());
    write(&root, &[(".env", SECRET)]);
    std::fs::create_dir_all(root.join("static")).unwrap();
    symlink(root.join(".env"), root.join("static/env.txt")).unwrap();
    let run = backlot(&root, &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("static/env.txt:1:1: error: symlink points into a hidden file"),
        "{}",
        run.stderr
    );
}

#[test]
fn theme_and_output_settings_cannot_leave_their_place() {
    let t = tempfile::tempdir().unwrap();
    let (root, _) = site_with_outside(t.path());
    for (extra, message) in [
        (
            "theme = \"../../outside\"\n",
            "theme `../../outside` is not a folder name",
        ),
        (
            "output_dir = \"../outside\"\n",
            "output_dir `../outside` is not allowed",
        ),
        (
            "output_dir = \"/tmp/x\"\n",
            "output_dir `/tmp/x` is not allowed",
        ),
        (
            "output_dir = \"content\"\n",
            "is inside the site's content/ folder",
        ),
        (
            "output_dir = \".\"\n",
            "is not allowed: it is the site root",
        ),
    ] {
        write(&root, &[("site.toml", &format!("{SITE_TOML}{extra}"))]);
        let run = backlot(&root, &["build"]);
        assert_eq!(run.code, 1, "{extra}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{extra}: {}", run.stderr);
    }
    write(&root, &[("site.toml", SITE_TOML)]);
    let before = tree(t.path());
    for out in [
        root.clone(),
        t.path().to_path_buf(),
        root.join("content"),
        root.join("static/../content/x"),
    ] {
        let run = backlot(&root, &["build", "--output", out.to_str().unwrap()]);
        assert_eq!(run.code, 1, "{}: {}", out.display(), run.stderr);
        assert!(run.stderr.contains("is not allowed"), "{}", run.stderr);
    }
    // A folder that backlot did not write is never replaced.
    write(t.path(), &[("mine/notes.txt", "precious")]);
    let run = backlot(
        &root,
        &["build", "--output", t.path().join("mine").to_str().unwrap()],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("refusing to replace"), "{}", run.stderr);
    let mut after = tree(t.path());
    after.remove("mine/notes.txt");
    assert_eq!(before, after, "a refused build changed files");
}

#[test]
fn templates_cannot_include_files_or_read_the_environment() {
    for (template, message) in [
        ("{% include \"../../outside/secret.txt\" %}", "not found"),
        ("{% include \"/etc/passwd\" %}", "not found"),
        (
            "{{ get_env(name=\"BACKLOT_TEST_SECRET\") }}",
            "get_env is disabled",
        ),
    ] {
        let t = tempfile::tempdir().unwrap();
        let (root, _) = site_with_outside(t.path());
        write(&root, &[("themes/default/templates/index.html", template)]);
        let run = backlot_env(&root, &["build"], &[("BACKLOT_TEST_SECRET", SECRET)]);
        assert_eq!(run.code, 1, "{template}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{template}: {}", run.stderr);
        assert!(!run.stderr.contains(SECRET));
        assert!(!root.join("public").exists());
    }
}

#[test]
fn no_environment_or_build_path_in_the_output() {
    let site = fixture("hardening/escaping");
    write(site.path(), &[("static/robots-extra.txt", "static file\n")]);
    let secret = "sk_live_9f8e7d6c5b4a-backlot-leak-test";
    let run = backlot_env(
        site.path(),
        &["build"],
        &[
            ("BACKLOT_TEST_SECRET", secret),
            ("GITHUB_TOKEN", secret),
            ("AWS_SECRET_ACCESS_KEY", secret),
        ],
    );
    run.ok();
    let abs = site.path().to_string_lossy().into_owned();
    let canon = site
        .path()
        .canonicalize()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let cwd = std::env::current_dir()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let out = tree(&site.path().join("public"));
    assert!(out.len() > 10);
    for (path, bytes) in &out {
        let text = String::from_utf8_lossy(bytes);
        for needle in [
            secret,
            abs.as_str(),
            canon.as_str(),
            cwd.as_str(),
            env!("CARGO_MANIFEST_DIR"),
        ] {
            assert!(!text.contains(needle), "{path} contains {needle}");
        }
        assert!(
            !text.contains(&format!("{home}/")),
            "{path} contains the home folder"
        );
    }
    assert_no_secret(&site.path().join("public"));
    // Nothing but public/ was written: no staging folder or other file left in the site.
    let names: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(
        names,
        ["content", "data", "public", "site.toml", "static", "themes"]
    );
}
