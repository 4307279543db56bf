import Foundation
import RiskAlerts
import RiskBatch
import RiskCore
import RiskModels
import RiskRecalibration
import RiskTestSupport
import RiskValidation
import Testing

/// Tolerances of this suite.
enum RecalTolerance {
    /// O/E after recalibration in the large (bisection to 1e-12, risks read with 12 decimals of percent).
    static let oe = 1e-9
    /// Exact sums in double precision.
    static let exact = 1e-14
    /// Risks re-scored from the written file against the closed form (pipeline keeps 12 decimals of percent).
    static let pipeline = 1e-12
}

/// A seeded cohort with the canonical columns pce2013 and who2019_lab need, and follow-up drawn from
/// pce2013's own 10-year risk p transformed as 1 − exp(−exp(a + b·cloglog p)) (exponential event
/// times with that 10-year cumulative hazard; administrative censoring uniform in 6–14 years).
struct Fixture {
    static let library: ModelLibrary = try! ModelLibrary.embedded()
    static let flags: FlagRules = try! FlagRules.bundled()

    static func context(_ params: [String] = []) -> ScoringContext {
        ScoringContext(derivations: try! library.derivations, parameters: try! RunParameters(params), flags: flags, tables: library.tables)
    }

    static func covariates(rows: Int, seed: UInt64) -> [[String]] {
        var rng = SplitMix(seed: seed)
        func u() -> Double { rng.nextDouble() }
        func normal() -> Double { (-2 * Foundation.log(max(u(), 1e-300))).squareRoot() * cos(2 * .pi * u()) }
        return (0..<rows).map { _ in
            let age = 40 + (34.9 * u() * 10).rounded() / 10
            let sex = u() < 0.5 ? "male" : "female"
            let race = u() < 0.8 ? "white" : "black"
            let tc = min(max(5.2 + 0.9 * normal(), 3.4), 8.2)
            let hdl = min(max(1.3 + 0.3 * normal(), 0.6), 2.5)
            let sbp = min(max(130 + 18 * normal(), 90), 200).rounded()
            return [String(format: "%.1f", age), sex, race, String(format: "%.2f", tc), String(format: "%.2f", hdl), String(Int(sbp)),
                    u() < 0.25 ? "1" : "0", u() < 0.2 ? "1" : "0", u() < 0.1 ? "1" : "0"]
        }
    }

    static let header = ["age", "sex", "race", "total_chol", "hdl", "sbp", "bp_treated", "smoker", "diabetes"]

    /// The cohort text, follow-up from pce2013 risk transformed by (a, b).
    static func cohort(rows: Int, seed: UInt64, a: Double, b: Double) throws -> CohortColumns {
        let x = covariates(rows: rows, seed: seed)
        let plain = try CohortColumns(text: ([header] + x).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n")
        let p = try plain.scored(with: library.model("pce2013"), derivations: library.derivations(for: [library.model("pce2013")]), flags: flags).map { $0! / 100 }
        var rng = SplitMix(seed: seed ^ 0x5EED)
        var lines = [(header + ["time", "event"]).joined(separator: ",")]
        for i in x.indices {
            let h10 = Foundation.exp(a + b * Foundation.log(-Foundation.log1p(-p[i])))
            let t = 10 * -Foundation.log(max(rng.nextDouble(), 1e-300)) / h10
            let end = 6 + 8 * rng.nextDouble()
            let time = min(t, end)
            lines.append((x[i] + [String(format: "%.4f", max(time, 0.0001)), t <= end ? "1" : "0"]).joined(separator: ","))
        }
        return try CohortColumns(text: lines.joined(separator: "\n") + "\n")
    }

    static func request(_ method: RecalibrationMethod, region: String? = nil) -> RecalibrationRequest {
        RecalibrationRequest(method: method, horizon: 10, timeColumn: "time", eventColumn: "event", region: region,
                             date: "2026-01-01", engine: "test")
    }

    /// Loads a written file beside the embedded library and scores the cohort with it (fraction).
    static func rescore(_ result: RecalibrationResult, cohort: CohortColumns, params: [String] = []) throws -> [Double?] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try result.json.write(to: dir.appendingPathComponent(result.definition.id + ".json"), atomically: true, encoding: .utf8)
        let lib = try ModelLibrary.embedded(plus: dir)
        return try cohort.scored(with: lib.model(result.definition.id), derivations: lib.derivations,
                                 parameters: RunParameters(params), flags: flags).map { $0.map { $0 / 100 } }
    }

