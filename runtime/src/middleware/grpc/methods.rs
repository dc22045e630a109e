//! The methods a server offers, and their streaming kinds.

use std::fmt;

/// How a method streams: go-grpc-middleware's `grpc_type` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GrpcType {
    /// One request, one response.
    Unary,
    /// A stream of requests, one response.
    ClientStream,
    /// One request, a stream of responses.
    ServerStream,
    /// Streams both ways.
    BidiStream,
}

impl GrpcType {
    /// The kind of a method from its `stream` markers in the `.proto` file.
    pub fn from_streaming(client_streaming: bool, server_streaming: bool) -> Self {
        match (client_streaming, server_streaming) {
            (false, false) => GrpcType::Unary,
            (true, false) => GrpcType::ClientStream,
            (false, true) => GrpcType::ServerStream,
            (true, true) => GrpcType::BidiStream,
        }
    }

    /// The label value: `unary`, `client_stream`, `server_stream` or `bidi_stream`.
    pub fn as_str(self) -> &'static str {
        match self {
            GrpcType::Unary => "unary",
            GrpcType::ClientStream => "client_stream",
            GrpcType::ServerStream => "server_stream",
            GrpcType::BidiStream => "bidi_stream",
        }
    }
}

impl fmt::Display for GrpcType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One method of a gRPC service.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GrpcMethod {
    service: String,
    method: String,
    kind: GrpcType,
}

impl GrpcMethod {
    /// Method `method` of service `service` (fully qualified, `pkg.Service`).
    pub fn new(service: impl Into<String>, method: impl Into<String>, kind: GrpcType) -> Self {
        Self {
            service: service.into(),
            method: method.into(),
            kind,
        }
    }

    /// The fully qualified service name, `pkg.Service`.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The method name.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// How the method streams.
    pub fn kind(&self) -> GrpcType {
        self.kind
    }

    /// The request path, `/pkg.Service/Method`.
    pub fn path(&self) -> String {
        format!("/{}/{}", self.service, self.method)
    }
}
