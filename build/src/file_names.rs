//! The names of what the helpers write, which the runtime names too.

/// The descriptor set's file name in `OUT_DIR` (or `ProtoBuild::out_dir`).
///
/// `vitals::include_descriptor_set!()` includes this file; the runtime
/// declares the same name as `vitals::descriptor_set::FILE_NAME`.
pub const DESCRIPTOR_SET_FILE: &str = "vitals_descriptor_set.bin";
