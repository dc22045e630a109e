//! Why compiling the protos failed.

use std::path::PathBuf;

/// A failure of [`compile_protos`](crate::compile_protos) or
/// [`ProtoBuild::compile`](crate::ProtoBuild::compile).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Neither `OUT_DIR` (set by cargo for build scripts) nor
    /// [`ProtoBuild::out_dir`](crate::ProtoBuild::out_dir) says where to write.
    #[error(
        "`OUT_DIR` is not set: call `compile_protos` from a build script, or give `ProtoBuild::out_dir`"
    )]
    NoOutDir,
    /// A proto file is missing, not under an include directory, or invalid.
    #[error("cannot compile the protos: {0}")]
    Parse(#[from] protox::Error),
    /// The descriptor set could not be written.
    #[error("cannot write the descriptor set to `{}`: {source}", path.display())]
    WriteDescriptorSet {
        /// Where it was to be written.
        path: PathBuf,
        /// The I/O failure.
        source: std::io::Error,
    },
    /// `tonic-prost-build` could not generate or write the code.
    #[error("`tonic-prost-build` cannot generate the code: {0}")]
    Generate(#[source] std::io::Error),
}
