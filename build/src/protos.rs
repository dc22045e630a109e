//! Protos compiled without `protoc`: tonic code and the descriptor set.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::file_names::DESCRIPTOR_SET_FILE;

/// Compiles `protos` (found under the `includes` directories) without a
/// `protoc` binary, generates the tonic servers and clients into `OUT_DIR`,
/// and writes the encoded descriptor set there as [`DESCRIPTOR_SET_FILE`].
///
/// Prints `cargo:rerun-if-changed` for every proto file read, imports
/// included. Name all the protos in one call: each call writes the one
/// descriptor set anew. For code-generation options, use [`ProtoBuild`].
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     vitals_build::compile_protos(&["greeter.proto"], &["proto"])?;
///     Ok(())
/// }
/// ```
pub fn compile_protos<P, I>(protos: &[P], includes: &[I]) -> Result<CompiledProtos, Error>
where
    P: AsRef<Path>,
    I: AsRef<Path>,
{
    ProtoBuild::new().compile(protos, includes)
}

/// [`compile_protos`] with a configured `tonic-prost-build` builder, or
/// another output directory.
///
/// ```no_run
/// // build.rs: servers only.
/// use vitals_build::tonic_prost_build;
///
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     vitals_build::ProtoBuild::new()
///         .tonic(tonic_prost_build::configure().build_client(false))
///         .compile(&["greeter.proto"], &["proto"])?;
///     Ok(())
/// }
/// ```
#[derive(Clone, Debug)]
pub struct ProtoBuild {
    tonic: tonic_prost_build::Builder,
    out_dir: Option<PathBuf>,
}

impl Default for ProtoBuild {
    fn default() -> Self {
        Self::new()
    }
}

impl ProtoBuild {
    /// The builder [`compile_protos`] uses: `tonic_prost_build::configure()`
    /// (servers and clients) and `OUT_DIR`.
    pub fn new() -> Self {
        Self {
            tonic: tonic_prost_build::configure(),
            out_dir: None,
        }
    }

    /// Generates the code with `builder` instead of the default one.
    ///
    /// Its `out_dir`, if set, is where the code goes; the descriptor set
    /// goes to `OUT_DIR` (or [`out_dir`](Self::out_dir)) whatever it says.
    pub fn tonic(mut self, builder: tonic_prost_build::Builder) -> Self {
        self.tonic = builder;
        self
    }

    /// Writes the code and the descriptor set into `dir` instead of
    /// `OUT_DIR`, which `vitals::include_descriptor_set!()` then no longer
    /// finds.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Compiles `protos` found under `includes`: see [`compile_protos`].
    pub fn compile<P, I>(self, protos: &[P], includes: &[I]) -> Result<CompiledProtos, Error>
    where
        P: AsRef<Path>,
        I: AsRef<Path>,
    {
        let (out_dir, tonic) = match self.out_dir {
            Some(dir) => (dir.clone(), self.tonic.out_dir(dir)),
            None => {
                let dir = std::env::var_os("OUT_DIR").ok_or(Error::NoOutDir)?;
                (PathBuf::from(dir), self.tonic)
            }
        };
        let mut compiler = protox::Compiler::new(includes.iter().map(AsRef::as_ref))?;
        compiler
            // Comments in the protos become doc comments in the code.
            .include_source_info(true)
            .include_imports(true)
            .open_files(protos.iter().map(AsRef::as_ref))?;
        let proto_files: Vec<PathBuf> = compiler
            .files()
            .filter_map(|file| file.path().map(Path::to_path_buf))
            .collect();
        for file in &proto_files {
            println!("cargo:rerun-if-changed={}", file.display());
        }
        let descriptor_set = out_dir.join(DESCRIPTOR_SET_FILE);
        std::fs::write(&descriptor_set, compiler.encode_file_descriptor_set()).map_err(
            |source| Error::WriteDescriptorSet {
                path: descriptor_set.clone(),
                source,
            },
        )?;
        tonic
            .compile_fds(compiler.file_descriptor_set())
            .map_err(Error::Generate)?;
        Ok(CompiledProtos {
            descriptor_set,
            proto_files,
        })
    }
}

/// What [`compile_protos`] wrote and read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledProtos {
    descriptor_set: PathBuf,
    proto_files: Vec<PathBuf>,
}

impl CompiledProtos {
    /// The encoded descriptor set written, `{OUT_DIR}/`[`DESCRIPTOR_SET_FILE`].
    pub fn descriptor_set(&self) -> &Path {
        &self.descriptor_set
    }

    /// Every proto file read from disk, imports included: those the build
    /// reruns on.
    pub fn proto_files(&self) -> &[PathBuf] {
        &self.proto_files
    }
}
