//! A simulated replica of a three-node replicated log: views and leaders,
//! prepare and commit, a projection applied behind the log, tenants. Every
//! change updates its `kmb_*` series as it happens.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;
use tracing::Instrument;
use vitals::health::{HealthState, StateCell};

use crate::metrics::{KMB, Method, RequestStatus};

/// The replica's status; readiness fails unless it is `Normal`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReplicaStatus {
    /// Replaying the log after a start.
    Recovering,
    /// The view-change protocol is running: no leader.
    ViewChange,
    /// Serving traffic.
    Normal,
}

impl HealthState for ReplicaStatus {
    fn code(&self) -> i64 {
        match self {
            Self::Recovering => 0,
            Self::ViewChange => 1,
            Self::Normal => 2,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Self::Recovering => "recovering",
            Self::ViewChange => "view_change",
            Self::Normal => "normal",
        }
    }

    fn meaning(&self) -> &'static str {
        match self {
            Self::Recovering => "replaying the log; not ready",
            Self::ViewChange => "electing a new leader; not ready",
            Self::Normal => "replica is ready to serve traffic",
        }
    }

    fn is_ready(&self) -> bool {
        matches!(self, Self::Normal)
    }
}

/// Why a request failed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RequestError {
    /// The replica is recovering or changing view.
    Unavailable(ReplicaStatus),
    /// The tenant has no entries.
    UnknownTenant,
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unavailable(status) => write!(f, "replica is `{}`", status.name()),
            Self::UnknownTenant => f.write_str("unknown tenant"),
        }
    }
}

/// What `/status` shows.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Status {
    node_id: u64,
    status: &'static str,
    view: u64,
    commit_number: u64,
    op_number: u64,
    is_leader: bool,
    cluster_size: u64,
    healthy_replicas: u64,
}

#[derive(Debug)]
struct Inner {
    status: ReplicaStatus,
    view: u64,
    leader: u64,
    op_number: u64,
    commit_number: u64,
    applied: u64,
    log_size: u64,
    healthy_replicas: u64,
    /// Entries per tenant, as the projection has applied them.
    tenants: HashMap<String, u64>,
    /// Committed entries waiting for the projection: (position, tenant).
    pending: BTreeMap<u64, String>,
}

/// The replica; clones share it.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    id: u64,
    id_label: Arc<str>,
    inner: Arc<Mutex<Inner>>,
    cell: StateCell<ReplicaStatus>,
}

/// Replicas in the simulated cluster.
pub(crate) const CLUSTER_SIZE: u64 = 3;

