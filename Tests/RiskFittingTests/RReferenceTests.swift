import Foundation
import RiskFitting
import RiskLinearAlgebra
import RiskTestSupport
import Testing

/// Tolerances for agreement with R, from issue 10 ("coefficients, standard errors and vcov to
/// 1e-6 relative, log-likelihoods to 1e-8 relative, baseline cumulative hazard to 1e-6
/// relative"). Both sides run the same iterations in double precision, so the observed
/// differences are ~1e-10 or smaller; the bounds are the issue's acceptance bounds.
enum FitTolerance {
    static let coefficients = 1e-6
    static let loglik = 1e-8
    static let cumhaz = 1e-6
    /// Test statistics are smooth functions of the above: same bound as coefficients.
    static let statistic = 1e-6
}

/// The seeded cohort and R's numbers (Fixtures/coxph, produced by make_reference.R).
struct Reference {
    let rows: [[String: String]]
    let values: [String: [String: [[Double]]]]  // fit → quantity → [row][column] (1-based, 0 = none)

    static let shared: Reference = {
        let dir = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
            .appendingPathComponent("coxph")
        let rows = try! readFixtureCSV(dir.appendingPathComponent("cohort.csv"))
        var values: [String: [String: [[Double]]]] = [:]
        for r in try! readFixtureCSV(dir.appendingPathComponent("reference.csv")) {
            let i = Int(r["row"]!)!
            let j = Int(r["column"]!)!
            var m = values[r["fit"]!, default: [:]][r["quantity"]!, default: []]
            while m.count <= i { m.append([]) }
            while m[i].count <= j { m[i].append(.nan) }
            m[i][j] = Double(r["value"]!)!
            values[r["fit"]!, default: [:]][r["quantity"]!] = m
        }
        return Reference(rows: rows, values: values)
    }()

    func column(_ name: String) -> [Double] { rows.map { Double($0[name]!)! } }
    func scalar(_ fit: String, _ q: String) -> Double { values[fit]![q]![0][0] }
    func vector(_ fit: String, _ q: String) -> [Double] { values[fit]![q]!.dropFirst().map { $0[0] } }
    func matrix(_ fit: String, _ q: String) -> [[Double]] { values[fit]![q]!.dropFirst().map { Array($0.dropFirst()) } }

    static let formula = "age + male + log(chol) + age:male"

    func coxData(weights: Bool = false, strata: Bool = false) throws -> CoxData {
        let f = try TermFormula(parsing: Self.formula)
        let cols = ["age": column("age"), "male": column("male"), "chol": column("chol")]
        return CoxData(
            time: column("time"), event: column("event").map { $0 == 1 },
            covariates: try f.values(from: cols), terms: f.names,
            weights: weights ? column("w") : nil,
            strata: strata ? column("site").map { Int($0) } : nil)
    }
}

func expectClose(_ a: Double, _ b: Double, _ tol: Double, _ what: String) {
    #expect(isClose(a, b, relative: tol), "\(what): \(a) vs R \(b)")
}

/// vcov entries near zero are compared relative to √(VᵢᵢVⱼⱼ), the scale of their row and column.
func expectMatrixClose(_ m: Matrix, _ r: [[Double]], _ tol: Double, _ what: String) {
    for i in r.indices {
        for j in r[i].indices {
            let scale = max(abs(r[i][j]), (r[i][i] * r[j][j]).squareRoot())
            #expect(abs(m[i, j] - r[i][j]) <= tol * scale, "\(what)[\(i),\(j)]: \(m[i, j]) vs R \(r[i][j])")
        }
    }
}

@Suite struct CoxAgainstR {
    struct Case: Sendable, CustomStringConvertible {
        let fit: String
        let ties: CoxTies
        let weights: Bool
        let strata: Bool
        var description: String { fit }
    }

    static let cases = [
        Case(fit: "efron", ties: .efron, weights: false, strata: false),
        Case(fit: "breslow", ties: .breslow, weights: false, strata: false),
        Case(fit: "strata", ties: .efron, weights: false, strata: true),
        Case(fit: "weights", ties: .efron, weights: true, strata: false),
    ]

