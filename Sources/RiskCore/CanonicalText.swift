// Canonical values as text, so that reading the text back (CellReader) gives the same value to
// the last bit: numbers in shortest round-trip form (Swift's `description`, whole numbers without a
// decimal point), dates as yyyymmdd.

/// Writes canonical values as cell text.
public enum CanonicalText {
    /// Shortest text that reads back as exactly `v`; whole numbers without a decimal point.
    public static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }

    /// A day number (days since 1970-01-01) as `yyyymmdd`.
    public static func date(_ days: Int) -> String {
        let c = CalendarDate.civil(days)
        func pad(_ n: Int, _ w: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2)
    }
}
