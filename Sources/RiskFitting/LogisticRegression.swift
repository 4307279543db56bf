import Foundation
import RiskLinearAlgebra

// Contract: logistic regression (binomial, logit link) by iteratively reweighted least squares,
// following R's `glm.fit` (McCullagh & Nelder 1989, *Generalized Linear Models*, §4.4):
// start at μ = (w·y + ½)/(w + 1), η = logit μ; each step solves the weighted least-squares
// problem (XᵀWX)β = XᵀWz with W = w·μ(1 − μ), z = η + (y − μ)/(μ(1 − μ)) by LAPACK Cholesky;
// converged when |D − D_old| / (|D| + 0.1) < `tolerance` (R `epsilon`, 1e-8), at most
// `maxIterations` (R `maxit`, 25). An intercept named `(Intercept)` comes first.
// Reported: deviance D = 2Σ wᵢ[yᵢ ln(yᵢ/μᵢ) + (1 − yᵢ) ln((1 − yᵢ)/(1 − μᵢ))], null deviance
// (intercept only, μ = Σwy/Σw), log-likelihoods ℓ = −D/2 (binary outcomes) for the
// intercept-only model (`loglikInitial`) and the fit, AIC = D + 2·(terms + 1) (equal to R's for
// unit weights; R's binomial AIC for non-unit weights counts binomial coefficients and differs),
// the variance (XᵀWX)⁻¹ with W from the last iteration (as glm.fit's `R` factor), and three tests of all terms (df = number of terms, intercept
// excluded): likelihood ratio D_null − D, Wald β̂ₜᵀ V_tt⁻¹ β̂ₜ, score (Rao) U(β₀)ᵀ I(β₀)⁻¹ U(β₀)
// at the intercept-only fit β₀.
// With case weights also the robust sandwich variance V·(Σ sᵢ² xᵢxᵢᵀ)·V (HC0, as R
// `sandwich::sandwich`), sᵢ = wᵢ(yᵢ − μᵢ) up to R's use of the last iteration's working weights.
// Errors: an aliased term (1 − R² < 1e-10 in XᵀWX at the start), separation (fitted
// probabilities within 10ε of 0 or 1 as R's warning, or a coefficient still moving by more than
// 1e-4·max(1, |β|) per step when the deviance has converged), non-convergence.
// Accuracy: the same iterates as glm.fit up to the solver's rounding (QR in R, Cholesky here):
// coefficients and variances agree to ~1e-9 relative on well-conditioned data.

/// Controls for the logistic fit, with R's defaults.
public struct LogisticControl: Equatable, Sendable {
    public var tolerance: Double = 1e-8
    public var maxIterations: Int = 25
    public var aliasTolerance: Double = 1e-10
    public init(maxIterations: Int = 25) { self.maxIterations = maxIterations }
}

/// A fitted logistic regression (immutable). Coefficient 0 is the intercept.
public struct LogisticFit: Sendable {
    /// `(Intercept)` then the terms.
    public let names: [String]
    public let coefficients: [Double]
    public let variance: Matrix
    /// Robust (sandwich, HC0) variance V·(Σ wᵢ²(yᵢ − μᵢ)² xᵢxᵢᵀ)·V, computed with case weights
    /// (R `sandwich::sandwich(fit)`).
    public let robustVariance: Matrix?
    public let deviance: Double
    public let nullDeviance: Double
    public let aic: Double
    public let loglikInitial: Double
    public let loglikFinal: Double
    public let iterations: Int
    public let lrTest: ChiSquareTest
    public let waldTest: ChiSquareTest
    public let scoreTest: ChiSquareTest
    public let n: Int
    public let events: Int

    public var standardErrors: [Double] { (0..<names.count).map { variance[$0, $0].squareRoot() } }
    /// Robust standard errors, with case weights.
    public var robustStandardErrors: [Double]? {
        robustVariance.map { v in (0..<names.count).map { v[$0, $0].squareRoot() } }
    }
}

/// Logistic regression by IRLS (see the file contract).
public enum LogisticRegression {
    public static let interceptName = "(Intercept)"

