// Distribution functions the detectors need, in pure Swift:
//
// - Standard normal quantile: Wichura (1988), "Algorithm AS 241: The percentage points of the
//   normal distribution", Appl Stat 37:477–484 (PPND16, relative accuracy about 1e-16) — the
//   algorithm R's `qnorm` uses.
// - Student t distribution function through the regularised incomplete beta function
//   I_x(a, b), evaluated by its continued fraction with the modified Lentz method (Press et al.,
//   Numerical Recipes, 3rd ed., §6.4), relative accuracy about 1e-14; used only to compare the
//   Farrington trend p-value with 0.05.
// - Poisson and negative binomial quantiles as R's `qpois`/`qnbinom` define them: the smallest
//   integer y with F(y) ≥ p·(1 − 64ε) (R's fuzz for left continuity). F is obtained by summing
//   the probability mass function outward from the mode with the ratio recursion
//   f(y+1)/f(y) = (y + r)(1 − π)/(y + 1) (negative binomial with size r, probability π) or
//   λ/(y + 1) (Poisson), stopping where terms fall below 1e-17 of the running total, and
//   normalising by the total; F is then accurate to about 1e-14 absolute, so the quantile can
//   differ from R's only if F(y) lies within 1e-13 of p.
import Foundation

/// Standard normal distribution.
public enum NormalDistribution {
    /// Φ⁻¹(p) by AS 241 (PPND16).
    public static func quantile(_ p: Double) -> Double {
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            return q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r
                + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608)
                / (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r
                    + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                    + 42.313330701600911252) * r + 1.0)
        }
        var r = q < 0 ? p : 1 - p
        r = (-log(r)).squareRoot()
        var value: Double
        if r <= 5 {
            r -= 1.6
            value = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)
                / (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                    + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                    + 2.05319162663775882187) * r + 1.0)
        } else {
            r -= 5
            value = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)
                / (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                    + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                    + 0.59983220655588793769) * r + 1.0)
        }
        return q < 0 ? -value : value
    }
}

/// Student t and the regularised incomplete beta function.
public enum StudentT {
    /// P(T ≤ t) for T with `df` degrees of freedom.
    public static func cdf(_ t: Double, df: Double) -> Double {
        if t.isNaN || df.isNaN { return .nan }
        if t.isInfinite { return t > 0 ? 1 : 0 }
        let x = df / (df + t * t)
        let tail = 0.5 * regularizedIncompleteBeta(x, a: df / 2, b: 0.5)
        return t > 0 ? 1 - tail : tail
    }

    /// I_x(a, b), a, b > 0, 0 ≤ x ≤ 1.
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        let front = exp(lnFront)
        if x < (a + 1) / (a + b + 2) {
            return front * continuedFraction(x, a: a, b: b) / a
        }
        return 1 - front * continuedFraction(1 - x, a: b, b: a) / b
    }

    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let eps = 1e-16
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let del = d * c
            h *= del
            if abs(del - 1) < eps { break }
        }
        return h
    }
}

/// Discrete count distributions: quantiles and tail probabilities as R defines them.
public enum CountDistribution {
    /// A count distribution given by its mean, its mode and the ratio f(y+1)/f(y).
    private struct Ratio {
        let mode: Int
        let next: (Int) -> Double  // f(y+1)/f(y)
    }

    /// The normalised probabilities on the range where they matter: (first support point, pmf).
    private static func masses(_ d: Ratio) -> (Int, [Double]) {
        // Downward from the mode.
        var down: [Double] = []
        var f = 1.0
        var total = 1.0
        var y = d.mode
        while y > 0 {
            f /= d.next(y - 1)
            if !(f.isFinite) || f < 1e-17 * total { break }
            down.append(f)
            total += f
            y -= 1
        }
        let first = d.mode - down.count
        var up: [Double] = []
        f = 1.0
        y = d.mode
        while true {
            f *= d.next(y)
            if !(f.isFinite) || f < 1e-17 * total { break }
            up.append(f)
            total += f
            y += 1
        }
        var pmf = Array(down.reversed())
        pmf.append(1.0)
        pmf.append(contentsOf: up)
        for i in pmf.indices { pmf[i] /= total }
        return (first, pmf)
    }

    private static func quantile(_ p: Double, _ d: Ratio) -> Double {
        let target = p * (1 - 64 * Double.ulpOfOne)
        let (first, pmf) = masses(d)
        var cdf = 0.0
        for (i, f) in pmf.enumerated() {
            cdf += f
            if cdf >= target { return Double(first + i) }
        }
        return Double(first + pmf.count - 1)
    }

    private static func poisson(_ lambda: Double) -> Ratio {
        Ratio(mode: Int(lambda.rounded(.down))) { y in lambda / Double(y + 1) }
    }

    private static func negativeBinomial(size r: Double, prob pi: Double) -> Ratio {
        let q = 1 - pi
        // Mode of NB(r, π): floor((r − 1)(1 − π)/π) when r > 1, else 0.
        let mode = r > 1 ? Int(((r - 1) * q / pi).rounded(.down)) : 0
        return Ratio(mode: mode) { y in (Double(y) + r) * q / Double(y + 1) }
    }

    /// R `qpois(p, lambda)`.
    public static func poissonQuantile(_ p: Double, mean lambda: Double) -> Double {
        if lambda == 0 { return 0 }
        return quantile(p, poisson(lambda))
    }

    /// R `qnbinom(p, size, prob)`: failures before the `size`-th success with success
    /// probability `prob`; mean size·(1 − prob)/prob.
    public static func negativeBinomialQuantile(_ p: Double, size: Double, prob: Double) -> Double {
        if prob == 1 { return 0 }
        return quantile(p, negativeBinomial(size: size, prob: prob))
    }
}
