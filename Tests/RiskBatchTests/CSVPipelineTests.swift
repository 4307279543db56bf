import Foundation
import RiskAlerts
@_spi(Benchmarking) @testable import RiskBatch
import RiskCore
import RiskModels
import RiskTestSupport
import Testing

let library: ModelLibrary = {
    do { return try ModelLibrary.embedded() } catch { fatalError("\(error)") }
}()

/// Every embedded model, compiled and checked (the eager path, `ModelLibrary.models`).
let allModels: [CompiledModel] = {
    do { return try library.models } catch { fatalError("\(error)") }
}()
let rules: FlagRules = {
    do { return try FlagRules.bundled() } catch { fatalError("\(error)") }
}()

/// Runs `riskengine score` in memory.
func score(_ input: String, models: [String] = ["pce2013"], params: [String] = [], threads: Int = 2,
           chunkBytes: Int = 1 << 20, digits: Int = 2) throws -> (output: String, summary: RunSummary) {
    var options = ScoreOptions(models: try models.map { try library.model($0) }, digits: digits,
                               parameters: try RunParameters(params), flags: rules, threads: threads)
    options.chunkBytes = chunkBytes
    var source = MemorySource(input)
    let collector = MemorySink()
    var sink = collector.sink
    let summary = try ScoreRun.run(source: &source, sink: &sink, options: options)
    return (collector.text, summary)
}

func lines(_ s: String) -> [String] { s.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }

let header = "id,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl"
let good = "a1,55,female,white,0,0,0,120,5.508145849,1.292991983"

