//! Performance work that changes what is built: the sidebar window for large sections, code
//! blocks highlighted at render time (from markers), and output that does not depend on the
//! highlight cache or the build cache (`--cache`). Speed itself is measured by bench/run.sh,
//! never asserted here.

use crate::harness::{backlot, fixture, main_element, read_tree, Fixture};

/// The fixture plus `n` pages in content/big/, weighted p01 < p02 < ...
fn large_section(n: usize) -> Fixture {
    let f = fixture("perf", "large-section");
    for k in 1..=n {
        f.write(
            &format!("content/big/p{k:02}.md"),
            &format!("---\ntitle: Page {k:02}\ndescription: Page {k} of the big section.\nweight: {k}\n---\n\nText.\n"),
        );
    }
    f
}

fn sidebar(html: &str) -> &str {
    let start = html.find("<nav class=\"sidebar\"").expect("sidebar");
    &html[start..start + html[start..].find("</nav>").unwrap()]
}

#[test]
fn sidebar_lists_a_window_of_a_large_section() {
    let f = large_section(40);
    f.build_ok(&[]);
    let page = f.read("big/p20/index.html");
    let nav = sidebar(&page);
    let listed: Vec<usize> = (1..=40)
        .filter(|k| nav.contains(&format!("href=\"/big/p{k:02}/\"")))
        .collect();
    assert_eq!(listed.len(), 30, "{listed:?}");
    assert_eq!(
        (listed[0], listed[29]),
        (5, 34),
        "centred on the current page"
    );
    assert!(nav.contains("href=\"/big/p20/\" aria-current=\"page\""));
    assert!(nav.contains("<a href=\"/big/\">All pages of this section…</a>"));
    // The first page's window starts at the top; the section page still lists every page.
    let first = f.read("big/p01/index.html");
    assert!(sidebar(&first).contains("href=\"/big/p30/\""));
    assert!(!sidebar(&first).contains("href=\"/big/p31/\""));
    let section_page = f.read("big/index.html");
    let section = main_element(&section_page).to_string();
    assert!((1..=40).all(|k| section.contains(&format!("href=\"/big/p{k:02}/\""))));
    let nav = sidebar(&section_page);
    assert_eq!(
        nav.matches("aria-current").count(),
        1,
        "only the section itself: {nav}"
    );
    assert!(nav.contains("<a href=\"/big/\">All pages of this section…</a>"));
}

#[test]
fn a_theme_can_still_build_its_sidebar_from_nav() {
    // The default theme takes the sidebar as HTML (`sidebar`); `nav` is built for templates
    // that mention it, with the same window.
    let f = large_section(40);
    f.write(
        "themes/default/templates/page.html",
        "{% for s in nav %}{% for p in s.children %}[{{ p.title }}{% if p.current %}*{% endif %}]{% endfor %}{% endfor %}",
    );
    f.build_ok(&[]);
    let html = f.read("big/p20/index.html");
    assert!(html.starts_with("[Page 05]"), "{html}");
    assert!(html.contains("[Page 20*]"));
    assert!(
        html.ends_with("[Page 34][All pages of this section…]"),
        "{html}"
    );
}

#[test]
fn small_sections_are_listed_whole() {
    let f = large_section(30);
    f.build_ok(&[]);
    let nav = f.read("big/p01/index.html");
    assert!(sidebar(&nav).contains("href=\"/big/p30/\""));
    assert!(!sidebar(&nav).contains("All pages of this section"));
}

#[test]
fn code_blocks_are_highlighted_from_markers() {
    let f = large_section(0);
    f.build_ok(&[]);
    let main = main_element(&f.read("code/index.html")).to_string();
    assert_eq!(main.matches("<figure class=\"code-block\">").count(), 4);
    assert_eq!(main.matches("class=\"tab-panel\"").count(), 2);
    let panel = &main[main.find("class=\"tab-panel\"").unwrap()..];
    assert!(panel.starts_with("class=\"tab-panel\" data-tab=\"Python\"><figure"));
    assert!(main.contains("<span class=\"code-title\">main.go</span>"));
    assert!(main.contains("<code class=\"linenos\">"));
    assert!(main.contains("<span class=\"line hl\">"));
    assert!(main.contains("class=\"hl-"), "highlighted");
    // No marker survives: they all start with "bl" and a 16-digit hash.
    let leftover = main.match_indices("bl").any(|(i, _)| {
        main[i + 2..]
            .chars()
            .take(16)
            .all(|c| c.is_ascii_hexdigit())
    });
    assert!(!leftover, "{main}");
}

