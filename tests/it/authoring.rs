//! Authoring features: math rendered to MathML at build time, includes from source files,
//! mermaid diagrams, image sizes and weight, and dated facts cited from data.

use crate::harness::*;

#[test]
fn math_renders_to_mathml_as_github_writes_it() {
    let f = fixture("math", "site");
    let run = f.build_ok(&[]);
    let html = f.read("formulas/index.html");
    let main = main_element(&html);
    assert!(
        main.contains("The mean is <math display=\"inline\"><semantics>"),
        "{main}"
    );
    assert!(
        main.contains("<annotation encoding=\"application/x-tex\">\\int_0^1 x\\,dx</annotation>"),
        "the backslash survives: {main}"
    );
    assert_eq!(
        main.matches("<math display=\"block\">").count(),
        2,
        "$$ and ```math"
    );
    assert!(
        !main.contains("class=\"code-block\""),
        "a math fence is no code block"
    );
    assert!(
        main.contains("it costs $5 or $ 10 and $x$ stays too."),
        "dollars that GitHub leaves as text stay text: {main}"
    );
    assert!(
        main.contains("Broken: <code class=\"math-error\">\\frac{1}{2} \\notacommand</code> here."),
        "{main}"
    );
    assert!(!main.contains("<script"), "no script needed");
    assert!(
        run.stderr.contains(
            "content/formulas.md:16:9: warning: invalid TeX math: unknown primitive command"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("invalid TeX").count(),
        1,
        "{}",
        run.stderr
    );
    let check = f.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(check
        .stderr
        .contains("content/formulas.md:16:9: error: invalid TeX math"));
}

#[test]
fn includes_fill_code_blocks_from_files() {
    let f = fixture("includes", "site");
    let run = f.build_ok(&[]);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let html = f.read("guide/usage/index.html");
    let main = main_element(&html);
    assert!(
        !main.contains("filled from examples"),
        "the placeholder is replaced"
    );
    let blocks: Vec<&str> = main
        .split("<figure class=\"code-block\">")
        .skip(1)
        .collect();
    assert_eq!(blocks.len(), 3, "{main}");
    assert!(
        blocks[0].contains("<span class=\"line\">body "),
        "region, dedented: {}",
        blocks[0]
    );
    assert!(!blocks[0].contains("ANCHOR") && !blocks[0].contains("return"));
    assert!(
        blocks[1].contains("data-lang=\"python\"") && blocks[1].contains(">import</span> json"),
        "whole file, language from the extension: {}",
        blocks[1]
    );
    assert!(!blocks[1].contains("ANCHOR"), "markers are left out");
    assert!(blocks[2]
        .contains("<span class=\"line\">second</span>\n<span class=\"line\">third</span></code>"));
}

#[test]
fn broken_includes_are_errors_with_lines_and_cannot_escape() {
    let f = fixture("includes", "broken");
    let outside = f.root.parent().unwrap().join("outside.txt");
    std::fs::write(&outside, "secret\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, f.root.join("examples/link.txt")).unwrap();
    let run = f.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for want in [
        "content/broken.md:6:1: error: included file `../examples/missing.py` does not exist",
        "content/broken.md:9:1: error: region `nope` is not marked in `../examples/app.py`",
        "content/broken.md:12:1: error: included file `../../outside.txt` is outside the repository",
        "content/broken.md:15:1: error: lines=\"2-9\" is past the end of `../examples/notes.txt` (3 lines)",
    ] {
        assert!(run.stderr.contains(want), "{want}\n{}", run.stderr);
    }
    #[cfg(unix)]
    assert!(run.stderr.contains(
        "content/broken.md:18:1: error: included file `../examples/link.txt` is outside the repository"
    ));
    assert!(!f.exists("broken/index.html"));
}

#[test]
fn an_included_file_change_rebuilds_the_page_in_serve() {
    use backlot::config::Overrides;
    use backlot::serve::incremental::Engine;
    use backlot::serve::watcher::{Plan, Scope};
    let f = fixture("includes", "site");
    let mut engine = Engine::new(&f.root, Overrides::default());
    assert!(!engine.rebuild(&Plan::full()).failed());
    let mut scope = Scope::new(&f.root, "default", &f.public(), "content");
    scope.included = engine.includes();
    assert_eq!(
        scope.included["examples/app.py"].iter().collect::<Vec<_>>(),
        ["content/guide/usage.md"]
    );
    std::fs::write(
        f.root.join("examples/app.py"),
        "# ANCHOR: parse\nchanged = True\n# ANCHOR_END: parse\n",
    )
    .unwrap();
    let event = notify::Event::new(notify::EventKind::Modify(notify::event::ModifyKind::Any))
        .add_path(f.root.join("examples/app.py"));
    let mut plan = Plan::default();
    scope.absorb(&mut plan, Ok(event));
    assert!(plan.content.contains("content/guide/usage.md"), "{plan:?}");
    let outcome = engine.rebuild(&plan);
    assert!(!outcome.failed(), "{:?}", outcome.diags);
    let page = engine.snapshot().merged()["guide/usage/index.html"].clone();
    let page = String::from_utf8_lossy(&page);
    assert!(
        page.contains(">changed</span>") || page.contains("changed <"),
        "{page}"
    );
}

#[test]
fn mermaid_blocks_load_the_shipped_renderer_only_where_used() {
    let f = fixture("mermaid", "site");
    let run = f.build_ok(&[]);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let flow = f.read("flow/index.html");
    assert!(
        main_element(&flow).contains(
            "<pre class=\"mermaid\">flowchart LR\n  A[Browser] --&gt; B{Load balancer}\n  B --&gt; C[App &lt;1&gt;]</pre>"
        ),
        "the source, escaped, is the no-JavaScript fallback: {flow}"
    );
    assert!(!flow.contains("unknown code block"), "not a code block");
    for script in ["/repo/mermaid.min.js", "/repo/mermaid-init.js"] {
        assert!(
            flow.contains(&format!("<script src=\"{script}\" defer>")),
            "{script}"
        );
    }
    assert!(!flow.contains("<script src=\"http"), "no other host");
    for page in ["plain/index.html", "index.html"] {
        assert!(
            !f.read(page).contains("mermaid.min.js"),
            "{page} has no diagram"
        );
    }
    assert!(f.exists("mermaid.min.js") && f.exists("mermaid-init.js"));
    let check = f.run(&["check"]);
    assert_eq!(
        check.code, 0,
        "a mermaid block is no unknown language: {}",
        check.stderr
    );
}

#[test]
fn the_diagram_renderer_is_copied_only_when_a_page_has_a_diagram() {
    use backlot::config::Overrides;
    use backlot::serve::incremental::Engine;
    use backlot::serve::watcher::Plan;
    let f = fixture("mermaid", "site");
    let flow = std::fs::read_to_string(f.root.join("content/flow.md")).unwrap();
    let without = flow.replace("```mermaid", "```text");
    std::fs::write(f.root.join("content/flow.md"), &without).unwrap();
    f.build_ok(&[]);
    assert!(!f.exists("mermaid.min.js") && !f.exists("mermaid-init.js"));
    assert!(f.exists("theme.js"), "other theme files are copied");

    // The preview: the first diagram brings the renderer, removing the last takes it away.
    let mut engine = Engine::new(&f.root, Overrides::default());
    assert!(!engine.rebuild(&Plan::full()).failed());
    let served = |e: &Engine| e.snapshot().merged().contains_key("mermaid.min.js");
    assert!(!served(&engine));
    let edit = |text: &str| {
        std::fs::write(f.root.join("content/flow.md"), text).unwrap();
        let mut plan = Plan::default();
        plan.content.insert("content/flow.md".into());
        plan
    };
    assert!(!engine.rebuild(&edit(&flow)).failed());
    assert!(served(&engine));
    assert!(engine.snapshot().merged().contains_key("mermaid-init.js"));
    assert!(!engine.rebuild(&edit(&without)).failed());
    assert!(!served(&engine));
}

#[test]
fn images_get_their_size_lazy_loading_and_a_weight_warning() {
    let f = fixture("images", "site");
    let run = f.build_ok(&[]);
    let html = f.read("guide/index.html");
    let imgs: Vec<&str> = main_element(&html)
        .match_indices("<img ")
        .map(|(i, _)| {
            let rest = &main_element(&html)[i..];
            &rest[..rest.find('>').unwrap() + 1]
        })
        .collect();
    assert_eq!(
        imgs,
        [
            "<img src=\"/repo/guide/first.png\" width=\"40\" height=\"30\" alt=\"The first picture\" />",
            "<img loading=\"lazy\" decoding=\"async\" src=\"/repo/guide/second.png\" width=\"64\" height=\"16\" alt=\"The second picture\" title=\"A title\" />",
            "<img loading=\"lazy\" decoding=\"async\" src=\"/repo/guide/heavy.png\" width=\"64\" height=\"64\" alt=\"A heavy picture\" />",
            "<img loading=\"lazy\" decoding=\"async\" src=\"/repo/guide/first.png\" width=\"20\" alt=\"Raw, sized by its author\">",
            "<img loading=\"lazy\" decoding=\"async\" src=\"https://example.com/x.png\" alt=\"Remote\" />",
        ]
    );
    assert!(
        run.stderr.contains("content/guide/_index.md:12:1: warning: image `heavy.png` weighs 13 KB, more than the 4 KB set in site.toml"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("weighs").count(), 1, "{}", run.stderr);
    assert_eq!(f.run(&["check"]).code, 1, "the weight warning fails check");
}

/// A `w` x `h` gradient, so a resize has real work to do.
fn picture(w: u32, h: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 128])
    })
}

