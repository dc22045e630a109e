//! `{app}_build_info{version, revision, branch, rustc_version} 1`.
//!
//! The series names the *application*: [`build_info!`](crate::build_info!)
//! expands `env!("CARGO_PKG_NAME")` and friends where the application calls
//! it, so the values are the application's crate metadata, not vitals's.

use std::borrow::Cow;

/// The compiler that built the exporter, which is the one that built the
/// application linking it (one cargo invocation uses one toolchain).
#[doc(hidden)]
pub const RUSTC_VERSION: &str = env!("VITALS_RUSTC_VERSION");

/// Build metadata of the application, exposed as `{name}_build_info`.
///
/// ```
/// let info = vitals_prometheus::BuildInfo::new("checkout", "1.4.2").with_revision("9f1c2e7");
/// assert_eq!(info.metric_name(), "checkout_build_info");
/// assert_eq!(info.revision(), "9f1c2e7");
/// assert_eq!(info.branch(), "unknown");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildInfo {
    name: Cow<'static, str>,
    version: Cow<'static, str>,
    revision: Cow<'static, str>,
    branch: Cow<'static, str>,
    rustc_version: Cow<'static, str>,
}

/// Placeholder for metadata the build did not provide.
const UNKNOWN: &str = "unknown";

impl BuildInfo {
    /// Build info for application `name` at `version`; revision and branch
    /// are `unknown` until set.
    pub fn new(name: impl Into<Cow<'static, str>>, version: impl Into<Cow<'static, str>>) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
            revision: Cow::Borrowed(UNKNOWN),
            branch: Cow::Borrowed(UNKNOWN),
            rustc_version: Cow::Borrowed(RUSTC_VERSION),
        }
    }

    /// Sets the VCS revision (commit hash).
    pub fn with_revision(mut self, revision: impl Into<Cow<'static, str>>) -> Self {
        self.revision = non_empty(revision.into());
        self
    }

    /// Sets the VCS branch.
    pub fn with_branch(mut self, branch: impl Into<Cow<'static, str>>) -> Self {
        self.branch = non_empty(branch.into());
        self
    }

    /// Overrides the compiler version.
    pub fn with_rustc_version(mut self, rustc_version: impl Into<Cow<'static, str>>) -> Self {
        self.rustc_version = non_empty(rustc_version.into());
        self
    }

    /// The application name as given (`my-app`).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The application version.
    pub fn version(&self) -> &str {
        &self.version
    }
    /// The VCS revision, or `unknown`.
    pub fn revision(&self) -> &str {
        &self.revision
    }
    /// The VCS branch, or `unknown`.
    pub fn branch(&self) -> &str {
        &self.branch
    }
    /// The compiler version.
    pub fn rustc_version(&self) -> &str {
        &self.rustc_version
    }

    /// `{name}_build_info`, with the name made a valid metric name
    /// (`my-app` becomes `my_app_build_info`).
    pub fn metric_name(&self) -> String {
        let mut prefix: String = self
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if prefix.is_empty() || prefix.starts_with(|c: char| c.is_ascii_digit()) {
            prefix.insert_str(0, "app_");
        }
        format!("{prefix}_build_info")
    }

    /// Describes the series and sets it to 1 on `recorder`.
    pub(crate) fn register(&self, recorder: &dyn metrics::Recorder) {
        let name = self.metric_name();
        recorder.describe_gauge(
            metrics::KeyName::from(name.clone()),
            None,
            metrics::SharedString::from(format!(
                "Build information of {}: version, VCS revision and branch, compiler version; always 1.",
                self.name
            )),
        );
        let labels = vec![
            metrics::Label::new("version", self.version.to_string()),
            metrics::Label::new("revision", self.revision.to_string()),
            metrics::Label::new("branch", self.branch.to_string()),
            metrics::Label::new("rustc_version", self.rustc_version.to_string()),
        ];
        let key = metrics::Key::from_parts(name, labels);
        static METADATA: metrics::Metadata<'static> =
            metrics::Metadata::new(module_path!(), metrics::Level::INFO, Some(module_path!()));
        recorder.register_gauge(&key, &METADATA).set(1.0);
    }
}

fn non_empty(value: Cow<'static, str>) -> Cow<'static, str> {
    if value.trim().is_empty() {
        Cow::Borrowed(UNKNOWN)
    } else {
        value
    }
}
