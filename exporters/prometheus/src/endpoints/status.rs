//! `/status`: build info, probe results and the application's states, as JSON.
//!
//! ```json
//! {
//!   "application": {"name": "coordinator", "version": "1.2.0", "revision": "9f1c2e7", "branch": "main", "rustc_version": "1.95.0"},
//!   "live": true,
//!   "ready": false,
//!   "shutting_down": false,
//!   "states": {"coordinator_state": {"code": 1, "state": "recovery", "meaning": "waiting for a key", "ready": false}}
//! }
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::header;
use serde::Serialize;
use vitals::health::Probe;

use super::health::run_checks;
use crate::shared::Shared;

#[derive(Serialize)]
struct Status<'a> {
    application: Option<Application<'a>>,
    live: bool,
    ready: bool,
    shutting_down: bool,
    states: BTreeMap<String, StateJson>,
}

#[derive(Serialize)]
struct Application<'a> {
    name: &'a str,
    version: &'a str,
    revision: &'a str,
    branch: &'a str,
    rustc_version: &'a str,
}

#[derive(Serialize)]
struct StateJson {
    code: i64,
    state: String,
    meaning: String,
    ready: bool,
}

fn passed(results: &[(String, Option<vitals::health::CheckResult>)]) -> bool {
    results
        .iter()
        .all(|(_, result)| !matches!(result, Some(Err(_))))
}

pub(super) async fn status(State(shared): State<Arc<Shared>>) -> Response {
    let live = passed(&run_checks(&shared, Probe::Liveness, &[], None).await);
    let ready = passed(&run_checks(&shared, Probe::Readiness, &[], None).await);
    let states = shared
        .health
        .states()
        .into_iter()
        .map(|named| {
            let state = named.state;
            (
                named.name,
                StateJson {
                    code: state.code,
                    state: state.name.into_owned(),
                    meaning: state.meaning.into_owned(),
                    ready: state.ready,
                },
            )
        })
        .collect();
    let application = shared.build_info.as_ref().map(|info| Application {
        name: info.name(),
        version: info.version(),
        revision: info.revision(),
        branch: info.branch(),
        rustc_version: info.rustc_version(),
    });
    let body = Status {
        application,
        live,
        ready,
        shutting_down: shared.health.is_shutting_down(),
        states,
    };
    ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}
