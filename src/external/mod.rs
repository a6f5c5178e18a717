//! `check --external`: every http(s) link and image the pages write is asked for once
//! (`fetch`), working answers are remembered for a while (`cache`), and each broken address
//! becomes an error at every place that cites it. Addresses matching `[links] external_skip`
//! are never asked for. Fragments are not checked: the page is fetched, not its anchors.

mod cache;
mod fetch;

use crate::config::{Config, CONFIG_FILE};
use crate::diag::Code;
use crate::diag::{plural, Diagnostic, Diagnostics};
use crate::site::Site;
use fetch::Outcome;
use std::collections::BTreeMap;
use std::time::Duration;

/// Where the cache lives, relative to the site root (kept between CI runs by the workflow).
pub(crate) const CACHE_FILE: &str = ".backlot-cache/external-links.json";
const DEFAULT_TIMEOUT_SECS: u64 = 15;
const DEFAULT_CACHE_HOURS: u64 = 24;

/// Where a page cites an address: (source file, line, column).
type Place = (String, usize, usize);

/// Checks the site's external links, adds a diagnostic per broken citation, and returns the
/// summary note ("12 external links: 3 asked, 8 cached, 1 skipped").
pub(crate) fn check(site: &Site, config: &Config, diags: &mut Diagnostics) -> String {
    let settings = &config.site.links;
    let skip = match skip_set(&settings.external_skip, &config.root) {
        Ok(set) => set,
        Err(d) => {
            diags.push(d);
            return "external links not checked".into();
        }
    };
    let mut cited: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    for doc in &site.docs {
        for link in &doc.parsed.md.external {
            let url = link.dest.split('#').next().unwrap_or_default().to_string();
            let place = (doc.source.clone(), link.line, link.col);
            cited.entry(url).or_default().push(place);
        }
    }
    let total = cited.len();
    let skipped = cited.keys().filter(|u| skip.is_match(u.as_str())).count();
    cited.retain(|u, _| !skip.is_match(u.as_str()));

    let hours = settings.external_cache_hours.unwrap_or(DEFAULT_CACHE_HOURS);
    let mut cache = cache::Cache::load(&config.root.join(CACHE_FILE), hours * 3600);
    let ask: Vec<String> = cited
        .keys()
        .filter(|u| !cache.is_fresh(u))
        .cloned()
        .collect();
    let limits = fetch::Limits {
        timeout: Duration::from_secs(settings.external_timeout.unwrap_or(DEFAULT_TIMEOUT_SECS)),
        ..fetch::Limits::default()
    };
    let outcomes = crate::progress::stage("checking external links", || {
        fetch::check_all(&ask, &limits)
    });
    for (url, outcome) in ask.iter().zip(&outcomes) {
        match outcome {
            Outcome::Ok(_) => cache.remember(url),
            broken => report(url, broken, &cited[url], &limits, diags),
        }
    }
    if hours > 0 {
        if let Err(e) = cache.save() {
            diags.push(Diagnostic::warning(
                Code::CacheWrite,
                CACHE_FILE,
                1,
                1,
                format!("cannot write the external link cache: {e}"),
            ));
        }
    }
    format!(
        "{}: {} asked, {} cached, {} skipped",
        plural(total, "external link"),
        ask.len(),
        total - skipped - ask.len(),
        skipped
    )
}

/// One error per place citing a broken address.
fn report(
    url: &str,
    outcome: &Outcome,
    places: &[Place],
    limits: &fetch::Limits,
    diags: &mut Diagnostics,
) {
    let (what, help) = match outcome {
        Outcome::Ok(_) => return,
        Outcome::Status(code, reason) => (
            format!("answers {code} {reason}"),
            "fix the address or remove the link",
        ),
        Outcome::Timeout => (
            format!("did not answer within {} s", limits.timeout.as_secs()),
            "if the host is only slow, raise [links] external_timeout in site.toml",
        ),
        Outcome::Failed(error) => (
            format!("could not be reached: {error}"),
            "fix the address or remove the link",
        ),
    };
    for (path, line, col) in places {
        diags.push(
            Diagnostic::error(Code::ExternalLinkBroken, path, *line, *col, format!("external link `{url}` {what}"))
                .with_help(format!("{help}; a host that refuses robots can be listed in [links] external_skip in site.toml")),
        );
    }
}

/// The skip list as one matcher: globs as written, plain entries as prefixes.
fn skip_set(patterns: &[String], root: &std::path::Path) -> Result<globset::GlobSet, Diagnostic> {
    let mut set = globset::GlobSetBuilder::new();
    for p in patterns {
        let glob = if p.contains('*') {
            p.clone()
        } else {
            format!("{}*", globset::escape(p))
        };
        let parsed = globset::GlobBuilder::new(&glob)
            .literal_separator(false)
            .backslash_escape(true)
            .build()
            .map_err(|e| {
                let text = std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
                let line = text.lines().position(|l| l.contains(p.as_str())).map_or(1, |i| i + 1);
                Diagnostic::error(Code::ExternalSkipInvalid, CONFIG_FILE, line, 1, format!("[links] external_skip pattern `{p}` is not valid: {e}"))
                    .with_help("write the start of the address (https://example.com/private/), or use `*` for any characters")
            })?;
        set.add(parsed);
    }
    set.build().map_err(|e| {
        Diagnostic::error(
            Code::ExternalSkipInvalid,
            CONFIG_FILE,
            1,
            1,
            format!("[links] external_skip: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_entries_are_globs_or_prefixes() {
        let pats = [
            "https://example.com/private/".to_string(),
            "https://*.internal.test/*".to_string(),
        ];
        let set = skip_set(&pats, std::path::Path::new("/nonexistent")).unwrap();
        assert!(set.is_match("https://example.com/private/a?b=1"));
        assert!(!set.is_match("https://example.com/public/"));
        assert!(set.is_match("https://ci.internal.test/job/1"));
        assert!(!set.is_match("https://internal.test.example.org/"));
        assert!(skip_set(
            &["https://[a".to_string() + "*"],
            std::path::Path::new("/x")
        )
        .is_err());
    }
}
