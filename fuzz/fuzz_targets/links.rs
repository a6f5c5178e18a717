//! Link resolution arithmetic: splitting, joining, decoding; a joined path never climbs.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let (base, dest) = input;
    let (path, _frag) = backlot::links::split_dest(dest);
    let decoded = backlot::links::percent_decode(path);
    if let Ok(joined) = backlot::links::join(base, &decoded) {
        if !base.split('/').any(|s| s == "..") {
            assert!(!joined.split('/').any(|s| s == ".."), "{base:?} + {decoded:?} = {joined:?}");
        }
    }
    let _ = backlot::markdown::sanitize::dangerous_url(dest);
    let _ = backlot::slug::path_segment(dest);
});
