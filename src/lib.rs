//! backlot: a static documentation site generator. `pipeline` runs the stages in order; each
//! module owns one stage (see docs/design.md).

pub mod cli;
pub mod config;
pub mod copies;
pub mod data;
pub(crate) mod dates;
pub mod diag;
pub mod examples;
pub mod facts;
pub mod frontmatter;
pub mod git;
pub mod highlight;
pub mod i18n;
pub mod images;
pub mod include;
pub mod init;
pub mod links;
pub(crate) mod lint;
pub mod markdown;
pub mod new;
pub mod output;
pub mod owners;
pub mod page;
pub mod pipeline;
pub mod profile;
pub(crate) mod progress;
pub mod render;
pub mod report;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod source;
pub mod template_graph;
pub mod theme;
pub mod variants;
