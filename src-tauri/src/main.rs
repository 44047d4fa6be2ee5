// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> anyhow::Result<()> {
    let paths: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    rumlens_app::app(tauri::Builder::default(), paths).run(tauri::generate_context!())?;
    Ok(())
}
