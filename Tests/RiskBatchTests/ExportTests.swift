import Foundation
@testable import RiskBatch
import RiskCore
import RiskModels
import RiskTestSupport
import Testing

/// Real exports: dialects, mappings (Vietnamese headers, codes, units), dates, unit detection,
/// rejects, strict mode, pseudonymisation; and a bounded fuzz of the CSV reader.
@Suite struct ExportTests {
    func run(_ input: String, models: [String] = ["pce2013"], params: [String] = [], mapping: Mapping? = nil,
             unitsAuto: Bool = false, strict: Bool = false, key: [UInt8]? = nil, rejects: MemorySink? = nil,
             chunkBytes: Int = 1 << 20, threads: Int = 2, delimiter: UInt8? = nil, decimalComma: Bool? = nil) throws -> (String, RunSummary) {
        var options = ScoreOptions(models: try models.map { try library.model($0) }, derivations: try library.derivations,
                                   digits: 6, parameters: try RunParameters(params), flags: rules, threads: threads)
        options.chunkBytes = chunkBytes
        options.mapping = mapping
        options.unitsAuto = unitsAuto
        options.strict = strict
        options.pseudonymisationKey = key
        options.delimiter = delimiter
        options.decimalComma = decimalComma
        if let rejects { options.rejects = try RejectsWriter(sink: rejects.sink) }
        var source = MemorySource(input)
        let out = MemorySink()
        var sink = out.sink
        let summary = try ScoreRun.run(source: &source, sink: &sink, options: options)
        return (out.text, summary)
    }

    static let canonical = "id,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl\np1,55,female,white,0,0,0,120,5.508145849,1.292991983\n"

    struct Dialect: CustomTestStringConvertible, Sendable {
        let name: String
        let input: String
        var testDescription: String { name }
    }

    static let dialects: [Dialect] = [
        .init(name: "semicolon with decimal comma", input: "id;age;sex;race;smoker;diabetes;bp_treated;sbp;total_chol;hdl\np1;55;female;white;0;0;0;120;5,508145849;1,292991983\n"),
        .init(name: "tab separated", input: "id\tage\tsex\trace\tsmoker\tdiabetes\tbp_treated\tsbp\ttotal_chol\thdl\np1\t55\tfemale\twhite\t0\t0\t0\t120\t5.508145849\t1.292991983\n"),
        .init(name: "semicolon, CRLF, BOM, quoted decimal comma", input: "\u{FEFF}id;age;sex;race;smoker;diabetes;bp_treated;sbp;total_chol;hdl\r\n\"p1\";55;female;white;0;0;0;120;\"5,508145849\";1.292991983\r\n"),
    ]

    @Test(arguments: dialects)
    func dialectsGiveTheSameRisk(_ d: Dialect) throws {
        let (reference, _) = try run(Self.canonical)
        let (out, summary) = try run(d.input)
        let risk = { (text: String) in text.split(separator: "\n")[1].split(separator: ",")[1] }
        #expect(risk(out) == risk(reference), "\(d.name)")
        #expect(summary.rowsRead == 1)
    }

    @Test func semicolonPassThroughWithCommaIsQuotedInTheOutput() throws {
        let (out, _) = try run("id;name;age;sex;race;smoker;diabetes;bp_treated;sbp;total_chol;hdl\np1;Trần, Văn A;55;female;white;0;0;0;120;5,5;1,3\n")
        #expect(out.split(separator: "\n")[1].hasSuffix(",\"Trần, Văn A\""))
    }

    static let vietnamese = "Mã BN;Họ và tên;Tuổi;GIOI TINH;Hut thuoc la/thuoc lao;Đái tháo đường;Huyết áp tâm thu;Điều trị THA;Cholesterol toàn phần (mg/dL);HDL-C (mg/dL);Chủng tộc\n"
        + "p1;Nguyễn Thị Lan;55;2;Không;không;120;không;213;50;white\n"

    @Test func vietnameseHeadersCodesAndUnitsThroughTheMapping() throws {
        let mapping = try Mapping.load("commune_phr_vn")
        // Race is not in the commune export: pass it as a run-wide value.
        let (out, summary) = try run(Self.vietnamese.replacingOccurrences(of: ";Chủng tộc", with: "").replacingOccurrences(of: ";white", with: ""),
                                     params: ["race=white"], mapping: mapping)
        let row = out.split(separator: "\n")[1].split(separator: ",", omittingEmptySubsequences: false)
        // 213 mg/dL and 50 mg/dL are the Goff 2013 example: 2.052230 %.
        #expect(row[1] == "2.052230")
        #expect(row[2] == "ok")
        #expect(summary.rowsRead == 1)
    }

