import Foundation
import RiskCore
@testable import RiskModels
import RiskTestSupport
import Testing

/// Model files may read columns that are not canonical fields (`columns`): declared with a kind,
/// checked like canonical fields, indexed after the canonical ones, shared across a folder.
@Suite struct LocalColumnTests {
    /// A logistic model on a local 0/1 column and a local laboratory value, stratified by a
    /// local code column.
    static func model(id: String = "loc", columns: String? = nil, strataWhen: String = "\"site\": [\"1\"]") -> String {
        let cols = columns ?? """
        [{"name": "male", "kind": "binary", "meaning": "0/1"},
         {"name": "crp_local", "kind": "numeric", "unit": "mg/L", "min": 0, "max": 500, "meaning": "CRP"},
         {"name": "site", "kind": "code", "min": 1, "max": 3, "meaning": "site"}]
        """
        return """
        {
          "format": "riskengine.model/1", "id": "\(id)", "title": "Local", "version": "1",
          "citation": {"reference": "none", "doi": "10.0/none", "table": "none"},
          "outcomes": [{"id": "e", "column": "\(id)_e", "description": "e"}],
          "columns": \(cols),
          "inputs": [{"field": "age", "min": 20, "max": 80}, {"field": "male"}, {"field": "crp_local", "min": 0.1, "max": 100}, {"field": "site"}],
          "features": [
            {"name": "age", "kind": "linear", "input": "age"},
            {"name": "male", "kind": "linear", "input": "male"},
            {"name": "lcrp", "kind": "log", "input": "crp_local"}
          ],
          "link": "logistic",
          "strata": [
            {"id": "one", "when": {\(strataWhen)}, "equations": {"e": {"coefficients": {"age": 0.05, "male": 0.4, "lcrp": 0.3}, "intercept": -5}}},
            {"id": "other", "when": {}, "equations": {"e": {"coefficients": {"age": 0.05, "male": 0.4, "lcrp": 0.3}, "intercept": -4}}}
          ],
          "examples": [], "examples_none_reason": "test model"
        }
        """
    }

    static func probability(age: Double, male: Double, crp: Double, intercept: Double) -> Double {
        100 / (1 + exp(-(intercept + 0.05 * age + 0.4 * male + 0.3 * log(crp))))
    }

    @Test func localColumnsAreIndexedAfterTheCanonicalFieldsAndScored() throws {
        let m = try ModelLoader.compile(json: Self.model(), file: "loc.json")
        let canonical = CanonicalSchema.fields.count
        #expect(m.fields.fields.count == canonical + 3)
        #expect(m.fields.localFields.map(\.name) == ["crp_local", "male", "site"])
        #expect(m.fields.indexByName["age"] == CanonicalSchema.indexByName["age"])
        #expect(Set(m.requiredFields) == ["age", "male", "crp_local", "site"])
        let rows: [[String: String]] = [
            ["age": "50", "male": "1", "crp_local": "3", "site": "1"],
            ["age": "50", "male": "0", "crp_local": "3", "site": "2"],
            ["age": "50", "male": "", "crp_local": "3", "site": "2"],
            ["age": "50", "male": "1", "crp_local": "300", "site": "2"],
            ["age": "50", "male": "1", "crp_local": "600", "site": "2"],
            ["age": "50", "male": "1", "crp_local": "3", "site": "7"],
        ]
        let scores = Evaluator(models: [m]).score(RecordChunk.fromTextRows(rows, fields: m.fields))[0]
        #expect(abs(scores.risks[0][0] - Self.probability(age: 50, male: 1, crp: 3, intercept: -5)) <= Tolerance.blas * 100)
        #expect(abs(scores.risks[0][1] - Self.probability(age: 50, male: 0, crp: 3, intercept: -4)) <= Tolerance.blas * 100)
        let statuses = (0..<rows.count).map { m.render(scores.statuses[$0]) }
        #expect(statuses == ["ok", "ok", "missing:male", "out_of_range:crp_local", "out_of_range:crp_local", "invalid:site"])
    }

    struct BadCase: Sendable, CustomStringConvertible {
        let name: String
        let columns: String
        let problem: String
        var description: String { name }
    }

