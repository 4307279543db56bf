// A small Cox proportional-hazards fit (few covariates) for calibration: slope and smoothed curve.
//
// Contract: Cox D.R. (1972) JRSS B 34:187; Efron B. (1977) JASA 72:557, doi:10.1080/01621459.1977.10480613.
// Efron's approximation for tied event times (R `coxph` default), Newton–Raphson from β = 0 with
// step halving, Cholesky solves through RiskLinearAlgebra (LAPACK dpotrf/dpotrs). Covariates are
// centred inside the fit, as in `coxph`. Converges when the relative change of the log partial
// likelihood is ≤ 1e-13 (R's default is 1e-9; the references use `coxph.control(eps = 1e-13)`),
// so coefficients agree with R to ~1e-10 relative. The cumulative baseline hazard is Efron's
// tie-corrected one at all-zero covariates, as `survfit(coxph(..., ties = "efron"))` uses
// (ctype = 2). Meant for p ≤ a handful of covariates; the general fitter lives in RiskFitting.
import Foundation
import RiskLinearAlgebra

/// A fitted Cox model.
public struct CoxFit: Sendable {
    /// Coefficients, one per covariate.
    public let coefficients: [Double]
    /// Log partial likelihood at β = 0 and at the estimate.
    public let logLikelihoodInitial: Double
    public let logLikelihood: Double
    /// Newton iterations used.
    public let iterations: Int
    /// Distinct event times and the Efron cumulative baseline hazard H₀(t) at zero covariates.
    public let baselineTimes: [Double]
    public let baselineCumulativeHazard: [Double]

    /// H₀(t) (right-continuous step function).
    public func cumulativeHazard(at t: Double) -> Double {
        var lo = 0, hi = baselineTimes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if baselineTimes[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? 0 : baselineCumulativeHazard[lo - 1]
    }

    /// Predicted risk by `t`: 1 − exp(−H₀(t)·exp(βᵀx)).
    public func risk(at t: Double, covariates x: [Double]) -> Double {
        var lp = 0.0
        for j in x.indices { lp += coefficients[j] * x[j] }
        return 1 - exp(-cumulativeHazard(at: t) * exp(lp))
    }
}

public enum CoxRegression {
    /// Fits h(t | x) = h₀(t)·exp(βᵀx) by maximising Efron's log partial likelihood
    /// ℓ(β) = Σ_events βᵀxᵢ − Σ_times Σ_{k<d} log(S₀ − (k/d)·D₀), S₀ = Σ_risk e^{βᵀx}, D₀ the same over the d tied events.
    /// - Parameters:
    ///   - time: follow-up (years); event: observed event; covariates: one row of p values per subject.
    public static func fit(time: [Double], event: [Bool], covariates: [[Double]], maxIterations: Int = 50) throws(RiskValidationError) -> CoxFit {
        let n = time.count
        let p = covariates.first?.count ?? 0
        guard event.contains(true) else { throw .noEvents }
        var mean = [Double](repeating: 0, count: p)
        for row in covariates { for j in 0..<p { mean[j] += row[j] } }
        for j in 0..<p { mean[j] /= Double(n) }
        var x = [Double](repeating: 0, count: n * p)
        for i in 0..<n { for j in 0..<p { x[i * p + j] = covariates[i][j] - mean[j] } }
        let order = (0..<n).sorted { time[$0] > time[$1] }

        var beta = [Double](repeating: 0, count: p)
        var current = evaluate(beta, x, time, event, order)
        let initial = current.logLik
        var iterations = 0
        var converged = false
        while iterations < maxIterations {
            iterations += 1
            let info: Matrix
            do { info = try Matrix(rows: p, columns: p, columnMajor: current.information) } catch { throw .coxSingular }
            let step: [Double]
            do { step = try Cholesky(info).solve(current.score) } catch { throw .coxSingular }
            var scale = 1.0
            var candidate = zip(beta, step).map { $0 + $1 }
            var next = evaluate(candidate, x, time, event, order)
            var halvings = 0
            while !(next.logLik >= current.logLik) && halvings < 30 {
                scale /= 2
                halvings += 1
                candidate = zip(beta, step).map { $0 + scale * $1 }
                next = evaluate(candidate, x, time, event, order)
            }
            let change = abs(1 - current.logLik / next.logLik)
            if next.logLik >= current.logLik {
                beta = candidate
                current = next
            }
            if change <= 1e-13 || halvings == 30 { converged = true; break }
        }
        guard converged else { throw .coxNotConverged(iterations: iterations) }
        var shift = 0.0
        for j in 0..<p { shift += beta[j] * mean[j] }
        let scale = exp(-shift)
        return CoxFit(
            coefficients: beta, logLikelihoodInitial: initial, logLikelihood: current.logLik, iterations: iterations,
            baselineTimes: current.eventTimes, baselineCumulativeHazard: current.cumulativeHazard.map { $0 * scale })
    }

