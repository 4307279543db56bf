import Foundation
import RiskCore
import RiskModels
import RiskTestSupport
import Testing

/// Loading model folders (`--models-dir`): every file is checked at load (finite, plausible
/// numbers; its worked examples reproduced; examples present or their absence explained), and
/// each library keeps its own data tables.
@Suite struct ModelLibraryLoadingTests {
    /// A small model reading a table: value = age − mean[sex] (identity link), with `examples`
    /// and `extra` spliced in.
    static func tableModel(id: String, examples: String, coefficient: String = "1", extra: String = "") -> String {
        """
        {
          "format": "riskengine.model/1", "id": "\(id)", "title": "Table toy", "version": "1",
          "citation": {"reference": "none", "doi": "10.0/toy", "table": "none"},
          "outcomes": [{"id": "v", "column": "\(id)_v", "scale": "value", "unit": "years", "description": "age above the table mean"}],
          "inputs": [{"field": "age", "min": 18, "max": 90}, {"field": "sex"}],
          "tables": {"means": {"file": "tables/means.csv", "key": [{"column": "sex", "field": "sex", "map": {"male": 0, "female": 1}}]}},
          "features": [{"name": "c", "kind": "linear", "input": "age", "center_from": {"table": "means", "column": "mean"}}],
          "link": "identity",
          "strata": [{"id": "all", "when": {}, "equations": {"v": {"coefficients": {"c": \(coefficient)}}}}],
          \(extra)
          "examples": \(examples)
        }
        """
    }

    static func example(id: String, age: Int, sex: String, expected: Double, tolerance: Double = 1e-9) -> String {
        """
        {"source": "by hand", "inputs": {"age": \(age), "sex": "\(sex)"}, "expected": {"\(id)_v": \(expected)}, "tolerance_pp": \(tolerance)}
        """
    }

    /// A fresh folder holding `files` (relative path → text).
    static func folder(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("riskmodels-\(UUID().uuidString)")
        for (path, text) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }

    static func load(_ dir: URL) -> Result<ModelLibrary, ModelFileError> {
        Result { () throws(ModelFileError) in try ModelLibrary.embedded(plus: dir) }
    }

    @Test func twoTablesOfTheSameSizeInTwoFoldersAreEachUsed() throws {
        // Same file name, same byte count, different means.
        let tableA = "sex,mean\n0,10\n1,20\n"
        let tableB = "sex,mean\n0,30\n1,40\n"
        #expect(tableA.utf8.count == tableB.utf8.count)
        let a = try Self.folder([
            "toy.json": Self.tableModel(id: "tabletoy", examples: "[" + Self.example(id: "tabletoy", age: 50, sex: "male", expected: 40) + "]"),
            "tables/means.csv": tableA,
        ])
        let b = try Self.folder([
            "toy.json": Self.tableModel(id: "tabletoy", examples: "[" + Self.example(id: "tabletoy", age: 50, sex: "male", expected: 20) + "]"),
            "tables/means.csv": tableB,
        ])
        defer {
            try? FileManager.default.removeItem(at: a)
            try? FileManager.default.removeItem(at: b)
        }
        let libA = try ModelLibrary.embedded(plus: a)
        let libB = try ModelLibrary.embedded(plus: b)
        let rows = [["age": "50", "sex": "male"], ["age": "50", "sex": "female"]]
        let fromA = scoreRows(try libA.model("tabletoy"), rows)
        let fromB = scoreRows(try libB.model("tabletoy"), rows)
        #expect(fromA.map(\.risks[0]) == [40, 30])
        #expect(fromB.map(\.risks[0]) == [20, 10])
    }

    struct Refused: CustomTestStringConvertible, Sendable {
        let name: String
        let file: String
        let check: @Sendable (ModelFileError) -> Bool
        var testDescription: String { name }
    }

