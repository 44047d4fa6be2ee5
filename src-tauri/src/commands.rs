//! Tauri commands: thin wrappers over the engine. Polars work runs on the blocking pool; a
//! query whose `seq` is no longer the newest of its view returns `superseded`.

use crate::error::AppError;
use crate::mappings::{self, MappingProposal};
use crate::progress::ImportProgress;
use crate::recent::{self, RecentFile};
use crate::service::{self, DatasetInfo};
use crate::state::{AppState, Source};
use rumlens_engine::analysis::breakdown::{breakdown as run_breakdown, Breakdown, BreakdownOptions};
use rumlens_engine::analysis::compare::{compare as run_compare, Compare};
use rumlens_engine::analysis::errors::{errors as run_errors, Errors, ErrorsOptions};
use rumlens_engine::analysis::funnel::{funnel as run_funnel, Funnel, FunnelOptions};
use rumlens_engine::analysis::hist::{hist as run_hist, HistOptions, Histogram};
use rumlens_engine::analysis::overview::{overview as run_overview, Overview};
use rumlens_engine::analysis::summary::{summary as run_summary, Summary, SummaryOptions};
use rumlens_engine::analysis::trend::{trend as run_trend, Trend, TrendOptions};
use rumlens_engine::import::Mapping;
use rumlens_engine::{Dataset, Filter};
use std::path::PathBuf;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State, Window};

/// Run `f` on the window's dataset in the blocking pool, latest-wins per view.
async fn query<R: Runtime, T: Send + 'static>(
    window: &Window<R>,
    state: &State<'_, AppState>,
    seq: u32,
    view: &str,
    f: impl FnOnce(&Dataset) -> rumlens_engine::Result<T> + Send + 'static,
) -> Result<T, AppError> {
    let label = window.label().to_string();
    state.begin_query(&label, view, seq)?;
    let ds = state.dataset(&label)?;
    let out = tauri::async_runtime::spawn_blocking(move || f(&ds))
        .await
        .map_err(|e| AppError::new("internal", e.to_string()))??;
    if !state.is_latest(&label, view, seq) {
        return Err(AppError::superseded());
    }
    Ok(out)
}

fn recent_file<R: Runtime>(app: &AppHandle<R>) -> Result<PathBuf, AppError> {
    Ok(app.path().app_config_dir()?.join("recent.json"))
}

