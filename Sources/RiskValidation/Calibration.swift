// Calibration of predicted risks at a horizon: observed/expected, slope, deciles, smoothed curve.
//
// Contract: observed risk = 1 − S_KM(horizon) (R `survfit`), expected = mean predicted risk,
// O/E their ratio. Calibration slope: the coefficient of a Cox regression (Efron ties) of the
// outcome, censored at the horizon, on log(−log(1 − p)) (Crowson C.S. et al. (2016) Stat Methods
// Med Res 25:1692, doi:10.1177/0962280213497434; R `coxph(Surv(pmin(time, h), event & time <= h) ~
// cll)`). Deciles: subjects ordered by prediction then input order, decile = ⌊(rank − 1)·10/n⌋ + 1,
// each with n, mean prediction and 1 − KM at the horizon. Smoothed curve: Austin P.C., Harrell F.E.,
// van Klaveren D. (2020) Stat Med 39:2714, doi:10.1002/sim.8570 — a Cox model on a restricted cubic
// spline of log(−log(1 − p)) with 3 knots at the 10th/50th/90th percentiles (quantile type 7),
// basis as `Hmisc::rcspline.eval(norm = 2, inclx = TRUE)`, observed risk 1 − exp(−H₀(h)·e^{βᵀs(p)})
// with Efron's baseline hazard (as `survfit` on that fit); ICI = mean |curve(pᵢ) − pᵢ|. Accuracy: KM and means to 1e-12;
// Cox-based figures to ~1e-9 relative of R with `coxph.control(eps = 1e-13)`.
import Foundation

/// One row of the decile table.
public struct CalibrationDecile: Equatable, Sendable, Codable {
    public let decile: Int
    public let n: Int
    public let meanPredicted: Double
    public let kmObserved: Double

    enum CodingKeys: String, CodingKey {
        case decile, n
        case meanPredicted = "mean_predicted"
        case kmObserved = "km_observed"
    }
}

/// A point of the smoothed calibration curve.
public struct CalibrationPoint: Equatable, Sendable, Codable {
    public let predicted: Double
    public let observed: Double
}

public enum Calibration {
    /// Observed risk by the horizon, 1 − S_KM(horizon).
    public static func observedRisk(_ sample: SurvivalSample, horizon: Double) -> Double {
        1 - KaplanMeier(time: sample.time, event: sample.event).survival(at: horizon)
    }

    /// Mean predicted risk.
    public static func expectedRisk(_ sample: SurvivalSample) -> Double {
        sample.risk.reduce(0, +) / Double(sample.count)
    }

    /// Follow-up censored at the horizon: (min(t, h), event ∧ t ≤ h).
    static func truncated(_ sample: SurvivalSample, horizon: Double) -> ([Double], [Bool]) {
        (sample.time.map { min($0, horizon) }, sample.time.indices.map { sample.event[$0] && sample.time[$0] <= horizon })
    }

    /// log(−log(1 − p)).
    @inlinable public static func cloglog(_ p: Double) -> Double { log(-log1p(-p)) }

    /// Calibration slope: β of the Cox model λ(t) = λ₀(t)·exp(β·log(−log(1 − p))), follow-up censored at the horizon.
    public static func slope(_ sample: SurvivalSample, horizon: Double) throws(RiskValidationError) -> Double {
        let (t, e) = truncated(sample, horizon: horizon)
        let fit = try CoxRegression.fit(time: t, event: e, covariates: sample.risk.map { [cloglog($0)] })
        return fit.coefficients[0]
    }

    /// The decile table (see the file contract). Groups are empty only when n < 10.
    public static func deciles(_ sample: SurvivalSample, horizon: Double) -> [CalibrationDecile] {
        let n = sample.count
        let order = (0..<n).sorted { sample.risk[$0] < sample.risk[$1] || (sample.risk[$0] == sample.risk[$1] && $0 < $1) }
        var groups = [[Int]](repeating: [], count: 10)
        for (position, i) in order.enumerated() { groups[position * 10 / n].append(i) }
        return groups.enumerated().compactMap { k, members in
            guard !members.isEmpty else { return nil }
            let s = sample.subset(members)
            return CalibrationDecile(
                decile: k + 1, n: members.count, meanPredicted: expectedRisk(s), kmObserved: observedRisk(s, horizon: horizon))
        }
    }

