// Detection over an aggregate, alert hygiene and the published level.
//
// Level rule (per area, indicator and period, shared by that period's method rows):
//   - none when fewer than `minCount` were observed, or no method alarms;
//   - watch when one method alarms; warning when two do;
//   - alert when three or more alarm, or when any alarming method's observed count is at least
//     twice its upperbound (upperbound > 0);
//   - cooldown: after a published level at period p, the periods p+1 … p+cooldown publish a level
//     only if it is higher than the last one published (an escalation); otherwise none.
// The `alarm` column stays each method's own decision, untouched by hygiene.

/// A detection method by name.
public enum AlertMethod: String, Sendable, CaseIterable, Codable {
    case earsC1 = "ears_c1"
    case earsC2 = "ears_c2"
    case earsC3 = "ears_c3"
    case cusum
    case farrington
}

/// Published alert level.
public enum SignalLevel: String, Sendable, Comparable, Codable {
    case none, watch, warning, alert

    var rank: Int {
        switch self {
        case .none: return 0
        case .watch: return 1
        case .warning: return 2
        case .alert: return 3
        }
    }

    public static func < (a: SignalLevel, b: SignalLevel) -> Bool { a.rank < b.rank }
}

/// Settings of a detection run.
public struct AlertSettings: Sendable {
    public var methods: [AlertMethod] = AlertMethod.allCases
    public var earsBaseline = 7
    public var earsAlpha = 0.001
    public var cusumBaseline = 12
    public var cusumShift = 1.0
    public var arl0 = 100.0
    public var cusumK: Double?
    public var cusumH: Double?
    public var farrington = FarringtonFlexible()
    public var minCount = 0.0
    public var cooldown = 0
    public init() {}

    /// The detector of a method.
    public func detector(_ m: AlertMethod) -> any AberrationDetector {
        switch m {
        case .earsC1: return EARSDetector(.c1, baseline: earsBaseline, alpha: earsAlpha)
        case .earsC2: return EARSDetector(.c2, baseline: earsBaseline, alpha: earsAlpha)
        case .earsC3: return EARSDetector(.c3, baseline: earsBaseline, alpha: earsAlpha)
        case .cusum:
            return RogersonCUSUM(baseline: cusumBaseline, shift: cusumShift, arl0: arl0, k: cusumK, h: cusumH)
        case .farrington: return farrington
        }
    }

    /// The settings as name/value text pairs (for `--json`).
    public var described: [(String, String)] {
        var out: [(String, String)] = [("methods", methods.map(\.rawValue).joined(separator: ","))]
        out += [("ears_baseline", String(earsBaseline)), ("ears_alpha", AlertNumber.text(earsAlpha)),
                ("cusum_baseline", String(cusumBaseline)), ("cusum_shift", AlertNumber.text(cusumShift)),
                ("arl0", AlertNumber.text(arl0)), ("cusum_k", cusumK.map(AlertNumber.text) ?? ""),
                ("cusum_h", cusumH.map(AlertNumber.text) ?? "")]
        let f = farrington
        out += [("farrington_b", String(f.years)), ("farrington_w", String(f.halfWindow)),
                ("farrington_reweight", f.reweight ? "true" : "false"),
                ("farrington_weights_threshold", AlertNumber.text(f.weightsThreshold)),
                ("farrington_trend", f.trend ? "true" : "false"),
                ("farrington_trend_p", AlertNumber.text(f.trendPValue)),
                ("farrington_no_periods", String(f.noPeriods)),
                ("farrington_past_periods_not_included", String(f.pastPeriodsNotIncluded)),
                ("farrington_alpha", AlertNumber.text(f.alpha)),
                ("farrington_limit54", "\(AlertNumber.text(f.limitCases)),\(f.limitPeriods)"),
                ("farrington_powertrans", f.powerTransformation),
                ("farrington_threshold", "nbPlugin"),
                ("min_count", AlertNumber.text(minCount)), ("cooldown", String(cooldown))]
        return out
    }
}

