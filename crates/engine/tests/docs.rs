//! docs/schema.md is generated from the schema in code; fail when it is stale.

use std::path::PathBuf;

#[test]
fn schema_doc_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema.md");
    let want = rumlens_engine::schema::markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/schema.md is stale: run UPDATE_DOCS=1 cargo test -p rumlens-engine --test docs"
    );
}
