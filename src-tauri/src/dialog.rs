//! Native save dialogs: where exports are written. Paths come only from here, never from the
//! webview (a compromised page must not choose where the app writes).
//!
//! Test seam: in debug builds, `RUMLENS_TEST_SAVE_DIR` skips the dialog and answers
//! `$RUMLENS_TEST_SAVE_DIR/<suggested name>` (the end-to-end test cannot drive a GTK dialog).
//! The variable is read from the app's environment, which the webview cannot set, and release
//! builds ignore it.

use crate::error::AppError;
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Runtime};

pub const TEST_SAVE_DIR: &str = "RUMLENS_TEST_SAVE_DIR";

/// What to ask for.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// A file of this type: filter name and extension (without the dot).
    File { kind: &'static str, ext: &'static str },
    /// A folder (created if the test seam names one that does not exist).
    Folder,
}

/// Ask where to save; `None` when the user cancelled. `suggested` is a file name only (any
/// folder part is dropped).
pub async fn save_path<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    suggested: &str,
    target: Target,
) -> Result<Option<PathBuf>, AppError> {
    let name = Path::new(suggested)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "rumlens-export".into());
    if let Some(dir) = test_save_dir() {
        let path = dir.join(&name);
        if let Target::Folder = target {
            std::fs::create_dir_all(&path)
                .map_err(|e| AppError::new("io", format!("cannot create {}: {e}", path.display())))?;
        }
        return Ok(Some(path));
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let title = title.to_string();
    // GTK dialogs must run on the main (GTK) thread.
    app.run_on_main_thread(move || {
        let dialog = rfd::FileDialog::new().set_title(title).set_can_create_directories(true);
        let picked = match target {
            Target::Folder => dialog.pick_folder(),
            Target::File { kind, ext } => dialog.set_file_name(name).add_filter(kind, &[ext]).save_file(),
        };
        let _ = tx.send(picked);
    })?;
    let picked = tauri::async_runtime::spawn_blocking(move || rx.recv().ok().flatten())
        .await
        .map_err(|e| AppError::new("internal", e.to_string()))?;
    match (picked, target) {
        (Some(p), Target::File { ext, .. }) => with_extension(p, ext).map(Some),
        (picked, _) => Ok(picked),
    }
}

fn test_save_dir() -> Option<PathBuf> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var_os(TEST_SAVE_DIR)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
}

/// The chosen path with the format's extension (the format follows the extension). A name typed
/// without it gets it appended, unless that names an existing file the dialog did not confirm
/// overwriting.
pub fn with_extension(path: PathBuf, ext: &str) -> Result<PathBuf, AppError> {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext)) {
        return Ok(path);
    }
    let mut s = path.into_os_string();
    s.push(format!(".{ext}"));
    let p = PathBuf::from(s);
    if p.exists() {
        return Err(AppError::new(
            "invalid_argument",
            format!("{} exists: choose it in the dialog to replace it", p.display()),
        ));
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_is_added_but_never_over_an_unconfirmed_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("Report.PDF");
        assert_eq!(with_extension(p.clone(), "pdf").unwrap(), p);
        assert_eq!(
            with_extension(dir.path().join("r"), "pdf").unwrap(),
            dir.path().join("r.pdf")
        );
        std::fs::write(dir.path().join("r.pdf"), b"mine").unwrap();
        assert_eq!(
            with_extension(dir.path().join("r"), "pdf").unwrap_err().code,
            "invalid_argument"
        );
    }
}
