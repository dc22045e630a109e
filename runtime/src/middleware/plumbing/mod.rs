//! Tower plumbing both layers share, written once: the response future and
//! body that drive a layer's call guard ([`CallEnd`]), the marking of polls
//! that tells a guard dropped by a caught panic apart from one dropped
//! because the client left, and the accessors of a wrapping service.
//!
//! A layer supplies only its guard: what the response head, each body
//! frame and each way of ending mean for its series. The HTTP layer counts
//! bytes and reads the status code; the gRPC layer counts messages and
//! reads `grpc-status` from the headers or trailers.

mod accessors;
mod body;
mod call_end;
mod future;

// Public types in a private module: applications reach the future and
// body through each layer's aliases (`http::ResponseFuture<F>`, ...), which
// the lint does not follow, and never name the trait.
#[allow(
    unreachable_pub,
    reason = "reachable through the layers' public type aliases"
)]
pub use self::{
    body::ResponseBody,
    call_end::{CallEnd, ServiceErrorEnd},
    future::ResponseFuture,
};

pub(crate) use self::accessors::inner_service_accessors;
#[cfg(any(feature = "axum", feature = "tonic"))]
pub(crate) use self::call_end::ended_by_panic;