#[test]
fn large_images_get_responsive_variants_from_the_widths_in_site_toml() {
    let f = fixture("images", "site");
    let toml = std::fs::read_to_string(f.root.join("site.toml"))
        .unwrap()
        .replace("max_kb = 4", "max_kb = 400\nwidths = [100, 32, 100, 500]");
    f.write("site.toml", &toml);
    picture(200, 120)
        .save(f.root.join("content/guide/wide.png"))
        .unwrap();
    picture(160, 90)
        .save(f.root.join("content/guide/photo.jpg"))
        .unwrap();
    f.write("content/guide/more.md", "---\ntitle: More\ndescription: Wide ones.\n---\n\n![Wide](wide.png)\n\n![A photo](photo.jpg)\n\n![Small](first.png)\n");
    f.build_ok(&[]);
    let html = f.read("guide/more/index.html");
    let main = main_element(&html);
    assert!(main.contains("<img src=\"/repo/guide/wide.png\" width=\"200\" height=\"120\" srcset=\"/repo/guide/wide-32w.png 32w, /repo/guide/wide-100w.png 100w, /repo/guide/wide.png 200w\" sizes=\"(max-width: 200px) 100vw, 200px\" alt=\"Wide\" />"), "{main}");
    assert!(main.contains("<img loading=\"lazy\" decoding=\"async\" src=\"/repo/guide/photo.jpg\" width=\"160\" height=\"90\" srcset=\"/repo/guide/photo-32w.jpg 32w, /repo/guide/photo-100w.jpg 100w, /repo/guide/photo.jpg 160w\""), "{main}");
    assert!(
        main.contains("srcset=\"/repo/guide/first-32w.png 32w, /repo/guide/first.png 40w\""),
        "{main}"
    );
    let size = |p: &str| image::image_dimensions(f.public().join(p)).unwrap();
    assert_eq!(size("guide/wide-32w.png"), (32, 19));
    assert_eq!(size("guide/wide-100w.png"), (100, 60));
    assert_eq!(size("guide/photo-100w.jpg"), (100, 56));
    assert_eq!(
        image::ImageFormat::from_path("x.jpg").unwrap(),
        image::guess_format(&std::fs::read(f.public().join("guide/photo-100w.jpg")).unwrap())
            .unwrap()
    );
    assert!(
        !f.exists("guide/wide-500w.png"),
        "no variant wider than the image"
    );

    // The same bytes from a fresh resize (cache emptied) and from one thread.
    let first = f.tree();
    std::fs::remove_dir_all(f.root.join(".backlot-cache/images")).unwrap();
    f.build_one_thread();
    assert_eq!(
        first,
        f.tree(),
        "variants are byte-identical build after build"
    );

    // A rebuild takes the variants from the cache instead of resizing again.
    let cached: Vec<_> = std::fs::read_dir(f.root.join(".backlot-cache/images"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(cached.len(), 7, "{cached:?}");
    for path in &cached {
        std::fs::write(path, b"from the cache").unwrap();
    }
    f.build_ok(&[]);
    assert_eq!(f.read("guide/wide-100w.png"), "from the cache");
}

#[test]
fn cited_versions_are_checked_against_the_data_file() {
    let f = fixture("facts", "broken");
    let run = f.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for want in [
        "content/runtimes.md:6:13: warning: the page shows `21` for Node.js 22, but data/versions.toml has `22`",
        "content/runtimes.md:8:10: error: unknown product `nodejs` (not in data/versions.toml)",
        "help: did you mean `node`?",
        "content/runtimes.md:9:6: error: unknown release `8` of `node` (not in data/versions.toml)",
        "help: known releases: 20, 22, lts",
        "content/runtimes.md:12:1: warning: a citation at the start of a line is read as an HTML block",
        "content/runtimes.md:14:7: warning: citation is not closed",
    ] {
        assert!(run.stderr.contains(want), "{want}\n{}", run.stderr);
    }
}

#[test]
fn check_reports_a_cited_release_past_its_end_of_support() {
    let f = fixture("facts", "site");
    let run = f.build_ok(&[]);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let html = f.read("runtimes/index.html");
    assert!(
        main_element(&html).contains("<p>Use Node.js 22 or later;\nNode.js 20 still works.</p>"),
        "the page shows the text GitHub shows, comments removed: {html}"
    );
    let check_on = |day: &str| {
        backlot()
            .args(["check", "--root"])
            .arg(&f.root)
            .env("BACKLOT_TODAY", day)
            .output()
            .unwrap()
    };
    let before = check_on("2026-04-30");
    assert!(
        before.status.success(),
        "{}",
        String::from_utf8_lossy(&before.stderr)
    );
    let after = check_on("2026-05-01");
    let stderr = String::from_utf8_lossy(&after.stderr);
    assert_eq!(after.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "content/runtimes.md:7:9: error: Node.js 20 reached its end of support on 2026-04-30"
        ),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("end of support").count(),
        1,
        "only the 20 line: {stderr}"
    );
}
