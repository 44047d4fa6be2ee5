//! OpenTelemetry. PLACEHOLDER: being written; detects nothing yet.

use super::{Adapter, Context, Converted, RecordError};
use serde_json::Value;

pub struct Otel;

impl Adapter for Otel {
    fn name(&self) -> &'static str {
        "otel"
    }
    fn title(&self) -> &'static str {
        "OpenTelemetry"
    }
    fn description(&self) -> &'static str {
        "(in progress)"
    }
    fn detect(&self, _records: &[Value]) -> Option<String> {
        None
    }
    fn convert(&self, _record: &Value, _ctx: &mut Context, _out: &mut Vec<Converted>) -> Result<(), RecordError> {
        Err((None, "not implemented yet".into()))
    }
}
