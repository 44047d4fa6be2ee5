//! Shared by the CLI tests: the repository root and a `rumlens` run from it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn rumlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rumlens"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run rumlens")
}
