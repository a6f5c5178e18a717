//! Issue 14: build time is linear in the number of distinct tags (it was quadratic: every
//! page's context carried the whole tag list). Measured as CPU time on a one-thread pool,
//! input against its double, like `pathological.rs`.

use super::harness::{page, write, SITE_TOML};
use backlot::config::Overrides;
use backlot::diag::Diagnostics;
use backlot::output::NullSink;
use std::path::Path;
use std::time::Duration;

fn thread_cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// Loads and renders the site at `root` on a one-thread pool (so all of it runs on the thread
/// measured); the best CPU time of three runs.
fn render_time(root: &Path) -> Duration {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    (0..3)
        .map(|_| {
            pool.install(|| {
                let start = thread_cpu();
                let mut diags = Diagnostics::default();
                let loaded = backlot::pipeline::load(root, &Overrides::default(), &mut diags)
                    .expect("site loads");
                let files = loaded.render(&NullSink, &mut diags);
                let spent = thread_cpu() - start;
                assert!(!diags.has_errors(), "{:?}", diags.0.first());
                assert!(files > 0);
                spent
            })
        })
        .min()
        .unwrap()
}

fn tags_list(tags: impl Iterator<Item = String>) -> String {
    let list: Vec<String> = tags.map(|t| format!("\"{t}\"")).collect();
    format!("[{}]", list.join(", "))
}

/// One page with `n` tags.
fn one_page_many_tags(root: &Path, n: usize) {
    let fm = format!(
        "---\ntitle: \"Tagged\"\ndescription: \"d\"\ntags: {}\n---\nBody.\n",
        tags_list((0..n).map(|i| format!("tag{i}")))
    );
    write(
        root,
        &[
            ("site.toml", SITE_TOML),
            ("content/_index.md", &page("Home", "Hi.\n")),
            ("content/tagged.md", &fm),
        ],
    );
}

/// `n` pages with two tags of their own each.
fn many_pages_own_tags(root: &Path, n: usize) {
    write(
        root,
        &[
            ("site.toml", SITE_TOML),
            ("content/_index.md", &page("Home", "Hi.\n")),
        ],
    );
    for i in 0..n {
        let fm = format!(
            "---\ntitle: \"P{i}\"\ndescription: \"d\"\ntags: {}\n---\nBody.\n",
            tags_list([format!("a{i}"), format!("b{i}")].into_iter())
        );
        write(root, &[(&format!("content/p{i}.md"), &fm)]);
    }
}

fn assert_linear(name: &str, make: fn(&Path, usize), small: usize) {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    make(a.path(), small);
    make(b.path(), small * 2);
    // Quadratic growth shows as ~4x every time; noise only now and then, so a ratio over the
    // bound is measured again before it counts.
    let mut ratio = f64::MAX;
    for _ in 0..3 {
        let (t1, t2) = (render_time(a.path()), render_time(b.path()));
        ratio = t2.as_secs_f64() / t1.as_secs_f64().max(1e-4);
        println!(
            "{name}: {small} -> {t1:?}, {} -> {t2:?}, ratio {ratio:.2}",
            small * 2
        );
        if ratio < 2.6 {
            break;
        }
    }
    assert!(
        ratio < 2.6,
        "{name}: time ratio {ratio:.2} when the input doubles"
    );
}

#[test]
fn one_page_with_many_tags_builds_in_linear_time() {
    assert_linear("one page, n tags", one_page_many_tags, 1500);
}

#[test]
fn many_pages_with_their_own_tags_build_in_linear_time() {
    assert_linear("n pages, 2n tags", many_pages_own_tags, 400);
}

/// A theme that reads `site.tags` still gets every tag (on the pages whose template reads it).
#[test]
fn a_theme_reading_site_tags_still_gets_the_list() {
    let t = tempfile::tempdir().unwrap();
    many_pages_own_tags(t.path(), 3);
    write(
        t.path(),
        &[(
            "themes/default/templates/partials/footer-nav.html",
            "<ul id=all-tags>{% for t in site.tags %}<li>{{ t.title }}</li>{% endfor %}</ul>",
        )],
    );
    let run = super::harness::backlot(t.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = super::harness::text(&t.path().join("public"), "p1/index.html");
    for tag in ["a0", "b0", "a2", "b2"] {
        assert!(html.contains(&format!("<li>{tag}</li>")), "{tag}: {html}");
    }
}