    /// Fits P(y = 1) = 1/(1 + exp(−(β₀ + Σ βₜ xₜ))).
    /// - Parameters:
    ///   - outcome: 0 or 1 per row.
    ///   - covariates: term values by term.
    ///   - terms: term names as written.
    ///   - weights: prior (case) weights > 0, nil for ones.
    public static func fit(
        outcome: [Double], covariates: [[Double]], terms: [String], weights: [Double]? = nil,
        control: LogisticControl = LogisticControl()
    ) throws(FittingError) -> LogisticFit {
        let n = outcome.count
        let p = covariates.count + 1
        guard covariates.allSatisfy({ $0.count == n }), terms.count == p - 1,
            weights.map({ $0.count == n }) ?? true
        else { throw .invalidInput(.lengthMismatch) }
        guard outcome.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw .invalidInput(.nonBinaryOutcome) }
        if let w = weights, !w.allSatisfy({ $0.isFinite && $0 > 0 }) { throw .invalidInput(.nonPositiveWeight) }
        for (t, c) in covariates.enumerated() where !c.allSatisfy(\.isFinite) {
            throw .invalidInput(.nonFiniteValue(term: terms[t]))
        }
        guard n > 0, outcome.contains(1), outcome.contains(0) else { throw .noEvents }
        let names = [interceptName] + terms
        let w = weights ?? [Double](repeating: 1, count: n)
        // Design, row-major n × p.
        var x = [Double](repeating: 1, count: n * p)
        for t in 0..<(p - 1) { for i in 0..<n { x[i * p + t + 1] = covariates[t][i] } }

        func deviance(_ mu: [Double]) -> Double {
            var d = 0.0
            for i in 0..<n {
                d += outcome[i] == 1 ? -2 * w[i] * Foundation.log(mu[i]) : -2 * w[i] * Foundation.log(1 - mu[i])
            }
            return d
        }
        /// XᵀWX and XᵀW·v for weights ww.
        func normalEquations(_ ww: [Double], _ v: [Double]) -> (Matrix, [Double]) {
            var info = Matrix(rows: p, columns: p)
            var rhs = [Double](repeating: 0, count: p)
            for i in 0..<n {
                let base = i * p
                for a in 0..<p {
                    let wa = ww[i] * x[base + a]
                    rhs[a] += wa * v[i]
                    for b in 0...a { info[a, b] += wa * x[base + b] }
                }
            }
            for a in 0..<p { for b in 0..<a { info[b, a] = info[a, b] } }
            return (info, rhs)
        }
        func expit(_ e: Double) -> Double { 1 / (1 + Foundation.exp(-e)) }

