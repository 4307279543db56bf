// The validation report: every figure at one horizon, seeded bootstrap intervals, subgroups.
//
// Contract: composes the estimators of this module (see each file's contract); no new arithmetic
// except the percentile intervals (Bootstrap.swift). JSON keys are issue 10's contract: `n`,
// `events`, `horizon`, `harrell_c`, `harrell_counts`, `uno_c`, `km_observed_risk`, `expected_risk`,
// `oe_ratio`, `calibration_slope`, `brier`, `brier_null`, `ipa`, `auc` and `<figure>_ci` = [lower,
// upper] with a bootstrap. A figure that is undefined on the data (e.g. no event before the
// horizon in a subgroup) is null. Predictions are taken as given here; the optimism correction of
// a model fitted on the same data is Optimism.swift (`validate --fit-terms … --optimism`).
import Foundation

/// What to compute.
public struct ValidationOptions: Sendable {
    /// Horizon (years).
    public var horizon: Double
    /// Bootstrap replicates (0 = no intervals).
    public var bootstrap: Int = 0
    /// Seed of the bootstrap generator.
    public var seed: UInt64 = 0
    /// Confidence level of the percentile intervals.
    public var level: Double = 0.95
    /// Threshold probabilities for net benefit.
    public var thresholds: [Double] = [0.05, 0.075, 0.1, 0.15, 0.2]
    /// Threads for bootstrap replicates (results do not depend on it).
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    public init(horizon: Double, bootstrap: Int = 0, seed: UInt64 = 0, thresholds: [Double] = [0.05, 0.075, 0.1, 0.15, 0.2]) {
        self.horizon = horizon
        self.bootstrap = bootstrap
        self.seed = seed
        self.thresholds = thresholds
    }
}

/// Point estimates of every figure on one sample.
public struct ValidationFigures: Equatable, Sendable {
    public var n: Int
    public var events: Int
    public var eventsByHorizon: Int
    public var harrellC: Double?
    public var harrellCounts: ConcordanceCounts
    public var unoC: Double?
    public var kmObservedRisk: Double
    public var expectedRisk: Double
    public var oeRatio: Double?
    public var calibrationSlope: Double?
    /// Integrated calibration index of the smoothed calibration curve.
    public var ici: Double?
    public var brier: Double?
    public var brierNull: Double?
    public var ipa: Double?
    public var auc: Double?
    public var netBenefit: [NetBenefitPoint]

    /// All figures of `sample` at the options' horizon; estimators that are undefined give nil.
    public static func compute(_ sample: SurvivalSample, _ options: ValidationOptions) -> ValidationFigures {
        computeWithCurve(sample, options).figures
    }

    /// The figures and the smoothed calibration model they used (fitted once).
    static func computeWithCurve(_ sample: SurvivalSample, _ options: ValidationOptions) -> (figures: ValidationFigures, smoothed: Calibration.Smoothed?) {
        let h = options.horizon
        let smoothed = try? Calibration.smoothed(sample, horizon: h)
        let harrell = Concordance.harrell(sample)
        let uno = Concordance.uno(sample, horizon: h)
        let observed = Calibration.observedRisk(sample, horizon: h)
        let expected = Calibration.expectedRisk(sample)
        let pe = try? PredictionError.compute(sample, horizon: h)
        let figures = ValidationFigures(
            n: sample.count, events: sample.event.lazy.filter { $0 }.count,
            eventsByHorizon: sample.time.indices.lazy.filter { sample.event[$0] && sample.time[$0] <= h }.count,
            harrellC: finite(harrell.c), harrellCounts: harrell.counts, unoC: finite(uno.c),
            kmObservedRisk: observed, expectedRisk: expected, oeRatio: finite(observed / expected),
            calibrationSlope: try? Calibration.slope(sample, horizon: h),
            ici: smoothed.map { Calibration.integratedCalibrationIndex($0, sample) },
            brier: pe.map(\.brier), brierNull: pe.map(\.brierNull), ipa: pe.flatMap { finite($0.ipa) },
            auc: pe.flatMap { finite($0.auc) },
            netBenefit: NetBenefit.compute(sample, horizon: h, thresholds: options.thresholds))
        return (figures, smoothed)
    }

    private static func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

    /// The scalar figures by JSON key, in contract order (bootstrap intervals are taken of these).
    var scalars: [(String, Double?)] {
        [("harrell_c", harrellC), ("uno_c", unoC), ("km_observed_risk", kmObservedRisk),
         ("expected_risk", expectedRisk), ("oe_ratio", oeRatio), ("calibration_slope", calibrationSlope), ("ici", ici),
         ("brier", brier), ("brier_null", brierNull), ("ipa", ipa), ("auc", auc)]
    }
}

/// A full report for one sample: figures, intervals, deciles, curve, and subgroups.
public struct ValidationReport: Sendable {
    public let horizon: Double
    public let figures: ValidationFigures
    /// `<key>_ci` → [lower, upper] for each scalar figure, when bootstrapped.
    public let intervals: [String: [Double]]
    /// Net-benefit intervals per threshold (model), when bootstrapped.
    public let netBenefitIntervals: [[Double]?]
    public let bootstrapReplicates: Int
    public let seed: UInt64?
    /// Confidence level of the intervals.
    public let level: Double
    public let deciles: [CalibrationDecile]
    /// The smoothed curve at the percentiles of the predictions.
    public let calibrationCurve: [CalibrationPoint]
    /// Reports per subgroup value (`--by`), sorted by value.
    public let subgroups: [(String, ValidationReport)]

