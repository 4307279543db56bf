import Foundation
import RiskCore
import RiskTestSupport
import Testing

/// Reads one cell's text with the engine's cell reader.
private func read(_ text: String, as kind: FieldKind) -> CellReader.Cell {
    Array(text.utf8).withUnsafeBufferPointer { CellReader.read($0, as: kind) }
}

@Suite struct CellReaderKindTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let text: String
        let kind: FieldKind
        /// nil: invalid; NaN: missing.
        let value: Double?
        var testDescription: String { "\(text) as \(kind)" }
    }

    static let cases: [Case] = [
        .init(text: "0", kind: .binary, value: 0), .init(text: "1", kind: .binary, value: 1),
        .init(text: "1.0", kind: .binary, value: 1), .init(text: " 1.0 ", kind: .binary, value: nil), .init(text: "2", kind: .binary, value: nil),
        .init(text: "yes", kind: .binary, value: nil), .init(text: "", kind: .binary, value: .nan),
        .init(text: "  ", kind: .numeric, value: .nan),
        .init(text: "1", kind: .code(1...9), value: 1), .init(text: "9", kind: .code(1...9), value: 9),
        .init(text: "0", kind: .code(1...9), value: nil), .init(text: "10", kind: .code(1...9), value: nil),
        .init(text: "2.5", kind: .code(1...9), value: nil),
        .init(text: "white", kind: .category(CanonicalSchema.race), value: 0),
        .init(text: "BLACK", kind: .category(CanonicalSchema.race), value: 1),
        .init(text: "kinh", kind: .category(CanonicalSchema.race), value: nil),
        .init(text: "type2", kind: .category(CanonicalSchema.diabetesType), value: 2),
        .init(text: "1970-01-01", kind: .date, value: 0), .init(text: "19700102", kind: .date, value: 1),
        .init(text: "02/01/1970", kind: .date, value: 1), .init(text: "197001020830", kind: .date, value: 1),
        .init(text: "2000-02-29", kind: .date, value: Double(CalendarDate.days(year: 2000, month: 2, day: 29))),
        .init(text: "1900-02-29", kind: .date, value: nil), .init(text: "19701301", kind: .date, value: nil),
        .init(text: "1970/01/02", kind: .date, value: nil),
    ]

    @Test(arguments: cases)
    func readsEachKind(_ c: Case) {
        let cell = read(c.text, as: c.kind)
        switch c.value {
        case nil: #expect(cell.state == .invalid)
        case let v? where v.isNaN: #expect(cell.state == .missing)
        case let v?: #expect(cell.state == .present && cell.value == v)
        }
    }
}

@Suite struct CalendarTests {
    struct AgeCase: Sendable, CustomTestStringConvertible {
        let birth: (Int, Int, Int)
        let on: (Int, Int, Int)
        let age: Double?
        var testDescription: String { "\(birth) at \(on)" }
    }

    static let ages: [AgeCase] = [
        .init(birth: (1970, 6, 15), on: (2025, 6, 15), age: 55),
        .init(birth: (1970, 6, 15), on: (2025, 6, 14), age: 54 + 364.0 / 365),
        // A 29 February birthday counts as 28 February in other years.
        .init(birth: (2000, 2, 29), on: (2001, 2, 28), age: 1),
        .init(birth: (2000, 2, 29), on: (2004, 2, 29), age: 4),
        .init(birth: (2025, 1, 2), on: (2025, 1, 1), age: nil),
    ]

    @Test(arguments: ages)
    func ageInYears(_ c: AgeCase) throws {
        let b = CalendarDate.days(year: c.birth.0, month: c.birth.1, day: c.birth.2)
        let o = CalendarDate.days(year: c.on.0, month: c.on.1, day: c.on.2)
        let age = CalendarDate.age(birth: b, on: o)
        if let expected = c.age {
            let a = try #require(age)
            #expect(isClose(a, expected, absolute: 1e-12))
        } else {
            #expect(age == nil)
        }
    }

