//! The on-disk build cache (`build --cache DIR`, `check --cache DIR`): highlighted code blocks
//! kept between runs, so a CI rebuild after a small edit highlights only the blocks that changed
//! (highlighting is most of a cold build's work).
//!
//! Why it is safe: a block's highlighted lines are a pure function of its grammar, its code, the
//! two highlight themes and the backlot build. An entry's key hashes the grammar's name and the
//! code (xxh3, 128 bits); the file's header names the backlot build (version and commit), this
//! format and the themes, and a cache with any other header is ignored whole. Every entry carries
//! a checksum of its header and bytes, checked when it is read: a damaged entry is a miss, a
//! truncated file is read up to the damage. Nothing in the cache is trusted without its checksum.
//! Pages are not cached: a page's HTML depends on the whole site (navigation, links, dates).
//!
//! One file, `highlight.pack`: a header line, then records (key, line count, length, checksum,
//! bytes). Opening reads the record headers only (an index of ~40 bytes a block), and a block's
//! bytes are read when it is asked for, so the cache holds none of the site's HTML in memory.
//! Each run writes a new pack of the blocks it used (reused and new) and renames it over the old
//! one when the run ends: blocks no page uses any more drop out.

use rustc_hash::{FxHashMap, FxHashSet};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use xxhash_rust::xxh3::Xxh3;

/// The file's first bytes; the number is this format's version.
const MAGIC: &[u8] = b"backlot-cache 1\n";
const FILE_NAME: &str = "highlight.pack";
/// key (16) + line count (4) + length (4) + checksum (8).
const RECORD_HEADER: usize = 32;

/// Where an entry's bytes are in the old pack.
#[derive(Clone, Copy)]
struct Entry {
    offset: u64,
    lines: u32,
    len: u32,
    sum: u64,
}

/// The pack written by this run: the blocks it used, each once.
struct Writer {
    file: BufWriter<tempfile::NamedTempFile>,
    written: FxHashSet<u128>,
    failed: Option<std::io::Error>,
}

pub(crate) struct BlockCache {
    dir: PathBuf,
    old: Option<Mutex<File>>,
    index: FxHashMap<u128, Entry>,
    new: Mutex<Option<Writer>>,
    /// Problems met while opening (a stale or damaged cache), for the run's note.
    problems: Mutex<Vec<String>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
    damaged: AtomicUsize,
}

/// The key of a block of `code` highlighted with the grammar named `grammar`.
pub(crate) fn key(grammar: &str, code: &str) -> u128 {
    let mut h = Xxh3::new();
    h.update(&(grammar.len() as u64).to_le_bytes());
    h.update(grammar.as_bytes());
    h.update(code.as_bytes());
    h.digest128()
}

impl BlockCache {
    /// Opens the cache in `dir` (created if missing) for a run whose highlighting is named by
    /// `id` (the backlot build and the themes). Never fails: a cache that cannot be used is
    /// left alone or replaced, and said so in `finish`'s note.
    pub(crate) fn open(dir: &Path, id: &str) -> BlockCache {
        let mut problems = Vec::new();
        let (old, index) = match read_index(&dir.join(FILE_NAME), id) {
            Ok(Some((file, index, note))) => {
                problems.extend(note);
                (Some(Mutex::new(file)), index)
            }
            Ok(None) => (None, FxHashMap::default()),
            Err(why) => {
                problems.push(why);
                (None, FxHashMap::default())
            }
        };
        let new = match start_pack(dir, id) {
            Ok(w) => Some(w),
            Err(e) => {
                problems.push(format!("cannot write to {}: {e}", dir.display()));
                None
            }
        };
        BlockCache {
            dir: dir.to_path_buf(),
            old,
            index,
            new: Mutex::new(new),
            problems: Mutex::new(problems),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            damaged: AtomicUsize::new(0),
        }
    }

