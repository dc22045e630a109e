//! The git revision and branch a crate is built from, for `build_info!`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The compile-time variable `vitals_prometheus::build_info!()` reads the
/// revision from.
const REVISION_VARIABLE: &str = "VITALS_GIT_REVISION";
/// The compile-time variable `vitals_prometheus::build_info!()` reads the
/// branch from.
const BRANCH_VARIABLE: &str = "VITALS_GIT_BRANCH";
/// The branch of a detached HEAD, as `git rev-parse --abbrev-ref HEAD`
/// prints it and Prometheus' own `prometheus_build_info` shows it.
const DETACHED_BRANCH: &str = "HEAD";

/// Prints the git revision and branch of the checkout holding the crate
/// being built as `cargo:rustc-env=VITALS_GIT_REVISION=..` and
/// `VITALS_GIT_BRANCH=..`, with `cargo:rerun-if-changed` on the files git
/// updates when the checked-out commit changes; call it from `build.rs`.
///
/// Outside a git checkout, or without a `git` binary, it prints nothing
/// (and never fails), so `build_info!()` says `unknown`: a build from a
/// source tarball or a crates.io download can set the two variables in the
/// environment instead. See [`GitInfo`] for what each value is.
///
/// ```no_run
/// // build.rs
/// fn main() {
///     vitals_build::emit_build_info();
/// }
/// ```
pub fn emit_build_info() {
    // Cargo runs build scripts in the package directory and says so.
    let package =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from("."), PathBuf::from);
    if let Some(info) = GitInfo::discover(package) {
        info.emit();
    }
}

/// The revision and branch of a git checkout, and the files that change
/// with them.
///
/// - The revision is the full hash of `HEAD`; none in a repository without
///   commits.
/// - The branch is the one `HEAD` names (`main`). A detached `HEAD` (a tag
///   or commit checked out, as CI often does) is branch `HEAD`, as
///   Prometheus' own build info says (its release tooling takes
///   `git rev-parse --abbrev-ref HEAD`). A repository without commits has
///   its unborn branch and no revision.
/// - Uncommitted changes are not marked: the revision is the commit built
///   on.
///
/// ```no_run
/// // build.rs: the short revision in a variable of one's own as well.
/// fn main() {
///     let Some(info) = vitals_build::GitInfo::discover(".") else { return };
///     info.emit();
///     if let Some(revision) = info.revision() {
///         println!("cargo:rustc-env=MY_SHORT_REVISION={}", &revision[..12]);
///     }
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitInfo {
    revision: Option<String>,
    branch: Option<String>,
    watched: Vec<PathBuf>,
}

impl GitInfo {
    /// The checkout holding `dir`, asked of the `git` on `PATH`; `None`
    /// when `dir` is in no checkout or `git` does not run.
    pub fn discover(dir: impl AsRef<Path>) -> Option<Self> {
        Self::discover_with(OsStr::new("git"), dir.as_ref())
    }

    /// [`discover`](Self::discover) with the `git` program named.
    pub(crate) fn discover_with(git: &OsStr, dir: &Path) -> Option<Self> {
        let git = Git { program: git, dir };
        let dirs = git.run(&["rev-parse", "--git-dir", "--git-common-dir"])?;
        let mut dirs = dirs.lines().map(|line| dir.join(line));
        let git_dir = dirs.next()?;
        // A linked worktree keeps its HEAD apart and its refs in the common dir.
        let common_dir = dirs.next().unwrap_or_else(|| git_dir.clone());

        let revision = git.run(&["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
        let head_ref = git.run(&["symbolic-ref", "--quiet", "HEAD"]);
        let branch = match &head_ref {
            Some(reference) => Some(
                reference
                    .strip_prefix("refs/heads/")
                    .unwrap_or(reference)
                    .to_owned(),
            ),
            None => revision.as_ref().map(|_| DETACHED_BRANCH.to_owned()),
        };

        // HEAD changes on checkout; the branch's ref on commit, loose or
        // packed. A ref not written yet (no commit, or only packed) appears
        // in its directory, so that is watched instead: cargo reruns for a
        // path that does not exist on every build.
        let mut watched = vec![git_dir.join("HEAD")];
        if let Some(reference) = &head_ref {
            let loose = common_dir.join(reference);
            if loose.is_file() {
                watched.push(loose);
            } else if let Some(parent) = loose.parent().filter(|parent| parent.is_dir()) {
                watched.push(parent.to_path_buf());
            }
        }
        let packed = common_dir.join("packed-refs");
        if packed.is_file() {
            watched.push(packed);
        }
        Some(Self {
            revision,
            branch,
            watched,
        })
    }

    /// The full hash of the commit checked out, if there is one.
    pub fn revision(&self) -> Option<&str> {
        self.revision.as_deref()
    }

    /// The branch checked out (`HEAD` when detached), if known.
    pub fn branch(&self) -> Option<&str> {
        self.branch.as_deref()
    }

    /// The files (or directories) whose change means another commit or
    /// branch is checked out.
    pub fn watched_paths(&self) -> &[PathBuf] {
        &self.watched
    }

    /// The lines [`emit`](Self::emit) prints: `cargo:rerun-if-changed`
    /// for each [watched path](Self::watched_paths), then
    /// `cargo:rustc-env=VITALS_GIT_REVISION=..` and `VITALS_GIT_BRANCH=..`
    /// for the values known.
    pub fn cargo_instructions(&self) -> Vec<String> {
        let rerun = self
            .watched
            .iter()
            .map(|path| format!("cargo:rerun-if-changed={}", path.display()));
        let variables = [
            (REVISION_VARIABLE, &self.revision),
            (BRANCH_VARIABLE, &self.branch),
        ]
        .into_iter()
        .filter_map(|(variable, value)| {
            Some(format!("cargo:rustc-env={variable}={}", value.as_ref()?))
        });
        rerun.chain(variables).collect()
    }

    /// Prints [`cargo_instructions`](Self::cargo_instructions) for cargo.
    pub fn emit(&self) {
        for line in self.cargo_instructions() {
            println!("{line}");
        }
    }
}

/// One `git` program run in one directory.
struct Git<'a> {
    program: &'a OsStr,
    dir: &'a Path,
}

impl Git<'_> {
    /// The trimmed output of `git args`, or `None` if git cannot run, fails
    /// or prints nothing.
    fn run(&self, args: &[&str]) -> Option<String> {
        let output = Command::new(self.program)
            .args(args)
            .current_dir(self.dir)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        if !output.status.success() {
            return None;
        }
        let text = String::from_utf8(output.stdout).ok()?;
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::GitInfo;
    use std::ffi::OsStr;
    use std::process::Command;

    #[test]
    fn without_a_git_binary_nothing_is_discovered() {
        let repository = tempfile::tempdir().unwrap();
        let init = Command::new("git")
            .arg("init")
            .arg("-q")
            .current_dir(repository.path())
            .status();
        assert!(init.unwrap().success());
        let missing = OsStr::new("/nonexistent/vitals-build/git");
        assert_eq!(GitInfo::discover_with(missing, repository.path()), None);
        // The same checkout with a real git is found, so the `None` above
        // comes from the missing binary.
        assert!(GitInfo::discover_with(OsStr::new("git"), repository.path()).is_some());
    }
}
