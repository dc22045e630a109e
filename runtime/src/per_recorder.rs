//! Handles cached per ambient recorder, resolved per call for any other.
//!
//! Every call site, group, state gauge, layer and tracker caches its metric
//! handles the same way, through [`PerRecorder`]: one entry for each
//! *ambient* recorder (see [`recorder_identity`](crate::recorder_identity)
//! for why only those can be cached), and nothing for a local recorder,
//! whose handles are resolved per call: slower, never wrong.

use std::ops::Deref;
use std::sync::OnceLock;

use metrics::Recorder;

use crate::recorder_identity::{self, AMBIENT_SLOTS, AmbientSlot};

/// A value (the handles of something instrumented) made once for each
/// ambient recorder.
pub(crate) struct PerRecorder<T> {
    slots: [OnceLock<T>; AMBIENT_SLOTS],
}

impl<T> PerRecorder<T> {
    /// An empty cache; `const`, so it can live in a `static`.
    pub(crate) const fn new() -> Self {
        Self {
            slots: [const { OnceLock::new() }; AMBIENT_SLOTS],
        }
    }

    /// Runs `f` with the current recorder and, when that recorder is an
    /// ambient one, this cache's entry for it, made by `make` on first use.
    /// `None` means "a local recorder: resolve through it, cache nothing".
    pub(crate) fn with<'a, R>(
        &'a self,
        make: impl FnOnce(&dyn Recorder) -> T,
        f: impl FnOnce(&dyn Recorder, Option<Cached<'a, T>>) -> R,
    ) -> R {
        metrics::with_recorder(|recorder| {
            let cached = recorder_identity::ambient_slot(recorder).map(|slot| Cached {
                slot,
                value: self.slots[slot].get_or_init(|| make(recorder)),
            });
            f(recorder, cached)
        })
    }
}

/// One ambient recorder's entry of a [`PerRecorder`].
pub(crate) struct Cached<'a, T> {
    slot: AmbientSlot,
    value: &'a T,
}

impl<T> Clone for Cached<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Cached<'_, T> {}

impl<'a, T> Cached<'a, T> {
    /// The cached value, for as long as the cache lives.
    pub(crate) fn value(self) -> &'a T {
        self.value
    }

    /// Registers a handle made after the entry (a status seen for the first
    /// time, say) with the same ambient recorder, from whatever thread and
    /// whatever local recorder is current there.
    pub(crate) fn register<U: Send>(self, make: impl Fn(&dyn Recorder) -> U + Sync) -> U {
        self.registrar().register(make)
    }

    /// [`register`](Self::register) as a value that outlives the borrow of
    /// the cache, for handles that keep it (a method's handles register
    /// each code the first time it happens).
    pub(crate) fn registrar(self) -> Registrar {
        Registrar(Some(self.slot))
    }
}

/// Where handles made later are registered: with the ambient recorder of a
/// [`Cached`] entry, or with whatever recorder is current then.
#[derive(Clone, Copy)]
pub(crate) struct Registrar(Option<AmbientSlot>);

impl Registrar {
    /// Registers with the recorder current at each call: for handles made
    /// under a local recorder, which are never cached.
    #[cfg_attr(not(any(feature = "tonic", feature = "http-client")), allow(dead_code))] // the client layers'
    pub(crate) fn current() -> Self {
        Self(None)
    }

    /// Runs `make` with the recorder this registrar stands for.
    pub(crate) fn register<U: Send>(self, make: impl Fn(&dyn Recorder) -> U + Sync) -> U {
        match self.0 {
            Some(slot) => recorder_identity::with_ambient(slot, make),
            None => metrics::with_recorder(|recorder| make(recorder)),
        }
    }
}

impl<T> Deref for Cached<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.value
    }
}
