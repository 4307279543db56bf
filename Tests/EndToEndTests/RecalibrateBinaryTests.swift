import Foundation
import Testing

/// `riskengine recalibrate` through the binary: the new file loads with `--models-dir`, scores, and
/// validates with O/E = 1 on the cohort it was recalibrated on.
@Suite struct RecalibrateBinaryTests {
    /// A synthetic cohort with `sex` as a canonical category (from the synth `male` column).
    static func cohort(in dir: URL, rows: Int = 2000) throws -> String {
        let raw = dir.appendingPathComponent("synth.csv").path
        let s = try riskengine(["synth", "--cohort", "--rows", String(rows), "--seed", "21", "-o", raw])
        #expect(s.status == 0, "\(s.stderr)")
        let lines = try String(contentsOfFile: raw, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let m = header.firstIndex(of: "male")!
        var out = [header.enumerated().map { $0.offset == m ? "sex" : $0.element }.joined(separator: ",")]
        for line in lines.dropFirst() {
            var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            f[m] = f[m] == "1" ? "male" : "female"
            out.append(f.joined(separator: ","))
        }
        let path = dir.appendingPathComponent("cohort.csv").path
        try (out.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func recalibrateThenScoreAndValidate() throws {
        let dir = try tempDir()
        let cohort = try Self.cohort(in: dir)
        let models = dir.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        let file = models.appendingPathComponent("who2019_lab_recal.json").path
        let r = try riskengine([
            "recalibrate", "--model", "who2019_lab", cohort, "--time", "time", "--event", "event", "--horizon", "10",
            "--method", "large", "--region", "southeast_asia", "--param", "who_region=southeast_asia", "--output", file,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as! [String: Any]
        #expect(json["id"] as? String == "who2019_lab_recal")
        #expect((json["version"] as? String)?.contains("recalibrated large") == true)
        #expect((json["notes"] as? [String])?.last?.contains("recalibrated from who2019_lab") == true)

        let scored = dir.appendingPathComponent("scored.csv").path
        let s = try riskengine([
            "score", cohort, "--models-dir", models.path, "--models", "who2019_lab_recal", "--param", "who_region=southeast_asia", "-o", scored,
        ])
        #expect(s.status == 0, "\(s.stderr)")
        #expect(try String(contentsOfFile: scored, encoding: .utf8).contains("who2019_lab_recal_cvd_10y"))

        let v = try riskengine([
            "validate", cohort, "--time", "time", "--event", "event", "--model", "who2019_lab_recal", "--models-dir", models.path,
            "--param", "who_region=southeast_asia", "--horizon", "10",
        ])
        #expect(v.status == 0, "\(v.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(v.stdout.utf8)) as! [String: Any]
        let oe = try #require(report["oe_ratio"] as? Double)
        #expect(abs(oe - 1) <= 1e-9)
    }

    /// A logistic model (PREVENT) recalibrated on the logit scale: the file scores p' = expit(a + b·logit p)
    /// beside its parent (renamed columns) and validates with O/E = 1 on the same cohort.
    @Test func logisticSlopeThenScoreBesideTheParentAndValidate() throws {
        let dir = try tempDir()
        let synth = try Self.cohort(in: dir)
        // PREVENT also needs treatment, statin, eGFR and BMI: constant columns added.
        let lines = try String(contentsOfFile: synth, encoding: .utf8).split(separator: "\n").map(String.init)
        let cohort = dir.appendingPathComponent("prevent.csv").path
        try ([lines[0] + ",bp_treated,statin,egfr,bmi"] + lines.dropFirst().map { $0 + ",0,0,90,26" })
            .joined(separator: "\n").appending("\n").write(toFile: cohort, atomically: true, encoding: .utf8)
        let models = dir.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        let r = try riskengine([
            "recalibrate", "--model", "prevent2023_base", cohort, "--time", "time", "--event", "event", "--horizon", "10",
            "--method", "slope", "--output", models.appendingPathComponent("prevent2023_base_recal.json").path,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        // "a = …, b = …" in the summary, printed in shortest round-trip form.
        func value(_ key: String) throws -> Double {
            let start = try #require(r.stderr.range(of: key + " = "))
            return try #require(Double(r.stderr[start.upperBound...].prefix { $0 != "," && $0 != ";" }))
        }
        let (a, b) = (try value("a"), try value("b"))
        #expect(b != 1)
        #expect(r.stderr.contains("scale logit"))

        let scored = dir.appendingPathComponent("scored.csv").path
        let s = try riskengine([
            "score", cohort, "--models-dir", models.path, "--models", "prevent2023_base,prevent2023_base_recal", "--digits", "12", "-o", scored,
        ])
        #expect(s.status == 0, "\(s.stderr)")
        let out = try String(contentsOfFile: scored, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let parent = try #require(out[0].firstIndex(of: "prevent2023_base_cvd_10y"))
        let recal = try #require(out[0].firstIndex(of: "prevent2023_base_recal_cvd_10y"))
        var compared = 0
        for row in out.dropFirst() {
            guard let p = Double(row[parent]).map({ $0 / 100 }), let q = Double(row[recal]).map({ $0 / 100 }) else { continue }
            let logit = Foundation.log(p / (1 - p))
            // 12 decimals of percent on each side.
            #expect(abs(q - 1 / (1 + Foundation.exp(-(a + b * logit)))) <= 1e-12)
            compared += 1
        }
        #expect(compared > 100)

        let v = try riskengine([
            "validate", cohort, "--time", "time", "--event", "event", "--model", "prevent2023_base_recal", "--models-dir", models.path,
            "--horizon", "10",
        ])
        #expect(v.status == 0, "\(v.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(v.stdout.utf8)) as! [String: Any]
        let oe = try #require(report["oe_ratio"] as? Double)
        #expect(abs(oe - 1) <= 1e-9)
    }

    @Test func refusalsExitWithUsageOrDataStatus() throws {
        let dir = try tempDir()
        let cohort = try Self.cohort(in: dir, rows: 200)
        let out = dir.appendingPathComponent("x.json").path
        let combined = try riskengine([
            "recalibrate", "--model", "who2019_lab", cohort, "--time", "time", "--event", "event", "--method", "baseline",
            "--param", "who_region=southeast_asia", "--output", out,
        ])
        #expect(combined.status == 64)
        #expect(combined.stderr.contains("--method baseline needs a single outcome"))
        let points = try riskengine([
            "recalibrate", "--model", "findrisc", cohort, "--time", "time", "--event", "event", "--method", "large", "--output", out,
        ])
        #expect(points.status == 64)
        #expect(!FileManager.default.fileExists(atPath: out))
        let collision = try riskengine([
            "recalibrate", "--model", "who2019_lab", cohort, "--time", "time", "--event", "event", "--method", "large",
            "--param", "who_region=southeast_asia", "--output", cohort,
        ])
        #expect(collision.status == 64)
    }
}

/// `recalibrate --targets` through the binary: a STEPS-style table gives a file that scores.
@Suite struct RecalibrateTargetsBinaryTests {
    @Test func targetsTableThenScore() throws {
        let dir = try tempDir()
        var lines = ["sex,age,outcome,risk,sbp,total_chol,smoker,diabetes"]
        for sex in ["male", "female"] {
            for (k, age) in [42.5, 52.5, 62.5, 72.5].enumerated() {
                lines.append("\(sex),\(age),chd,\(0.01 * Double(k + 1)),\(125 + 5 * k),5.1,\(sex == "male" ? 0.45 : 0.03),0.06")
                lines.append("\(sex),\(age),stroke,\(0.015 * Double(k + 1)),\(125 + 5 * k),5.1,\(sex == "male" ? 0.45 : 0.03),0.06")
            }
        }
        let table = dir.appendingPathComponent("steps.csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: table, atomically: true, encoding: .utf8)
        let models = dir.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        let r = try riskengine([
            "recalibrate", "--model", "who2019_lab", "--targets", table, "--region", "southeast_asia", "--id", "who2019_lab_vn",
            "--output", models.appendingPathComponent("who2019_lab_vn.json").path,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let people = dir.appendingPathComponent("people.csv").path
        try "age,sex,smoker,sbp,diabetes,total_chol\n55,male,1,140,0,5.5\n".write(toFile: people, atomically: true, encoding: .utf8)
        let s = try riskengine(["score", people, "--models-dir", models.path, "--models", "who2019_lab_vn", "--param", "who_region=southeast_asia"])
        #expect(s.status == 0, "\(s.stderr)")
        #expect(s.stdout.contains("who2019_lab_vn_cvd_10y"))
        #expect(s.stdout.contains(",ok,"))
        let noRegion = try riskengine(["recalibrate", "--model", "who2019_lab", "--targets", table, "--output", dir.appendingPathComponent("x.json").path])
        #expect(noRegion.status == 64)
        let pce = try riskengine([
            "recalibrate", "--model", "pce2013", "--targets", table, "--region", "southeast_asia", "--output", dir.appendingPathComponent("x.json").path,
        ])
        #expect(pce.status == 65)
        #expect(pce.stderr.contains("no cloglog recalibration section"))
    }
}
