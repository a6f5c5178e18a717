//! Progress on long work: a spinner naming the running stage, on stderr, shown only once a
//! stage has run for a second and only when `main` turned progress on (stderr is a terminal and
//! `CI` is not set; see `profile`). Quick builds, logs and CI output stay exactly as they were.

use indicatif::{ProgressBar, ProgressStyle};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::Duration;

/// How long a stage runs before its spinner appears.
const DELAY: Duration = Duration::from_secs(1);

/// Runs `f`; if it takes longer than `DELAY` and progress is on, a spinner shows `what`.
pub(crate) fn stage<T>(what: &str, f: impl FnOnce() -> T) -> T {
    if !crate::profile::get().progress {
        return f();
    }
    let (done, wait) = channel::<()>();
    std::thread::scope(|s| {
        s.spawn(move || spin(what, wait));
        let result = f();
        // Dropping the sender (also when `f` panics) stops the spinner.
        drop(done);
        result
    })
}

fn spin(what: &str, wait: Receiver<()>) {
    if wait.recv_timeout(DELAY) != Err(RecvTimeoutError::Timeout) {
        return;
    }
    let bar = ProgressBar::new_spinner()
        .with_message(what.to_string())
        .with_elapsed(DELAY);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    let _ = wait.recv();
    bar.finish_and_clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stage_returns_its_result_with_progress_off() {
        assert_eq!(stage("work", || 6 * 7), 42);
    }
}
