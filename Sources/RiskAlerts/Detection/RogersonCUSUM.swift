// Rogerson's Poisson CUSUM (Rogerson & Yamada 2004, "Monitoring change in spatial patterns of
// disease: comparing univariate and multivariate cumulative sum approaches", Stat Med
// 23:2195–2214, doi:10.1002/sim.1806), as R `surveillance::algo.rogerson` (1.20.3) runs it with
// `distribution = "poisson"`, `s` = shift, `limit = 0` (reset after an alarm), `digits = 1`,
// and h from `hValues(theta0, ARL0, s)` (Markov-chain ARL search `findH`/`arlCusum`):
//
//   θ0 = mean of the first `baseline` counts; θ1 = θ0 + s·√θ0;
//   k = (θ1 − θ0)/(log θ1 − log θ0), rounded to one decimal as `findK` does (a k that would round
//       to a whole or half number is first moved 0.05 away from it);
//   h: the one-decimal h whose in-control ARL (Brook & Evans Markov chain on the grid 1/N,
//       N = common denominator of h and k) is within 2 % of ARL0, found by `findH`'s doubling,
//       log-interpolation and stepping search;
//   S_t = max(0, S'_{t−1} + y_t − k), S'_{t−1} = 0 after an alarm at t−1 else S_{t−1}, S = 0 at
//       the start; alarm when S_t ≥ h; upperbound_t = max(0, ⌈h − S'_{t−1} + k⌉), the smallest
//       count that alarms.
//
// Periods evaluated: those after the baseline (R: `range = (baseline+1):n`, `theta0t` constant).
// The CUSUM recursion, the alarm test and the upperbound are computed in exact integer
// arithmetic on tenths (k and h have one decimal; counts are taken to the nearest tenth, and are
// integers in practice), not in binary floating point: R's doubles could in principle put a sum
// like 2.6 a hair below h; exact tenths never do. The ARL of the h search is solved in double
// precision (LU with partial pivoting, LAPACK dgesv via RiskLinearAlgebra); it is only compared
// with ARL0 ± 2 %.
// A series whose baseline mean is 0 cannot be evaluated (k is undefined) and yields nothing.
import Foundation
import RiskLinearAlgebra

/// Rogerson's Poisson CUSUM with reset after an alarm.
public struct RogersonCUSUM: AberrationDetector {
    public var name: String { "cusum" }
    /// Number of leading periods whose mean is θ0.
    public let baseline: Int
    /// Shift s: θ1 = θ0 + s·√θ0.
    public let shift: Double
    /// In-control average run length targeted by the h search.
    public let arl0: Double
    /// Reference value k in tenths, when given instead of derived from θ0, θ1.
    public let kTenths: Int?
    /// Decision interval h in tenths, when given instead of searched.
    public let hTenths: Int?
    /// h found per (θ0, k) in this detector's run: many series share θ0 (a mean of whole counts),
    /// and the search solves several Markov chains. Same results, computed once.
    private let searched = SearchedH()

    /// - Parameters:
    ///   - baseline: periods in the θ0 estimate (default 12).
    ///   - shift: out-of-control shift in standard deviations (default 1).
    ///   - arl0: in-control ARL for the h search (default 100).
    ///   - k: given reference value (one decimal; rounded to tenths), else from `findK`.
    ///   - h: given decision interval (one decimal; rounded to tenths), else from `findH`.
    public init(baseline: Int = 12, shift: Double = 1, arl0: Double = 100, k: Double? = nil, h: Double? = nil) {
        precondition(baseline >= 1, "CUSUM baseline must be at least 1")
        self.baseline = baseline
        self.shift = shift
        self.arl0 = arl0
        self.kTenths = k.map { Int(($0 * 10).rounded()) }
        self.hTenths = h.map { Int(($0 * 10).rounded()) }
    }

    /// The parameters of one series: θ0 and k, h in tenths.
    public struct Parameters: Sendable, Equatable {
        public var theta0: Double
        public var kTenths: Int
        public var hTenths: Int
    }

    /// θ0, k and h for a series (nil when θ0 is 0 or the series is no longer than the baseline).
    public func parameters(_ counts: [Double]) -> Parameters? {
        guard counts.count > baseline else { return nil }
        var sum = 0.0
        for i in 0..<baseline { sum += counts[i] }
        let theta0 = sum / Double(baseline)
        guard theta0 > 0, theta0.isFinite else { return nil }
        let k = kTenths ?? Self.findK(theta0: theta0, shift: shift)
        let h = hTenths ?? searched.value(theta0: theta0, k: k) { Self.findH(arl0: arl0, theta0: theta0, kTenths: k) }
        guard k > 0, h > 0 else { return nil }
        return Parameters(theta0: theta0, kTenths: k, hTenths: h)
    }

