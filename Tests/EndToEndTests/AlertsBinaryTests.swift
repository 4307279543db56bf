import Foundation
import Testing

/// `riskengine alerts` as a user runs it: a series from standard input, the three outputs, the
/// stderr summary (counts only) and exit codes.
@Suite struct AlertsBinaryTests {
    static let series: String = {
        var s = "area,period,count\n"
        let base = [3, 4, 2, 5, 3, 4, 3, 2, 4, 3, 5, 4, 3, 4, 2, 3, 4, 3, 14, 4]
        for (i, c) in base.enumerated() { s += "Xã A,2024-W\(i < 9 ? "0" : "")\(i + 1),\(c)\n" }
        s += "Xã B,2024-W03,1\n,2024-W04,2\nXã B,2024-W99,1\n"
        return s
    }()

    @Test func seriesFromStandardInput() throws {
        let dir = try tempDir()
        let alerts = dir.appendingPathComponent("alerts.csv").path
        let agg = dir.appendingPathComponent("agg.csv").path
        let json = dir.appendingPathComponent("alerts.json").path
        let r = try riskengine(["alerts", "-", "--series", "--method", "ears_c1,ears_c2,cusum", "--output", alerts,
                                "--aggregate", agg, "--json", json, "--suppress", "3"], stdin: Self.series)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("2 rows not counted: 1 with an unparseable date or period, 1 with an empty area"))
        #expect(!r.stderr.contains("Xã"))
        let lines = try String(contentsOfFile: alerts, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "area,period,indicator,method,observed,expected,upperbound,alarm,level")
        // Week 19 (count 14) alarms with C1.
        #expect(lines.contains { $0.hasPrefix("Xã A,2024-W19,count,ears_c1,14,,") && $0.contains(",1,") })
        let aggLines = try String(contentsOfFile: agg, encoding: .utf8).split(separator: "\n")
        #expect(aggLines.count == 1 + 2 * 20)
        #expect(aggLines.contains("Xã B,2024-W03,count,,,1"))  // 1 < 3: suppressed
        #expect(aggLines.contains("Xã B,2024-W04,count,,,1"))  // 0 < 3: suppressed
        #expect(aggLines.contains("Xã A,2024-W19,count,14,,0"))
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let settings = try #require(doc?["settings"] as? [String: String])
        #expect(settings["ears_alpha"] == "0.001")
        #expect((doc?["alerts"] as? [Any])?.count == lines.count - 1)
    }

    @Test func outputOverTheInputIsRefused() throws {
        let dir = try tempDir()
        let input = dir.appendingPathComponent("series.csv").path
        try Self.series.write(toFile: input, atomically: true, encoding: .utf8)
        let r = try riskengine(["alerts", input, "--series", "--output", input])
        #expect(r.status == 64)
        #expect(try String(contentsOfFile: input, encoding: .utf8) == Self.series)
    }

    @Test func countIndicatorFromAnExpression() throws {
        var csv = "commune,date,sbp\n"
        for m in 1...12 { csv += "A,2024-\(m < 10 ? "0" : "")\(m)-10,\(m == 12 ? 170 : 120)\n" }
        let r = try riskengine(["alerts", "-", "--area", "commune", "--date", "date", "--count", "high=sbp >= 160",
                                "--aggregate", "-", "--suppress", "0"], stdin: csv)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("A,2024-12,high,1,1,0"))
        #expect(r.stdout.contains("A,2024-11,high,0,1,0"))
        let bad = try riskengine(["alerts", "-", "--area", "commune", "--date", "date", "--count", "high=dbp >= 100",
                                  "--aggregate", "-"], stdin: csv)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--count high: the input has no column 'dbp'"))
    }

    @Test func missingColumnIsAUsageError() throws {
        let r = try riskengine(["alerts", "-", "--area", "commune", "--date", "visit", "--output", "-"],
                               stdin: "commune,date\nA,2024-01-01\n")
        #expect(r.status == 64)
        #expect(r.stderr.contains("--date: the input has no column 'visit'"))
    }

    /// `--rules FILE`: one indicator per rule, computed from the columns (the flags column is not read).
    @Test func ruleIndicatorsFromARuleFile() throws {
        let dir = try tempDir()
        let rules = dir.appendingPathComponent("rules.json").path
        try #"{"format": "riskengine.rules/1", "version": "t", "parameters": {"limit": {"value": 160, "source": "test"}},"#
            .appending(#" "rules": [{"id": "very_high_bp", "level": "warning", "when": "sbp >= limit", "reason": {"en": "e", "vi": "v"}, "source": "test"}]}"#)
            .write(toFile: rules, atomically: true, encoding: .utf8)
        var csv = "commune,date,sbp,flags\n"
        for m in 1...12 { csv += "A,2024-\(m < 10 ? "0" : "")\(m)-10,\(m == 12 ? 170 : 120),very_high_bp\n" }
        let r = try riskengine(["alerts", "-", "--area", "commune", "--date", "date", "--rules", rules,
                                "--aggregate", "-", "--suppress", "0"], stdin: csv)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("A,2024-12,very_high_bp,1,1,0"))
        #expect(r.stdout.contains("A,2024-11,very_high_bp,0,1,0"), "the flags column is not read with --rules")
        let bad = try riskengine(["alerts", "-", "--area", "commune", "--date", "date", "--rules", dir.appendingPathComponent("none.json").path,
                                  "--aggregate", "-"], stdin: csv)
        #expect(bad.status == 78)
    }
}