@Suite struct CSVPipelineTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let input: String
        /// Expected output lines after the header (id, risk, status, flags, pass-through).
        let expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        .init(name: "plain row", input: "\(header)\n\(good)\n", expected: ["a1,2.05,ok,pce2013:risk_lt5"]),
        .init(name: "no final newline", input: "\(header)\n\(good)", expected: ["a1,2.05,ok,pce2013:risk_lt5"]),
        .init(name: "CRLF and BOM", input: "\u{FEFF}\(header)\r\n\(good)\r\n", expected: ["a1,2.05,ok,pce2013:risk_lt5"]),
        .init(name: "quoted numbers are numbers", input: "\(header)\n\"a1\",\"55\",female,white,0,0,0,\"120\",5.508145849,1.292991983\n",
              expected: ["\"a1\",2.05,ok,pce2013:risk_lt5"]),
        .init(name: "pass-through with comma, quotes and a line break kept as written",
              input: "id,name,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl\na1,\"Nguyễn, Văn \"\"Bé\"\"\nline2\",55,female,white,0,0,0,120,5.508145849,1.292991983\n",
              expected: ["a1,2.05,ok,pce2013:risk_lt5,\"Nguyễn, Văn \"\"Bé\"\"\nline2\""]),
        .init(name: "blank lines are skipped", input: "\(header)\n\n\(good)\n\r\n", expected: ["a1,2.05,ok,pce2013:risk_lt5"]),
        .init(name: "too few fields is an invalid row", input: "\(header)\na2,55,female\n\(good)\n",
              expected: ["a2,,invalid:row,", "a1,2.05,ok,pce2013:risk_lt5"]),
        .init(name: "too many fields is an invalid row", input: "\(header)\n\(good),extra\n", expected: ["a1,,invalid:row,"]),
        .init(name: "text after a closing quote is an invalid row", input: "\(header)\na3,\"55\"x,female,white,0,0,0,120,5.5,1.3\n", expected: ["a3,,invalid:row,"]),
        .init(name: "unclosed quote at the end is an invalid row", input: "\(header)\n\(good)\na4,\"55,female\n", expected: ["a1,2.05,ok,pce2013:risk_lt5", "a4,,invalid:row,"]),
        .init(name: "missing value", input: "\(header)\na5,55,female,white,0,0,0,,5.5,1.3\n", expected: ["a5,,missing:sbp,"]),
        .init(name: "garbage values", input: "\(header)\na6,55,female,white,yes,0,0,12O,5.5,1.3\n", expected: ["a6,,invalid:sbp+smoker,"]),
        .init(name: "decimal comma is not a number here", input: "\(header)\na7,55,female,white,0,0,0,120,\"5,5\",1.3\n", expected: ["a7,,invalid:total_chol,"]),
        .init(name: "mg/dL cholesterol is out of range", input: "\(header)\na8,55,female,white,0,0,0,120,213,50\n", expected: ["a8,,out_of_range:total_chol+hdl,"]),
        .init(name: "urgent blood pressure is flagged even when not scored", input: "\(header)\na9,35,male,white,0,0,0,182,5.5,1.3\n",
              expected: ["a9,,not_applicable:age_below_40,bp_urgent"]),
        .init(name: "empty id stays empty", input: "\(header)\n,55,female,white,0,0,0,120,5.508145849,1.292991983\n", expected: [",2.05,ok,pce2013:risk_lt5"]),
    ]

    @Test(arguments: cases)
    func csvEdgeCase(_ c: Case) throws {
        let (out, summary) = try score(c.input)
        let got = lines(out)
        #expect(got.first?.hasPrefix("id,pce2013_ascvd_10y,pce2013_status,flags") == true)
        // Pass-through fields may hold line breaks, so compare the whole body.
        #expect(got.dropFirst().joined(separator: "\n") == c.expected.joined(separator: "\n"), "\(c.name)")
        #expect(summary.rowsRead == summary.rowsWritten)
    }

    @Test func missingColumnMakesEveryRowMissing() throws {
        let (out, summary) = try score("id,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol\n" + "b1,55,female,white,0,0,0,120,5.5\n")
        #expect(lines(out)[1] == "b1,,missing:hdl,")
        #expect(summary.absentFields.contains("hdl"))
    }

    @Test func withoutAnIDColumnTheRowNumberIsTheID() throws {
        let body = (0..<5).map { _ in "55,female,white,0,0,0,120,5.5,1.3" }.joined(separator: "\n")
        let (out, _) = try score("age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl\n" + body + "\n", chunkBytes: 1024)
        #expect(lines(out).dropFirst().map { $0.split(separator: ",").first.map(String.init) ?? "" } == ["1", "2", "3", "4", "5"])
    }

    @Test func headerOnlyGivesHeaderOnly() throws {
        let (out, summary) = try score(header + "\n")
        #expect(lines(out).count == 1)
        #expect(summary.rowsRead == 0)
    }

    @Test func emptyInputIsAnError() {
        #expect(throws: BatchError.emptyInput) { try score("") }
    }

    @Test func duplicateCanonicalColumnIsAnError() {
        #expect(throws: BatchError.duplicateColumn(name: "sbp", columns: [8, 11])) {
            try score(header + ",SBP\n")
        }
    }

    @Test func parametersFillAbsentColumnsAndEmptyCellsButCellsWin() throws {
        let input = "id,age,sex,smoker,diabetes,sbp,total_chol,hdl,score2_region\n" +
            "r1,50,male,1,0,140,6.3,1.4,\nr2,50,male,1,0,140,6.3,1.4,very_high\n"
        let (out, _) = try score(input, models: ["score2"], params: ["score2_region=low"], digits: 6)
        let l = lines(out)
        #expect(l[1].hasPrefix("r1,6.314292,ok"))
        #expect(l[2].hasPrefix("r2,15.058106,ok"))
        #expect(throws: BatchError.self) { try RunParameters(["score2_region=nowhere"]) }
        #expect(throws: BatchError.self) { try RunParameters(["no_such_field=1"]) }
        #expect(throws: BatchError.self) { try RunParameters(["score2_region"]) }
    }

    /// Small chunks and several threads must give the very same bytes as one big chunk: order is
    /// kept and records that straddle chunk boundaries (including quoted line breaks) are whole.
    @Test(arguments: [1, 2, 3])
    func chunkingAndThreadsDoNotChangeTheOutput(_ threads: Int) throws {
        var rows: [String] = []
        for i in 0..<3000 {
            let name = i % 7 == 0 ? "\"Trần, \"\"X\"\"\nY\(i)\"" : "N\(i)"
            let age = i % 11 == 0 ? "" : String(35 + i % 50)
            rows.append("p\(i),\(name),\(age),\(i % 2 == 0 ? "male" : "female"),\(["white", "black", "other"][i % 3]),\(i % 2),0,\(i % 3 == 0 ? 1 : 0),\(100 + i % 90),\(3.5 + Double(i % 40) / 10),\(0.8 + Double(i % 15) / 10)")
        }
        let input = "id,name,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl\r\n" + rows.joined(separator: "\r\n") + "\r\n"
        let models = ["pce2013", "framingham2008_lab", "score2"]
        let reference = try score(input, models: models, params: ["score2_region=high"], threads: 1, chunkBytes: 1 << 24)
        let chunked = try score(input, models: models, params: ["score2_region=high"], threads: threads, chunkBytes: 1024)
        #expect(chunked.output == reference.output)
        #expect(chunked.summary.rowsRead == 3000)
        #expect(chunked.summary.statusCounts == reference.summary.statusCounts)
    }
}

