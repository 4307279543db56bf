import Foundation
import RiskFitting
import RiskLinearAlgebra
import RiskTestSupport
import Testing

/// Chi-square p-values against R `pchisq(x, df, lower.tail = FALSE)` (printed with %.17g).
@Suite struct ChiSquareTests {
    struct Case: Sendable { let x: Double; let df: Double; let p: Double }
    /// Series and continued fraction each good to ~1e-14; 1e-12 leaves room for lgamma.
    static let tolerance = 1e-12

    @Test(arguments: [
        Case(x: 3.84, df: 1, p: 0.050043521248705224),
        Case(x: 10, df: 5, p: 0.075235246146512197),
        Case(x: 0.5, df: 2, p: 0.77880078307140488),
        Case(x: 250, df: 4, p: 6.5096899973757052e-53),
        Case(x: 42.7, df: 10, p: 5.6262623745454544e-06),
        Case(x: 1e-3, df: 3, p: 0.99999159208094202),
    ])
    func matchesPchisq(_ c: Case) {
        #expect(isClose(ChiSquare.upperTail(c.x, df: c.df), c.p, relative: Self.tolerance))
    }
}

@Suite struct TermFormulaTests {
    struct Case: Sendable, CustomStringConvertible {
        let text: String
        let names: [String]
        let factors: [[TermFactor]]
        var description: String { text }
    }

    @Test(arguments: [
        Case(text: "age", names: ["age"], factors: [[.column("age")]]),
        Case(
            text: "age + male + log(total_chol) + age:smoker",
            names: ["age", "male", "log(total_chol)", "age:smoker"],
            factors: [[.column("age")], [.column("male")], [.log("total_chol")], [.column("age"), .column("smoker")]]),
        Case(text: "  log(hdl):male ", names: ["log(hdl):male"], factors: [[.log("hdl"), .column("male")]]),
        Case(
            text: "hinge(sbp, 140) + hinge_below(egfr, 60):age",
            names: ["hinge(sbp, 140)", "hinge_below(egfr, 60):age"],
            factors: [[.hinge("sbp", knot: 140, below: false)], [.hinge("egfr", knot: 60, below: true), .column("age")]]),
        Case(
            text: "pow(age, 2) + pow(bmi, -0.5):male",
            names: ["pow(age, 2)", "pow(bmi, -0.5):male"],
            factors: [[.power("age", exponent: 2)], [.power("bmi", exponent: -0.5), .column("male")]]),
    ])
    func parses(_ c: Case) throws {
        let f = try TermFormula(parsing: c.text)
        #expect(f.names == c.names)
        #expect(f.terms.map(\.factors) == c.factors)
    }

    struct Bad: Sendable, CustomStringConvertible {
        let text: String
        let reason: FormulaProblem
        var description: String { text }
    }

    @Test(arguments: [
        Bad(text: "age + ", reason: .emptyTerm),
        Bad(text: "age ++ male", reason: .emptyTerm),
        Bad(text: "sqrt(age)", reason: .unknownFunction("sqrt")),
        Bad(text: "log(age", reason: .unbalancedParenthesis),
        Bad(text: "age + age", reason: .duplicateTerm("age")),
        Bad(text: "age:", reason: .emptyTerm),
        Bad(text: "hinge(sbp)", reason: .badArguments("hinge")),
        Bad(text: "hinge(sbp, high)", reason: .badArguments("hinge")),
        Bad(text: "pow(age)", reason: .badArguments("pow")),
        Bad(text: "pow(age, 0)", reason: .badArguments("pow")),
        Bad(text: "pow(age, two)", reason: .badArguments("pow")),
    ])
    func rejects(_ b: Bad) {
        #expect {
            _ = try TermFormula(parsing: b.text)
        } throws: { error in
            guard case .invalidFormula(_, let reason) = error as? FittingError else { return false }
            return reason == b.reason
        }
    }

    @Test func absentColumnNamesTheTerm() throws {
        let f = try TermFormula(parsing: "age + log(hdl):male")
        #expect(throws: FittingError.absentColumn(term: "log(hdl):male", column: "hdl")) {
            _ = try f.values(from: ["age": [50], "male": [1]])
        }
    }

    @Test func productAndLogValues() throws {
        let f = try TermFormula(parsing: "log(x):y + x")
        let v = try f.values(from: ["x": [1, 2.5, -1], "y": [3, 2, 1]])
        #expect(v[0][0] == 0)
        #expect(v[0][1] == Foundation.log(2.5) * 2)
        #expect(v[0][2].isNaN)
        #expect(v[1] == [1, 2.5, -1])
        let h = try TermFormula(parsing: "hinge(x, 1) + hinge_below(x, 1)").values(from: ["x": [0, 1, 3]])
        #expect(h[0] == [0, 0, 2])
        #expect(h[1] == [1, 0, 0])
        let p = try TermFormula(parsing: "pow(x, 2) + pow(x, -1) + pow(x, 0.5) + pow(x, 3)").values(from: ["x": [4, 0.5]])
        #expect(p[0] == [16, 0.25])
        #expect(p[1] == [0.25, 2])
        #expect(p[2] == [2, 0.5.squareRoot()])
        #expect(p[3] == [64, 0.125])
    }
}

