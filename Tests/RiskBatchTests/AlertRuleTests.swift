import Foundation
import RiskAlerts
@testable import RiskBatch
import RiskCore
@testable import RiskModels
import Testing

/// Columns a test expression may name.
private let testColumns: Set<String> = ["sbp", "dbp", "hba1c", "statin", "x", "y"]
private func resolveTest(_ name: String) -> RuleExpression.Name? {
    if name == "limit" { return .constant(140) }
    return testColumns.contains(name) ? .column : nil
}

private let known = AlertRules.knownColumns(models: allModels)

@Suite struct RuleExpressionParsingTests {
    struct Good: CustomTestStringConvertible, Sendable {
        let text: String
        let tree: RuleCondition
        var testDescription: String { text }
    }

    static let good: [Good] = [
        .init(text: "sbp >= 140", tree: .compare(.column("sbp"), .greaterOrEqual, .constant(140))),
        .init(text: "sbp>=140", tree: .compare(.column("sbp"), .greaterOrEqual, .constant(140))),
        .init(text: "140 < sbp", tree: .compare(.constant(140), .less, .column("sbp"))),
        .init(text: "sbp <= -1.5", tree: .compare(.column("sbp"), .lessOrEqual, .constant(-1.5))),
        .init(text: "x == y", tree: .compare(.column("x"), .equal, .column("y"))),
        .init(text: "x != 0", tree: .compare(.column("x"), .notEqual, .constant(0))),
        .init(text: "x > 0.25", tree: .compare(.column("x"), .greater, .constant(0.25))),
        .init(text: "sbp >= limit", tree: .compare(.column("sbp"), .greaterOrEqual, .constant(140))),
        .init(text: "missing(hba1c)", tree: .missing("hba1c")),
        .init(text: "not missing( hba1c )", tree: .not(.missing("hba1c"))),
        .init(text: "not not x < 1", tree: .not(.not(.compare(.column("x"), .less, .constant(1))))),
        // `and` binds tighter than `or`; both associate to the left.
        .init(text: "x < 1 or y < 2 and statin == 0",
              tree: .or(.compare(.column("x"), .less, .constant(1)),
                        .and(.compare(.column("y"), .less, .constant(2)), .compare(.column("statin"), .equal, .constant(0))))),
        .init(text: "(x < 1 or y < 2) and statin == 0",
              tree: .and(.or(.compare(.column("x"), .less, .constant(1)), .compare(.column("y"), .less, .constant(2))),
                         .compare(.column("statin"), .equal, .constant(0)))),
        .init(text: "x < 1 and y < 2 and statin == 0",
              tree: .and(.and(.compare(.column("x"), .less, .constant(1)), .compare(.column("y"), .less, .constant(2))),
                         .compare(.column("statin"), .equal, .constant(0)))),
        .init(text: "not (x < 1) or missing(y)",
              tree: .or(.not(.compare(.column("x"), .less, .constant(1))), .missing("y"))),
        .init(text: "((((x<1))))", tree: .compare(.column("x"), .less, .constant(1))),
    ]

    @Test(arguments: good)
    func parses(_ c: Good) throws {
        #expect(try RuleExpression.compile(c.text, resolve: resolveTest) == c.tree)
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        let text: String
        let position: Int
        let problem: RuleExpressionProblem
        var testDescription: String { text }
    }

