//! The on-disk build cache (`build --cache DIR`, `check --cache DIR`): what a run made, kept
//! for the next one, so a CI rebuild after a small edit redoes only what the edit changed.
//! `highlight.pack` (here) holds highlighted code blocks; `pages.pack` (`crate::page_cache`,
//! `build` only) holds rendered pages by the key of their whole template context, and
//! `parsed.pack` (`crate::parse_cache`, `build` only) parsed pages by their path and text.
//!
//! Why it is safe: a block's highlighted lines are a pure function of its grammar, its code, the
//! two highlight themes and the backlot build. An entry's key hashes the grammar's name and the
//! code (xxh3, 128 bits); the file's header names the backlot build (its version and a hash of
//! its sources, `BACKLOT_CACHE_ID` from build.rs), this format and the themes, and a cache with
//! any other header is ignored whole. Every entry carries a checksum of its header and bytes, checked when it is read: a damaged entry is a miss, a
//! truncated file is read up to the damage. Nothing in the cache is trusted without its checksum.
//!
//! A pack is one file: a header line, then records (key, meta, length, checksum, bytes).
//! Opening reads the record headers only (an index of ~40 bytes an entry), and an entry's
//! bytes are read when it is asked for, so the cache holds none of the site's HTML in memory.
//! Each run writes a new pack of the entries it used (reused and new) to a temporary file and
//! renames it over the old one when the run ends: entries no page uses any more drop out.

use rustc_hash::{FxHashMap, FxHashSet};
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use xxhash_rust::xxh3::Xxh3;

/// The file's first bytes; the number is this format's version.
const MAGIC: &[u8] = b"backlot-cache 1\n";
const FILE_NAME: &str = "highlight.pack";
/// key (16) + meta (4) + length (4) + checksum (8).
const RECORD_HEADER: usize = 32;

/// Where an entry's bytes are in the old pack.
#[derive(Clone, Copy)]
struct Entry {
    offset: u64,
    meta: u32,
    len: u32,
    sum: u64,
}

/// The entries this run made that the old pack lacks, as records in a temporary file (no
/// header), until `finish` appends them to the old pack or writes a new one.
struct Writer {
    file: BufWriter<tempfile::NamedTempFile>,
    written: FxHashSet<u128>,
    failed: Option<std::io::Error>,
}

/// One pack file of the cache folder: records of (key, meta, bytes), each with a checksum, read
/// from last run's file and kept for the next (`highlight.pack` here, `pages.pack` in
/// `page_cache`). `meta` is the user's (a line count, a length before compression).
pub(crate) struct Pack {
    dir: PathBuf,
    path: PathBuf,
    id: String,
    /// Read at offsets (`read_at`), from any thread at once.
    old: Option<File>,
    index: FxHashMap<u128, Entry>,
    /// Where the old pack's intact records end (a truncated tail is cut off before appending).
    good_end: u64,
    /// Old entries this run used, intact, and those found damaged.
    used: Mutex<FxHashSet<u128>>,
    damaged: Mutex<FxHashSet<u128>>,
    new: Mutex<Option<Writer>>,
    /// Problems met while opening (a stale or damaged cache), for the run's note.
    problems: Mutex<Vec<String>>,
}

/// The key of a block of `code` highlighted with the grammar named `grammar`.
pub(crate) fn key(grammar: &str, code: &str) -> u128 {
    let mut h = Xxh3::new();
    h.update(&(grammar.len() as u64).to_le_bytes());
    h.update(grammar.as_bytes());
    h.update(code.as_bytes());
    h.digest128()
}

