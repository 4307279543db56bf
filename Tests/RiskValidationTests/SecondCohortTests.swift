import Foundation
import RiskTestSupport
import RiskValidation
import Testing

/// The scalar figures on the second R cohort (finer grids, heavier censoring, horizon 4):
/// Fixtures/validation/cohort_b.csv and reference_scalars_b.csv.
@Suite("Against R, second cohort")
struct SecondCohortTests {
    let sample: SurvivalSample
    let r: [String: Double]

    init() throws {
        let rows = try readFixtureCSV(try Reference.url("cohort_b.csv"))
        sample = try SurvivalSample(
            time: rows.map { Double($0["time"]!)! }, event: rows.map { $0["event"] == "1" },
            risk: rows.map { Double($0["pred"]!)! / 100 })
        var scalars: [String: Double] = [:]
        for row in try readFixtureCSV(try Reference.url("reference_scalars_b.csv")) { scalars[row["name"]!] = Double(row["value"]!)! }
        r = scalars
    }

    @Test func figures() throws {
        let h = r["horizon"]!
        let f = ValidationFigures.compute(sample, ValidationOptions(horizon: h))
        #expect(f.n == Int(r["n"]!))
        #expect(f.events == Int(r["events"]!))
        #expect(f.harrellCounts == ConcordanceCounts(
            concordant: Int(r["concordant"]!), discordant: Int(r["discordant"]!), tiedX: Int(r["tied_x"]!),
            tiedY: Int(r["tied_y"]!), tiedXY: Int(r["tied_xy"]!)))
        let acceptance: [(Double?, String)] = [
            (f.harrellC, "harrell_c"), (f.unoC, "uno_c"), (f.kmObservedRisk, "km_observed_risk"),
            (f.expectedRisk, "expected_risk"), (f.oeRatio, "oe_ratio"), (f.brier, "brier"),
            (f.brierNull, "brier_null"), (f.ipa, "ipa"),
        ]
        for (value, key) in acceptance {
            let v = try #require(value, "\(key) undefined")
            #expect(isClose(v, r[key]!, relative: RTolerance.acceptance), "\(key)")
        }
        #expect(isClose(try #require(f.calibrationSlope), r["calibration_slope"]!, relative: RTolerance.cox))
        #expect(isClose(try #require(f.auc), r["auc"]!, relative: RTolerance.auc))
    }
}
