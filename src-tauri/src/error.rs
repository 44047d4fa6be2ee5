//! The one error type that reaches the UI: `{code, message}`.

use rumlens_engine::EngineError;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
pub struct AppError {
    /// Machine-readable: bad_file, unknown_format (no format recognises the file: open it with
    /// a column mapping), no_input, invalid_argument, cancelled, io, engine, no_dataset,
    /// superseded, internal; from reports: bad_spec (the report spec is invalid), render (a
    /// chart or document could not be drawn).
    pub code: String,
    pub message: String,
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        AppError {
            code: code.to_string(),
            message: message.into(),
        }
    }
    pub fn no_dataset() -> Self {
        Self::new(
            "no_dataset",
            "no dataset is open: open a file, a folder or the sample data",
        )
    }
    pub fn superseded() -> Self {
        Self::new("superseded", "a newer query replaced this one")
    }
}

impl From<EngineError> for AppError {
    fn from(e: EngineError) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

impl From<rumlens_report::ReportError> for AppError {
    fn from(e: rumlens_report::ReportError) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

impl From<tauri::Error> for AppError {
    fn from(e: tauri::Error) -> Self {
        AppError::new("internal", e.to_string())
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for AppError {}
