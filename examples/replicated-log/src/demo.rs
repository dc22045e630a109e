//! `--demo-load`: clients of twenty tenants writing and querying, a view
//! change every 20-30 s (the replica is unready for 1.5 s and writes fail),
//! a peer that crashes and returns, queries for a tenant that does not exist.

use std::time::Duration;

use crate::node::Node;

/// Starts the clients and the cluster's weather.
pub(crate) fn start(node: &Node) {
    for client in 0..4 {
        let node = node.clone();
        tokio::spawn(async move {
            loop {
                let tenant = format!("tenant-{:02}", fastrand::usize(..20));
                let payload = vec![b'x'; fastrand::usize(64..2048)];
                let _ = node.write(&tenant, &payload).await;
                tokio::time::sleep(Duration::from_millis(fastrand::u64(30..90) + client)).await;
            }
        });
    }
    let reader = node.clone();
    tokio::spawn(async move {
        loop {
            // One query in twenty names a tenant with no entries: an error.
            let tenant = if fastrand::u8(..20) == 0 {
                "tenant-ghost".to_owned()
            } else {
                format!("tenant-{:02}", fastrand::usize(..20))
            };
            let _ = reader.query(&tenant).await;
            tokio::time::sleep(Duration::from_millis(fastrand::u64(10..40))).await;
        }
    });
    let weather = node.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(fastrand::u64(20..30))).await;
            weather.change_view(Duration::from_millis(1500)).await;
            if fastrand::bool() {
                weather.peer_health(false);
                tokio::time::sleep(Duration::from_secs(5)).await;
                weather.peer_health(true);
            }
        }
    });
}
