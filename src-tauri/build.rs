const COMMANDS: &[&str] = &[
    "open_dataset",
    "suggest_mapping",
    "open_sample",
    "cancel_import",
    "startup_paths",
    "recent_files",
    "import_cache_info",
    "clear_import_cache",
    "pick_paths",
    "overview",
    "summary",
    "breakdown",
    "trend",
    "hist",
    "errors",
    "funnel",
    "compare",
    "report_spec",
    "save_report_spec",
    "export_report",
    "cancel_export",
    "export_chart",
    "export_table",
];

fn main() {
    // The app's own commands go through the ACL like plugin commands: each gets an
    // `allow-<command>` permission, granted to the main window in capabilities/main.json.
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .unwrap_or_else(|e| panic!("tauri build script: {e:#}"));
}
