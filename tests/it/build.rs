//! The build pipeline on good input: pages, sections, Markdown features, links, URLs, outputs,
//! base path, themes, drafts, determinism.

use crate::harness::*;

#[test]
fn markdown_features_render() {
    let f = fixture("build", "basic");
    f.build_ok(&[]);
    let page = f.read("guide/markdown/index.html");
    let main = main_element(&page);
    snapshot("build-basic-markdown", main);
    assert!(main.contains("<del>struck</del>"));
    assert!(main.contains("<table>") && main.contains("style=\"text-align: right\""));
    assert!(main.contains("type=\"checkbox\""));
    for kind in ["note", "tip", "important", "warning", "caution"] {
        assert!(main.contains(&format!("callout callout-{kind}")), "{kind}");
    }
    for id in [
        "tables",
        "repeated",
        "details",
        "repeated-1",
        "details-1",
        "my-id",
    ] {
        assert!(main.contains(&format!("id=\"{id}\"")), "heading id {id}");
    }
    assert!(main.contains("footnote-definition"));
    assert!(main.contains("min read"));
    assert!(
        main.contains("href=\"#callouts\""),
        "table of contents links to headings"
    );
}

#[test]
fn links_resolve_to_site_urls() {
    let f = fixture("build", "basic");
    f.build_ok(&[]);
    let main = f.read("guide/custom-slug/index.html");
    assert!(
        main.contains("href=\"/repo/guide/markdown/#callouts\""),
        "{main}"
    );
    assert!(main.contains("href=\"/repo/guide/\""));
    assert!(main.contains("href=\"/repo/\""));
    assert!(main.contains("src=\"/repo/guide/diagram.png\""));
    assert!(main.contains("href=\"/repo/files/example.txt\""));
    assert!(f.exists("guide/diagram.png") && f.exists("files/example.txt"));
}

#[test]
fn pretty_urls_slugs_and_aliases() {
    let f = fixture("build", "basic");
    f.build_ok(&[]);
    assert!(
        f.exists("index.html")
            && f.exists("guide/index.html")
            && f.exists("guide/markdown/index.html")
    );
    assert!(f.exists("guide/custom-slug/index.html"));
    assert!(!f.exists("guide/second/index.html"));
    let alias = f.read("old/second/index.html");
    assert!(alias.contains("url=/repo/guide/custom-slug/"), "{alias}");
}

#[test]
fn site_files_are_written() {
    let f = fixture("build", "basic");
    f.build_ok(&[]);
    let sitemap = f.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.github.io/repo/guide/markdown/</loc>"));
    assert!(sitemap.contains("<lastmod>2026-03-04</lastmod>"));
    assert!(f
        .read("robots.txt")
        .contains("Sitemap: https://example.github.io/repo/sitemap.xml"));
    let feed = f.read("atom.xml");
    assert!(feed.contains("<link href=\"https://example.github.io/repo/guide/markdown/\"/>"));
    assert!(feed.contains("<updated>2026-03-04T00:00:00Z</updated>"));
    assert!(f.exists(".nojekyll") && f.exists("404.html"));
    assert_eq!(f.read("CNAME"), "docs.example.com\n");
    let css = f.read("highlight.css");
    assert!(css.contains("prefers-color-scheme: dark"));
    let tags = f.read("tags/markdown/index.html");
    assert!(tags.contains("Markdown features") && tags.contains("Second page"));
    assert!(
        f.exists("tags/reference/index.html"),
        "tag slugs are lower case"
    );
}