    static func oe(_ risks: [Double?], cohort: CohortColumns) throws -> Double {
        let keep = risks.indices.filter { risks[$0] != nil }
        let time = try cohort.numbers("time"), event = try cohort.events("event")
        let s = try SurvivalSample(time: keep.map { time[$0] }, event: keep.map { event[$0] }, risk: keep.map { risks[$0]! })
        return Calibration.expectedRisk(s) / Calibration.observedRisk(s, horizon: 10)
    }
}

@Suite struct RecalibrationTests {
    @Test func largeMakesOEOneOnTheSameCohortForPCE() throws {
        let cohort = try Fixture.cohort(rows: 1500, seed: 11, a: -0.6, b: 1)
        let model = try Fixture.library.model("pce2013")
        let result = try RecalibrationRun.run(model: model, cohort: cohort, request: Fixture.request(.large), context: Fixture.context())
        #expect(result.b == 1)
        #expect(abs(result.expectedAfter / result.observedRisk - 1) <= RecalTolerance.oe)
        let oe = try Fixture.oe(try Fixture.rescore(result, cohort: cohort), cohort: cohort)
        #expect(abs(oe - 1) <= RecalTolerance.oe)
        #expect(result.definition.id == "pce2013_recal")
        #expect(result.definition.version.hasPrefix(model.definition.version + " recalibrated large "))
        #expect(result.definition.notes!.last!.contains(result.cohortSHA256))
        #expect(!result.definition.examples.isEmpty)
    }

    /// A cohort without a column the model needs is refused naming the column (not only "no row").
    @Test func aCohortWithoutAnInputIsRefusedNamingIt() throws {
        let full = try Fixture.cohort(rows: 50, seed: 3, a: 0, b: 1)
        let keep = full.header.indices.filter { full.header[$0] != "sex" && full.header[$0] != "race" }
        var lines = [keep.map { full.header[$0] }.joined(separator: ",")]
        for r in 0..<full.rowCount { lines.append(keep.map { full.columns[$0][r] }.joined(separator: ",")) }
        let cohort = try CohortColumns(text: lines.joined(separator: "\n") + "\n")
        let pce = try Fixture.library.model("pce2013")
        let run = Result { () throws(RecalibrationError) in
            try RecalibrationRun.run(model: pce, cohort: cohort, request: Fixture.request(.large), context: Fixture.context())
        }
        guard case .failure(let e) = run else { Issue.record("a cohort without sex and race was recalibrated"); return }
        #expect(e == .noScorableRows(absentColumns: ["sex", "race"]))
        #expect(e.description.contains("the cohort has no column sex, race"))
        // A run-wide value counts as given.
        let withRace = Result { () throws(RecalibrationError) in
            try RecalibrationRun.run(model: pce, cohort: cohort, request: Fixture.request(.large),
                                     context: Fixture.context(["race=white"]))
        }
        guard case .failure(let e2) = withRace else { Issue.record("a cohort without sex was recalibrated"); return }
        #expect(e2 == .noScorableRows(absentColumns: ["sex"]))
    }

