import Foundation
import RiskBatch
import RiskCore
import RiskModels
import RiskRecalibration
import RiskTestSupport
import RiskValidation
import Testing

/// Tolerances of the logit-scale suite.
enum LogitTolerance {
    /// Against R glm (IRLS to epsilon 1e-15) and uniroot (tol 1e-15): both sides converge far below
    /// this; the difference is summation order over 400 terms.
    static let reference = 1e-9
    /// baseline and large coincide without censoring before the horizon: two root finders (Newton
    /// to 1e-12, bisection to 1e-12) of the same equation.
    static let sameEquation = 1e-9
}

/// A seeded cohort with the inputs of the PREVENT base model, follow-up drawn from prevent2023_base's
/// own 10-year total-CVD risk p miscalibrated as expit(a + b·logit p) (exponential event times with
/// that 10-year cumulative hazard; censoring uniform on `censoring`).
struct PreventFixture {
    static let header = ["age", "sex", "sbp", "bp_treated", "total_chol", "hdl", "statin", "diabetes", "smoker", "egfr", "bmi"]
    static let column = "prevent2023_base_cvd_10y"

    static func covariates(rows: Int, seed: UInt64) -> [[String]] {
        var rng = SplitMix(seed: seed)
        func u() -> Double { rng.nextDouble() }
        func normal() -> Double { (-2 * Foundation.log(max(u(), 1e-300))).squareRoot() * cos(2 * .pi * u()) }
        return (0..<rows).map { _ in
            let age = 35 + (44 * u() * 10).rounded() / 10
            let sex = u() < 0.5 ? "male" : "female"
            let sbp = min(max(130 + 18 * normal(), 95), 195).rounded()
            let tc = min(max(5.2 + 0.9 * normal(), 3.5), 8.2)
            let hdl = min(max(1.3 + 0.3 * normal(), 0.6), 2.5)
            let egfr = min(max(88 + 18 * normal(), 20), 135).rounded()
            let bmi = min(max(26 + 4 * normal(), 18.6), 39.8)
            return [String(format: "%.1f", age), sex, String(Int(sbp)), u() < 0.25 ? "1" : "0", String(format: "%.2f", tc),
                    String(format: "%.2f", hdl), u() < 0.15 ? "1" : "0", u() < 0.1 ? "1" : "0", u() < 0.2 ? "1" : "0",
                    String(Int(egfr)), String(format: "%.1f", bmi)]
        }
    }

    /// The parent's 10-year risk (fraction) of each covariate row.
    static func parentRisk(_ cohort: CohortColumns) throws -> [Double] {
        try cohort.scored(with: Fixture.library.model("prevent2023_base"), derivations: Fixture.library.derivations, flags: Fixture.flags)
            .map { $0! / 100 }
    }

