//! Import cache: an NDJSON or vendor export, once parsed, is kept as canonical Parquet in a
//! cache folder, so opening the same export again scans Parquet instead of parsing text.
//!
//! An entry is keyed by the file's canonical path, size, modification time and a hash of its
//! first and last MiB, plus the engine version and the import options that change the rows
//! (forced format, column mapping). Any change to the file gives a new key. Entries carry the
//! file's import report (rows, rejects with their examples, detected format), so a cached open
//! reports exactly what the first one did. The folder is bounded: after each write the least
//! recently used entries are removed until it fits. Everything here is best effort: a cache
//! that cannot be read or written is skipped, never an error for the import.

use super::{FileReport, InputFile, Reject};
use crate::error::{EngineError, Result};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Bump when the cached frame's layout or meaning changes.
const CACHE_VERSION: u32 = 1;
const MIB: u64 = 1 << 20;
/// Default bound of the cache folder.
pub const DEFAULT_MAX_BYTES: u64 = 4 << 30;

#[derive(Debug, Clone)]
pub struct ImportCache {
    dir: PathBuf,
    max_bytes: u64,
}

/// What the first import of a file reported.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    version: u32,
    source: PathBuf,
    rows: u64,
    rejected: u64,
    detected: String,
    examples: Vec<Reject>,
}

/// A cache hit: the canonical rows (lazy) and the file's report.
pub(crate) struct Hit {
    pub lf: LazyFrame,
    pub report: FileReport,
    pub examples: Vec<Reject>,
}

/// 64-bit FNV-1a: stable across runs and Rust versions (unlike `DefaultHasher`).
fn fnv(hash: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(hash, |h, b| (h ^ *b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}

impl ImportCache {
    pub fn new(dir: impl Into<PathBuf>, max_bytes: u64) -> Self {
        ImportCache {
            dir: dir.into(),
            max_bytes,
        }
    }

    /// `$XDG_CACHE_HOME/rumlens/imports`, else `~/.cache/rumlens/imports`.
    pub fn default_dir() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
        Some(base.join("rumlens").join("imports"))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of `file` read with `options` (forced format, mapping…), or `None` when the
    /// file cannot be identified (then it is simply not cached).
    pub(crate) fn key(&self, file: &InputFile, options: &str) -> Option<String> {
        let meta = std::fs::metadata(&file.path).ok()?;
        let mtime = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        let path = std::fs::canonicalize(&file.path).ok()?;
        let mut f = std::fs::File::open(&file.path).ok()?;
        let mut head = vec![0u8; MIB.min(meta.len()) as usize];
        f.read_exact(&mut head).ok()?;
        let mut tail = Vec::new();
        if meta.len() > MIB {
            f.seek(SeekFrom::Start(meta.len().saturating_sub(MIB).max(MIB))).ok()?;
            f.read_to_end(&mut tail).ok()?;
        }
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for part in [
            path.to_string_lossy().as_bytes(),
            &meta.len().to_le_bytes(),
            &mtime.to_le_bytes(),
            &head,
            &tail,
            env!("CARGO_PKG_VERSION").as_bytes(),
            &CACHE_VERSION.to_le_bytes(),
            options.as_bytes(),
        ] {
            h = fnv(h, part);
            h = fnv(h, &[0xff]);
        }
        Some(format!("{h:016x}"))
    }

    fn paths(&self, key: &str) -> (PathBuf, PathBuf) {
        (
            self.dir.join(format!("{key}.parquet")),
            self.dir.join(format!("{key}.json")),
        )
    }

    /// The cached rows of `key`, if present and readable.
    pub(crate) fn get(&self, key: &str, file: &InputFile) -> Option<Hit> {
        let (data, meta) = self.paths(key);
        let entry: Entry = serde_json::from_slice(&std::fs::read(&meta).ok()?).ok()?;
        if entry.version != CACHE_VERSION || !data.is_file() {
            return None;
        }
        let lf = LazyFrame::scan_parquet(
            PlRefPath::try_from_path(&data).ok()?,
            ScanArgsParquet {
                cache: false,
                ..Default::default()
            },
        )
        .ok()?;
        // Touch the entry: eviction removes the least recently used first.
        let _ = std::fs::File::open(&meta).and_then(|f| f.set_modified(std::time::SystemTime::now()));
        Some(Hit {
            lf,
            report: FileReport {
                path: file.path.clone(),
                format: file.format,
                rows: Some(entry.rows),
                rejected: entry.rejected,
                detected: format!("{} (cached)", entry.detected),
            },
            examples: entry.examples,
        })
    }

    /// Store the parsed rows of `file` and its report, then bound the folder.
    pub(crate) fn put(&self, key: &str, df: &mut DataFrame, report: &FileReport, examples: &[Reject]) {
        let _ = self.try_put(key, df, report, examples);
        let _ = self.evict();
    }

    fn try_put(&self, key: &str, df: &mut DataFrame, report: &FileReport, examples: &[Reject]) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(|source| EngineError::Io {
            path: self.dir.clone(),
            source,
        })?;
        let (data, meta) = self.paths(key);
        crate::export::write_atomic(&data, |w| {
            ParquetWriter::new(w)
                .with_compression(ParquetCompression::Lz4Raw)
                .finish(df)?;
            Ok(())
        })?;
        let entry = Entry {
            version: CACHE_VERSION,
            source: report.path.clone(),
            rows: report.rows.unwrap_or(df.height() as u64),
            rejected: report.rejected,
            detected: report.detected.clone(),
            examples: examples.iter().filter(|r| r.file == report.path).cloned().collect(),
        };
        let json = serde_json::to_vec(&entry).map_err(|e| EngineError::invalid(e.to_string()))?;
        crate::export::write_atomic(&meta, |w| {
            w.write_all(&json).map_err(|source| EngineError::Io {
                path: meta.clone(),
                source,
            })
        })
    }

    /// Entries as `(key, bytes, last used)`, oldest first.
    fn entries(&self) -> Vec<(String, u64, std::time::SystemTime)> {
        let Ok(rd) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut out: Vec<(String, u64, std::time::SystemTime)> = rd
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let key = name.strip_suffix(".json")?.to_string();
                let used = e.metadata().ok()?.modified().ok()?;
                let (data, meta) = self.paths(&key);
                let bytes =
                    std::fs::metadata(&data).map_or(0, |m| m.len()) + std::fs::metadata(&meta).map_or(0, |m| m.len());
                Some((key, bytes, used))
            })
            .collect();
        out.sort_by_key(|e| e.2);
        out
    }

    /// Bytes held by the cache.
    pub fn size(&self) -> u64 {
        self.entries().iter().map(|e| e.1).sum()
    }

    fn remove(&self, key: &str) {
        let (data, meta) = self.paths(key);
        let _ = std::fs::remove_file(meta);
        let _ = std::fs::remove_file(data);
    }

    fn evict(&self) -> Result<()> {
        let entries = self.entries();
        let mut total: u64 = entries.iter().map(|e| e.1).sum();
        for (key, bytes, _) in entries {
            if total <= self.max_bytes {
                break;
            }
            self.remove(&key);
            total = total.saturating_sub(bytes);
        }
        Ok(())
    }

    /// Remove every entry; returns the bytes freed.
    pub fn clear(&self) -> u64 {
        let mut freed = 0;
        for (key, bytes, _) in self.entries() {
            self.remove(&key);
            freed += bytes;
        }
        freed
    }
}
