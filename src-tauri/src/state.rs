//! Per-window state: the open dataset and where it came from, the newest query number of each
//! view, the import's and the export's cancel flags; the memory budget datasets open within.

use crate::error::AppError;
use rumlens_engine::import::Mapping;
use rumlens_engine::Dataset;
use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};

/// What a window's dataset was opened from: the paths as given and the column mapping, if any
/// (what a report spec needs to open the same data again).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Source {
    pub paths: Vec<String>,
    pub mapping: Option<Mapping>,
}

#[derive(Default)]
struct WindowState {
    dataset: Option<(Arc<Dataset>, Arc<Source>)>,
    latest: HashMap<String, u32>,
    cancel: Arc<AtomicBool>,
    export_cancel: Arc<AtomicBool>,
}

pub struct AppState {
    windows: Mutex<HashMap<String, WindowState>>,
    /// Paths given on the command line, opened by the UI at start.
    pub startup_paths: Vec<String>,
    /// Bytes a dataset may take in memory; a larger one is streamed from its files (see
    /// [`crate::memory`]).
    pub memory_budget: u64,
}

impl Default for AppState {
    fn default() -> Self {
        Self::with_startup_paths(Vec::new())
    }
}

impl AppState {
    /// The state at start: the memory budget from this machine (or `RUMLENS_MEMORY_BUDGET_MB`).
    pub fn with_startup_paths(paths: Vec<String>) -> Self {
        AppState {
            windows: Mutex::default(),
            startup_paths: paths,
            memory_budget: crate::memory::budget(),
        }
    }

    /// The same state with another memory budget (bytes).
    pub fn with_memory_budget(self, bytes: u64) -> Self {
        AppState {
            memory_budget: bytes,
            ..self
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, WindowState>> {
        // A panic while holding the lock leaves plain data behind: keep going.
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn dataset(&self, window: &str) -> Result<Arc<Dataset>, AppError> {
        self.dataset_and_source(window).map(|(ds, _)| ds)
    }

    /// The dataset with the paths and mapping it was opened from.
    pub fn dataset_and_source(&self, window: &str) -> Result<(Arc<Dataset>, Arc<Source>), AppError> {
        self.lock()
            .get(window)
            .and_then(|w| w.dataset.clone())
            .ok_or_else(AppError::no_dataset)
    }

    pub fn set_dataset(&self, window: &str, ds: Dataset, source: Source) {
        let mut map = self.lock();
        let w = map.entry(window.to_string()).or_default();
        w.dataset = Some((Arc::new(ds), Arc::new(source)));
        w.latest.clear();
    }

    /// A fresh cancel flag for an export in `window` (cancels any export still running there).
    pub fn start_export(&self, window: &str) -> Arc<AtomicBool> {
        let mut map = self.lock();
        let w = map.entry(window.to_string()).or_default();
        w.export_cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        w.export_cancel = Arc::new(AtomicBool::new(false));
        w.export_cancel.clone()
    }

    pub fn cancel_export(&self, window: &str) {
        if let Some(w) = self.lock().get(window) {
            w.export_cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// A fresh cancel flag for an import in `window` (cancels any import still running there).
    pub fn start_import(&self, window: &str) -> Arc<AtomicBool> {
        let mut map = self.lock();
        let w = map.entry(window.to_string()).or_default();
        w.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        w.cancel = Arc::new(AtomicBool::new(false));
        w.cancel.clone()
    }

    pub fn cancel_import(&self, window: &str) {
        if let Some(w) = self.lock().get(window) {
            w.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// Register query `seq` of `view`; an older `seq` than one already seen is superseded.
    pub fn begin_query(&self, window: &str, view: &str, seq: u32) -> Result<(), AppError> {
        let mut map = self.lock();
        let w = map.entry(window.to_string()).or_default();
        let latest = w.latest.entry(view.to_string()).or_insert(seq);
        if seq < *latest {
            return Err(AppError::superseded());
        }
        *latest = seq;
        Ok(())
    }

    /// Whether `seq` is still the newest query of `view`.
    pub fn is_latest(&self, window: &str, view: &str, seq: u32) -> bool {
        self.lock()
            .get(window)
            .and_then(|w| w.latest.get(view))
            .is_none_or(|l| *l == seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_query_wins() {
        let s = AppState::default();
        s.begin_query("main", "trends", 1).unwrap();
        s.begin_query("main", "trends", 2).unwrap();
        assert!(!s.is_latest("main", "trends", 1));
        assert!(s.is_latest("main", "trends", 2));
        assert_eq!(s.begin_query("main", "trends", 1).unwrap_err().code, "superseded");
        // Views and windows are independent.
        s.begin_query("main", "errors", 1).unwrap();
        s.begin_query("other", "trends", 1).unwrap();
        assert_eq!(s.dataset("main").unwrap_err().code, "no_dataset");
    }

    #[test]
    fn a_new_import_cancels_the_previous_one() {
        let s = AppState::default();
        let first = s.start_import("main");
        let second = s.start_import("main");
        assert!(first.load(std::sync::atomic::Ordering::Relaxed));
        assert!(!second.load(std::sync::atomic::Ordering::Relaxed));
        s.cancel_import("main");
        assert!(second.load(std::sync::atomic::Ordering::Relaxed));
    }

    #[test]
    fn exports_cancel_apart_from_imports() {
        let s = AppState::default();
        let import = s.start_import("main");
        let first = s.start_export("main");
        let second = s.start_export("main");
        assert!(first.load(std::sync::atomic::Ordering::Relaxed));
        s.cancel_export("main");
        assert!(second.load(std::sync::atomic::Ordering::Relaxed));
        assert!(!import.load(std::sync::atomic::Ordering::Relaxed));
        assert_eq!(s.dataset_and_source("main").unwrap_err().code, "no_dataset");
    }
}