    @Test(arguments: cases) func matchesCoxph(_ c: Case) throws {
        let ref = Reference.shared
        let data = try ref.coxData(weights: c.weights, strata: c.strata)
        let fit = try CoxRegression.fit(data, control: CoxControl(ties: c.ties, robust: c.weights))
        for (k, b) in ref.vector(c.fit, "coef").enumerated() {
            expectClose(fit.coefficients[k], b, FitTolerance.coefficients, "coef \(fit.terms[k])")
        }
        for (k, s) in ref.vector(c.fit, "se").enumerated() {
            expectClose(fit.standardErrors[k], s, FitTolerance.coefficients, "se \(fit.terms[k])")
        }
        expectMatrixClose(fit.variance, ref.matrix(c.fit, "vcov"), FitTolerance.coefficients, "vcov")
        if c.weights {
            let robust = try #require(fit.robustVariance)
            expectMatrixClose(robust, ref.matrix(c.fit, "vcov_robust"), FitTolerance.coefficients, "robust vcov")
            for (k, s) in ref.vector(c.fit, "se_robust").enumerated() {
                expectClose(fit.robustStandardErrors![k], s, FitTolerance.coefficients, "robust se")
            }
        }
        expectClose(fit.loglikInitial, ref.scalar(c.fit, "loglik_initial"), FitTolerance.loglik, "loglik0")
        expectClose(fit.loglikFinal, ref.scalar(c.fit, "loglik_final"), FitTolerance.loglik, "loglik")
        #expect(Double(fit.iterations) == ref.scalar(c.fit, "iterations"))
        expectClose(fit.lrTest.statistic, ref.scalar(c.fit, "lr_test"), FitTolerance.statistic, "LR")
        expectClose(fit.waldTest.statistic, ref.scalar(c.fit, "wald_test"), FitTolerance.statistic, "Wald")
        expectClose(fit.scoreTest.statistic, ref.scalar(c.fit, "score_test"), FitTolerance.statistic, "score")
        // survfit(fit, newdata = 0, ctype = 1 | 2) at horizons 2, 5, 8, strata in order.
        let horizons: [Double] = [2, 5, 8]
        for (ties, q) in [(CoxTies.breslow, "cumhaz_breslow"), (.efron, "cumhaz_efron")] {
            let expected = ref.vector(c.fit, q)
            var k = 0
            for stratum in fit.baseline {
                for h in horizons {
                    expectClose(stratum.cumulativeHazard(at: h, ties: ties), expected[k], FitTolerance.cumhaz, "\(q) \(h)")
                    k += 1
                }
            }
            #expect(k == expected.count)
        }
    }
}

@Suite struct LogisticAgainstR {
    @Test func matchesGlmBinomial() throws {
        let ref = Reference.shared
        let f = try TermFormula(parsing: Reference.formula)
        let x = try f.values(from: ["age": ref.column("age"), "male": ref.column("male"), "chol": ref.column("chol")])
        let fit = try LogisticRegression.fit(outcome: ref.column("event"), covariates: x, terms: f.names)
        #expect(fit.names == ["(Intercept)", "age", "male", "log(chol)", "age:male"])
        for (k, b) in ref.vector("logistic", "coef").enumerated() {
            expectClose(fit.coefficients[k], b, FitTolerance.coefficients, "coef \(fit.names[k])")
        }
        for (k, s) in ref.vector("logistic", "se").enumerated() {
            expectClose(fit.standardErrors[k], s, FitTolerance.coefficients, "se \(fit.names[k])")
        }
        expectMatrixClose(fit.variance, ref.matrix("logistic", "vcov"), FitTolerance.coefficients, "vcov")
        expectClose(fit.deviance, ref.scalar("logistic", "deviance"), FitTolerance.loglik, "deviance")
        expectClose(fit.nullDeviance, ref.scalar("logistic", "null_deviance"), FitTolerance.loglik, "null deviance")
        expectClose(fit.aic, ref.scalar("logistic", "aic"), FitTolerance.loglik, "AIC")
        expectClose(fit.loglikFinal, ref.scalar("logistic", "loglik_final"), FitTolerance.loglik, "loglik")
        expectClose(fit.loglikInitial, ref.scalar("logistic", "loglik_initial"), FitTolerance.loglik, "loglik0")
        #expect(Double(fit.iterations) == ref.scalar("logistic", "iterations"))
        expectClose(fit.lrTest.statistic, ref.scalar("logistic", "lr_test"), FitTolerance.statistic, "LR")
        expectClose(fit.waldTest.statistic, ref.scalar("logistic", "wald_test"), FitTolerance.statistic, "Wald")
        expectClose(fit.scoreTest.statistic, ref.scalar("logistic", "score_test"), FitTolerance.statistic, "score")
    }

    /// `glm(…, weights = w)` and `sandwich::sandwich` (HC0) for the robust variance.
    @Test func matchesWeightedGlmAndSandwich() throws {
        let ref = Reference.shared
        let f = try TermFormula(parsing: Reference.formula)
        let x = try f.values(from: ["age": ref.column("age"), "male": ref.column("male"), "chol": ref.column("chol")])
        let fit = try LogisticRegression.fit(outcome: ref.column("event"), covariates: x, terms: f.names, weights: ref.column("w"))
        let c = "logistic_weights"
        for (k, b) in ref.vector(c, "coef").enumerated() {
            expectClose(fit.coefficients[k], b, FitTolerance.coefficients, "coef \(fit.names[k])")
        }
        for (k, s) in ref.vector(c, "se").enumerated() {
            expectClose(fit.standardErrors[k], s, FitTolerance.coefficients, "se \(fit.names[k])")
        }
        expectMatrixClose(fit.variance, ref.matrix(c, "vcov"), FitTolerance.coefficients, "vcov")
        let robust = try #require(fit.robustVariance)
        expectMatrixClose(robust, ref.matrix(c, "vcov_robust"), FitTolerance.coefficients, "robust vcov")
        for (k, s) in ref.vector(c, "se_robust").enumerated() {
            expectClose(fit.robustStandardErrors![k], s, FitTolerance.coefficients, "robust se")
        }
        expectClose(fit.deviance, ref.scalar(c, "deviance"), FitTolerance.loglik, "deviance")
        expectClose(fit.nullDeviance, ref.scalar(c, "null_deviance"), FitTolerance.loglik, "null deviance")
        #expect(Double(fit.iterations) == ref.scalar(c, "iterations"))
    }
}
