// Progress on standard error for long runs at a terminal: rows read, throughput, elapsed time and,
// when the input's size is known, percent done and an estimate of the time left. Nothing is
// shown for the first `delay` seconds (short runs stay silent), when standard error is not a
// terminal (logs and pipes stay clean) or with --quiet. The clock and the terminal flag are
// injected so the rendering is tested without a process.

/// Renders and paces progress lines.
public final class ProgressReporter: @unchecked Sendable {
    /// Seconds since an arbitrary origin.
    public typealias Clock = @Sendable () -> Double

    let totalBytes: Int?
    let enabled: Bool
    let clock: Clock
    let emit: @Sendable (String) -> Void
    let delay: Double
    let interval: Double
    let start: Double
    var lastShown: Double?
    var shownWidth = 0

    /// - Parameters:
    ///   - totalBytes: the input's size, when known (a regular file); nil for a pipe.
    ///   - isTerminal: whether standard error is a terminal (`isatty(2)`).
    ///   - quiet: `--quiet`.
    ///   - clock: the time source.
    ///   - emit: where text goes (standard error).
    ///   - delay: seconds before the first line.
    ///   - interval: seconds between lines.
    public init(
        totalBytes: Int?, isTerminal: Bool, quiet: Bool, clock: @escaping Clock,
        emit: @escaping @Sendable (String) -> Void, delay: Double = 2, interval: Double = 0.5
    ) {
        self.totalBytes = totalBytes.flatMap { $0 > 0 ? $0 : nil }
        self.enabled = isTerminal && !quiet
        self.clock = clock
        self.emit = emit
        self.delay = delay
        self.interval = interval
        self.start = clock()
    }

    /// Reports that `rows` data rows and `bytes` bytes have been read so far.
    public func update(rows: Int, bytes: Int) {
        guard enabled else { return }
        let now = clock()
        let elapsed = now - start
        guard elapsed >= delay else { return }
        if let last = lastShown, now - last < interval { return }
        lastShown = now
        let line = Self.render(rows: rows, bytes: bytes, elapsed: elapsed, totalBytes: totalBytes)
        let padding = max(0, shownWidth - line.count)
        shownWidth = line.count
        emit("\r" + line + String(repeating: " ", count: padding))
    }

    /// Clears the progress line, if one was shown.
    public func finish() {
        guard enabled, shownWidth > 0 else { return }
        emit("\r" + String(repeating: " ", count: shownWidth) + "\r")
        shownWidth = 0
    }

    /// One progress line, e.g. `1,250,000 rows  48.3 MB/s  0:12 elapsed  37 %  ETA 0:20`.
    public static func render(rows: Int, bytes: Int, elapsed: Double, totalBytes: Int?) -> String {
        let mbps = elapsed > 0 ? Double(bytes) / 1_000_000 / elapsed : 0
        var s = "\(grouped(rows)) rows  \(oneDecimal(mbps)) MB/s  \(clockText(elapsed)) elapsed"
        if let total = totalBytes {
            let done = min(Double(bytes) / Double(total), 1)
            s += "  \(Int((done * 100).rounded(.down))) %"
            if done > 0, bytes > 0 {
                s += "  ETA " + clockText(elapsed * (1 - done) / done)
            }
        }
        return s
    }

    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    static func oneDecimal(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// m:ss, or h:mm:ss from one hour.
    static func clockText(_ seconds: Double) -> String {
        let t = Int(seconds.rounded())
        let (h, m, s) = (t / 3600, (t % 3600) / 60, t % 60)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(m):\(two(s))"
    }
}

/// A byte source that reports progress as it is read: bytes, and rows counted as line breaks
/// (a line break inside a quoted cell is counted too, so rows are approximate until the end).
public struct ProgressSource<Inner: ByteSource>: ByteSource {
    var inner: Inner
    let reporter: ProgressReporter
    var bytes = 0
    var lines = 0

    public init(_ inner: Inner, reporter: ProgressReporter) {
        self.inner = inner
        self.reporter = reporter
    }

    public mutating func read(into buffer: inout [UInt8], max: Int) throws(BatchError) -> Int {
        let start = buffer.count
        let n = try inner.read(into: &buffer, max: max)
        if n > 0 {
            bytes += n
            var count = 0
            buffer.withUnsafeBufferPointer { p in
                for i in start..<(start + n) where p[i] == 0x0A { count += 1 }
            }
            lines += count
            // The header is the first line.
            reporter.update(rows: Swift.max(lines - 1, 0), bytes: bytes)
        }
        return n
    }
}