    static let bad: [Bad] = [
        .init(text: "", position: 1, problem: .empty),
        .init(text: "   ", position: 1, problem: .empty),
        .init(text: "sbp", position: 4, problem: .unexpected(found: "the end", expected: "a comparison (< <= > >= == !=)")),
        .init(text: "sbp >= ", position: 8, problem: .unexpected(found: "the end", expected: "a number, a column name, '(', 'not' or 'missing('")),
        .init(text: "sbp = 140", position: 5, problem: .unexpectedCharacter("=")),
        .init(text: "sbp ≥ 140", position: 5, problem: .unexpectedCharacter("≥")),
        .init(text: "sbp >= 140 && dbp >= 90", position: 12, problem: .unexpectedCharacter("&")),
        .init(text: "sbq >= 140", position: 1, problem: .unknownColumn("sbq")),
        .init(text: "missing(sbq)", position: 9, problem: .unknownColumn("sbq")),
        .init(text: "missing(limit)", position: 9, problem: .unexpected(found: "'limit'", expected: "a column name (not a parameter)")),
        .init(text: "missing sbp", position: 9, problem: .unexpected(found: "'sbp'", expected: "'(' after missing")),
        .init(text: "(sbp >= 140", position: 12, problem: .unexpected(found: "the end", expected: "')'")),
        .init(text: "sbp >= 140)", position: 11, problem: .unexpected(found: "')'", expected: "'and', 'or' or the end")),
        .init(text: "x < y < 3", position: 7, problem: .unexpected(found: "'<'", expected: "'and', 'or' or ')' (comparisons do not chain)")),
        .init(text: "sbp >= 140 and", position: 15, problem: .unexpected(found: "the end", expected: "a number, a column name, '(', 'not' or 'missing('")),
        .init(text: "sbp and dbp", position: 5, problem: .unexpected(found: "'and'", expected: "a comparison (< <= > >= == !=)")),
        .init(text: "x > - y", position: 7, problem: .unexpected(found: "'y'", expected: "a number after '-'")),
        .init(text: "x > 1.5.2", position: 5, problem: .badNumber("1.5.")),
        .init(text: "x > 12abc", position: 5, problem: .badNumber("12a")),
        .init(text: "x > 1e999", position: 5, problem: .badNumber("1e")),
        .init(text: "(x < 1) < 2", position: 9, problem: .unexpected(found: "'<'", expected: "'and', 'or' or the end")),
    ]

    @Test(arguments: bad)
    func refuses(_ c: Bad) {
        #expect(throws: RuleExpressionError(position: c.position, problem: c.problem)) {
            try RuleExpression.compile(c.text, resolve: resolveTest)
        }
    }

    @Test(arguments: [RuleExpression.maxDepth, RuleExpression.maxDepth + 1, 400])
    func nestingIsBounded(_ depth: Int) {
        let parens = String(repeating: "(", count: depth) + "x < 1" + String(repeating: ")", count: depth)
        let nots = String(repeating: "not ", count: depth) + "x < 1"
        for text in [parens, nots] {
            let result = Result { () throws(RuleExpressionError) in try RuleExpression.compile(text, resolve: resolveTest) }
            if depth <= RuleExpression.maxDepth {
                #expect(throws: Never.self) { try result.get() }
            } else {
                let position = text.hasPrefix("(") ? RuleExpression.maxDepth + 1 : RuleExpression.maxDepth * 4 + 1
                #expect(throws: RuleExpressionError(position: position, problem: .tooDeep(limit: RuleExpression.maxDepth))) {
                    try result.get()
                }
            }
        }
    }
}

extension RuleExpressionParsingTests {
    @Test func lengthIsBounded() throws {
        // 250 comparisons joined by `or`: 999 tokens, accepted; one more is refused, and a very
        // long chain is refused without building a deep tree.
        let terms = (0..<250).map { _ in "x<1" }
        let ok = try RuleExpression.compile(terms.joined(separator: " or "), resolve: resolveTest)
        #expect(ok.evaluate(rows: 2, column: { _ in [0, 2] }) == [true, false])
        let longer = terms.joined(separator: " or ") + " or x<1"
        #expect(throws: RuleExpressionError(position: 1751, problem: .tooLong(limit: RuleExpression.maxTokens))) {
            try RuleExpression.compile(longer, resolve: resolveTest)
        }
        let huge = Array(repeating: "x<1", count: 100_000).joined(separator: " and ")
        #expect(throws: RuleExpressionError(position: 2001, problem: .tooLong(limit: RuleExpression.maxTokens))) {
            try RuleExpression.compile(huge, resolve: resolveTest)
        }
        // 100,000 levels of parentheses or `not`: refused by the length bound before any recursion.
        let parens = String(repeating: "(", count: 100_000) + "x < 1" + String(repeating: ")", count: 100_000)
        #expect(throws: RuleExpressionError(position: 1001, problem: .tooLong(limit: RuleExpression.maxTokens))) {
            try RuleExpression.compile(parens, resolve: resolveTest)
        }
        let nots = String(repeating: "not ", count: 100_000) + "x < 1"
        #expect(throws: RuleExpressionError(position: 4001, problem: .tooLong(limit: RuleExpression.maxTokens))) {
            try RuleExpression.compile(nots, resolve: resolveTest)
        }
    }
}

