//! `compile_protos` and `ProtoBuild` on real proto files in temporary
//! directories: the descriptor set decodes with the service in it, the code
//! is generated, the files read are the ones cargo is told to watch.
#![cfg(feature = "protos")]

use std::path::Path;

use prost::Message;
use prost_types::FileDescriptorSet;
use vitals_build::{CompiledProtos, DESCRIPTOR_SET_FILE, Error, ProtoBuild};

const GREETER: &str = r#"
syntax = "proto3";
package greeter.v1;
import "common/names.proto";

// Says hello.
service Greeter {
  rpc SayHello(common.v1.Name) returns (common.v1.Name);
  rpc Chat(stream common.v1.Name) returns (stream common.v1.Name);
}
"#;

const NAMES: &str = r#"
syntax = "proto3";
package common.v1;

message Name { string value = 1; }
"#;

/// A temporary crate-like tree: `proto/greeter.proto` importing
/// `proto/common/names.proto`, and an empty `out/`.
fn protos() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("proto/common")).unwrap();
    std::fs::create_dir_all(root.path().join("out")).unwrap();
    std::fs::write(root.path().join("proto/greeter.proto"), GREETER).unwrap();
    std::fs::write(root.path().join("proto/common/names.proto"), NAMES).unwrap();
    root
}

/// Compiles the tree's `greeter.proto` with `build`, into `out`.
fn compile_greeter(root: &Path, build: ProtoBuild, out: &Path) -> Result<CompiledProtos, Error> {
    build
        .out_dir(out)
        .compile(&["greeter.proto"], &[root.join("proto")])
}

fn decode(path: &Path) -> FileDescriptorSet {
    FileDescriptorSet::decode(std::fs::read(path).unwrap().as_slice()).unwrap()
}

#[test]
fn the_descriptor_set_holds_the_service_and_its_streaming_kinds() {
    let root = protos();
    let out = root.path().join("out");
    let compiled = compile_greeter(root.path(), ProtoBuild::new(), &out).unwrap();

    assert_eq!(compiled.descriptor_set(), out.join(DESCRIPTOR_SET_FILE));
    let set = decode(compiled.descriptor_set());
    let greeter = set
        .file
        .iter()
        .find(|file| file.name() == "greeter.proto")
        .unwrap();
    assert_eq!(greeter.package(), "greeter.v1");
    let service = &greeter.service[0];
    assert_eq!(service.name(), "Greeter");
    let methods: Vec<_> = service
        .method
        .iter()
        .map(|method| {
            (
                method.name(),
                method.client_streaming(),
                method.server_streaming(),
            )
        })
        .collect();
    assert_eq!(methods, [("SayHello", false, false), ("Chat", true, true)]);
    // The import is in the set too, so the set stands alone.
    assert!(
        set.file
            .iter()
            .any(|file| file.name() == "common/names.proto")
    );
    // Source info is kept: the service's comment becomes its rustdoc.
    assert!(greeter.source_code_info.is_some());
}

#[test]
fn the_tonic_code_is_generated_next_to_it() {
    let root = protos();
    let out = root.path().join("out");
    compile_greeter(root.path(), ProtoBuild::new(), &out).unwrap();

    let code = std::fs::read_to_string(out.join("greeter.v1.rs")).unwrap();
    assert!(code.contains("pub mod greeter_server"), "{code}");
    assert!(code.contains("pub mod greeter_client"), "{code}");
    assert!(code.contains("/// Says hello."), "{code}");
    assert!(out.join("common.v1.rs").is_file());
}

#[test]
fn a_configured_tonic_builder_is_the_one_used() {
    let root = protos();
    let out = root.path().join("out");
    let servers_only =
        ProtoBuild::new().tonic(vitals_build::tonic_prost_build::configure().build_client(false));
    compile_greeter(root.path(), servers_only, &out).unwrap();

    let code = std::fs::read_to_string(out.join("greeter.v1.rs")).unwrap();
    assert!(code.contains("pub mod greeter_server"), "{code}");
    assert!(!code.contains("pub mod greeter_client"), "{code}");
    assert!(out.join(DESCRIPTOR_SET_FILE).is_file());
}

#[test]
fn every_proto_file_read_is_watched_imports_included() {
    let root = protos();
    let include = root.path().join("proto");
    let compiled = ProtoBuild::new()
        .out_dir(root.path().join("out"))
        .compile(&["greeter.proto"], &[&include])
        .unwrap();

    let mut watched: Vec<_> = compiled
        .proto_files()
        .iter()
        .map(|path| path.canonicalize().unwrap())
        .collect();
    watched.sort();
    let mut expected = [
        include.join("common/names.proto").canonicalize().unwrap(),
        include.join("greeter.proto").canonicalize().unwrap(),
    ];
    expected.sort();
    assert_eq!(watched, expected);
}

#[test]
fn a_missing_proto_is_an_error_naming_it() {
    let root = protos();
    let error = ProtoBuild::new()
        .out_dir(root.path().join("out"))
        .compile(&["absent.proto"], &[root.path().join("proto")])
        .unwrap_err();

    assert!(matches!(error, Error::Parse(_)), "{error:?}");
    let message = error.to_string();
    assert!(
        message.starts_with("cannot compile the protos: "),
        "{message}"
    );
    assert!(message.contains("absent.proto"), "{message}");
    assert!(!root.path().join("out").join(DESCRIPTOR_SET_FILE).exists());
}

#[test]
fn outside_a_build_script_without_an_out_dir_it_says_what_to_do() {
    // Cargo sets `OUT_DIR` for build scripts, not for this test binary.
    assert_eq!(std::env::var_os("OUT_DIR"), None);
    let root = protos();
    let error =
        vitals_build::compile_protos(&["greeter.proto"], &[root.path().join("proto")]).unwrap_err();

    assert!(matches!(error, Error::NoOutDir), "{error:?}");
    assert_eq!(
        error.to_string(),
        "`OUT_DIR` is not set: call `compile_protos` from a build script, or give `ProtoBuild::out_dir`"
    );
}

#[test]
fn an_unwritable_out_dir_is_an_error_naming_the_path() {
    let root = protos();
    let missing = root.path().join("no/such/dir");
    let error = compile_greeter(root.path(), ProtoBuild::new(), &missing).unwrap_err();

    assert!(
        matches!(error, Error::WriteDescriptorSet { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    let expected = format!(
        "cannot write the descriptor set to `{}`",
        missing.join(DESCRIPTOR_SET_FILE).display()
    );
    assert!(message.starts_with(&expected), "{message}");
}

#[test]
fn the_file_name_is_the_one_the_runtime_includes() {
    assert_eq!(DESCRIPTOR_SET_FILE, vitals::descriptor_set::FILE_NAME);
}