/// One output row of `--output`.
public struct AlertRow: Sendable, Equatable {
    public var area: String
    public var period: String
    public var indicator: String
    public var method: AlertMethod
    public var observed: Double
    public var expected: Double?
    public var upperbound: Double?
    public var alarm: Bool
    public var level: SignalLevel
}

/// Numbers as the outputs write them: the shortest decimal that reads back as the same double
/// (Swift's `Double.description`), without a trailing `.0` for whole numbers.
public enum AlertNumber {
    public static func text(_ v: Double) -> String {
        if v.isFinite, v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return v.description
    }
}

public enum AlertDetection {
    /// The level of one period given each method's detection there.
    static func level(_ ds: [Detection], minCount: Double) -> SignalLevel {
        guard let observed = ds.first?.observed, observed >= minCount else { return .none }
        let alarming = ds.filter(\.alarm)
        if alarming.isEmpty { return .none }
        let far = alarming.contains { d in
            if let u = d.upperbound, u > 0 { return d.observed >= 2 * u }
            return false
        }
        if alarming.count >= 3 || far { return .alert }
        return alarming.count >= 2 ? .warning : .watch
    }

    /// Published levels of a series' evaluated periods.
    /// - Parameters:
    ///   - perPeriod: each evaluated period's detections (one per method).
    ///   - positions: the periods' indices in the series (consecutive when nil).
    ///   - minCount: no level below this observed count.
    ///   - cooldown: periods after a published level in which only an escalation is published.
    static func levels(_ perPeriod: [[Detection]], positions: [Int], minCount: Double, cooldown: Int) -> [SignalLevel] {
        var out: [SignalLevel] = []
        var lastLevel = SignalLevel.none
        var lastAt = Int.min / 2
        for (j, ds) in perPeriod.enumerated() {
            let i = positions[j]
            var lv = level(ds, minCount: minCount)
            if lv != .none {
                if i - lastAt <= cooldown && lv <= lastLevel {
                    lv = .none
                } else {
                    lastLevel = lv
                    lastAt = i
                }
            }
            out.append(lv)
        }
        return out
    }

    /// Levels when every method evaluated the same periods: `detections[m][j]` is method m's
    /// detection at its j-th period.
    public static func levels(_ detections: [[Detection]], minCount: Double, cooldown: Int) -> [SignalLevel] {
        guard let first = detections.first else { return [] }
        let perPeriod = first.indices.map { j in detections.map { $0[j] } }
        return levels(perPeriod, positions: first.map(\.index), minCount: minCount, cooldown: cooldown)
    }

    /// Runs every method on every area × indicator series and applies hygiene.
    /// - Returns: rows ordered by area, indicator, period, method.
    public static func run(_ agg: AlertAggregate, settings: AlertSettings) -> [AlertRow] {
        let periods = agg.periods
        let freq = agg.kind.periodsPerYear
        let detectors = settings.methods.map { ($0, settings.detector($0)) }
        var out: [AlertRow] = []
        for area in agg.areas {
            for indicator in agg.indicators {
                let counts = agg.series(area: area, indicator: indicator)
                // method → index → detection
                var byIndex: [Int: [(AlertMethod, Detection)]] = [:]
                for (m, d) in detectors {
                    for det in d.detect(counts, periodsPerYear: freq) { byIndex[det.index, default: []].append((m, det)) }
                }
                let indices = byIndex.keys.sorted()
                let lv = levels(indices.map { i in byIndex[i]!.map(\.1) }, positions: indices,
                                minCount: settings.minCount, cooldown: settings.cooldown)
                for (j, i) in indices.enumerated() {
                    let entries = byIndex[i]!
                    for (m, det) in entries {
                        out.append(AlertRow(area: area, period: agg.kind.label(periods[i]), indicator: indicator,
                                            method: m, observed: det.observed, expected: det.expected,
                                            upperbound: det.upperbound, alarm: det.alarm, level: lv[j]))
                    }
                }
            }
        }
        return out
    }
}
