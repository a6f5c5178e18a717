//! The copied files: the theme's static files, the site's static/ folder, the files beside the
//! pages in content/, and the images' responsive variants.

use super::Renderer;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::output::Sink;

impl<'a> Renderer<'a> {
    /// static/, content assets and the theme's static files, copied as they are.
    /// What `copy_files` copies: (output path, where from, source shown in diagnostics). Theme
    /// static files, the site's static/ folder, and the files beside the pages in content/.
    pub(crate) fn copy_list(&self) -> Vec<(String, CopyFrom<'a>, String)> {
        let mut files = Vec::new();
        let diagrams = self.site.has_diagram();
        for (name, bytes) in &self.theme.static_files {
            if !diagrams && crate::theme::DIAGRAM_FILES.contains(&name.as_str()) {
                continue;
            }
            files.push((
                name.clone(),
                CopyFrom::Bytes(bytes),
                format!("themes/{}/static/{name}", self.config.site.theme),
            ));
        }
        for f in &self.site.static_files {
            let path = f.rel.trim_start_matches("static/").to_string();
            files.push((path, CopyFrom::File(&f.abs), f.rel.clone()));
        }
        for (f, path) in &self.site.assets {
            files.push((path.clone(), CopyFrom::File(&f.abs), f.rel.clone()));
        }
        files
    }

    /// Copies the files of `copy_list`, then writes the images' responsive variants.
    pub(crate) fn copy_files(&self, sink: &dyn Sink, diags: &mut Diagnostics) -> usize {
        let mut n = crate::images::write_variants(self.site, &self.config.root, sink, diags);
        for (path, from, source) in self.copy_list() {
            let bytes = match from {
                CopyFrom::Bytes(b) => Ok(std::borrow::Cow::Borrowed(b)),
                CopyFrom::File(abs) => std::fs::read(abs).map(std::borrow::Cow::Owned),
            };
            match bytes
                .map_err(|e| e.to_string())
                .and_then(|b| sink.write(&path, &b).map_err(|e| e.to_string()))
            {
                Ok(()) => n += 1,
                Err(e) => diags.push(Diagnostic::error(
                    Code::OutputWrite,
                    source,
                    1,
                    1,
                    format!("cannot copy to {path}: {e}"),
                )),
            }
        }
        n
    }
}

/// Where a copied file's bytes come from.
pub(crate) enum CopyFrom<'a> {
    Bytes(&'a [u8]),
    File(&'a std::path::Path),
}
