// RiskValidation: external validation of survival risk predictions (discrimination, calibration,
// prediction error, net benefit) with seeded bootstrap intervals. Every figure is reproduced against
// R (survival, prodlim, riskRegression) in Tests/RiskValidationTests/Fixtures/validation.
//
// Contract of this file: input checks only; no arithmetic.

/// Why a cohort cannot be validated. Payloads are row numbers and counts, never cell values.
public enum RiskValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Columns of different lengths.
    case lengthMismatch(times: Int, events: Int, predictions: Int)
    /// No rows at all.
    case empty
    /// A follow-up time that is negative or not finite (1-based row).
    case badTime(row: Int)
    /// A predicted risk outside (0, 1) or not finite (1-based row); cloglog needs 0 < p < 1.
    case badPrediction(row: Int)
    /// The horizon must be positive and finite.
    case badHorizon
    /// No event before or at the horizon: calibration and AUC are undefined.
    case noEvents
    /// The censoring distribution reaches zero before the horizon: IPCW weights are infinite.
    case censoringExhausted
    /// The Cox fit for the calibration slope or curve did not converge.
    case coxNotConverged(iterations: Int)
    /// The Cox information matrix is singular (e.g. all predictions equal).
    case coxSingular

    public var description: String {
        switch self {
        case .lengthMismatch(let t, let e, let p): "columns differ in length (time \(t), event \(e), prediction \(p))"
        case .empty: "the cohort has no rows"
        case .badTime(let r): "row \(r): follow-up time must be a finite number ≥ 0"
        case .badPrediction(let r): "row \(r): predicted risk must lie strictly between 0 and 1"
        case .badHorizon: "the horizon must be a positive number of years"
        case .noEvents: "no event in the cohort before the horizon"
        case .censoringExhausted: "everyone is censored before the horizon (censoring survival is zero)"
        case .coxNotConverged(let i): "the Cox fit did not converge in \(i) iterations"
        case .coxSingular: "the Cox fit is singular (do all predictions have the same value?)"
        }
    }
}

/// Right-censored follow-up with one predicted risk per subject.
public struct SurvivalSample: Sendable {
    /// Follow-up time (years), ≥ 0.
    public let time: [Double]
    /// true = the event was observed at `time`; false = censored at `time`.
    public let event: [Bool]
    /// Predicted risk of the event by the horizon, in (0, 1).
    public let risk: [Double]

    /// Checks lengths and ranges (rows reported 1-based).
    public init(time: [Double], event: [Bool], risk: [Double]) throws(RiskValidationError) {
        guard time.count == event.count, time.count == risk.count else {
            throw .lengthMismatch(times: time.count, events: event.count, predictions: risk.count)
        }
        guard !time.isEmpty else { throw .empty }
        for i in time.indices {
            guard time[i].isFinite, time[i] >= 0 else { throw .badTime(row: i + 1) }
            guard risk[i].isFinite, risk[i] > 0, risk[i] < 1 else { throw .badPrediction(row: i + 1) }
        }
        self.time = time
        self.event = event
        self.risk = risk
    }

    /// Number of subjects.
    public var count: Int { time.count }

    /// The subjects at `indices` (repeats allowed: bootstrap resamples, subgroups).
    public func subset(_ indices: [Int]) -> SurvivalSample {
        SurvivalSample(unchecked: indices.map { time[$0] }, indices.map { event[$0] }, indices.map { risk[$0] })
    }

    private init(unchecked time: [Double], _ event: [Bool], _ risk: [Double]) {
        self.time = time
        self.event = event
        self.risk = risk
    }
}
