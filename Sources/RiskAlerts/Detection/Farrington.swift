// The improved Farrington algorithm (Farrington et al. 1996, "A statistical algorithm for the
// early detection of outbreaks of infectious disease", JRSS A 159:547–563, doi:10.2307/2983331;
// Noufaily et al. 2013, "An improved algorithm for outbreak detection in multiple surveillance
// systems", Stat Med 32:1206–1222, doi:10.1002/sim.5595) exactly as R
// `surveillance::farringtonFlexible` (1.20.3; Salmon, Schumacher & Höhle 2016, JSS 70(10),
// doi:10.18637/jss.v070.i10) computes it for a series without dates (`epochAsDate = FALSE`, a
// year = `periodsPerYear` periods) with `thresholdMethod = "nbPlugin"`:
//
// For period t (1-based, t ≥ freq·b + w + 1):
// 1. Reference data (R `blocks`): windows t − i·freq ± w for i = 1…b, plus the current window
//    t − w…t, get factor level `noPeriods`; the periods between consecutive windows are cut into
//    noPeriods − 1 blocks, levels 1…noPeriods−1 (R's `a:b` semantics kept, including its
//    descending ranges when a block is empty). The last `pastWeeksNotIncluded` + 1 periods
//    t − pastWeeksNotIncluded … t are left out. wtime = the period's 1-based index.
// 2. Quasi-Poisson log-linear GLM: log μ = α + β·wtime + γ_level (see PoissonGLM.swift);
//    φ = max(1, Pearson χ²/(n − p)); with reweighting, Anscombe residuals
//    s_i = 3/2 (y^{2/3} μ^{−1/6} − μ^{1/2}) / √(φ(1 − h_i)), weights ω_i = γ·s_i⁻² for
//    s_i > threshold (2.58) else γ, γ making Σω = n; refit with ω; φ again.
// 3. The trend is kept when b ≥ 3, its t-test p-value < 0.05 (R's `summary.glm` on the reweighted
//    fit, whose `weights` R has replaced by ω: dispersion Σ ω_i r_i²/(n − p) with working
//    residuals r — kept as R does it), and exp(η̂_t) ≤ max of the reference counts; otherwise the
//    model is refitted without trend.
// 4. μ0 = exp(η̂_t) (`expected`); upperbound U = qnbinom(1 − α, size μ0/(φ − 1), prob 1/φ)
//    when φ > 1, else qpois(1 − α, μ0) (see Distributions.swift for the quantile's accuracy).
// 5. With limit54 = (c, d): when the last d counts sum to less than c, U and expected are `nil`
//    and there is no alarm; otherwise alarm when (y_t − η̂_t)/(U − η̂_t) > 1 and y_t ≠ 0 (R's
//    score uses η̂ on the link scale — kept).
// A period whose GLM does not converge (with or without trend) is not evaluated (R: `NA`).
// The power transformation option (`powertrans`) only enters R's "delta" threshold, which this
// type does not implement; it is kept as a setting for completeness of the reported settings.
import Foundation

/// Farrington flexible with the negative-binomial plug-in threshold.
public struct FarringtonFlexible: AberrationDetector {
    public var name: String { "farrington" }
    /// Years back (b).
    public var years: Int
    /// Half-width of the reference windows (w).
    public var halfWindow: Int
    /// Downweight outliers by Anscombe residuals.
    public var reweight: Bool
    /// Threshold on Anscombe residuals for reweighting.
    public var weightsThreshold: Double
    /// Fit a time trend (kept only if significant and not extrapolating).
    public var trend: Bool
    /// Significance level of the trend test.
    public var trendPValue: Double
    /// Number of factor levels (1 = no seasonal factor).
    public var noPeriods: Int
    /// Recent periods left out of the fit (besides the current one).
    public var pastPeriodsNotIncluded: Int
    /// One-sided level of the threshold.
    public var alpha: Double
    /// limit54: at least `limitCases` cases in the last `limitPeriods` periods to evaluate.
    public var limitCases: Double
    public var limitPeriods: Int
    /// Power transformation label (only used by R's "delta" threshold; reported, not used).
    public var powerTransformation: String

