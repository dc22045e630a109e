//! Compiles `proto/coordinator.proto` without a `protoc` binary into the
//! client and server code.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    vitals_build::compile_protos(&["coordinator.proto"], &["proto"])?;
    Ok(())
}
