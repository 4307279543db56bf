import Foundation
import RiskLinearAlgebra

// Contract: Cox proportional-hazards regression by maximum partial likelihood, with the semantics
// of R `survival::coxph` (coxph.fit / C routine coxfit6; Therneau & Grambsch 2000, *Modeling
// Survival Data*, ch. 3) so that results agree with R to rounding:
// - Partial likelihood with case weights wᵢ; ties by Efron (JASA 1977;72:557, the default) or
//   Breslow. At a time with d deaths (weight sum W, mean weight W/d), risk-set sums S0, S1, S2 and
//   death-set sums D0, D1, D2 (weighted by wᵢ·exp(ηᵢ)), Efron's term m = 0…d−1 uses
//   S − (m/d)·D and weight W/d; Breslow uses S with weight W. A censoring at a death time is in
//   that death's risk set. Strata have separate risk sets.
// - Newton–Raphson from β = 0 on covariates centred at their weighted means (the likelihood is
//   invariant to centring); step halving as coxfit6 does it (the k-th consecutive failure moves
//   to (β_try + k·β)/(k+1)); converged when |1 − ℓ_best/ℓ_try| ≤ `tolerance` (R's `eps`, 1e-9),
//   at most `maxIterations` (R's `iter.max`, 20). The reported β, information and variance are
//   those at the last trial point, as in R.
// - Variance: the inverse information by LAPACK Cholesky (dpotrf/dpotrs through
//   RiskLinearAlgebra); robust sandwich V·(Σ wᵢ² rᵢ rᵢᵀ)·V from the score residuals rᵢ
//   (coxscore2), i.e. R's `robust = TRUE` without cluster.
// - Tests: likelihood ratio 2(ℓ(β̂) − ℓ(0)), Wald β̂ᵀ I(β̂) β̂, score U(0)ᵀ I(0)⁻¹ U(0); p from
//   the chi-square tail with df = number of terms.
// - Baseline cumulative hazard at all-zero covariates (not at the means): Breslow increments
//   W / Σ wᵢ exp(xᵢβ) (R `survfit(fit, newdata = 0, ctype = 1)`) and Efron's tie-corrected
//   increments Σₘ (W/d) / (S0 − (m/d)·D0) (R `ctype = 2`).
// - Aliased terms are detected at β = 0 on the information matrix (1 − R² < 1e-10, see
//   `AliasCheck`); a diverging coefficient by R's rule |V·U| > eps and > √eps·|β| at convergence.
// Cost: one sort (O(n log n)), then O(n·p²) per iteration (risk-set sums accumulated in reverse
// time order; p² for the second-moment sums, as in R); memory O(n·p) once (the centred,
// sorted covariates).
// Accuracy: same iterates as R up to summation order, so coefficients, variances and
// log-likelihoods agree to ~1e-10 relative on well-conditioned data (tests require 1e-6
// for coefficients and variances, 1e-8 for log-likelihoods).

/// How tied event times are handled in the partial likelihood.
public enum CoxTies: String, Sendable, CaseIterable {
    case efron
    case breslow
}

/// Fitting controls, with R's defaults.
public struct CoxControl: Equatable, Sendable {
    /// Tie handling (default Efron, as R).
    public var ties: CoxTies = .efron
    /// Convergence tolerance on the relative change of the log partial likelihood (R `eps`).
    public var tolerance: Double = 1e-9
    /// Maximum number of Newton iterations (R `iter.max`).
    public var maxIterations: Int = 20
    /// Smallest 1 − R² of a term on earlier terms (in the information at β = 0) before it is
    /// called aliased.
    public var aliasTolerance: Double = 1e-10
    /// Relative size of the last Newton step beyond which a coefficient is called infinite
    /// (R `toler.inf` = √eps).
    public var infiniteTolerance: Double = 1e-9.squareRoot()
    /// Compute the robust (sandwich) variance as well.
    public var robust: Bool = false

    public init(ties: CoxTies = .efron, maxIterations: Int = 20, robust: Bool = false) {
        self.ties = ties
        self.maxIterations = maxIterations
        self.robust = robust
    }
}

