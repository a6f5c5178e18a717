//! Dated facts: the versions and support dates a site talks about live in one data file,
//! `data/versions.toml`, and pages cite them inline, in a form GitHub shows as plain text:
//! `<!-- backlot:version node 22 -->22<!-- /backlot:version -->`. Every build checks that each
//! citation names a known product and release and that the text between the comments is the
//! release's `version`; `check` also reports a cited release past its `end_of_support`.
//!
//! ```toml
//! [node]
//! name = "Node.js"
//! [node.releases."22"]
//! released = "2024-04-24"
//! end_of_support = "2027-04-30"
//! ```

use crate::diag::Code;
use crate::diag::{closest, Diagnostic, Diagnostics};
use crate::markdown::Citation;
use crate::site::Site;
use serde_json::Value;

const FILE: &str = "data/versions.toml";

/// A cited release as the data file describes it.
struct Release<'d> {
    name: String,
    version: String,
    end_of_support: Option<&'d str>,
}

/// Unknown products or releases (errors) and text that disagrees with the data (warnings).
pub(crate) fn check_citations(site: &Site, data: &Value, diags: &mut Diagnostics) {
    for_each(site, data, diags, |_, _, _| None);
}

/// Citations of releases whose end of support is before `today` (YYYY-MM-DD).
pub(crate) fn check_support(site: &Site, data: &Value, today: &str, diags: &mut Diagnostics) {
    let mut quiet = Diagnostics::default();
    let mut found = Vec::new();
    for_each(site, data, &mut quiet, |source, c, r| {
        let end = r.end_of_support.filter(|end| *end < today)?;
        found.push(
            Diagnostic::warning(Code::FactEndOfSupport, source, c.line, c.col, format!("{} {} reached its end of support on {end}", r.name, r.version))
                .with_help(format!("write about a supported release (and cite it from {FILE}), or say on the page that this one is no longer supported")),
        );
        None
    });
    diags.extend(found);
}

/// Calls `each` with every citation whose release is known; reports the others.
fn for_each(
    site: &Site,
    data: &Value,
    diags: &mut Diagnostics,
    mut each: impl FnMut(&str, &Citation, &Release) -> Option<()>,
) {
    let products = data.get("versions").and_then(Value::as_object);
    for doc in &site.docs {
        for c in &doc.parsed.md.citations {
            match release(products, c) {
                Ok(r) => {
                    if c.shown.trim() != r.version {
                        diags.push(Diagnostic::warning(Code::FactMismatch, &doc.source, c.line, c.col, format!("the page shows `{}` for {} {}, but {FILE} has `{}`", c.shown.trim(), r.name, c.release, r.version))
                            .with_help("write the data's version between the comments, or correct the data file"));
                    }
                    each(&doc.source, c, &r);
                }
                Err((message, help)) => diags.push(
                    Diagnostic::error(Code::FactUnknown, &doc.source, c.line, c.col, message)
                        .with_help(help),
                ),
            }
        }
    }
}

fn release<'d>(
    products: Option<&'d serde_json::Map<String, Value>>,
    c: &Citation,
) -> Result<Release<'d>, (String, String)> {
    let Some(products) = products else {
        return Err((
            format!(
                "the page cites {} {}, but there is no {FILE}",
                c.product, c.release
            ),
            format!(
                "add {FILE} with a [{}] table (see CONTRIBUTING.md)",
                c.product
            ),
        ));
    };
    let Some(product) = products.get(&c.product) else {
        let help = closest(&c.product, products.keys().map(String::as_str)).map_or_else(
            || format!("add a [{}] table to {FILE}", c.product),
            |k| format!("did you mean `{k}`?"),
        );
        return Err((
            format!("unknown product `{}` (not in {FILE})", c.product),
            help,
        ));
    };
    let releases = product.get("releases").and_then(Value::as_object);
    let Some(entry) = releases.and_then(|r| r.get(&c.release)) else {
        let known: Vec<&str> = releases
            .iter()
            .flat_map(|r| r.keys())
            .map(String::as_str)
            .collect();
        return Err((
            format!(
                "unknown release `{}` of `{}` (not in {FILE})",
                c.release, c.product
            ),
            format!("known releases: {}", known.join(", ")),
        ));
    };
    let text = |v: &'d Value, key: &str| v.get(key).and_then(Value::as_str);
    Ok(Release {
        name: text(product, "name").unwrap_or(&c.product).to_string(),
        version: text(entry, "version").unwrap_or(&c.release).to_string(),
        end_of_support: text(entry, "end_of_support"),
    })
}

/// Today as YYYY-MM-DD (UTC), from the system clock.
pub(crate) fn today() -> String {
    crate::dates::utc_day(jiff::Timestamp::now().as_second())
}
