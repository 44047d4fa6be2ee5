//! Recently opened datasets, remembered across restarts in the app's config directory.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

pub const MAX_RECENT: usize = 10;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ts_rs::TS)]
pub struct RecentFile {
    pub paths: Vec<String>,
    pub opened_ms: i64,
}

pub fn load(file: &Path) -> Vec<RecentFile> {
    std::fs::read_to_string(file)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

/// Put `paths` first (deduplicated), keep at most [`MAX_RECENT`], write atomically.
pub fn remember(file: &Path, paths: &[String], now_ms: i64) -> std::io::Result<Vec<RecentFile>> {
    let mut list = load(file);
    list.retain(|r| r.paths != paths);
    list.insert(
        0,
        RecentFile {
            paths: paths.to_vec(),
            opened_ms: now_ms,
        },
    );
    list.truncate(MAX_RECENT);
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(serde_json::to_string_pretty(&list).unwrap_or_default().as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_recent_first_without_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("sub/recent.json");
        let a = vec!["a.parquet".to_string()];
        let b = vec!["b.ndjson".to_string(), "c.ndjson".to_string()];
        remember(&f, &a, 1).unwrap();
        remember(&f, &b, 2).unwrap();
        let list = remember(&f, &a, 3).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].paths, a);
        assert_eq!(load(&f), list);
        for i in 0..20 {
            remember(&f, &[format!("{i}")], i).unwrap();
        }
        assert_eq!(load(&f).len(), MAX_RECENT);
    }
}