    /// Noufaily et al. (2013) settings by default.
    public init(years: Int = 3, halfWindow: Int = 2, reweight: Bool = true, weightsThreshold: Double = 2.58,
                trend: Bool = true, trendPValue: Double = 0.05, noPeriods: Int = 10,
                pastPeriodsNotIncluded: Int = 6, alpha: Double = 0.05, limitCases: Double = 5,
                limitPeriods: Int = 4, powerTransformation: String = "2/3") {
        self.years = years
        self.halfWindow = halfWindow
        self.reweight = reweight
        self.weightsThreshold = weightsThreshold
        self.trend = trend
        self.trendPValue = trendPValue
        self.noPeriods = noPeriods
        self.pastPeriodsNotIncluded = pastPeriodsNotIncluded
        self.alpha = alpha
        self.limitCases = limitCases
        self.limitPeriods = limitPeriods
        self.powerTransformation = powerTransformation
    }

    public func detect(_ counts: [Double], periodsPerYear freq: Int) -> [Detection] {
        let n = counts.count
        let firstK = freq * years + halfWindow + 1  // 1-based
        guard years >= 1, freq >= 1, n >= firstK else { return [] }
        var out: [Detection] = []
        for k in firstK...n {
            if let d = evaluate(counts, k: k, freq: freq) { out.append(d) }
        }
        return out
    }

    /// R `blocks(...)` for the 1-based period k: factor level per 1-based position (0 = NA).
    func blocks(k: Int, freq: Int, count n: Int) -> [Int]? {
        var f = [Int](repeating: 0, count: n + 2)
        let w = halfWindow, p = noPeriods
        // Assign over R's `a:b` (descending when b < a).
        func assign(_ a: Int, _ b: Int, _ v: Int) -> Bool {
            let lo = min(a, b), hi = max(a, b)
            guard lo >= 1, hi <= n else { return false }
            for i in lo...hi { f[i] = v }
            return true
        }
        guard assign(k - w, k, p) else { return nil }
        // referenceWeeks = k, k − freq, …, k − b·freq
        for i in 1...years {
            let refWeek = k - i * freq
            let previous = k - (i - 1) * freq
            guard assign(refWeek - w, refWeek + w, p) else { return nil }
            if p != 1 {
                let period = previous - 2 * w - 1 - refWeek
                if period < p - (2 * w + 1) { return nil }  // R: "Number of factors too big!"
                let length = period / (p - 1)
                let rest = period % (p - 1)
                var lengths = [Int](repeating: length, count: p - 1)
                for j in 0..<rest { lengths[j] += 1 }
                var cum = [0]
                for l in lengths { cum.append(cum.last! + l) }
                for j in 1...(p - 1) {
                    guard assign(refWeek + w + 1 + cum[j - 1], refWeek + w + 1 + cum[j] - 1, j) else { return nil }
                }
            }
        }
        return f
    }

    private struct Model {
        var fit: PoissonGLMFit
        var phi: Double
        var hasTrend: Bool
        var summaryWeights: [Double]
    }