    /// Validates `sample`; `groups` (one label per subject) adds a report per distinct label.
    /// Throws when there is no event before the horizon in the whole sample.
    public static func make(_ sample: SurvivalSample, options: ValidationOptions, groups: [String]? = nil) throws(RiskValidationError) -> ValidationReport {
        guard options.horizon.isFinite, options.horizon > 0 else { throw .badHorizon }
        guard sample.time.indices.contains(where: { sample.event[$0] && sample.time[$0] <= options.horizon }) else {
            throw .noEvents
        }
        var report = single(sample, options)
        if let groups {
            let labels = Array(Set(groups)).sorted()
            let sub = labels.map { label in
                (label, single(sample.subset(groups.indices.filter { groups[$0] == label }), options))
            }
            report = ValidationReport(
                horizon: report.horizon, figures: report.figures, intervals: report.intervals,
                netBenefitIntervals: report.netBenefitIntervals, bootstrapReplicates: report.bootstrapReplicates,
                seed: report.seed, level: report.level, deciles: report.deciles, calibrationCurve: report.calibrationCurve, subgroups: sub)
        }
        return report
    }

    private static func single(_ sample: SurvivalSample, _ options: ValidationOptions) -> ValidationReport {
        let (figures, smoothed) = ValidationFigures.computeWithCurve(sample, options)
        var intervals: [String: [Double]] = [:]
        var nbIntervals: [[Double]?] = []
        if options.bootstrap > 0 {
            let replicates = Bootstrap.replicates(options.bootstrap, seed: options.seed, threads: options.threads) { rng in
                ValidationFigures.compute(sample.subset(Bootstrap.resample(sample.count, using: &rng)), options)
            }
            var draws: [[Double]] = Array(repeating: [], count: figures.scalars.count)
            var nbDraws: [[Double]] = Array(repeating: [], count: options.thresholds.count)
            for replicate in replicates {
                for (k, (_, value)) in replicate.scalars.enumerated() { if let value { draws[k].append(value) } }
                for (k, point) in replicate.netBenefit.enumerated() { nbDraws[k].append(point.model) }
            }
            for (k, (key, _)) in figures.scalars.enumerated() {
                if let ci = Bootstrap.percentileInterval(draws[k], level: options.level) { intervals[key + "_ci"] = ci }
            }
            nbIntervals = nbDraws.map { Bootstrap.percentileInterval($0, level: options.level) }
        }
        let curve = smoothed.map { Calibration.curveAtPercentiles($0, sample) } ?? []
        return ValidationReport(
            horizon: options.horizon, figures: figures, intervals: intervals, netBenefitIntervals: nbIntervals,
            bootstrapReplicates: options.bootstrap, seed: options.bootstrap > 0 ? options.seed : nil, level: options.level,
            deciles: Calibration.deciles(sample, horizon: options.horizon), calibrationCurve: curve,
            subgroups: [])
    }

    /// The report as a JSON object (numbers are written in their shortest form that reads back exactly).
    public func jsonObject() -> [String: Any] {
        let f = figures
        var o: [String: Any] = [
            "n": f.n, "events": f.events, "events_by_horizon": f.eventsByHorizon, "horizon": horizon,
            "harrell_counts": [
                "concordant": f.harrellCounts.concordant, "discordant": f.harrellCounts.discordant,
                "tied_x": f.harrellCounts.tiedX, "tied_y": f.harrellCounts.tiedY, "tied_xy": f.harrellCounts.tiedXY,
            ],
        ]
        for (key, value) in f.scalars { o[key] = value.map { $0 as Any } ?? NSNull() }
        for (key, ci) in intervals { o[key] = ci }
        o["net_benefit"] = f.netBenefit.enumerated().map { k, p -> [String: Any] in
            var e: [String: Any] = ["threshold": p.threshold, "model": p.model, "treat_all": p.treatAll]
            if k < netBenefitIntervals.count, let ci = netBenefitIntervals[k] { e["model_ci"] = ci }
            return e
        }
        o["deciles"] = deciles.map { ["decile": $0.decile, "n": $0.n, "mean_predicted": $0.meanPredicted, "km_observed": $0.kmObserved] }
        o["calibration_curve"] = calibrationCurve.map { ["predicted": $0.predicted, "observed": $0.observed] }
        if bootstrapReplicates > 0, let seed {
            o["bootstrap"] = ["replicates": bootstrapReplicates, "seed": seed, "level": level, "method": "percentile"]
        }
        if !subgroups.isEmpty {
            o["subgroups"] = Dictionary(uniqueKeysWithValues: subgroups.map { ($0.0, $0.1.jsonObject()) })
        }
        return o
    }

    /// Pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        try JSONSerialization.data(withJSONObject: jsonObject(), options: [.prettyPrinted, .sortedKeys])
    }

    /// The decile table as CSV: decile,n,mean_predicted,km_observed (17 significant digits).
    public func decilesCSV() -> String {
        var s = "decile,n,mean_predicted,km_observed\n"
        for d in deciles { s += "\(d.decile),\(d.n),\(d.meanPredicted),\(d.kmObserved)\n" }
        return s
    }
}
