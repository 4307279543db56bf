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

    struct OutputCase: Sendable, CustomStringConvertible {
        let family: [String]
        let terms: String
        let fields: [String]
        var description: String { family.joined(separator: " ") }
    }

    /// `fit --output` writes a model file that `score --models-dir` loads and scores: the
    /// file's own worked examples (risks computed from the fit) are reproduced by the engine.
    @Test(arguments: [
        OutputCase(
            family: ["--time", "time", "--horizons", "5,10"],
            terms: "age + sbp + log(total_chol) + log(hdl) + smoker + diabetes + age:smoker",
            fields: ["age", "sbp", "total_chol", "hdl", "smoker", "diabetes"]),
        OutputCase(
            family: ["--family", "logistic"], terms: "age + sbp + hinge(sbp, 140) + log(hdl) + smoker",
            fields: ["age", "sbp", "hdl", "smoker"]),
    ])
    func fittedModelFileScoresItsOwnExamples(_ c: OutputCase) throws {
        let dir = try tempDir()
        let cohort = dir.appendingPathComponent("cohort.csv").path
        let models = dir.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        let modelPath = models.appendingPathComponent("local_fit.json").path
        _ = try riskengine(["synth", "--cohort", "--rows", "4000", "--seed", "5", "-o", cohort])
        let r = try riskengine(
            ["fit", cohort, "--event", "event", "--terms", c.terms, "--output", modelPath, "--model-id", "local_fit"]
                + c.family)
        #expect(r.status == 0, "\(r.stderr)")
        let model = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: modelPath))) as! [String: Any]
        let examples = model["examples"] as! [[String: Any]]
        #expect(examples.count == 3)
        var csv = "id," + c.fields.joined(separator: ",") + "\n"
        for (i, ex) in examples.enumerated() {
            let inputs = ex["inputs"] as! [String: Double]
            csv += "r\(i)," + c.fields.map { "\(inputs[$0]!)" }.joined(separator: ",") + "\n"
        }
        let input = dir.appendingPathComponent("score.csv").path
        try Data(csv.utf8).write(to: URL(fileURLWithPath: input))
        let s = try riskengine(["score", input, "--models", "local_fit", "--models-dir", models.path, "--digits", "9", "--quiet"])
        #expect(s.status == 0, "\(s.stderr)")
        let lines = s.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        for (i, ex) in examples.enumerated() {
            for (column, expected) in ex["expected"] as! [String: Double] {
                let got = Double(lines[i + 1][header.firstIndex(of: column)!])!
                // Written with 9 decimals: half a unit of the last one.
                #expect(abs(got - expected) <= 5e-10 + 1e-12, "\(column)")
            }
        }
    }

    @Test func outputNeedsCanonicalFields() throws {
        let dir = try tempDir()
        let cohort = dir.appendingPathComponent("cohort.csv").path
        _ = try riskengine(["synth", "--cohort", "--rows", "500", "--seed", "2", "-o", cohort])
        let r = try riskengine([
            "fit", cohort, "--time", "time", "--event", "event", "--terms", "age + male",
            "--output", dir.appendingPathComponent("m.json").path,
        ])
        #expect(r.status == 65)
        #expect(r.stderr.contains("term 'male'"))
    }
}