@Suite struct RuleEvaluationTests {
    /// Rows: x = 1, 2, missing, 4; y = 2, missing, 3, 4.
    static let columns: [String: [Double]] = ["x": [1, 2, .nan, 4], "y": [2, .nan, 3, 4]]

    struct Case: CustomTestStringConvertible, Sendable {
        let text: String
        let fires: [Bool]
        var testDescription: String { text }
    }

    static let cases: [Case] = [
        .init(text: "x >= 2", fires: [false, true, false, true]),
        .init(text: "x < 2", fires: [true, false, false, false]),
        // A comparison with a missing value is false, whichever the operator.
        .init(text: "x != 3", fires: [true, true, false, true]),
        .init(text: "x <= 4", fires: [true, true, false, true]),
        .init(text: "x > 0", fires: [true, true, false, true]),
        .init(text: "x == 4", fires: [false, false, false, true]),
        .init(text: "x < 9", fires: [true, true, false, true]),
        .init(text: "x == x", fires: [true, true, false, true]),
        .init(text: "not (x >= 2)", fires: [true, false, true, false]),
        .init(text: "x < y", fires: [true, false, false, false]),
        .init(text: "x <= y", fires: [true, false, false, true]),
        .init(text: "missing(x)", fires: [false, false, true, false]),
        .init(text: "missing(x) or missing(y)", fires: [false, true, true, false]),
        .init(text: "x > 0 and y > 0", fires: [true, false, false, true]),
        .init(text: "x > 3 or y > 2", fires: [false, false, true, true]),
        // Absent column (nil): missing for every row.
        .init(text: "statin == 0", fires: [false, false, false, false]),
        .init(text: "missing(statin)", fires: [true, true, true, true]),
        .init(text: "not (statin == 1)", fires: [true, true, true, true]),
        .init(text: "1 < 2", fires: [true, true, true, true]),
        .init(text: "limit == 140 and x > 3", fires: [false, false, false, true]),
    ]

    @Test(arguments: cases)
    func evaluates(_ c: Case) throws {
        let cond = try RuleExpression.compile(c.text, resolve: resolveTest)
        #expect(cond.evaluate(rows: 4, column: { Self.columns[$0] }) == c.fires)
    }
}

/// A minimal rule file with one rule given as JSON fields.
private func ruleFile(_ rules: [String], parameters: String = "") -> String {
    """
    {"format": "riskengine.rules/1", "version": "t", \(parameters.isEmpty ? "" : "\"parameters\": {\(parameters)},")
     "rules": [\(rules.joined(separator: ","))]}
    """
}

private func rule(id: String = "r1", level: String = "watch", when: String = "sbp >= 140", en: String = "e", vi: String = "v", source: String = "s") -> String {
    let enc = { (s: String) in String(decoding: try! JSONEncoder().encode(s), as: UTF8.self) }
    return "{\"id\": \(enc(id)), \"level\": \(enc(level)), \"when\": \(enc(when)), \"reason\": {\"en\": \(enc(en)), \"vi\": \(enc(vi))}, \"source\": \(enc(source))}"
}

