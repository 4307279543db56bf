// Fixed-point output of risks.
//
// Accuracy contract: the digits written are those of C's printf("%.*f"), i.e. the exact binary
// value correctly rounded. The fast path scales by 10^digits and rounds the integer; it is used
// only when the scaled value is far (> 1e-6) from a rounding tie, where the scaling error (a few
// ulps) cannot change the result; anything else goes through snprintf.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RiskCore

enum NumberFormatting {
    /// Hands `body` the text of `value` with `digits` decimals (0-15). One implementation for
    /// every output buffer.
    @inline(__always)
    static func withFixed(_ value: Double, digits: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let scaled = value * CellReader.exactPowerOfTen(digits)
        if value >= 0, scaled < 1e15 {
            let fl = scaled.rounded(.down)
            let frac = scaled - fl
            if abs(frac - 0.5) > 1e-6 {
                withScaled(UInt64(fl) + (frac > 0.5 ? 1 : 0), digits: digits, body)
                return
            }
        }
        var buf = [CChar](repeating: 0, count: 400)
        let n = withVaList([Int32(digits), value]) { args in
            vsnprintf(&buf, buf.count, "%.*f", args)
        }
        buf.withUnsafeBytes { raw in
            body(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[0..<Int(max(0, min(n, Int32(buf.count - 1))))]))
        }
    }

    /// The text of r / 10^digits with exactly `digits` decimals (r is the rounded scaled value).
    @inline(__always)
    static func withScaled(_ r: UInt64, digits: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scaledLength(r, digits: digits)) { text in
            let n = writeScaled(r, digits: digits, to: text.baseAddress!)
            body(UnsafeBufferPointer(rebasing: text[0..<n]))
        }
    }

    /// Bytes of r / 10^digits written with `digits` decimals: r's digits, at least one before
    /// the point, and the point.
    @inline(__always)
    static func scaledLength(_ r: UInt64, digits: Int) -> Int {
        var len = 1
        var bound: UInt64 = 10
        while len < 20 && r >= bound {
            len += 1
            bound = bound &* 10
        }
        if len <= digits { len = digits + 1 }
        return digits > 0 ? len + 1 : len
    }

    /// Writes r / 10^digits with exactly `digits` decimals at `p` (room for `scaledLength` bytes)
    /// and returns the byte count: the digits of r from the last, two at a time, a decimal point
    /// before the last `digits` of them, and zeros so there is at least one integer digit. The one
    /// digit writer of every output buffer.
    @inline(__always)
    static func writeScaled(_ r: UInt64, digits: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let total = scaledLength(r, digits: digits)
        let len = digits > 0 ? total - 1 : total
        var p = p + total
        var x = r
        let pairs = digitPairs.utf8Start
        /// Writes the last `count` digits of x before p, two at a time, and drops them from x.
        @inline(__always) func writeDigits(_ count: Int) {
            var k = count
            while k >= 2 {
                let q = x / 100
                let d = Int(x &- q &* 100) &* 2
                p -= 2
                p[0] = pairs[d]
                p[1] = pairs[d + 1]
                x = q
                k -= 2
            }
            if k == 1 {
                p -= 1
                p[0] = 0x30 &+ UInt8(truncatingIfNeeded: x % 10)
                x /= 10
            }
        }
        writeDigits(digits)
        if digits > 0 {
            p -= 1
            p[0] = 0x2E
        }
        writeDigits(len - digits)
        return total
    }

    /// "00", "01", … "99": two decimal digits per entry.
    static var digitPairs: StaticString {
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
    }

    /// Appends `value` with `digits` decimals.
    @inline(__always)
    static func appendFixed(_ value: Double, digits: Int, to out: inout [UInt8]) {
        withFixed(value, digits: digits) { out.append(contentsOf: $0) }
    }

    /// Appends `value` with `digits` decimals: the fast path of `withFixed` written straight into
    /// the writer (same digits), anything else through `withFixed`.
    @inline(__always)
    static func appendFixed(_ value: Double, digits: Int, to out: inout ByteWriter) {
        let scaled = value * CellReader.exactPowerOfTen(digits)
        if value >= 0, scaled < 1e15 {
            let whole = Int64(scaled)  // the floor, for 0 ≤ scaled < 1e15
            let frac = scaled - Double(whole)
            if abs(frac - 0.5) > 1e-6 {
                out.appendScaled(UInt64(whole) + (frac > 0.5 ? 1 : 0), digits: digits)
                return
            }
        }
        appendFixedSlow(value, digits: digits, to: &out)
    }

    /// Values off the fast path (negative, huge, near a rounding tie): out of line, so the
    /// fast path stays small enough to inline in the output loop.
    @inline(never)
    static func appendFixedSlow(_ value: Double, digits: Int, to out: inout ByteWriter) {
        withFixed(value, digits: digits) { out.append(contentsOf: $0) }
    }

    /// `value` with `digits` decimals as a String (printf's "%.*f").
    static func fixedText(_ value: Double, digits: Int) -> String {
        var out: [UInt8] = []
        appendFixed(value, digits: digits, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A non-negative integer padded with zeros to `width` digits (printf's "%0*d").
    static func zeroPadded(_ v: Int, width: Int) -> String {
        let digits = String(v)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func appendInteger(_ v: UInt64, to out: inout [UInt8]) {
        withScaled(v, digits: 0) { out.append(contentsOf: $0) }
    }
}