/// A synthetic Cox cohort with known coefficients (seeded).
func syntheticCox(rows: Int, beta: [Double], seed: UInt64) -> CoxData {
    var rng = SplitMix(seed: seed)
    var x: [[Double]] = Array(repeating: [], count: beta.count)
    var time: [Double] = []
    var event: [Bool] = []
    for _ in 0..<rows {
        var lp = 0.0
        for j in beta.indices {
            let v = j == 1 ? (rng.nextDouble() < 0.5 ? 1.0 : 0.0) : rng.nextDouble() * 2 - 1
            x[j].append(v)
            lp += beta[j] * v
        }
        // Exponential event time with rate 0.1·exp(lp); uniform censoring on (0, 15).
        let t = -Foundation.log(1 - rng.nextDouble()) / (0.1 * Foundation.exp(lp))
        let c = 15 * (1 - rng.nextDouble())
        time.append((min(t, c) * 100).rounded(.up) / 100)
        event.append(t <= c)
    }
    return CoxData(time: time, event: event, covariates: x, terms: beta.indices.map { "x\($0)" })
}

@Suite struct CoxIdentities {
    @Test func recoversTheTruthWithinConfidenceIntervals() throws {
        let truth = [0.7, -0.5, 0.3]
        let fit = try CoxRegression.fit(syntheticCox(rows: 20_000, beta: truth, seed: 42))
        for j in truth.indices {
            // 99.9 % interval: a fixed seed, three coefficients; a miss would be a real bias.
            #expect(abs(fit.coefficients[j] - truth[j]) < 3.29 * fit.standardErrors[j], "x\(j)")
        }
        #expect(fit.lrTest.p < 1e-10)
    }

    @Test(arguments: [CoxTies.efron, .breslow])
    func invariantToRowOrder(_ ties: CoxTies) throws {
        let data = syntheticCox(rows: 500, beta: [0.5, 0.2], seed: 9)
        var rng = SplitMix(seed: 3)
        let perm = Array(0..<500).shuffled(using: &rng)
        let shuffled = CoxData(
            time: perm.map { data.time[$0] }, event: perm.map { data.event[$0] },
            covariates: data.covariates.map { c in perm.map { c[$0] } }, terms: data.terms)
        let a = try CoxRegression.fit(data, control: CoxControl(ties: ties))
        let b = try CoxRegression.fit(shuffled, control: CoxControl(ties: ties))
        // Only the summation order differs: a few ulps per sum.
        for j in 0..<2 {
            #expect(isClose(a.coefficients[j], b.coefficients[j], relative: 1e-10))
            #expect(isClose(a.standardErrors[j], b.standardErrors[j], relative: 1e-10))
        }
        #expect(isClose(a.loglikFinal, b.loglikFinal, relative: 1e-12))
    }

    /// Without tied event times Efron's increments are Breslow's (d = 1 at every time), and the
    /// two partial likelihoods coincide.
    @Test func efronEqualsBreslowWithoutTies() throws {
        var data = syntheticCox(rows: 400, beta: [0.5, -0.3], seed: 15)
        data.time = data.time.enumerated().map { $1 + Double($0) * 1e-7 }  // break every tie
        let e = try CoxRegression.fit(data, control: CoxControl(ties: .efron))
        let b = try CoxRegression.fit(data, control: CoxControl(ties: .breslow))
        #expect(e.coefficients == b.coefficients)
        for h in [1.0, 5, 10] {
            #expect(e.baseline[0].cumulativeHazard(at: h, ties: .efron) == e.baseline[0].cumulativeHazard(at: h, ties: .breslow))
        }
    }

    @Test func unitWeightsEqualNoWeights() throws {
        var data = syntheticCox(rows: 300, beta: [0.4, 0.1], seed: 5)
        let plain = try CoxRegression.fit(data)
        data.weights = [Double](repeating: 1, count: 300)
        let weighted = try CoxRegression.fit(data)
        #expect(plain.coefficients == weighted.coefficients)
    }

