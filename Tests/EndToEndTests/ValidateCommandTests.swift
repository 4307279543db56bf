import Foundation
import Testing

/// `riskengine validate` run as a user would.
@Suite struct ValidateCommandTests {
    /// A seeded cohort with the canonical fields PCE needs, follow-up and a risk column in percent.
    static func cohort(rows: Int = 300) -> String {
        var state: UInt64 = 99
        func unit() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
        }
        var lines = ["id,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl,fu_years,died,risk_pct,area"]
        for i in 0..<rows {
            let age = i == 0 ? 30 : 40 + Int(unit() * 35)
            let sex = unit() < 0.5 ? "male" : "female"
            let sbp = 110 + Int(unit() * 60)
            let pct = 1 + Double(age - 30) * 0.5 + Double(sbp - 110) * 0.1
            let hazard = -log(1 - pct / 100) / 10
            let t = -log(1 - unit()) / hazard
            let c = unit() * 14
            let fu = (min(t, c) * 2).rounded(.up) / 2
            lines.append("p\(i),\(age),\(sex),other,\(unit() < 0.3 ? 1 : 0),\(unit() < 0.1 ? 1 : 0),0,\(sbp),5.2,1.2,\(fu),\(t <= c ? 1 : 0),\(pct),\(i % 3 == 0 ? "north" : "south")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func predColumnWithBootstrapSubgroupsAndDeciles() throws {
        let dir = try tempDir()
        let input = dir.appendingPathComponent("cohort.csv")
        try Data(Self.cohort().utf8).write(to: input)
        let json = dir.appendingPathComponent("validation.json")
        let deciles = dir.appendingPathComponent("deciles.csv")
        let r = try riskengine(["validate", input.path, "--time", "fu_years", "--event", "died", "--pred", "risk_pct",
                                "--horizon", "10", "--bootstrap", "30", "--seed", "5", "--by", "area",
                                "--output", json.path, "--deciles", deciles.path])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        for key in ["n", "events", "horizon", "harrell_c", "harrell_counts", "uno_c", "km_observed_risk", "expected_risk",
                    "oe_ratio", "calibration_slope", "brier", "brier_null", "ipa", "auc", "harrell_c_ci", "auc_ci", "ipa_ci"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["n"] as? Int == 300)
        #expect((object["subgroups"] as? [String: Any]).map { Set($0.keys) } == ["north", "south"])
        let table = try String(contentsOf: deciles, encoding: .utf8).split(separator: "\n")
        #expect(table.first == "decile,n,mean_predicted,km_observed")
        #expect(table.count == 11)
    }

    @Test func modelScoresTheCohortFirstAndCountsRowsItCannotScore() throws {
        let dir = try tempDir()
        let input = dir.appendingPathComponent("cohort.csv")
        try Data(Self.cohort().utf8).write(to: input)
        let r = try riskengine(["validate", input.path, "--time", "fu_years", "--event", "died", "--model", "pce2013", "--horizon", "10"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object["model"] as? String == "pce2013")
        #expect(object["excluded_rows"] as? Int == 1)
        #expect(object["n"] as? Int == 299)
    }

    @Test func modelWithRunWideParameter() throws {
        let dir = try tempDir()
        let input = dir.appendingPathComponent("cohort.csv")
        try Data(Self.cohort().utf8).write(to: input)
        let args = ["validate", input.path, "--time", "fu_years", "--event", "died", "--model", "who2019_lab", "--horizon", "10"]
        let without = try riskengine(args)
        let with = try riskengine(args + ["--param", "who_region=southeast_asia"])
        #expect(with.status == 0, "\(with.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(with.stdout.utf8)) as? [String: Any])
        #expect((object["n"] as? Int ?? 0) > 250)
        #expect(without.status != 0 || without.stdout != with.stdout)
    }

    @Test func fitTermsWithOptimismCorrection() throws {
        let dir = try tempDir()
        let input = dir.appendingPathComponent("cohort.csv")
        try Data(Self.cohort().utf8).write(to: input)
        let r = try riskengine(["validate", input.path, "--time", "fu_years", "--event", "died", "--fit-terms", "age + sbp + smoker",
                                "--horizon", "10", "--bootstrap", "20", "--seed", "3", "--optimism", "--threads", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        // The contract keys stay; the apparent figures are those of the report.
        for key in ["n", "events", "horizon", "harrell_c", "oe_ratio", "calibration_slope", "brier", "ipa", "auc", "harrell_c_ci"] {
            #expect(object[key] != nil, "\(key)")
        }
        let fit = try #require(object["fit"] as? [String: Any])
        #expect(fit["terms"] as? [String] == ["age", "sbp", "smoker"])
        let optimism = try #require(object["optimism"] as? [String: Any])
        let failed = try #require(optimism["failed"] as? [String: Int])
        #expect((optimism["replicates_used"] as? Int ?? -1) + failed.values.reduce(0, +) == 20)
        let figures = try #require(optimism["figures"] as? [String: [String: Double]])
        for key in ["harrell_c", "calibration_slope", "brier", "ipa", "oe_ratio", "auc"] {
            let f = try #require(figures[key], "\(key)")
            #expect(f["apparent"] == object[key] as? Double, "\(key)")
            #expect(abs(f["corrected"]! - (f["apparent"]! - f["optimism"]!)) <= 1e-15, "\(key)")
        }
        // Same seed, same numbers.
        let again = try riskengine(["validate", input.path, "--time", "fu_years", "--event", "died", "--fit-terms", "age + sbp + smoker",
                                    "--horizon", "10", "--bootstrap", "20", "--seed", "3", "--optimism", "--threads", "1"])
        #expect(again.stdout == r.stdout)
    }

    @Test func fitTermsBySubgroupJoinsTheRowsUsed() throws {
        // The sbp cell of every fifth row is blanked: those rows are left out of the fit, and the
        // subgroups are formed from the area of the rows used.
        let dir = try tempDir()
        let input = dir.appendingPathComponent("cohort.csv")
        var lines = Self.cohort().split(separator: "\n").map(String.init)
        let sbp = lines[0].split(separator: ",").firstIndex(of: "sbp")!
        let area = lines[0].split(separator: ",").count - 1
        var used: [String: Int] = [:]
        for k in 1..<lines.count {
            var f = lines[k].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if k % 5 == 0 { f[sbp] = "" } else { used[f[area], default: 0] += 1 }
            lines[k] = f.joined(separator: ",")
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: input)
        let r = try riskengine(["validate", input.path, "--time", "fu_years", "--event", "died", "--fit-terms", "age + sbp",
                                "--horizon", "10", "--by", "area"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object["excluded_rows"] as? Int == (lines.count - 1) / 5)
        let subgroups = try #require(object["subgroups"] as? [String: [String: Any]])
        for (value, n) in used { #expect(subgroups[value]?["n"] as? Int == n, "\(value)") }
    }

    @Test(arguments: [
        (["--fit-terms", "age", "--optimism"], Int32(64)),
        (["--pred", "risk_pct", "--family", "logistic"], Int32(64)),
        (["--fit-terms", "age + cholesterol_x"], Int32(65)),
        (["--fit-terms", "age + bp_treated"], Int32(65)),
        (["--pred", "risk_pct", "--model", "pce2013"], Int32(64)),
        (["--pred", "no_such_column"], Int32(65)),
        (["--pred", "risk_pct", "--pred-scale", "fraction"], Int32(65)),
        (["--pred", "risk_pct", "--horizon", "-1"], Int32(64)),
        (["--pred", "risk_pct", "--param", "who_region=southeast_asia"], Int32(64)),
    ])
    func errors(extra: [String], status: Int32) throws {
        let dir = try tempDir()
        let input = dir.appendingPathComponent("cohort.csv")
        try Data(Self.cohort(rows: 40).utf8).write(to: input)
        var args = ["validate", input.path, "--time", "fu_years", "--event", "died"] + extra
        if !extra.contains("--horizon") { args += ["--horizon", "10"] }
        let r = try riskengine(args)
        #expect(r.status == status, "\(r.stderr)")
        #expect(!r.stderr.contains("p1,"))
    }
}