        var mu = (0..<n).map { (w[$0] * outcome[$0] + 0.5) / (w[$0] + 1) }
        var eta = mu.map { Foundation.log($0 / (1 - $0)) }
        var devOld = deviance(mu)
        var beta = [Double](repeating: 0, count: p)
        var previousBeta = beta
        var converged = false
        var iterations = 0
        var lastCholesky: Cholesky? = nil
        var lastWorkingWeights = [Double](repeating: 0, count: n)
        for iter in 1...max(1, control.maxIterations) {
            iterations = iter
            var ww = [Double](repeating: 0, count: n)
            var z = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let v = mu[i] * (1 - mu[i])
                ww[i] = w[i] * v
                z[i] = eta[i] + (outcome[i] - mu[i]) / v
            }
            let (info, rhs) = normalEquations(ww, z)
            lastWorkingWeights = ww
            if iter == 1, let j = (try? AliasCheck.aliasedColumns(info, tolerance: control.aliasTolerance))?.first {
                throw .collinear(term: names[j])
            }
            guard let chol = try? Cholesky(info), let solution = try? chol.solve(rhs) else {
                throw .separation(term: names[largestMove(solution: beta, previous: previousBeta)])
            }
            previousBeta = beta
            beta = solution
            lastCholesky = chol
            for i in 0..<n {
                var e = 0.0
                for a in 0..<p { e += x[i * p + a] * beta[a] }
                eta[i] = e
                mu[i] = expit(e)
            }
            let dev = deviance(mu)
            if abs(dev - devOld) / (abs(dev) + 0.1) < control.tolerance {
                converged = true
                devOld = dev
                break
            }
            devOld = dev
        }
        let boundary = 10 * Double.ulpOfOne
        let atBoundary = mu.contains { $0 < boundary || $0 > 1 - boundary }
        // The step that would follow, at the final fit.
        var ww = [Double](repeating: 0, count: n)
        var score = [Double](repeating: 0, count: n)
        for i in 0..<n {
            ww[i] = w[i] * mu[i] * (1 - mu[i])
            score[i] = w[i] * (outcome[i] - mu[i])
        }
        let (info, _) = normalEquations(ww, score)
        var u = [Double](repeating: 0, count: p)
        for i in 0..<n { for a in 0..<p { u[a] += x[i * p + a] * score[i] } }
        let chol = try? Cholesky(info)
        let next = chol.flatMap { try? $0.solve(u) }
        if atBoundary || next == nil {
            throw .separation(term: names[largestMove(solution: beta, previous: previousBeta)])
        }
        if let next, let j = (1..<p).first(where: { abs(next[$0]) > 1e-4 * max(1, abs(beta[$0])) }) {
            throw .separation(term: names[j])
        }
        guard converged else {
            throw .notConverged(iterations: iterations, term: names[largestMove(solution: beta, previous: previousBeta)])
        }
        // As glm.fit: the variance is (XᵀWX)⁻¹ with the weights of the last iteration.
        guard let lastCholesky, let variance = try? lastCholesky.inverse() else {
            throw .collinear(term: names[p - 1])
        }
        // Null model.
        let sw = w.reduce(0, +)
        let ybar = zip(w, outcome).reduce(0) { $0 + $1.0 * $1.1 } / sw
        let nullMu = [Double](repeating: ybar, count: n)
        let nullDeviance = deviance(nullMu)
        // Wald on the terms (intercept excluded): β_tᵀ (V_tt)⁻¹ β_t.
        var wald = 0.0
        if p > 1 {
            var vtt = Matrix(rows: p - 1, columns: p - 1)
            for a in 1..<p { for b in 1..<p { vtt[a - 1, b - 1] = variance[a, b] } }
            let bt = Array(beta[1...])
            if let c = try? Cholesky(vtt), let s = try? c.solve(bt) {
                wald = zip(bt, s).reduce(0) { $0 + $1.0 * $1.1 }
            }
        }
        // Score test at the intercept-only fit.
        var w0 = [Double](repeating: 0, count: n)
        var r0 = [Double](repeating: 0, count: n)
        for i in 0..<n {
            w0[i] = w[i] * ybar * (1 - ybar)
            r0[i] = w[i] * (outcome[i] - ybar)
        }
        let (info0, _) = normalEquations(w0, r0)
        var u0 = [Double](repeating: 0, count: p)
        for i in 0..<n { for a in 0..<p { u0[a] += x[i * p + a] * r0[i] } }
        var scoreStatistic = 0.0
        if let c0 = try? Cholesky(info0), let s0 = try? c0.solve(u0) {
            scoreStatistic = zip(u0, s0).reduce(0) { $0 + $1.0 * $1.1 }
        }
        // Sandwich with case weights: score contributions are the working residual times the
        // working weight, (yᵢ − μᵢ)/(μᵢ(1 − μᵢ)) · W̃ᵢ, with W̃ the last iteration's working weights
        // as R's `estfun.glm` has them (wᵢ(yᵢ − μᵢ) once converged).
        var robust: Matrix? = nil
        if weights != nil {
            var meat = Matrix(rows: p, columns: p)
            for i in 0..<n {
                let contribution = (outcome[i] - mu[i]) / (mu[i] * (1 - mu[i])) * lastWorkingWeights[i]
                let s2 = contribution * contribution
                for a in 0..<p { for b in 0..<p { meat[a, b] += s2 * x[i * p + a] * x[i * p + b] } }
            }
            var vm = Matrix(rows: p, columns: p)
            for a in 0..<p { for b in 0..<p { for k in 0..<p { vm[a, b] += variance[a, k] * meat[k, b] } } }
            var out = Matrix(rows: p, columns: p)
            for a in 0..<p { for b in 0..<p { for k in 0..<p { out[a, b] += vm[a, k] * variance[k, b] } } }
            robust = out
        }
        let df = p - 1
        return LogisticFit(
            names: names, coefficients: beta, variance: variance, robustVariance: robust, deviance: devOld,
            nullDeviance: nullDeviance, aic: devOld + 2 * Double(p), loglikInitial: -nullDeviance / 2,
            loglikFinal: -devOld / 2, iterations: iterations,
            lrTest: ChiSquareTest(statistic: nullDeviance - devOld, df: df),
            waldTest: ChiSquareTest(statistic: wald, df: df),
            scoreTest: ChiSquareTest(statistic: scoreStatistic, df: df),
            n: n, events: outcome.filter { $0 == 1 }.count)
    }

    /// The non-intercept coefficient that moved most in the last step (relative to its size).
    private static func largestMove(solution: [Double], previous: [Double]) -> Int {
        guard solution.count > 1 else { return 0 }
        var best = 1
        var size = -1.0
        for j in 1..<solution.count {
            let s = abs(solution[j] - previous[j]) / max(1, abs(solution[j]))
            if s > size {
                size = s
                best = j
            }
        }
        return best
    }
}
