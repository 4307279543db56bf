import Foundation
import Testing

@Suite struct FitBinaryTests {
    @Test func synthCohortThenFitWritesTheSummary() throws {
        let dir = try tempDir()
        let cohort = dir.appendingPathComponent("cohort.csv").path
        let summary = dir.appendingPathComponent("fit.json").path
        let s = try riskengine(["synth", "--cohort", "--rows", "3000", "--seed", "11", "-o", cohort])
        #expect(s.status == 0)
        let r = try riskengine([
            "fit", cohort, "--time", "time", "--event", "event", "--terms", "age + male + log(hdl) + age:male",
            "--horizons", "5,10", "--summary", summary,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("3000 rows read, 3000 used"))
        #expect(r.stdout.contains("log(hdl)"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary))) as! [String: Any]
        #expect((json["terms"] as! [String]) == ["age", "male", "log(hdl)", "age:male"])
        #expect(json["converged"] as? Bool == true)
    }

    @Test func absentColumnAndAliasedTermExit65() throws {
        let dir = try tempDir()
        let cohort = dir.appendingPathComponent("cohort.csv").path
        _ = try riskengine(["synth", "--cohort", "--rows", "500", "--seed", "2", "-o", cohort])
        let absent = try riskengine(["fit", cohort, "--time", "time", "--event", "event", "--terms", "age + bmi"])
        #expect(absent.status == 65)
        #expect(absent.stderr.contains("term 'bmi'"))
        let aliased = try riskengine(["fit", cohort, "--time", "time", "--event", "event", "--terms", "age + male + male:male"])
        #expect(aliased.status == 65)
        #expect(aliased.stderr.contains("term 'male:male'"))
    }
}
