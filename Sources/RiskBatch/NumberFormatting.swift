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

enum NumberFormatting {
    /// 10^digits for the run's 0-12 decimals (exact in binary64), as constants.
    @inline(__always)
    private static func scale(_ digits: Int) -> Double {
        switch digits {
        case 0: 1
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        default: 1e15
        }
    }

    /// Appends `value` with `digits` decimals.
    @inline(__always)
    static func appendFixed(_ value: Double, digits: Int, to out: inout [UInt8]) {
        let scaled = value * scale(digits)
        if value >= 0, scaled < 1e15 {
            let fl = scaled.rounded(.down)
            let frac = scaled - fl
            if abs(frac - 0.5) > 1e-6 {
                appendScaled(UInt64(fl) + (frac > 0.5 ? 1 : 0), digits: digits, to: &out)
                return
            }
        }
        appendSlow(value, digits: digits, to: &out)
    }

    /// Appends `value` with `digits` decimals (the same digits as the array version).
    @inline(__always)
    static func appendFixed(_ value: Double, digits: Int, to out: inout ByteWriter) {
        let scaled = value * scale(digits)
        if value >= 0, scaled < 1e15 {
            let fl = scaled.rounded(.down)
            let frac = scaled - fl
            if abs(frac - 0.5) > 1e-6 {
                // At most 16 integer digits, the point and `digits` decimals.
                out.reserve(18 + digits)
                var r = UInt64(fl) + (frac > 0.5 ? 1 : 0)
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buf in
                    var n = 0
                    repeat {
                        buf[n] = 0x30 + UInt8(truncatingIfNeeded: r % 10)
                        r /= 10
                        n += 1
                    } while r > 0
                    while n <= digits {
                        buf[n] = 0x30
                        n += 1
                    }
                    var i = n - 1
                    while i >= digits {
                        out.appendUnchecked(buf[i])
                        i -= 1
                    }
                    if digits > 0 {
                        out.appendUnchecked(0x2E)
                        while i >= 0 {
                            out.appendUnchecked(buf[i])
                            i -= 1
                        }
                    }
                }
                return
            }
        }
        var slow: [UInt8] = []
        appendSlow(value, digits: digits, to: &slow)
        out.append(contentsOf: slow)
    }

    /// Appends r / 10^digits with exactly `digits` decimals (r is the rounded scaled value).
    @inline(__always)
    static func appendScaled(_ r: UInt64, digits: Int, to out: inout [UInt8]) {
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
            var i = n - 1
            while i >= digits {
                out.append(buf[i])
                i -= 1
            }
            if digits > 0 {
                out.append(0x2E)
                while i >= 0 {
                    out.append(buf[i])
                    i -= 1
                }
            }
        }
    }

    static func appendInteger(_ v: UInt64, to out: inout [UInt8]) {
        appendScaled(v, digits: 0, to: &out)
    }

    static func appendSlow(_ value: Double, digits: Int, to out: inout [UInt8]) {
        var buf = [CChar](repeating: 0, count: 400)
        let n = withVaList([Int32(digits), value]) { args in
            vsnprintf(&buf, buf.count, "%.*f", args)
        }
        for i in 0..<Int(max(0, min(n, Int32(buf.count - 1)))) { out.append(UInt8(bitPattern: buf[i])) }
    }
}
