//! The engine's error type. Every variant maps to a stable machine-readable code.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A whole input file cannot be used (unreadable, not the claimed format, missing a
    /// required column). Nothing is returned for the dataset.
    #[error("{path}: {reason}")]
    File { path: PathBuf, reason: String },
    /// No known format (canonical, a vendor export) recognises the file; a column mapping can
    /// still read it.
    #[error("{path}: {reason}")]
    UnknownFormat { path: PathBuf, reason: String },
    /// The inputs named no file.
    #[error("no input files: {0}")]
    NoInput(String),
    /// A request that cannot be answered as asked (unknown metric, bad filter…).
    #[error("{0}")]
    InvalidArgument(String),
    /// The operation was cancelled through the progress callback.
    #[error("cancelled")]
    Cancelled,
    #[error("I/O error on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("data engine error: {0}")]
    Polars(#[from] polars::prelude::PolarsError),
}

impl EngineError {
    /// Stable code for front ends (`{code, message}`).
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::File { .. } => "bad_file",
            EngineError::UnknownFormat { .. } => "unknown_format",
            EngineError::NoInput(_) => "no_input",
            EngineError::InvalidArgument(_) => "invalid_argument",
            EngineError::Cancelled => "cancelled",
            EngineError::Io { .. } => "io",
            EngineError::Polars(_) => "engine",
        }
    }

    pub fn file(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        EngineError::File {
            path: path.into(),
            reason: reason.into(),
        }
    }

    pub fn invalid(msg: impl Into<String>) -> Self {
        EngineError::InvalidArgument(msg.into())
    }
}

pub type Result<T> = std::result::Result<T, EngineError>;
