// A growable byte buffer for the output hot loop: appends without the per-byte uniqueness checks
// of `Array.append`. Every append makes its own room; `reserve` makes room for a row ahead so the
// buffer rarely grows inside one.

/// Output bytes of one chunk, owned by the writer (freed on `deinit`); `bytes()` copies them out.
struct ByteWriter: ~Copyable {
    private var storage: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private mutating func grow(_ needed: Int) {
        var c = capacity * 2
        while c < needed { c *= 2 }
        let s = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        s.update(from: storage, count: count)
        storage.deallocate()
        storage = s
        capacity = c
    }

    /// Appends one byte.
    @inline(__always)
    mutating func append(_ b: UInt8) {
        reserve(1)
        storage[count] = b
        count += 1
    }

    /// Appends bytes.
    @inline(__always)
    mutating func append(contentsOf p: UnsafeBufferPointer<UInt8>) {
        guard let base = p.baseAddress, p.count > 0 else { return }
        reserve(p.count)
        (storage + count).update(from: base, count: p.count)
        count += p.count
    }

    /// Appends a short run of bytes (a status, a flag) eight at a time instead of calling
    /// `memmove`: it may read and write up to 7 bytes past the run, so `p` must have 7 readable
    /// bytes after it (`paddedForShortCopies`); the writer keeps the room.
    @inline(__always)
    mutating func appendShort(_ p: UnsafePointer<UInt8>, count n: Int) {
        reserve(n + 8)
        let d = UnsafeMutableRawPointer(storage + count)
        let s = UnsafeRawPointer(p)
        var i = 0
        while i < n {
            d.storeBytes(of: s.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
            i += 8
        }
        count += n
    }

    /// `bytes` with 8 zero bytes after them, for `appendShort`'s word copies.
    static func paddedForShortCopies(_ bytes: [UInt8]) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: 8)
    }

    /// Appends `r / 10^digits` with exactly `digits` decimals (r is a value already scaled by
    /// 10^digits and rounded), written in place by `NumberFormatting.writeScaled`.
    @inline(__always)
    mutating func appendScaled(_ r: UInt64, digits: Int) {
        reserve(22 + digits)  // at most 20 digits of r, zeros up to `digits` + 1, the point
        count += NumberFormatting.writeScaled(r, digits: digits, to: storage + count)
    }

    /// Appends bytes.
    @inline(__always)
    mutating func append(contentsOf a: [UInt8]) {
        a.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// The bytes written, as an array.
    func bytes() -> [UInt8] {
        Array(UnsafeBufferPointer(start: storage, count: count))
    }
}
