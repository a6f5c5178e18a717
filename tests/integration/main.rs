//! The integration test binary: builds fixture sites (`tests/fixtures/<feature>/<case>/`) in
//! temporary folders with the real `backlot` binary or the library, and asserts on the output.

mod hardening;
mod harness;
