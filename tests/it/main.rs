//! The integration test binary: fixture sites under tests/fixtures/<feature>/<case>/ are copied
//! to a temporary folder, built with the real `backlot` binary, and their output asserted on.

mod harness;

mod adopt;
mod authoring;
mod build;
mod cli_docs;
mod code;
mod conformance;
mod crawl;
mod errors;
mod hardening;
mod links;
mod lint;
mod modules;
mod perf;
mod publish;
mod serve;
mod theme;
mod variants;
