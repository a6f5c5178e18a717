//! JSON Schemas for site.toml and for front matter, derived (schemars) from the types that
//! parse them: `config::SiteToml` and `frontmatter::FrontMatter`. Doc comments become the
//! descriptions and serde's defaults the defaults; a table that serde closes with
//! `deny_unknown_fields` has `additionalProperties: false`, so an editor flags a misspelt key
//! exactly where `backlot build` would. Draft-07, which taplo and VS Code's YAML extension read.

use schemars::{generate::SchemaSettings, JsonSchema};
use serde_json::Value;

/// Which schema: `backlot schema site` or `backlot schema front-matter`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    /// site.toml
    Site,
    /// A page's front matter (YAML `---` or TOML `+++`)
    FrontMatter,
}

impl Which {
    /// The file name the schema is published under, in the reference site's schema/ folder.
    pub(crate) fn file_name(self) -> &'static str {
        match self {
            Which::Site => "site.json",
            Which::FrontMatter => "front-matter.json",
        }
    }

    pub fn schema(self) -> Value {
        match self {
            Which::Site => generate::<crate::config::SiteToml>(
                "backlot site.toml",
                "The configuration of a backlot site: site.toml in the site's root folder.",
            ),
            Which::FrontMatter => generate::<crate::frontmatter::FrontMatter>(
                "backlot front matter",
                "The fields of a page's front matter (YAML between `---` lines or TOML between `+++` lines).",
            ),
        }
    }

    /// The schema as published: pretty JSON ending in a newline.
    pub fn text(self) -> String {
        let mut s = serde_json::to_string_pretty(&self.schema()).expect("a schema is JSON");
        s.push('\n');
        s
    }
}

fn generate<T: JsonSchema>(title: &str, description: &str) -> Value {
    let schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>();
    let mut value = schema.to_value();
    if let Some(obj) = value.as_object_mut() {
        obj.insert("title".into(), title.into());
        obj.insert("description".into(), description.into());
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key of both schemas, with its path, for the checks below.
    fn properties<'a>(
        root: &'a Value,
        at: &'a Value,
        path: &str,
        out: &mut Vec<(String, &'a Value)>,
    ) {
        for (key, prop) in at
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let full = format!("{path}.{key}");
            out.push((full.clone(), prop));
            let target = prop
                .get("$ref")
                .or_else(|| prop.pointer("/allOf/0/$ref"))
                .or_else(|| prop.pointer("/anyOf/0/$ref"))
                .or_else(|| prop.pointer("/items/$ref"))
                .and_then(Value::as_str)
                .and_then(|r| root.pointer(&format!("/definitions/{}", r.rsplit('/').next()?)));
            if let Some(t) = target {
                properties(root, t, &full, out);
            }
        }
    }

    /// A new setting or field reaches the reference with its meaning: its doc comment.
    #[test]
    fn every_key_has_a_description() {
        for which in [Which::Site, Which::FrontMatter] {
            let schema = which.schema();
            let mut all = Vec::new();
            properties(&schema, &schema, "", &mut all);
            assert!(all.len() > 10, "{which:?}: {} keys", all.len());
            for (path, prop) in all {
                let described = prop.get("description").and_then(Value::as_str);
                assert!(
                    described.is_some_and(|d| !d.trim().is_empty()),
                    "{which:?} key `{path}` has no doc comment"
                );
            }
        }
    }

    /// Tables serde closes with `deny_unknown_fields` are closed in the schema too.
    #[test]
    fn site_tables_are_closed() {
        let schema = Which::Site.schema();
        assert_eq!(schema["additionalProperties"], Value::Bool(false));
        for (name, def) in schema["definitions"].as_object().unwrap() {
            if def.get("properties").is_some() {
                assert_eq!(def["additionalProperties"], Value::Bool(false), "{name}");
            }
        }
    }
}
