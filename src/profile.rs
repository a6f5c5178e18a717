//! Profiling switches for the whole process, set once by `main` from the environment
//! (`BACKLOT_TIMINGS`, `BACKLOT_NO_HIGHLIGHT_CACHE`, see docs/performance.md; `CI` and whether
//! stderr is a terminal for progress) and read by the stages. They never change the output; settings that do travel in `Config`. A module of its
//! own so every stage can time itself without depending on the pipeline that calls it.

use std::sync::OnceLock;
use std::time::Instant;

#[derive(Debug, Clone, Copy)]
pub struct Profile {
    /// Print each stage's wall time to stderr.
    pub timings: bool,
    /// Cache highlighted code blocks (off only to measure real-content cost).
    pub highlight_cache: bool,
    /// Show a spinner on stages that run long (see `progress`).
    pub progress: bool,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            timings: false,
            highlight_cache: true,
            progress: false,
        }
    }
}

impl Profile {
    /// Progress is for people watching a terminal: never in CI, never into a pipe or a file.
    pub fn progress_wanted(stderr_is_terminal: bool, ci: Option<&std::ffi::OsStr>) -> bool {
        stderr_is_terminal && ci.is_none()
    }
}

static PROFILE: OnceLock<Profile> = OnceLock::new();

/// Sets the switches; the first call wins, later ones are ignored.
pub fn install(profile: Profile) {
    let _ = PROFILE.set(profile);
}

/// The installed switches, or the defaults (library users, tests).
pub(crate) fn get() -> Profile {
    PROFILE.get().copied().unwrap_or_default()
}

/// Runs one stage; with timings on, prints its wall time to stderr.
pub(crate) fn timed<T>(stage: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let result = f();
    if get().timings {
        eprintln!("timing: {stage} {} ms", started.elapsed().as_millis());
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_only_on_a_terminal_outside_ci() {
        assert!(Profile::progress_wanted(true, None));
        assert!(!Profile::progress_wanted(false, None));
        assert!(!Profile::progress_wanted(true, Some("true".as_ref())));
        assert!(!Profile::default().progress);
    }
}
