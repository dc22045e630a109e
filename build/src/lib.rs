//! # vitals-build
//!
//! Build-script helpers for [`vitals`](https://docs.rs/vitals) services,
//! for `[build-dependencies]`:
//!
//! - [`compile_protos`]: compiles `.proto` files without a `protoc` binary
//!   (`protox` parses them in Rust), generates the tonic code with
//!   `tonic-prost-build` (for `tonic::include_proto!`), and writes the
//!   encoded `FileDescriptorSet` into `OUT_DIR` as [`DESCRIPTOR_SET_FILE`],
//!   which `vitals::include_descriptor_set!()` includes for the gRPC
//!   metrics layer. [`ProtoBuild`] takes a configured `tonic-prost-build`
//!   builder.
//! - [`emit_build_info`]: the git revision and branch the crate is built
//!   from, as the compile-time variables `VITALS_GIT_REVISION` and
//!   `VITALS_GIT_BRANCH` that `vitals_prometheus::build_info!()` reads, so
//!   `{app}_build_info` names the commit. Outside a git checkout, or
//!   without `git`, it emits nothing and the labels stay `unknown`.
//!
//! Both print the `cargo:rerun-if-changed` lines that rebuild the crate
//! when a proto file or the checked-out commit changes.
//!
//! The proto helpers are the default feature `protos`; a crate without
//! protos can leave it out (`default-features = false`) and build neither
//! `protox` nor `tonic-prost-build`.
//!
//! The whole `build.rs` of a service with `proto/greeter.proto`:
//!
//! ```no_run
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     vitals_build::compile_protos(&["greeter.proto"], &["proto"])?;
//!     vitals_build::emit_build_info();
//!     Ok(())
//! }
//! ```
//!
//! and in the service:
//!
//! ```ignore
//! mod proto {
//!     tonic::include_proto!("greeter.v1");
//! }
//! const FILE_DESCRIPTOR_SET: &[u8] = vitals::include_descriptor_set!();
//!
//! let layer = vitals::middleware::grpc::GrpcMetricsLayer::builder()
//!     .service::<proto::greeter_server::GreeterServer<MyGreeter>>(FILE_DESCRIPTOR_SET)
//!     .build()?;
//! let exporter = vitals_prometheus::Exporter::builder(vitals_prometheus::build_info!()).install()?;
//! ```

// The examples are whole build scripts: their `fn main` is the point.
#![allow(clippy::needless_doctest_main)]

#[cfg(feature = "protos")]
mod error;
mod file_names;
mod git;
#[cfg(feature = "protos")]
mod protos;

#[cfg(feature = "protos")]
pub use crate::error::Error;
pub use crate::file_names::DESCRIPTOR_SET_FILE;
pub use crate::git::{GitInfo, emit_build_info};
#[cfg(feature = "protos")]
pub use crate::protos::{CompiledProtos, ProtoBuild, compile_protos};
/// The code generator `ProtoBuild::tonic` takes a builder of, re-exported
/// so its version always matches this crate's.
#[cfg(feature = "protos")]
pub use tonic_prost_build;