    static func cohort(rows: Int, seed: UInt64, a: Double, b: Double, censoring: ClosedRange<Double> = 6...14) throws -> CohortColumns {
        let x = covariates(rows: rows, seed: seed)
        let plain = try CohortColumns(text: ([header] + x).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n")
        let p = try parentRisk(plain)
        var rng = SplitMix(seed: seed ^ 0x10_617)
        var lines = [(header + ["time", "event"]).joined(separator: ",")]
        for i in x.indices {
            let truth = LogitUpdate.expit(a + b * LogitUpdate.logit(p[i]))
            let t = 10 * -Foundation.log(max(rng.nextDouble(), 1e-300)) / -Foundation.log1p(-truth)
            let end = censoring.lowerBound + (censoring.upperBound - censoring.lowerBound) * rng.nextDouble()
            lines.append((x[i] + [String(format: "%.4f", max(min(t, end), 0.0001)), t <= end ? "1" : "0"]).joined(separator: ","))
        }
        return try CohortColumns(text: lines.joined(separator: "\n") + "\n")
    }

    static func sample(_ cohort: CohortColumns, risk: [Double]) throws -> SurvivalSample {
        try SurvivalSample(time: cohort.numbers("time"), event: cohort.events("event"), risk: risk)
    }
}

@Suite struct LogisticRecalibrationTests {
    @Test func largeMakesOEOneForPrevent() throws {
        let cohort = try PreventFixture.cohort(rows: 1500, seed: 31, a: 0.5, b: 1)
        let model = try Fixture.library.model("prevent2023_base")
        let result = try RecalibrationRun.run(model: model, cohort: cohort, request: Fixture.request(.large), context: Fixture.context())
        #expect(result.scale == .logit)
        #expect(result.b == 1)
        #expect(result.excluded == 0)
        #expect(abs(result.expectedAfter / result.observedRisk - 1) <= RecalTolerance.oe)
        // The written file loads beside the library (its worked examples are checked at load) and scores O/E = 1.
        let rescored = try Fixture.rescore(result, cohort: cohort)
        #expect(abs(try Fixture.oe(rescored, cohort: cohort) - 1) <= RecalTolerance.oe)
        #expect(result.definition.id == "prevent2023_base_recal")
        #expect(result.definition.version.hasPrefix(model.definition.version + " recalibrated large "))
        let note = result.definition.notes!.last!
        #expect(note.contains("recalibrated from prevent2023_base"))
        #expect(note.contains(result.cohortSHA256))
        #expect(note.contains("on the logit scale"))
        #expect(!result.definition.examples.isEmpty)
        // Explicit output columns are renamed after the new id (no clash with the parent's columns).
        #expect(result.definition.outcomes.map(\.column) == model.definition.outcomes.map { $0.column!.replacingOccurrences(
            of: "prevent2023_base_", with: "prevent2023_base_recal_") })
        // Both sexes' cvd10 equations shifted; every other equation copied.
        for (old, new) in zip(model.definition.strata, result.definition.strata) {
            for (outcome, e) in old.equations {
                let f = new.equations[outcome]!
                if outcome == "cvd10" {
                    #expect(isClose(f.intercept!, result.a + e.intercept!, relative: RecalTolerance.exact))
                    #expect(f.coefficients == e.coefficients)
                } else {
                    #expect(f == e)
                }
            }
        }
    }

    @Test func slopeRecoversAKnownMiscalibrationAndRescoringReproducesIt() throws {
        let (trueA, trueB) = (-0.3, 0.75)
        let cohort = try PreventFixture.cohort(rows: 6000, seed: 32, a: trueA, b: trueB)
        let model = try Fixture.library.model("prevent2023_base")
        let result = try RecalibrationRun.run(model: model, cohort: cohort, request: Fixture.request(.slope), context: Fixture.context())
        let parent = try PreventFixture.parentRisk(cohort)
        let fit = try LogitUpdate.slope(try PreventFixture.sample(cohort, risk: parent), horizon: 10)
        #expect(result.b == fit.beta)
        #expect(abs(fit.beta - trueB) <= 4 * fit.seBeta)
        #expect(abs(fit.alpha - trueA) <= 4 * fit.seAlpha)
        #expect(abs(result.a - trueA) <= 4 * fit.seAlpha)
        #expect(abs(result.expectedAfter / result.observedRisk - 1) <= RecalTolerance.oe)
        let after = try Fixture.rescore(result, cohort: cohort)
        #expect(abs(try Fixture.oe(after, cohort: cohort) - 1) <= RecalTolerance.oe)
        for i in parent.indices {
            let expected = LogitUpdate.expit(result.a + result.b * LogitUpdate.logit(parent[i]))
            #expect(abs(after[i]! - expected) <= RecalTolerance.pipeline)
        }
        // Every equation of the outcome written: intercept a + b·b₀, coefficients b·β, in both strata.
        for (old, new) in zip(model.definition.strata, result.definition.strata) {
            let e = old.equations["cvd10"]!, f = new.equations["cvd10"]!
            #expect(isClose(f.intercept!, result.a + result.b * e.intercept!, relative: RecalTolerance.exact))
            for (k, v) in e.coefficients { #expect(isClose(f.coefficients[k]!, result.b * v, relative: RecalTolerance.exact)) }
        }
    }

    @Test func baselineReestimatesTheInterceptByWeightedLikelihood() throws {
        let cohort = try PreventFixture.cohort(rows: 1500, seed: 33, a: 0.4, b: 1)
        let model = try Fixture.library.model("prevent2023_base")
        let result = try RecalibrationRun.run(model: model, cohort: cohort, request: Fixture.request(.baseline), context: Fixture.context())
        let parent = try PreventFixture.parentRisk(cohort)
        let fit = try LogitUpdate.intercept(try PreventFixture.sample(cohort, risk: parent), horizon: 10)
        #expect(result.a == fit.alpha)
        #expect(result.b == 1)
        let after = try Fixture.rescore(result, cohort: cohort)
        for i in parent.indices {
            #expect(abs(after[i]! - LogitUpdate.expit(fit.alpha + LogitUpdate.logit(parent[i]))) <= RecalTolerance.pipeline)
        }
    }

    @Test func baselineEqualsLargeWithoutCensoringBeforeTheHorizon() throws {
        // All censoring after 10 years: weights are 1, the ML intercept makes the mean risk equal the
        // proportion of events by 10 years, which is the KM risk.
        let cohort = try PreventFixture.cohort(rows: 800, seed: 34, a: -0.4, b: 1, censoring: 10.5...14)
        let model = try Fixture.library.model("prevent2023_base")
        let large = try RecalibrationRun.run(model: model, cohort: cohort, request: Fixture.request(.large), context: Fixture.context())
        let baseline = try RecalibrationRun.run(model: model, cohort: cohort, request: Fixture.request(.baseline), context: Fixture.context())
        #expect(isClose(baseline.a, large.a, absolute: LogitTolerance.sameEquation))
    }

    @Test func otherPreventVariantsAndHorizonsAreRecalibrated() throws {
        // The 30-year outcome is empty above age 59: those rows are not scorable and not used.
        // Follow-up to 28–40 years (the 10-year risk drives the event times; the mechanics are tested).
        let cohort = try PreventFixture.cohort(rows: 600, seed: 35, a: 0.2, b: 1, censoring: 28...40)
        var request = Fixture.request(.large)
        request.horizon = 30
        request.column = "prevent2023_base_cvd_30y"
        let short = try PreventFixture.cohort(rows: 100, seed: 36, a: 0.2, b: 1)
        #expect(throws: RecalibrationError.followUpEndsBeforeHorizon(horizon: 30)) {
            try RecalibrationRun.run(
                model: try Fixture.library.model("prevent2023_base"), cohort: short, request: request, context: Fixture.context())
        }
        let result = try RecalibrationRun.run(
            model: try Fixture.library.model("prevent2023_base"), cohort: cohort, request: request, context: Fixture.context())
        #expect(result.excluded > 0)
        for (old, new) in zip(try Fixture.library.model("prevent2023_base").definition.strata, result.definition.strata) {
            #expect(isClose(new.equations["cvd30"]!.intercept!, result.a + old.equations["cvd30"]!.intercept!, relative: RecalTolerance.exact))
            #expect(new.equations["cvd10"] == old.equations["cvd10"])
        }
    }
}