/// The feed, sitemap, robots.txt and redirect pages are built-in templates: a theme file of the
/// same name replaces each, and a broken one is an error naming the template.
#[test]
fn a_theme_overrides_the_generated_files() {
    let f = fixture("build", "basic");
    let dir = "themes/default/templates";
    f.write(
        &format!("{dir}/robots.txt"),
        "User-agent: *\nDisallow: /drafts/\nSitemap: {{ sitemap_url }}\n",
    );
    f.write(
        &format!("{dir}/sitemap.xml"),
        "{% for u in urls %}{{ u.loc }} {{ u.lastmod }}\n{% endfor %}",
    );
    f.write(
        &format!("{dir}/atom.xml"),
        "{{ feed.entries | length }} {{ site.title }} {{ \"<b>\" }}\n",
    );
    f.write(&format!("{dir}/redirect.html"), "gone to {{ target }}\n");
    f.build_ok(&[]);
    assert_eq!(
        f.read("robots.txt"),
        "User-agent: *\nDisallow: /drafts/\nSitemap: https://example.github.io/repo/sitemap.xml\n"
    );
    assert!(f
        .read("sitemap.xml")
        .contains("https://example.github.io/repo/guide/markdown/ 2026-03-04\n"));
    // .xml templates escape what they print, like .html ones.
    let feed = f.read("atom.xml");
    assert!(feed.ends_with(" Fixture Site &lt;b&gt;\n"), "{feed}");
    assert_eq!(
        f.read("old/second/index.html"),
        "gone to /repo/guide/custom-slug/\n"
    );
    f.write(&format!("{dir}/atom.xml"), "{{ feed.nope.deeper }}");
    let run = f.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("atom.xml"), "{}", run.stderr);
}

#[test]
fn edit_links_and_page_metadata() {
    let f = fixture("build", "basic");
    f.build_ok(&[]);
    let page = f.read("guide/markdown/index.html");
    assert!(page.contains("https://github.com/owner/repo/edit/main/site/content/guide/markdown.md"));
    assert!(page.contains("2026-03-04"));
    assert!(page.contains("<title>Markdown features"));
    let section = f.read("guide/index.html");
    assert!(
        section.contains("href=\"/repo/guide/markdown/\""),
        "section lists its pages"
    );
}

#[test]
fn data_files_render_through_shortcodes() {
    let f = fixture("build", "basic");
    f.build_ok(&[]);
    let main = f.read("guide/data/index.html");
    assert_eq!(main.matches("<caption>Languages</caption>").count(), 2);
    assert_eq!(
        main.matches("<th scope=\"row\">Python</th>").count(),
        1,
        "the second table keeps only Go"
    );
    assert_eq!(main.matches("<th scope=\"row\">Go</th>").count(), 2);
}

#[test]
fn every_internal_url_carries_the_base_path() {
    let f = fixture("build", "basic");
    f.build_ok(&[]);
    for (path, bytes) in f.tree() {
        let text = String::from_utf8_lossy(&bytes);
        for attr in ["href=\"/", "src=\"/", "url(/", "url=/", "action=\"/"] {
            for (i, _) in text.match_indices(attr) {
                let rest = &text[i + attr.len()..];
                assert!(
                    rest.starts_with("repo/") || rest.starts_with('/'),
                    "{path}: a root-relative URL without /repo/: {}",
                    &text[i..(i + 60).min(text.len())]
                );
            }
        }
    }
}

#[test]
fn drafts_only_with_the_flag() {
    let f = fixture("build", "basic");
    f.build_ok(&[]);
    assert!(!f.exists("guide/draft/index.html"));
    f.build_ok(&["--drafts"]);
    assert!(f.exists("guide/draft/index.html"));
}

#[test]
fn deleted_pages_do_not_linger() {
    let f = fixture("build", "basic");
    f.build_ok(&[]);
    assert!(f.exists("guide/data/index.html"));
    std::fs::remove_file(f.root.join("content/guide/data.md")).unwrap();
    f.build_ok(&[]);
    assert!(!f.exists("guide/data/index.html"));
    assert!(
        !f.root.join(".public.backlot-staging").exists(),
        "no staging folder left behind"
    );
}

