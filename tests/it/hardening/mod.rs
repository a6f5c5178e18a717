//! Issue 9: untrusted content, pathological input and faults; issue 14: the preview server
//! against hostile clients (see docs/testing.md).

mod harness;

mod confinement;
mod determinism;
mod escaping;
mod faults;
mod http;
mod pathological;
mod props;
mod raw_html;
