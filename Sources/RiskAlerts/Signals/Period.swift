// Calendar periods for area-level signals: ISO 8601 weeks (`YYYY-Www`), months (`YYYY-MM`) and
// quarters (`YYYY-Qn`), as consecutive integer ordinals so that a series has no gaps, and the
// date formats rows may carry (ISO `yyyy-mm-dd`, `yyyymmdd`, `dd/mm/yyyy`). Proleptic Gregorian
// calendar; day numbers are days since 1970-01-01 (Hinnant's civil-from-days algorithms).

import RiskCore

/// The length of a detection period.
public enum PeriodKind: String, Sendable, CaseIterable, Codable {
    case week, month, quarter

    /// Periods per year as the detectors count them (a year back = this many periods; ISO years
    /// with 53 weeks are not special-cased, as in R `surveillance` without dates).
    public var periodsPerYear: Int {
        switch self {
        case .week: return 52
        case .month: return 12
        case .quarter: return 4
        }
    }

    /// The period ordinal of a day number.
    public func ordinal(ofDay day: Int) -> Int {
        switch self {
        case .week:
            // 1970-01-01 was a Thursday; Monday 1969-12-29 is day −3. Week ordinal = Mondays since.
            return floorDiv(day + 3, 7)
        case .month:
            let (y, m, _) = CivilDate.fromDays(day)
            return y * 12 + (m - 1)
        case .quarter:
            let (y, m, _) = CivilDate.fromDays(day)
            return y * 4 + (m - 1) / 3
        }
    }

    /// The label of a period ordinal: `2024-W07`, `2024-02`, `2024-Q1`.
    public func label(_ ordinal: Int) -> String {
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
        }
        switch self {
        case .week:
            // The ISO year is the year of the week's Thursday.
            let thursday = ordinal * 7 - 3 + 3
            let (y, _, _) = CivilDate.fromDays(thursday)
            let jan4 = CivilDate.toDays(y, 1, 4)
            let week = ordinal - floorDiv(jan4 + 3, 7) + 1
            return "\(pad(y, 4))-W\(pad(week, 2))"
        case .month:
            return "\(pad(floorDiv(ordinal, 12), 4))-\(pad(ordinal - floorDiv(ordinal, 12) * 12 + 1, 2))"
        case .quarter:
            return "\(pad(floorDiv(ordinal, 4), 4))-Q\(ordinal - floorDiv(ordinal, 4) * 4 + 1)"
        }
    }

    /// Parses a period label of any kind: (kind, ordinal), nil when it is not one.
    public static func parseLabel(_ s: String) -> (PeriodKind, Int)? {
        let b = Array(s.utf8)
        guard b.count >= 7, b[4] == UInt8(ascii: "-"), let y = digits(b[0..<4]) else { return nil }
        if b.count == 7, let m = digits(b[5..<7]), (1...12).contains(m) {
            return (.month, y * 12 + m - 1)
        }
        if b.count == 7, b[5] == UInt8(ascii: "Q") || b[5] == UInt8(ascii: "q"), let q = digits(b[6..<7]), (1...4).contains(q) {
            return (.quarter, y * 4 + q - 1)
        }
        if b.count == 8, b[5] == UInt8(ascii: "W") || b[5] == UInt8(ascii: "w"), let w = digits(b[6..<8]), w >= 1 {
            let jan4 = CivilDate.toDays(y, 1, 4)
            let first = floorDiv(jan4 + 3, 7)
            let ordinal = first + w - 1
            // Reject W53 in years with 52 weeks.
            guard PeriodKind.week.label(ordinal) == "\(s.prefix(4))-W\(s.suffix(2))" else { return nil }
            return (.week, ordinal)
        }
        return nil
    }
}

/// Civil (proleptic Gregorian) dates and day numbers: RiskCore's `CalendarDate`, under the names
/// the period code uses.
public enum CivilDate {
    /// Days since 1970-01-01 of y-m-d.
    public static func toDays(_ y: Int, _ m: Int, _ d: Int) -> Int { CalendarDate.days(year: y, month: m, day: d) }

    /// (year, month, day) of a day number.
    public static func fromDays(_ z: Int) -> (Int, Int, Int) {
        let c = CalendarDate.civil(z)
        return (c.year, c.month, c.day)
    }

    /// A date cell's day number, read as every date cell of the project is (RiskCore
    /// `CalendarDate.parse`: ISO `yyyy-mm-dd`, `yyyymmdd`, `yyyymmddHHMM`, `dd/mm/yyyy`; surrounding
    /// spaces ignored), plus ISO time stamps by their date; nil when it is not a date.
    public static func parse<C: Collection>(_ text: C) -> Int? where C.Element == UInt8 {
        var b = Array(text)
        while let l = b.last, l == 0x20 || l == 0x0D { b.removeLast() }
        while let f = b.first, f == 0x20 { b.removeFirst() }
        // An ISO time stamp (`2024-03-15T10:00:00`, `2024-03-15 10:00`) counts by its date.
        if b.count > 10, b[4] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T") || b[10] == 0x20 { b.removeLast(b.count - 10) }
        return b.withUnsafeBufferPointer { CalendarDate.parse($0) }.map { Int($0) }
    }
}

@inline(__always)
func floorDiv(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

func digits<C: Collection>(_ s: C) -> Int? where C.Element == UInt8 {
    var v = 0
    for c in s {
        guard c >= 0x30, c <= 0x39 else { return nil }
        v = v * 10 + Int(c - 0x30)
    }
    return s.isEmpty ? nil : v
}
