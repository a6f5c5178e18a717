//! The sidebar: the section tree as a page's sidebar shows it, as HTML (`sidebar`) and as data
//! (`nav`) for themes with markup of their own.

use super::views::NavItem;
use super::Renderer;
use crate::highlight::escape_html;
use crate::site::{Kind, Site};

/// Sites larger than this list only the current branch's pages in the sidebar.
const FULL_NAV_LIMIT: usize = 1000;

/// At most this many pages of one section in the sidebar (see `nav_children`).
const NAV_MAX_PAGES: usize = 30;

/// The section tree as the sidebar walks it, built once per build: for each document, its
/// child sections and child pages apart, each as (position among the children, index).
/// Every page's sidebar used to visit every document, 10,000 x 10,000 at 10,000 pages.
pub(crate) struct NavIndex {
    sections: Vec<Vec<(usize, usize)>>,
    pages: Vec<Vec<(usize, usize)>>,
    /// Each page's place in its parent's `pages`, so the sidebar finds the window around the
    /// current page without searching: the search was linear in the section's size on each
    /// of its pages, quadratic in a large section.
    slot: Vec<usize>,
}

impl NavIndex {
    pub(crate) fn new(site: &Site) -> NavIndex {
        let (mut sections, mut pages) = (Vec::new(), Vec::new());
        let mut slot = vec![0; site.docs.len()];
        for d in &site.docs {
            let (s, p): (Vec<_>, Vec<_>) = d
                .children
                .iter()
                .copied()
                .enumerate()
                .partition(|&(_, c)| site.docs[c].kind == Kind::Section);
            for (at, &(_, page)) in p.iter().enumerate() {
                slot[page] = at;
            }
            sections.push(s);
            pages.push(p);
        }
        NavIndex {
            sections,
            pages,
            slot,
        }
    }

    fn has_children(&self, doc: usize) -> bool {
        !self.sections[doc].is_empty() || !self.pages[doc].is_empty()
    }
}

/// What one page's sidebar shows: the tree below the home page, the current page's branch open.
struct NavView<'i> {
    index: &'i NavIndex,
    current: usize,
    /// The current document and its ancestors.
    branch: Vec<usize>,
    /// Small sites list every section's pages (see `FULL_NAV_LIMIT`).
    full: bool,
}

impl NavView<'_> {
    /// A section's entries in the sidebar, in the section's order: its subsections, and its
    /// pages when the section is on the current branch (or the site is small); and whether the
    /// pages were windowed. A section with more than NAV_MAX_PAGES pages lists the
    /// NAV_MAX_PAGES around the current page, then a link to the section's own page, which
    /// lists them all: without that window the sidebar of a 500-page section is 500 links on
    /// each of its 500 pages, quadratic in output and time (126 KB of sidebar per page at
    /// 10,000 pages).
    /// On large sites a section off the current branch lists nothing (its link leads to its
    /// page, which lists its children), so a page's sidebar holds the top-level sections and
    /// the current branch, not every section of the site: the HTML of a page stays the same
    /// size whatever the number of sections (it grew by ~100 bytes per section before).
    fn children(&self, section: usize) -> (Vec<usize>, bool) {
        let index = self.index;
        let on_branch = self.full || self.branch.contains(&section);
        if !on_branch {
            return (Vec::new(), false);
        }
        let pages: &[(usize, usize)] = &index.pages[section];
        let windowed = pages.len() > NAV_MAX_PAGES;
        let pages = if windowed {
            let at = index.slot[self.current];
            let at = if pages.get(at).is_some_and(|p| p.1 == self.current) {
                at
            } else {
                0
            };
            let first = at
                .saturating_sub(NAV_MAX_PAGES / 2)
                .min(pages.len() - NAV_MAX_PAGES);
            &pages[first..first + NAV_MAX_PAGES]
        } else {
            pages
        };
        // Back into the section's own order (pages and subsections interleave by weight).
        let mut entries: Vec<(usize, usize)> = index.sections[section]
            .iter()
            .chain(pages)
            .copied()
            .collect();
        entries.sort_unstable();
        (entries.into_iter().map(|e| e.1).collect(), windowed)
    }
}