    @Test func headerFolding() {
        #expect(TextFolding.fold("  Huyết áp tâm thu ") == "huyet ap tam thu")
        #expect(TextFolding.fold("HUYET AP TAM THU") == "huyet ap tam thu")
        #expect(TextFolding.fold("Đái_tháo  đường") == "dai thao duong")
    }

    @Test func malformedMappingFileNamesTheKey() {
        #expect(throws: MappingError.self) {
            try Mapping.decode(#"{"format":"riskengine.mapping/1","id":"x","version":"1","description":"","columns":[{"source":["a"],"field":"total_chol","unit":"furlongs"}]}"#, file: "x.json")
        }
        #expect(throws: MappingError.invalid(file: "x.json", key: "columns[0].field", problem: "unknown canonical field \"cholesterol\"")) {
            try Mapping.decode(#"{"format":"riskengine.mapping/1","id":"x","version":"1","description":"","columns":[{"source":["a"],"field":"cholesterol"}]}"#, file: "x.json")
        }
    }

    struct DateCase: Sendable, CustomTestStringConvertible {
        let text: String
        let age: String?
        var testDescription: String { text }
    }

    static let dates: [DateCase] = [
        .init(text: "19700615", age: "55.000"), .init(text: "197006150830", age: "55.000"),
        .init(text: "15/06/1970", age: "55.000"), .init(text: "1970-06-15", age: "55.000"),
        .init(text: "06/15/1970", age: nil), .init(text: "19701300", age: nil), .init(text: "19700231", age: nil),
        // Unknown month and day: 1 July 1970, so 54 + 349/365 years at 2025-06-15.
        .init(text: "19700000", age: "54.956"),
        .init(text: "19700600", age: "55.000"),
    ]

    @Test(arguments: dates)
    func birthDatesGiveAgeAtTheAssessmentDate(_ c: DateCase) throws {
        let input = "id,birth_date,assessment_date\np1,\(c.text),2025-06-15\n"
        var chunk = RecordChunk.fromTextRows([["birth_date": c.text, "assessment_date": "2025-06-15"]])
        Derivation.age.apply(to: &chunk)
        let age = chunk[field: "age"]
        if let expected = c.age {
            #expect(age?.states[0] == .present)
            #expect(String(format: "%.3f", age?.values[0] ?? -1) == expected, "\(c.text)")
        } else {
            #expect(age == nil || age?.states[0] != .present, "\(c.text) must not be guessed")
        }
        _ = input
    }

    @Test func unitDetectionCountsAndAutoConverts() throws {
        let input = "id,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl\np1,55,female,white,0,0,0,120,213,50\np2,55,female,white,0,0,0,120,5.508145849,1.292991983\n"
        let (plain, s1) = try run(input)
        #expect(plain.split(separator: "\n")[1].contains("out_of_range:total_chol+hdl"))
        #expect(s1.unitSuspects["total_chol:mg/dl"] == 1)
        #expect(s1.unitConversions.isEmpty)
        let (auto, s2) = try run(input, unitsAuto: true)
        let rows = auto.split(separator: "\n")
        #expect(rows[1].split(separator: ",")[1] == rows[2].split(separator: ",")[1], "mg/dL row converted to the same risk")
        #expect(s2.unitConversions["total_chol:mg/dl"] == 1 && s2.unitConversions["hdl:mg/dl"] == 1)
    }

    @Test func rejectsListRowColumnAndReasonButNoValues() throws {
        let input = "id,name,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl\n"
            + "p1,Secret Name,55,female,white,0,0,0,120,5.5,1.3\n"
            + "p2,Secret Name,5O,female,white,0,0,0,1320,5.5,1.3\n"
            + "p3,Secret Name,55\n"
        let rejects = MemorySink()
        let (_, summary) = try run(input, rejects: rejects)
        #expect(rejects.text == "row,column,reason\n2,age,invalid\n2,sbp,out_of_range\n3,,invalid:row\n")
        #expect(summary.rejectedProblems == 3)
        #expect(!rejects.text.contains("Secret") && !rejects.text.contains("5O") && !rejects.text.contains("1320"))
    }

    @Test func strictStopsAtTheFirstProblem() {
        let input = "id,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl\np1,55,female,white,0,0,0,120,5.5,1.3\np2,55,female,white,0,0,0,12O,5.5,1.3\n"
        #expect(throws: BatchError.strictStop(row: 2, column: "sbp", reason: "invalid")) { try run(input, strict: true) }
    }

