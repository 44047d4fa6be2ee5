//! Per-window state: the open dataset, the newest query number of each view, the import's
//! cancel flag.

use crate::error::AppError;
use rumlens_engine::Dataset;
use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Default)]
struct WindowState {
    dataset: Option<Arc<Dataset>>,
    latest: HashMap<String, u32>,
    cancel: Arc<AtomicBool>,
}

#[derive(Default)]
pub struct AppState {
    windows: Mutex<HashMap<String, WindowState>>,
    /// Paths given on the command line, opened by the UI at start.
    pub startup_paths: Vec<String>,
}

impl AppState {
    pub fn with_startup_paths(paths: Vec<String>) -> Self {
        AppState {
            windows: Mutex::default(),
            startup_paths: paths,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, WindowState>> {
        // A panic while holding the lock leaves plain data behind: keep going.
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn dataset(&self, window: &str) -> Result<Arc<Dataset>, AppError> {
        self.lock()
            .get(window)
            .and_then(|w| w.dataset.clone())
            .ok_or_else(AppError::no_dataset)
    }

    pub fn set_dataset(&self, window: &str, ds: Dataset) {
        let mut map = self.lock();
        let w = map.entry(window.to_string()).or_default();
        w.dataset = Some(Arc::new(ds));
        w.latest.clear();
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
}
