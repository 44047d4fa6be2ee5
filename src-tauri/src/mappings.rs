//! Column mappings the user confirmed in the mapping dialog, remembered per column signature
//! (the file's sorted input column names) under the app's config dir, `mappings/<sig>.json`.

use crate::error::AppError;
use rumlens_engine::import::{canonical_columns, preview, suggest_mapping, CanonicalColumn, ColumnPreview, Mapping};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Sample values shown per input column.
pub const PREVIEW_VALUES: usize = 5;

/// What the mapping dialog shows for a file no format recognises.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct MappingProposal {
    pub path: String,
    /// Input columns in file order, with their first values.
    pub columns: Vec<ColumnPreview>,
    /// The saved mapping for these columns when there is one, else a suggested one.
    pub mapping: Mapping,
    /// `mapping` is the one remembered for files with these columns.
    pub saved: bool,
    /// The canonical columns a mapping can target.
    pub canonical: Vec<CanonicalColumn>,
}

/// Stable signature of a set of column names: FNV-1a (64 bit, hex) of the sorted names joined
/// by `\n`.
pub fn signature<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut names: Vec<&str> = names.into_iter().collect();
    names.sort_unstable();
    names.dedup();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in names.join("\n").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn file(dir: &Path, sig: &str) -> PathBuf {
    dir.join(format!("{sig}.json"))
}

/// The mapping saved for `sig`, when there is a valid one.
pub fn load(dir: &Path, sig: &str) -> Option<Mapping> {
    let text = std::fs::read_to_string(file(dir, sig)).ok()?;
    let m: Mapping = serde_json::from_str(&text).ok()?;
    m.validate().is_ok().then_some(m)
}

/// Save `mapping` for `sig` (atomically: a temp file renamed over the old one).
pub fn save(dir: &Path, sig: &str, mapping: &Mapping) -> std::io::Result<()> {
    let json = mapping.to_json().map_err(std::io::Error::other)?;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(json.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(file(dir, sig)).map_err(|e| e.error)?;
    Ok(())
}

/// Signature of the input columns of `path` (the first file of a folder or glob).
pub fn signature_of(path: &Path) -> Result<String, AppError> {
    let cols = preview(path, 0)?;
    Ok(signature(cols.iter().map(|c| c.name.as_str())))
}

/// Columns with samples, and the saved mapping for them or a suggested one. `dir` is the
/// mappings directory.
pub fn propose(dir: &Path, path: &str) -> Result<MappingProposal, AppError> {
    let p = Path::new(path);
    let columns = preview(p, PREVIEW_VALUES)?;
    let saved = load(dir, &signature(columns.iter().map(|c| c.name.as_str())));
    let (mapping, saved) = match saved {
        Some(m) => (m, true),
        None => (suggest_mapping(p)?, false),
    };
    Ok(MappingProposal {
        path: path.to_string(),
        columns,
        mapping,
        saved,
        canonical: canonical_columns(),
    })
}

/// Remember `mapping` for the columns of `path`.
pub fn remember(dir: &Path, path: &Path, mapping: &Mapping) -> Result<(), AppError> {
    let sig = signature_of(path)?;
    save(dir, &sig, mapping).map_err(|e| AppError::new("io", format!("cannot save the column mapping: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rumlens_engine::import::mapping::ColumnMap;

    #[test]
    fn signature_is_order_free_and_stable() {
        assert_eq!(signature(["b", "a"]), signature(["a", "b"]));
        assert_ne!(signature(["a", "b"]), signature(["a", "b", "c"]));
        // FNV-1a 64 of the empty string.
        assert_eq!(signature([]), "cbf29ce484222325");
        assert_eq!(signature(["a"]), "af63dc4c8601ec8c");
    }

    #[test]
    fn saved_mappings_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("mappings");
        let sig = signature(["t"]);
        assert_eq!(load(&d, &sig), None);
        let mut m = Mapping::default();
        m.columns.insert(
            "t".into(),
            ColumnMap {
                to: "ts".into(),
                unit: None,
                time: None,
            },
        );
        m.defaults.insert("event_type".into(), "view".into());
        save(&d, &sig, &m).unwrap();
        assert_eq!(load(&d, &sig), Some(m.clone()));
        m.defaults.clear();
        save(&d, &sig, &m).unwrap();
        // Invalid now (no event_type): not offered.
        assert_eq!(load(&d, &sig), None);
        std::fs::write(file(&d, &sig), "garbage").unwrap();
        assert_eq!(load(&d, &sig), None);
    }
}
