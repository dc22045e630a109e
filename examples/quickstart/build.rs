//! Compiles `proto/greeter.proto` without a `protoc` binary (so
//! `cargo run -p quickstart` works on a fresh machine) and hands the git
//! revision and branch to `build_info!`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    vitals_build::compile_protos(&["greeter.proto"], &["proto"])?;
    vitals_build::emit_build_info();
    Ok(())
}
