//! Compiles `proto/greeter.proto` without a `protoc` binary (`protox` parses
//! it in Rust), so `cargo run -p quickstart` works on a fresh machine.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let descriptors = protox::compile(["greeter.proto"], ["proto"])?;
    tonic_prost_build::configure().compile_fds(descriptors)?;
    Ok(())
}
