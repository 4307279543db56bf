// A seeded synthetic cohort with follow-up drawn from a stated Cox model, so that fitting can be
// checked against a known truth and benchmarks have data of any size. Not real people.
//
// The model (times in years):
//   covariates  age ~ U(40, 75) (1 decimal); male ~ Bernoulli(0.5);
//               sbp = 120 + 0.5·(age − 55) + 4·male + 15·N(0,1), clamped to 90–220, whole mmHg;
//               total_chol = exp(ln 5.2 + 0.18·N(0,1)) mmol/L (2 decimals);
//               hdl = exp(ln 1.25 − 0.1·male + 0.22·N(0,1)) mmol/L (2 decimals);
//               smoker ~ Bernoulli(0.40 if male else 0.05); diabetes ~ Bernoulli(0.08)
//   hazard      h(t | x) = h₀(t)·exp(lp), lp = Σ βⱼ·termⱼ (terms as `truthTerms`, uncentred,
//               computed on the rounded values written)
//   baseline    Weibull h₀(t) = (k/λ)(t/λ)^(k−1), H₀(t) = (t/λ)^k, shape k = 1.3,
//               scale λ from `weibullScale`: H₀ is the hazard at all-zero covariates, and the
//               10-year risk is 8 % at typical covariates (age 55, woman, sbp 125, …)
//   drop-out    exponential, rate 0.02 per year
//   admin.      administrative censoring at a uniform follow-up end in [5, 12] years
//   observed    time = min(T, drop-out, end) (4 decimals), event = 1 when T came first
// Columns: id, age, male, sbp, total_chol, hdl, smoker, diabetes, time, event.
import Foundation
import RiskCore

/// Writes the seeded synthetic cohort (see the file header for the model).
public struct SyntheticCohort {
    public static let columns = ["id", "age", "male", "sbp", "total_chol", "hdl", "smoker", "diabetes", "time", "event"]

    /// The true terms and log hazard ratios, in `--terms` syntax.
    public static let truth: [(term: String, coefficient: Double)] = [
        ("age", 0.065), ("male", 0.45), ("sbp", 0.016), ("log(total_chol)", 0.9),
        ("log(hdl)", -0.7), ("smoker", 0.6), ("diabetes", 0.55),
    ]
    /// The true terms joined as a formula.
    public static var truthTerms: String { truth.map(\.term).joined(separator: " + ") }
    /// Weibull shape k.
    public static let weibullShape = 1.3
    /// Weibull scale λ (years) of the baseline at all-zero covariates: ln λ = (Σ βⱼ·typicalⱼ − ln H)/k
    /// with H = −ln(0.92) the 10-year cumulative hazard at typical values (age 55, male 0, sbp
    /// 125, total_chol 5.2, hdl 1.25, non-smoker, no diabetes), i.e. 8 % 10-year risk there.
    public static let weibullScale: Double = {
        let typical = 0.065 * 55 + 0.016 * 125 + 0.9 * Foundation.log(5.2) - 0.7 * Foundation.log(1.25)
        let h10 = -Foundation.log(0.92)
        // H(10) = (10/λ)^k · exp(typical)  ⇒  λ = 10 / (h10 / exp(typical))^(1/k)
        return 10 / Foundation.pow(h10 / Foundation.exp(typical), 1 / weibullShape)
    }()
    /// Drop-out rate per year.
    public static let dropoutRate = 0.02
    /// Administrative end of follow-up: uniform in this range (years).
    public static let followUpEnd: ClosedRange<Double> = 5...12

    private var generator: SplitMix64
    private var spare: Double?

    public init(seed: UInt64) { generator = SplitMix64(seed: seed ^ 0xC0_40_27_5E_ED_C0_FF_EE) }

    private mutating func next() -> UInt64 { generator.next() }

    /// Uniform in (0, 1).
    private mutating func uniform() -> Double {
        var u = Double(next() >> 11) * 0x1p-53
        while u == 0 { u = Double(next() >> 11) * 0x1p-53 }
        return u
    }

    private mutating func normal() -> Double {
        if let s = spare { spare = nil; return s }
        let u = uniform()
        let v = uniform()
        let r = (-2 * Foundation.log(u)).squareRoot()
        spare = r * sin(2 * .pi * v)
        return r * cos(2 * .pi * v)
    }

    /// One CSV line (no newline) for data row `index` (1-based).
    public mutating func row(_ index: Int) -> String {
        let age = ((40 + 35 * uniform()) * 10).rounded() / 10
        let male = uniform() < 0.5 ? 1.0 : 0.0
        let sbp = min(max(120 + 0.5 * (age - 55) + 4 * male + 15 * normal(), 90), 220).rounded()
        let tc = (Foundation.exp(Foundation.log(5.2) + 0.18 * normal()) * 100).rounded() / 100
        let hdl = (Foundation.exp(Foundation.log(1.25) - 0.1 * male + 0.22 * normal()) * 100).rounded() / 100
        let smoker = uniform() < (male == 1 ? 0.40 : 0.05) ? 1.0 : 0.0
        let diabetes = uniform() < 0.08 ? 1.0 : 0.0
        let values = [age, male, sbp, Foundation.log(tc), Foundation.log(hdl), smoker, diabetes]
        var lp = 0.0
        for (v, t) in zip(values, Self.truth) { lp += v * t.coefficient }
        // Inverse of S(t) = exp(−(t/λ)^k · e^lp).
        let eventTime = Self.weibullScale * Foundation.pow(-Foundation.log(uniform()) / Foundation.exp(lp), 1 / Self.weibullShape)
        let dropout = -Foundation.log(uniform()) / Self.dropoutRate
        let end = Self.followUpEnd.lowerBound + (Self.followUpEnd.upperBound - Self.followUpEnd.lowerBound) * uniform()
        let observed = min(eventTime, dropout, end)
        let event = eventTime <= min(dropout, end)
        let time = max((observed * 10_000).rounded() / 10_000, 0.0001)
        // printf's "%.*f" digits, without Foundation's format parsing per cell.
        func f(_ x: Double, _ d: Int) -> String { NumberFormatting.fixedText(x, digits: d) }
        return [
            "C" + NumberFormatting.zeroPadded(index, width: 9), f(age, 1), male == 1 ? "1" : "0", String(Int(sbp)),
            f(tc, 2), f(hdl, 2), smoker == 1 ? "1" : "0", diabetes == 1 ? "1" : "0",
            f(time, 4), event ? "1" : "0",
        ].joined(separator: ",")
    }

    /// Writes `rows` rows with a header to `sink`, streaming in blocks.
    public static func write<Sink: ByteSink>(rows: Int, seed: UInt64, to sink: inout Sink) throws(BatchError) {
        var gen = SyntheticCohort(seed: seed)
        var block = columns.joined(separator: ",") + "\n"
        var i = 1
        while i <= rows {
            block += gen.row(i)
            block += "\n"
            if block.utf8.count > 1 << 20 {
                try sink.write(Array(block.utf8))
                block = ""
            }
            i += 1
        }
        try sink.write(Array(block.utf8))
    }
}