@Suite struct NumberFormattingTests {
    static let cases: [(Double, Int, String)] = [
        (2.0522298, 2, "2.05"), (0.125, 2, "0.12"), (0.375, 2, "0.38"), (2.675, 2, "2.67"),
        (99.995, 2, "100.00"), (1e-9, 2, "0.00"), (100, 2, "100.00"), (2.5, 0, "2"), (3.5, 0, "4"),
        (15.0581061, 6, "15.058106"), (0.0, 3, "0.000"), (12.3456789, 12, "12.345678900000"),
    ]

    @Test(arguments: cases.indices)
    func formatsLikePrintf(_ i: Int) {
        let (v, d, expected) = Self.cases[i]
        var out: [UInt8] = []
        NumberFormatting.appendFixed(v, digits: d, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == expected)
        #expect(expected == String(format: "%.\(d)f", v))
    }

    @Test func randomValuesMatchPrintf() {
        var g = SplitMix(seed: 20261202)
        for _ in 0..<20_000 {
            let v = Double.random(in: 0...100, using: &g)
            let d = Int.random(in: 0...8, using: &g)
            var out: [UInt8] = []
            NumberFormatting.appendFixed(v, digits: d, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(format: "%.\(d)f", v))
        }
    }

    /// The output writer's formatter (two digits at a time, written in place) gives printf's
    /// digits too: the table above, random values of every magnitude the fast path takes (up to
    /// 10^15 scaled) with 0-12 decimals, and values that take the slow path (negative, huge, ties).
    @Test func byteWriterFormatterMatchesPrintf() {
        var g = SplitMix(seed: 20261203)
        var values: [(Double, Int)] = Self.cases.map { ($0.0, $0.1) }
        values += [(-1.5, 2), (1e300, 2), (0.125, 2), (999_999_999_999_999, 0), (1e15, 0), (123_456_789.987654, 6),
                   (0.5, 0), (9.995, 2), (1e-300, 12), (0, 0), (7, 12)]
        for _ in 0..<50_000 {
            let magnitude = Double.random(in: -6...15, using: &g)
            let d = Int.random(in: 0...12, using: &g)
            values.append((pow(10, magnitude) * Double.random(in: 0...1, using: &g), d))
        }
        for (v, d) in values {
            var w = ByteWriter(capacity: 1)
            NumberFormatting.appendFixed(v, digits: d, to: &w)
            #expect(String(decoding: w.bytes(), as: UTF8.self) == String(format: "%.\(d)f", v), "\(v) \(d)")
        }
    }
}

