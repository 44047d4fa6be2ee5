//! Datadog RUM. PLACEHOLDER: being written; detects nothing yet.

use super::{Adapter, Context, Converted, RecordError};
use serde_json::Value;

pub struct Datadog;

impl Adapter for Datadog {
    fn name(&self) -> &'static str {
        "datadog"
    }
    fn title(&self) -> &'static str {
        "Datadog RUM"
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