    /// Quantile of sorted values, R type 7: x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]), h = (n − 1)q.
    public static func quantileType7(sorted x: [Double], _ q: Double) -> Double {
        let h = Double(x.count - 1) * q
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, x.count - 1)
        return x[lo] + (h - Double(lo)) * (x[hi] - x[lo])
    }

    /// Restricted cubic spline basis with 3 knots (Hmisc `rcspline.eval`, norm = 2, inclx = TRUE):
    /// [x, ((x−k₁)₊³ − (x−k₂)₊³(k₃−k₁)/(k₃−k₂) + (x−k₃)₊³(k₂−k₁)/(k₃−k₂)) / (k₃−k₁)²].
    public static func splineBasis(_ x: Double, knots k: [Double]) -> [Double] {
        func cube(_ v: Double) -> Double { v > 0 ? v * v * v : 0 }
        let term = cube(x - k[0]) - cube(x - k[1]) * (k[2] - k[0]) / (k[2] - k[1]) + cube(x - k[2]) * (k[1] - k[0]) / (k[2] - k[1])
        return [x, term / ((k[2] - k[0]) * (k[2] - k[0]))]
    }

    /// Knots at the 10th, 50th and 90th percentiles of log(−log(1 − p)).
    public static func splineKnots(_ sample: SurvivalSample) -> [Double] {
        let x = sample.risk.map(cloglog).sorted()
        return [0.1, 0.5, 0.9].map { quantileType7(sorted: x, $0) }
    }

    /// The smoothed calibration model: a Cox fit on the spline basis of log(−log(1 − p)).
    public struct Smoothed: Sendable {
        public let knots: [Double]
        /// false when the knots coincide (too few distinct predictions): the linear term alone.
        public let usesSpline: Bool
        public let fit: CoxFit
        public let horizon: Double

        func basis(_ p: Double) -> [Double] { usesSpline ? splineBasis(cloglog(p), knots: knots) : [cloglog(p)] }

        /// Observed risk by the horizon for subjects predicted `p`: 1 − exp(−H₀(h)·e^{βᵀs(p)}).
        public func observed(at p: Double) -> Double { fit.risk(at: horizon, covariates: basis(p)) }
    }

    /// Fits the smoothed calibration model (see the file contract).
    public static func smoothed(_ sample: SurvivalSample, horizon: Double) throws(RiskValidationError) -> Smoothed {
        let (t, e) = truncated(sample, horizon: horizon)
        let knots = splineKnots(sample)
        let usesSpline = knots[0] < knots[1] && knots[1] < knots[2]
        let basis: (Double) -> [Double] = { p in usesSpline ? splineBasis(cloglog(p), knots: knots) : [cloglog(p)] }
        let fit = try CoxRegression.fit(time: t, event: e, covariates: sample.risk.map(basis))
        return Smoothed(knots: knots, usesSpline: usesSpline, fit: fit, horizon: horizon)
    }

    /// Smoothed calibration curve at each distinct prediction.
    public static func curve(_ sample: SurvivalSample, horizon: Double) throws(RiskValidationError) -> [CalibrationPoint] {
        let model = try smoothed(sample, horizon: horizon)
        return Array(Set(sample.risk)).sorted().map { CalibrationPoint(predicted: $0, observed: model.observed(at: $0)) }
    }

    /// The curve at the 0, 1, …, 100th percentiles of the predictions (type 7), for reports of
    /// any size; duplicates removed.
    public static func curveAtPercentiles(_ model: Smoothed, _ sample: SurvivalSample) -> [CalibrationPoint] {
        let sorted = sample.risk.sorted()
        var grid: [Double] = []
        for k in 0...100 {
            let q = quantileType7(sorted: sorted, Double(k) / 100)
            if grid.last != q { grid.append(q) }
        }
        return grid.map { CalibrationPoint(predicted: $0, observed: model.observed(at: $0)) }
    }

    /// Integrated calibration index (Austin & Steyerberg 2019, doi:10.1002/sim.8281, survival form
    /// in Austin, Harrell & van Klaveren 2020): ICI = (1/n) Σ |ô(pᵢ) − pᵢ|, ô the smoothed curve.
    public static func integratedCalibrationIndex(_ model: Smoothed, _ sample: SurvivalSample) -> Double {
        var cache: [Double: Double] = [:]
        var sum = 0.0
        for p in sample.risk {
            let o: Double
            if let c = cache[p] { o = c } else { o = model.observed(at: p); cache[p] = o }
            sum += abs(o - p)
        }
        return sum / Double(sample.count)
    }
}
