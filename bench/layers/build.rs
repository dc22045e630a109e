//! Compiles the tests' `echo.proto` without a `protoc` binary into code and
//! the descriptor set.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    vitals_build::compile_protos(&["echo.proto"], &["../../tests/proto"])?;
    Ok(())
}
