//! The rumlens desktop shell: state, commands, dialogs and progress over `rumlens-engine`.

pub mod bindings;
pub mod commands;
pub mod dialog;
pub mod error;
pub mod export;
pub mod export_commands;
pub mod mappings;
pub mod memory;
pub mod progress;
pub mod recent;
pub mod service;
pub mod state;

use state::AppState;
use tauri::Runtime;

/// Every command the app exposes (also listed in build.rs for the ACL).
#[macro_export]
macro_rules! handlers {
    () => {
        tauri::generate_handler![
            $crate::commands::open_dataset,
            $crate::commands::suggest_mapping,
            $crate::commands::open_sample,
            $crate::commands::cancel_import,
            $crate::commands::startup_paths,
            $crate::commands::recent_files,
            $crate::commands::import_cache_info,
            $crate::commands::clear_import_cache,
            $crate::commands::pick_paths,
            $crate::commands::overview,
            $crate::commands::summary,
            $crate::commands::breakdown,
            $crate::commands::trend,
            $crate::commands::hist,
            $crate::commands::errors,
            $crate::commands::funnel,
            $crate::commands::compare,
            $crate::export_commands::report_spec,
            $crate::export_commands::save_report_spec,
            $crate::export_commands::export_report,
            $crate::export_commands::cancel_export,
            $crate::export_commands::export_chart,
            $crate::export_commands::export_table,
        ]
    };
}

/// The app on any runtime (the real one, or the mock runtime in tests).
pub fn app<R: Runtime>(builder: tauri::Builder<R>, startup_paths: Vec<String>) -> tauri::Builder<R> {
    app_with_state(builder, AppState::with_startup_paths(startup_paths))
}

/// The app with a given state (tests: another memory budget).
pub fn app_with_state<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder.manage(state).invoke_handler(handlers!())
}