fn mappings_dir<R: Runtime>(app: &AppHandle<R>) -> Result<PathBuf, AppError> {
    Ok(app.path().app_config_dir()?.join("mappings"))
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A column mapping to open with, and where to remember it for the file's columns.
struct WithMapping {
    mapping: Mapping,
    remember_in: Option<PathBuf>,
}

async fn open_paths<R: Runtime>(
    app: &AppHandle<R>,
    window: &Window<R>,
    state: &State<'_, AppState>,
    paths: Vec<String>,
    sample: bool,
    mapping: Option<WithMapping>,
    on_progress: Channel<ImportProgress>,
) -> Result<DatasetInfo, AppError> {
    let label = window.label().to_string();
    let cancel = state.start_import(&label);
    let budget = state.memory_budget;
    let (ds, info, mapping) = tauri::async_runtime::spawn_blocking(move || {
        let send = |p: ImportProgress| {
            // A closed channel (window gone) is not an import error.
            let _ = on_progress.send(p);
        };
        let (ds, info) = service::open(
            &paths,
            sample,
            mapping.as_ref().map(|m| &m.mapping),
            budget,
            &send,
            &cancel,
        )?;
        if let (Some(m), Some(first)) = (&mapping, paths.first()) {
            if let Some(dir) = &m.remember_in {
                // Like the recent list, a convenience: failing to save must not fail the open.
                let _ = mappings::remember(dir, std::path::Path::new(first), &m.mapping);
            }
        }
        Ok::<_, AppError>((ds, info, mapping.map(|m| m.mapping)))
    })
    .await
    .map_err(|e| AppError::new("internal", e.to_string()))??;
    let source = Source {
        paths: info.paths.clone(),
        mapping,
    };
    state.set_dataset(&label, ds, source);
    if !sample {
        // Remembering is a convenience: failing to write the list must not fail the open.
        let _ = recent_file(app).map(|f| recent::remember(&f, &info.paths, now_ms()));
    }
    Ok(info)
}

/// Open `paths`, through `mapping` when given (for files no format recognises: the
/// `unknown_format` error). With `remember_mapping`, a successful open saves the mapping for
/// files with the same columns as the first path (see [`suggest_mapping`]).
#[tauri::command]
pub async fn open_dataset<R: Runtime>(
    app: AppHandle<R>,
    window: Window<R>,
    state: State<'_, AppState>,
    paths: Vec<String>,
    on_progress: Channel<ImportProgress>,
    mapping: Option<Mapping>,
    remember_mapping: Option<bool>,
) -> Result<DatasetInfo, AppError> {
    let mapping = match mapping {
        Some(mapping) => Some(WithMapping {
            mapping,
            remember_in: match remember_mapping {
                Some(true) => Some(mappings_dir(&app)?),
                _ => None,
            },
        }),
        None => None,
    };
    open_paths(&app, &window, &state, paths, false, mapping, on_progress).await
}

/// The mapping dialog's content for `path`: input columns with sample values, the mapping saved
/// for these columns (`saved: true`) or a suggested one, and the canonical columns.
#[tauri::command]
pub async fn suggest_mapping<R: Runtime>(app: AppHandle<R>, path: String) -> Result<MappingProposal, AppError> {
    let dir = mappings_dir(&app)?;
    tauri::async_runtime::spawn_blocking(move || mappings::propose(&dir, &path))
        .await
        .map_err(|e| AppError::new("internal", e.to_string()))?
}

/// Where the bundled sample is: the resource directory of an installed app, or next to the
/// executable of a development build (Tauri only recognises `…/target/debug` as one; a build
/// in another target directory would otherwise look under /usr/lib).
fn sample_path<R: Runtime>(app: &AppHandle<R>) -> Result<PathBuf, AppError> {
    const REL: &str = "sample-data/shop.parquet";
    let resource = app.path().resolve(REL, tauri::path::BaseDirectory::Resource)?;
    let beside_exe = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(|d| d.join(REL)));
    Ok(std::iter::once(resource.clone())
        .chain(beside_exe)
        .find(|p| p.is_file())
        .unwrap_or(resource))
}

/// The bundled sample (`RUMLENS_SAMPLE` overrides its path).
#[tauri::command]
pub async fn open_sample<R: Runtime>(
    app: AppHandle<R>,
    window: Window<R>,
    state: State<'_, AppState>,
    on_progress: Channel<ImportProgress>,
) -> Result<DatasetInfo, AppError> {
    let path = match std::env::var_os("RUMLENS_SAMPLE") {
        Some(p) => PathBuf::from(p),
        None => sample_path(&app)?,
    };
    let paths = vec![path.to_string_lossy().into_owned()];
    open_paths(&app, &window, &state, paths, true, None, on_progress).await
}

#[tauri::command]
pub fn cancel_import<R: Runtime>(window: Window<R>, state: State<'_, AppState>) {
    state.cancel_import(window.label());
}

#[tauri::command]
pub fn startup_paths(state: State<'_, AppState>) -> Vec<String> {
    state.startup_paths.clone()
}

#[tauri::command]
pub fn recent_files<R: Runtime>(app: AppHandle<R>) -> Result<Vec<RecentFile>, AppError> {
    Ok(recent::load(&recent_file(&app)?))
}

/// The import cache's folder and size.
#[tauri::command]
pub async fn import_cache_info() -> Result<service::CacheInfo, AppError> {
    tauri::async_runtime::spawn_blocking(service::cache_info)
        .await
        .map_err(|e| AppError::new("internal", e.to_string()))
}

