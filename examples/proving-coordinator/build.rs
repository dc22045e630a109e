//! Compiles `proto/coordinator.proto` without a `protoc` binary: `protox`
//! parses it in Rust and `tonic-prost-build` generates the client and server.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let descriptors = protox::compile(["coordinator.proto"], ["proto"])?;
    tonic_prost_build::configure().compile_fds(descriptors)?;
    Ok(())
}