#[test]
fn builds_are_byte_identical() {
    let f = fixture("build", "basic");
    f.build_ok(&[]);
    let first = f.tree();
    f.build_one_thread();
    assert!(
        first == f.tree(),
        "RAYON_NUM_THREADS=1 gave different output"
    );
    let other = fixture("build", "basic");
    other.build_ok(&[]);
    assert!(
        first == other.tree(),
        "a second copy of the site gave different output"
    );
    let root = f.root.to_string_lossy().into_owned();
    for (path, bytes) in &first {
        assert!(
            !String::from_utf8_lossy(bytes).contains(&root),
            "{path} contains the absolute build path"
        );
    }
}

#[test]
fn output_and_base_url_flags() {
    let f = fixture("build", "basic");
    let out = f.root.join("elsewhere");
    let run = f.run(&[
        "build",
        "--output",
        out.to_str().unwrap(),
        "--base-url",
        "https://docs.example.org/",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = std::fs::read_to_string(out.join("guide/markdown/index.html")).unwrap();
    assert!(
        page.contains("href=\"/guide/\""),
        "base path follows --base-url"
    );
    assert!(
        run.stdout.contains("pages") && run.stdout.contains(" ms"),
        "one summary line: {}",
        run.stdout
    );
}

#[test]
fn site_theme_files_replace_the_built_in_ones() {
    let f = fixture("build", "theme-override");
    f.build_ok(&[]);
    assert!(f.read("page/index.html").contains("OVERRIDDEN A page"));
    assert!(
        f.read("index.html").contains("Hello."),
        "other templates still come from the built-in theme"
    );
}

#[test]
fn new_writes_a_page_that_check_rejects_until_described() {
    let f = fixture("build", "theme-override");
    let run = f.run(&["new", "content/stacks/go-lang.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(f.root.join("content/stacks/go-lang.md")).unwrap();
    assert!(text.contains("title: \"Go lang\""), "{text}");
    f.write(
        "content/stacks/go-lang.md",
        &text.replace("draft: true\n", ""),
    );
    let check = f.run(&["check"]);
    assert_eq!(check.code, 1);
    assert!(
        check.stderr.contains(
            "content/stacks/go-lang.md:3:1: error: the description is still the placeholder"
        ),
        "{}",
        check.stderr
    );
}

#[test]
fn usage_errors_exit_with_two() {
    let run: Run = backlot()
        .args(["build", "--no-such-flag"])
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 2);
    let help: Run = backlot().args(["build", "--help"]).output().unwrap().into();
    assert!(
        help.stdout.contains("--base-url")
            && help.stdout.contains("--drafts")
            && help.stdout.contains("--output")
    );
}

/// Pages named in a data file, linked by a shortcode as `@/path.md#id`, resolve to site URLs;
/// a missing page or anchor there fails `build` and `check` like a broken Markdown link.
#[test]
fn data_file_links_are_resolved_and_checked() {
    let f = fixture("build", "data-links");
    f.build_ok(&[]);
    let home = f.read("index.html");
    for want in [
        "<li><a href=\"/repo/guide/\">The guide</a></li>",
        "<li><a href=\"/repo/guide/install/\">Installing</a></li>",
        "<li><a href=\"/repo/guide/install/#setting-up\">Setting up</a></li>",
    ] {
        assert!(home.contains(want), "{want}\n{home}");
    }
    assert!(!home.contains("@/"), "{home}");
    f.write(
        "data/map.toml",
        "[[stops]]\nname = \"A\"\npage = \"guide/instal.md\"\n\n[[stops]]\nname = \"B\"\npage = \"guide/install.md#setup\"\n",
    );
    for cmd in ["build", "check"] {
        let run = f.run(&[cmd]);
        assert_eq!(run.code, 1, "{cmd}: {}", run.stderr);
        for want in [
            "content/_index.md:7:1: error: shortcode `link-map` has links from data `map` that lead nowhere",
            "link to a missing page `@/guide/instal.md` (looked for content/guide/instal.md) (did you mean `@/guide/install.md`?)",
            "link `@/guide/install.md#setup` points at a missing anchor `#setup` in content/guide/install.md",
        ] {
            assert!(run.stderr.contains(want), "{cmd}: {want}\n{}", run.stderr);
        }
    }
}
