//! Shared by the mock-runtime tests: the sample path, a mock app with its main window, an IPC
//! call, and the mobile filter.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::PathBuf;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

pub fn sample() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../sample-data/shop.parquet")
        .to_string_lossy()
        .into_owned()
}

pub fn window() -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    window_with(rumlens_app::state::AppState::default())
}

/// A mock app whose datasets open within `bytes` of memory (above it they stream).
pub fn window_with_budget(bytes: u64) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    window_with(rumlens_app::state::AppState::default().with_memory_budget(bytes))
}

fn window_with(state: rumlens_app::state::AppState) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = rumlens_app::app_with_state(mock_builder(), state)
        .build(mock_context(noop_assets()))
        .expect("mock app");
    let w = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("mock window");
    (app, w)
}

pub fn invoke(w: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        w,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().expect("json response"))
}

pub fn mobile() -> Value {
    json!({"dims": [{"column": "device_type", "values": ["mobile"], "negate": false}], "from_ms": null, "to_ms": null, "ranges": []})
}
