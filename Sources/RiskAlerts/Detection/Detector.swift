// Common API of the area-level aberration detectors (EARS C1–C3, Rogerson CUSUM, Farrington
// flexible). Each detector reads one count series, ordered in time with no gaps, and returns one
// `Detection` per period it can evaluate, defined as R package `surveillance` 1.20 (matched
// against 1.20.3) defines it; see each detector's file for its equations and accuracy.

/// The decision of one detector for one period of a series.
public struct Detection: Sendable, Equatable {
    /// Position of the period in the series (0-based).
    public var index: Int
    /// The observed count.
    public var observed: Double
    /// The expected count under the in-control model, where the method has one (Farrington).
    public var expected: Double?
    /// The threshold: the period alarms when `observed` exceeds it (EARS, Farrington) or reaches
    /// it (CUSUM, whose upperbound is the smallest count that alarms). `nil` where R gives `NA`
    /// (EARS C3 with a zero standard deviation, Farrington with too few recent cases).
    public var upperbound: Double?
    /// The method's own alarm decision (`false` where R gives `NA`).
    public var alarm: Bool

    /// A detection with every field given.
    public init(index: Int, observed: Double, expected: Double?, upperbound: Double?, alarm: Bool) {
        self.index = index
        self.observed = observed
        self.expected = expected
        self.upperbound = upperbound
        self.alarm = alarm
    }
}

/// A detector of aberrations in one count series.
public protocol AberrationDetector: Sendable {
    /// The method's name as used on the command line and in outputs (`ears_c1`, `cusum`, …).
    var name: String { get }
    /// Evaluates every period the method can evaluate.
    /// - Parameters:
    ///   - counts: the counts, one per period, in time order, no gaps (missing periods are 0).
    ///   - periodsPerYear: 52 for ISO weeks, 12 for months, 4 for quarters (Farrington's
    ///     reference windows are whole years of periods back).
    /// - Returns: one detection per evaluated period, in time order.
    func detect(_ counts: [Double], periodsPerYear: Int) -> [Detection]
}

/// R's `pmax(a, b)` for two doubles: NaN propagates (Swift's `max` does not promise that).
@inline(__always)
func rPmax(_ a: Double, _ b: Double) -> Double {
    if a.isNaN || b.isNaN { return .nan }
    return a >= b ? a : b
}