@Suite struct RuleFileTests {
    struct Bad: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        var overrides: [String: Double] = [:]
        let error: RuleFileError
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        .init(name: "not JSON", text: "{", error: .malformed(file: "f", problem: "not JSON")),
        .init(name: "wrong format", text: #"{"format": "riskengine.flags/1", "version": "1", "rules": []}"#,
              error: .malformed(file: "f", problem: "format must be \"riskengine.rules/1\"")),
        .init(name: "rule without when", text: #"{"format": "riskengine.rules/1", "version": "1", "rules": [{"id": "a", "level": "watch", "reason": {"en": "e", "vi": "v"}, "source": "s"}]}"#,
              error: .malformed(file: "f", problem: "missing key 'rules[0].when'")),
        .init(name: "bad id", text: ruleFile([rule(id: "bp-urgent")]), error: .badID(file: "f", index: 1, id: "bp-urgent")),
        .init(name: "empty id", text: ruleFile([rule(), rule(id: "")]), error: .badID(file: "f", index: 2, id: "")),
        .init(name: "bad level", text: ruleFile([rule(level: "alert")]), error: .badLevel(file: "f", rule: "r1", level: "alert")),
        .init(name: "duplicate id", text: ruleFile([rule(), rule()]), error: .duplicateID(file: "f", rule: "r1")),
        .init(name: "unknown column", text: ruleFile([rule(when: "sbp >= 140 or who2019_cvd_10y >= 20")]),
              error: .expression(file: "f", rule: "r1", position: 15, problem: .unknownColumn("who2019_cvd_10y"))),
        .init(name: "unparseable", text: ruleFile([rule(when: "sbp >= 140 and (dbp >= 90")]),
              error: .expression(file: "f", rule: "r1", position: 26, problem: .unexpected(found: "the end", expected: "')'"))),
        .init(name: "too deep", text: ruleFile([rule(when: String(repeating: "(", count: 70) + "sbp > 1" + String(repeating: ")", count: 70))]),
              error: .expression(file: "f", rule: "r1", position: 65, problem: .tooDeep(limit: 64))),
        .init(name: "empty reason", text: ruleFile([rule(vi: " ")]), error: .missingText(file: "f", rule: "r1", key: "reason.vi")),
        .init(name: "parameter named like a column", text: ruleFile([rule()], parameters: #""sbp": {"value": 1}"#),
              error: .badParameter(file: "f", name: "sbp", problem: .shadowsColumn)),
        .init(name: "override of an unknown parameter", text: ruleFile([rule()]), overrides: ["limit": 1],
              error: .unknownParameter(file: "f", name: "limit")),
    ]

    @Test(arguments: bad)
    func refuses(_ c: Bad) {
        #expect(throws: c.error) {
            try AlertRules.compile(c.text, file: "f", columns: known, overrides: c.overrides)
        }
    }

    @Test func errorsNameTheRuleAndTheProblem() {
        let e = RuleFileError.expression(file: "my.rules.json", rule: "r1", position: 15, problem: .unknownColumn("who2019_cvd_10y"))
        #expect(e.description == "my.rules.json: rule r1: 'when' at character 15: unknown column 'who2019_cvd_10y'")
        #expect(RuleFileError.badLevel(file: "f", rule: "r1", level: "alert").description == "f: rule r1: bad level 'alert' (watch, warning or urgent)")
        #expect(RuleFileError.badID(file: "f", index: 2, id: "a\nb").description == "f: rule 2: bad id 'a\\u{a}b' (letters, digits and _ only)")
    }

    @Test func parametersAreConstantsAndCanBeOverridden() throws {
        let text = ruleFile([rule(when: "sbp >= limit")], parameters: #""limit": {"value": 140, "source": "s"}"#)
        let base = try AlertRules.compile(text, file: "f", columns: known)
        #expect(base.rules[0].condition == .compare(.column("sbp"), .greaterOrEqual, .constant(140)))
        let changed = try AlertRules.compile(text, file: "f", columns: known, overrides: ["limit": 160], overridesIfPresent: ["absent": 1])
        #expect(changed.rules[0].condition == .compare(.column("sbp"), .greaterOrEqual, .constant(160)))
        #expect(changed.canonicalFields == ["sbp"])
    }

    @Test func realOutputColumnsAreKnown() {
        for c in ["who2019_lab_cvd_10y", "egfr_ckdepi2021", "kfre_4var_kf_5y", "kfre_8var_kf_5y", "score2_cvd_10y", "hypertension", "cvd_risk_10y"] {
            #expect(known.contains(c), "\(c)")
        }
        #expect(!known.contains("findrisc_band"))  // a label column, not a number
        #expect(!known.contains("sex"))  // a category
    }
}

