//! `GitInfo` in real temporary git repositories: a branch, a detached HEAD,
//! packed refs, no commit yet, a linked worktree, and a directory outside
//! any repository.

use std::path::{Path, PathBuf};
use std::process::Command;

use vitals_build::GitInfo;

/// Runs `git args` in `dir` without the user's or system's git config
/// (no signing hooks, a fixed identity), and returns its trimmed output.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=vitals",
            "-c",
            "user.email=vitals@example.invalid",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// A new repository whose unborn branch is `trunk`.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["symbolic-ref", "HEAD", "refs/heads/trunk"]);
    dir
}

fn commit(dir: &Path, message: &str) -> String {
    std::fs::write(dir.join("file.txt"), message).unwrap();
    git(dir, &["add", "file.txt"]);
    git(dir, &["commit", "-q", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

fn canonical(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .map(|path| path.canonicalize().unwrap())
        .collect()
}

fn at(root: &Path, relative: &str) -> PathBuf {
    root.join(relative).canonicalize().unwrap()
}

#[test]
fn a_branch_gives_revision_branch_and_the_ref_to_watch() {
    let repository = repository();
    let root = repository.path();
    let revision = commit(root, "first");

    let info = GitInfo::discover(root).unwrap();
    assert_eq!(info.revision(), Some(revision.as_str()));
    assert_eq!(revision.len(), 40);
    assert_eq!(info.branch(), Some("trunk"));
    assert_eq!(
        canonical(info.watched_paths()),
        [at(root, ".git/HEAD"), at(root, ".git/refs/heads/trunk")]
    );
    let instructions = info.cargo_instructions();
    assert_eq!(
        instructions[2..],
        [
            format!("cargo:rustc-env=VITALS_GIT_REVISION={revision}"),
            "cargo:rustc-env=VITALS_GIT_BRANCH=trunk".to_owned(),
        ]
    );
    assert!(instructions[0].starts_with("cargo:rerun-if-changed="));
    assert!(instructions[0].ends_with("HEAD"));
}

#[test]
fn a_new_commit_is_a_new_revision() {
    let repository = repository();
    let root = repository.path();
    let first = commit(root, "first");
    let second = commit(root, "second");

    assert_ne!(first, second);
    assert_eq!(
        GitInfo::discover(root).unwrap().revision(),
        Some(second.as_str())
    );
}

#[test]
fn a_detached_head_is_branch_head_and_only_head_is_watched() {
    let repository = repository();
    let root = repository.path();
    let first = commit(root, "first");
    commit(root, "second");
    git(root, &["checkout", "-q", "--detach", &first]);

    let info = GitInfo::discover(root).unwrap();
    assert_eq!(info.revision(), Some(first.as_str()));
    assert_eq!(info.branch(), Some("HEAD"));
    assert_eq!(canonical(info.watched_paths()), [at(root, ".git/HEAD")]);
    assert!(
        info.cargo_instructions()
            .contains(&"cargo:rustc-env=VITALS_GIT_BRANCH=HEAD".to_owned())
    );
}

#[test]
fn packed_refs_are_watched_with_the_directory_a_loose_ref_would_appear_in() {
    let repository = repository();
    let root = repository.path();
    let revision = commit(root, "first");
    git(root, &["pack-refs", "--all"]);
    assert!(!root.join(".git/refs/heads/trunk").exists());

    let info = GitInfo::discover(root).unwrap();
    assert_eq!(info.revision(), Some(revision.as_str()));
    assert_eq!(info.branch(), Some("trunk"));
    // Every path exists: cargo would rerun on every build for one that does not.
    assert_eq!(
        canonical(info.watched_paths()),
        [
            at(root, ".git/HEAD"),
            at(root, ".git/refs/heads"),
            at(root, ".git/packed-refs")
        ]
    );
}

#[test]
fn a_repository_without_commits_has_its_branch_and_no_revision() {
    let repository = repository();
    let root = repository.path();

    let info = GitInfo::discover(root).unwrap();
    assert_eq!(info.revision(), None);
    assert_eq!(info.branch(), Some("trunk"));
    // The first commit creates refs/heads/trunk in the watched directory.
    assert_eq!(
        canonical(info.watched_paths()),
        [at(root, ".git/HEAD"), at(root, ".git/refs/heads")]
    );
    let instructions = info.cargo_instructions();
    assert!(
        !instructions
            .iter()
            .any(|line| line.contains("VITALS_GIT_REVISION"))
    );
    assert!(instructions.contains(&"cargo:rustc-env=VITALS_GIT_BRANCH=trunk".to_owned()));
}

#[test]
fn a_subdirectory_is_in_the_same_checkout() {
    let repository = repository();
    let root = repository.path();
    let revision = commit(root, "first");
    let crate_dir = root.join("crates/app");
    std::fs::create_dir_all(&crate_dir).unwrap();

    let info = GitInfo::discover(&crate_dir).unwrap();
    assert_eq!(info.revision(), Some(revision.as_str()));
    assert_eq!(
        canonical(info.watched_paths()),
        [at(root, ".git/HEAD"), at(root, ".git/refs/heads/trunk")]
    );
}

#[test]
fn a_linked_worktree_watches_its_own_head_and_the_shared_ref() {
    let repository = repository();
    let root = repository.path();
    commit(root, "first");
    let linked = tempfile::tempdir().unwrap();
    let worktree = linked.path().join("feature");
    git(
        root,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "feature",
            worktree.to_str().unwrap(),
        ],
    );
    let revision = commit(&worktree, "on feature");

    let info = GitInfo::discover(&worktree).unwrap();
    assert_eq!(info.revision(), Some(revision.as_str()));
    assert_eq!(info.branch(), Some("feature"));
    assert_eq!(
        canonical(info.watched_paths()),
        [
            at(root, ".git/worktrees/feature/HEAD"),
            at(root, ".git/refs/heads/feature")
        ]
    );
}

#[test]
fn outside_any_repository_nothing_is_discovered() {
    let dir = tempfile::tempdir().unwrap();
    // The precondition, asked of git itself: no repository holds `dir`.
    let status = Command::new("git")
        .args(["rev-parse", "--git-dir"])
        .current_dir(dir.path())
        .output()
        .unwrap()
        .status;
    assert!(
        !status.success(),
        "the temporary directory is inside a git checkout"
    );

    assert_eq!(GitInfo::discover(dir.path()), None);
}
