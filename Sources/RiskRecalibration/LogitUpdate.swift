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
// Both by Newton–Raphson from α = 0 (β = 1), halving a step that lowers the log-likelihood, to
// |Δ| ≤ 1e-12 on every parameter in at most 50 iterations (the log-likelihood is concave). Checked against R in
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
        let r = try newton(y: y, w: w, x: x, slopeFree: true)
        return Fit(alpha: r.alpha, beta: r.beta, seAlpha: r.seAlpha, seBeta: r.seBeta, iterations: r.iterations)
    }

    /// α of the weighted logistic regression of Y with logit p as offset (the re-estimated intercept).
    public static func intercept(_ sample: SurvivalSample, horizon: Double) throws(RecalibrationError) -> Fit {
        let (y, w) = try horizonStatus(sample, horizon: horizon)
        let x = sample.risk.map(logit)
        return try newton(y: y, w: w, x: x, slopeFree: false)
    }

    /// Newton–Raphson for (α, β) (β fixed at 1 unless `slopeFree`) from (0, 1), halving a step that
    /// lowers the weighted log-likelihood (at most 30 times), until every |Δ| ≤ 1e-12.
    static func newton(y: [Double], w: [Double], x: [Double], slopeFree: Bool) throws(RecalibrationError) -> Fit {
        /// Weighted log-likelihood, log π = −log(1 + e^(−η)), log(1 − π) = −log(1 + e^η).
        func loglik(_ a: Double, _ b: Double) -> Double {
            var l = 0.0
            for i in x.indices where w[i] > 0 {
                let eta = a + b * x[i]
                l -= w[i] * (y[i] == 1 ? softplus(-eta) : softplus(eta))
            }
            return l
        }
        var alpha = 0.0, beta = 1.0
        var current = loglik(alpha, beta)
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
            var d0: Double, d1: Double
            if slopeFree {
                let det = h00 * h11 - h01 * h01
                guard det > 0, det.isFinite else { throw .logitFitFailed(iterations: iteration) }
                d0 = (h11 * g0 - h01 * g1) / det
                d1 = (h00 * g1 - h01 * g0) / det
            } else {
                guard h00 > 0, h00.isFinite else { throw .logitFitFailed(iterations: iteration) }
                d0 = g0 / h00
                d1 = 0
            }
            var next = loglik(alpha + d0, beta + d1)
            var halvings = 0
            while !(next >= current - 1e-12 * abs(current)) {
                halvings += 1
                guard halvings <= 30 else { throw .logitFitFailed(iterations: iteration) }
                d0 /= 2
                d1 /= 2
                next = loglik(alpha + d0, beta + d1)
            }
            alpha += d0
            beta += d1
            current = next
            guard alpha.isFinite, beta.isFinite else { throw .logitFitFailed(iterations: iteration) }
            if abs(d0) <= 1e-12 && abs(d1) <= 1e-12 {
                let det = h00 * h11 - h01 * h01
                return slopeFree
                    ? Fit(alpha: alpha, beta: beta, seAlpha: (h11 / det).squareRoot(), seBeta: (h00 / det).squareRoot(), iterations: iteration)
                    : Fit(alpha: alpha, beta: 1, seAlpha: (1 / h00).squareRoot(), seBeta: 0, iterations: iteration)
            }
        }
        throw .logitFitFailed(iterations: 50)
    }

    /// log(1 + e^x) without overflow.
    static func softplus(_ x: Double) -> Double { x > 0 ? x + Foundation.log1p(Foundation.exp(-x)) : Foundation.log1p(Foundation.exp(x)) }
}
