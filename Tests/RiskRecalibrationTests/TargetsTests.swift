import Foundation
import RiskBatch
import RiskModels
import RiskRecalibration
import RiskTestSupport
import RiskValidation
import Testing

@Suite struct TargetsTests {
    static let ages = [42.5, 47.5, 52.5, 57.5, 62.5, 67.5, 72.5]

    /// A targets table at fixed mean risk factors per sex × age group × outcome, risks still empty.
    static func table(risks: [Double]? = nil) throws -> CohortColumns {
        var lines = ["sex,age,outcome,risk,sbp,total_chol,smoker,diabetes"]
        var k = 0
        for sex in ["male", "female"] {
            for age in ages {
                for outcome in ["chd", "stroke"] {
                    let risk = risks.map { String($0[k]) } ?? "0.5"
                    let sbp = 120 + 0.6 * (age - 40)
                    lines.append("\(sex),\(age),\(outcome),\(risk),\(sbp),\(5.0 + 0.01 * age),\(sex == "male" ? 0.4 : 0.05),0.08")
                    k += 1
                }
            }
        }
        return try CohortColumns(text: lines.joined(separator: "\n") + "\n")
    }

    /// Risks generated from known scales (s₁, s₂) per sex × outcome on the raw model risks.
    static func generated(_ scales: (String, String) -> [Double]) throws -> CohortColumns {
        let blank = try table()
        let model = try Fixture.library.model("who2019_lab")
        let p = try TargetsRecalibration.rawRisks(model: model, table: blank, region: "southeast_asia", context: Fixture.context())
        let sex = try blank.strings("sex"), outcome = try blank.strings("outcome")
        let risks = p.indices.map { i -> Double in
            let s = scales(sex[i], outcome[i])
            return -Foundation.expm1(-Foundation.exp(s[0] + s[1] * Calibration.cloglog(p[i]!)))
        }
        return try table(risks: risks)
    }

    static func request() -> RecalibrationRequest {
        RecalibrationRequest(method: .large, horizon: 10, timeColumn: "", eventColumn: "", region: "southeast_asia",
                             date: "2026-01-01", engine: "test")
    }

    @Test func recoversKnownScales() throws {
        let known: [String: [Double]] = ["male chd": [0.11, 0.83], "male stroke": [-0.27, 0.71], "female chd": [0.05, 0.64], "female stroke": [-0.4, 0.9]]
        let table = try Self.generated { known["\($0) \($1)"]! }
        let model = try Fixture.library.model("who2019_lab")
        let result = try TargetsRecalibration.run(model: model, table: table, request: Self.request(), context: Fixture.context())
        let scales = result.definition.recalibration!.scales
        for (key, s) in known {
            let parts = key.split(separator: " ").map(String.init)
            let fitted = scales["southeast_asia"]![parts[0]]!.pair(for: parts[1])!
            #expect(abs(fitted[0] - s[0]) <= 1e-9)
            #expect(abs(fitted[1] - s[1]) <= 1e-9)
        }
        for region in scales.keys where region != "southeast_asia" {
            #expect(scales[region] == model.definition.recalibration!.scales[region])
        }
        #expect(!result.definition.examples.isEmpty)
    }

    @Test func targetsFromTheModelsOwnScalesGiveTheModelBack() throws {
        let model = try Fixture.library.model("who2019_lab")
        let own = model.definition.recalibration!.scales["southeast_asia"]!
        let table = try Self.generated { sex, outcome in own[sex]!.pair(for: outcome)! }
        let result = try TargetsRecalibration.run(model: model, table: table, request: Self.request(), context: Fixture.context())
        let fitted = result.definition.recalibration!.scales["southeast_asia"]!
        for sex in ["male", "female"] {
            for outcome in ["chd", "stroke"] {
                let a = fitted[sex]!.pair(for: outcome)!, b = own[sex]!.pair(for: outcome)!
                #expect(abs(a[0] - b[0]) <= 1e-9 && abs(a[1] - b[1]) <= 1e-9)
            }
        }
    }

    @Test func modelsWithoutARecalibrationSectionAreRefused() throws {
        let table = try Self.table()
        #expect(throws: RecalibrationError.targets(.modelHasNoRecalibrationSection(model: "pce2013"))) {
            try TargetsRecalibration.run(model: Fixture.library.model("pce2013"), table: table, request: Self.request(), context: Fixture.context())
        }
    }
}
