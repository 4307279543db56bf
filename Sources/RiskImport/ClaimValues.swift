// Value readers for claim fields: dates (yyyymmdd, yyyymmddHHMM only: never a guessed day/month
// order), birth dates with unknown day or month, decimals (dot or a single decimal comma), lab values
// with < and >, ICD-10 categories, text folding (case and Vietnamese diacritics), and lab units.
//
// Dates become RiskCore day numbers (`CalendarDate`); unit conversions are RiskCore's (`Units`);
// numbers are read with RiskCore's `CellReader.parseDecimal`, so a value reaches the scorer exactly
// as the same value written in a canonical CSV would.
import Foundation
import RiskCore

/// A claim time stamp: RiskCore day number and minute of the day (0 when only the date is written).
struct ClaimTime: Comparable, Hashable, Sendable {
    let day: Int
    let minute: Int

    static func < (a: ClaimTime, b: ClaimTime) -> Bool { (a.day, a.minute) < (b.day, b.minute) }

    /// `yyyymmdd` or `yyyymmddHHMM` (hours 00–23, minutes 00–59), a real calendar day (no `00` day or
    /// month), years 1800–2200; anything else is nil.
    static func parse(_ text: String) -> ClaimTime? {
        guard let d = ClaimValues.digits(text), d.count == 8 || d.count == 12 else { return nil }
        var minute = 0
        if d.count == 12 {
            let hh = d[8] * 10 + d[9], mm = d[10] * 10 + d[11]
            guard hh <= 23, mm <= 59 else { return nil }
            minute = hh * 60 + mm
        }
        guard d[4] * 10 + d[5] != 0, d[6] * 10 + d[7] != 0, let day = ClaimValues.calendarDay(Array(text.utf8.prefix(8))) else { return nil }
        return ClaimTime(day: day, minute: minute)
    }
}

/// A birth date as read from NGAY_SINH (RiskCore day numbers).
enum BirthDate: Equatable {
    case exact(Int)
    /// Day and/or month unknown: the middle of the year (1 July) or of the month (the 15th).
    case approximated(Int)
    case invalid
}

/// A number as written in a claim.
enum ClaimNumber: Equatable {
    case value(Double)
    /// Not a number (letters, signs, spaces, a separator without digits after it).
    case invalid
    /// Both separators, more than one comma or dot, or `d,ddd` (a thousands group or three decimals?).
    case ambiguous
}

enum ClaimValues {
    /// The ASCII digits of `text` as numbers, or nil when any character is not a digit.
    static func digits(_ text: String) -> [Int]? {
        var out: [Int] = []
        for b in text.utf8 {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            out.append(Int(b - 0x30))
        }
        return out
    }

    /// The day number of 8 ASCII digits `yyyymmdd` read by RiskCore's date rules (`00` day or month:
    /// the middle of the month or year).
    static func calendarDay(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { CalendarDate.parse($0) }.map { Int($0) }
    }

    /// NGAY_SINH. Decision 130: 12 characters `yyyymmddHHMM`, unknown day/month written `00`.
    /// 4210: 8 characters `yyyymmdd`, unknown day and month written `0101` (indistinguishable from a
    /// real 1 January, which is therefore also treated as approximated). A 4-character year alone is
    /// accepted as approximated. Unknown month → 1 July; unknown day → the 15th of the month (the
    /// same rule as RiskCore's `CalendarDate.parse`, which does the conversion).
    static func birthDate(_ raw: String) -> BirthDate {
        guard let d = digits(raw) else { return .invalid }
        let bytes = Array(raw.utf8)
        switch d.count {
        case 4:
            return calendarDay(bytes + Array("0000".utf8)).map(BirthDate.approximated) ?? .invalid
        case 8, 12:
            break
        default:
            return .invalid
        }
        if d.count == 12 {
            let hh = d[8] * 10 + d[9], mm = d[10] * 10 + d[11]
            guard hh <= 23, mm <= 59 else { return .invalid }
        }
        let month = d[4] * 10 + d[5], day = d[6] * 10 + d[7]
        if month == 0 && day != 0 { return .invalid }
        let date = Array(bytes.prefix(8))
        if month == 0 || day == 0 { return calendarDay(date).map(BirthDate.approximated) ?? .invalid }
        if d.count == 8 && month == 1 && day == 1 {
            return calendarDay(Array(bytes.prefix(4)) + Array("0000".utf8)).map(BirthDate.approximated) ?? .invalid
        }
        return calendarDay(date).map(BirthDate.exact) ?? .invalid
    }

