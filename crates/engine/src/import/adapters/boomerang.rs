//! boomerang / mPulse. PLACEHOLDER: being written; detects nothing yet.

use super::{Adapter, Context, Converted, RecordError};
use serde_json::Value;

pub struct Boomerang;

impl Adapter for Boomerang {
    fn name(&self) -> &'static str {
        "boomerang"
    }
    fn title(&self) -> &'static str {
        "boomerang / mPulse"
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
