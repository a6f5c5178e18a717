//! Handing memory the build has freed back to the system between stages (issue 17).
//!
//! Parsing 100,000 pages allocates and frees several gigabytes of temporaries (each page's
//! HTML, body and text before they are packed) between the small pieces a build keeps, so
//! glibc's heap ends up holding many free pages it never returns: at 100,000 pages the
//! resident size after loading was a few hundred megabytes above what was live.
//! `malloc_trim` returns every whole free page inside the heap (not only its top), which is
//! what the peak memory target needs; other allocators and systems have nothing to do here.
//! The `backlot` binary allocates with mimalloc, which returns freed segments on its own, and
//! replaces malloc for the C libraries too, so there the trim finds nothing to do; it stays for
//! the library's users, who may keep the system allocator.

/// Returns the heap's free pages to the system (glibc only; a no-op elsewhere).
pub(crate) fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases memory that no allocation holds; it takes the
    // allocator's own locks, so it is safe while other threads allocate.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The process's resident size in KB (Linux), for `BACKLOT_TIMINGS`.
pub(crate) fn resident_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `give_back`, printing the resident size before and after when timings are on.
pub(crate) fn give_back_after(stage: &str) {
    let timings = crate::profile::get().timings;
    let before = timings.then(resident_kb).flatten();
    give_back();
    if let (Some(before), Some(after)) = (before, timings.then(resident_kb).flatten()) {
        let (before, after) = (before / 1024, after / 1024);
        eprintln!("memory: after {stage}: resident {before} MB, {after} MB once trimmed");
    }
}

/// Prints the resident size when timings are on (no trim).
pub(crate) fn note(stage: &str) {
    if crate::profile::get().timings {
        if let Some(kb) = resident_kb() {
            eprintln!("memory: {stage}: resident {} MB", kb / 1024);
        }
    }
}