/// The data for a Cox fit: one entry per row in every array.
public struct CoxData: Sendable {
    /// Follow-up time (> 0, any unit).
    public var time: [Double]
    /// True for an event at `time`, false for censoring.
    public var event: [Bool]
    /// Term values by term: `covariates[t][i]`.
    public var covariates: [[Double]]
    /// Term names (as written), one per covariate column.
    public var terms: [String]
    /// Case weights (> 0); nil for all ones.
    public var weights: [Double]?
    /// Stratum codes; nil for one stratum.
    public var strata: [Int]?

    public init(
        time: [Double], event: [Bool], covariates: [[Double]], terms: [String],
        weights: [Double]? = nil, strata: [Int]? = nil
    ) {
        self.time = time
        self.event = event
        self.covariates = covariates
        self.terms = terms
        self.weights = weights
        self.strata = strata
    }
}

/// A step function of the cumulative baseline hazard in one stratum, at all-zero covariates.
public struct BaselineHazard: Equatable, Sendable {
    /// The stratum code (0 when unstratified).
    public let stratum: Int
    /// Distinct event times, ascending.
    public let times: [Double]
    /// Cumulative hazard after each time, Breslow increments.
    public let breslow: [Double]
    /// Cumulative hazard after each time, Efron's tie-corrected increments.
    public let efron: [Double]

    /// H₀(t): the cumulative hazard at the last event time ≤ t (0 before the first).
    public func cumulativeHazard(at t: Double, ties: CoxTies) -> Double {
        var lo = 0
        var hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        if lo == 0 { return 0 }
        return ties == .efron ? efron[lo - 1] : breslow[lo - 1]
    }
}

/// A fitted Cox model (immutable).
public struct CoxFit: Sendable {
    public let terms: [String]
    public let coefficients: [Double]
    /// Model-based variance, the inverse information at β̂ (terms order).
    public let variance: Matrix
    /// Robust sandwich variance, when requested.
    public let robustVariance: Matrix?
    public let loglikInitial: Double
    public let loglikFinal: Double
    public let iterations: Int
    public let lrTest: ChiSquareTest
    public let waldTest: ChiSquareTest
    public let scoreTest: ChiSquareTest
    /// Rows used and rows with an event.
    public let n: Int
    public let events: Int
    /// Weighted means of the terms (the centring).
    public let means: [Double]
    /// Cumulative baseline hazard per stratum, ascending stratum code.
    public let baseline: [BaselineHazard]
    public let ties: CoxTies

    /// Model-based standard errors.
    public var standardErrors: [Double] { (0..<terms.count).map { variance[$0, $0].squareRoot() } }
    /// Robust standard errors, when computed.
    public var robustStandardErrors: [Double]? {
        robustVariance.map { v in (0..<terms.count).map { v[$0, $0].squareRoot() } }
    }
}

/// Cox proportional-hazards regression (see the file contract).
public enum CoxRegression {
    /// Fits the model.
    /// - Throws: `FittingError` for invalid input, no events, an aliased term, a diverging
    ///   coefficient or non-convergence.
    public static func fit(_ data: CoxData, control: CoxControl = CoxControl()) throws(FittingError) -> CoxFit {
        let problem = try Problem(data)
        return try problem.fit(control)
    }
}

/// Tie groups in sorted order: rows start..<end share stratum and time.
struct TieGroup {
    let start: Int
    let end: Int
    let stratum: Int
    let hasDeath: Bool
}

struct Evaluation {
    var loglik: Double
    var u: [Double]
    var imat: Matrix
}

struct Problem {
    let n: Int
    let p: Int
    let names: [String]
    /// Sorted by (stratum, time) ascending; rows of x are centred, stored row-major.
    let time: [Double]
    let status: [Bool]
    let weight: [Double]
    let x: [Double]
    let means: [Double]
    let groups: [TieGroup]
    let strataCodes: [Int]

