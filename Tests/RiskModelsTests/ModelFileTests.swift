import Foundation
import RiskCore
import RiskModels
import RiskTestSupport
import Testing

/// The model-file format: a small hand-made model exercises every feature kind and link, and
/// malformed files fail with the file, the key and the problem.
@Suite struct ModelFileTests {
    /// A toy model: one numeric input x (age), a category (sex) and a flag (smoker), every
    /// feature kind, two strata, two outcomes (Cox and, in `logisticToy`, logistic).
    static let toy = """
    {
      "format": "riskengine.model/1", "id": "toy", "title": "Toy", "version": "1",
      "citation": {"reference": "none", "doi": "10.0/toy", "table": "none"},
      "outcomes": [{"id": "a", "horizon_years": 10, "description": "a"}, {"id": "b", "horizon_years": 5, "description": "b"}],
      "inputs": [{"field": "age", "min": 20, "max": 80, "outside": "not_applicable"}, {"field": "sex"},
                 {"field": "smoker"}, {"field": "sbp", "min": 90, "max": 200}],
      "exclusions": [{"field": "smoker", "equals": 1, "reason": "smoker_excluded_for_test"}],
      "features": [
        {"name": "lin", "kind": "linear", "input": "age", "center": 50, "scale": 10},
        {"name": "lg", "kind": "log", "input": "age", "multiplier": 2, "center": 1},
        {"name": "hu", "kind": "hinge", "input": "sbp", "knot": 140},
        {"name": "hd", "kind": "hinge", "input": "sbp", "knot": 120, "side": "below"},
        {"name": "male", "kind": "indicator", "input": "sex", "equals": "male"},
        {"name": "prod", "kind": "product", "of": ["lin", "hu"]}
      ],
      "link": "cox",
      "strata": [
        {"id": "female", "when": {"sex": ["female"]}, "equations": {
          "a": {"coefficients": {"lin": 0.5, "lg": 0.1, "hu": 0.01, "hd": -0.02, "prod": 0.003}, "baseline_survival": 0.9, "mean_linear_predictor": 0.2},
          "b": {"coefficients": {"lin": 0.4}, "baseline_survival": 0.95}}},
        {"id": "male", "when": {"sex": ["male"]}, "equations": {
          "a": {"coefficients": {"lin": 0.6, "male": 0.3}, "baseline_survival": 0.85, "mean_linear_predictor": 0.1},
          "b": {"coefficients": {"lin": 0.2}, "baseline_survival": 0.97}}}
      ],
      "examples": []
    }
    """

    /// The same arithmetic written out by hand (the "linear predictor equals coefficients times
    /// features" identity).
    static func byHand(age: Double, male: Bool, sbp: Double) -> (Double, Double) {
        let lin = (age - 50) / 10
        let lg = log(age * 2) - 1
        let hu = max(sbp - 140, 0)
        let hd = max(120 - sbp, 0)
        if male {
            let a = 1 - pow(0.85, exp(0.6 * lin + 0.3 - 0.1))
            let b = 1 - pow(0.97, exp(0.2 * lin))
            return (a * 100, b * 100)
        }
        let lpA = 0.5 * lin + 0.1 * lg + 0.01 * hu - 0.02 * hd + 0.003 * lin * hu
        let a = 1 - pow(0.9, exp(lpA - 0.2))
        let b = 1 - pow(0.95, exp(0.4 * lin))
        return (a * 100, b * 100)
    }

