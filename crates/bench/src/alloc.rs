//! A counting global allocator: how many bytes are allocated and still live, and the
//! peak since a [`Window`] opened.
//!
//! Memory is reported as *live allocated bytes* (what the heap holds for a structure
//! after it is built), not resident set size: RSS depends on the allocator's caching and
//! on what the rest of the process touched, live bytes do not. Counting costs a few
//! atomic operations per allocation, so timing loops run inside [`paused`], where the
//! allocator forwards to the system allocator after one relaxed load.
//!
//! Install it in a binary with
//! `#[global_allocator] static A: esafety_bench::alloc::Counting = esafety_bench::alloc::Counting;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

/// Bytes allocated and not yet freed (wrapping: blocks freed while counting that were
/// allocated while paused make it drift down, which deltas in a [`Window`] tolerate).
static LIVE: AtomicUsize = AtomicUsize::new(0);
/// Highest value of [`LIVE`] since the last [`window`].
static PEAK: AtomicUsize = AtomicUsize::new(0);
static COUNTING: AtomicBool = AtomicBool::new(true);

/// The system allocator with byte counters.
pub struct Counting;

fn grew(bytes: usize) {
    if COUNTING.load(Relaxed) {
        let live = LIVE.fetch_add(bytes, Relaxed).wrapping_add(bytes);
        PEAK.fetch_max(live, Relaxed);
    }
}

fn shrank(bytes: usize) {
    if COUNTING.load(Relaxed) {
        LIVE.fetch_sub(bytes, Relaxed);
    }
}

// SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
// `GlobalAlloc` contract, and returns its result unchanged. The only addition is
// updating atomic counters, which neither allocates nor touches the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours (layout has non-zero size, checked by the caller).
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` (through us) with this layout.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was allocated by `System` (through us) with `layout`; the caller
        // guarantees `new_size` is valid for it.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            grew(new_size);
            shrank(layout.size());
        }
        p
    }
}

/// Runs `f` without counting (for timing loops: everything they allocate they free).
pub fn paused<R>(f: impl FnOnce() -> R) -> R {
    let was = COUNTING.swap(false, Relaxed);
    let r = f();
    COUNTING.store(was, Relaxed);
    r
}

/// Live bytes now and the peak since this window opened, relative to its opening.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    start: usize,
}

/// Opens a window: resets the peak to the live bytes now.
pub fn window() -> Window {
    let start = LIVE.load(Relaxed);
    PEAK.store(start, Relaxed);
    Window { start }
}

impl Window {
    /// Bytes allocated since the window opened and still live (0 if more was freed).
    pub fn live(&self) -> usize {
        let d = LIVE.load(Relaxed).wrapping_sub(self.start) as isize;
        d.max(0) as usize
    }

    /// Highest live bytes above the window's start since it opened.
    pub fn peak(&self) -> usize {
        let d = PEAK.load(Relaxed).wrapping_sub(self.start) as isize;
        d.max(0) as usize
    }
}
