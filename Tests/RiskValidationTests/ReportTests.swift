import Foundation
import RiskTestSupport
import RiskValidation
import Testing

@Suite("Validation report")
struct ReportTests {
    @Test("JSON has the issue's contract keys, with *_ci under a bootstrap")
    func contractKeys() throws {
        let ref = try Reference.load()
        let report = try ValidationReport.make(ref.sample, options: ValidationOptions(horizon: 5, bootstrap: 20, seed: 1), groups: ref.sex)
        let object = try #require(try JSONSerialization.jsonObject(with: report.jsonData()) as? [String: Any])
        let contract = ["n", "events", "horizon", "harrell_c", "harrell_counts", "uno_c", "km_observed_risk", "expected_risk",
                        "oe_ratio", "calibration_slope", "brier", "brier_null", "ipa", "auc"]
        for key in contract { #expect(object[key] != nil, "missing \(key)") }
        for key in contract.dropFirst(3) where key != "harrell_counts" { #expect(object[key + "_ci"] != nil, "missing \(key)_ci") }
        #expect(object["harrell_c"] as? Double == report.figures.harrellC)
        #expect(isClose(report.figures.harrellC!, ref.scalars["harrell_c"]!, relative: RTolerance.acceptance))
        let subgroups = try #require(object["subgroups"] as? [String: Any])
        #expect(Set(subgroups.keys) == ["female", "male"])
        #expect(report.subgroups.map { $0.1.figures.n }.reduce(0, +) == ref.sample.count)
    }

    @Test("Subgroup figures equal the figures of the subset")
    func subgroupIsSubset() throws {
        let ref = try Reference.load()
        let report = try ValidationReport.make(ref.sample, options: ValidationOptions(horizon: 5), groups: ref.sex)
        let male = ref.sample.subset(ref.sex.indices.filter { ref.sex[$0] == "male" })
        let direct = ValidationFigures.compute(male, ValidationOptions(horizon: 5))
        #expect(report.subgroups.first { $0.0 == "male" }?.1.figures == direct)
    }

    @Test("No event before the horizon is an error")
    func noEvents() throws {
        let s = try SurvivalSample(time: [1, 2, 6], event: [false, false, true], risk: [0.1, 0.2, 0.3])
        #expect(throws: RiskValidationError.noEvents) { try ValidationReport.make(s, options: ValidationOptions(horizon: 5)) }
    }
}
