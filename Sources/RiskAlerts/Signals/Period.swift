// Calendar periods for area-level signals: ISO 8601 weeks (`YYYY-Www`), months (`YYYY-MM`) and
// quarters (`YYYY-Qn`), as consecutive integer ordinals so that a series has no gaps, and the
// date formats rows may carry (ISO `yyyy-mm-dd`, `yyyymmdd`, `dd/mm/yyyy`). Proleptic Gregorian
// calendar; day numbers are days since 1970-01-01 (Hinnant's civil-from-days algorithms).

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

/// Civil (proleptic Gregorian) dates and day numbers.
public enum CivilDate {
    /// Days since 1970-01-01 of y-m-d.
    public static func toDays(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// (year, month, day) of a day number.
    public static func fromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Parses `yyyy-mm-dd` (a time after `T` or a space is ignored), `yyyymmdd` or `dd/mm/yyyy`
    /// into a day number; nil when the text is none of these or not a real date.
    public static func parse<C: Collection>(_ text: C) -> Int? where C.Element == UInt8 {
        var b = Array(text)
        while let l = b.last, l == 0x20 || l == 0x0D { b.removeLast() }
        while let f = b.first, f == 0x20 { b.removeFirst() }
        var y = 0, m = 0, d = 0
        if b.count >= 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
           let yy = digits(b[0..<4]), let mm = digits(b[5..<7]), let dd = digits(b[8..<10]),
           b.count == 10 || b[10] == UInt8(ascii: "T") || b[10] == 0x20 {
            (y, m, d) = (yy, mm, dd)
        } else if b.count == 8, let yy = digits(b[0..<4]), let mm = digits(b[4..<6]), let dd = digits(b[6..<8]) {
            (y, m, d) = (yy, mm, dd)
        } else if b.count == 10, b[2] == UInt8(ascii: "/"), b[5] == UInt8(ascii: "/"),
                  let dd = digits(b[0..<2]), let mm = digits(b[3..<5]), let yy = digits(b[6..<10]) {
            (y, m, d) = (yy, mm, dd)
        } else {
            return nil
        }
        guard (1...12).contains(m), d >= 1, d <= daysInMonth(y, m) else { return nil }
        return toDays(y, m, d)
    }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
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
