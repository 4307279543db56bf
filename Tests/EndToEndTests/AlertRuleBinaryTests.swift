import Foundation
import Testing

@Suite struct AlertRuleBinaryTests {
    static let input = """
        id,age,sex,race,smoker,diabetes,bp_treated,sbp,dbp,total_chol,hdl,hypertension,statin
        p1,55,female,white,0,0,0,120,80,5.5,1.3,0,0
        p2,61,male,other,1,0,0,190,100,5.2,1.1,0,0
        p3,58,female,other,0,0,1,150,85,5.0,1.2,1,1
        """ + "\n"

    struct BadFile: CustomTestStringConvertible, Sendable {
        let name: String
        let rule: String
        let message: String
        var testDescription: String { name }
    }

    static let badFiles: [BadFile] = [
        .init(name: "unparseable", rule: #"{"id": "r1", "level": "watch", "when": "sbp >= 140 and", "reason": {"en": "e", "vi": "v"}, "source": "s"}"#,
              message: "rule r1: 'when' at character 15: expected a number"),
        .init(name: "unknown column", rule: #"{"id": "r1", "level": "watch", "when": "sbp_mean >= 140", "reason": {"en": "e", "vi": "v"}, "source": "s"}"#,
              message: "rule r1: 'when' at character 1: unknown column 'sbp_mean'"),
        .init(name: "bad id", rule: #"{"id": "r 1", "level": "watch", "when": "sbp >= 140", "reason": {"en": "e", "vi": "v"}, "source": "s"}"#,
              message: "rule 1: bad id 'r 1'"),
        .init(name: "bad level", rule: #"{"id": "r1", "level": "red", "when": "sbp >= 140", "reason": {"en": "e", "vi": "v"}, "source": "s"}"#,
              message: "rule r1: bad level 'red'"),
    ]

    @Test(arguments: badFiles)
    func badRuleFileExits78(_ c: BadFile) throws {
        let dir = try tempDir()
        let rules = dir.appendingPathComponent("bad.rules.json")
        try #"{"format": "riskengine.rules/1", "version": "1", "rules": [\#(c.rule)]}"#.write(to: rules, atomically: true, encoding: .utf8)
        let r = try riskengine(["score", "-", "--models", "pce2013", "--rules", rules.path], stdin: Self.input)
        #expect(r.status == 78)
        #expect(r.stderr.contains(c.message), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func defaultRulesWriteTheirIdsIntoFlags() throws {
        let r = try riskengine(["score", "-", "--models", "pce2013", "--quiet"], stdin: Self.input)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").map(String.init)
        #expect(rows[1].hasSuffix(",ok,pce2013:risk_lt5"))
        #expect(rows[2].hasSuffix(",ok,pce2013:risk_20_30;bp_urgent;bp_undetected;cvd_high_no_statin;bp_high_risk"))
        #expect(rows[3].hasSuffix(";htn_uncontrolled"))
        #expect(!rows[3].contains("htn_untreated"))
        // --bp-urgent moves the urgent rule's threshold; --no-rules leaves the built-in flag only.
        let who = try riskengine(["score", "-", "--models", "pce2013", "--quiet", "--bp-urgent", "200/120"], stdin: Self.input)
        #expect(!who.stdout.contains("bp_urgent"))
        let none = try riskengine(["score", "-", "--models", "pce2013", "--quiet", "--no-rules"], stdin: Self.input)
        #expect(none.stdout.split(separator: "\n")[2].hasSuffix(";bp_urgent"))
        #expect(!none.stdout.contains("bp_undetected"))
    }

    @Test func manifestRecordsTheRuleFileAndItsParameters() throws {
        let dir = try tempDir()
        let out = dir.appendingPathComponent("out.csv")
        let r = try riskengine(["score", "-", "--models", "pce2013", "--quiet", "--rule-param", "cvd_high_risk=10", "--output", out.path], stdin: Self.input)
        #expect(r.status == 0, "\(r.stderr)")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out.path + ".manifest.json"))) as? [String: Any]
        let rules = try #require(manifest?["alertRules"] as? [String: Any])
        #expect(rules["file"] as? String == "Models/rules/vn_default.rules.json")
        #expect((rules["parameters"] as? [String: Double])?["cvd_high_risk"] == 10)
        #expect((rules["sha256"] as? String)?.count == 64)
    }

    @Test func unknownRuleParameterExits78() throws {
        let r = try riskengine(["score", "-", "--models", "pce2013", "--rule-param", "cvd_high=10"], stdin: Self.input)
        #expect(r.status == 78)
        #expect(r.stderr.contains("no parameter 'cvd_high' to set"))
    }
}
