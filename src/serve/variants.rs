//! The site's other languages and versions in the preview (`crate::variants`): reloaded when
//! a file of theirs changes (or everything reloads), rendered again when they reloaded or when
//! the map of which page exists where changed, and written into each snapshot after the main
//! variant's files, as `build` writes them. The main variant's pages show the map (language
//! and version switchers) in their views, so a change to it re-renders them by their keys.

use super::incremental::{Bytes, Files};
use super::watcher::Plan;
use crate::config::Config;
use crate::diag::Diagnostics;
use crate::output::MemSink;
use crate::site::Site;
use crate::variants::{Map, Others, Shared};
use std::sync::Arc;

/// The other variants as the preview last loaded and rendered them.
#[derive(Default)]
pub(crate) struct Live {
    others: Others,
    map: Option<Arc<Map>>,
    files: Files,
}

impl Live {
    /// Reloads the others if `reload`, links every config to the new map, and renders the
    /// others again when they reloaded or the map changed. True when the map changed.
    pub(crate) fn refresh(
        &mut self,
        reload: bool,
        shared: &Shared,
        config: &mut Config,
        site: &Site,
        diags: &mut Diagnostics,
    ) -> bool {
        if !crate::variants::enabled(config) {
            config.variant = None;
            let had = self.map.is_some();
            self.others = Others::default();
            self.map = None;
            self.files.clear();
            return had;
        }
        if reload || self.map.is_none() {
            self.others = Others::load(config, shared, diags);
        }
        let map = self.others.link(config, site, shared.theme, diags);
        let changed = map != self.map;
        if reload || changed {
            let sink = MemSink::default();
            crate::variants::render_others(shared, &self.others, &sink, diags);
            let files = sink.files.into_inner().unwrap_or_else(|e| e.into_inner());
            self.files = files.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
        }
        self.map = map;
        changed
    }

    /// Hands the others' files to `put`, after the main variant's, as `build` writes them.
    pub(crate) fn write_into(&self, put: &dyn Fn(&str, Bytes)) {
        for (path, bytes) in &self.files {
            put(path, bytes.clone());
        }
    }
}

/// Notes a changed path (relative to the root) under one of the `watched` folders in `plan`;
/// false for any other path (hook: `serve::watcher::Scope::absorb`).
pub fn absorb(watched: &[String], rel: &str, plan: &mut Plan) -> bool {
    let under = |dir: &String| rel == dir || rel.starts_with(&format!("{dir}/"));
    match watched.iter().find(|d| under(d)) {
        Some(d) if d == "i18n" => plan.templates = true,
        Some(_) => plan.variants = true,
        None => return false,
    }
    true
}