@Suite struct CellReaderTests {
    static let numbers: [(String, Double?)] = [
        ("128", 128), ("4.93", 4.93), ("0.1", 0.1), ("-45", -45), ("123456789012345678", 123456789012345680),
        // The documented grammar (README "Input and output") has no spaces, plus sign, exponent
        // or bare dot.
        (" 5.5 ", nil), (".5", nil), ("5.", nil), ("+3", nil), ("1e2", nil), ("1E-2", nil),
        ("12O", nil), ("5,2", nil), ("N/A", nil), ("?", nil), ("1e309", nil), (".", nil), ("--", nil),
        ("NaN", nil), ("inf", nil), ("4..9", nil), ("0x10", nil), ("1e", nil), ("", nil),
    ]

    @Test(arguments: numbers.indices)
    func numericCells(_ i: Int) {
        let (text, expected) = Self.numbers[i]
        let cell = Array(text.utf8).withUnsafeBufferPointer { CellReader.read($0, as: .numeric) }
        if let expected {
            #expect(cell.state == .present && cell.value == expected, "\(text)")
            #expect(cell.value == Double(text.trimmingCharacters(in: .whitespaces)), "correctly rounded like strtod: \(text)")
        } else {
            #expect(cell.state == (text.isEmpty ? .missing : .invalid), "\(text)")
        }
    }

    static let categories: [(String, String?)] = [
        ("female", "female"), ("Male", "male"), ("M", "male"), ("f", "female"), ("nữ", "female"),
        ("NỮ", "female"), ("nu\u{303}\u{31B}", "female"), ("nam", "male"), ("Nam", "male"), ("nư\u{303}", "female"), ("1", nil), ("woman", nil),
    ]

    @Test(arguments: categories.indices)
    func sexWords(_ i: Int) {
        let (text, expected) = Self.categories[i]
        let cell = Array(text.utf8).withUnsafeBufferPointer { CellReader.read($0, as: .category(CanonicalSchema.sex)) }
        if let expected {
            #expect(cell.state == .present && CanonicalSchema.sex.values[Int(cell.value)] == expected, "\(text)")
        } else {
            #expect(cell.state == .invalid, "\(text)")
        }
    }
}

@Suite struct FlagCountTests {
    /// The summary (and so the manifest) counts every flag code a run can write: each model's
    /// risk bands and the urgent-blood-pressure rule, with 0 for codes no row got.
    @Test func flagCountsCoverEveryCodeWritten() throws {
        let input = "\(header),dbp\n\(good),80\nb2,61,male,white,1,1,1,190,6.2,0.9,100\n"
        let (output, summary) = try score(input, models: ["pce2013"])
        var written: [String: Int] = [:]
        for line in lines(output).dropFirst() {
            let flags = splitCSVLine(line)[3]
            for code in flags.split(separator: ";") { written[String(code), default: 0] += 1 }
        }
        #expect(written["pce2013:risk_lt5"] == 1 && written["bp_urgent"] == 1, "\(written)")
        for (code, n) in written { #expect(summary.flagCounts[code] == n, "\(code)") }
        #expect(Set(summary.flagCounts.keys) == Set(rules.codes(models: ["pce2013"])))
        #expect(summary.flagCounts.contains { $0.value == 0 }, "codes no row got are listed with 0")
        #expect(summary.flagCounts.values.reduce(0, +) == written.values.reduce(0, +))
    }
}

/// Chunks shrink with the number of models so a chunk's memory stays bounded (issue 11).
@Suite struct ChunkSizeTests {
    @Test(arguments: [(1, 1 << 20), (2, 1 << 20), (4, 1 << 20), (8, 1 << 19), (22, (4 << 20) / 22), (100, 128 << 10)])
    func defaultChunkBytesShrinkWithModels(_ c: (models: Int, bytes: Int)) {
        #expect(ScoreOptions.defaultChunkBytes(models: c.models) == c.bytes)
    }
}

/// The chunk parser reads plain numbers while it finds a field's end; every cell must come out
/// exactly as the cell reader's general path reads the same text (value bits and state), in the
/// first, a middle and the last column, before LF, CRLF, CR and the end of the bytes.
@Suite struct ChunkParserFastPathTests {
    static let texts = [
        "0", "1", "2", "-1", "-0", "7", "10", "1.5", "120", "5.508145849", "0.000001", "007", "99.", ".5", "1e3",
        "12O", "+3", " 12", "12 ", "--1", "4..9", "123456789012345", "1234567890123456", "12345678.12345678",
        "1.0", "9.99999999999999", "\"12\"", "\"1.5\"", "", "-",
    ]
    /// numeric (sbp), 0/1 (smoker), code 1-10 (sdi).
    static let fields = ["sbp", "smoker", "sdi"]