    @Test(arguments: [-719_468, -1, 0, 1, 11_016, 20_000, 2_932_896])
    func civilInvertsDays(_ d: Int) {
        let c = CalendarDate.civil(d)
        #expect(CalendarDate.days(year: c.year, month: c.month, day: c.day) == d)
    }
}

@Suite struct UnitsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let field: String
        let unit: String
        let x: Double
        let expected: Double
        var testDescription: String { "\(x) \(unit) \(field)" }
    }

    static let cases: [Case] = [
        .init(field: "total_chol", unit: "mg/dL", x: 213, expected: 213 / 38.67),
        .init(field: "hdl", unit: "MG/DL", x: 50, expected: 50 / 38.67),
        .init(field: "fasting_glucose", unit: "mg/dl", x: 126, expected: 126 / 18.016),
        .init(field: "hba1c", unit: "mmol/mol", x: 48, expected: 0.09148 * 48 + 2.152),
        .init(field: "creatinine", unit: "mg/dL", x: 1.2, expected: 1.2 * 88.4),
        .init(field: "height_cm", unit: "m", x: 1.62, expected: 162),
        .init(field: "albumin", unit: "g/dL", x: 4.1, expected: 41),
        .init(field: "calcium", unit: "mg/dl", x: 9.4, expected: 9.4 / 4.008),
        .init(field: "phosphate", unit: "mg/dl", x: 3.5, expected: 3.5 / 3.0974),
        .init(field: "weight_kg", unit: "g", x: 61_500, expected: 61.5),
    ]

    @Test(arguments: cases)
    func declaredUnitsConvertToCanonical(_ c: Case) throws {
        guard case .success(let conv?) = Units.conversion(field: c.field, unit: c.unit) else {
            Issue.record("no conversion for \(c.unit)")
            return
        }
        #expect(isClose(conv.apply(c.x), c.expected, relative: 1e-15))
    }

    @Test(arguments: [("total_chol", "mmol/L"), ("total_chol", " MMOL / l "), ("creatinine", "µmol/L"), ("creatinine", "umol/l"), ("sbp", "")])
    func canonicalUnitNeedsNoConversion(_ field: String, _ unit: String) {
        guard case .success(let conv) = Units.conversion(field: field, unit: unit) else {
            Issue.record("\(unit) refused")
            return
        }
        #expect(conv == nil)
    }

    @Test func unknownUnitListsTheKnownOnes() {
        guard case .failure(let e) = Units.conversion(field: "total_chol", unit: "furlongs") else {
            Issue.record("furlongs accepted")
            return
        }
        #expect(e.field == "total_chol" && e.known.contains("mg/dl") && e.known.count == 2)
    }
}

@Suite struct TextFoldingTests {
    @Test(arguments: [
        ("  Huyết áp tâm thu ", "huyet ap tam thu"), ("HUYET AP TAM THU", "huyet ap tam thu"),
        ("Đái_tháo  đường", "dai thao duong"), ("\"Mã BN\"", "\"ma bn\""), ("ngày\tsinh", "ngay sinh"),
        ("Ｓｂｐ", "sbp"), ("", ""),
    ])
    func folds(_ input: String, _ expected: String) {
        #expect(TextFolding.fold(input) == expected)
    }
}

