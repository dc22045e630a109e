//! An append-only, lock-free-on-hit table of handles keyed by label values,
//! shared by `#[instrument_rpc]` call sites (one per status) and the HTTP
//! layer (routes and statuses).

use std::sync::OnceLock;

/// A fixed number of slots, filled in order and never emptied.
///
/// Lookups scan the filled slots; a miss fills the first free slot. Two
/// threads racing to insert meet in the same `OnceLock`, so a key is never
/// stored twice. The capacity bounds memory whatever the traffic: when every
/// slot holds another key, [`find_or_insert`](Table::find_or_insert) answers
/// `None` and the caller records without caching.
pub(crate) struct Table<E> {
    slots: Box<[OnceLock<E>]>,
}

impl<E> Table<E> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            slots: (0..capacity).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The entry `matches` accepts, creating it with `make` if no filled
    /// slot matches; `None` when the table is full.
    pub(crate) fn find_or_insert(
        &self,
        matches: impl Fn(&E) -> bool,
        make: impl FnOnce() -> E,
    ) -> Option<&E> {
        let mut make = Some(make);
        for slot in &self.slots {
            let entry = match slot.get() {
                Some(entry) => entry,
                // `make` is only taken by the thread that fills the slot; a
                // thread that loses the race keeps it for the next slot.
                None => slot.get_or_init(|| (make.take().expect("`make` runs at most once"))()),
            };
            if matches(entry) {
                return Some(entry);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_inserts_and_stays_bounded() {
        let table: Table<&'static str> = Table::new(2);
        assert_eq!(table.find_or_insert(|e| *e == "a", || "a"), Some(&"a"));
        assert_eq!(table.find_or_insert(|e| *e == "b", || "b"), Some(&"b"));
        assert_eq!(
            table.find_or_insert(|e| *e == "a", || unreachable!()),
            Some(&"a")
        );
        assert_eq!(table.find_or_insert(|e| *e == "c", || "c"), None);
    }

    #[test]
    fn each_key_is_made_once_and_reused() {
        let table: Table<&'static str> = Table::new(4);
        let made = std::cell::Cell::new(0);
        for _ in 0..3 {
            for key in ["ok", "error"] {
                let found = table.find_or_insert(
                    |e| *e == key,
                    || {
                        made.set(made.get() + 1);
                        key
                    },
                );
                assert_eq!(found, Some(&key));
            }
        }
        assert_eq!(made.get(), 2);
    }
}
