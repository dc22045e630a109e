//! Per-thread cells: where the store's numbers live.
//!
//! Every series owns a few cell indices (a counter one integer cell, a gauge
//! one float cell, a histogram one integer cell per bucket and a float cell
//! for its sum). Each thread that records gets its own [`Slab`] of cells per
//! store, so a hot series touched by every core bounces no cache line: a
//! thread only ever writes its own slab, with a plain load and store (no
//! atomic read-modify-write, no compare-and-swap loop for floats). A scrape
//! sums the index over every slab.
//!
//! A thread's slab outlives the thread's writes: when the thread ends, its
//! numbers are folded into the store's `retired` slab under the write lock,
//! so a scrape (holding the read lock) sees them either in the thread's slab
//! or in `retired`, never in both or neither, and totals never go back.
//!
//! Memory: 8 bytes per cell per thread that touched the cell's chunk, plus a
//! 16 KiB directory per thread and store; nothing grows with observations.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock, RwLockReadGuard, Weak};

/// Cells per chunk; a chunk is allocated on a thread's first write into it.
pub(crate) const CHUNK: usize = 1024;
/// Chunks per slab: at most `CHUNK * CHUNKS` (about a million) cells of each
/// kind per store. Past that, new series are refused and counted.
const CHUNKS: usize = 1024;
/// The number of cells of each kind a store can hand out.
pub(crate) const CAPACITY: usize = CHUNK * CHUNKS;

/// A cell index. Integer and float cells are numbered separately.
pub(crate) type Index = u32;

/// One kind of cells (integers or floats) of one thread, or the retired sum.
struct Slab {
    chunks: Box<[OnceLock<Box<[AtomicU64; CHUNK]>>]>,
}

impl Slab {
    fn new() -> Self {
        Self {
            chunks: (0..CHUNKS).map(|_| OnceLock::new()).collect(),
        }
    }

    fn cell(&self, index: Index) -> &AtomicU64 {
        let index = index as usize;
        let chunk = self.chunks[index / CHUNK]
            .get_or_init(|| Box::new([const { AtomicU64::new(0) }; CHUNK]));
        &chunk[index % CHUNK]
    }

    /// The raw bits of a cell; 0 (also `0.0`) where nothing was written.
    fn bits(&self, index: Index) -> u64 {
        let index = index as usize;
        self.chunks[index / CHUNK]
            .get()
            .map_or(0, |chunk| chunk[index % CHUNK].load(Ordering::Relaxed))
    }
}

/// A thread's cells for one store.
struct ThreadCells {
    ints: Slab,
    floats: Slab,
}

impl ThreadCells {
    fn new() -> Self {
        Self {
            ints: Slab::new(),
            floats: Slab::new(),
        }
    }

    // Only the owning thread writes its cells, so load + store is exact.
    fn add_int(&self, index: Index, n: u64) {
        let cell = self.ints.cell(index);
        cell.store(
            cell.load(Ordering::Relaxed).wrapping_add(n),
            Ordering::Relaxed,
        );
    }

    fn add_float(&self, index: Index, delta: f64) {
        let cell = self.floats.cell(index);
        let sum = f64::from_bits(cell.load(Ordering::Relaxed)) + delta;
        cell.store(sum.to_bits(), Ordering::Relaxed);
    }
}

/// Every thread's cells of one store.
pub(crate) struct Cells {
    threads: RwLock<Vec<Arc<ThreadCells>>>,
    /// What ended threads recorded; also written directly (atomically) by a
    /// thread whose thread-locals are already gone.
    retired: ThreadCells,
}

impl std::fmt::Debug for Cells {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cells")
            .field("threads", &self.lock_threads().len())
            .finish_non_exhaustive()
    }
}

thread_local! {
    /// This thread's cells, one entry per store it has recorded into.
    static LOCAL: LocalCells = const { LocalCells(RefCell::new(Vec::new())) };
}

/// A thread's entries; folds them into their stores when the thread ends.
struct LocalCells(RefCell<Vec<(Weak<Cells>, Arc<ThreadCells>)>>);

impl Drop for LocalCells {
    fn drop(&mut self) {
        for (cells, mine) in self.0.get_mut().drain(..) {
            if let Some(cells) = cells.upgrade() {
                cells.retire(&mine);
            }
        }
    }
}

