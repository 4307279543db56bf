internal import CLAPACKE

/// Process-wide settings of the numeric runtime.
public enum ComputeRuntime {
    /// Chunked scoring allocates and frees the same megabyte-sized buffers over and over. glibc
    /// serves blocks over 128 KiB with mmap and gives them back to the kernel on free, so every
    /// chunk paid for fresh zeroed pages (about a third of a run went to page faults). Raising
    /// the mmap and trim thresholds keeps such blocks in the heap for reuse; memory stays bounded
    /// by the chunks in flight. No effect off glibc.
    public static func keepLargeAllocationsOnTheHeap() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 32 << 20)
        #endif
    }
}
