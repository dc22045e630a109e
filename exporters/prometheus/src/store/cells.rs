//! Per-thread cells: where the store's numbers live.
//!
//! Every series owns a few cell indices (a counter one integer cell, a gauge
//! one float cell, a histogram one integer cell per bucket and a float cell
//! for its sum). Each recording thread holds a slot, and each slot has its
//! own [`Slab`] of cells per store, so a hot series touched by every core
//! bounces no cache line: a live thread is the only writer of its slot's
//! cells and writes them with a plain load and store (no atomic
//! read-modify-write, no compare-and-swap loop for floats). A scrape sums
//! the index over every slot.
//!
//! Finding the calling thread's cells is one thread-local load and one
//! `OnceLock` read. When a thread ends, its slot (and the counts in its
//! cells) passes to the next thread that starts recording, so nothing has to
//! be moved and totals never go back.
//!
//! Memory: 8 bytes per cell per slot whose thread touched the cell's chunk,
//! plus a 16 KiB directory per slot and store; nothing grows with
//! observations.

use std::cell::Cell;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock, RwLockReadGuard};

/// Cells per chunk; a chunk is allocated on a thread's first write into it.
pub(crate) const CHUNK: usize = 1024;
/// Chunks per slab: at most `CHUNK * CHUNKS` (about a million) cells of each
/// kind per store. Past that, new series are refused and counted.
const CHUNKS: usize = 1024;
/// The number of cells of each kind a store can hand out.
pub(crate) const CAPACITY: usize = CHUNK * CHUNKS;

/// A cell index. Integer and float cells are numbered separately.
pub(crate) type Index = u32;

/// One kind of cells (integers or floats) of one slot, or the overflow.
struct Slab {
    chunks: Box<[OnceLock<Box<[AtomicU64; CHUNK]>>]>,
}

impl Slab {
    fn new() -> Self {
        Self {
            chunks: (0..CHUNKS).map(|_| OnceLock::new()).collect(),
        }
    }

    #[inline]
    fn cell(&self, index: Index) -> &AtomicU64 {
        let index = index as usize;
        let chunk = &self.chunks[index / CHUNK];
        let chunk = match chunk.get() {
            Some(chunk) => chunk,
            None => Self::allocate(chunk),
        };
        &chunk[index % CHUNK]
    }

    #[cold]
    fn allocate(chunk: &OnceLock<Box<[AtomicU64; CHUNK]>>) -> &[AtomicU64; CHUNK] {
        chunk.get_or_init(|| Box::new([const { AtomicU64::new(0) }; CHUNK]))
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
    #[inline]
    fn add_int(&self, index: Index, n: u64) {
        let cell = self.ints.cell(index);
        cell.store(
            cell.load(Ordering::Relaxed).wrapping_add(n),
            Ordering::Relaxed,
        );
    }

    #[inline]
    fn add_float(&self, index: Index, delta: f64) {
        let cell = self.floats.cell(index);
        let sum = f64::from_bits(cell.load(Ordering::Relaxed)) + delta;
        cell.store(sum.to_bits(), Ordering::Relaxed);
    }
}

/// Threads' slots: a recording thread takes the lowest free slot on its
/// first write and gives it back when it ends, so at most this many threads
/// write at once through their own cells; more than that share the store's
/// `overflow` cells (atomically, so they stay exact, only slower).
const MAX_SLOTS: usize = 256;
/// The calling thread has no slot yet.
const UNASSIGNED: u32 = u32::MAX;
/// The calling thread writes through `overflow` (every slot taken, or the
/// thread is ending and can no longer give a slot back).
const OVERFLOW: u32 = u32::MAX - 1;

thread_local! {
    /// This thread's slot; const and without a destructor, so reading it
    /// is one load on every write.
    static SLOT: Cell<u32> = const { Cell::new(UNASSIGNED) };
    /// Gives the slot back when the thread ends.
    static SLOT_OWNER: SlotOwner = const { SlotOwner };
}

/// Slots given back by ended threads.
static FREE_SLOTS: Mutex<Vec<u32>> = Mutex::new(Vec::new());
/// Slots never handed out yet start here.
static NEXT_SLOT: AtomicU32 = AtomicU32::new(0);

struct SlotOwner;

impl Drop for SlotOwner {
    fn drop(&mut self) {
        // Whatever this thread records after this goes through `overflow`:
        // the slot may be another thread's by then.
        let slot = SLOT.replace(OVERFLOW);
        if (slot as usize) < MAX_SLOTS {
            FREE_SLOTS
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(slot);
        }
    }
}

/// The calling thread's slot, taken on first use.
#[inline]
fn slot() -> u32 {
    let slot = SLOT.get();
    if slot != UNASSIGNED {
        return slot;
    }
    take_slot()
}

#[cold]
fn take_slot() -> u32 {
    // Register the owner first: a thread already ending cannot give a slot
    // back, so it must not take one.
    let slot = if SLOT_OWNER.try_with(|_| ()).is_ok() {
        let free = FREE_SLOTS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        free.or_else(|| {
            let next = NEXT_SLOT.fetch_add(1, Ordering::Relaxed);
            // Past the last slot the counter stays past it (no wrap-around
            // in practice: one increment per thread start).
            ((next as usize) < MAX_SLOTS).then_some(next)
        })
        .unwrap_or(OVERFLOW)
    } else {
        OVERFLOW
    };
    SLOT.set(slot);
    slot
}

/// Every thread's cells of one store.
pub(crate) struct Cells {
    /// Per slot: the cells of whichever thread holds the slot. A slot's
    /// cells outlive its threads, so an ended thread's counts stay where
    /// they are and the next holder adds to them: no writer ever shares a
    /// cell with another live writer.
    slots: Box<[OnceLock<Arc<ThreadCells>>]>,
    /// The slots' cells made so far, for readers.
    threads: RwLock<Vec<Arc<ThreadCells>>>,
    /// Written atomically by threads without a slot.
    overflow: ThreadCells,
}

impl std::fmt::Debug for Cells {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cells")
            .field("threads", &self.lock_threads().len())
            .finish_non_exhaustive()
    }
}