    @Test func slopeRecoversTheTrueSlope() throws {
        let trueSlope = 0.8
        let cohort = try Fixture.cohort(rows: 6000, seed: 12, a: -0.2, b: trueSlope)
        let model = try Fixture.library.model("pce2013")
        let result = try RecalibrationRun.run(model: model, cohort: cohort, request: Fixture.request(.slope), context: Fixture.context())
        // Standard error of a one-covariate Cox slope ≈ 1/√(events · var(c)).
        let p = try cohort.scored(with: model, derivations: Fixture.library.derivations(for: [model]), flags: Fixture.flags).map { $0! / 100 }
        let c = p.map(Calibration.cloglog)
        let mean = c.reduce(0, +) / Double(c.count)
        let variance = c.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(c.count - 1)
        let se = 1 / (Double(result.events) * variance).squareRoot()
        #expect(abs(result.b - trueSlope) <= 3 * se)
        #expect(abs(result.expectedAfter / result.observedRisk - 1) <= RecalTolerance.oe)
        let oe = try Fixture.oe(try Fixture.rescore(result, cohort: cohort), cohort: cohort)
        #expect(abs(oe - 1) <= RecalTolerance.oe)
    }

    @Test func breslowBaselineEqualsTheHandSum() throws {
        // Weights exp(c) = −log(1 − p) = w; event times ≤ 4: t=1 (risk set Σw = 5), t=2 (4.5), t=3 (1.5).
        let w = [0.5, 1, 2, 1, 0.5]
        let sample = try SurvivalSample(
            time: [1, 2, 2, 3, 5], event: [true, true, false, true, true], risk: w.map { -Foundation.expm1(-$0) })
        let h = RecalibrationRun.breslowBaseline(sample, horizon: 4)
        #expect(isClose(h, 49.0 / 45.0, relative: RecalTolerance.exact))
    }

    @Test func baselineMethodKeepsRelativeRisks() throws {
        let cohort = try Fixture.cohort(rows: 1000, seed: 13, a: 0.4, b: 1)
        let model = try Fixture.library.model("pce2013")
        let result = try RecalibrationRun.run(model: model, cohort: cohort, request: Fixture.request(.baseline), context: Fixture.context())
        let before = try cohort.scored(with: model, derivations: Fixture.library.derivations(for: [model]), flags: Fixture.flags).map { $0! / 100 }
        let time = try cohort.numbers("time"), event = try cohort.events("event")
        let h0 = RecalibrationRun.breslowBaseline(try SurvivalSample(time: time, event: event, risk: before), horizon: 10)
        #expect(isClose(result.a, Foundation.log(h0), relative: RecalTolerance.exact))
        let after = try Fixture.rescore(result, cohort: cohort)
        for i in before.indices {
            let expected = -Foundation.expm1(-h0 * -Foundation.log1p(-before[i]))
            #expect(abs(after[i]! - expected) <= RecalTolerance.pipeline)
        }
    }

    @Test func whoCompositionChangesOnlyTheRegionGiven() throws {
        let cohort = try Fixture.cohort(rows: 1500, seed: 14, a: 0.3, b: 1)
        let model = try Fixture.library.model("who2019_lab")
        let params = ["who_region=southeast_asia"]
        let result = try RecalibrationRun.run(
            model: model, cohort: cohort, request: Fixture.request(.large, region: "southeast_asia"), context: Fixture.context(params))
        let old = model.definition.recalibration!.scales, new = result.definition.recalibration!.scales
        #expect(Set(old.keys) == Set(new.keys))
        for region in old.keys where region != "southeast_asia" { #expect(old[region] == new[region]) }
        for (stratum, pair) in old["southeast_asia"]! {
            for outcome in ["chd", "stroke"] {
                let p = pair.pair(for: outcome)!, q = new["southeast_asia"]![stratum]!.pair(for: outcome)!
                #expect(isClose(q[0], result.a + p[0], relative: RecalTolerance.exact))
                #expect(q[1] == p[1])
            }
        }
        let oe = try Fixture.oe(try Fixture.rescore(result, cohort: cohort, params: params), cohort: cohort)
        #expect(abs(oe - 1) <= RecalTolerance.oe)
    }

    @Test func baselineRefusesCombinedOutcomes() throws {
        let cohort = try Fixture.cohort(rows: 50, seed: 15, a: 0, b: 1)
        #expect(throws: RecalibrationError.baselineOnCombinedOutcome(model: "who2019_lab")) {
            try RecalibrationRun.run(model: Fixture.library.model("who2019_lab"), cohort: cohort,
                                     request: Fixture.request(.baseline), context: Fixture.context(["who_region=southeast_asia"]))
        }
    }

