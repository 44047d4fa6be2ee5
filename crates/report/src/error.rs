//! The report crate's error type; engine errors pass through with their codes.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The spec is not valid JSON or does not describe a report.
    #[error("report spec {path}: {message}")]
    Spec { path: String, message: String },
    /// An analysis or the import failed.
    #[error(transparent)]
    Engine(#[from] rumlens_engine::EngineError),
    /// A chart or document could not be rendered.
    #[error("rendering {what}: {message}")]
    Render { what: String, message: String },
    /// The output cannot be written as asked (wrong extension, not a folder…).
    #[error("{0}")]
    Output(String),
    #[error("I/O error on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ReportError {
    /// Stable code for front ends (`{code, message}`).
    pub fn code(&self) -> &'static str {
        match self {
            ReportError::Spec { .. } => "bad_spec",
            ReportError::Engine(e) => e.code(),
            ReportError::Render { .. } => "render",
            ReportError::Output(_) => "invalid_argument",
            ReportError::Io { .. } => "io",
        }
    }

    pub fn render(what: impl Into<String>, message: impl ToString) -> Self {
        ReportError::Render {
            what: what.into(),
            message: message.to_string(),
        }
    }
}

pub type Result<T> = std::result::Result<T, ReportError>;
