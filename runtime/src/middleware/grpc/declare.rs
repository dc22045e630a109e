//! The layer's metrics in the catalogue: every family described, every
//! registered method's zero series listed.

use metrics::Label;

use super::config::{Config, GrpcNaming, Side};
use crate::catalogue::{LabelValues, MetricKind, Unit};
use crate::declare::{Declaration, leak, leak_slice};

/// Declares every family once with open label values (so it is described
/// even with no method registered), then once per registered method with
/// its own values (so its zero series are pre-created).
#[track_caller]
pub(super) fn declare(
    config: &'static Config,
    buckets: &'static [f64],
    codes: &'static [&'static str],
) {
    let known = |label: &Label| {
        (
            leak(label.key()),
            LabelValues::Known(leak_slice(vec![leak(label.value())])),
        )
    };
    let open = |label: &Label| (leak(label.key()), LabelValues::Open);
    let registered = &config.methods[..config.methods.len() - 1];
    let unknown = &config.methods[config.methods.len() - 1];
    let families =
        std::iter::once((unknown, true)).chain(registered.iter().map(|method| (method, false)));
    for (method, is_family) in families {
        let base: Vec<_> = method
            .labels
            .iter()
            .map(|label| if is_family { open(label) } else { known(label) })
            .collect();
        let coded = || {
            let mut labels = base.clone();
            let values = if is_family {
                LabelValues::Open
            } else {
                LabelValues::Known(codes)
            };
            labels.push((config.code_label, values));
            labels
        };
        let counter = |name, help, labels| Declaration {
            name,
            kind: MetricKind::Counter,
            help,
            unit: None,
            labels,
            buckets: &[],
        };
        let help = Help::of(config.side);
        if let (Some(started), Some(handled), Some(requests), Some(responses)) = (
            config.started,
            config.handled,
            config.request_messages,
            config.response_messages,
        ) {
            counter(started, help.started, base.clone()).declare(config.module);
            counter(handled, help.handled, coded()).declare(config.module);
            counter(requests, help.request_messages, base.clone()).declare(config.module);
            counter(responses, help.response_messages, base.clone()).declare(config.module);
        }
        if let Some(duration) = config.duration {
            let (help, labels) = match config.naming {
                GrpcNaming::GoGrpcMiddleware => (help.handling, base.clone()),
                GrpcNaming::OpenTelemetry => (help.call_duration, coded()),
            };
            Declaration {
                name: duration,
                kind: MetricKind::Histogram,
                help,
                unit: Some(Unit::Seconds),
                labels,
                buckets,
            }
            .declare(config.module);
        }
    }
}

/// The help texts of one side, go-grpc-middleware's (and OpenTelemetry's) own.
struct Help {
    started: &'static str,
    handled: &'static str,
    request_messages: &'static str,
    response_messages: &'static str,
    handling: &'static str,
    call_duration: &'static str,
}

impl Help {
    fn of(side: Side) -> Self {
        match side {
            Side::Server => Help {
                started: "Total number of RPCs started on the server.",
                handled: "Total number of RPCs completed on the server, regardless of success or failure.",
                request_messages: "Total number of RPC stream messages received on the server.",
                response_messages: "Total number of gRPC stream messages sent by the server.",
                handling: "Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.",
                call_duration: "Measures the duration of inbound remote procedure calls.",
            },
            Side::Client => Help {
                started: "Total number of RPCs started on the client.",
                handled: "Total number of RPCs completed by the client, regardless of success or failure.",
                request_messages: "Total number of gRPC stream messages sent by the client.",
                response_messages: "Total number of RPC stream messages received by the client.",
                handling: "Histogram of response latency (seconds) of the gRPC until it is finished by the application.",
                call_duration: "Measures the duration of outbound remote procedure calls.",
            },
        }
    }
}
