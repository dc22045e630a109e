//! The live page at `/`, in a real headless Chromium: with the quickstart's
//! demo load every family gets a chart with data, health, states and build
//! info show, and nothing errs; with a bearer token, the page without it
//! shows nothing the token protects.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use e2e_support::{Child, Chromium, get, wait_for_body};
use vitals::health::HealthRegistry;
use vitals_prometheus::{BuildInfo, Exporter};

/// The families of an exposition, from its `# TYPE` lines.
fn families(exposition: &str) -> Vec<String> {
    exposition
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.split(' ').next())
        .map(str::to_owned)
        .collect()
}

const DESCRIBE: &str = "JSON.stringify({problems: document.getElementById('problems').textContent, \
     charts: [...document.querySelectorAll('figure.chart')].map(f => f.dataset.family + ':' + f.dataset.points)})";

#[test]
fn the_page_charts_every_family_of_the_demo_load() {
    let mut quickstart = Child::spawn(env!("CARGO_BIN_EXE_quickstart"), &["127.0.0.1:0"], &[]);
    let first = quickstart.wait_for_line("http://", Duration::from_secs(30));
    assert_eq!(
        quickstart.stdout()[0],
        first,
        "the page's URL is the first line"
    );
    let url = first
        .strip_prefix("quickstart is serving; open ")
        .expect("the page's URL")
        .to_owned();
    assert!(url.ends_with('/'), "{url}");
    let address: SocketAddr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    // Every family, once both APIs have been called.
    let exposition = wait_for_body(address, "/metrics", &[], |body| {
        body.contains("grpc_method=\"SayHello\"") && body.contains("route=\"/users/{id}\"")
    });
    let expected = families(&exposition);
    assert!(expected.len() >= 5, "{expected:?}");

    let mut chromium = Chromium::start(1280, 900);
    chromium.navigate(&url);
    // Ten scrapes and more, and every family charted with data.
    let all_charted = format!(
        "(() => {{ const charts = [...document.querySelectorAll('figure.chart')]; \
           const charted = new Set(charts.filter(f => Number(f.dataset.points) > 0).map(f => f.dataset.family)); \
           return {families}.every(f => charted.has(f)) && /\\b([1-9][0-9]+) scrapes/.test(document.getElementById('window').textContent); }})()",
        families = serde_json::to_string(&expected).unwrap()
    );
    chromium.wait_until(&all_charted, Duration::from_secs(90), DESCRIBE);

    // Latency quantiles per route and per gRPC method, from the histograms' buckets.
    for (family, row) in [
        ("http_server_request_duration_seconds", "/users/{id}"),
        ("grpc_server_handling_seconds", "SayHello"),
    ] {
        let rows = chromium.evaluate(&format!(
            "[...document.querySelectorAll('figure[data-family={family}] td:first-child')].map(td => td.textContent)"
        ));
        let rows: Vec<String> = serde_json::from_value(rows).unwrap();
        assert!(rows.contains(&row.to_owned()), "{family}: {rows:?}");
    }
    // Error ratios where the family says what failed: every fifth greeting
    // is blank, every seventh user missing.
    for (family, label) in [
        ("grpc_server_handled_total", "grpc_code"),
        ("quickstart_store_requests_total", "status"),
    ] {
        let caption = chromium.evaluate(&format!(
            "document.querySelector('figure[data-family={family}] figcaption').textContent"
        ));
        assert!(
            caption
                .as_str()
                .unwrap()
                .contains(&format!("errors ({label})")),
            "{family}: {caption}"
        );
    }

    // Health, states and build info.
    chromium.wait_until(
        "document.querySelector('[data-state=quickstart_phase]')?.textContent.includes('serving') === true",
        Duration::from_secs(30),
        "document.getElementById('states').textContent",
    );
    let health = chromium.evaluate("document.getElementById('health').textContent");
    let health = health.as_str().unwrap();
    assert!(
        health.contains("liveness ok") && health.contains("readiness ok"),
        "{health}"
    );
    assert!(health.contains("quickstart_phase"), "each check: {health}");
    let heading = chromium.evaluate("document.getElementById('application').textContent");
    assert_eq!(heading, "quickstart 0.1.0");
    let links = chromium
        .evaluate("[...document.querySelectorAll('#links a')].map(a => new URL(a.href).pathname)");
    let links: Vec<String> = serde_json::from_value(links).unwrap();
    assert_eq!(links, ["/metrics", "/status", "/livez", "/readyz"]);
    for link in &links {
        assert_eq!(get(address, link, &[]).unwrap().status, 200, "{link}");
    }

    assert_eq!(chromium.errors(), &[] as &[String]);
    assert_eq!(
        chromium.evaluate("document.getElementById('problems').hidden"),
        true
    );
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("page/quickstart.png");
    chromium.screenshot(&screenshot);
    assert!(std::fs::metadata(&screenshot).unwrap().len() > 10_000);
    assert!(quickstart.is_running(), "{:?}", quickstart.output());
}

#[test]
fn with_a_token_the_page_shows_nothing_protected_until_it_is_given() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let exporter = Exporter::builder(BuildInfo::new("secretive", "9.9.9"))
        .listen_address(([127, 0, 0, 1], 0))
        .health(HealthRegistry::new())
        .bearer_token("page-t0ken")
        .unwrap()
        .build()
        .unwrap();
    let server = runtime.block_on(exporter.bind()).expect("a loopback port");
    let address = server.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = runtime.spawn(server.serve(async {
        let _ = stopped.await;
    }));

    let mut chromium = Chromium::start(1024, 768);
    chromium.navigate(&format!("http://{address}/"));
    chromium.wait_until(
        "document.getElementById('problems').textContent.includes('needs the bearer token') \
         && !document.getElementById('token-form').hidden",
        Duration::from_secs(30),
        DESCRIBE,
    );
    // A few refreshes later, still nothing of what the token protects.
    std::thread::sleep(Duration::from_secs(3));
    let text = chromium.evaluate("document.documentElement.outerHTML");
    let text = text.as_str().unwrap();
    for protected in ["secretive", "9.9.9", "_build_info", "promhttp_", "process_"] {
        assert!(!text.contains(protected), "`{protected}` shows: {text}");
    }
    assert_eq!(
        chromium.evaluate("document.querySelectorAll('figure.chart').length"),
        0
    );

    // With the token typed in, the same page reads everything.
    chromium.evaluate(
        "document.getElementById('token').value = 'page-t0ken'; \
         document.getElementById('token-form').requestSubmit(); true",
    );
    chromium.wait_until(
        "document.querySelector('figure[data-family=secretive_build_info]') !== null \
         && document.getElementById('application').textContent === 'secretive 9.9.9'",
        Duration::from_secs(30),
        DESCRIBE,
    );
    drop(chromium);
    let _ = stop.send(());
    runtime.block_on(serving).unwrap();
}