@Suite struct StatusTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let status: RowStatus
        let expected: String
        var testDescription: String { expected }
    }

    static let names = ["age", "sbp", "hdl"]
    static let reasons = ["age_below_40", "prior_cvd"]

    static let cases: [Case] = {
        var derived = RowStatus.ok
        derived.derived = 0b001
        var optional = RowStatus.ok
        optional.missingOptional = 0b100
        optional.fallback = true
        return [
            .init(status: .ok, expected: "ok"),
            .init(status: .invalidRow, expected: "invalid:row"),
            .init(status: RowStatus(kind: .missing, detail: 0b110), expected: "missing:sbp+hdl"),
            .init(status: RowStatus(kind: .invalid, detail: 0b001), expected: "invalid:age"),
            .init(status: RowStatus(kind: .outOfRange, detail: 0b010), expected: "out_of_range:sbp"),
            .init(status: RowStatus(kind: .notApplicable, detail: 1), expected: "not_applicable:prior_cvd"),
            .init(status: derived, expected: "ok;derived:age"),
            .init(status: optional, expected: "ok;fallback:who2019_nonlab;missing_optional:hdl"),
        ]
    }()

    @Test(arguments: cases)
    func rendersTheOutputContract(_ c: Case) {
        #expect(c.status.render(inputNames: Self.names, reasons: Self.reasons, fallbackID: "who2019_nonlab") == c.expected)
    }

    @Test func precedenceOrder() {
        let order: [StatusKind] = [.ok, .invalidRow, .invalid, .missing, .outOfRange, .notApplicable]
        #expect(order.sorted() == order)
    }
}

@Suite struct ReadableErrorTests {
    struct Sample: Decodable {
        struct Inner: Decodable { let below: Double }
        let name: String
        let items: [Inner]
        let flag: Bool
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let json: String
        let expected: String
        var testDescription: String { expected }
    }

    static let cases: [Case] = [
        .init(json: #"{"name": "a", "items": [{"below": 1}, {"below": "x"}], "flag": true}"#, expected: "key path items[1].below: expected a number"),
        .init(json: #"{"name": 3, "items": [], "flag": true}"#, expected: "key path name: expected text"),
        .init(json: #"{"name": "a", "items": {}, "flag": true}"#, expected: "key path items: expected a list"),
        .init(json: #"{"name": "a", "items": [], "flag": "yes"}"#, expected: "key path flag: expected true or false"),
        .init(json: #"{"name": "a", "flag": true}"#, expected: "key path items: required key is missing"),
        .init(json: #"{"name": null, "items": [], "flag": true}"#, expected: "key path name: expected text, found null"),
        .init(json: #"[1, 2]"#, expected: "expected an object"),
        .init(json: "{\n\"name\": \"a\",\n oops }", expected: "not valid JSON; check brackets, commas and quotes"),
    ]

    @Test(arguments: cases)
    func decodingErrorsBecomeSentences(_ c: Case) {
        do {
            _ = try JSONDecoder().decode(Sample.self, from: Data(c.json.utf8))
            Issue.record("decoded")
        } catch {
            let text = JSONProblem(error).description
            #expect(text == c.expected)
            for leak in ["NSCocoaErrorDomain", "DecodingError", "Swift.", "CodingKeys"] { #expect(!text.contains(leak)) }
        }
    }

    @Test func fileProblemsUseTheSystemReason() throws {
        #expect(throws: FileProblem.system(errno: ENOENT)) { try TextFile.read("/nonexistent-dir/file.json") }
        #expect(FileProblem.system(errno: ENOENT).description == "no such file or directory")
        #expect(throws: FileProblem.system(errno: EISDIR)) { try TextFile.read(FileManager.default.temporaryDirectory.path) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("riskcore-latin1-\(getpid()).txt")
        try Data([0x61, 0xE9, 0x62]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: FileProblem.notUTF8) { try TextFile.read(url.path) }
    }

    @Test func atomicWritesReplaceWholeAndFailWithTheSystemReason() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("riskcore-write-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out.json").path
        try TextFile.writeAtomically(Array("first".utf8), to: path)
        try TextFile.writeAtomically(Array("second".utf8), to: path)
        #expect(try TextFile.read(path) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.json"], "no temporary file left")
        #expect(throws: FileProblem.system(errno: ENOENT)) { try TextFile.writeAtomically([1], to: dir.path + "/missing/out.json") }
    }
}