impl Pack {
    /// Opens `dir/name` (the folder is created if missing) for a run whose outputs are named by
    /// `id` (the backlot build and whatever else every entry depends on). Never fails: a pack
    /// that cannot be used is left alone or replaced, and said so in `finish`'s problems.
    pub(crate) fn open(dir: &Path, name: &str, id: &str) -> Pack {
        let path = dir.join(name);
        let mut problems = Vec::new();
        let (old, index, good_end) = match read_index(&path, id) {
            Ok(Some((file, index, end, note))) => {
                problems.extend(note);
                (Some(file), index, end)
            }
            Ok(None) => (None, FxHashMap::default(), 0),
            Err(why) => {
                problems.push(why);
                (None, FxHashMap::default(), 0)
            }
        };
        let new = match start_pack(dir) {
            Ok(w) => Some(w),
            Err(e) => {
                problems.push(format!("cannot write to {}: {e}", dir.display()));
                None
            }
        };
        Pack {
            dir: dir.to_path_buf(),
            path,
            id: id.to_string(),
            old,
            index,
            good_end,
            used: Mutex::default(),
            damaged: Mutex::default(),
            new: Mutex::new(new),
            problems: Mutex::new(problems),
        }
    }

    /// Whether last run's pack lists `key` (its bytes are checked only when read).
    pub(crate) fn has(&self, key: u128) -> bool {
        self.index.contains_key(&key)
    }

    /// An entry's meta and bytes if the old pack holds them intact; a damaged entry is a miss.
    pub(crate) fn get(&self, key: u128) -> Option<(u32, Vec<u8>)> {
        let mut bytes = Vec::new();
        let meta = self.get_into(key, &mut bytes)?;
        Some((meta, bytes))
    }

