//! rumlens reports. A [`spec::ReportSpec`] (JSON) names inputs, filters and sections; [`run`]
//! computes every section with the engine once; the renderers draw that one [`run::Report`]
//! as PDF, HTML, CSV (one file per table), or a single chart as SVG / PNG. Renderers compute
//! nothing, so the same spec gives the same numbers in every format.

pub mod error;
pub mod run;
pub mod spec;

pub use error::{ReportError, Result};
pub use run::{run, run_on, Report};
pub use spec::ReportSpec;
#[cfg(feature = "ts")]
pub mod bindings;
pub mod chart;
pub mod html;
mod method;
pub mod output;
mod page;
pub mod pdf;
pub mod tables;
pub mod text;

pub use output::{write, Format};