    @Test(arguments: [
        BadCase(name: "canonical name", columns: #"[{"name": "sbp", "kind": "numeric", "unit": "mmHg", "meaning": "x"}]"#, problem: "canonical field"),
        BadCase(name: "bad name", columns: #"[{"name": "Male", "kind": "binary", "meaning": "x"}]"#, problem: "lower-case"),
        BadCase(name: "unknown kind", columns: #"[{"name": "male", "kind": "text", "meaning": "x"}]"#, problem: "kind must be"),
        BadCase(name: "numeric without unit", columns: #"[{"name": "crp_local", "kind": "numeric", "meaning": "x"}]"#, problem: "unit"),
        BadCase(name: "code beyond 63", columns: #"[{"name": "site", "kind": "code", "min": 0, "max": 99, "meaning": "x"}]"#, problem: "0-63"),
        BadCase(name: "declared twice", columns: #"[{"name": "male", "kind": "binary", "meaning": "x"}, {"name": "male", "kind": "binary", "meaning": "x"}]"#, problem: "twice"),
    ])
    func badDeclarationsNameTheKey(_ c: BadCase) throws {
        let r = Result { () throws(ModelFileError) in try ModelLoader.compile(json: Self.model(columns: c.columns), file: "loc.json") }
        guard case .failure(.invalid(_, let key, let problem)) = r else {
            Issue.record("expected an invalid-file error, got \(r)")
            return
        }
        #expect(key.hasPrefix("columns"))
        #expect(problem.contains(c.problem), "\(problem)")
    }

    @Test func strataSelectByBinaryAndCodeValues() throws {
        // `when` on a 0/1 column; a value outside the column's range is refused.
        let byMale = try ModelLoader.compile(json: Self.model(strataWhen: "\"male\": [\"1\"]"), file: "loc.json")
        let rows: [[String: String]] = [["age": "40", "male": "1", "crp_local": "2", "site": "3"], ["age": "40", "male": "0", "crp_local": "2", "site": "3"]]
        let s = Evaluator(models: [byMale]).score(RecordChunk.fromTextRows(rows, fields: byMale.fields))[0]
        #expect(abs(s.risks[0][0] - Self.probability(age: 40, male: 1, crp: 2, intercept: -5)) <= Tolerance.blas * 100)
        #expect(abs(s.risks[0][1] - Self.probability(age: 40, male: 0, crp: 2, intercept: -4)) <= Tolerance.blas * 100)
        let bad = Result { () throws(ModelFileError) in
            try ModelLoader.compile(json: Self.model(strataWhen: "\"site\": [\"9\"]"), file: "loc.json")
        }
        guard case .failure(.invalid(_, let key, _)) = bad else { Issue.record("site 9 accepted"); return }
        #expect(key == "strata[0].when.site")
    }

    /// Two files of one folder share a column by name (same declaration); a different declaration
    /// of the same name is refused naming the file.
    @Test func aFolderSharesItsLocalColumns() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("riskengine-local-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(Self.model(id: "loc_a").utf8).write(to: dir.appendingPathComponent("a.json"))
        try Data(Self.model(id: "loc_b").utf8).write(to: dir.appendingPathComponent("b.json"))
        let lib = try ModelLibrary.embedded(plus: dir)
        let a = try lib.model("loc_a"), b = try lib.model("loc_b")
        #expect(a.fields == b.fields)
        #expect(try lib.model("pce2013").fields == .canonical)
        let other = #"[{"name": "male", "kind": "binary", "meaning": "0/1"}, {"name": "crp_local", "kind": "numeric", "unit": "mg/dL", "min": 0, "max": 50, "meaning": "CRP"}, {"name": "site", "kind": "code", "min": 1, "max": 3, "meaning": "site"}]"#
        try Data(Self.model(id: "loc_b", columns: other).utf8).write(to: dir.appendingPathComponent("b.json"))
        let r = Result { () throws(ModelFileError) in try ModelLibrary.embedded(plus: dir) }
        guard case .failure(.invalid(let file, let key, _)) = r else { Issue.record("conflicting declarations accepted"); return }
        #expect(file.hasSuffix("b.json") && key == "columns")
    }
}

/// Annual-hazard age classes: the evaluator steps whole-number classes in integers; the class
/// must be the floating-point formula's, floor((x − start) / width) + first, for every whole age
/// (also below the start) and class layout.
@Suite struct AgeClassStepTests {
    @Test(arguments: [(40.0, 5.0, 1.0), (0, 1, 0), (35, 10, 3), (-20, 7, -2), (42, 3, 0)])
    func integerClassesEqualTheFormula(_ c: (start: Double, width: Double, first: Double)) {
        let classes = ModelDefinition.AgeClasses(start: c.start, width: c.width, first: c.first)
        for x in -120...200 {
            let formula = DataTable.ageClass(Double(x), classes)
            let stepped = DataTable.floorDivide(x - Int(c.start), Int(c.width)) + Int(c.first)
            #expect(Double(stepped) == formula, "age \(x)")
        }
    }
}