/// The logit-scale fits against R (Fixtures/logit, see its README).
@Suite struct LogitReferenceTests {
    static func fixture() throws -> (SurvivalSample, [String: Double]) {
        let dir = try #require(Bundle.module.url(forResource: "Fixtures/logit", withExtension: nil))
        let rows = try readFixtureCSV(dir.appendingPathComponent("cohort.csv"))
        let sample = try SurvivalSample(
            time: rows.map { Double($0["time"]!)! }, event: rows.map { $0["event"]! == "1" }, risk: rows.map { Double($0["p"]!)! })
        var ref: [String: Double] = [:]
        for row in try readFixtureCSV(dir.appendingPathComponent("reference.csv")) { ref[row["name"]!] = Double(row["value"]!)! }
        return (sample, ref)
    }

    @Test func weightsAndObservedRiskMatchR() throws {
        let (sample, ref) = try Self.fixture()
        #expect(Double(sample.count) == ref["n"])
        let (y, w) = try LogitUpdate.horizonStatus(sample, horizon: 10)
        #expect(Double(y.filter { $0 == 1 }.count) == ref["cases"])
        #expect(Double(sample.time.filter { $0 > 10 }.count) == ref["controls"])
        #expect(isClose(w.reduce(0, +), ref["weight_sum"]!, relative: LogitTolerance.reference))
        #expect(isClose(Calibration.observedRisk(sample, horizon: 10), ref["km_observed_risk"]!, relative: LogitTolerance.reference))
    }

