//! Compiles `proto/coordinator.proto` without a `protoc` binary: `protox`
//! parses it in Rust, `tonic-prost-build` generates the servers and clients,
//! and the encoded descriptor set is written for the gRPC metrics layer,
//! which reads each method's streaming kind from it.

use std::path::PathBuf;

use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    // `coordinator_version_info{commit}`: the commit being built, when git knows it.
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned());
    if let Some(commit) = commit {
        println!("cargo:rustc-env=VITALS_GIT_REVISION={commit}");
    }
    let descriptors = protox::compile(["coordinator.proto"], ["proto"])?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out.join("coordinator_descriptor.bin"),
        descriptors.encode_to_vec(),
    )?;
    tonic_prost_build::configure().compile_fds(descriptors)?;
    Ok(())
}
