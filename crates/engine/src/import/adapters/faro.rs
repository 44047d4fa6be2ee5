//! Grafana Faro. PLACEHOLDER: being written; detects nothing yet.

use super::{Adapter, Context, Converted, RecordError};
use serde_json::Value;

pub struct Faro;

impl Adapter for Faro {
    fn name(&self) -> &'static str {
        "faro"
    }
    fn title(&self) -> &'static str {
        "Grafana Faro"
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