#[test]
fn output_is_the_same_with_the_highlight_cache_off() {
    let f = large_section(3);
    f.build_ok(&[]);
    let cached = f.tree();
    let out = f.root.join("uncached");
    let run = backlot()
        .args(["build", "--root"])
        .arg(&f.root)
        .arg("--output")
        .arg(&out)
        .env("BACKLOT_NO_HIGHLIGHT_CACHE", "1")
        .output()
        .unwrap();
    assert!(run.status.success());
    assert!(cached == read_tree(&out), "outputs differ");
}

#[test]
fn a_large_site_lists_top_sections_and_the_current_branch_only() {
    // Past FULL_NAV_LIMIT documents a page's sidebar holds the top-level sections and its own
    // branch: sections elsewhere are links without their subsections or pages, so a page's
    // HTML does not grow with the number of sections.
    let f = fixture("perf", "large-section");
    for t in 0..20 {
        f.write(
            &format!("content/t{t:02}/_index.md"),
            &format!("---\ntitle: Top {t:02}\ndescription: Top.\nweight: {t}\n---\n"),
        );
        f.write(
            &format!("content/t{t:02}/sub/_index.md"),
            &format!("---\ntitle: Sub {t:02}\ndescription: Sub.\n---\n"),
        );
        for k in 0..50 {
            f.write(
                &format!("content/t{t:02}/p{k:02}.md"),
                &format!("---\ntitle: Page {t:02}-{k:02}\ndescription: Page.\n---\n\nText.\n"),
            );
        }
    }
    f.build_ok(&[]);
    let page = f.read("t05/p10/index.html");
    let nav = sidebar(&page);
    assert!(
        (0..20).all(|t| nav.contains(&format!("href=\"/t{t:02}/\""))),
        "every top-level section"
    );
    assert!(
        nav.contains("href=\"/t05/sub/\"")
            && nav.contains("href=\"/t05/p10/\" aria-current=\"page\"")
    );
    assert!(
        !nav.contains("href=\"/t06/sub/\""),
        "no subsection off the branch"
    );
    assert!(
        !nav.contains("href=\"/t06/p00/\""),
        "no page off the branch"
    );
}

/// A pack (`build --cache`) damaged three ways: a byte of its last entry flipped, cut short, and
/// with another header (the word `name` in it changed).
fn damaged(whole: &[u8], name: &str) -> [Vec<u8>; 3] {
    let mut flipped = whole.to_vec();
    let at = flipped.len() - 10;
    flipped[at] ^= 0x01;
    let other = name.to_uppercase();
    let stale = String::from_utf8_lossy(whole).replacen(name, &other, 1);
    [
        flipped,
        whole[..whole.len() - 5].to_vec(),
        stale.into_bytes(),
    ]
}

/// `build --cache DIR` and its summary note (the build's output on stdout and stderr).
fn cached_build(f: &Fixture, cache: &std::path::Path) -> String {
    cached_build_with(f, cache, &[])
}

/// `cached_build` with more arguments.
fn cached_build_with(f: &Fixture, cache: &std::path::Path, more: &[&str]) -> String {
    let mut args = vec!["--cache", cache.to_str().unwrap()];
    args.extend_from_slice(more);
    let run = f.build_ok(&args);
    format!("{}{}", run.stdout, run.stderr)
}

