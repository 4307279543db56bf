// EARS C1, C2 and C3 (Hutwagner et al. 2003, "The bioterrorism preparedness and response Early
// Aberration Reporting System (EARS)", J Urban Health 80(Suppl 1):i89–96,
// doi:10.1007/PL00022319), exactly as R `surveillance::earsC` (1.20.3) computes them with
// `minSigma = 0` and one `alpha` for all three methods:
//
//   C1: ȳ, s over the `baseline` periods t−B … t−1;   U_t = ȳ + z₁₋α · s
//   C2: ȳ, s over t−B−2 … t−3 (a lag of 2);          U_t = ȳ + z₁₋α · s
//   C3: C2_t = (y_t − ȳ_t)/s_t with the C2 baseline;
//       U_t = max(0, y_t + s_t · (z₁₋α − max(0, C2_{t−2} − 1) − max(0, C2_{t−1} − 1)))
//   alarm: y_t > U_t.
//
// s is the sample standard deviation (n − 1). Evaluated periods are earsC's default ranges:
// from B+1 (C1), B+3 (C2), B+5 (C3) in R's 1-based numbering. Arithmetic is IEEE double in the
// same order of operations as R, so bounds agree with R to a few ulps (tests: 1e-9 relative);
// IEEE special values follow R: a zero s makes C3's bound NaN or infinite as in R, and a NaN
// bound is reported as `nil` with no alarm (R: `NA`).

/// One of the three EARS methods.
public struct EARSDetector: AberrationDetector {
    /// Which of C1, C2, C3.
    public enum Method: String, Sendable, CaseIterable {
        case c1 = "ears_c1"
        case c2 = "ears_c2"
        case c3 = "ears_c3"
    }

    public let method: Method
    /// Number of periods in the reference window (R `baseline`, at least 3).
    public let baseline: Int
    /// One-sided level: z is the (1 − alpha) standard normal quantile.
    public let alpha: Double

    public var name: String { method.rawValue }

    /// - Parameters:
    ///   - method: C1, C2 or C3.
    ///   - baseline: reference window length B (R default 7; must be ≥ 3).
    ///   - alpha: one alpha for all three methods (default 0.001; R's own C3 default is 0.025).
    public init(_ method: Method, baseline: Int = 7, alpha: Double = 0.001) {
        precondition(baseline >= 3, "EARS baseline must be at least 3")
        self.method = method
        self.baseline = baseline
        self.alpha = alpha
    }

    /// Mean and sample standard deviation of `counts[lo...hi]` (R `mean`, `sd`).
    private func meanSD(_ counts: [Double], _ lo: Int, _ hi: Int) -> (Double, Double) {
        let n = Double(hi - lo + 1)
        var sum = 0.0
        for i in lo...hi { sum += counts[i] }
        // R's mean() refines the sum in long double; for small integer counts the sum is exact.
        var mean = sum / n
        var corr = 0.0
        for i in lo...hi { corr += counts[i] - mean }
        mean += corr / n
        var ss = 0.0
        for i in lo...hi { let d = counts[i] - mean; ss += d * d }
        return (mean, (ss / (n - 1)).squareRoot())
    }

    public func detect(_ counts: [Double], periodsPerYear: Int) -> [Detection] {
        let z = NormalDistribution.quantile(1 - alpha)
        let b = baseline
        // 0-based first evaluated period.
        let first: Int
        switch method {
        case .c1: first = b
        case .c2: first = b + 2
        case .c3: first = b + 4
        }
        guard counts.count > first else { return [] }
        var out: [Detection] = []
        out.reserveCapacity(counts.count - first)
        switch method {
        case .c1, .c2:
            let lag = method == .c1 ? 1 : 3
            for t in first..<counts.count {
                let (m, s) = meanSD(counts, t - lag - b + 1, t - lag)
                let u = m + z * s
                out.append(detection(t, counts[t], u))
            }
        case .c3:
            // C2 statistic and its s for t−2 … n−1.
            func c2(_ t: Int) -> (stat: Double, sd: Double) {
                let (m, s) = meanSD(counts, t - 3 - b + 1, t - 3)
                return ((counts[t] - m) / s, s)
            }
            for t in first..<counts.count {
                let lag2 = rPmax(0, c2(t - 2).stat - 1)
                let lag1 = rPmax(0, c2(t - 1).stat - 1)
                let s = c2(t).sd
                let u = rPmax(0, counts[t] + s * (z - (lag2 + lag1)))
                out.append(detection(t, counts[t], u))
            }
        }
        return out
    }

    private func detection(_ t: Int, _ y: Double, _ u: Double) -> Detection {
        if u.isNaN { return Detection(index: t, observed: y, expected: nil, upperbound: nil, alarm: false) }
        return Detection(index: t, observed: y, expected: nil, upperbound: u, alarm: y > u)
    }
}