    @Test func slopeInterceptAndLargeMatchR() throws {
        let (sample, ref) = try Self.fixture()
        let fit = try LogitUpdate.slope(sample, horizon: 10)
        #expect(isClose(fit.alpha, ref["slope_alpha"]!, relative: LogitTolerance.reference))
        #expect(isClose(fit.beta, ref["slope_beta"]!, relative: LogitTolerance.reference))
        #expect(isClose(try LogitUpdate.intercept(sample, horizon: 10).alpha, ref["intercept_offset"]!, relative: LogitTolerance.reference))
        let observed = Calibration.observedRisk(sample, horizon: 10)
        let large = try RecalibrationRun.solveLarge(risks: sample.risk, b: 1, observed: observed, scale: .logit)
        #expect(isClose(large, ref["large_a"]!, absolute: LogitTolerance.reference))
        let slopeA = try RecalibrationRun.solveLarge(risks: sample.risk, b: fit.beta, observed: observed, scale: .logit)
        #expect(isClose(slopeA, ref["slope_a"]!, absolute: LogitTolerance.reference))
    }
}

@Suite struct LogitFitFailureTests {
    @Test func separatedEventsAreATypedError() throws {
        // Every event by the horizon has a higher prediction than every control: the slope diverges.
        let risk = [0.02, 0.03, 0.04, 0.05, 0.3, 0.4, 0.5, 0.6]
        let sample = try SurvivalSample(
            time: [12, 12, 12, 12, 2, 3, 4, 5], event: [false, false, false, false, true, true, true, true], risk: risk)
        let error = #expect(throws: RecalibrationError.self) { try LogitUpdate.slope(sample, horizon: 10) }
        guard case .logitFitFailed? = error else { Issue.record("unexpected \(String(describing: error))"); return }
    }
}

@Suite struct LogisticApplyTests {
    @Test func logisticEquationsGetInterceptShiftAndScaledCoefficients() throws {
        let d = try Fixture.library.model("prevent2023_full").definition
        let (a, b) = (0.25, 0.8)
        let new = RecalibrationRun.apply(a: a, b: b, to: d, outcomes: ["hf10"], region: nil)
        #expect(d.strata.count == 2)
        for (old, s) in zip(d.strata, new.strata) {
            let e = old.equations["hf10"]!, f = s.equations["hf10"]!
            #expect(isClose(f.intercept!, a + b * e.intercept!, relative: RecalTolerance.exact))
            for (k, v) in e.coefficients { #expect(isClose(f.coefficients[k]!, b * v, relative: RecalTolerance.exact)) }
            for o in old.equations.keys where o != "hf10" { #expect(s.equations[o] == old.equations[o]) }
        }
    }

    @Test(arguments: [(0.3, 1.0), (-0.7, 0.6), (0.1, 1.3)])
    func scaleRoundTrips(pair: (Double, Double)) {
        for p in [1e-4, 0.03, 0.5, 0.97] {
            for scale in [RecalibrationScale.logit, .cloglog] {
                #expect(isClose(scale.inverse(scale.transform(p)), p, relative: 1e-13))
            }
            let moved = LogitUpdate.expit(pair.0 + pair.1 * LogitUpdate.logit(p))
            #expect(moved > 0 && moved < 1)
        }
    }
}