    private struct Evaluation {
        var logLik = 0.0
        var score: [Double]
        var information: [Double]
        var eventTimes: [Double] = []
        var cumulativeHazard: [Double] = []
    }

    /// ℓ(β), its gradient and the observed information (column-major p×p), and the Efron baseline
    /// hazard at the centred zero, in one pass over subjects sorted by decreasing time.
    private static func evaluate(_ beta: [Double], _ x: [Double], _ time: [Double], _ event: [Bool], _ order: [Int]) -> Evaluation {
        let p = beta.count
        var e = Evaluation(score: [Double](repeating: 0, count: p), information: [Double](repeating: 0, count: p * p))
        var s0 = 0.0
        var s1 = [Double](repeating: 0, count: p)
        var s2 = [Double](repeating: 0, count: p * p)
        var hazardIncrements: [(Double, Double)] = []
        var k = 0
        let n = order.count
        while k < n {
            let t = time[order[k]]
            var end = k
            while end < n, time[order[end]] == t { end += 1 }
            var d0 = 0.0
            var d1 = [Double](repeating: 0, count: p)
            var d2 = [Double](repeating: 0, count: p * p)
            var deaths = 0
            for j in k..<end {
                let i = order[j]
                var lp = 0.0
                for a in 0..<p { lp += beta[a] * x[i * p + a] }
                let r = exp(lp)
                s0 += r
                for a in 0..<p {
                    s1[a] += r * x[i * p + a]
                    for b in 0..<p { s2[a + b * p] += r * x[i * p + a] * x[i * p + b] }
                }
                if event[i] {
                    deaths += 1
                    d0 += r
                    e.logLik += lp
                    for a in 0..<p {
                        e.score[a] += x[i * p + a]
                        d1[a] += r * x[i * p + a]
                        for b in 0..<p { d2[a + b * p] += r * x[i * p + a] * x[i * p + b] }
                    }
                }
            }
            if deaths > 0 {
                var increment = 0.0
                for m in 0..<deaths {
                    let f = Double(m) / Double(deaths)
                    let denom = s0 - f * d0
                    increment += 1 / denom
                    e.logLik -= log(denom)
                    var mean = [Double](repeating: 0, count: p)
                    for a in 0..<p { mean[a] = (s1[a] - f * d1[a]) / denom; e.score[a] -= mean[a] }
                    for a in 0..<p {
                        for b in 0..<p {
                            e.information[a + b * p] += (s2[a + b * p] - f * d2[a + b * p]) / denom - mean[a] * mean[b]
                        }
                    }
                }
                hazardIncrements.append((t, increment))
            }
            k = end
        }
        var h = 0.0
        for (t, dh) in hazardIncrements.reversed() {
            h += dh
            e.eventTimes.append(t)
            e.cumulativeHazard.append(h)
        }
        return e
    }
}
