//! Hands the git revision and branch to `build_info!`, so
//! `{app}_build_info` names the commit built.

fn main() {
    vitals_build::emit_build_info();
}