@Suite struct DefaultRuleTests {
    static let rules: AlertRules = {
        do { return try AlertRules.bundled(columns: known) } catch { fatalError("\(error)") }
    }()

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        /// Canonical cells as text (read by the same cell reader as the pipeline).
        let row: [String: String]
        /// Model output columns (risks in percent).
        var outputs: [String: Double] = [:]
        let fires: Set<String>
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        .init(name: "normal BP, nothing known", row: ["sbp": "120", "dbp": "80"], fires: []),
        .init(name: "urgent by SBP", row: ["sbp": "180", "dbp": "80"], fires: ["bp_urgent", "bp_high_risk"]),
        .init(name: "urgent by DBP", row: ["sbp": "150", "dbp": "110"], fires: ["bp_urgent", "bp_high_risk"]),
        .init(name: "just below urgent", row: ["sbp": "179", "dbp": "109"], fires: ["bp_high_risk"]),
        .init(name: "implausible SBP is missing", row: ["sbp": "1320", "dbp": "80"], fires: []),
        .init(name: "undetected", row: ["sbp": "140", "dbp": "80", "hypertension": "0", "bp_treated": "0"], fires: ["bp_undetected"]),
        .init(name: "undetected by DBP, treatment unknown", row: ["sbp": "130", "dbp": "90", "hypertension": "0"], fires: ["bp_undetected"]),
        .init(name: "not undetected below 140/90", row: ["sbp": "139", "dbp": "89", "hypertension": "0"], fires: []),
        .init(name: "diagnosis unknown: not undetected", row: ["sbp": "150", "dbp": "95"], fires: []),
        .init(name: "untreated", row: ["sbp": "130", "dbp": "80", "hypertension": "1", "bp_treated": "0"], fires: ["htn_untreated"]),
        .init(name: "treatment unknown: not untreated", row: ["hypertension": "1"], fires: []),
        .init(name: "uncontrolled", row: ["sbp": "145", "dbp": "85", "hypertension": "1", "bp_treated": "1"], fires: ["htn_uncontrolled"]),
        .init(name: "controlled", row: ["sbp": "135", "dbp": "85", "hypertension": "1", "bp_treated": "1"], fires: []),
        .init(name: "uncontrolled and high risk", row: ["sbp": "165", "dbp": "85", "bp_treated": "1"], fires: ["htn_uncontrolled", "bp_high_risk"]),
        .init(name: "diabetes suspected by glucose", row: ["fasting_glucose": "7.0", "diabetes": "0"], fires: ["diabetes_suspected"]),
        .init(name: "diabetes suspected by HbA1c", row: ["hba1c": "6.5", "diabetes": "0"], fires: ["diabetes_suspected"]),
        .init(name: "below diabetes thresholds", row: ["fasting_glucose": "6.9", "hba1c": "6.4", "diabetes": "0"], fires: []),
        .init(name: "known diabetes", row: ["fasting_glucose": "9", "diabetes": "1"], fires: []),
        .init(name: "high risk without statin", row: ["statin": "0"], outputs: ["who2019_lab_cvd_10y": 20, "cvd_risk_10y": 20], fires: ["cvd_high_no_statin"]),
        .init(name: "high risk on a statin", row: ["statin": "1"], outputs: ["cvd_risk_10y": 25], fires: []),
        .init(name: "below high risk", row: ["statin": "0"], outputs: ["cvd_risk_10y": 19.99], fires: []),
        .init(name: "BP 160/100 high risk", row: ["sbp": "160", "dbp": "70"], fires: ["bp_high_risk"]),
        .init(name: "BP 159/99", row: ["sbp": "159", "dbp": "99"], fires: []),
        .init(name: "eGFR low (input)", row: ["egfr": "59.9"], fires: ["egfr_low"]),
        .init(name: "eGFR 60", row: ["egfr": "60"], fires: []),
        .init(name: "eGFR low (model output)", row: [:], outputs: ["egfr_ckdepi2021": 45], fires: ["egfr_low"]),
        .init(name: "KFRE referral", row: [:], outputs: ["kfre_4var_kf_5y": 5], fires: ["kfre_referral"]),
        .init(name: "KFRE 8-var referral", row: [:], outputs: ["kfre_4var_kf_5y": 4.99, "kfre_8var_kf_5y": 7], fires: ["kfre_referral"]),
        .init(name: "KFRE below", row: [:], outputs: ["kfre_4var_kf_5y": 4.99], fires: []),
    ]

    @Test(arguments: cases)
    func defaultRule(_ c: Case) {
        let chunk = RecordChunk.fromTextRows([c.row])
        var columns = Self.rules.chunkColumns(chunk: chunk, models: [], scores: [])
        for (k, v) in c.outputs { columns[k] = [v] }
        let fired = Self.rules.evaluate(rows: 1, columns: columns)
        let ids = Set(zip(Self.rules.rules, fired).filter { $0.1[0] }.map(\.0.id))
        #expect(ids == c.fires)
    }

    @Test func everyDefaultRuleHasReasonsAndASource() {
        #expect(Self.rules.rules.map(\.id) == [
            "bp_urgent", "bp_undetected", "htn_untreated", "htn_uncontrolled", "diabetes_suspected",
            "cvd_high_no_statin", "bp_high_risk", "egfr_low", "kfre_referral",
        ])
        for r in Self.rules.rules {
            #expect(!r.reasonEnglish.isEmpty && !r.reasonVietnamese.isEmpty && r.source.count > 20, "\(r.id)")
        }
        #expect(Self.rules.rules.first?.level == .urgent)
    }

    @Test func highRiskThresholdCanBeTenPercent() throws {
        let ten = try AlertRules.bundled(columns: known, overrides: ["cvd_high_risk": 10])
        let fired = ten.evaluate(rows: 2, columns: ["cvd_risk_10y": [10, 9.99], "statin": [0, 0]])
        let k = ten.rules.firstIndex { $0.id == "cvd_high_no_statin" }!
        #expect(fired[k] == [true, false])
    }

    @Test func bandRiskIsTheFirstScoredModelsTenYearRisk() throws {
        let models = [try library.model("score2"), try library.model("who2019_lab")]
        let scores = [
            ModelScores(risks: [[.nan, 12]], statuses: [.ok, .ok]),
            ModelScores(risks: [[22, 30]], statuses: [.ok, .ok]),
        ]
        let cols = Self.rules.chunkColumns(chunk: RecordChunk(count: 2), models: models, scores: scores)
        #expect(cols["cvd_risk_10y"] == [22, 12])
    }
}

