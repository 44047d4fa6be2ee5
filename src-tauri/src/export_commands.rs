//! Commands of "Export": the report spec of what is on screen, saving it, a whole report, one
//! view's chart or table. Thin: the work is in [`crate::export`]; paths come only from the
//! native save dialog ([`crate::dialog`]), never from the webview. Results are the written
//! paths, `null` when the dialog was cancelled.

use crate::dialog::{self, Target};
use crate::error::AppError;
use crate::export::{self, ChartFormat, ExportProgress, ReportFormat};
use crate::state::AppState;
use rumlens_engine::Filter;
use rumlens_report::spec::{ReportSpec, Section};
use std::path::Path;
use std::sync::atomic::Ordering;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State, Window};

fn text(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, AppError> + Send + 'static) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| AppError::new("internal", e.to_string()))?
}

/// The spec of `sections` (the views' options as sections) over the window's dataset, with the
/// filter bar's `filter` as the report's filters.
#[tauri::command]
pub fn report_spec<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    title: String,
    sections: Vec<Section>,
    filter: Filter,
) -> Result<ReportSpec, AppError> {
    let (_, source) = state.dataset_and_source(window.label())?;
    export::build_spec(&title, sections, &filter, &source)
}

/// Save dialog (`*.json`), then the spec (and the dataset's column mapping beside it, if any).
#[tauri::command]
pub async fn save_report_spec<R: Runtime>(
    app: AppHandle<R>,
    window: Window<R>,
    state: State<'_, AppState>,
    spec: ReportSpec,
) -> Result<Option<String>, AppError> {
    let spec = export::validate(spec)?;
    let mapping = state
        .dataset_and_source(window.label())
        .ok()
        .and_then(|(_, s)| s.mapping.clone());
    let name = export::report_file_name(&spec.title, Some("json"));
    let target = Target::File {
        kind: "Report spec",
        ext: "json",
    };
    let Some(path) = dialog::save_path(&app, "Save report spec", &name, target).await? else {
        return Ok(None);
    };
    let written = blocking(move || export::save_spec(&spec, mapping.as_ref(), &path)).await?;
    Ok(written.first().map(|p| text(p)))
}

/// Save dialog (a file for PDF / HTML, a folder for CSV), then every section over the window's
/// dataset, with `(done, total)` progress; `cancel_export` stops it between sections.
#[tauri::command]
pub async fn export_report<R: Runtime>(
    app: AppHandle<R>,
    window: Window<R>,
    state: State<'_, AppState>,
    spec: ReportSpec,
    format: ReportFormat,
    on_progress: Channel<ExportProgress>,
) -> Result<Option<Vec<String>>, AppError> {
    let label = window.label().to_string();
    let ds = state.dataset(&label)?;
    let spec = export::validate(spec)?;
    let name = export::report_file_name(&spec.title, format.extension());
    let target = match format.extension() {
        Some(ext) => Target::File {
            kind: if format == ReportFormat::Pdf { "PDF" } else { "HTML" },
            ext,
        },
        None => Target::Folder,
    };
    let title = match format {
        ReportFormat::Csv => "Choose a folder for the report's CSV files",
        _ => "Export report",
    };
    let Some(out) = dialog::save_path(&app, title, &name, target).await? else {
        return Ok(None);
    };
    let cancel = state.start_export(&label);
    let written = blocking(move || {
        let progress = |done: usize, total: usize| -> bool {
            // A closed channel (window gone) is not an export error.
            let _ = on_progress.send(ExportProgress {
                done: done as u32,
                total: total as u32,
            });
            !cancel.load(Ordering::Relaxed)
        };
        export::export_report(&ds, &spec, format, &out, &progress)
    })
    .await?;
    Ok(Some(written.iter().map(|p| text(p)).collect()))
}

/// Stop the running report export (after the section being computed).
#[tauri::command]
pub fn cancel_export<R: Runtime>(window: Window<R>, state: State<'_, AppState>) {
    state.cancel_export(window.label());
}

/// Save dialog, then one view's chart, drawn as in reports.
#[tauri::command]
pub async fn export_chart<R: Runtime>(
    app: AppHandle<R>,
    window: Window<R>,
    state: State<'_, AppState>,
    section: Section,
    filter: Filter,
    format: ChartFormat,
) -> Result<Option<String>, AppError> {
    let (ds, source) = state.dataset_and_source(window.label())?;
    let name = export::section_file_name(&section, format.extension());
    let spec = export::section_spec(section, &filter, &source)?;
    let ext = format.extension();
    let kind = if format == ChartFormat::Png {
        "PNG image"
    } else {
        "SVG image"
    };
    let Some(out) = dialog::save_path(&app, "Export chart", &name, Target::File { kind, ext }).await? else {
        return Ok(None);
    };
    let path = blocking(move || export::export_chart(&ds, &spec, format, &out)).await?;
    Ok(Some(text(&path)))
}

/// Save dialog, then one view's main table as CSV.
#[tauri::command]
pub async fn export_table<R: Runtime>(
    app: AppHandle<R>,
    window: Window<R>,
    state: State<'_, AppState>,
    section: Section,
    filter: Filter,
) -> Result<Option<String>, AppError> {
    let (ds, source) = state.dataset_and_source(window.label())?;
    let name = export::section_file_name(&section, "csv");
    let spec = export::section_spec(section, &filter, &source)?;
    let target = Target::File {
        kind: "CSV",
        ext: "csv",
    };
    let Some(out) = dialog::save_path(&app, "Export table", &name, target).await? else {
        return Ok(None);
    };
    let path = blocking(move || export::export_table(&ds, &spec, &out)).await?;
    Ok(Some(text(&path)))
}
