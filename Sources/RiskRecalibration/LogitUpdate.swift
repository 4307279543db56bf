// Recalibration of a logistic-link model on the logit scale, from right-censored follow-up:
//   p' = expit(a + b·logit p),  logit p = log(p / (1 − p)),
// (Steyerberg E.W. (2019) Clinical Prediction Models, 2nd ed., ch. 20; Janssen K.J.M. et al. (2008)
// J Clin Epidemiol 61:76, doi:10.1016/j.jclinepi.2007.04.018).
// The outcome is the event by the horizon h, Yᵢ = 1[Tᵢ ≤ h, event]. Follow-up censored before h
// leaves Yᵢ unknown, so the likelihood-based steps are weighted by the inverse probability of
// censoring (Gerds T.A., Schumacher M. (2006) Biom J 48:1029, doi:10.1002/bimj.200610301), the same
// weights as the IPCW Brier score of RiskValidation (PredictionError): a case (event at T ≤ h) gets
// 1/G(T−), a control (T > h) 1/G(h), a subject censored at or before h gets 0; G the Kaplan–Meier
// of censoring with events before censorings at tied times. Without censoring before h all weights
// are 1 and the fits are ordinary maximum likelihood.
//   slope      (α, β) maximise Σ wᵢ [Yᵢ log πᵢ + (1 − Yᵢ) log(1 − πᵢ)], πᵢ = expit(α + β·logit pᵢ)
//              (R: glm(y ~ qlogis(p), family = binomial, weights = w));
//   intercept  α maximises the same with β fixed at 1, logit p as offset
//              (R: glm(y ~ 1, offset = qlogis(p), family = binomial, weights = w)).
// Both by Newton–Raphson from α = 0 (β = 1), to |Δ| ≤ 1e-12 on every parameter in at most 50
// iterations (the log-likelihood is concave). Checked against R in
// Tests/RiskRecalibrationTests/Fixtures/logit (1e-9).
import Foundation
import RiskValidation

/// Logistic calibration fits of a risk at a horizon on IPCW-weighted follow-up (see the file contract).
public enum LogitUpdate {
    /// logit p = log p − log(1 − p).
    @inlinable public static func logit(_ p: Double) -> Double { Foundation.log(p) - Foundation.log1p(-p) }

    /// expit x = 1 / (1 + exp(−x)).
    @inlinable public static func expit(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    /// The status at the horizon and its IPCW weight per subject (weight 0: censored at or before h).
    /// - Throws: `.validation(.censoringExhausted)` when a needed G is 0, `.validation(.noEvents)`
    ///   without a case.
    public static func horizonStatus(
        _ sample: SurvivalSample, horizon: Double
    ) throws(RecalibrationError) -> (y: [Double], w: [Double]) {
        let g = KaplanMeier.censoring(time: sample.time, event: sample.event)
        let gh = g.survival(at: horizon)
        var y = [Double](repeating: 0, count: sample.count), w = y
        var cases = 0
        for i in 0..<sample.count {
            let t = sample.time[i]
            if sample.event[i] && t <= horizon {
                let gt = g.survival(before: t)
                guard gt > 0 else { throw .validation(.censoringExhausted) }
                y[i] = 1
                w[i] = 1 / gt
                cases += 1
            } else if t > horizon {
                guard gh > 0 else { throw .validation(.censoringExhausted) }
                w[i] = 1 / gh
            }
        }
        guard cases > 0 else { throw .validation(.noEvents) }
        return (y, w)
    }

    /// A logistic calibration fit: intercept α, slope β and their model-based standard errors
    /// (inverse of the weighted information; with IPCW weights a guide to precision only).
    public struct Fit: Equatable, Sendable {
        public let alpha: Double
        public let beta: Double
        public let seAlpha: Double
        public let seBeta: Double
        public let iterations: Int
    }

    /// (α, β) of the weighted logistic regression of Y on logit p (calibration intercept and slope).
    public static func slope(_ sample: SurvivalSample, horizon: Double) throws(RecalibrationError) -> Fit {
        let (y, w) = try horizonStatus(sample, horizon: horizon)
        let x = sample.risk.map(logit)
        var alpha = 0.0, beta = 1.0
        for iteration in 1...50 {
            var g0 = 0.0, g1 = 0.0, h00 = 0.0, h01 = 0.0, h11 = 0.0
            for i in x.indices where w[i] > 0 {
                let pi = expit(alpha + beta * x[i])
                let r = w[i] * (y[i] - pi), v = w[i] * pi * (1 - pi)
                g0 += r
                g1 += r * x[i]
                h00 += v
                h01 += v * x[i]
                h11 += v * x[i] * x[i]
            }
            let det = h00 * h11 - h01 * h01
            guard det > 0, det.isFinite else { throw .logitFitFailed(iterations: iteration) }
            let d0 = (h11 * g0 - h01 * g1) / det, d1 = (h00 * g1 - h01 * g0) / det
            alpha += d0
            beta += d1
            guard alpha.isFinite, beta.isFinite else { throw .logitFitFailed(iterations: iteration) }
            if abs(d0) <= 1e-12 && abs(d1) <= 1e-12 {
                return Fit(alpha: alpha, beta: beta, seAlpha: (h11 / det).squareRoot(), seBeta: (h00 / det).squareRoot(),
                           iterations: iteration)
            }
        }
        throw .logitFitFailed(iterations: 50)
    }

    /// α of the weighted logistic regression of Y with logit p as offset (the re-estimated intercept).
    public static func intercept(_ sample: SurvivalSample, horizon: Double) throws(RecalibrationError) -> Fit {
        let (y, w) = try horizonStatus(sample, horizon: horizon)
        let x = sample.risk.map(logit)
        var alpha = 0.0
        for iteration in 1...50 {
            var g = 0.0, h = 0.0
            for i in x.indices where w[i] > 0 {
                let pi = expit(alpha + x[i])
                g += w[i] * (y[i] - pi)
                h += w[i] * pi * (1 - pi)
            }
            guard h > 0, h.isFinite else { throw .logitFitFailed(iterations: iteration) }
            let d = g / h
            alpha += d
            guard alpha.isFinite else { throw .logitFitFailed(iterations: iteration) }
            if abs(d) <= 1e-12 {
                return Fit(alpha: alpha, beta: 1, seAlpha: (1 / h).squareRoot(), seBeta: 0, iterations: iteration)
            }
        }
        throw .logitFitFailed(iterations: 50)
    }
}
