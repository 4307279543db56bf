// Bootstrap optimism correction of the performance of a model fitted on the same cohort.
//
// Contract: Harrell F.E., Lee K.L., Mark D.B. (1996) Stat Med 15:361,
// doi:10.1002/(SICI)1097-0258(19960229)15:4<361::AID-SIM168>3.0.CO;2-4; Steyerberg E.W. (2019)
// Clinical Prediction Models, 2nd ed., ch. 17 (the "enhanced bootstrap"; R `rms::validate`).
//   apparent  θ_app = figure of the model fitted on the whole cohort, evaluated on the cohort;
//   for b = 1…B: resample the n rows with replacement (Bootstrap.resample, replicate generators as
//             in Bootstrap.replicates, so a seed gives the same resamples with any number of threads
//             and the same index vectors as the `--bootstrap` intervals), refit the same
//             specification (RiskFitting: Cox or logistic, same terms, ties, strata, weights) on the
//             resample, θ_boot(b) = its figure on the resample, θ_test(b) = its figure on the
//             original cohort;
//   optimism  O = mean over the replicates that succeeded of θ_boot(b) − θ_test(b);
//   corrected θ_app − O (additively for every figure, as rms::validate does).
// The predicted risk of a fit at horizon h: Cox 1 − exp(−H₀ₛ(h)·exp(xᵢβ)), H₀ₛ the baseline
// cumulative hazard of the row's stratum at all-zero covariates with the fit's tie correction
// (R: survfit(coxph, newdata = 0), ctype 2 for Efron); logistic expit(β₀ + xᵢβ) with the event
// column as the outcome (as `riskengine fit --family logistic`). Case weights enter the fits only;
// the figures are unweighted. Figures (each as in this module, see its file): Harrell's C, Uno's C,
// O/E, calibration slope, Brier, IPA, AUC at the horizon.
// A replicate whose refit fails (separation, an aliased or constant term, no convergence, no event,
// a stratum missing from the resample) or whose predictions leave (0, 1) is not used and is counted
// by reason; a figure undefined in one replicate (e.g. no case in the resample) is left out of that
// figure's mean only, and each figure reports how many replicates it averages.
// Accuracy: the figures of each replicate are those of the module's estimators (1e-9 against R);
// the refits converge as RiskFitting's do (1e-9 relative on the log-likelihood).
import Foundation
import RiskCore
import RiskFitting

/// What is refitted in every replicate: the specification and the design of the cohort's rows.
public struct FitSpecification: Sendable {
    public enum Family: String, Sendable { case cox, logistic }

    public var family: Family
    /// Term names, one per covariate column.
    public var terms: [String]
    /// Term values by term: `covariates[t][i]`.
    public var covariates: [[Double]]
    public var ties: CoxTies
    /// Case weights (> 0) of the fits; nil for ones.
    public var weights: [Double]?
    /// Stratum codes (Cox); nil for one stratum.
    public var strata: [Int]?

    public init(
        family: Family, terms: [String], covariates: [[Double]], ties: CoxTies = .efron, weights: [Double]? = nil, strata: [Int]? = nil
    ) {
        self.family = family
        self.terms = terms
        self.covariates = covariates
        self.ties = ties
        self.weights = weights
        self.strata = strata
    }
}

/// Why one bootstrap replicate could not be used (the `failed` keys of the report).
public enum OptimismFailure: String, Sendable, CaseIterable {
    case separation, collinear
    case notConverged = "not_converged"
    case noEvents = "no_events"
    case invalidInput = "invalid_input"
    case stratumAbsent = "stratum_absent"
    case predictionOutOfRange = "prediction_out_of_range"

    init(_ e: FittingError) {
        switch e {
        case .separation: self = .separation
        case .collinear: self = .collinear
        case .notConverged: self = .notConverged
        case .noEvents: self = .noEvents
        case .invalidInput, .invalidFormula, .absentColumn: self = .invalidInput
        }
    }
}

/// Why the optimism correction could not start: the fit on the whole cohort failed.
public enum OptimismError: Error, Equatable, Sendable {
    case apparentFit(FittingError)
    case apparentPrediction(RiskValidationError)
    /// No replicates asked for.
    case noReplicates
}

/// One figure's apparent value, optimism and corrected value.
public struct OptimismFigure: Equatable, Sendable {
    public let apparent: Double
    public let optimism: Double
    public let corrected: Double
    /// Replicates averaged (replicates used where the figure was defined on both samples).
    public let replicates: Int
}