impl Node {
    /// Replica `id`, recovering a log of `existing` entries.
    pub(crate) fn new(id: u64, existing: u64) -> Self {
        let node = Self {
            id,
            id_label: id.to_string().into(),
            inner: Arc::new(Mutex::new(Inner {
                status: ReplicaStatus::Recovering,
                view: 0,
                leader: 0,
                op_number: existing,
                commit_number: existing,
                applied: 0,
                log_size: existing * 128,
                healthy_replicas: CLUSTER_SIZE,
                tenants: HashMap::new(),
                pending: BTreeMap::new(),
            })),
            cell: StateCell::new(ReplicaStatus::Recovering),
        };
        KMB.log_size_bytes(&node.id_label)
            .set((existing * 128) as f64);
        KMB.log_entries_total(&node.id_label).increment(0);
        KMB.log_bytes_total(&node.id_label).increment(0);
        node.publish(&node.lock());
        node
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cell readiness follows.
    pub(crate) fn state_cell(&self) -> StateCell<ReplicaStatus> {
        self.cell.clone()
    }

    fn set_status(&self, inner: &mut Inner, status: ReplicaStatus) {
        inner.status = status;
        self.cell.set(status);
    }

    /// Sets every gauge from the state.
    fn publish(&self, inner: &Inner) {
        KMB.consensus_view().set(inner.view as f64);
        KMB.consensus_leader().set(inner.leader as f64);
        KMB.projection_applied_position().set(inner.applied as f64);
        KMB.projection_lag()
            .set(inner.commit_number.saturating_sub(inner.applied) as f64);
        KMB.log_size_bytes(&self.id_label)
            .set(inner.log_size as f64);
        KMB.active_tenants().set(inner.tenants.len() as f64);
    }

    /// What `/status` shows now.
    pub(crate) fn status(&self) -> Status {
        let inner = self.lock();
        Status {
            node_id: self.id,
            status: inner.status.name(),
            view: inner.view,
            commit_number: inner.commit_number,
            op_number: inner.op_number,
            is_leader: inner.leader == self.id,
            cluster_size: CLUSTER_SIZE,
            healthy_replicas: inner.healthy_replicas,
        }
    }

    /// Replays the existing log into the projection, then elects a leader.
    pub(crate) async fn recover(&self, duration: Duration) {
        let started = Instant::now();
        let target = self.lock().commit_number;
        let steps = 20u64;
        for step in 1..=steps {
            tokio::time::sleep(duration / steps as u32).await;
            let mut inner = self.lock();
            inner.applied = target * step / steps;
            self.publish(&inner);
        }
        tracing::info!(target: "kmb_storage", node_id = self.id, entries = target, elapsed_ms = started.elapsed().as_millis() as u64, "Recovered log");
        self.change_view(Duration::from_millis(300)).await;
    }

    /// Runs the view-change protocol: no leader for `duration`, then the
    /// next replica of the new view leads.
    pub(crate) async fn change_view(&self, duration: Duration) {
        let span = tracing::info_span!("kmb.view_change", node_id = self.id);
        async {
            {
                let mut inner = self.lock();
                self.set_status(&mut inner, ReplicaStatus::ViewChange);
                inner.leader = 0;
                self.publish(&inner);
            }
            tokio::time::sleep(duration).await;
            let mut inner = self.lock();
            inner.view += 1;
            inner.leader = (inner.view - 1) % CLUSTER_SIZE + 1;
            self.set_status(&mut inner, ReplicaStatus::Normal);
            KMB.consensus_view_changes_total().increment(1);
            self.publish(&inner);
            if inner.leader == self.id {
                tracing::info!(target: "kmb_consensus", node_id = self.id, view = inner.view, commit_index = inner.commit_number, "Became leader");
            } else {
                tracing::info!(target: "kmb_consensus", node_id = self.id, view = inner.view, leader = inner.leader, "Following new leader");
            }
        }
        .instrument(span)
        .await;
    }

    /// A peer replica crashed (`false`) or came back (`true`).
    pub(crate) fn peer_health(&self, healthy: bool) {
        let mut inner = self.lock();
        inner.healthy_replicas = if healthy {
            CLUSTER_SIZE
        } else {
            CLUSTER_SIZE - 1
        };
        tracing::warn!(target: "kmb_consensus", node_id = self.id, healthy_replicas = inner.healthy_replicas, "Replica health changed");
    }

    /// Counts a request around `body`, in flight while it runs.
    async fn request<T>(
        &self,
        method: Method,
        body: impl Future<Output = Result<T, RequestError>>,
    ) -> Result<T, RequestError> {
        KMB.requests_in_flight().increment(1.0);
        let result = body.await;
        KMB.requests_in_flight().decrement(1.0);
        let status = if result.is_ok() {
            RequestStatus::Ok
        } else {
            RequestStatus::Error
        };
        KMB.requests_total(method, status).increment(1);
        result
    }

    fn ensure_normal(&self) -> Result<(), RequestError> {
        match self.lock().status {
            ReplicaStatus::Normal => Ok(()),
            other => Err(RequestError::Unavailable(other)),
        }
    }

    /// Appends `payload` to `tenant`'s log: prepare on a quorum, commit.
    /// Returns the entry's log position.
    pub(crate) async fn write(&self, tenant: &str, payload: &[u8]) -> Result<u64, RequestError> {
        let span = tracing::info_span!(
            "kmb.write",
            node_id = self.id,
            tenant_id = tenant,
            bytes = payload.len()
        );
        self.request(Method::Write, async {
            let started = Instant::now();
            self.ensure_normal()?;
            let checksum = entry_checksum(payload);
            let op = {
                let mut inner = self.lock();
                inner.op_number += 1;
                inner.op_number
            };
            // Prepare: a round trip to the quorum; now and then a slow disk.
            let prepare = if fastrand::u8(..50) == 0 { fastrand::u64(80..180) } else { fastrand::u64(1..12) };
            tokio::time::sleep(Duration::from_millis(prepare))
                .instrument(tracing::debug_span!("kmb.consensus.prepare", op))
                .await;
            {
                let _commit = tracing::debug_span!("kmb.consensus.commit", op).entered();
                let mut inner = self.lock();
                inner.commit_number = inner.commit_number.max(op);
                inner.log_size += payload.len() as u64;
                inner.pending.insert(op, tenant.to_owned());
                KMB.consensus_commits_total().increment(1);
                KMB.log_entries_total(&self.id_label).increment(1);
                KMB.log_bytes_total(&self.id_label).increment(payload.len() as u64);
                KMB.tenant_log_entries_total(tenant).increment(1);
                self.publish(&inner);
            }
            let elapsed = started.elapsed();
            KMB.write_duration_seconds().record(elapsed.as_secs_f64());
            tracing::debug!(target: "kmb_vsr", op, checksum, elapsed_us = elapsed.as_micros() as u64, "Committed");
            Ok(op)
        }
        .instrument(span))
        .await
    }

    /// Reads how many entries `tenant` has, from the projection.
    pub(crate) async fn query(&self, tenant: &str) -> Result<u64, RequestError> {
        let span = tracing::info_span!("kmb.query", node_id = self.id, tenant_id = tenant);
        self.request(Method::Query, async {
            let started = Instant::now();
            self.ensure_normal()?;
            tokio::time::sleep(Duration::from_micros(fastrand::u64(300..6000))).await;
            let entries = self.lock().tenants.get(tenant).copied();
            let elapsed = started.elapsed();
            KMB.query_duration_seconds().record(elapsed.as_secs_f64());
            tracing::debug!(target: "kmb_query", found = entries.is_some(), elapsed_us = elapsed.as_micros() as u64, "Query served");
            entries.ok_or(RequestError::UnknownTenant)
        }
        .instrument(span))
        .await
    }

    /// Applies up to `batch` committed entries to the projection.
    pub(crate) fn apply(&self, batch: usize) {
        let mut inner = self.lock();
        for _ in 0..batch {
            let Some((position, tenant)) = inner.pending.pop_first() else {
                break;
            };
            *inner.tenants.entry(tenant).or_default() += 1;
            inner.applied = inner.applied.max(position);
        }
        if inner.pending.is_empty() {
            inner.applied = inner.commit_number;
        }
        self.publish(&inner);
    }
}

/// The checksum an entry is stored with (64-bit FNV-1a over its bytes),
/// computed before it is prepared: the replica's CPU-bound work per byte
/// written, which the CPU profile shows under large writes.
fn entry_checksum(payload: &[u8]) -> u64 {
    payload.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_checksum_is_fnv_1a() {
        // The published FNV-1a 64 test vectors.
        assert_eq!(entry_checksum(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(entry_checksum(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(entry_checksum(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[tokio::test(start_paused = true)]
    async fn a_replica_serves_only_in_normal_status_and_the_projection_follows_the_log() {
        let node = Node::new(1, 10);
        assert_eq!(
            node.write("acme", b"x").await,
            Err(RequestError::Unavailable(ReplicaStatus::Recovering))
        );
        node.recover(Duration::from_millis(200)).await;
        let status = node.status();
        assert_eq!(
            (status.status, status.view, status.is_leader),
            ("normal", 1, true)
        );
        let op = node.write("acme", b"hello").await.unwrap();
        assert_eq!(op, 11);
        assert_eq!(node.query("acme").await, Err(RequestError::UnknownTenant));
        node.apply(10);
        assert_eq!(node.query("acme").await, Ok(1));
        assert_eq!(node.status().commit_number, 11);
        node.change_view(Duration::from_millis(10)).await;
        let status = node.status();
        assert_eq!(
            (status.view, status.is_leader),
            (2, false),
            "view 2 is led by node 2"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn readiness_fails_while_recovering_and_while_the_view_changes() {
        let node = Node::new(1, 0);
        let health = vitals::health::HealthRegistry::new();
        health.add_state("replica", node.state_cell());
        let ready = |health: &vitals::health::HealthRegistry| {
            health
                .report_blocking(vitals::health::Probe::Readiness)
                .is_ok()
        };
        assert!(!ready(&health));
        node.recover(Duration::from_millis(100)).await;
        assert!(ready(&health));
        let changing = tokio::spawn({
            let node = node.clone();
            async move { node.change_view(Duration::from_secs(1)).await }
        });
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(!ready(&health));
        assert_eq!(node.status().status, "view_change");
        changing.await.unwrap();
        assert!(ready(&health));
    }
}
