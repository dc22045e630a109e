//! A small append-only table from status label to counter handle.

use std::sync::OnceLock;

/// Distinct statuses one call site caches. Statuses are `&'static str`, so
/// the set is fixed by the program; the 17 gRPC codes plus `panicked` and
/// `cancelled` fit. A site that somehow sees more still counts every call,
/// through the recorder directly instead of the cache.
const CAPACITY: usize = 32;

struct Entry {
    status: &'static str,
    counter: metrics::Counter,
}

/// Status label → counter, filled on first sight of each status.
pub(super) struct StatusTable {
    entries: [OnceLock<Entry>; CAPACITY],
}

impl StatusTable {
    pub(super) fn new() -> Self {
        Self {
            entries: std::array::from_fn(|_| OnceLock::new()),
        }
    }

    /// The counter of `status`, creating it with `register` on first sight;
    /// `None` if the table is full.
    pub(super) fn counter(
        &self,
        status: &'static str,
        register: impl Fn(&'static str) -> metrics::Counter,
    ) -> Option<&metrics::Counter> {
        for slot in &self.entries {
            let entry = match slot.get() {
                Some(entry) => entry,
                None => slot.get_or_init(|| Entry {
                    status,
                    counter: register(status),
                }),
            };
            // Pointer equality first: the same literal is almost always the same address.
            if std::ptr::eq(entry.status, status) || entry.status == status {
                return Some(&entry.counter);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn registers_each_status_once_and_reuses_it() {
        let table = StatusTable::new();
        let registered = Cell::new(0);
        let register = |_: &'static str| {
            registered.set(registered.get() + 1);
            metrics::Counter::noop()
        };
        for _ in 0..3 {
            assert!(table.counter("ok", register).is_some());
            assert!(table.counter("error", register).is_some());
        }
        // Equal text at another address is the same status.
        let owned = String::from("ok");
        let leaked: &'static str = Box::leak(owned.into_boxed_str());
        assert!(table.counter(leaked, register).is_some());
        assert_eq!(registered.get(), 2);
    }

    #[test]
    fn a_full_table_answers_none() {
        let table = StatusTable::new();
        let names: Vec<&'static str> = (0..=CAPACITY)
            .map(|i| &*Box::leak(format!("s{i}").into_boxed_str()))
            .collect();
        for name in &names[..CAPACITY] {
            assert!(table.counter(name, |_| metrics::Counter::noop()).is_some());
        }
        assert!(
            table
                .counter(names[CAPACITY], |_| metrics::Counter::noop())
                .is_none()
        );
    }
}