/// The figures of one refit: on its bootstrap sample and on the original cohort (nil: undefined).
public struct OptimismReplicate: Equatable, Sendable {
    public let bootstrap: [String: Double?]
    public let test: [String: Double?]
}

/// The optimism-corrected figures.
public struct OptimismReport: Sendable {
    /// Replicates asked for, used, and not used by reason.
    public let replicates: Int
    public let used: Int
    public let failed: [OptimismFailure: Int]
    public let seed: UInt64
    public let horizon: Double
    /// By figure key, in `Optimism.figureKeys` order (figures undefined on the cohort are absent).
    public let figures: [(String, OptimismFigure)]

    /// JSON object: `method`, `replicates`, `replicates_used`, `failed` (reason → count), `seed`,
    /// and per figure `{apparent, optimism, corrected, replicates}`.
    public func jsonObject() -> [String: Any] {
        var f: [String: Any] = [:]
        for (key, v) in figures {
            f[key] = ["apparent": v.apparent, "optimism": v.optimism, "corrected": v.corrected, "replicates": v.replicates]
        }
        return [
            "method": "bootstrap optimism (Harrell, Lee & Mark 1996): corrected = apparent - mean(bootstrap - test)",
            "replicates": replicates, "replicates_used": used, "seed": seed, "horizon": horizon,
            "failed": Dictionary(uniqueKeysWithValues: OptimismFailure.allCases.map { ($0.rawValue, failed[$0] ?? 0) }),
            "figures": f,
        ]
    }
}

/// Harrell's bootstrap optimism correction (see the file contract).
public enum Optimism {
    /// The figures corrected, in report order.
    public static let figureKeys = ["harrell_c", "uno_c", "oe_ratio", "calibration_slope", "brier", "ipa", "auc"]

    /// The figures of predictions `risk` on follow-up (time, event) at `horizon`.
    public static func figures(time: [Double], event: [Bool], risk: [Double], horizon: Double) throws(RiskValidationError) -> [String: Double?] {
        let sample = try SurvivalSample(time: time, event: event, risk: risk)
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        let pe = try? PredictionError.compute(sample, horizon: horizon)
        return [
            "harrell_c": finite(Concordance.harrell(sample).c),
            "uno_c": finite(Concordance.uno(sample, horizon: horizon).c),
            "oe_ratio": finite(Calibration.observedRisk(sample, horizon: horizon) / Calibration.expectedRisk(sample)),
            "calibration_slope": try? Calibration.slope(sample, horizon: horizon),
            "brier": pe.map(\.brier),
            "ipa": pe.flatMap { finite($0.ipa) },
            "auc": pe.flatMap { finite($0.auc) },
        ]
    }

    /// A fitted model, able to predict the risk at a horizon for rows of the design.
    public enum Model: Sendable {
        case cox(RiskFitting.CoxFit)
        case logistic(LogisticFit)
    }

    /// Fits `spec` on the rows `rows` (repeats allowed) of the design.
    public static func fit(
        _ spec: FitSpecification, time: [Double], event: [Bool], rows: [Int]
    ) throws(FittingError) -> Model {
        let x = spec.covariates.map { c in rows.map { c[$0] } }
        let w = spec.weights.map { c in rows.map { c[$0] } }
        switch spec.family {
        case .cox:
            let data = CoxData(
                time: rows.map { time[$0] }, event: rows.map { event[$0] }, covariates: x, terms: spec.terms, weights: w,
                strata: spec.strata.map { s in rows.map { s[$0] } })
            return .cox(try RiskFitting.CoxRegression.fit(data, control: CoxControl(ties: spec.ties)))
        case .logistic:
            return .logistic(try LogisticRegression.fit(outcome: rows.map { event[$0] ? 1 : 0 }, covariates: x, terms: spec.terms, weights: w))
        }
    }

    /// Predicted risks at `horizon` of the rows `rows`; nil when a row's stratum has no baseline in the fit.
    public static func predict(_ model: Model, _ spec: FitSpecification, horizon: Double, rows: [Int]) -> [Double]? {
        var out: [Double] = []
        out.reserveCapacity(rows.count)
        switch model {
        case .cox(let f):
            var h0: [Int: Double] = [:]
            for b in f.baseline { h0[b.stratum] = b.cumulativeHazard(at: horizon, ties: f.ties) }
            for i in rows {
                guard let h = h0[spec.strata?[i] ?? 0] else { return nil }
                var lp = 0.0
                for t in spec.terms.indices { lp += f.coefficients[t] * spec.covariates[t][i] }
                out.append(-expm1(-h * exp(lp)))
            }
        case .logistic(let f):
            for i in rows {
                var eta = f.coefficients[0]
                for t in spec.terms.indices { eta += f.coefficients[t + 1] * spec.covariates[t][i] }
                out.append(1 / (1 + exp(-eta)))
            }
        }
        return out
    }

