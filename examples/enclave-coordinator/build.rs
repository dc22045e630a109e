//! Compiles `proto/coordinator.proto` without a `protoc` binary into the
//! servers, the clients and the descriptor set the gRPC metrics layer reads
//! each method's streaming kind from; and hands the git revision to
//! `build_info!` for `coordinator_version_info{commit}`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    vitals_build::compile_protos(&["coordinator.proto"], &["proto"])?;
    vitals_build::emit_build_info();
    Ok(())
}
