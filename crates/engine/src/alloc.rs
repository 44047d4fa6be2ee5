//! mimalloc's options, for the binaries that use it as their allocator (harmless otherwise:
//! the options of an allocator nobody calls).

/// Option numbers of mimalloc v3 (`mi_option_e` in mimalloc.h of libmimalloc-sys 0.1.49); the
/// Rust bindings name them for v2 only.
pub(crate) const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

pub(crate) fn set_option(option: libmimalloc_sys::mi_option_t, value: i64) {
    // SAFETY: sets one integer option; mimalloc reads options as plain loads.
    unsafe { libmimalloc_sys::mi_option_set(option, value as _) };
}

fn option(option: libmimalloc_sys::mi_option_t) -> i64 {
    // SAFETY: reads one integer option.
    unsafe { libmimalloc_sys::mi_option_get(option) as i64 }
}

/// While alive, freed pages go back to the system after 10 ms instead of mimalloc's 1 s.
///
/// Loading frees about as much as it keeps (decoded row groups, merged pieces); with the 1 s
/// delay those pages are still resident at the load's peak (10M events: ~1.93 -> ~1.72 GB).
/// Queries are better off with the delay: each one would fault its pages in again (Q4 at 10M
/// 105 -> 160 ms with 10 ms throughout), so the delay is restored when the load ends.
/// `MIMALLOC_PURGE_DELAY` in the environment wins.
pub(crate) struct PromptPurge(bool);

/// Loads holding a [`PromptPurge`], and the delay before the first of them.
static ACTIVE: std::sync::Mutex<(usize, i64)> = std::sync::Mutex::new((0, 0));

impl PromptPurge {
    pub(crate) fn new() -> Self {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return PromptPurge(false);
        }
        let Ok(mut active) = ACTIVE.lock() else {
            return PromptPurge(false);
        };
        if active.0 == 0 {
            active.1 = option(PURGE_DELAY);
            set_option(PURGE_DELAY, 10);
        }
        active.0 += 1;
        PromptPurge(true)
    }
}

impl Drop for PromptPurge {
    fn drop(&mut self) {
        if !self.0 {
            return;
        }
        if let Ok(mut active) = ACTIVE.lock() {
            active.0 -= 1;
            if active.0 == 0 {
                set_option(PURGE_DELAY, active.1);
            }
        }
    }
}