    @Test func pseudonymisationIsKeyedStableAndDropsIdentifyingColumns() throws {
        let input = "id,name,cccd,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl,commune\n"
            + "VN001,Nguyễn Thị Lan,012345678901,55,female,white,0,0,0,120,5.5,1.3,X1\n"
        let key = Array("0123456789abcdef0123456789abcdef".utf8)
        let (a, summary) = try run(input, key: key)
        let (b, _) = try run(input, key: key)
        let (c, _) = try run(input, key: Array("another key of thirty-two bytes!".utf8))
        #expect(a == b)
        #expect(a != c)
        #expect(a.split(separator: "\n")[0].hasSuffix(",flags,cccd"))
        for secret in ["VN001", "Nguyễn", "012345678901", "X1"] { #expect(!a.contains(secret)) }
        #expect(summary.droppedColumns == ["name", "commune"])
        #expect(summary.pseudonymisedColumns == ["cccd"])
        let id = String(a.split(separator: "\n")[1].split(separator: ",")[0])
        #expect(id.count == 64 && id.allSatisfy(\.isHexDigit))
    }

    @Test func keptFieldsAreWrittenInCanonicalUnits() throws {
        let input = "id,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl\np1,55.5,F,white,0,0,0,120,213,1.3\n"
        var options = ScoreOptions(models: [try library.model("pce2013")], flags: rules)
        options.keepFields = ["age", "sex", "total_chol"]
        options.unitsAuto = true
        var source = MemorySource(input)
        let out = MemorySink()
        var sink = out.sink
        _ = try ScoreRun.run(source: &source, sink: &sink, options: options)
        let lines = out.text.split(separator: "\n")
        #expect(lines[0].hasSuffix(",flags,age,sex,total_chol"))
        #expect(lines[1].hasSuffix(",55.5,female,\(213 / 38.67)"))
    }

    @Test func sameInputSameBytesAndInputChecksum() throws {
        let input = Self.canonical + "p2,60,male,black,1,1,1,150,6.0,1.0\n"
        let (a, s1) = try run(input, chunkBytes: 1024, threads: 2)
        let (b, s2) = try run(input, chunkBytes: 1 << 20, threads: 1)
        #expect(a == b)
        #expect(s1.inputSHA256 == s2.inputSHA256 && s1.inputSHA256.count == 64)
        #expect(s1.inputBytes == input.utf8.count)
    }

    /// Bounded fuzz of the CSV reader: seeded random mutations of a valid file (quotes,
    /// delimiters, line breaks, bytes, truncation). The run must not crash, must write one row per
    /// record it read, and must give the same bytes whatever the chunk size and thread count.
    @Test func fuzzedInputsNeverCrashAndChunkingDoesNotMatter() throws {
        var base = "id,name,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl\r\n"
        for i in 0..<60 { base += "p\(i),\"N, \"\"\(i)\"\"\",\(40 + i % 40),\(i % 2 == 0 ? "male" : "nữ"),white,\(i % 2),0,\(i % 3 == 0 ? 1 : 0),\(110 + i),5.\(i % 10),1.\(i % 9)\r\n" }
        let corpus: [UInt8] = Array(",;\"\n\r\t.5e-NaN\u{FEFF}ữ".utf8)
        var g = SplitMix(seed: 20261127)
        for _ in 0..<300 {
            var bytes = Array(base.utf8)
            for _ in 0..<Int.random(in: 1...6, using: &g) {
                let p = Int.random(in: 0..<bytes.count, using: &g)
                switch Int.random(in: 0..<4, using: &g) {
                case 0: bytes.insert(corpus.randomElement(using: &g)!, at: p)
                case 1: bytes.remove(at: p)
                case 2: bytes[p] = UInt8.random(in: 0...255, using: &g)
                default: bytes.removeLast(Int.random(in: 0..<min(40, bytes.count - 1), using: &g))
                }
                if bytes.isEmpty { break }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            guard let whole = try? run(text, chunkBytes: 1 << 20, threads: 1) else { continue }
            let small = try run(text, chunkBytes: 1024, threads: 2)
            #expect(whole.0 == small.0)
            #expect(whole.1.rowsWritten == whole.1.rowsRead)
            #expect(whole.0.split(separator: "\n", omittingEmptySubsequences: false).count >= whole.1.rowsRead + 1)
        }
    }
}

/// The committed corpus of nasty inputs (Fixtures/fuzz-corpus): each is read without a crash,
/// every record comes out, and chunking does not change the bytes.
@Suite struct FuzzCorpusTests {
    static let files = fixtureFiles(Bundle.module, "Fixtures/fuzz-corpus")

    @Test(arguments: files)
    func corpusFile(_ url: URL) throws {
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        let e = ExportTests()
        let whole = try e.run(text, models: ["pce2013", "who2019_lab"], params: ["who_region=southeast_asia"], chunkBytes: 1 << 20, threads: 1)
        let small = try e.run(text, models: ["pce2013", "who2019_lab"], params: ["who_region=southeast_asia"], chunkBytes: 1024, threads: 2)
        #expect(whole.0 == small.0)
        #expect(whole.1.rowsWritten == whole.1.rowsRead)
    }
}
