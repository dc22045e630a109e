//! The Python client's strict parsers, as an independent check of an
//! exposition (Debian package `python3-prometheus-client`; the tests fail
//! naming it when missing).

use std::io::Write;
use std::process::{Command, Stdio};

use vitals_prometheus::Format;

/// A Python with `prometheus_client` importable: the Debian package
/// installs it for the system interpreter, which may not be first on PATH.
fn python_with_prometheus_client() -> String {
    for python in ["python3", "/usr/bin/python3"] {
        let works = Command::new(python)
            .args([
                "-c",
                "import prometheus_client.parser, prometheus_client.openmetrics.parser",
            ])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if works {
            return python.to_owned();
        }
    }
    panic!(
        "no python3 can import `prometheus_client`: install the Debian package `python3-prometheus-client` \
         (apt-get install -y python3-prometheus-client)"
    );
}

/// Parses `exposition` with the Python client's strict parser for `format`
/// and returns the family names it found.
pub(crate) fn python_parse(format: Format, exposition: &str) -> Vec<String> {
    let module = match format {
        Format::Text => "prometheus_client.parser",
        Format::OpenMetrics => "prometheus_client.openmetrics.parser",
    };
    let script = format!(
        "import sys\nfrom {module} import text_string_to_metric_families as parse\n\
         families = list(parse(sys.stdin.read()))\n\
         assert families, 'no families'\n\
         for family in families:\n    assert family.samples or family.type != 'counter', family.name\n    print(family.name, family.type, len(family.samples))\n"
    );
    let mut child = Command::new(python_with_prometheus_client())
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(exposition.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{module} rejected the exposition:\n{}\n--- exposition ---\n{exposition}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| line.split(' ').next().unwrap().to_owned())
        .collect()
}
