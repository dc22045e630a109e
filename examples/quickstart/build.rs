//! Compiles `proto/greeter.proto` without a `protoc` binary (`protox` parses
//! it in Rust), so `cargo run -p quickstart` works on a fresh machine, and
//! writes the encoded descriptor set for the gRPC metrics layer.

use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let descriptors = protox::compile(["greeter.proto"], ["proto"])?;
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out.join("greeter_descriptor.bin"),
        descriptors.encode_to_vec(),
    )?;
    tonic_prost_build::configure().compile_fds(descriptors)?;
    Ok(())
}