    public func detect(_ counts: [Double], periodsPerYear: Int) -> [Detection] {
        run(counts).map(\.detection)
    }

    /// One evaluated period with the CUSUM values behind it, in tenths.
    public struct Step: Sendable, Equatable {
        public var detection: Detection
        /// S'_{t−1}: the previous statistic, 0 after an alarm.
        public var startTenths: Int
        /// S_t.
        public var statisticTenths: Int
        public var kTenths: Int
        public var hTenths: Int
    }

    /// The CUSUM path of a series (empty when it cannot be evaluated).
    public func run(_ counts: [Double]) -> [Step] {
        guard let p = parameters(counts) else { return [] }
        let k = p.kTenths, h = p.hTenths
        var out: [Step] = []
        out.reserveCapacity(counts.count - baseline)
        var s = 0  // tenths
        var alarmed = false
        for t in baseline..<counts.count {
            let sPrev = alarmed ? 0 : s
            let y = Int((counts[t] * 10).rounded())
            s = max(0, sPrev + y - k)
            alarmed = s >= h
            // ⌈(h − S' + k)/10⌉ in whole counts.
            let need = h - sPrev + k
            let bound = max(0, need > 0 ? (need + 9) / 10 : -((-need) / 10))
            let d = Detection(index: t, observed: counts[t], expected: nil, upperbound: Double(bound), alarm: alarmed)
            out.append(Step(detection: d, startTenths: sPrev, statisticTenths: s, kTenths: k, hTenths: h))
        }
        return out
    }

    // MARK: findK, arlCusum, findH

    /// R `round(x, 1)` in tenths (ties, which do not arise here, away from zero).
    static func tenths(_ x: Double) -> Int { Int((x * 10).rounded()) }

    /// `findK(θ0, θ1, "poisson", roundK = TRUE, digits = 1)` in tenths.
    public static func findK(theta0: Double, shift: Double) -> Int {
        let theta1 = theta0 + shift * theta0.squareRoot()
        var k = (theta1 - theta0) / (log(theta1) - log(theta0))
        let r = tenths(k)
        if r % 10 == 5 || r % 10 == 0 {
            let frac = ((k - k.rounded(.down)) * 10).truncatingRemainder(dividingBy: 1)
            let roundK = frac < 0 ? frac + 1 : frac
            k += roundK < 0.5 ? 0.05 : -0.05
        }
        return tenths(k)
    }

    /// R `commonDenom(x, y, 1)` for x, y in tenths: the smallest N in 1…10 with N·x, N·y and
    /// N·(x+y) whole (1 if none, as `which.max` on all-false).
    static func commonDenominator(_ x: Int, _ y: Int) -> Int {
        for n in 1...10 where (x * n) % 10 == 0 && (y * n) % 10 == 0 && ((x + y) * n) % 10 == 0 {
            return n
        }
        return 1
    }

    /// Poisson distribution function P(X ≤ m) for every m in lo…hi (lo ≤ hi): P(X ≤ lo) by summing
    /// the probability mass in log space from 0, then one term per step (relative error about
    /// (hi + 1)·ε, against R's `ppois` through `pgamma`).
    static func poissonCDFs(_ lo: Int, _ hi: Int, _ theta: Double) -> [Double] {
        let logTheta = log(theta)
        func logPMF(_ j: Int) -> Double { -theta + Double(j) * logTheta - lgamma(Double(j) + 1) }
        var out: [Double] = []
        out.reserveCapacity(hi - lo + 1)
        var cdf = 0.0
        if lo >= 0 {
            // Sum of pmf(0…lo) relative to its largest term (the mode side near lo or θ).
            let peak = logPMF(min(lo, Int(theta)))
            var sum = 0.0
            for j in 0...lo { sum += exp(logPMF(j) - peak) }
            cdf = min(1, exp(peak) * sum)
        }
        for m in lo...hi {
            if m < 0 {
                out.append(0)
                continue
            }
            if m > lo { cdf = min(1, cdf + exp(logPMF(m))) }
            out.append(cdf)
        }
        return out
    }