    init(_ d: CoxData) throws(FittingError) {
        let n = d.time.count
        let p = d.covariates.count
        guard d.event.count == n, d.terms.count == p, d.covariates.allSatisfy({ $0.count == n }),
            d.weights.map({ $0.count == n }) ?? true, d.strata.map({ $0.count == n }) ?? true
        else { throw .invalidInput(.lengthMismatch) }
        guard d.time.allSatisfy({ $0.isFinite && $0 > 0 }) else { throw .invalidInput(.nonPositiveTime) }
        if let w = d.weights, !w.allSatisfy({ $0.isFinite && $0 > 0 }) {
            throw .invalidInput(.nonPositiveWeight)
        }
        for (t, col) in d.covariates.enumerated() where !col.allSatisfy(\.isFinite) {
            throw .invalidInput(.nonFiniteValue(term: d.terms[t]))
        }
        guard n > 0, d.event.contains(true) else { throw .noEvents }
        let strata = d.strata ?? [Int](repeating: 0, count: n)
        let weights = d.weights ?? [Double](repeating: 1, count: n)
        let order = (0..<n).sorted { a, b in
            if strata[a] != strata[b] { return strata[a] < strata[b] }
            if d.time[a] != d.time[b] { return d.time[a] < d.time[b] }
            return a < b
        }
        let totalWeight = weights.reduce(0, +)
        var means = [Double](repeating: 0, count: p)
        for j in 0..<p {
            var s = 0.0
            for i in 0..<n { s += weights[i] * d.covariates[j][i] }
            means[j] = s / totalWeight
        }
        var x = [Double](repeating: 0, count: n * p)
        for (k, i) in order.enumerated() {
            for j in 0..<p { x[k * p + j] = d.covariates[j][i] - means[j] }
        }
        let sortedTime = order.map { d.time[$0] }
        let sortedStatus = order.map { d.event[$0] }
        let sortedStratum = order.map { strata[$0] }
        var groups: [TieGroup] = []
        var k = 0
        while k < n {
            var e = k + 1
            while e < n && sortedTime[e] == sortedTime[k] && sortedStratum[e] == sortedStratum[k] { e += 1 }
            groups.append(
                TieGroup(start: k, end: e, stratum: sortedStratum[k], hasDeath: sortedStatus[k..<e].contains(true)))
            k = e
        }
        self.n = n
        self.p = p
        self.names = d.terms
        self.time = sortedTime
        self.status = sortedStatus
        self.weight = order.map { weights[$0] }
        self.x = x
        self.means = means
        self.groups = groups
        self.strataCodes = Array(Set(strata)).sorted()
    }

