//! How much memory an opened dataset may take: above this budget the app does not load the
//! events but answers every view by scanning the files (Polars' streaming engine).

/// Overrides the budget, in MiB (an integer; anything else is ignored). Read once, when the app
/// starts; tests pass a budget to [`crate::state::AppState::with_memory_budget`] instead.
pub const BUDGET_ENV: &str = "RUMLENS_MEMORY_BUDGET_MB";

/// Total memory assumed where it cannot be read (other systems than Linux, unreadable
/// /proc/meminfo).
pub const FALLBACK_TOTAL: u64 = 8 << 30;

/// The budget: 40% of the machine's memory, or `RUMLENS_MEMORY_BUDGET_MB`.
pub fn budget() -> u64 {
    budget_from(std::env::var(BUDGET_ENV).ok().as_deref(), total_memory())
}

/// The budget from the override's value (MiB) and the total memory, when known.
pub fn budget_from(override_mb: Option<&str>, total: Option<u64>) -> u64 {
    if let Some(mb) = override_mb.and_then(|v| v.trim().parse::<u64>().ok()) {
        return mb.saturating_mul(1 << 20);
    }
    total.unwrap_or(FALLBACK_TOTAL) / 5 * 2
}

/// The machine's total memory in bytes (`MemTotal` of /proc/meminfo), `None` elsewhere.
pub fn total_memory() -> Option<u64> {
    if cfg!(target_os = "linux") {
        std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|s| mem_total(&s))
    } else {
        None
    }
}

/// `MemTotal` of a /proc/meminfo text, in bytes.
pub fn mem_total(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find_map(|l| l.strip_prefix("MemTotal:"))?;
    let kib = line.trim().strip_suffix("kB")?.trim().parse::<u64>().ok()?;
    Some(kib.saturating_mul(1024))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mem_total() {
        let s = "MemTotal:       16318412 kB\nMemFree:         1021332 kB\n";
        assert_eq!(mem_total(s), Some(16_318_412 * 1024));
        assert_eq!(mem_total("MemFree: 12 kB\n"), None);
        assert_eq!(mem_total("MemTotal: lots\n"), None);
    }

    #[test]
    fn budget_is_40_percent_or_the_override() {
        assert_eq!(budget_from(None, Some(10 << 30)), 4 << 30);
        assert_eq!(budget_from(None, None), FALLBACK_TOTAL / 5 * 2);
        assert_eq!(budget_from(Some("512"), Some(10 << 30)), 512 << 20);
        assert_eq!(budget_from(Some("0"), None), 0);
        // Not an integer: ignored.
        assert_eq!(budget_from(Some("1.5"), Some(10 << 30)), 4 << 30);
        assert_eq!(budget_from(Some("lots"), None), FALLBACK_TOTAL / 5 * 2);
    }

    #[test]
    fn this_machine_has_a_budget() {
        if cfg!(target_os = "linux") {
            assert!(total_memory().is_some_and(|t| t > 0));
        }
        assert!(budget_from(None, total_memory()) > 0);
    }
}
