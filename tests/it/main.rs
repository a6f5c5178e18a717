//! The integration test binary: fixture sites under tests/fixtures/<feature>/<case>/ are copied
//! to a temporary folder, built with the real `backlot` binary, and their output asserted on.

mod harness;

mod adopt;
mod authoring;
mod build;
mod cli_docs;
mod code;
mod conformance;
mod contracts;
mod crawl;
mod errors;
mod external;
mod hardening;
mod links;
mod lint;
mod modules;
mod perf;
mod publish;
mod reference;
mod serve;
mod theme;
mod variants;