    /// A claim number: digits with at most one decimal separator, a dot (the standard's form) or a
    /// comma (written by many facilities): `5`, `5.2`, `.5`, `5,2`, `0,850`. Nothing is guessed:
    /// both separators (`1.234,5`), two commas or two dots (`1,234,567`) and a comma followed by
    /// exactly three digits after a non-zero whole part (`1,234`: a thousands group or three
    /// decimals?) are `.ambiguous`; signs, exponents, spaces and letters are `.invalid`. The value is
    /// read by RiskCore's `CellReader.parseDecimal`, like a canonical CSV cell.
    static func number<S: StringProtocol>(_ s: S) -> ClaimNumber {
        var dots = 0, commas = 0, digitCount = 0
        for b in s.utf8 {
            switch b {
            case 0x30...0x39: digitCount += 1
            case 0x2E: dots += 1
            case 0x2C: commas += 1
            default: return .invalid
            }
        }
        guard digitCount > 0, s.utf8.count <= 30 else { return .invalid }
        if dots + commas > 1 { return .ambiguous }
        var bytes = Array(s.utf8)
        if let comma = bytes.firstIndex(of: 0x2C) {
            let whole = bytes[..<comma], fraction = bytes[(comma + 1)...]
            if fraction.isEmpty { return .invalid }
            if fraction.count == 3 && whole.contains(where: { $0 != 0x30 }) { return .ambiguous }
            bytes[comma] = 0x2E
        }
        if bytes.last == 0x2E { return .invalid }
        guard let v = bytes.withUnsafeBufferPointer({ CellReader.parseDecimal($0) }) else { return .invalid }
        return .value(v)
    }

    /// A lab value: empty → `.missing`; `<x`, `>x`, `<=x`, `>=x`, `≤x`, `≥x` → the bound, censored.
    enum LabValue: Equatable {
        case missing
        case value(Double, censored: Bool)
        case invalid
        case ambiguous
    }

    static func labValue(_ raw: String) -> LabValue {
        var s = Substring(raw.trimmingCharacters(in: .whitespaces))
        if s.isEmpty { return .missing }
        var censored = false
        for prefix in ["<=", ">=", "≤", "≥", "<", ">"] where s.hasPrefix(prefix) {
            s = s.dropFirst(prefix.count)
            censored = true
            break
        }
        s = Substring(s.trimmingCharacters(in: .whitespaces))
        switch number(s) {
        case .value(let x): return .value(x, censored: censored)
        case .invalid: return .invalid
        case .ambiguous: return .ambiguous
        }
    }

/// Lower case, Vietnamese diacritics removed (đ → d), then split into runs of ASCII letters and
    /// runs of ASCII digits; everything else separates words. "HbA1c" → ["hba", "1", "c"].
    static func words(_ text: String) -> [String] {
        var folded = ""
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            if scalar == "đ" || scalar == "Đ" { folded.append("d"); continue }
            folded.unicodeScalars.append(contentsOf: String(scalar).lowercased().unicodeScalars)
        }
        var out: [String] = []
        var current = ""
        var currentIsDigit = false
        for scalar in folded.unicodeScalars {
            let isLetter = scalar.isASCII && (scalar.properties.isLowercase || scalar.properties.isUppercase)
            let isDigit = scalar.isASCII && scalar.properties.numericType != nil
            if isLetter || isDigit {
                if !current.isEmpty && currentIsDigit != isDigit {
                    out.append(current)
                    current = ""
                }
                current.unicodeScalars.append(scalar)
                currentIsDigit = isDigit
            } else if !current.isEmpty {
                out.append(current)
                current = ""
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Whether `needle` occurs as a contiguous run of whole words in `haystack`.
    static func contains(_ haystack: [String], _ needle: [String]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return true }
        }
        return false
    }

