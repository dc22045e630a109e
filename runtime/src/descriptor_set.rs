//! The encoded `FileDescriptorSet` a build script wrote into `OUT_DIR`,
//! for `GrpcMetricsLayerBuilder::service` (feature `tonic`), which reads
//! each method's streaming kind from it.
//!
//! `vitals-build` writes it while it generates the tonic code, so the
//! build script is one call and the include is one line:
//!
//! ```text
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     vitals_build::compile_protos(&["greeter.proto"], &["proto"])?;
//!     Ok(())
//! }
//!
//! // src/main.rs
//! const FILE_DESCRIPTOR_SET: &[u8] = vitals::include_descriptor_set!();
//! ```
//!
//! A build script that writes the set itself names it [`FILE_NAME`].

/// The descriptor set's file name in `OUT_DIR`: the name `vitals-build`
/// writes (`vitals_build::DESCRIPTOR_SET_FILE`, the same value) and
/// [`include_descriptor_set!`](crate::include_descriptor_set!) includes.
pub const FILE_NAME: &str = crate::__descriptor_set_file!();

/// The file name as a literal, which `concat!` needs; [`FILE_NAME`] is the
/// documented value.
#[doc(hidden)]
#[macro_export]
macro_rules! __descriptor_set_file {
    () => {
        "vitals_descriptor_set.bin"
    };
}

/// The bytes of the encoded `FileDescriptorSet` that the crate's build
/// script wrote into `OUT_DIR` as [`FILE_NAME`](crate::descriptor_set::FILE_NAME)
/// (`vitals_build::compile_protos` does), as a `&'static [u8; N]`.
///
/// ```ignore
/// const FILE_DESCRIPTOR_SET: &[u8] = vitals::include_descriptor_set!();
///
/// let layer = vitals::middleware::grpc::GrpcMetricsLayer::builder()
///     .service::<GreeterServer<MyGreeter>>(FILE_DESCRIPTOR_SET)
///     .build()?;
/// ```
///
/// Without a build script that wrote the file, compilation fails with
/// "couldn't read `.../vitals_descriptor_set.bin`" (or "environment
/// variable `OUT_DIR` not defined" for a crate with no build script).
#[macro_export]
macro_rules! include_descriptor_set {
    () => {
        ::core::include_bytes!(::core::concat!(
            ::core::env!("OUT_DIR"),
            "/",
            $crate::__descriptor_set_file!()
        ))
    };
}