impl Cells {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            threads: RwLock::new(Vec::new()),
            retired: ThreadCells::new(),
        })
    }

    fn lock_threads(&self) -> RwLockReadGuard<'_, Vec<Arc<ThreadCells>>> {
        self.threads.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds `n` to integer cell `index` of the calling thread.
    pub(crate) fn add_int(self: &Arc<Self>, index: Index, n: u64) {
        if !self.with_mine(|mine| mine.add_int(index, n)) {
            self.retired
                .ints
                .cell(index)
                .fetch_add(n, Ordering::Relaxed);
        }
    }

    /// Adds `delta` to float cell `index` of the calling thread.
    pub(crate) fn add_float(self: &Arc<Self>, index: Index, delta: f64) {
        if !self.with_mine(|mine| mine.add_float(index, delta)) {
            add_float_atomically(self.retired.floats.cell(index), delta);
        }
    }

    /// Both of the above with one lookup of the thread's cells (a histogram
    /// observation: a bucket and the sum).
    pub(crate) fn add_int_and_float(
        self: &Arc<Self>,
        int: Index,
        n: u64,
        float: Index,
        delta: f64,
    ) {
        let recorded = self.with_mine(|mine| {
            mine.add_int(int, n);
            mine.add_float(float, delta);
        });
        if !recorded {
            self.retired.ints.cell(int).fetch_add(n, Ordering::Relaxed);
            add_float_atomically(self.retired.floats.cell(float), delta);
        }
    }

    /// Runs `f` on the calling thread's cells of this store, made on first
    /// use; `false` while the thread's locals are being destroyed.
    fn with_mine(self: &Arc<Self>, f: impl FnOnce(&ThreadCells)) -> bool {
        LOCAL
            .try_with(|local| {
                let mut entries = local.0.borrow_mut();
                let found = entries
                    .iter()
                    .position(|(cells, _)| std::ptr::eq(cells.as_ptr(), Arc::as_ptr(self)));
                let position = match found {
                    Some(position) => position,
                    None => {
                        // Entries of dropped stores go as a new one comes.
                        entries.retain(|(cells, _)| cells.strong_count() > 0);
                        let mine = Arc::new(ThreadCells::new());
                        self.threads
                            .write()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(Arc::clone(&mine));
                        entries.push((Arc::downgrade(self), mine));
                        entries.len() - 1
                    }
                };
                f(&entries[position].1);
            })
            .is_ok()
    }

    /// Moves an ended thread's numbers into `retired`, atomically for readers.
    fn retire(&self, mine: &Arc<ThreadCells>) {
        let mut threads = self.threads.write().unwrap_or_else(PoisonError::into_inner);
        threads.retain(|thread| !Arc::ptr_eq(thread, mine));
        for (chunk_index, chunk) in mine.ints.chunks.iter().enumerate() {
            let Some(chunk) = chunk.get() else { continue };
            for (offset, cell) in chunk.iter().enumerate() {
                let n = cell.load(Ordering::Relaxed);
                if n != 0 {
                    let index = (chunk_index * CHUNK + offset) as Index;
                    self.retired
                        .ints
                        .cell(index)
                        .fetch_add(n, Ordering::Relaxed);
                }
            }
        }
        for (chunk_index, chunk) in mine.floats.chunks.iter().enumerate() {
            let Some(chunk) = chunk.get() else { continue };
            for (offset, cell) in chunk.iter().enumerate() {
                let bits = cell.load(Ordering::Relaxed);
                if bits != 0 {
                    let index = (chunk_index * CHUNK + offset) as Index;
                    add_float_atomically(self.retired.floats.cell(index), f64::from_bits(bits));
                }
            }
        }
    }

    /// A consistent view for reading totals: threads cannot retire meanwhile.
    pub(crate) fn read(&self) -> Totals<'_> {
        Totals {
            threads: self.lock_threads(),
            retired: &self.retired,
        }
    }
}

fn add_float_atomically(cell: &AtomicU64, delta: f64) {
    let _ = cell.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
        Some((f64::from_bits(bits) + delta).to_bits())
    });
}

/// Totals of cells over every thread, read while no thread retires.
pub(crate) struct Totals<'a> {
    threads: RwLockReadGuard<'a, Vec<Arc<ThreadCells>>>,
    retired: &'a ThreadCells,
}

impl Totals<'_> {
    /// The sum of integer cell `index` over every thread.
    pub(crate) fn int(&self, index: Index) -> u64 {
        self.threads
            .iter()
            .fold(self.retired.ints.bits(index), |sum, thread| {
                sum.wrapping_add(thread.ints.bits(index))
            })
    }

    /// The sum of float cell `index` over every thread.
    pub(crate) fn float(&self, index: Index) -> f64 {
        self.threads.iter().fold(
            f64::from_bits(self.retired.floats.bits(index)),
            |sum, thread| sum + f64::from_bits(thread.floats.bits(index)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_sum_every_thread_and_survive_thread_exit() {
        let cells = Cells::new();
        cells.add_int(3, 2);
        cells.add_float(3, 0.5);
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let cells = Arc::clone(&cells);
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        cells.add_int(3, 1);
                        cells.add_float(3, 0.25);
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().unwrap();
        }
        let totals = cells.read();
        assert_eq!(totals.int(3), 4002);
        assert_eq!(totals.float(3), 1000.5);
        assert_eq!(totals.int(4), 0);
        // The four workers ended: their cells were folded into `retired`.
        assert_eq!(totals.threads.len(), 1);
    }

    #[test]
    fn the_last_cell_is_usable() {
        let cells = Cells::new();
        let last = (CAPACITY - 1) as Index;
        cells.add_int(last, 7);
        assert_eq!(cells.read().int(last), 7);
    }
}
