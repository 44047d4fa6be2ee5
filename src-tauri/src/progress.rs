//! Import progress for the UI: the engine's `on_progress(done, total)` callback turned into
//! throttled messages (at most 20 a second; the first and the last always sent).

use serde::Serialize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
pub struct ImportProgress {
    pub done_bytes: u64,
    pub total_bytes: u64,
    /// Rows accepted so far (NDJSON and vendor files while importing; every format at the end).
    pub rows: Option<u64>,
    pub finished: bool,
}

pub const MIN_INTERVAL: Duration = Duration::from_millis(50);

/// Decides which progress updates go out.
pub struct Throttle {
    last: Mutex<Option<Instant>>,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle { last: Mutex::new(None) }
    }
}

impl Throttle {
    /// `true` when an update at `now` should be sent (always for the first one).
    pub fn should_send(&self, now: Instant) -> bool {
        let Ok(mut last) = self.last.lock() else {
            return true;
        };
        match *last {
            Some(t) if now.duration_since(t) < MIN_INTERVAL => false,
            _ => {
                *last = Some(now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_twenty_a_second() {
        let t = Throttle::default();
        let start = Instant::now();
        let sent = (0..1000)
            .filter(|i| t.should_send(start + Duration::from_millis(*i)))
            .count();
        assert_eq!(sent, 20); // 0, 50, 100, … 950 ms
    }
}
