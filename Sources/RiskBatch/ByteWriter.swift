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