#[test]
fn builds_with_a_cold_warm_or_damaged_cache_write_the_same_site() {
    let f = large_section(3);
    let cache = f.root.join("build-cache");
    let pack = cache.join("highlight.pack");
    f.build_ok(&[]);
    let uncached = f.tree();
    let cold = cached_build(&f, &cache);
    assert!(cold.contains("cache: 0 of 3 code blocks reused"), "{cold}");
    assert!(f.tree() == uncached, "a cold cached build differs");
    let warm = cached_build(&f, &cache);
    assert!(warm.contains("cache: 0 of 0 code blocks reused"), "{warm}");
    assert!(warm.contains("10 of 10 rendered outputs reused"), "{warm}");
    assert!(warm.contains("6 of 6 parsed pages reused"), "{warm}");
    assert!(f.tree() == uncached, "a warm build differs");
    // Where the site is written is in no output, so `--output` keeps the cache.
    let elsewhere = f.root.join("elsewhere");
    let moved = cached_build_with(&f, &cache, &["--output", elsewhere.to_str().unwrap()]);
    assert!(
        moved.contains("10 of 10 rendered outputs reused"),
        "{moved}"
    );
    std::fs::remove_dir_all(&elsewhere).unwrap();

    // Each kind of damage is noticed, reported, and the site is the same; each run rewrites
    // a whole cache, so the damage is made again before each.
    let [flipped, truncated, stale] = damaged(&std::fs::read(&pack).unwrap(), "highlight");
    let cases: [(&str, Vec<u8>); 4] = [
        ("1 damaged entries ignored", flipped),
        ("truncated", truncated),
        ("not used", b"not a cache at all".to_vec()),
        ("not used", stale),
    ];
    for (said, bytes) in cases {
        std::fs::write(&pack, bytes).unwrap();
        // Without kept pages, every block is asked for.
        std::fs::remove_file(cache.join("pages.pack")).unwrap();
        let out = cached_build(&f, &cache);
        assert!(out.contains(said), "{said}: {out}");
        assert!(
            f.tree() == uncached,
            "a build with a damaged cache differs ({said})"
        );
    }
    std::fs::remove_file(cache.join("pages.pack")).unwrap();
    assert!(cached_build(&f, &cache).contains("cache: 3 of 3 code blocks reused"));

    // An edited block is highlighted afresh; the others are reused.
    let code = std::fs::read_to_string(f.root.join("content/code.md")).unwrap();
    f.write(
        "content/code.md",
        &code.replace("func main() {}", "func main() { run() }"),
    );
    let edited = cached_build(&f, &cache);
    assert!(
        edited.contains("cache: 2 of 3 code blocks reused, 9 of 10 rendered outputs reused"),
        "{edited}"
    );
    let warm = f.tree();
    f.build_ok(&[]);
    assert!(
        f.tree() == warm,
        "a warm build after an edit differs from a cold one"
    );
}

/// A cached build (`build --cache`) then a build without the cache: the same files.
fn assert_warm_equals_cold(f: &Fixture, cache: &std::path::Path, what: &str) -> String {
    let note = cached_build(f, cache);
    let warm = f.tree();
    f.build_ok(&[]);
    assert!(
        f.tree() == warm,
        "after {what}, a warm build differs from a cold one: {note}"
    );
    note
}

#[test]
fn warm_builds_equal_cold_ones_after_each_kind_of_edit() {
    let f = large_section(3);
    let cache = f.root.join("build-cache");
    let cold = assert_warm_equals_cold(&f, &cache, "nothing");
    assert!(cold.contains("0 of 10 rendered outputs reused"), "{cold}");
    let same = assert_warm_equals_cold(&f, &cache, "nothing");
    assert!(same.contains("10 of 10 rendered outputs reused"), "{same}");

    // A page's body: that page alone is rendered again.
    let p2 = "content/big/p02.md";
    let text = std::fs::read_to_string(f.root.join(p2)).unwrap();
    f.write(p2, &text.replace("Text.", "Other text."));
    let body = assert_warm_equals_cold(&f, &cache, "a body edit");
    assert!(body.contains("9 of 10 rendered outputs reused"), "{body}");

    // A title is in every page's sidebar (not in the sitemap, feed or robots.txt); the code
    // blocks of pages kept last time are still cached.
    f.write(p2, &text.replace("title: Page 02", "title: Second page"));
    let title = assert_warm_equals_cold(&f, &cache, "a title edit");
    assert!(
        title.contains("3 of 3 code blocks reused, 3 of 10 rendered outputs reused"),
        "{title}"
    );

    // A template: the theme's files are in every key.
    let page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/page.html"),
    )
    .unwrap();
    f.write(
        "themes/default/templates/page.html",
        &format!("{page}<!-- edited -->\n"),
    );
    let template = assert_warm_equals_cold(&f, &cache, "a template edit");
    assert!(
        template.contains("0 of 10 rendered outputs reused"),
        "{template}"
    );

    // site.toml: every page.
    let toml = std::fs::read_to_string(f.root.join("site.toml")).unwrap();
    f.write("site.toml", &toml.replace("Perf Fixture", "Perf Site"));
    let config = assert_warm_equals_cold(&f, &cache, "a site.toml edit");
    assert!(
        config.contains("0 of 10 rendered outputs reused"),
        "{config}"
    );
    assert!(f.read("big/p01/index.html").contains("Perf Site"));
}