    @Test func everyFeatureKindAndTheCoxLinkMatchHandArithmetic() throws {
        let model = try ModelLoader.compile(json: Self.toy, file: "toy.json")
        #expect(model.outputColumns == ["toy_a_10y", "toy_b_5y"])
        var rng = SplitMix(seed: 3)
        var rows: [[String: String]] = []
        var expected: [(Double, Double)] = []
        for _ in 0..<100 {
            let age = (20 + rng.nextDouble() * 60).rounded()
            let sbp = (90 + rng.nextDouble() * 110).rounded()
            let male = rng.nextDouble() < 0.5
            rows.append(["age": "\(Int(age))", "sex": male ? "male" : "female", "smoker": "0", "sbp": "\(Int(sbp))"])
            expected.append(Self.byHand(age: age, male: male, sbp: sbp))
        }
        for (r, e) in zip(scoreRows(model, rows), expected) {
            #expect(r.status == "ok")
            #expect(isClose(r.risks[0], e.0, relative: 1e-12))
            #expect(isClose(r.risks[1], e.1, relative: 1e-12))
        }
    }

    @Test func logisticLinkAndRecalibration() throws {
        // logistic: p = 1/(1+exp(-(b0 + b·x))); recalibration 1 − exp(−exp(s1 + s2 ln(−ln(1 − p)))).
        let json = """
        {"format": "riskengine.model/1", "id": "logit", "title": "t", "version": "1",
         "citation": {"reference": "r", "doi": "d", "table": "t"},
         "outcomes": [{"id": "y", "horizon_years": 10, "description": "y"}],
         "inputs": [{"field": "age"}, {"field": "score2_region"}],
         "features": [{"name": "x", "kind": "linear", "input": "age"}],
         "link": "logistic",
         "strata": [{"id": "all", "when": {}, "equations": {"y": {"coefficients": {"x": 0.05}, "intercept": -4}}}],
         "recalibration": {"kind": "cloglog", "by": "score2_region", "source": "test",
           "scales": {"low": {"all": [0, 1]}, "high": {"all": [0.5, 0.9]}}},
         "examples": []}
        """
        let model = try ModelLoader.compile(json: json, file: "logit.json")
        let r = scoreRows(model, [
            ["age": "60", "score2_region": "low"], ["age": "60", "score2_region": "high"],
            ["age": "60", "score2_region": "moderate"],
        ])
        let p = 1 / (1 + exp(-(-4 + 0.05 * 60)))
        #expect(isClose(r[0].risks[0], p * 100, relative: 1e-12))
        let q = 1 - exp(-exp(0.5 + 0.9 * log(-log(1 - p))))
        #expect(isClose(r[1].risks[0], q * 100, relative: 1e-12))
        #expect(r[2].status == "not_applicable:no_recalibration_for_score2_region")
        #expect(r[2].risks[0].isNaN)
    }

    struct StatusCase: CustomTestStringConvertible, Sendable {
        let name: String
        let row: [String: String]
        let status: String
        var testDescription: String { name }
    }