    /// The block's lines if the cache holds them intact (and keeps them for the next run).
    pub(crate) fn get(&self, key: u128) -> Option<Vec<String>> {
        let found = self.index.get(&key).and_then(|e| {
            let bytes = self.read(*e);
            if bytes.is_none() {
                self.damaged.fetch_add(1, Ordering::Relaxed);
            }
            Some((e.lines, bytes?))
        });
        let Some((count, bytes)) = found else {
            self.misses.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        let text = String::from_utf8(bytes).ok()?;
        let lines = split_lines(&text, count as usize);
        self.hits.fetch_add(1, Ordering::Relaxed);
        self.put(key, &lines);
        Some(lines)
    }

    /// Keeps a block's lines for the next run.
    pub(crate) fn put(&self, key: u128, lines: &[String]) {
        let mut new = self.new.lock().unwrap_or_else(|e| e.into_inner());
        let Some(w) = new.as_mut() else { return };
        if w.failed.is_none() && w.written.insert(key) {
            if let Err(e) = write_record(&mut w.file, key, lines) {
                w.failed = Some(e);
            }
        }
    }

    /// Ends the run: the new pack replaces the old one. The note says what was reused and any
    /// problem met (a stale or damaged cache, a failed write).
    pub(crate) fn finish(&self) -> String {
        let mut problems = std::mem::take(&mut *self.problems.lock().unwrap());
        let damaged = self.damaged.load(Ordering::Relaxed);
        if damaged > 0 {
            problems.push(format!("{damaged} damaged entries ignored"));
        }
        if let Some(w) = self.new.lock().unwrap().take() {
            let saved = match w.failed {
                Some(e) => Err(e),
                None => w
                    .file
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .and_then(|f| {
                        f.persist(self.dir.join(FILE_NAME))
                            .map(drop)
                            .map_err(|e| e.error)
                    }),
            };
            if let Err(e) = saved {
                problems.push(format!("not saved: {e}"));
            }
        }
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

    /// An entry's bytes, `None` when they cannot be read or fail their checksum.
    fn read(&self, e: Entry) -> Option<Vec<u8>> {
        let mut file = self.old.as_ref()?.lock().unwrap_or_else(|p| p.into_inner());
        let mut buf = vec![0; e.len as usize];
        file.seek(SeekFrom::Start(e.offset)).ok()?;
        file.read_exact(&mut buf).ok()?;
        (checksum(e.lines, &buf) == e.sum).then_some(buf)
    }
}

/// The old pack and its index; `None` when there is none yet. A pack written by another
/// backlot or for other themes is an `Err` saying so (it is replaced at the end of the run).
type Opened = Option<(File, FxHashMap<u128, Entry>, Option<String>)>;

fn read_index(path: &Path, id: &str) -> Result<Opened, String> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut r = BufReader::new(file);
    let header = header(id);
    let mut head = vec![0; header.len()];
    if r.read_exact(&mut head).is_err() || head != header {
        return Err(format!(
            "{} is from another backlot build or other themes, or damaged: not used",
            path.display()
        ));
    }
    let mut index = FxHashMap::default();
    let mut offset = header.len() as u64;
    let mut note = None;
    let mut rec = [0u8; RECORD_HEADER];
    while offset < size {
        let body = offset + RECORD_HEADER as u64;
        if r.read_exact(&mut rec).is_err() {
            note = Some("the cache file is truncated: read up to the damage".to_string());
            break;
        }
        let key = u128::from_le_bytes(rec[..16].try_into().unwrap());
        let lines = u32::from_le_bytes(rec[16..20].try_into().unwrap());
        let len = u32::from_le_bytes(rec[20..24].try_into().unwrap());
        let sum = u64::from_le_bytes(rec[24..32].try_into().unwrap());
        if body + len as u64 > size {
            note = Some("the cache file is truncated: read up to the damage".to_string());
            break;
        }
        index.insert(
            key,
            Entry {
                offset: body,
                lines,
                len,
                sum,
            },
        );
        if r.seek_relative(len as i64).is_err() {
            break;
        }
        offset = body + len as u64;
    }
    Ok(Some((r.into_inner(), index, note)))
}

fn header(id: &str) -> Vec<u8> {
    let mut h = MAGIC.to_vec();
    h.extend_from_slice(id.replace('\n', " ").as_bytes());
    h.push(b'\n');
    h
}

fn start_pack(dir: &Path, id: &str) -> std::io::Result<Writer> {
    std::fs::create_dir_all(dir)?;
    let mut file = BufWriter::with_capacity(1 << 16, tempfile::NamedTempFile::new_in(dir)?);
    file.write_all(&header(id))?;
    Ok(Writer {
        file,
        written: FxHashSet::default(),
        failed: None,
    })
}

fn write_record(w: &mut impl Write, key: u128, lines: &[String]) -> std::io::Result<()> {
    let text = lines.join("\n");
    let count = u32::try_from(lines.len()).map_err(std::io::Error::other)?;
    let len = u32::try_from(text.len()).map_err(std::io::Error::other)?;
    w.write_all(&key.to_le_bytes())?;
    w.write_all(&count.to_le_bytes())?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(&checksum(count, text.as_bytes()).to_le_bytes())?;
    w.write_all(text.as_bytes())
}

/// Covers the line count and the bytes (the key is checked by where the entry was found, the
/// length by the bytes' checksum).
fn checksum(lines: u32, bytes: &[u8]) -> u64 {
    let mut h = Xxh3::new();
    h.update(&lines.to_le_bytes());
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
        assert!(c.finish().starts_with("cache: 0 of 1 code blocks reused"));
        let c = BlockCache::open(dir.path(), "id");
        assert_eq!(c.get(a), Some(lines(&["<span>x</span> = 1", ""])));
        assert_eq!(c.get(b), Some(vec![]));
        assert_eq!(c.finish(), "cache: 2 of 2 code blocks reused");
        // Another build or other themes: nothing is reused.
        let c = BlockCache::open(dir.path(), "other");
        assert_eq!(c.get(a), None);
        assert!(c.finish().contains("from another backlot build"));
    }

    #[test]
    fn damaged_and_truncated_entries_are_misses() {
        let dir = tempfile::tempdir().unwrap();
        let keys: Vec<u128> = (0..3).map(|i| key("Go", &i.to_string())).collect();
        let c = BlockCache::open(dir.path(), "id");
        for k in &keys {
            c.put(*k, &lines(&["package main"]));
        }
        c.finish();
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
        let note = c.finish();
        assert!(
            note.contains("1 damaged entries") && note.contains("truncated"),
            "{note}"
        );
        // A file that is not a cache at all.
        std::fs::write(&path, b"garbage").unwrap();
        let c = BlockCache::open(dir.path(), "id");
        assert_eq!(c.get(keys[1]), None);
        assert!(c.finish().contains("not used"));
    }
}