    /// One replicate on the resample `indices`: the refit's figures on the resample and on the
    /// original rows, or why it cannot be used.
    public static func replicate(
        _ spec: FitSpecification, time: [Double], event: [Bool], horizon: Double, indices: [Int]
    ) -> Result<OptimismReplicate, Failure> {
        let model: Model
        do { model = try fit(spec, time: time, event: event, rows: indices) } catch {
            return .failure(Failure(reason: OptimismFailure(error)))
        }
        let all = Array(0..<time.count)
        guard let pb = predict(model, spec, horizon: horizon, rows: indices), let pt = predict(model, spec, horizon: horizon, rows: all)
        else { return .failure(Failure(reason: .stratumAbsent)) }
        do {
            let boot = try figures(time: indices.map { time[$0] }, event: indices.map { event[$0] }, risk: pb, horizon: horizon)
            let test = try figures(time: time, event: event, risk: pt, horizon: horizon)
            return .success(OptimismReplicate(bootstrap: boot, test: test))
        } catch {
            return .failure(Failure(reason: .predictionOutOfRange))
        }
    }

    /// A replicate's failure reason (an Error wrapper for `Result`).
    public struct Failure: Error, Equatable, Sendable {
        public let reason: OptimismFailure
    }

    /// The apparent predictions: the fit on all rows, predicted on all rows.
    public static func apparentRisk(
        _ spec: FitSpecification, time: [Double], event: [Bool], horizon: Double
    ) throws(OptimismError) -> [Double] {
        let all = Array(0..<time.count)
        let model: Model
        do { model = try fit(spec, time: time, event: event, rows: all) } catch { throw .apparentFit(error) }
        guard let p = predict(model, spec, horizon: horizon, rows: all) else { throw .apparentPrediction(.noEvents) }
        for (i, x) in p.enumerated() where !(x > 0 && x < 1) { throw .apparentPrediction(.badPrediction(row: i + 1)) }
        return p
    }

    /// The optimism-corrected figures from `replicates` seeded bootstrap refits.
    public static func run(
        _ spec: FitSpecification, time: [Double], event: [Bool], horizon: Double, replicates: Int, seed: UInt64, threads: Int
    ) throws(OptimismError) -> OptimismReport {
        guard replicates > 0 else { throw .noReplicates }
        let apparentRisk = try apparentRisk(spec, time: time, event: event, horizon: horizon)
        let apparent: [String: Double?]
        do { apparent = try figures(time: time, event: event, risk: apparentRisk, horizon: horizon) } catch {
            throw .apparentPrediction(error)
        }
        let n = time.count
        let results = Bootstrap.replicates(replicates, seed: seed, threads: threads) { rng in
            replicate(spec, time: time, event: event, horizon: horizon, indices: Bootstrap.resample(n, using: &rng))
        }
        return summarise(apparent: apparent, results: results, seed: seed, horizon: horizon)
    }

    /// Optimism and corrected figures from the apparent figures and the replicates' results.
    public static func summarise(
        apparent: [String: Double?], results: [Result<OptimismReplicate, Failure>], seed: UInt64, horizon: Double
    ) -> OptimismReport {
        var failed: [OptimismFailure: Int] = [:]
        var used: [OptimismReplicate] = []
        for r in results {
            switch r {
            case .success(let x): used.append(x)
            case .failure(let f): failed[f.reason, default: 0] += 1
            }
        }
        var out: [(String, OptimismFigure)] = []
        for key in figureKeys {
            guard let a = apparent[key] ?? nil else { continue }
            var sum = 0.0, k = 0
            for r in used {
                guard let b = r.bootstrap[key] ?? nil, let t = r.test[key] ?? nil else { continue }
                sum += b - t
                k += 1
            }
            guard k > 0 else { continue }
            let o = sum / Double(k)
            out.append((key, OptimismFigure(apparent: a, optimism: o, corrected: a - o, replicates: k)))
        }
        return OptimismReport(
            replicates: results.count, used: used.count, failed: failed, seed: seed, horizon: horizon, figures: out)
    }
}
