import RiskCore
import RiskLinearAlgebra

// The `--summary FIT.json` document (issue 10, keys are the contract): `n`, `events`, `terms`,
// `coefficients`, `se` (and `se_robust` when computed) keyed by term, `vcov` in `terms` order,
// `loglik_initial`, `loglik_final`, `iterations`, `converged`, `lr_test`, `wald_test`,
// `score_test` ({statistic, df, p}); Cox adds `baseline_cumhaz` ({"breslow": {"5": …},
// "efron": {…}}; with strata one such object per stratum label inside each method), logistic
// adds `deviance`, `null_deviance`, `aic`. Numbers are written in Swift's shortest round-trip
// form (parsing them back gives the same doubles); non-finite values as null.

/// Renders fit results as the summary JSON document.
public enum FitSummary {
    /// Cox summary. `horizons` in the time unit of the data; `strataLabels` names the strata in
    /// ascending code order (nil when unstratified).
    public static func json(_ fit: CoxFit, horizons: [Double], strataLabels: [String]? = nil) -> String {
        var w = JSONWriter()
        w.open()
        common(&w, n: fit.n, events: fit.events, names: fit.terms, coefficients: fit.coefficients,
               se: fit.standardErrors, seRobust: fit.robustStandardErrors, vcov: fit.variance,
               loglik: (fit.loglikInitial, fit.loglikFinal), iterations: fit.iterations,
               tests: (fit.lrTest, fit.waldTest, fit.scoreTest))
        w.key("baseline_cumhaz")
        w.open()
        for ties in [CoxTies.breslow, .efron] {
            w.key(ties.rawValue)
            w.open()
            func horizonsObject(_ b: BaselineHazard) {
                w.open()
                for h in horizons {
                    w.key(horizonKey(h))
                    w.number(b.cumulativeHazard(at: h, ties: ties))
                }
                w.close()
            }
            if let labels = strataLabels {
                for (b, label) in zip(fit.baseline, labels) {
                    w.key(label)
                    horizonsObject(b)
                }
            } else if let b = fit.baseline.first {
                for h in horizons {
                    w.key(horizonKey(h))
                    w.number(b.cumulativeHazard(at: h, ties: ties))
                }
            }
            w.close()
        }
        w.close()
        w.close()
        return w.text + "\n"
    }

    /// Logistic summary (`terms` starts with `(Intercept)`).
    public static func json(_ fit: LogisticFit) -> String {
        var w = JSONWriter()
        w.open()
        common(&w, n: fit.n, events: fit.events, names: fit.names, coefficients: fit.coefficients,
               se: fit.standardErrors, seRobust: fit.robustStandardErrors, vcov: fit.variance,
               loglik: (fit.loglikInitial, fit.loglikFinal), iterations: fit.iterations,
               tests: (fit.lrTest, fit.waldTest, fit.scoreTest))
        w.key("deviance")
        w.number(fit.deviance)
        w.key("null_deviance")
        w.number(fit.nullDeviance)
        w.key("aic")
        w.number(fit.aic)
        w.close()
        return w.text + "\n"
    }

    private static func common(
        _ w: inout JSONWriter, n: Int, events: Int, names: [String], coefficients: [Double], se: [Double],
        seRobust: [Double]?, vcov: Matrix, loglik: (Double, Double), iterations: Int,
        tests: (ChiSquareTest, ChiSquareTest, ChiSquareTest)
    ) {
        w.key("n")
        w.raw(String(n))
        w.key("events")
        w.raw(String(events))
        w.key("terms")
        w.openArray()
        for t in names { w.string(t) }
        w.closeArray()
        func byTerm(_ key: String, _ v: [Double]) {
            w.key(key)
            w.open()
            for (t, x) in zip(names, v) {
                w.key(t)
                w.number(x)
            }
            w.close()
        }
        byTerm("coefficients", coefficients)
        byTerm("se", se)
        if let seRobust { byTerm("se_robust", seRobust) }
        w.key("vcov")
        w.openArray()
        for i in 0..<vcov.rows {
            w.openArray()
            for j in 0..<vcov.columns { w.number(vcov[i, j]) }
            w.closeArray()
        }
        w.closeArray()
        w.key("loglik_initial")
        w.number(loglik.0)
        w.key("loglik_final")
        w.number(loglik.1)
        w.key("iterations")
        w.raw(String(iterations))
        w.key("converged")
        w.raw("true")
        for (key, t) in [("lr_test", tests.0), ("wald_test", tests.1), ("score_test", tests.2)] {
            w.key(key)
            w.open()
            w.key("statistic")
            w.number(t.statistic)
            w.key("df")
            w.raw(String(t.df))
            w.key("p")
            w.number(t.p)
            w.close()
        }
    }

    /// A horizon as an object key: `5` for 5.0, `2.5` for 2.5.
    public static func horizonKey(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}

/// A minimal JSON writer: objects, arrays, strings, numbers; commas handled by nesting level.
struct JSONWriter {
    private(set) var text = ""
    private var needsComma: [Bool] = [false]
    private var afterKey = false

    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        if needsComma[needsComma.count - 1] { text += ", " }
        needsComma[needsComma.count - 1] = true
    }

    mutating func open() { separate(); text += "{"; needsComma.append(false) }
    mutating func close() { needsComma.removeLast(); text += "}" }
    mutating func openArray() { separate(); text += "["; needsComma.append(false) }
    mutating func closeArray() { needsComma.removeLast(); text += "]" }
    mutating func key(_ k: String) { separate(); text += Self.quoted(k) + ": "; afterKey = true }
    mutating func string(_ s: String) { separate(); text += Self.quoted(s) }
    mutating func raw(_ s: String) { separate(); text += s }
    mutating func number(_ x: Double) { raw(x.isFinite ? String(x) : "null") }

    static func quoted(_ s: String) -> String { JSONText.quoted(s) }
}
