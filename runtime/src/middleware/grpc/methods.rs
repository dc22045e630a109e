//! The methods a server offers, and their streaming kinds.

use std::fmt;

use super::descriptor;
use crate::declare::ConfigError;

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

/// Every method of every service in an encoded `FileDescriptorSet`: the
/// bytes `tonic-prost-build`'s `file_descriptor_set_path` writes (the same
/// bytes tonic-reflection serves).
///
/// ```
/// use vitals::middleware::grpc::{GrpcType, methods_from_descriptor_set};
///
/// // An empty set has no methods; a truncated one is an error.
/// assert!(methods_from_descriptor_set(&[]).unwrap().is_empty());
/// assert!(methods_from_descriptor_set(&[0x0a, 0x05]).is_err());
/// # let _ = GrpcType::Unary;
/// ```
pub fn methods_from_descriptor_set(bytes: &[u8]) -> Result<Vec<GrpcMethod>, ConfigError> {
    descriptor::methods(bytes).map_err(|error| {
        ConfigError::new(format!("the file descriptor set does not decode: {error}"))
    })
}