@Suite struct RuleFlagsInScoreOutputTests {
    @Test func firedRuleIdsFollowTheBandCodes() throws {
        var options = ScoreOptions(models: [try library.model("pce2013")], flags: rules, threads: 1)
        options.alertRules = try AlertRules.bundled(columns: known, overrides: ["cvd_high_risk": 10])
        let input = """
            id,age,sex,race,smoker,diabetes,bp_treated,sbp,dbp,total_chol,hdl,hypertension,statin,hba1c
            a1,55,female,white,0,0,0,120,80,5.508145849,1.292991983,0,0,5.5
            a2,65,male,white,1,0,0,185,95,6.5,0.9,0,0,7.1
            a3,55,female,white,0,0,1,150,80,5.5,1.3,1,1,
            a4,55,female
            """ + "\n"
        var source = MemorySource(input)
        let collector = MemorySink()
        var sink = collector.sink
        let summary = try ScoreRun.run(source: &source, sink: &sink, options: options)
        let out = lines(collector.text)
        #expect(out[1] == "a1,2.05,ok,pce2013:risk_lt5")
        #expect(out[2].contains(",ok,pce2013:risk_"))
        #expect(out[2].hasSuffix(";bp_urgent;bp_undetected;diabetes_suspected;cvd_high_no_statin;bp_high_risk"))
        #expect(out[3].hasSuffix(",ok,pce2013:risk_lt5;htn_uncontrolled"))
        // A malformed row gets no rule flags.
        #expect(out[4] == "a4,,invalid:row,")
        #expect(summary.flagCounts["bp_urgent"] == 1)
        #expect(summary.flagCounts["htn_uncontrolled"] == 1)
        #expect(summary.absentFields.isEmpty)
    }
}

@Suite struct KnownColumnsTests {
    /// The columns a rule may name come from the library's index, without compiling a model, and
    /// are those the compiled models give.
    @Test func theLibraryIndexGivesTheCompiledModelsColumns() throws {
        let fresh = try ModelLibrary.embedded()
        #expect(AlertRules.knownColumns(library: fresh) == AlertRules.knownColumns(models: allModels))
        #expect(fresh.compiledIDs.isEmpty)
    }
}