    /// Log partial likelihood, score and information at β (coxfit6_iter).
    func evaluate(_ beta: [Double], ties: CoxTies) -> Evaluation {
        var loglik = 0.0
        var denom = 0.0
        let p = self.p
        // One scratch block for the sums (pointer access keeps the O(n·p²) loop free of
        // bounds and exclusivity checks): u, a, a2 (p each), imat, cmat, cmat2 (p² each).
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: 3 * p + 3 * p * p)
        scratch.initialize(repeating: 0)
        defer { scratch.deallocate() }
        let u = scratch.baseAddress!
        let a = u + p
        let a2 = a + p
        let imat = a2 + p
        let cmat = imat + p * p
        let cmat2 = cmat + p * p
        x.withUnsafeBufferPointer { x in
        weight.withUnsafeBufferPointer { weight in
        status.withUnsafeBufferPointer { status in
        beta.withUnsafeBufferPointer { beta in
            var currentStratum: Int? = nil
            for g in groups.reversed() {
                if g.stratum != currentStratum {
                    currentStratum = g.stratum
                    denom = 0
                    for i in 0..<p { a[i] = 0 }
                    for i in 0..<(p * p) { cmat[i] = 0 }
                }
                var ndead = 0
                var deadwt = 0.0
                var denom2 = 0.0
                for r in stride(from: g.end - 1, through: g.start, by: -1) {
                    let base = r * p
                    var z = 0.0
                    for j in 0..<p { z += beta[j] * x[base + j] }
                    let w = weight[r]
                    let risk = Foundation.exp(z) * w
                    if !status[r] {
                        denom += risk
                        for i in 0..<p {
                            let xi = risk * x[base + i]
                            a[i] += xi
                            for j in 0...i { cmat[i * p + j] += xi * x[base + j] }
                        }
                    } else {
                        ndead += 1
                        deadwt += w
                        denom2 += risk
                        loglik += w * z
                        for i in 0..<p {
                            u[i] += w * x[base + i]
                            let xi = risk * x[base + i]
                            a2[i] += xi
                            for j in 0...i { cmat2[i * p + j] += xi * x[base + j] }
                        }
                    }
                }
                guard ndead > 0 else { continue }
                if ties == .breslow || ndead == 1 {
                    denom += denom2
                    loglik -= deadwt * Foundation.log(denom)
                    for i in 0..<p {
                        a[i] += a2[i]
                        let mean = a[i] / denom
                        u[i] -= deadwt * mean
                        for j in 0...i {
                            cmat[i * p + j] += cmat2[i * p + j]
                            imat[i * p + j] += deadwt * (cmat[i * p + j] - mean * a[j]) / denom
                        }
                    }
                } else {
                    let d = Double(ndead)
                    let wtave = deadwt / d
                    for _ in 0..<ndead {
                        denom += denom2 / d
                        loglik -= wtave * Foundation.log(denom)
                        for i in 0..<p {
                            a[i] += a2[i] / d
                            let mean = a[i] / denom
                            u[i] -= wtave * mean
                            for j in 0...i {
                                cmat[i * p + j] += cmat2[i * p + j] / d
                                imat[i * p + j] += wtave * (cmat[i * p + j] - mean * a[j]) / denom
                            }
                        }
                    }
                }
                for i in 0..<p { a2[i] = 0 }
                for i in 0..<(p * p) { cmat2[i] = 0 }
            }
        }
        }
        }
        }
        var info = Matrix(rows: p, columns: p)
        for i in 0..<p {
            for j in 0...i {
                info[i, j] = imat[i * p + j]
                info[j, i] = imat[i * p + j]
            }
        }
        return Evaluation(loglik: loglik, u: Array(UnsafeBufferPointer(start: u, count: p)), imat: info)
    }

    func fit(_ control: CoxControl) throws(FittingError) -> CoxFit {
        let zero = [Double](repeating: 0, count: p)
        let start = evaluate(zero, ties: control.ties)
        if let j = (try? AliasCheck.aliasedColumns(start.imat, tolerance: control.aliasTolerance))?.first {
            throw .collinear(term: names[j])
        }
        guard let chol0 = try? Cholesky(start.imat), let step0 = try? chol0.solve(start.u) else {
            throw .collinear(term: names.last ?? "")
        }
        let scoreStatistic = zip(start.u, step0).reduce(0) { $0 + $1.0 * $1.1 }

        var beta = zero
        var newBeta = step0
        var best = start.loglik
        var halving = 0.0
        var final: (Evaluation, Cholesky)? = nil
        var iterations = 0
        var lastInformation = start.imat
        for iter in 1...max(1, control.maxIterations) {
            iterations = iter
            let ev = evaluate(newBeta, ties: control.ties)
            let chol = try? Cholesky(ev.imat)
            let finite = ev.loglik.isFinite && ev.u.allSatisfy(\.isFinite) && chol != nil
            if finite, let chol, abs(1 - best / ev.loglik) <= control.tolerance {
                final = (ev, chol)
                break
            }
            if !finite || ev.loglik < best {
                halving += 1
                for j in 0..<p { newBeta[j] = (newBeta[j] + halving * beta[j]) / (halving + 1) }
            } else if let chol, let step = try? chol.solve(ev.u) {
                halving = 0
                best = ev.loglik
                lastInformation = ev.imat
                beta = newBeta
                for j in 0..<p { newBeta[j] += step[j] }
            }
        }
        guard let (ev, chol) = final else {
            var worst = 0
            var size = -1.0
            for j in 0..<p {
                let s = abs(newBeta[j] - beta[j]) * lastInformation[j, j].squareRoot()
                if s > size {
                    size = s
                    worst = j
                }
            }
            throw .notConverged(iterations: iterations, term: names[worst])
        }
        guard let variance = try? chol.inverse() else { throw .collinear(term: names.last ?? "") }
        // R's check for an infinite coefficient: the Newton step that would follow.
        for j in 0..<p {
            var step = 0.0
            for k in 0..<p { step += variance[j, k] * ev.u[k] }
            let size = abs(step)
            if size > control.tolerance && size > control.infiniteTolerance * abs(newBeta[j]) {
                throw .separation(term: names[j])
            }
        }
        if let j = variance.elements.indices.first(where: { !variance.elements[$0].isFinite }) {
            throw .collinear(term: names[j % p])
        }
        var wald = 0.0
        for i in 0..<p { for j in 0..<p { wald += newBeta[i] * ev.imat[i, j] * newBeta[j] } }
        let robust = control.robust ? robustVariance(newBeta, variance: variance, ties: control.ties) : nil
        return CoxFit(
            terms: names, coefficients: newBeta, variance: variance, robustVariance: robust,
            loglikInitial: start.loglik, loglikFinal: ev.loglik, iterations: iterations,
            lrTest: ChiSquareTest(statistic: 2 * (ev.loglik - start.loglik), df: p),
            waldTest: ChiSquareTest(statistic: wald, df: p),
            scoreTest: ChiSquareTest(statistic: scoreStatistic, df: p),
            n: n, events: status.filter { $0 }.count, means: means,
            baseline: baseline(newBeta), ties: control.ties)
    }

    /// Risk scores exp(η) on the centred covariates.
    func riskScores(_ beta: [Double]) -> [Double] {
        (0..<n).map { r in
            var z = 0.0
            for j in 0..<p { z += beta[j] * x[r * p + j] }
            return Foundation.exp(z)
        }
    }

    /// Cumulative baseline hazards at x = 0 (uncentred), per stratum.
    func baseline(_ beta: [Double]) -> [BaselineHazard] {
        let score = riskScores(beta)
        var shift = 0.0
        for j in 0..<p { shift -= beta[j] * means[j] }
        let factor = Foundation.exp(shift)  // exp(−β·mean): from centred to zero covariates
        var byStratum: [Int: (times: [Double], breslow: [Double], efron: [Double])] = [:]
        var denom = 0.0
        var currentStratum: Int? = nil
        for g in groups.reversed() {
            if g.stratum != currentStratum {
                currentStratum = g.stratum
                denom = 0
            }
            var ndead = 0
            var deadwt = 0.0
            var denom2 = 0.0
            for r in g.start..<g.end {
                let risk = score[r] * weight[r]
                denom += risk
                if status[r] {
                    ndead += 1
                    deadwt += weight[r]
                    denom2 += risk
                }
            }
            guard ndead > 0 else { continue }
            let breslow = deadwt / denom
            var efron = 0.0
            let d = Double(ndead)
            for m in 0..<ndead { efron += (deadwt / d) / (denom - Double(m) / d * denom2) }
            byStratum[g.stratum, default: ([], [], [])].times.append(time[g.start])
            byStratum[g.stratum]!.breslow.append(breslow * factor)
            byStratum[g.stratum]!.efron.append(efron * factor)
        }
        return strataCodes.map { s in
            let v = byStratum[s] ?? ([], [], [])
            let times = Array(v.times.reversed())
            func cumulate(_ inc: [Double]) -> [Double] {
                var c = 0.0
                return inc.reversed().map { c += $0; return c }
            }
            return BaselineHazard(stratum: s, times: times, breslow: cumulate(v.breslow), efron: cumulate(v.efron))
        }
    }

    /// The robust sandwich V·B·V, B = Σ wᵢ² rᵢ rᵢᵀ from the score residuals rᵢ (coxscore2).
    func robustVariance(_ beta: [Double], variance: Matrix, ties: CoxTies) -> Matrix {
        let score = riskScores(beta)
        // Reverse pass: full risk-set sums S0, S1 and death sums D0, D1 at each tie group.
        let gCount = groups.count
        var s0 = [Double](repeating: 0, count: gCount)
        var d0 = [Double](repeating: 0, count: gCount)
        var s1 = [Double](repeating: 0, count: gCount * p)
        var d1 = [Double](repeating: 0, count: gCount * p)
        var ndead = [Int](repeating: 0, count: gCount)
        var deadwt = [Double](repeating: 0, count: gCount)
        var denom = 0.0
        var a = [Double](repeating: 0, count: p)
        var currentStratum: Int? = nil
        for gi in stride(from: gCount - 1, through: 0, by: -1) {
            let g = groups[gi]
            if g.stratum != currentStratum {
                currentStratum = g.stratum
                denom = 0
                for j in 0..<p { a[j] = 0 }
            }
            for r in g.start..<g.end {
                let risk = score[r] * weight[r]
                denom += risk
                for j in 0..<p { a[j] += risk * x[r * p + j] }
                if status[r] {
                    ndead[gi] += 1
                    deadwt[gi] += weight[r]
                    d0[gi] += risk
                    for j in 0..<p { d1[gi * p + j] += risk * x[r * p + j] }
                }
            }
            s0[gi] = denom
            for j in 0..<p { s1[gi * p + j] = a[j] }
        }
        // Forward pass: cumulative hazard-weighted sums over earlier death times.
        var cumH = 0.0
        var cumG = [Double](repeating: 0, count: p)
        var b = [Double](repeating: 0, count: p * p)
        var r = [Double](repeating: 0, count: p)
        currentStratum = nil
        for (gi, g) in groups.enumerated() {
            if g.stratum != currentStratum {
                currentStratum = g.stratum
                cumH = 0
                for j in 0..<p { cumG[j] = 0 }
            }
            // This group's terms: all (H, G), and for its deaths (Hd, Gd) and the mean x̄.
            var h = 0.0
            var hd = 0.0
            var gAll = [Double](repeating: 0, count: p)
            var gDead = [Double](repeating: 0, count: p)
            var xbarMean = [Double](repeating: 0, count: p)
            if ndead[gi] > 0 {
                let d = ties == .efron ? Double(ndead[gi]) : 1
                let fractions = ties == .efron ? ndead[gi] : 1
                let meanwt = deadwt[gi] / d
                for m in 0..<fractions {
                    let down = Double(m) / d
                    let denomM = s0[gi] - down * d0[gi]
                    let hazard = meanwt / denomM
                    h += hazard
                    hd += hazard * (1 - down)
                    for j in 0..<p {
                        let xbar = (s1[gi * p + j] - down * d1[gi * p + j]) / denomM
                        gAll[j] += hazard * xbar
                        gDead[j] += hazard * (1 - down) * xbar
                        xbarMean[j] += xbar / d
                    }
                }
            }
            for row in g.start..<g.end {
                let e = score[row]
                for j in 0..<p {
                    let xj = x[row * p + j]
                    if status[row] {
                        r[j] = (xj - xbarMean[j]) - e * (xj * (cumH + hd) - (cumG[j] + gDead[j]))
                    } else {
                        r[j] = -e * (xj * (cumH + h) - (cumG[j] + gAll[j]))
                    }
                }
                let w2 = weight[row] * weight[row]
                for i in 0..<p { for j in 0...i { b[i * p + j] += w2 * r[i] * r[j] } }
            }
            cumH += h
            for j in 0..<p { cumG[j] += gAll[j] }
        }
        // V·B·V (p × p, small): plain loops, B symmetric from its lower triangle.
        func bAt(_ i: Int, _ j: Int) -> Double { i >= j ? b[i * p + j] : b[j * p + i] }
        var vb = [Double](repeating: 0, count: p * p)
        for i in 0..<p { for j in 0..<p { for k in 0..<p { vb[i * p + j] += variance[i, k] * bAt(k, j) } } }
        var out = Matrix(rows: p, columns: p)
        for i in 0..<p { for j in 0..<p { for k in 0..<p { out[i, j] += vb[i * p + k] * variance[k, j] } } }
        return out
    }
}
