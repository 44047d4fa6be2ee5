//! Turning the user's inputs (files, globs, directories) into a list of files.

use crate::error::{EngineError, Result};
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Parquet,
    Ndjson,
    NdjsonGz,
}

#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    pub format: FileFormat,
    pub size: u64,
    /// Hive-style `key=value` directory components between the input directory and the file.
    pub partitions: Vec<(String, String)>,
}

const DATA_EXTENSIONS: &[&str] = &[
    ".parquet",
    ".ndjson",
    ".jsonl",
    ".json",
    ".lines",
    ".log",
    ".ndjson.gz",
    ".jsonl.gz",
    ".json.gz",
    ".lines.gz",
    ".log.gz",
];

fn has_data_extension(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    DATA_EXTENSIONS.iter().any(|e| name.ends_with(e))
}

fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Resolve files, globs and directories, in a stable order.
pub fn resolve_inputs(inputs: &[String]) -> Result<Vec<InputFile>> {
    if inputs.is_empty() {
        return Err(EngineError::NoInput("give at least one file, glob or directory".into()));
    }
    let mut out = Vec::new();
    for input in inputs {
        if is_glob(input) {
            let paths = glob::glob(input).map_err(|e| EngineError::invalid(format!("bad glob `{input}`: {e}")))?;
            let mut matched: Vec<PathBuf> = paths.filter_map(|p| p.ok()).filter(|p| p.is_file()).collect();
            matched.sort();
            if matched.is_empty() {
                return Err(EngineError::NoInput(format!("`{input}` matches no file")));
            }
            for p in matched {
                let parts = partitions(Path::new(""), &p);
                out.push(describe(&p, parts)?);
            }
            continue;
        }
        let path = PathBuf::from(input);
        let meta = std::fs::metadata(&path).map_err(|e| EngineError::file(&path, io_reason(&e)))?;
        if meta.is_dir() {
            let before = out.len();
            walk(&path, &path, &mut out)?;
            if out.len() == before {
                return Err(EngineError::NoInput(format!(
                    "directory {} holds no .parquet, .ndjson, .jsonl, .json, .lines or .log file",
                    path.display()
                )));
            }
        } else {
            out.push(describe(&path, partitions(Path::new(""), &path))?);
        }
    }
    Ok(out)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<InputFile>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| EngineError::file(dir, io_reason(&e)))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if name.starts_with('.') || name.starts_with('_') {
            continue; // hidden files, _SUCCESS markers, …
        }
        if p.is_dir() {
            walk(root, &p, out)?;
        } else if has_data_extension(&p) {
            out.push(describe(&p, partitions(root, &p))?);
        }
    }
    Ok(())
}

/// Hive partitions: `key=value` directory components of the file's path below `root` (an
/// empty `root` takes every component, so a file named directly keeps its partitions).
fn partitions(root: &Path, file: &Path) -> Vec<(String, String)> {
    let rel = file.strip_prefix(root).unwrap_or(file);
    let mut parts = Vec::new();
    if let Some(parent) = rel.parent() {
        for comp in parent.components() {
            let s = comp.as_os_str().to_string_lossy();
            if let Some((k, v)) = s.split_once('=') {
                if !k.is_empty() {
                    parts.push((k.to_string(), percent_decode(v)));
                }
            }
        }
    }
    parts
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Decide a file's format from its extension, or from its first bytes when the extension
/// says nothing.
fn describe(path: &Path, partitions: Vec<(String, String)>) -> Result<InputFile> {
    let mut f = std::fs::File::open(path).map_err(|e| EngineError::file(path, io_reason(&e)))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let format = if name.ends_with(".parquet") || name.ends_with(".pq") {
        FileFormat::Parquet
    } else if name.ends_with(".gz") {
        FileFormat::NdjsonGz
    } else if [".ndjson", ".jsonl", ".json", ".lines", ".log"]
        .iter()
        .any(|e| name.ends_with(e))
    {
        FileFormat::Ndjson
    } else {
        let mut magic = [0u8; 4];
        let n = f.read(&mut magic).map_err(|e| EngineError::file(path, io_reason(&e)))?;
        match &magic[..n] {
            b"PAR1" => FileFormat::Parquet,
            [0x1f, 0x8b, ..] => FileFormat::NdjsonGz,
            _ => FileFormat::Ndjson,
        }
    };
    Ok(InputFile {
        path: path.to_path_buf(),
        format,
        size,
        partitions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hive_partitions_are_read() {
        let p = partitions(
            Path::new("/data"),
            Path::new("/data/release=1.5.0/country=US/part-0.parquet"),
        );
        assert_eq!(
            p,
            vec![("release".into(), "1.5.0".into()), ("country".into(), "US".into())]
        );
        assert_eq!(percent_decode("a%2Fb"), "a/b");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