    @Test(arguments: ["findrisc", "globorisk_lab", "egfr_ckdepi2021", "who2019_lab_chart"])
    func unsupportedModelsAreRefused(id: String) throws {
        let cohort = try Fixture.cohort(rows: 20, seed: 16, a: 0, b: 1)
        let error = #expect(throws: RecalibrationError.self) {
            try RecalibrationRun.run(model: Fixture.library.model(id), cohort: cohort, request: Fixture.request(.large), context: Fixture.context())
        }
        switch error {
        case .unsupportedModel(let m, _)?, .noRiskOutcome(let m)?: #expect(m == id)
        default: Issue.record("\(id): unexpected \(String(describing: error))")
        }
    }

    @Test func columnChoosesTheOutcome() throws {
        let cohort = try Fixture.cohort(rows: 20, seed: 18, a: 0, b: 1)
        var request = Fixture.request(.large)
        request.column = "pce2013_nothing_10y"
        #expect(throws: RecalibrationError.unknownColumn(model: "pce2013")) {
            try RecalibrationRun.run(model: Fixture.library.model("pce2013"), cohort: cohort, request: request, context: Fixture.context())
        }
        let d = try Fixture.library.model("kfre_4var").definition
        let five = d.outcomes.first { $0.id == "kf_5" }!
        let column = five.column ?? "kfre_4var_kf_5_5y"
        #expect(try RecalibrationRun.outcome(writing: column, of: d).id == "kf_5")
    }

    @Test func horizonMustBeTheModels() throws {
        let cohort = try Fixture.cohort(rows: 20, seed: 17, a: 0, b: 1)
        var request = Fixture.request(.large)
        request.horizon = 5
        #expect(throws: RecalibrationError.horizonMismatch(model: "pce2013", modelYears: 10, requested: 5)) {
            try RecalibrationRun.run(model: Fixture.library.model("pce2013"), cohort: cohort, request: request, context: Fixture.context())
        }
    }
}

@Suite struct ApplyTests {
    @Test func withoutARegionEveryRegionIsComposed() throws {
        let d = try Fixture.library.model("score2").definition
        let (a, b) = (0.3, 0.9)
        let new = RecalibrationRun.apply(a: a, b: b, to: d, outcomes: ["cvd"], region: nil)
        for (region, strata) in d.recalibration!.scales {
            for (stratum, pair) in strata {
                let p = pair.pair(for: "cvd")!, q = new.recalibration!.scales[region]![stratum]!.pair(for: "cvd")!
                #expect(isClose(q[0], a + b * p[0], relative: RecalTolerance.exact))
                #expect(isClose(q[1], b * p[1], relative: RecalTolerance.exact))
            }
        }
        #expect(new.strata == d.strata)
    }

    @Test func coxWithoutRecalibrationScalesCoefficientsAndBaseline() throws {
        let d = try Fixture.library.model("framingham2008_lab").definition
        let (a, b) = (-0.2, 0.85)
        let new = RecalibrationRun.apply(a: a, b: b, to: d, outcomes: ["cvd"], region: nil)
        for (old, s) in zip(d.strata, new.strata) {
            let e = old.equations["cvd"]!, f = s.equations["cvd"]!
            for (k, v) in e.coefficients { #expect(isClose(f.coefficients[k]!, b * v, relative: RecalTolerance.exact)) }
            #expect(isClose(f.meanLinearPredictor!, b * e.meanLinearPredictor!, relative: RecalTolerance.exact))
            let expected = Foundation.exp(-Foundation.exp(a + b * Foundation.log(-Foundation.log(e.baselineSurvival!))))
            #expect(isClose(f.baselineSurvival!, expected, relative: RecalTolerance.exact))
        }
    }
}