impl Cells {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            slots: (0..MAX_SLOTS).map(|_| OnceLock::new()).collect(),
            threads: RwLock::new(Vec::new()),
            overflow: ThreadCells::new(),
        })
    }

    fn lock_threads(&self) -> RwLockReadGuard<'_, Vec<Arc<ThreadCells>>> {
        self.threads.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The calling thread's cells of this store, made on its first write;
    /// `None` for a thread without a slot.
    #[inline]
    fn mine(&self) -> Option<&ThreadCells> {
        let cells = self.slots.get(slot() as usize)?;
        match cells.get() {
            Some(mine) => Some(mine),
            None => Some(self.make_mine(cells)),
        }
    }

    #[cold]
    fn make_mine<'a>(&'a self, cells: &'a OnceLock<Arc<ThreadCells>>) -> &'a ThreadCells {
        cells.get_or_init(|| {
            let mine = Arc::new(ThreadCells::new());
            self.threads
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .push(Arc::clone(&mine));
            mine
        })
    }

    /// Adds `n` to integer cell `index` of the calling thread.
    #[inline]
    pub(crate) fn add_int(&self, index: Index, n: u64) {
        match self.mine() {
            Some(mine) => mine.add_int(index, n),
            None => {
                self.overflow
                    .ints
                    .cell(index)
                    .fetch_add(n, Ordering::Relaxed);
            }
        }
    }

    /// Adds `delta` to float cell `index` of the calling thread.
    #[inline]
    pub(crate) fn add_float(&self, index: Index, delta: f64) {
        match self.mine() {
            Some(mine) => mine.add_float(index, delta),
            None => add_float_atomically(self.overflow.floats.cell(index), delta),
        }
    }

    /// Both of the above with one lookup of the thread's cells (a histogram
    /// observation: a bucket and the sum).
    #[inline]
    pub(crate) fn add_int_and_float(&self, int: Index, n: u64, float: Index, delta: f64) {
        match self.mine() {
            Some(mine) => {
                mine.add_int(int, n);
                mine.add_float(float, delta);
            }
            None => {
                self.overflow.ints.cell(int).fetch_add(n, Ordering::Relaxed);
                add_float_atomically(self.overflow.floats.cell(float), delta);
            }
        }
    }

    /// A view for reading totals.
    pub(crate) fn read(&self) -> Totals<'_> {
        Totals {
            threads: self.lock_threads(),
            overflow: &self.overflow,
        }
    }
}

fn add_float_atomically(cell: &AtomicU64, delta: f64) {
    let _ = cell.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
        Some((f64::from_bits(bits) + delta).to_bits())
    });
}

/// Totals of cells over every slot and the overflow.
pub(crate) struct Totals<'a> {
    threads: RwLockReadGuard<'a, Vec<Arc<ThreadCells>>>,
    overflow: &'a ThreadCells,
}

impl Totals<'_> {
    /// The sum of integer cell `index` over every thread.
    pub(crate) fn int(&self, index: Index) -> u64 {
        self.threads
            .iter()
            .fold(self.overflow.ints.bits(index), |sum, thread| {
                sum.wrapping_add(thread.ints.bits(index))
            })
    }

    /// The sum of float cell `index` over every thread.
    pub(crate) fn float(&self, index: Index) -> f64 {
        self.threads.iter().fold(
            f64::from_bits(self.overflow.floats.bits(index)),
            |sum, thread| sum + f64::from_bits(thread.floats.bits(index)),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Barrier;

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
    }

    #[test]
    fn ended_threads_pass_their_slots_on() {
        let cells = Cells::new();
        for _ in 0..100 {
            let cells = Arc::clone(&cells);
            std::thread::spawn(move || cells.add_int(0, 1))
                .join()
                .unwrap();
        }
        let totals = cells.read();
        assert_eq!(totals.int(0), 100);
        // One thread at a time: slots were reused, not one made per thread
        // (other tests of this process hold a few meanwhile).
        assert!(totals.threads.len() < 20, "{} slots", totals.threads.len());
    }

    #[test]
    fn threads_past_the_last_slot_stay_exact() {
        let cells = Cells::new();
        let threads = MAX_SLOTS + 20;
        let all_recorded = Barrier::new(threads);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    cells.add_int(1, 1);
                    cells.add_int_and_float(2, 1, 2, 0.5);
                    // Every thread holds its slot until all have recorded,
                    // so at least 20 of them found none.
                    all_recorded.wait();
                });
            }
        });
        let totals = cells.read();
        assert_eq!(totals.int(1), threads as u64);
        assert_eq!(totals.int(2), threads as u64);
        assert_eq!(totals.float(2), threads as f64 * 0.5);
        assert!(cells.overflow.ints.bits(1) >= 20);
    }

    #[test]
    fn the_last_cell_is_usable() {
        let cells = Cells::new();
        let last = (CAPACITY - 1) as Index;
        cells.add_int(last, 7);
        assert_eq!(cells.read().int(last), 7);
    }
}