/// Empty the import cache; returns what is left (nothing).
#[tauri::command]
pub async fn clear_import_cache() -> Result<service::CacheInfo, AppError> {
    tauri::async_runtime::spawn_blocking(|| {
        if let Some(c) = service::import_cache() {
            c.clear();
        }
        service::cache_info()
    })
    .await
    .map_err(|e| AppError::new("internal", e.to_string()))
}

/// Native open dialog (files, or one folder). Empty when cancelled.
#[tauri::command]
pub async fn pick_paths<R: Runtime>(app: AppHandle<R>, folder: bool) -> Result<Vec<String>, AppError> {
    let (tx, rx) = std::sync::mpsc::channel();
    // GTK dialogs must run on the main (GTK) thread.
    app.run_on_main_thread(move || {
        let dialog = rfd::FileDialog::new().set_title(if folder {
            "Open a folder of RUM exports"
        } else {
            "Open RUM exports"
        });
        let picked: Vec<PathBuf> = if folder {
            dialog.pick_folder().into_iter().collect()
        } else {
            dialog
                .add_filter("RUM exports", &["parquet", "ndjson", "jsonl", "json", "gz"])
                .add_filter("All files", &["*"])
                .pick_files()
                .unwrap_or_default()
        };
        let _ = tx.send(picked);
    })?;
    let picked = tauri::async_runtime::spawn_blocking(move || rx.recv().unwrap_or_default())
        .await
        .map_err(|e| AppError::new("internal", e.to_string()))?;
    Ok(picked.into_iter().map(|p| p.to_string_lossy().into_owned()).collect())
}

#[tauri::command]
pub async fn overview<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    seq: u32,
    view: String,
    filter: Filter,
) -> Result<Overview, AppError> {
    query(&window, &state, seq, &view, move |ds| run_overview(ds, &filter)).await
}

#[tauri::command]
pub async fn summary<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    seq: u32,
    view: String,
    filter: Filter,
) -> Result<Summary, AppError> {
    let opts = SummaryOptions {
        top_values: service::CHIP_VALUES,
    };
    query(&window, &state, seq, &view, move |ds| run_summary(ds, &filter, &opts)).await
}

#[tauri::command]
pub async fn breakdown<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    seq: u32,
    view: String,
    filter: Filter,
    opts: BreakdownOptions,
) -> Result<Breakdown, AppError> {
    query(&window, &state, seq, &view, move |ds| run_breakdown(ds, &filter, &opts)).await
}

#[tauri::command]
pub async fn trend<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    seq: u32,
    view: String,
    filter: Filter,
    opts: TrendOptions,
) -> Result<Trend, AppError> {
    query(&window, &state, seq, &view, move |ds| run_trend(ds, &filter, &opts)).await
}

#[tauri::command]
pub async fn hist<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    seq: u32,
    view: String,
    filter: Filter,
    opts: HistOptions,
) -> Result<Histogram, AppError> {
    query(&window, &state, seq, &view, move |ds| run_hist(ds, &filter, &opts)).await
}

#[tauri::command]
pub async fn errors<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    seq: u32,
    view: String,
    filter: Filter,
    opts: ErrorsOptions,
) -> Result<Errors, AppError> {
    query(&window, &state, seq, &view, move |ds| run_errors(ds, &filter, &opts)).await
}

#[tauri::command]
pub async fn funnel<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    seq: u32,
    view: String,
    filter: Filter,
    opts: FunnelOptions,
) -> Result<Funnel, AppError> {
    query(&window, &state, seq, &view, move |ds| run_funnel(ds, &filter, &opts)).await
}

#[tauri::command]
pub async fn compare<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    seq: u32,
    view: String,
    a: Filter,
    b: Filter,
) -> Result<Compare, AppError> {
    query(&window, &state, seq, &view, move |ds| run_compare(ds, &a, &b)).await
}