/// The sidebar's markup. Written here rather than by a recursive template macro, which cost
/// more than the rest of a page's template (a theme can still build its own from `nav`).
fn sidebar_html(r: &Renderer, view: &NavView) -> String {
    let mut out = String::with_capacity(8192);
    sidebar_list(r, view, r.site.home, view.children(r.site.home), &mut out);
    out
}

fn sidebar_list(
    r: &Renderer,
    view: &NavView,
    section: usize,
    (children, windowed): (Vec<usize>, bool),
    out: &mut String,
) {
    let t = r.strings();
    let link = |out: &mut String, i: usize, title: &str, current: bool| {
        let current = if current {
            " aria-current=\"page\""
        } else {
            ""
        };
        let url = escape_html(&r.url(i));
        *out += &format!("<a href=\"{url}\"{current}>{title}</a>");
    };
    out.push_str("<ul>\n");
    for c in children {
        let title = &escape_html(r.site.docs[c].title());
        if r.site.docs[c].kind != Kind::Section {
            out.push_str("<li>");
            link(out, c, title, c == view.current);
            out.push_str("</li>\n");
            continue;
        }
        let open = if view.branch.contains(&c) {
            " open"
        } else {
            ""
        };
        *out += &format!("<li class=\"nav-section{open}\">");
        link(out, c, title, c == view.current);
        let inner = view.children(c);
        let pages_in = crate::i18n::fill(
            &escape_html(crate::i18n::text(t, "pages_in")),
            &[("title", title)],
        );
        if !inner.0.is_empty() {
            *out += &format!("<details{open}><summary><span class=\"visually-hidden\">{pages_in}</span></summary>");
            sidebar_list(r, view, c, inner, out);
            out.push_str("</details>");
        } else if view.index.has_children(c) {
            // Off the branch of a large site: the theme's script fills the group from the
            // section's own page when the reader opens it (without JavaScript, the link leads
            // there).
            *out += &format!("<details data-load><summary><span class=\"visually-hidden\">{pages_in}</span></summary></details>");
        }
        out.push_str("</li>\n");
    }
    if windowed {
        out.push_str("<li>");
        let all = escape_html(crate::i18n::text(t, "all_pages"));
        link(out, section, &all, false);
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
}

impl Renderer<'_> {
    /// The values a template may read besides `site` and `page`, each built only if the
    /// template mentions it (`Theme::uses`): `sidebar`, the sidebar's HTML; `nav`, the same tree
    /// as data for themes with markup of their own; `data`, the site's data files.
    pub(super) fn insert_shared(
        &self,
        ctx: &mut tera::Context,
        template: &str,
        index: &NavIndex,
        current: usize,
    ) {
        let uses = |var| self.theme.uses(template, var);
        let view = self.nav_view(index, current);
        if uses("sidebar") {
            ctx.insert("sidebar", &sidebar_html(self, &view));
        }
        if uses("nav") {
            ctx.insert("nav", &self.nav_items(&view, self.site.home));
        }
        if uses("data") {
            ctx.insert("data", self.data);
        }
    }

    /// The sidebar of the document `current`.
    fn nav_view<'i>(&self, index: &'i NavIndex, current: usize) -> NavView<'i> {
        let mut branch = Vec::new();
        let mut at = Some(current);
        while let Some(i) = at {
            branch.push(i);
            at = self.site.docs[i].parent;
        }
        NavView {
            index,
            current,
            branch,
            full: self.site.docs.len() <= FULL_NAV_LIMIT,
        }
    }

    /// The sidebar as data (`nav` in templates).
    fn nav_items(&self, view: &NavView, section: usize) -> Vec<NavItem<'_>> {
        let (children, windowed) = view.children(section);
        let mut items: Vec<NavItem> = children
            .into_iter()
            .map(|c| {
                let is_section = self.site.docs[c].kind == Kind::Section;
                NavItem {
                    title: self.site.docs[c].title(),
                    url: self.url(c).into_owned(),
                    current: c == view.current,
                    open: view.branch.contains(&c),
                    is_section,
                    children: if is_section {
                        self.nav_items(view, c)
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect();
        if windowed {
            items.push(NavItem {
                title: crate::i18n::text(self.strings(), "all_pages"),
                url: self.url(section).into_owned(),
                current: false,
                open: false,
                is_section: false,
                children: Vec::new(),
            });
        }
        items
    }
}