    static let statusCases: [StatusCase] = [
        .init(name: "ok", row: ["age": "50", "sex": "female", "smoker": "0", "sbp": "120"], status: "ok"),
        .init(name: "missing one", row: ["age": "50", "sex": "female", "smoker": "0"], status: "missing:sbp"),
        .init(name: "missing two, in input order", row: ["age": "50", "smoker": "0"], status: "missing:sex+sbp"),
        .init(name: "empty cell is missing", row: ["age": "", "sex": "female", "smoker": "0", "sbp": "120"], status: "missing:age"),
        .init(name: "garbage number", row: ["age": "5O", "sex": "female", "smoker": "0", "sbp": "120"], status: "invalid:age"),
        .init(name: "flag not 0/1", row: ["age": "50", "sex": "female", "smoker": "2", "sbp": "120"], status: "invalid:smoker"),
        .init(name: "unknown category", row: ["age": "50", "sex": "x", "smoker": "0", "sbp": "120"], status: "invalid:sex"),
        .init(name: "invalid wins over missing", row: ["age": "abc", "smoker": "0", "sbp": "120"], status: "invalid:age"),
        .init(name: "model range, out_of_range policy", row: ["age": "50", "sex": "female", "smoker": "0", "sbp": "85"], status: "out_of_range:sbp"),
        .init(name: "implausible value", row: ["age": "50", "sex": "female", "smoker": "0", "sbp": "1320"], status: "out_of_range:sbp"),
        .init(name: "age outside: not applicable", row: ["age": "19", "sex": "female", "smoker": "0", "sbp": "120"], status: "not_applicable:age_below_20"),
        .init(name: "age above: not applicable", row: ["age": "80.5", "sex": "male", "smoker": "0", "sbp": "120"], status: "not_applicable:age_above_80"),
        .init(name: "implausible age is out of range", row: ["age": "555", "sex": "male", "smoker": "0", "sbp": "120"], status: "out_of_range:age"),
        .init(name: "exclusion", row: ["age": "50", "sex": "male", "smoker": "1", "sbp": "120"], status: "not_applicable:smoker_excluded_for_test"),
        .init(name: "out of range wins over not applicable", row: ["age": "19", "sex": "male", "smoker": "0", "sbp": "80"], status: "out_of_range:sbp"),
        .init(name: "1e309 is invalid, not infinity", row: ["age": "50", "sex": "male", "smoker": "0", "sbp": "1e309"], status: "invalid:sbp"),
        .init(name: "NaN text is invalid", row: ["age": "NaN", "sex": "male", "smoker": "0", "sbp": "120"], status: "invalid:age"),
        .init(name: "Vietnamese sex word", row: ["age": "50", "sex": "Nữ", "smoker": "0", "sbp": "120"], status: "ok"),
    ]

    @Test(arguments: statusCases)
    func rowStatus(_ c: StatusCase) throws {
        let model = try ModelLoader.compile(json: Self.toy, file: "toy.json")
        let r = scoreRows(model, [c.row])[0]
        #expect(r.status == c.status)
        if c.status == "ok" {
            #expect(r.risks.allSatisfy { $0.isFinite })
        } else {
            #expect(r.risks.allSatisfy { $0.isNaN }, "a row that is not ok never gets a number")
        }
    }

    struct BadFile: CustomTestStringConvertible, Sendable {
        let name: String
        let edit: @Sendable (String) -> String
        let key: String
        let problemContains: String
        var testDescription: String { name }
    }

    static let badFiles: [BadFile] = [
        .init(name: "not JSON", edit: { _ in "{ nope" }, key: "", problemContains: "JSON"),
        .init(name: "missing key", edit: { $0.replacingOccurrences(of: "\"title\": \"Toy\",", with: "") }, key: "title", problemContains: "missing"),
        .init(name: "wrong type", edit: { $0.replacingOccurrences(of: "\"horizon_years\": 10", with: "\"horizon_years\": \"ten\"") }, key: "outcomes[0].horizon_years", problemContains: "expected a number"),
        .init(name: "wrong format", edit: { $0.replacingOccurrences(of: "riskengine.model/1", with: "riskengine.model/9") }, key: "format", problemContains: "expected"),
        .init(name: "unknown field", edit: { $0.replacingOccurrences(of: "{\"field\": \"smoker\"}", with: "{\"field\": \"smokr\"}") }, key: "inputs[2].field", problemContains: "unknown field \"smokr\" (not canonical, not declared in columns)"),
        .init(name: "survival outside (0,1)", edit: { $0.replacingOccurrences(of: "\"baseline_survival\": 0.9,", with: "\"baseline_survival\": 1.9,") }, key: "strata[0].equations.a.baseline_survival", problemContains: "(0, 1)"),
        .init(name: "coefficient of unknown feature", edit: { $0.replacingOccurrences(of: "\"male\": 0.3", with: "\"mal\": 0.3") }, key: "strata[1].equations.a.coefficients.mal", problemContains: "no feature"),
        .init(name: "product of later feature", edit: { $0.replacingOccurrences(of: "[\"lin\", \"hu\"]", with: "[\"lin\", \"zz\"]") }, key: "features[5].of", problemContains: "not a feature"),
        .init(name: "bad category value", edit: { $0.replacingOccurrences(of: "\"when\": {\"sex\": [\"female\"]}", with: "\"when\": {\"sex\": [\"woman\"]}") }, key: "strata[0].when.sex", problemContains: "not a value"),
        .init(name: "missing outcome equation", edit: { $0.replacingOccurrences(of: "\"b\": {\"coefficients\": {\"lin\": 0.2}, \"baseline_survival\": 0.97}", with: "\"c\": {\"coefficients\": {}, \"baseline_survival\": 0.97}") }, key: "strata[1].equations.b", problemContains: "missing equation"),
        .init(name: "min above max", edit: { $0.replacingOccurrences(of: "\"min\": 90, \"max\": 200", with: "\"min\": 300, \"max\": 200") }, key: "inputs[3]", problemContains: "above max"),
    ]

