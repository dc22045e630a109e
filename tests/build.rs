//! Compiles `proto/echo.proto` without a `protoc` binary into the client,
//! the server and the descriptor set the layer reads method kinds from, as
//! an application's build script does.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    vitals_build::compile_protos(&["echo.proto"], &["proto"])?;
    Ok(())
}
