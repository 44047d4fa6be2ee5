// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// mimalloc returns freed memory to the system where glibc's per-thread arenas keep it: after
/// loading 10M events the process holds ~2 GB instead of ~6.5 GB (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    rumlens_engine::configure_process();
    let paths: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    rumlens_app::app(tauri::Builder::default(), paths).run(tauri::generate_context!())?;
    Ok(())
}
