//! The go-grpc-middleware series of one method, server or client side, as
//! the gRPC layer tests read them back.

use crate::layer_support::{settle, value};

/// The echo service every gRPC layer test calls.
pub const SERVICE: &str = "vitals.test.v1.Echo";

/// The series of one method under one namespace, on one side.
pub struct GrpcSeries {
    /// `server` or `client`.
    side: &'static str,
    namespace: &'static str,
    kind: &'static str,
    service: &'static str,
    method: &'static str,
}

impl GrpcSeries {
    /// `grpc_server_*` of an echo method.
    pub fn server(namespace: &'static str, kind: &'static str, method: &'static str) -> Self {
        Self {
            side: "server",
            namespace,
            kind,
            service: SERVICE,
            method,
        }
    }

    /// `grpc_client_*` of an echo method.
    pub fn client(namespace: &'static str, kind: &'static str, method: &'static str) -> Self {
        Self {
            side: "client",
            ..Self::server(namespace, kind, method)
        }
    }

    /// `grpc_server_*` of calls to methods the layer does not know.
    pub fn unknown_server(namespace: &'static str) -> Self {
        Self {
            side: "server",
            namespace,
            kind: "unknown",
            service: "unknown",
            method: "unknown",
        }
    }

    pub fn labels(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("grpc_type", self.kind),
            ("grpc_service", self.service),
            ("grpc_method", self.method),
        ]
    }

    pub fn get(&self, suffix: &str) -> Option<f64> {
        value(&self.name(suffix), &self.labels())
    }

    fn name(&self, suffix: &str) -> String {
        format!("{}_grpc_{}_{suffix}", self.namespace, self.side)
    }

    pub fn started(&self) -> Option<f64> {
        self.get("started_total")
    }

    pub fn received(&self) -> Option<f64> {
        self.get("msg_received_total")
    }

    pub fn sent(&self) -> Option<f64> {
        self.get("msg_sent_total")
    }

    pub fn timed(&self) -> Option<f64> {
        self.get("handling_seconds_count")
    }

    pub fn handled_labels(&self, code: &'static str) -> Vec<(&'static str, &'static str)> {
        let mut labels = self.labels();
        labels.push(("grpc_code", code));
        labels
    }

    pub fn handled(&self, code: &'static str) -> Option<f64> {
        value(&self.name("handled_total"), &self.handled_labels(code))
    }

    /// The sum of `handled` over every code.
    pub fn handled_total(&self) -> f64 {
        vitals::status::GRPC_CODE_NAMES
            .iter()
            .map(|code| self.handled(code).unwrap_or(0.0))
            .sum()
    }

    /// Waits until `handled(code)` reads `expected` (the layer records when
    /// the response body ends, after the client has its answer).
    pub async fn settle(&self, code: &'static str, expected: f64) {
        settle(
            &self.name("handled_total"),
            &self.handled_labels(code),
            expected,
        )
        .await;
    }
}
