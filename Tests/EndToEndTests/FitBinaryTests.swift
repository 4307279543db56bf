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
        /// Cohort header renames (a canonical name made local, e.g. total_chol → chol_local).
        var rename: [String: String] = [:]
        var description: String { (family + [terms]).joined(separator: " ") }
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
        // Fractional-polynomial terms become the model files' `power` feature.
        OutputCase(
            family: ["--time", "time", "--horizons", "10"], terms: "pow(age, 2) + pow(hdl, -1) + pow(sbp, 0.5):smoker + smoker",
            fields: ["age", "hdl", "sbp", "smoker"]),
        // Local columns: `male` (0/1, not a canonical field) and a renamed laboratory value.
        OutputCase(
            family: ["--time", "time", "--horizons", "5,10"],
            terms: "age + male + sbp + log(chol_local) + log(hdl) + smoker + age:male",
            fields: ["age", "male", "sbp", "chol_local", "hdl", "smoker"], rename: ["total_chol": "chol_local"]),
        OutputCase(
            family: ["--family", "logistic"], terms: "age + male + log(chol_local)",
            fields: ["age", "male", "chol_local"], rename: ["total_chol": "chol_local"]),
        // Stratified by a local 0/1 column, and by a canonical 0/1 field.
        OutputCase(
            family: ["--time", "time", "--horizons", "10", "--strata", "male"], terms: "age + sbp + log(hdl) + smoker",
            fields: ["age", "sbp", "hdl", "smoker", "male"]),
        OutputCase(
            family: ["--time", "time", "--horizons", "5", "--strata", "diabetes", "--ties", "breslow"], terms: "age + male + sbp",
            fields: ["age", "male", "sbp", "diabetes"]),
    ])
    func fittedModelFileScoresItsOwnExamples(_ c: OutputCase) throws {
        let dir = try tempDir()
        let cohort = dir.appendingPathComponent("cohort.csv").path
        let models = dir.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        let modelPath = models.appendingPathComponent("local_fit.json").path
        _ = try riskengine(["synth", "--cohort", "--rows", "4000", "--seed", "5", "-o", cohort])
        if !c.rename.isEmpty {
            var text = try String(contentsOfFile: cohort, encoding: .utf8)
            let end = text.firstIndex(of: "\n")!
            let header = text[..<end].split(separator: ",").map { c.rename[String($0)] ?? String($0) }.joined(separator: ",")
            text.replaceSubrange(..<end, with: header)
            try Data(text.utf8).write(to: URL(fileURLWithPath: cohort))
        }
        let r = try riskengine(
            ["fit", cohort, "--event", "event", "--terms", c.terms, "--output", modelPath, "--model-id", "local_fit"]
                + c.family)
        #expect(r.status == 0, "\(r.stderr)")
        let model = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: modelPath))) as! [String: Any]
        let examples = model["examples"] as! [[String: Any]]
        #expect(examples.count >= 3)
        let strata = model["strata"] as! [[String: Any]]
        if let k = c.family.firstIndex(of: "--strata") {
            #expect(strata.count == 2, "one stratum per value of \(c.family[k + 1])")
            let used = Set(examples.map { ($0["inputs"] as! [String: Double])[c.family[k + 1]]! })
            #expect(used == [0, 1], "an example in every stratum")
        }
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

    /// A local column is declared with its kind and observed range, read by name by `score`:
    /// missing → `missing:male`, outside the observed range → `out_of_range:chol_local`, and
    /// the column is not echoed as a pass-through column.
    @Test func localColumnsAreDeclaredAndReadByName() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cohort = dir.appendingPathComponent("cohort.csv").path
        _ = try riskengine(["synth", "--cohort", "--rows", "1500", "--seed", "2", "-o", cohort])
        var text = try String(contentsOfFile: cohort, encoding: .utf8)
        text = text.replacingOccurrences(of: "total_chol", with: "chol_local")
        try Data(text.utf8).write(to: URL(fileURLWithPath: cohort))
        let models = dir.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        let r = try riskengine([
            "fit", cohort, "--time", "time", "--event", "event", "--terms", "age + male + log(chol_local)", "--horizons", "10",
            "--output", models.appendingPathComponent("m.json").path, "--model-id", "local_m",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let model = try JSONSerialization.jsonObject(with: Data(contentsOf: models.appendingPathComponent("m.json"))) as! [String: Any]
        let columns = (model["columns"] as! [[String: Any]]).sorted { ($0["name"] as! String) < ($1["name"] as! String) }
        #expect(columns.map { $0["name"] as! String } == ["chol_local", "male"])
        #expect(columns.map { $0["kind"] as! String } == ["numeric", "binary"])
        let inputs = model["inputs"] as! [[String: Any]]
        let chol = inputs.first { $0["field"] as? String == "chol_local" }!
        let lo = chol["min"] as! Double, hi = chol["max"] as! Double
        #expect(lo > 0 && lo < hi)
        let input = dir.appendingPathComponent("score.csv").path
        try Data("id,age,male,chol_local,note\na,50,1,5.0,x\nb,50,,5.0,y\nc,50,0,\(hi * 2),z\n".utf8).write(to: URL(fileURLWithPath: input))
        let s = try riskengine(["score", input, "--models", "local_m", "--models-dir", models.path, "--no-rules", "--quiet"])
        #expect(s.status == 0, "\(s.stderr)")
        let lines = s.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0] == "id,local_m_event_10y,local_m_status,flags,note")
        #expect(lines[1].hasPrefix("a,") && lines[1].contains(",ok,"))
        #expect(lines[2].hasPrefix("b,,missing:male,"))
        #expect(lines[3].hasPrefix("c,,out_of_range:chol_local,"))
        // Recalibrated on the cohort, the new file keeps the local columns and has worked examples.
        let rc = try riskengine([
            "recalibrate", "--model", "local_m", "--models-dir", models.path, cohort, "--time", "time", "--event", "event",
            "--horizon", "10", "--method", "large", "--output", dir.appendingPathComponent("recal.json").path,
        ])
        #expect(rc.status == 0, "\(rc.stderr)")
        let recal = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("recal.json"))) as! [String: Any]
        #expect((recal["examples"] as! [Any]).count == 3)
        #expect((recal["columns"] as! [[String: Any]]).count == 2)
        // models show names the local columns.
        let show = try riskengine(["models", "show", "local_m", "--models-dir", models.path])
        #expect(show.stdout.contains("chol_local"))
    }
}
