//! Issue 9: untrusted content, pathological input and faults; issue 14: the preview server
//! against hostile clients (see docs/testing.md).

mod harness;

mod confinement;
mod determinism;
mod escaping;
mod faults;
mod http;
mod output_root;
mod owners;
mod pathological;
mod props;
mod raw_html;
mod tags;
mod templates;
mod terminal;
