//! The TypeScript bindings committed under ui/src/lib/bindings/ are what the Rust types
//! generate. Regenerate with `UPDATE_BINDINGS=1 cargo test -p rumlens-app --test bindings`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .map(|it| {
            it.filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "ts"))
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read_to_string(e.path()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn bindings_are_current() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        rumlens_app::bindings::export(&committed).unwrap();
    }
    let fresh = tempfile::tempdir().unwrap();
    rumlens_app::bindings::export(fresh.path()).unwrap();
    let (want, have) = (read_dir(fresh.path()), read_dir(&committed));
    let stale: Vec<&String> = want.keys().filter(|k| want.get(*k) != have.get(*k)).collect();
    let extra: Vec<&String> = have.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "ui/src/lib/bindings is stale (changed: {stale:?}, no longer generated: {extra:?}); run UPDATE_BINDINGS=1 cargo test -p rumlens-app --test bindings"
    );
}
