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
    private static let powersOfTen: [Double] = (0...15).map { pow(10, Double($0)) }
    private static let intPowers: [UInt64] = (0...15).map { p in (0..<p).reduce(UInt64(1)) { r, _ in r * 10 } }

    /// Appends `value` with `digits` decimals.
    static func appendFixed(_ value: Double, digits: Int, to out: inout [UInt8]) {
        let scaled = value * powersOfTen[digits]
        if value >= 0, scaled < 1e15 {
            let fl = scaled.rounded(.down)
            let frac = scaled - fl
            if abs(frac - 0.5) > 1e-6 {
                let r = UInt64(fl) + (frac > 0.5 ? 1 : 0)
                let unit = intPowers[digits]
                appendInteger(r / unit, to: &out)
                if digits > 0 {
                    out.append(0x2E)
                    var fracPart = r % unit
                    var tmp = [UInt8](repeating: 0x30, count: digits)
                    var k = digits - 1
                    while fracPart > 0 && k >= 0 {
                        tmp[k] = 0x30 + UInt8(fracPart % 10)
                        fracPart /= 10
                        k -= 1
                    }
                    out.append(contentsOf: tmp)
                }
                return
            }
        }
        appendSlow(value, digits: digits, to: &out)
    }

    static func appendInteger(_ v: UInt64, to out: inout [UInt8]) {
        if v < 10 { out.append(0x30 + UInt8(v)); return }
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &tmp) { buf in
            while x > 0 {
                buf[n] = 0x30 + UInt8(x % 10)
                x /= 10
                n += 1
            }
            for i in stride(from: n - 1, through: 0, by: -1) { out.append(buf[i]) }
        }
    }

    static func appendSlow(_ value: Double, digits: Int, to out: inout [UInt8]) {
        var buf = [CChar](repeating: 0, count: 400)
        let n = withVaList([Int32(digits), value]) { args in
            vsnprintf(&buf, buf.count, "%.*f", args)
        }
        for i in 0..<Int(max(0, min(n, Int32(buf.count - 1)))) { out.append(UInt8(bitPattern: buf[i])) }
    }
}