    @Test(arguments: badFiles)
    func malformedFileNamesFileKeyAndProblem(_ c: BadFile) {
        do {
            _ = try ModelLoader.compile(json: c.edit(Self.toy), file: "Models/toy.json")
            Issue.record("\(c.name): expected an error")
        } catch {
            switch error {
            case .malformed(let file, let key, let problem), .invalid(let file, let key, let problem):
                #expect(file == "Models/toy.json")
                if !c.key.isEmpty { #expect(key == c.key, "\(c.name): \(error)") }
                #expect(problem.contains(c.problemContains), "\(c.name): \(error)")
            default:
                Issue.record("\(c.name): unexpected \(error)")
            }
        }
    }

    @Test func duplicateIDsAreRejected() throws {
        let m = try ModelLoader.compile(json: Self.toy, file: "a.json")
        let n = try ModelLoader.compile(json: Self.toy, file: "b.json")
        #expect(throws: ModelFileError.duplicateID(id: "toy", files: ["a.json", "b.json"])) {
            try ModelLibrary(models: [m, n])
        }
    }

    @Test func everyShippedModelCarriesItsSource() {
        for m in allModels {
            let c = m.definition.citation
            #expect(!c.doi.isEmpty && !c.table.isEmpty && !c.reference.isEmpty, "\(m.id)")
            #expect(m.definition.inputs.allSatisfy { CanonicalSchema.byName[$0.field] != nil })
        }
        #expect(allModels.map(\.id) == [
            "egfr_ckdepi2021", "findrisc", "framingham2008_bmi", "framingham2008_lab", "globorisk_fatal",
            "globorisk_lab", "globorisk_office", "kfre_4var", "kfre_8var",
            "pce2013", "prevent2023_base", "prevent2023_full", "prevent2023_hba1c", "prevent2023_sdi",
            "prevent2023_uacr", "qrisk3", "score2", "score2_op", "who2019_lab", "who2019_lab_chart",
            "who2019_nonlab", "who2019_nonlab_chart",
        ])
    }

    @Test func scoringSeveralModelsInOnePassEqualsScoringEachAlone() throws {
        let rows = (0..<50).map { i -> [String: String] in
            ["age": "\(45 + i % 30)", "sex": i % 2 == 0 ? "male" : "female", "race": ["white", "black", "other"][i % 3],
             "smoker": "\(i % 2)", "diabetes": "0", "bp_treated": "\(i / 2 % 2)", "sbp": "\(110 + i)",
             "total_chol": "5.2", "hdl": "1.3", "bmi": "24", "score2_region": "high"]
        }
        let chunk = RecordChunk.fromTextRows(rows)
        let together = Evaluator(models: allModels).score(chunk)
        for (k, m) in allModels.enumerated() {
            let alone = Evaluator(models: [m]).score(chunk)[0]
            #expect(alone.statuses == together[k].statuses)
            for o in alone.risks.indices {
                for r in 0..<rows.count {
                    #expect(alone.risks[o][r].bitPattern == together[k].risks[o][r].bitPattern)
                }
            }
        }
    }
}
