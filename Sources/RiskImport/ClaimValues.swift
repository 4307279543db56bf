// Value readers for claim fields: dates (yyyymmdd, yyyymmddHHMM only: never a guessed day/month
// order), birth dates with unknown day or month, strict decimals, lab values with < and >, ICD-10
// categories, text folding (case and Vietnamese diacritics), and lab units.
//
// Unit conversions (to the canonical units of RiskCore/Fields.swift), exact as stated:
//   cholesterol (total, HDL) mg/dL ÷ 38.67 → mmol/L
//   glucose mg/dL ÷ 18.016 → mmol/L
//   creatinine mg/dL × 88.4 → µmol/L
//   HbA1c IFCC mmol/mol → NGSP %: 0.09148 × IFCC + 2.152 (NGSP/IFCC master equation)
import Foundation

/// A calendar day, validated (Gregorian month lengths).
struct Day: Comparable, Hashable, Sendable {
    let year: Int, month: Int, day: Int

    init?(year: Int, month: Int, day: Int) {
        guard (1800...2200).contains(year), (1...12).contains(month), day >= 1,
            day <= Day.length(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    static func length(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    /// `yyyymmdd` or `yyyymmddHHMM` (hours 00–23, minutes 00–59); anything else is nil.
    static func parse(_ text: String) -> Day? {
        guard let digits = ClaimValues.digits(text), digits.count == 8 || digits.count == 12 else { return nil }
        if digits.count == 12 {
            let hh = digits[8] * 10 + digits[9], mm = digits[10] * 10 + digits[11]
            guard hh <= 23, mm <= 59 else { return nil }
        }
        return Day(
            year: digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3],
            month: digits[4] * 10 + digits[5], day: digits[6] * 10 + digits[7])
    }

    /// Whole years from `birth` to `self` (completed birthdays).
    func years(since birth: Day) -> Int {
        year - birth.year - ((month, day) < (birth.month, birth.day) ? 1 : 0)
    }

    var text: String {
        func pad(_ n: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(n).count)) + String(n) }
        return pad(year, 4) + pad(month, 2) + pad(day, 2)
    }
}

/// A birth date as read from NGAY_SINH.
enum BirthDate: Equatable {
    case exact(Day)
    /// Day and/or month unknown: the middle of the year (1 July) or of the month (the 15th).
    case approximated(Day)
    case invalid
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

    /// NGAY_SINH. Decision 130: 12 characters `yyyymmddHHMM`, unknown day/month written `00`.
    /// 4210: 8 characters `yyyymmdd`, unknown day and month written `0101` (indistinguishable from a
    /// real 1 January, which is therefore also treated as approximated). A 4-character year alone is
    /// accepted as approximated. Unknown month → 1 July; unknown day → the 15th of the month.
    static func birthDate(_ raw: String) -> BirthDate {
        guard let d = digits(raw) else { return .invalid }
        let year: Int
        switch d.count {
        case 4:
            year = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]
            return Day(year: year, month: 7, day: 1).map(BirthDate.approximated) ?? .invalid
        case 8, 12:
            year = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]
        default:
            return .invalid
        }
        if d.count == 12 {
            let hh = d[8] * 10 + d[9], mm = d[10] * 10 + d[11]
            guard hh <= 23, mm <= 59 else { return .invalid }
        }
        let month = d[4] * 10 + d[5], day = d[6] * 10 + d[7]
        if month == 0 {
            guard day == 0 else { return .invalid }
            return Day(year: year, month: 7, day: 1).map(BirthDate.approximated) ?? .invalid
        }
        if day == 0 {
            return Day(year: year, month: month, day: 15).map(BirthDate.approximated) ?? .invalid
        }
        if d.count == 8 && month == 1 && day == 1 {
            return Day(year: year, month: 7, day: 1).map(BirthDate.approximated) ?? .invalid
        }
        return Day(year: year, month: month, day: day).map(BirthDate.exact) ?? .invalid
    }

    /// A plain decimal with a dot (`5`, `5.2`, `.5`); no sign, exponent, comma, `nan` or `inf`.
    static func decimal<S: StringProtocol>(_ s: S) -> Double? {
        var sawDigit = false, sawDot = false
        for b in s.utf8 {
            if b >= 0x30 && b <= 0x39 { sawDigit = true } else if b == 0x2E && !sawDot { sawDot = true } else { return nil }
        }
        guard sawDigit, s.utf8.count <= 30 else { return nil }
        return Double(String(s))
    }

    /// A lab value: empty → `.missing`; `<x`, `>x`, `<=x`, `>=x`, `≤x`, `≥x` → the bound, censored.
    enum LabValue: Equatable {
        case missing
        case value(Double, censored: Bool)
        case invalid
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
        guard let x = decimal(s) else { return .invalid }
        return .value(x, censored: censored)
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

    /// Formats a number with at most 3 decimals, without trailing zeros.
    static func format(_ x: Double) -> String {
        let r = (x * 1000).rounded() / 1000
        if r == r.rounded() && abs(r) < 1e15 { return String(Int64(r)) }
        var s = String(format: "%.3f", r)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
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

    /// The value in the canonical unit (RiskCore/Fields.swift); factors as stated at the top of this file.
    func canonical(_ x: Double, from unit: LabUnit) -> Double? {
        switch (self, unit) {
        case (.totalChol, .mmolPerL), (.hdl, .mmolPerL), (.fastingGlucose, .mmolPerL),
            (.hba1c, .percent), (.creatinine, .umolPerL):
            return x
        case (.totalChol, .mgPerdL), (.hdl, .mgPerdL): return x / 38.67
        case (.fastingGlucose, .mgPerdL): return x / 18.016
        case (.creatinine, .mgPerdL): return x * 88.4
        case (.hba1c, .mmolPerMol): return 0.09148 * x + 2.152
        default: return nil
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