    /// R `arlCusum(h, k, theta, "poisson", digits = 1)$ARL`: the zero-start ARL of the Markov
    /// chain on S ∈ {0, 1/N, …, (M)/N}, M = N·h − 1.
    public static func arl(hTenths: Int, kTenths: Int, theta: Double) -> Double {
        let n = commonDenominator(hTenths, kTenths)
        let bigK = kTenths * n / 10
        let m = hTenths * n / 10 - 1
        guard m >= 0 else { return .nan }
        // probs[i], i = 1 … 2M+2: P(X ≤ x_i), x_i = (−M−1+K + i−1)/N.
        var probs = [Double](repeating: 0, count: 2 * m + 3)
        func floorOf(_ i: Int) -> Int {
            let num = -m - 1 + bigK + i - 1
            return num >= 0 ? num / n : -((-num + n - 1) / n)
        }
        let lo = floorOf(1), hi = floorOf(2 * m + 2)
        let table = poissonCDFs(max(lo, -1), hi, theta)
        for i in 1...(2 * m + 2) {
            let fl = floorOf(i)
            probs[i] = fl < 0 ? 0 : table[fl - max(lo, -1)]
        }
        let size = m + 1
        // A = I − R (column-major for LAPACK).
        var a = Matrix(rows: size, columns: size)
        for from in 0..<size {
            for to in 0..<size {
                let p = to == 0 ? probs[m + 2 - from] : probs[m + 2 + to - from] - probs[m + 1 + to - from]
                a[from, to] = (from == to ? 1 : 0) - p
            }
        }
        guard let x = try? LUSolve.solve(a, [Double](repeating: 1, count: size)) else { return .nan }
        return x[0]
    }

    private static func sign(_ x: Double) -> Int { x > 0 ? 1 : (x < 0 ? -1 : 0) }

    /// R `findH(ARL0, theta0, s, rel.tol = 0.02, roundK = TRUE, "poisson", digits = 1)` with the
    /// given k (tenths): h in tenths.
    public static func findH(arl0: Double, theta0: Double, kTenths k: Int, relTol: Double = 0.02) -> Int {
        func arlAt(_ h: Int) -> Double { arl(hTenths: h, kTenths: k, theta: theta0) }
        var h1 = min(120, 4 * k)
        var arl1 = arlAt(h1)
        var guardCount = 0
        while arl1 < 100, guardCount < 40 {
            h1 *= 2
            arl1 = arlAt(h1)
            guardCount += 1
        }
        let sgn = sign(arl0 - arl1)
        let h2 = sgn > 0 ? 2 * h1 : (sgn < 0 ? h1 / 2 : h1)
        let arl2 = arlAt(h2)
        let x0 = Double(h1) / 10, x1 = Double(h2) / 10
        let interp = x0 + ((x1 - x0) * (log(arl0) - log(arl1))) / (log(arl2) - log(arl1))
        var hHat = tenths(interp)
        var arlHat = arlAt(hHat)
        if abs((arlHat - arl0) / arl0) < relTol { return hHat }
        let steps = 10 / commonDenominator(10, k)
        var signs = sign(arl0 - arlHat)
        var hLow = hHat + signs * steps
        var arlLow = arlAt(hLow)
        if abs((arlLow - arl0) / arl0) < relTol { return hLow }
        var loops = 0
        while sign(arl0 - arlHat) * sign(arl0 - arlLow) > 0, loops < 10_000 {
            hHat = hLow
            arlHat = arlLow
            signs = sign(arl0 - arlHat)
            hLow = hHat + signs * steps
            arlLow = arlAt(hLow)
            if abs((arlLow - arl0) / arl0) < relTol { return hLow }
            loops += 1
        }
        if sign(arl0 - arlLow) < 0 { hHat = hLow }
        return hHat
    }
}

/// The decision intervals one CUSUM detector has searched, by θ0 and k (thread-safe).
final class SearchedH: @unchecked Sendable {
    private struct Key: Hashable {
        let theta0: UInt64
        let k: Int
    }
    private let lock = NSLock()
    private var values: [Key: Int] = [:]

    func value(theta0: Double, k: Int, _ compute: () -> Int) -> Int {
        let key = Key(theta0: theta0.bitPattern, k: k)
        lock.lock()
        if let v = values[key] {
            lock.unlock()
            return v
        }
        lock.unlock()
        let v = compute()
        lock.lock()
        values[key] = v
        lock.unlock()
        return v
    }
}