    /// The ICD-10 category of a code (`E11`, `E11.9`, `e119`): letter and two-digit number.
    static func icdCategory<S: StringProtocol>(_ code: S) -> (letter: Character, number: Int)? {
        let cleaned = code.uppercased().filter { $0 != "." && $0 != " " }
        let chars = Array(cleaned)
        guard chars.count >= 3, let letter = chars.first, letter.isASCII, letter.isLetter,
            let d1 = chars[1].wholeNumberValue, let d2 = chars[2].wholeNumberValue, chars[1].isASCII, chars[2].isASCII
        else { return nil }
        return (letter, d1 * 10 + d2)
    }
}

/// The lab fields this importer fills and their units.
enum LabField: String, CaseIterable, Sendable {
    case totalChol = "total_chol"
    case hdl
    case fastingGlucose = "fasting_glucose"
    case hba1c
    case creatinine

    /// Units accepted for this field (canonical first).
    var units: [LabUnit] {
        switch self {
        case .totalChol, .hdl, .fastingGlucose: return [.mmolPerL, .mgPerdL]
        case .hba1c: return [.percent, .mmolPerMol]
        case .creatinine: return [.umolPerL, .mgPerdL]
        }
    }

    /// The value in the canonical unit (SCHEMA.md) by RiskCore's declared conversions (`Units`);
    /// nil when RiskCore has no conversion from this unit for this field.
    func canonical(_ x: Double, from unit: LabUnit) -> Double? {
        switch Units.conversion(field: rawValue, unit: unit.rawValue) {
        case .success(nil): return x
        case .success(let c?): return c.apply(x)
        case .failure: return nil
        }
    }

    /// The unit a value without DON_VI_DO most likely has (4210-era data), or nil when the value lies
    /// in neither range. Ranges are the values seen in practice in each unit, chosen not to overlap:
    ///   total cholesterol: 0.5–25 mmol/L | 30–1000 mg/dL
    ///   HDL: 0.1–4 mmol/L | 5–200 mg/dL
    ///   glucose: 1–35 mmol/L | 40–1100 mg/dL
    ///   creatinine: 0.1–15 mg/dL | 20–3000 µmol/L
    ///   HbA1c: 3–19 % | 20–200 mmol/mol
    func inferUnit(_ x: Double) -> LabUnit? {
        func within(_ lo: Double, _ hi: Double) -> Bool { x >= lo && x <= hi }
        switch self {
        case .totalChol: return within(0.5, 25) ? .mmolPerL : within(30, 1000) ? .mgPerdL : nil
        case .hdl: return within(0.1, 4) ? .mmolPerL : within(5, 200) ? .mgPerdL : nil
        case .fastingGlucose: return within(1, 35) ? .mmolPerL : within(40, 1100) ? .mgPerdL : nil
        case .creatinine: return within(0.1, 15) ? .mgPerdL : within(20, 3000) ? .umolPerL : nil
        case .hba1c: return within(3, 19) ? .percent : within(20, 200) ? .mmolPerMol : nil
        }
    }
}

/// Lab units as written in DON_VI_DO.
enum LabUnit: String, Sendable {
    case mmolPerL = "mmol/L"
    case mgPerdL = "mg/dL"
    case umolPerL = "umol/L"
    case percent = "%"
    case mmolPerMol = "mmol/mol"

    /// Case and spaces ignored; µ (U+00B5) and μ (U+03BC) read as u; `mg%` is mg/dL.
    static func parse(_ raw: String) -> LabUnit? {
        var s = ""
        for ch in raw.lowercased() where !ch.isWhitespace {
            s.append(ch == "µ" || ch == "μ" ? "u" : ch)
        }
        switch s {
        case "mmol/l": return .mmolPerL
        case "mg/dl", "mg%": return .mgPerdL
        case "umol/l": return .umolPerL
        case "%", "%hba1c", "%ngsp", "%(ngsp)": return .percent
        case "mmol/mol": return .mmolPerMol
        default: return nil
        }
    }
}
