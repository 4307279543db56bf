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

    @Test("A subgroup without events before the horizon gets null figures, not an error")
    func subgroupWithoutEvents() throws {
        let s = try SurvivalSample(
            time: [1, 2, 3, 4, 6, 7, 8, 9], event: [true, false, true, false, false, true, false, false],
            risk: [0.3, 0.2, 0.25, 0.1, 0.1, 0.2, 0.15, 0.05])
        let groups = ["a", "a", "a", "a", "b", "b", "b", "b"]
        let report = try ValidationReport.make(s, options: ValidationOptions(horizon: 5), groups: groups)
        let b = try #require(report.subgroups.first { $0.0 == "b" }?.1.jsonObject())
        #expect(b["calibration_slope"] is NSNull)
        #expect(b["auc"] is NSNull)
        #expect(b["n"] as? Int == 4)
    }

    @Test("Equal predictions for everyone: the Cox fit is singular, a typed error")
    func singular() throws {
        let s = try SurvivalSample(time: [1, 2, 3, 4], event: [true, false, true, false], risk: [0.2, 0.2, 0.2, 0.2])
        #expect(throws: RiskValidationError.coxSingular) { try Calibration.slope(s, horizon: 5) }
    }
}