/// Each kind of damage to the pack `name` (`damaged`) is noticed and said, the site is the
/// same as without a cache, `reused` says what was still used, and the next build finds the
/// damage gone. `without`: a pack removed before each damaged build, so that what the damaged
/// one holds is needed.
fn assert_damage_ignored(name: &str, reused: [&str; 3], all: &str, without: Option<&str>) {
    let f = large_section(3);
    let cache = f.root.join("build-cache");
    let pack = cache.join(format!("{name}.pack"));
    f.build_ok(&[]);
    let uncached = f.tree();
    cached_build(&f, &cache);
    let [flipped, truncated, stale] = damaged(&std::fs::read(&pack).unwrap(), name);
    let cases = [
        ("1 damaged entries ignored", flipped),
        ("truncated", truncated),
        ("not used", stale),
    ];
    for ((said, bytes), reused) in cases.into_iter().zip(reused) {
        std::fs::write(&pack, bytes).unwrap();
        if let Some(other) = without {
            std::fs::remove_file(cache.join(other)).unwrap();
        }
        let out = cached_build(&f, &cache);
        assert!(out.contains(said) && out.contains(reused), "{said}: {out}");
        assert!(
            f.tree() == uncached,
            "a build with a damaged {name} pack differs ({said})"
        );
        // The damage is gone from the pack the build saved.
        let out = cached_build(&f, &cache);
        assert!(out.contains(all), "{said}: {out}");
        assert!(f.tree() == uncached, "the next build differs ({said})");
    }
}

#[test]
fn a_damaged_or_stale_page_cache_is_never_trusted() {
    let reused = "9 of 10 rendered outputs reused";
    let stale = "0 of 10 rendered outputs reused";
    let all = "10 of 10 rendered outputs reused";
    assert_damage_ignored("pages", [reused, reused, stale], all, None);
}

/// Without kept outputs (`pages.pack` removed), so a wrong parse would show in the site.
#[test]
fn a_damaged_or_stale_parse_cache_is_never_trusted() {
    let reused = "5 of 6 parsed pages reused";
    let stale = "0 of 6 parsed pages reused";
    let all = "6 of 6 parsed pages reused";
    assert_damage_ignored("parsed", [reused, reused, stale], all, Some("pages.pack"));
}

/// A page's parse reads other files when it includes code or shows a local image: such a
/// page is parsed again by every build, so an added or changed file shows.
#[test]
fn pages_that_read_other_files_are_parsed_again() {
    let f = large_section(3);
    let cache = f.root.join("build-cache");
    let png = |w: u32, name: &str| {
        image::RgbImage::from_pixel(w, 10, image::Rgb([200, 100, 50]))
            .save(f.root.join(name))
            .unwrap();
    };
    png(30, "content/big/shown.png");
    f.write("content/big/app.py", "print('first')\n");
    f.write(
        "content/big/files.md",
        "---\ntitle: Files\n---\n\n![Shown](shown.png)\n\n![Later](later.png)\n\n```python include=\"app.py\"\n```\n",
    );
    // A missing image is an error; the pages parsed are kept all the same.
    let cache_arg = cache.to_str().unwrap();
    let failed = f.run(&["build", "--cache", cache_arg]);
    assert!(
        failed.stderr.contains("missing image `later.png`"),
        "{}",
        failed.stderr
    );
    png(50, "content/big/later.png");
    let warm = assert_warm_equals_cold(&f, &cache, "adding the image");
    assert!(warm.contains("6 of 7 parsed pages reused"), "{warm}");

    png(40, "content/big/shown.png");
    f.write("content/big/app.py", "print('second')\n");
    let note = assert_warm_equals_cold(&f, &cache, "editing the files a page reads");
    assert!(note.contains("6 of 7 parsed pages reused"), "{note}");
    let main = main_element(&f.read("big/files/index.html")).to_string();
    for seen in ["width=\"40\"", "width=\"50\"", "second"] {
        assert!(main.contains(seen), "{seen}: {main}");
    }
}