    /// `f` of an entry's bytes if the old pack holds them intact, read into one buffer per
    /// thread: a warm build reads thousands of entries, and a fresh buffer for each was a
    /// tenth of its time, in page faults.
    pub(crate) fn with_entry<R>(&self, key: u128, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
        thread_local! {
            static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        BUF.with(|cell| match cell.try_borrow_mut() {
            Ok(mut buf) => {
                self.get_into(key, &mut buf)?;
                Some(f(&buf))
            }
            // Asked again from inside `f`: a buffer of its own.
            Err(_) => self.get(key).map(|(_, bytes)| f(&bytes)),
        })
    }

    /// `get` into `buf` (its old contents replaced), returning the meta.
    fn get_into(&self, key: u128, buf: &mut Vec<u8>) -> Option<u32> {
        let e = *self.index.get(&key)?;
        if !self.read(e, buf) {
            self.damaged.lock().unwrap().insert(key);
            return None;
        }
        Some(e.meta)
    }

    /// Keeps an entry for the next run: an intact old one is noted as used, any other is
    /// written (once per key).
    pub(crate) fn put(&self, key: u128, meta: u32, bytes: &[u8]) {
        if self.index.contains_key(&key) && !self.damaged.lock().unwrap().contains(&key) {
            self.used.lock().unwrap().insert(key);
            return;
        }
        let mut new = self.new.lock().unwrap_or_else(|e| e.into_inner());
        let Some(w) = new.as_mut() else { return };
        if w.failed.is_none() && w.written.insert(key) {
            if let Err(e) = write_record(&mut w.file, key, meta, bytes) {
                w.failed = Some(e);
            }
        }
    }

    /// How many entries the old pack had, and how many of them this run used.
    fn usage(&self) -> (usize, usize) {
        (self.index.len(), self.used.lock().unwrap().len())
    }

    /// Ends the run and saves the pack for the next. `keep_unused`: the old entries this run
    /// did not use stay, and the new ones are appended to the old file (cheap when most are
    /// kept; a write cut short is a truncated tail the next run ignores). Otherwise a new file
    /// of the used and the new entries, written to a temporary file, is renamed over it.
    /// Returns the problems met (a stale or damaged pack, a failed write).
    pub(crate) fn finish(&self, keep_unused: bool) -> Vec<String> {
        let mut problems = std::mem::take(&mut *self.problems.lock().unwrap());
        let damaged = self.damaged.lock().unwrap().len();
        if damaged > 0 {
            problems.push(format!("{damaged} damaged entries ignored"));
        }
        if let Some(w) = self.new.lock().unwrap().take() {
            let saved = match w.failed {
                Some(e) => Err(e),
                None => w.file.into_inner().map_err(|e| e.into_error()),
            };
            let saved = saved.and_then(|mut new| {
                new.as_file_mut().seek(SeekFrom::Start(0))?;
                if keep_unused && damaged == 0 && self.old.is_some() {
                    self.append(new.as_file_mut())
                } else {
                    self.rewrite(new.as_file_mut())
                }
            });
            if let Err(e) = saved {
                problems.push(format!("{} not saved: {e}", self.path.display()));
            }
        }
        problems
    }

    /// `finish`, keeping the unused entries while this run used more than half of the old
    /// ones (else they are pages edited or gone), and the run's note: how many of `all` things
    /// (`what`) were reused, with the problems met (a stale or damaged pack is ignored).
    pub(crate) fn finish_with_note(&self, reused: usize, all: usize, what: &str) -> String {
        let (old, used) = self.usage();
        let problems = self.finish(used * 2 > old);
        let mut note = format!("{reused} of {all} {what} reused");
        if !problems.is_empty() {
            note.push_str(&format!(" ({})", problems.join("; ")));
        }
        note
    }

    /// The new records added at the end of the old pack, after its last intact record.
    fn append(&self, new: &mut File) -> std::io::Result<()> {
        let mut out = std::fs::OpenOptions::new().write(true).open(&self.path)?;
        out.set_len(self.good_end)?;
        out.seek(SeekFrom::Start(self.good_end))?;
        std::io::copy(new, &mut out)?;
        Ok(())
    }

    /// A new pack of the used old records and the new ones, renamed over the old.
    fn rewrite(&self, new: &mut File) -> std::io::Result<()> {
        let temp = tempfile::NamedTempFile::new_in(&self.dir)?;
        let mut out = BufWriter::with_capacity(1 << 16, temp);
        out.write_all(&header(&self.id))?;
        if let Some(old) = &self.old {
            let used = self.used.lock().unwrap();
            let mut kept: Vec<Entry> = used
                .iter()
                .filter_map(|k| self.index.get(k))
                .copied()
                .collect();
            // In file order: one pass forward through the old pack.
            kept.sort_unstable_by_key(|e| e.offset);
            let mut buf = Vec::new();
            for e in kept {
                buf.resize(RECORD_HEADER + e.len as usize, 0);
                read_at(old, &mut buf, e.offset - RECORD_HEADER as u64)?;
                out.write_all(&buf)?;
            }
        }
        std::io::copy(new, &mut out)?;
        let out = out.into_inner().map_err(|e| e.into_error())?;
        out.persist(&self.path).map(drop).map_err(|e| e.error)
    }

    /// An entry's bytes into `buf`; false when they cannot be read or fail their checksum.
    fn read(&self, e: Entry, buf: &mut Vec<u8>) -> bool {
        let Some(file) = &self.old else { return false };
        buf.clear();
        buf.resize(e.len as usize, 0);
        read_at(file, buf, e.offset).is_ok() && checksum(e.meta, buf) == e.sum
    }
}

/// Fills `buf` from `file` at `offset` without moving a shared cursor, so the build's threads
/// read the pack at once (behind a lock around seek and read, they took turns).
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < buf.len() {
            let at = offset + done as u64;
            match std::os::windows::fs::FileExt::seek_read(file, &mut buf[done..], at)? {
                0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                n => done += n,
            }
        }
        Ok(())
    }
}

/// Highlighted code blocks: a `Pack` whose entries are a block's lines joined by `\n`, the
/// line count as meta.
pub(crate) struct BlockCache {
    pack: Opening,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

/// A pack being opened on a thread of its own: a build starts opening its packs before it
/// parses, as reading the record headers of a 10,000-page cache (35,000 reads, 40 ms a pack)
/// was otherwise one thread's work with the other core idle.
pub(crate) struct Opening {
    cell: Arc<OnceLock<Pack>>,
    thread: Option<std::thread::JoinHandle<()>>,
    dir: PathBuf,
    name: &'static str,
    id: String,
}

impl Opening {
    /// Starts opening `dir/name` for a run named by `id` (see `Pack::open`).
    pub(crate) fn start(dir: &Path, name: &'static str, id: &str) -> Opening {
        let cell: Arc<OnceLock<Pack>> = Arc::default();
        let (shared, path, named) = (cell.clone(), dir.to_path_buf(), id.to_string());
        let thread = std::thread::spawn(move || {
            shared.get_or_init(|| Pack::open(&path, name, &named));
        });
        Opening {
            cell,
            thread: Some(thread),
            dir: dir.to_path_buf(),
            name,
            id: id.to_string(),
        }
    }