    /// What the general path gives for `text` in `field`: the cell reader, then the 0/1 and code
    /// checks the parser applies.
    static func expected(_ text: String, _ field: String) -> CellReader.Cell {
        let spec = CanonicalSchema.fields[CanonicalSchema.indexByName[field]!]
        let unquoted = text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"") ? String(text.dropFirst().dropLast()) : text
        var cell = Array(unquoted.utf8).withUnsafeBufferPointer { CellReader.read($0, as: spec.kind) }
        if cell.state == .present {
            switch spec.kind {
            case .binary where cell.value != 0 && cell.value != 1: cell = .invalid
            case .code(let r) where cell.value != cell.value.rounded() || cell.value < Double(r.lowerBound) || cell.value > Double(r.upperBound):
                cell = .invalid
            default: break
            }
        }
        return cell
    }

    @Test(arguments: ["\n", "\r\n", "\r", ""])
    func cellsAsTheCellReaderReadsThem(_ ending: String) throws {
        let options = ScoreOptions(models: [try library.model("pce2013"), try library.model("prevent2023_sdi")], digits: 2, parameters: RunParameters(), flags: rules, threads: 1)
        let header = Self.fields + ["age"]
        let stages = try PipelineStages(header: header, options: options)
        for (k, field) in Self.fields.enumerated() {
            // The text in the field's own column, the others filled so the column is first,
            // middle or last in turn (age is the last column: the text is also tried there).
            var rows: [[String]] = []
            for text in Self.texts {
                var row = ["120", "0", "5", "50"]
                row[k] = text
                rows.append(row)
            }
            let body = rows.map { $0.joined(separator: ",") }.joined(separator: ending.isEmpty ? "\n" : ending) + ending
            let chunk = stages.parse(Array(body.utf8))
            #expect(chunk.rows == Self.texts.count)
            let column = try #require(chunk.parsed.records.columns[CanonicalSchema.indexByName[field]!])
            for (r, text) in Self.texts.enumerated() {
                let want = Self.expected(text, field)
                #expect(column.states[r] == want.state, "\(field) \(text.debugDescription) \(ending.debugDescription)")
                #expect(column.values[r].bitPattern == want.value.bitPattern || (column.values[r].isNaN && want.value.isNaN),
                        "\(field) \(text.debugDescription) \(ending.debugDescription)")
            }
        }
        // Last column (age, numeric), each text at the end of a record and of the bytes.
        for text in Self.texts {
            let body = "120,0,5," + text + ending
            let chunk = stages.parse(Array(body.utf8))
            let column = try #require(chunk.parsed.records.columns[CanonicalSchema.indexByName["age"]!])
            let want = Self.expected(text, "age")
            #expect(column.states[0] == want.state, "age \(text.debugDescription) \(ending.debugDescription)")
            #expect(column.values[0].bitPattern == want.value.bitPattern || (column.values[0].isNaN && want.value.isNaN),
                    "age \(text.debugDescription) \(ending.debugDescription)")
        }
    }
}
