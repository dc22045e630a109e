//! Which recorder is current, and when handles may be cached for it.
//!
//! Resolving a handle (`register_counter` and friends) costs a lock, a hash
//! and an allocation in every real recorder, so call sites cache handles.
//! A cached handle is only right while the recorder that made it is current,
//! and `metrics` gives no event when that changes:
//!
//! - the global recorder is set at most once and never freed, so handles
//!   made by it stay right forever;
//! - a local recorder (`metrics::with_local_recorder`) lives on some stack
//!   or heap slot for a while; the next one may sit at the very same address
//!   with the same type, so its address is no identity at all.
//!
//! So handles are cached only for the *ambient* recorder: the one a thread
//! without a local recorder sees. That is the no-op recorder until a global
//! recorder is installed, then the global recorder for ever after: at most
//! two identities per process, kept in two [`OnceLock`] slots. They are
//! learned by asking a fresh thread (which has no local recorder) what it
//! sees. The probe is rare: once at the first call, then at most every
//! [`PROBE_INTERVAL`] while calls run under a recorder not yet recognised,
//! and never again once the second slot (the global recorder) is filled.
//! Every other recorder is used directly, without caching: slower, never
//! wrong.
//!
//! Identity is the recorder's address with its size and alignment. Two
//! *zero-sized* recorders can share an address, so a zero-sized local
//! recorder of the same layout as a zero-sized global one could be mistaken
//! for it; real recorders carry state and are not zero-sized.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How often an unrecognised recorder may trigger a new probe.
pub(crate) const PROBE_INTERVAL: Duration = Duration::from_millis(200);

/// The identity of a recorder: address, size and alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RecorderId {
    address: usize,
    size: usize,
    align: usize,
}

impl RecorderId {
    pub(crate) fn of(recorder: &dyn metrics::Recorder) -> RecorderId {
        let pointer: *const dyn metrics::Recorder = recorder;
        RecorderId {
            address: pointer.cast::<()>() as usize,
            size: std::mem::size_of_val(recorder),
            align: std::mem::align_of_val(recorder),
        }
    }
}

/// Index of an ambient slot: 0 is whatever a fresh thread saw first (the
/// no-op recorder, or the global one if it was installed before any call),
/// 1 is the global recorder installed after that.
pub(crate) type AmbientSlot = usize;

/// The number of ambient identities a process can ever have.
pub(crate) const AMBIENT_SLOTS: usize = 2;

static AMBIENT: [OnceLock<RecorderId>; AMBIENT_SLOTS] = [OnceLock::new(), OnceLock::new()];
static NEXT_PROBE_MS: AtomicU64 = AtomicU64::new(0);
static EPOCH: OnceLock<Instant> = OnceLock::new();

/// The ambient slot `recorder` occupies, probing when allowed; `None` for
/// any other recorder.
pub(crate) fn ambient_slot(recorder: &dyn metrics::Recorder) -> Option<AmbientSlot> {
    let id = RecorderId::of(recorder);
    slot_of(id).or_else(|| {
        if probe_allowed() {
            probe().and_then(|_| slot_of(id))
        } else {
            None
        }
    })
}

/// Learns the ambient recorder now, ignoring the rate limit. Exporters call
/// it right after installing a global recorder so caching starts at once.
pub(crate) fn refresh() {
    probe();
}

/// Runs `register` with the ambient recorder of `slot`: the current one if it
/// is that recorder, otherwise on a fresh thread, which sees no local
/// recorder. Used to fill a cache entry while a local recorder happens to be
/// set on this thread.
pub(crate) fn with_ambient<T: Send>(
    slot: AmbientSlot,
    register: impl Fn(&dyn metrics::Recorder) -> T + Sync,
) -> T {
    let on_this_thread = metrics::with_recorder(|recorder| {
        (slot_of(RecorderId::of(recorder)) == Some(slot)).then(|| register(recorder))
    });
    match on_this_thread {
        Some(value) => value,
        None => std::thread::scope(|scope| {
            scope
                .spawn(|| metrics::with_recorder(|recorder| register(recorder)))
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        }),
    }
}

fn slot_of(id: RecorderId) -> Option<AmbientSlot> {
    AMBIENT.iter().position(|slot| slot.get() == Some(&id))
}

fn probe_allowed() -> bool {
    if AMBIENT[AMBIENT_SLOTS - 1].get().is_some() {
        // The global recorder is known and can never change again.
        return false;
    }
    let epoch = *EPOCH.get_or_init(Instant::now);
    let now_ms = u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
    let next = NEXT_PROBE_MS.load(Ordering::Relaxed);
    let interval = u64::try_from(PROBE_INTERVAL.as_millis()).unwrap_or(u64::MAX);
    now_ms >= next
        && NEXT_PROBE_MS
            .compare_exchange(
                next,
                now_ms.saturating_add(interval),
                Ordering::Relaxed,
                Ordering::Relaxed,
            )
            .is_ok()
}

/// Asks a fresh thread which recorder it sees, and remembers the answer.
fn probe() -> Option<RecorderId> {
    let seen = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("vitals-recorder-probe".into())
            .spawn_scoped(scope, || metrics::with_recorder(RecorderId::of))
            .ok()?
            .join()
            .ok()
    })?;
    if slot_of(seen).is_none() {
        // Slot 0 takes the first identity seen, slot 1 the global recorder
        // installed after it; a third identity cannot exist.
        for slot in &AMBIENT {
            if slot.set(seen).is_ok() || slot.get() == Some(&seen) {
                break;
            }
        }
    }
    Some(seen)
}