    /// R `algo.farrington.fitGLM.flexible`.
    private func fitModel(_ design: (Bool) -> [[Double]], _ y: [Double], trend: Bool) -> Model? {
        var withTrend = trend
        guard var fit = PoissonGLM.fit(x: design(withTrend), y: y) else {
            if trend { return fitModel(design, y, trend: false) }
            return nil
        }
        if !fit.converged {
            guard withTrend, let refit = PoissonGLM.fit(x: design(false), y: y), refit.converged else { return nil }
            withTrend = false
            fit = refit
        }
        var phi = Swift.max(fit.dispersion(weights: fit.workingWeights), 1)
        var summaryWeights = fit.workingWeights
        if reweight {
            var s = [Double](repeating: 0, count: y.count)
            for i in y.indices {
                let mu = fit.fitted[i]
                let a = 1.5 * (pow(y[i], 2.0 / 3.0) * pow(mu, -1.0 / 6.0) - mu.squareRoot())
                s[i] = a / (phi * (1 - fit.hat[i])).squareRoot()
            }
            var denom = 0.0
            for v in s { denom += v > weightsThreshold ? pow(v, -2) : 1 }
            let gamma = Double(s.count) / denom
            let omega = s.map { $0 > weightsThreshold ? gamma * pow($0, -2) : gamma }
            guard let refit = PoissonGLM.fit(x: design(withTrend), y: y, priorWeights: omega) else { return nil }
            fit = refit
            phi = Swift.max(fit.dispersion(weights: fit.workingWeights), 1)
            summaryWeights = omega
        }
        return Model(fit: fit, phi: phi, hasTrend: withTrend, summaryWeights: summaryWeights)
    }

    private func evaluate(_ counts: [Double], k: Int, freq: Int) -> Detection? {
        let n = counts.count
        guard var f = blocks(k: k, freq: freq, count: n) else { return nil }
        let lo = Swift.max(1, k - pastPeriodsNotIncluded)
        for i in lo...k { f[i] = 0 }
        var positions: [Int] = []
        for i in 1...n where f[i] != 0 { positions.append(i) }
        guard !positions.isEmpty else { return nil }
        let y = positions.map { counts[$0 - 1] }
        let useFactor = noPeriods != 1
        let levels = useFactor ? Array(Set(positions.map { f[$0] })).sorted() : []
        guard !useFactor || levels.contains(noPeriods) else { return nil }
        func row(wtime: Double, level: Int, trend: Bool) -> [Double] {
            var r = [1.0]
            if trend { r.append(wtime) }
            if useFactor { for l in levels.dropFirst() { r.append(level == l ? 1 : 0) } }
            return r
        }
        func design(_ trend: Bool) -> [[Double]] {
            positions.map { row(wtime: Double($0), level: f[$0], trend: trend) }
        }
        func linear(_ m: Model) -> Double {
            let x0 = row(wtime: Double(k), level: noPeriods, trend: m.hasTrend)
            var e = 0.0
            for (a, b) in zip(x0, m.fit.coefficients) { e += a * b }
            return e
        }
        guard var model = fitModel(design, y, trend: trend) else { return nil }
        if model.hasTrend {
            let predicted = exp(linear(model))
            let df = model.fit.dfResidual
            let disp = model.fit.dispersion(weights: model.summaryWeights)
            let p = model.fit.coefficients.count
            let se = (disp * model.fit.covUnscaled[1 * p + 1]).squareRoot()
            let tValue = model.fit.coefficients[1] / se
            let pValue = 2 * StudentT.cdf(-abs(tValue), df: Double(df))
            let significant = pValue < trendPValue
            let noExtrapolation = predicted <= (y.max() ?? 0)
            let doTrend = years >= 3 && significant && noExtrapolation
            if !doTrend {
                guard let refit = fitModel(design, y, trend: false) else { return nil }
                model = refit
            }
        }
        let eta0 = linear(model)
        let mu0 = exp(eta0)
        let phi = model.phi
        let yk = counts[k - 1]
        var upper: Double?
        if mu0.isFinite {
            upper = phi > 1
                ? CountDistribution.negativeBinomialQuantile(1 - alpha, size: mu0 / (phi - 1), prob: 1 / phi)
                : CountDistribution.poissonQuantile(1 - alpha, mean: mu0)
        }
        var recent = 0.0
        for i in Swift.max(1, k - limitPeriods + 1)...k { recent += counts[i - 1] }
        let enoughCases = recent >= limitCases
        guard enoughCases, let u = upper else {
            return Detection(index: k - 1, observed: yk, expected: nil, upperbound: nil, alarm: false)
        }
        let score = (yk - eta0) / (u - eta0)
        return Detection(index: k - 1, observed: yk, expected: mu0, upperbound: u, alarm: score > 1 && yk != 0)
    }
}
