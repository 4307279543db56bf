// Reading one cell's bytes as a value of a canonical field.
//
// Accuracy contract: a decimal number is converted to the nearest double (correctly rounded),
// exactly as strtod does: the fast path handles up to 15 significant digits as an exact integer
// divided by an exact power of ten (one rounding); anything longer goes through the standard
// library's correctly rounded parser.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads cells; stateless and thread-safe.
public enum CellReader {
    /// A cell's value and state.
    public struct Cell: Sendable, Equatable {
        public var value: Double
        public var state: CellState
        @inlinable public init(value: Double, state: CellState) {
            self.value = value
            self.state = state
        }
        public static let missing = Cell(value: .nan, state: .missing)
        public static let invalid = Cell(value: .nan, state: .invalid)
    }

    /// 10^k for k = 0…22, exact in binary64 (10^22 is the largest power of ten that is); a
    /// constant table (no lazy global, no array). Also the output's decimal scale (RiskBatch's
    /// number formatting, 0…15).
    @inlinable @inline(__always)
    public static func exactPowerOfTen(_ k: Int) -> Double {
        switch k {
        case 0: 1e0
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
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// Reads `bytes` (one unquoted cell, UTF-8) as a value of `kind`. An empty cell, or one of
    /// only spaces and tabs, is missing. Numbers must match the grammar exactly (no surrounding
    /// spaces, see `parseDecimal`); words, codes of categories, countries and dates ignore
    /// surrounding spaces and tabs.
    @inlinable
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, as kind: FieldKind) -> Cell {
        var lo = 0
        var hi = bytes.count
        while lo < hi, bytes[lo] == 0x20 || bytes[lo] == 0x09 { lo += 1 }
        while hi > lo, bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
        if lo == hi { return .missing }
        let s = UnsafeBufferPointer(rebasing: bytes[lo..<hi])
        let padded = lo != 0 || hi != bytes.count
        switch kind {
        case .numeric:
            guard !padded, let v = parseDecimal(s) else { return .invalid }
            return Cell(value: v, state: .present)
        case .binary:
            guard !padded, let v = parseDecimal(s), v == 0 || v == 1 else { return .invalid }
            return Cell(value: v, state: .present)
        case .code(let range):
            guard !padded, let v = parseDecimal(s), v == v.rounded(), v >= Double(range.lowerBound),
                v <= Double(range.upperBound)
            else { return .invalid }
            return Cell(value: v, state: .present)
        case .category(let vocabulary):
            guard let i = matchCategory(s, vocabulary) else { return .invalid }
            return Cell(value: Double(i), state: .present)
        case .iso3:
            guard let c = ISO3.code(s) else { return .invalid }
            return Cell(value: c, state: .present)
        case .date:
            guard let d = CalendarDate.parse(s) else { return .invalid }
            return Cell(value: d, state: .present)
        }
    }

    /// `read(bytes, as: .numeric)` for the hot loop: an unpadded cell goes straight to
    /// `parseDecimal`; anything else (empty, spaces) takes the general path.
    @inlinable @inline(__always)
    public static func readNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Cell {
        let n = bytes.count
        if n > 0 {
            let a = bytes[0], z = bytes[n - 1]
            if a != 0x20 && a != 0x09 && z != 0x20 && z != 0x09 {
                guard let v = parseDecimal(bytes) else { return .invalid }
                return Cell(value: v, state: .present)
            }
        }
        return read(bytes, as: .numeric)
    }

    /// Matches a category word: ASCII case folded on the fast path; other text is lower-cased
    /// with Unicode rules and compared with canonical equivalence (so NFC and NFD agree).
    public static func matchCategory(_ s: UnsafeBufferPointer<UInt8>, _ vocabulary: Vocabulary) -> Int? {
        var ascii = true
        for b in s where b >= 0x80 { ascii = false; break }
        if ascii {
            return vocabulary.asciiBytes.withUnsafeBufferPointer { table in
                vocabulary.asciiEntries.withUnsafeBufferPointer { entries in
                    candidates: for e in entries where e.length == s.count {
                        for i in 0..<s.count {
                            let b = s[i]
                            let folded = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
                            if folded != table[e.offset + i] { continue candidates }
                        }
                        return e.index
                    }
                    return nil
                }
            }
        }
        let key = String(decoding: s, as: UTF8.self).lowercased()
        if let i = vocabulary.aliases[key] { return i }
        for (alias, i) in vocabulary.aliases where alias == key { return i }
        return nil
    }

    /// Parses a plain decimal, the grammar documented in README "Input and output":
    /// `-?[0-9]+(\.[0-9]+)?` — an optional minus, digits, optionally a dot followed by digits.
    /// No plus sign, exponent, leading or trailing dot, spaces or other characters. Returns nil for
    /// anything else and for results that are not finite, so NaN and infinity never enter the
    /// engine.
    @inlinable
    public static func parseDecimal(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = s.count
        if n == 0 { return nil }
        if let (v, end) = scanDecimal(s, from: 0), end == n { return v }
        return parseDecimalSlow(s)
    }

    /// The fast path of `parseDecimal`, for a decimal that starts at `start` and ends where its
    /// digits end: an optional minus, digits, optionally a dot and digits, with at most 15
    /// significant digits (leading zeros do not count) and at most 22 after the dot. The digits
    /// then form an integer m < 10^15 < 2^53 and 10^k (k ≤ 22) is exact, so m / 10^k is one
    /// correctly rounded division: strtod's value. Returns the value and the index after its last
    /// digit, or nil when the text there does not take the fast path (no digit, a dot without
    /// digits after it, too many digits). The chunk parser reads numeric cells with it while it
    /// finds the field's end, so their bytes are read once.
    @inlinable @inline(__always)
    public static func scanDecimal(_ s: UnsafeBufferPointer<UInt8>, from start: Int) -> (value: Double, end: Int)? {
        let n = s.count
        var i = start
        let negative = i < n && s[i] == 0x2D
        if negative { i += 1 }
        var mantissa: UInt64 = 0
        // Digits from the first non-zero one (the mantissa wraps only past 19 of them, which
        // are rejected below).
        var significant = 0
        /// Reads a run of digits into the mantissa; returns how many.
        @inline(__always) func digitRun() -> Int {
            let runStart = i
            while i < n {
                let d = s[i] &- 0x30
                if d >= 10 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa != 0 { significant += 1 }
                i += 1
            }
            return i - runStart
        }
        if digitRun() == 0 { return nil }
        var frac = 0
        if i < n && s[i] == 0x2E {
            i += 1
            frac = digitRun()
            if frac == 0 { return nil }
        }
        if significant > 15 || frac > 22 { return nil }
        let m = Double(mantissa)
        let v = frac == 0 ? m : m / exactPowerOfTen(frac)
        return (negative ? -v : v, i)
    }

    @usableFromInline
    static func parseDecimalSlow(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
        // Validate the shape strictly, then let strtod (correctly rounded) convert.
        var i = 0
        let n = s.count
        if s[i] == 0x2D { i += 1 }
        var intDigits = 0
        while i < n, s[i] &- 0x30 < 10 { i += 1; intDigits += 1 }
        if intDigits == 0 { return nil }
        if i < n, s[i] == 0x2E {
            i += 1
            var fracDigits = 0
            while i < n, s[i] &- 0x30 < 10 { i += 1; fracDigits += 1 }
            if fracDigits == 0 { return nil }
        }
        if i != n { return nil }
        let v = withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buffer -> Double in
            for k in 0..<n { buffer[k] = CChar(bitPattern: s[k]) }
            buffer[n] = 0
            return strtod(buffer.baseAddress!, nil)
        }
        return v.isFinite ? v : nil
    }
}
