//! Compile-error and hygiene cases of every macro.
//!
//! Layout: `tests/ui/<macro>/<misuse>.rs` with its checked-in `.stderr`
//! must fail to compile with exactly that output; `tests/ui/pass/*.rs` must
//! compile. New folders are picked up without editing this file. After an
//! intended change to a message, regenerate the snapshots with
//! `TRYBUILD=overwrite cargo test -p vitals-ui-tests` and review the diff.

use std::path::Path;

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    let mut folders: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/ui exists")
        .map(|entry| entry.expect("readable tests/ui").path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    let mut total = 0;
    for folder in folders {
        let count = std::fs::read_dir(&folder)
            .expect("readable case folder")
            .filter(|entry| {
                entry
                    .as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "rs"))
            })
            .count();
        if count == 0 {
            continue;
        }
        total += count;
        let pattern = folder.join("*.rs");
        if folder.file_name().is_some_and(|name| name == "pass") {
            cases.pass(pattern);
        } else {
            cases.compile_fail(pattern);
        }
    }
    assert!(
        total > 0,
        "no trybuild cases found under {}",
        root.display()
    );
}
