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
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { text in
            // Digits of r, least significant first, padded so there is at least one integer digit.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buf in
                var n = 0
                var x = r
                repeat {
                    buf[n] = 0x30 + UInt8(truncatingIfNeeded: x % 10)
                    x /= 10
                    n += 1
                } while x > 0
                while n <= digits {
                    buf[n] = 0x30
                    n += 1
                }
                var count = 0
                var i = n - 1
                while i >= digits {
                    text[count] = buf[i]
                    count += 1
                    i -= 1
                }
                if digits > 0 {
                    text[count] = 0x2E
                    count += 1
                    while i >= 0 {
                        text[count] = buf[i]
                        count += 1
                        i -= 1
                    }
                }
                body(UnsafeBufferPointer(rebasing: text[0..<count]))
            }
        }
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