    /// The pack, once open (waiting for the thread; opened here if the thread failed).
    pub(crate) fn get(&self) -> &Pack {
        self.cell
            .get_or_init(|| Pack::open(&self.dir, self.name, &self.id))
    }
}

impl Drop for Opening {
    /// Waits for the thread, so a run that ends early still removes the pack's temporary file.
    fn drop(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl BlockCache {
    /// The cache in `dir` for a run whose highlighting is named by `id` (the backlot build and
    /// the themes), opened in the background (`Opening`).
    pub(crate) fn open(dir: &Path, id: &str) -> BlockCache {
        BlockCache {
            pack: Opening::start(dir, FILE_NAME, id),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        }
    }

    fn pack(&self) -> &Pack {
        self.pack.get()
    }

    /// The block's lines if the cache holds them intact (and keeps them for the next run).
    pub(crate) fn get(&self, key: u128) -> Option<Vec<String>> {
        let Some((count, bytes)) = self.pack().get(key) else {
            self.misses.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        let text = String::from_utf8(bytes).ok()?;
        let lines = split_lines(&text, count as usize);
        self.hits.fetch_add(1, Ordering::Relaxed);
        self.pack().put(key, count, text.as_bytes());
        Some(lines)
    }

    /// Keeps a block's lines for the next run.
    pub(crate) fn put(&self, key: u128, lines: &[String]) {
        let Ok(count) = u32::try_from(lines.len()) else {
            return;
        };
        self.pack().put(key, count, lines.join("\n").as_bytes());
    }

    /// Ends the run and saves the pack (`keep_unused`: see `Pack::finish`). The note says what
    /// was reused and any problem met (a stale or damaged cache, a failed write).
    pub(crate) fn finish(&self, keep_unused: bool) -> String {
        let problems = self.pack().finish(keep_unused);
        let (hits, misses) = (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        );
        let mut note = format!("cache: {hits} of {} code blocks reused", hits + misses);
        if !problems.is_empty() {
            note.push_str(&format!(" ({})", problems.join("; ")));
        }
        note
    }
}

/// The old pack and its index; `None` when there is none yet. A pack written by another
/// backlot or for other inputs is an `Err` saying so (it is replaced at the end of the run).
type Opened = Option<(File, FxHashMap<u128, Entry>, u64, Option<String>)>;

fn read_index(path: &Path, id: &str) -> Result<Opened, String> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let header = header(id);
    let mut head = vec![0; header.len()];
    if read_at(&file, &mut head, 0).is_err() || head != header {
        return Err(format!(
            "{} is from another backlot build or other settings, or damaged: not used",
            path.display()
        ));
    }
    let mut index = FxHashMap::default();
    let mut offset = header.len() as u64;
    let mut note = None;
    let mut rec = [0u8; RECORD_HEADER];
    let truncated = || format!("{} is truncated: read up to the damage", path.display());
    // One read at an offset per record header (a buffered reader took a seek and a read).
    while offset < size {
        let body = offset + RECORD_HEADER as u64;
        if read_at(&file, &mut rec, offset).is_err() {
            note = Some(truncated());
            break;
        }
        let key = u128::from_le_bytes(rec[..16].try_into().unwrap());
        let meta = u32::from_le_bytes(rec[16..20].try_into().unwrap());
        let len = u32::from_le_bytes(rec[20..24].try_into().unwrap());
        let sum = u64::from_le_bytes(rec[24..32].try_into().unwrap());
        if body + len as u64 > size {
            note = Some(truncated());
            break;
        }
        let entry = Entry {
            offset: body,
            meta,
            len,
            sum,
        };
        index.insert(key, entry);
        offset = body + len as u64;
    }
    Ok(Some((file, index, offset, note)))
}

fn header(id: &str) -> Vec<u8> {
    let mut h = MAGIC.to_vec();
    h.extend_from_slice(id.replace('\n', " ").as_bytes());
    h.push(b'\n');
    h
}

fn start_pack(dir: &Path) -> std::io::Result<Writer> {
    std::fs::create_dir_all(dir)?;
    let file = BufWriter::with_capacity(1 << 16, tempfile::NamedTempFile::new_in(dir)?);
    Ok(Writer {
        file,
        written: FxHashSet::default(),
        failed: None,
    })
}

fn write_record(w: &mut impl Write, key: u128, meta: u32, bytes: &[u8]) -> std::io::Result<()> {
    let len = u32::try_from(bytes.len()).map_err(std::io::Error::other)?;
    w.write_all(&key.to_le_bytes())?;
    w.write_all(&meta.to_le_bytes())?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(&checksum(meta, bytes).to_le_bytes())?;
    w.write_all(bytes)
}

/// Covers the meta and the bytes (the key is checked by where the entry was found, the
/// length by the bytes' checksum).
fn checksum(meta: u32, bytes: &[u8]) -> u64 {
    let mut h = Xxh3::new();
    h.update(&meta.to_le_bytes());
    h.update(bytes);
    h.digest()
}

/// `count` lines joined by `\n` back into lines (no line holds a `\n`; the count tells no
/// lines from one empty line).
fn split_lines(text: &str, count: usize) -> Vec<String> {
    if count == 0 {
        return Vec::new();
    }
    text.split('\n').map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_saved_block_is_reused_by_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (key("Python", "x = 1\n"), key("Python", "y = 2\n"));
        let c = BlockCache::open(dir.path(), "id");
        assert_eq!(c.get(a), None);
        c.put(a, &lines(&["<span>x</span> = 1", ""]));
        c.put(b, &[]);
        assert!(c
            .finish(false)
            .starts_with("cache: 0 of 1 code blocks reused"));
        let c = BlockCache::open(dir.path(), "id");
        assert_eq!(c.get(a), Some(lines(&["<span>x</span> = 1", ""])));
        assert_eq!(c.get(b), Some(vec![]));
        assert_eq!(c.finish(false), "cache: 2 of 2 code blocks reused");
        // Another build or other themes: nothing is reused.
        let c = BlockCache::open(dir.path(), "other");
        assert_eq!(c.get(a), None);
        assert!(c.finish(false).contains("from another backlot build"));
    }

    #[test]
    fn damaged_and_truncated_entries_are_misses() {
        let dir = tempfile::tempdir().unwrap();
        let keys: Vec<u128> = (0..3).map(|i| key("Go", &i.to_string())).collect();
        let c = BlockCache::open(dir.path(), "id");
        for k in &keys {
            c.put(*k, &lines(&["package main"]));
        }
        c.finish(false);
        let path = dir.path().join(FILE_NAME);
        let mut bytes = std::fs::read(&path).unwrap();
        // Flip a byte inside the first entry's text, cut the last entry short.
        let first = header("id").len() + RECORD_HEADER;
        bytes[first] ^= 0x20;
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&path, &bytes).unwrap();
        let c = BlockCache::open(dir.path(), "id");
        assert_eq!(c.get(keys[0]), None);
        assert_eq!(c.get(keys[1]), Some(lines(&["package main"])));
        assert_eq!(c.get(keys[2]), None);
        let note = c.finish(false);
        assert!(
            note.contains("1 damaged entries") && note.contains("truncated"),
            "{note}"
        );
        // A file that is not a cache at all.
        std::fs::write(&path, b"garbage").unwrap();
        let c = BlockCache::open(dir.path(), "id");
        assert_eq!(c.get(keys[1]), None);
        assert!(c.finish(false).contains("not used"));
    }
}
