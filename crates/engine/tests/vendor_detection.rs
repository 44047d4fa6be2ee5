//! Format detection across every vendor fixture and the canonical sample data: the importer
//! picks the adapter of the fixture's folder (or the canonical reader), that adapter's `detect`
//! accepts the file's first records, and no other adapter's `detect` does.

mod common;

use common::{fixtures_root, records, sample, shop_ndjson};
use rumlens_engine::import::adapters;
use rumlens_engine::import::resolve_inputs;
use rumlens_engine::import::vendor::{self, Detected};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// What the importer decides for a file.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    /// Read by the canonical reader.
    Canonical,
    /// Read by the adapter with this name.
    Vendor(&'static str),
}

/// The adapter that reads every fixture of a folder under tests/fixtures/vendors. No fixture is
/// an exception: even the metadata-only elastic/intake-v3_metadata.ndjson is recognised as
/// Elastic (and imports nothing, see vendor_elastic.rs).
const FOLDERS: &[(&str, &str)] = &[
    ("datadog", "datadog"),
    ("web-vitals", "webvitals"),
    ("boomerang", "boomerang"),
    ("elastic", "elastic"),
    ("faro", "faro"),
    ("otel", "otel"),
];

/// Every fixture file with what the importer should decide, then the canonical sample data.
fn cases() -> Vec<(PathBuf, Want)> {
    let mut out = Vec::new();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(fixtures_root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for dir in folders {
        let folder = dir.file_name().unwrap().to_string_lossy().into_owned();
        let adapter = FOLDERS
            .iter()
            .find(|(f, _)| *f == folder)
            .unwrap_or_else(|| panic!("fixture folder `{folder}` has no expected adapter in FOLDERS"))
            .1;
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap() != "SOURCE.txt")
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no fixture in {}", dir.display());
        out.extend(files.into_iter().map(|f| (f, Want::Vendor(adapter))));
    }
    out.push((shop_ndjson(), Want::Canonical));
    out
}

/// What the importer decides for `path`, resolved as the CLI resolves a named file.
fn importer_detects(path: &Path) -> Want {
    let inputs = resolve_inputs(&[path.to_string_lossy().into_owned()]).unwrap();
    assert_eq!(inputs.len(), 1, "{}", path.display());
    match vendor::detect(&inputs[0], None) {
        Ok(Detected::Canonical) => Want::Canonical,
        Ok(Detected::Vendor(a, _)) => Want::Vendor(a.name()),
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

#[test]
fn every_fixture_is_detected_as_its_own_format_and_by_no_other_adapter() {
    let cases = cases();
    // Every folder is covered, and the sample data on top.
    for (folder, _) in FOLDERS {
        assert!(
            cases.iter().any(|(p, _)| p.starts_with(fixtures_root().join(folder))),
            "{folder}"
        );
    }
    assert!(cases.len() >= 21, "{}", cases.len());
    let all = adapters::all();
    for (_, name) in FOLDERS {
        assert!(all.iter().any(|a| a.name() == *name), "no adapter named {name}");
    }
    for (path, want) in &cases {
        let what = path.display();
        assert_eq!(importer_detects(path), *want, "{what}");
        let recs = sample(path);
        assert!(!recs.is_empty(), "{what}");
        for a in &all {
            let found = a.detect(&recs);
            if *want == Want::Vendor(a.name()) {
                assert!(found.is_some(), "{what}: {} should accept it", a.name());
            } else {
                assert_eq!(found, None, "{what}: {} accepts it", a.name());
            }
        }
    }
}

/// The verdict of every adapter on one inline text.
fn accepted_by(text: &str) -> Vec<&'static str> {
    let recs: Vec<Value> = records(text);
    adapters::all()
        .into_iter()
        .filter(|a| a.detect(&recs).is_some())
        .map(|a| a.name())
        .collect()
}

#[test]
fn lookalike_records_are_not_taken_for_another_format() {
    // Canonical events whose values look like beacon parameters or an error: no adapter.
    let canonical = r#"{"event_type":"view","ts":1791158400000,"url":"https://a.test/?u=1&pid=2","session_id":"s"}"#;
    assert_eq!(accepted_by(canonical), Vec::<&str>::new());
    let canonical = r#"{"event_type":"error","ts":1791158400000,"error_message":"x"}"#;
    assert_eq!(accepted_by(canonical), Vec::<&str>::new());
    // A Datadog error event has an `error` object too, but many other keys: not Elastic.
    let dd = r#"{"type":"error","date":1791158400000,"error":{"id":"e","message":"x"},"session":{"id":"s"}}"#;
    assert!(!accepted_by(dd).contains(&"elastic"), "{:?}", accepted_by(dd));
}