    static let good = "[" + example(id: "tabletoy", age: 50, sex: "male", expected: 40) + "]"
    static let refused: [Refused] = [
        .init(name: "coefficient 1e308", file: tableModel(id: "tabletoy", examples: good, coefficient: "1e308")) {
            if case .implausibleNumber(_, let key, _, _) = $0 { return key == "strata[0].equations.v.coefficients.c" }
            return false
        },
        .init(name: "failing example", file: tableModel(id: "tabletoy", examples: "[" + example(id: "tabletoy", age: 50, sex: "male", expected: 40) + ", " + example(id: "tabletoy", age: 60, sex: "female", expected: 41, tolerance: 0.5) + "]")) {
            if case .exampleFailed(_, let example, let column, let expected, let got, let tolerance, _) = $0 {
                return example == 1 && column == "tabletoy_v" && expected == 41 && got == 40 && tolerance == 0.5
            }
            return false
        },
        .init(name: "example that does not score", file: tableModel(id: "tabletoy", examples: "[" + example(id: "tabletoy", age: 95, sex: "male", expected: 85) + "]")) {
            if case .exampleFailed(_, 0, "tabletoy_v", 85, nil, _, let status) = $0 { return status.hasPrefix("out_of_range") }
            return false
        },
        .init(name: "no examples and no reason", file: tableModel(id: "tabletoy", examples: "[]")) {
            if case .noExamples = $0 { return true }
            return false
        },
        .init(name: "empty reason", file: tableModel(id: "tabletoy", examples: "[]", extra: #""examples_none_reason": " ","#)) {
            if case .noExamples = $0 { return true }
            return false
        },
        .init(name: "negative tolerance", file: tableModel(id: "tabletoy", examples: "[" + example(id: "tabletoy", age: 50, sex: "male", expected: 40, tolerance: -1) + "]")) {
            if case .invalid(_, let key, _) = $0 { return key == "examples[0].tolerance_pp" }
            return false
        },
    ]

    @Test(arguments: refused)
    func implausibleOrUnverifiedFilesAreRefused(_ c: Refused) throws {
        let dir = try Self.folder(["toy.json": c.file, "tables/means.csv": "sex,mean\n0,10\n1,20\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        switch Self.load(dir) {
        case .success: Issue.record("\(c.name): the folder loaded")
        case .failure(let e):
            #expect(c.check(e), "\(c.name): \(e)")
            #expect(e.description.contains("toy.json"), "\(c.name): \(e)")
        }
    }

    @Test func aFileWithoutExamplesLoadsWhenItSaysWhy() throws {
        let file = Self.tableModel(id: "tabletoy", examples: "[]", extra: #""examples_none_reason": "a local recalibration with no published example","#)
        let dir = try Self.folder(["toy.json": file, "tables/means.csv": "sex,mean\n0,10\n1,20\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let lib = try ModelLibrary.embedded(plus: dir)
        #expect(try lib.model("tabletoy").definition.examplesNoneReason == "a local recalibration with no published example")
    }

    @Test func tableValuesMustBeFinite() throws {
        let dir = try Self.folder(["toy.json": Self.tableModel(id: "tabletoy", examples: Self.good), "tables/means.csv": "sex,mean\n0,10\n1,1e999\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        guard case .failure(let e) = Self.load(dir) else { Issue.record("loaded"); return }
        guard case .implausibleNumber(let file, _, _, _) = e else { Issue.record("\(e)"); return }
        #expect(file.hasSuffix("means.csv"))
    }

    /// The bounds hold for every shipped file and every shipped file reproduces its examples at
    /// load (the load time is measured outside the suite: wall-clock limits fail on a busy machine).
    @Test func everyShippedFilePassesTheLoadChecks() throws {
        let lib = try ModelLibrary.embedded()
        // The eager path: every model compiled and its worked examples checked.
        let all = try lib.models
        #expect(all.count == 22)
        #expect(all.allSatisfy { !$0.definition.examples.isEmpty })
        #expect(lib.compiledIDs == lib.ids)
        // The three Globorisk models share their two table files: parsed once per library.
        #expect(lib.tables.count == 2)
    }
}
