//! The same sources give byte-identical output on any machine: a fresh clone (every file time
//! new, files created in another order, another folder) and an old checkout agree; sitemap,
//! feed and tag lists are sorted with ties broken by path.

use super::harness::{backlot, copy_dir, fixtures, page, text, tree, write, SITE_TOML};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Sets every file's modification time under `dir` to `when`.
fn touch_all(dir: &Path, when: SystemTime) {
    for e in walkdir::WalkDir::new(dir).into_iter().map(Result::unwrap) {
        if e.file_type().is_file() {
            let f = std::fs::File::options().write(true).open(e.path()).unwrap();
            f.set_modified(when).unwrap();
        }
    }
}

/// Copies `from` to `to` creating files in reverse order, so directory listings differ.
fn copy_reversed(from: &Path, to: &Path) {
    let mut entries: Vec<_> = walkdir::WalkDir::new(from)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    entries.reverse();
    for e in entries {
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_file() {
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A site with ties everywhere: same dates, same titles, same tags.
fn tied_site(root: &Path) {
    let dated = |t: &str, date: &str, tags: &str| {
        format!("---\ntitle: \"{t}\"\ndescription: \"D.\"\ndate: {date}\ntags: [{tags}]\n---\nBody of {t}.\n")
    };
    write(
        root,
        &[
            ("site.toml", SITE_TOML),
            ("content/_index.md", &page("Home", "Home.\n")),
            ("content/b/_index.md", &page("B", "")),
            ("content/a/_index.md", &page("A", "")),
            ("content/b/same.md", &dated("Same", "2024-05-01", "x, Y")),
            ("content/a/same.md", &dated("Same", "2024-05-01", "Y, x")),
            ("content/a/zed.md", &dated("Zed", "2024-05-01", "x")),
            ("content/a/old.md", &dated("Old", "2020-01-01", "y")),
            ("content/b/alpha.md", &dated("Alpha", "2024-06-01", "z")),
        ],
    );
}

#[test]
fn fresh_clone_and_old_checkout_build_identically() {
    let t = tempfile::tempdir().unwrap();
    let old = t.path().join("old-checkout");
    let fresh = t.path().join("elsewhere/fresh-clone");
    copy_dir(&fixtures().join("hardening/escaping"), &old);
    copy_reversed(&old, &fresh);
    touch_all(
        &old,
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000),
    );
    touch_all(&fresh, SystemTime::now());
    backlot(&old, &["build"]).ok();
    backlot(&fresh, &["build"]).ok();
    let (a, b) = (tree(&old.join("public")), tree(&fresh.join("public")));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(
            bytes == &b[path],
            "{path} differs between the two checkouts"
        );
    }
    // And a rebuild in place gives the same bytes again.
    backlot(&old, &["build"]).ok();
    assert_eq!(tree(&old.join("public")), a);
}

#[test]
fn generated_lists_are_sorted_with_ties_broken_by_path() {
    let t = tempfile::tempdir().unwrap();
    tied_site(t.path());
    backlot(t.path(), &["build"]).ok();
    let out = t.path().join("public");
    let sitemap = text(&out, "sitemap.xml");
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap())
        .collect();
    let mut sorted = locs.clone();
    sorted.sort();
    assert_eq!(locs, sorted, "sitemap not sorted");
    let feed = text(&out, "atom.xml");
    let ids: Vec<&str> = feed
        .split("<id>")
        .skip(2)
        .map(|s| s.split('<').next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "https://example.com/docs/b/alpha/",
            "https://example.com/docs/a/same/", // same date: by path
            "https://example.com/docs/a/zed/",
            "https://example.com/docs/b/same/",
            "https://example.com/docs/a/old/",
        ]
    );
    // Tag pages list pages by title, then path; the tag index lists tags by name.
    let page = text(&out, "tags/x/index.html");
    let x = &page[page.find("<main").unwrap()..];
    let order: Vec<usize> = ["/docs/a/same/", "/docs/b/same/", "/docs/a/zed/"]
        .iter()
        .map(|u| {
            x.find(&format!("href=\"{}\"", u.replace('/', "&#x2F;")))
                .or_else(|| x.find(&format!("href=\"{u}\"")))
                .unwrap_or_else(|| panic!("{u} not on the tag page"))
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "tag page order {order:?}"
    );
    let page = text(&out, "tags/index.html");
    let tags = &page[page.find("<main").unwrap()..];
    let pos: Vec<usize> = ["tags/x/", "tags/y/", "tags/z/"]
        .iter()
        .map(|n| tags.find(n).unwrap())
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "tag index order");
}