    @Test func aliasedTermIsNamed() throws {
        var data = syntheticCox(rows: 300, beta: [0.4, 0.1], seed: 5)
        data.covariates.append(zip(data.covariates[0], data.covariates[1]).map { 2 * $0 - $1 })
        data.terms.append("combo")
        #expect(throws: FittingError.collinear(term: "combo")) { _ = try CoxRegression.fit(data) }
    }

    @Test func constantTermIsAliased() throws {
        var data = syntheticCox(rows: 100, beta: [0.4], seed: 5)
        data.covariates.append([Double](repeating: 3, count: 100))
        data.terms.append("const")
        #expect(throws: FittingError.collinear(term: "const")) { _ = try CoxRegression.fit(data) }
    }

    @Test func monotoneLikelihoodIsSeparation() throws {
        // Every event has flag = 1 and every censoring flag = 0, events before censorings:
        // the likelihood rises without bound in the flag's coefficient.
        var rng = SplitMix(seed: 8)
        let n = 200
        let flag = (0..<n).map { $0 % 2 == 0 ? 1.0 : 0.0 }
        let other = (0..<n).map { _ in rng.nextDouble() }
        let time = (0..<n).map { flag[$0] == 1 ? 1 + Double($0) / 1000 : 5 + Double($0) / 1000 }
        let data = CoxData(time: time, event: flag.map { $0 == 1 }, covariates: [other, flag], terms: ["other", "flag"])
        #expect(throws: FittingError.separation(term: "flag")) { _ = try CoxRegression.fit(data) }
    }

    @Test func iterationLimitIsNonConvergence() throws {
        let data = syntheticCox(rows: 400, beta: [0.8, -0.5], seed: 12)
        var control = CoxControl()
        control.maxIterations = 1
        #expect {
            _ = try CoxRegression.fit(data, control: control)
        } throws: { error in
            guard case .notConverged(1, _) = error as? FittingError else { return false }
            return true
        }
    }

    @Test func noEventsIsAnError() {
        let data = CoxData(time: [1, 2, 3], event: [false, false, false], covariates: [[1, 2, 3]], terms: ["x"])
        #expect(throws: FittingError.noEvents) { _ = try CoxRegression.fit(data) }
    }
}

@Suite struct LogisticIdentities {
    @Test func recoversTheTruth() throws {
        var rng = SplitMix(seed: 77)
        let truth = [-1.0, 0.8, -0.6]
        var x: [[Double]] = [[], []]
        var y: [Double] = []
        for _ in 0..<20_000 {
            let a = rng.nextDouble() * 2 - 1
            let b = rng.nextDouble() < 0.4 ? 1.0 : 0.0
            x[0].append(a)
            x[1].append(b)
            let p = 1 / (1 + Foundation.exp(-(truth[0] + truth[1] * a + truth[2] * b)))
            y.append(rng.nextDouble() < p ? 1 : 0)
        }
        let fit = try LogisticRegression.fit(outcome: y, covariates: x, terms: ["a", "b"])
        for j in truth.indices {
            #expect(abs(fit.coefficients[j] - truth[j]) < 3.29 * fit.standardErrors[j])
        }
    }

    @Test func completeSeparationIsNamed() throws {
        let x = (0..<100).map { Double($0) }
        let noise = (0..<100).map { Double(($0 * 37) % 11) }
        let y = x.map { $0 >= 50 ? 1.0 : 0.0 }
        #expect(throws: FittingError.separation(term: "x")) {
            _ = try LogisticRegression.fit(outcome: y, covariates: [noise, x], terms: ["noise", "x"])
        }
    }

    @Test func quasiCompleteSeparationIsNamed() throws {
        // flag = 1 always has y = 1; flag = 0 has both outcomes.
        var rng = SplitMix(seed: 4)
        var flag: [Double] = []
        var other: [Double] = []
        var y: [Double] = []
        for i in 0..<300 {
            let f = i % 3 == 0 ? 1.0 : 0.0
            let o = rng.nextDouble()
            flag.append(f)
            other.append(o)
            y.append(f == 1 ? 1 : (rng.nextDouble() < 0.4 ? 1 : 0))
        }
        #expect(throws: FittingError.separation(term: "flag")) {
            _ = try LogisticRegression.fit(outcome: y, covariates: [other, flag], terms: ["other", "flag"])
        }
    }

    @Test func aliasedTermIsNamed() throws {
        let a = (0..<50).map { Double($0 % 7) }
        let b = (0..<50).map { Double($0 % 5) }
        let y = (0..<50).map { Double(($0 * 13) % 2) }
        #expect(throws: FittingError.collinear(term: "a+b")) {
            _ = try LogisticRegression.fit(outcome: y, covariates: [a, b, zip(a, b).map { $0 + $1 }], terms: ["a", "b", "a+b"])
        }
    }
}
