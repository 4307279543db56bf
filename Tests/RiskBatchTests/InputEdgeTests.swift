import Foundation
@testable import RiskBatch
import RiskCore
import RiskTestSupport
import Testing

/// Line endings, blank lines and headers (issue 8 item 10), wide headers (item 11) and the
/// documented number grammar (item 12).
@Suite struct InputEdgeTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let input: String
        let expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        .init(name: "CR-only line endings", input: "\(header)\r\(good)\r\(good)\r",
              expected: ["a1,2.05,ok,pce2013:risk_lt5", "a1,2.05,ok,pce2013:risk_lt5"]),
        .init(name: "CR-only without a final CR", input: "\(header)\r\(good)", expected: ["a1,2.05,ok,pce2013:risk_lt5"]),
        .init(name: "CR-only with a blank line", input: "\(header)\r\r\(good)\r", expected: ["a1,2.05,ok,pce2013:risk_lt5"]),
        .init(name: "mixed LF, CRLF and CR", input: "\(header)\n\(good)\r\n\(good)\r\(good)\n",
              expected: Array(repeating: "a1,2.05,ok,pce2013:risk_lt5", count: 3)),
        .init(name: "CR-only with a quoted CR in a pass-through field",
              input: "id,note,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl\ra1,\"x\ry\",55,female,white,0,0,0,120,5.508145849,1.292991983\r",
              expected: ["a1,2.05,ok,pce2013:risk_lt5,\"x\ry\""]),
        .init(name: "a leading blank line before the header", input: "\n\(header)\n\(good)\n", expected: ["a1,2.05,ok,pce2013:risk_lt5"]),
        .init(name: "leading CRLF blank lines and a BOM", input: "\u{FEFF}\r\n\r\n\(header)\r\n\(good)\r\n", expected: ["a1,2.05,ok,pce2013:risk_lt5"]),
        .init(name: "a quoted line break in the header",
              input: "id,\"age\",sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl,\"note\nsecond line\"\n\(good),n\n",
              expected: ["a1,2.05,ok,pce2013:risk_lt5,n"]),
    ]

    @Test(arguments: cases)
    func lineEndingsAndHeaders(_ c: Case) throws {
        for chunkBytes in [1024, 1 << 20] {
            let r = try score(c.input, chunkBytes: chunkBytes)
            #expect(r.summary.rowsRead == c.expected.count, "chunk \(chunkBytes)")
            // (The output header may itself hold a quoted line break: compare the last lines.)
            #expect(Array(lines(r.output).suffix(c.expected.count)) == c.expected, "chunk \(chunkBytes)")
        }
    }

    @Test func crOnlyFileLargerThanAChunkKeepsEveryRow() throws {
        let rows = Array(repeating: good, count: 3000)
        let r = try score(header + "\r" + rows.joined(separator: "\r") + "\r", chunkBytes: 4096)
        #expect(r.summary.rowsRead == 3000)
        #expect(lines(r.output).dropFirst().allSatisfy { $0 == "a1,2.05,ok,pce2013:risk_lt5" })
    }

    @Test(arguments: [
        "55,female,white,0,0,0,120,5.5,1.3\n56,male,white,0,0,0,130,5.5,1.3\n",
        "p1;Nguyen;x\np2;Tran;y\n",
    ])
    func aHeaderWithNoKnownColumnIsADataError(_ input: String) {
        #expect(throws: BatchError.self) { try score(input) }
        do {
            _ = try score(input)
        } catch let e as BatchError {
            let text = e.description
            #expect(text.contains("age") && text.contains("sbp"), "names what is expected: \(text)")
            #expect(!text.contains("55") && !text.contains("Nguyen"), "never a value: \(text)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// 100,000 columns: header handling, dropped-column bookkeeping and column lookup are linear
    /// (dictionary lookups, no array search per column), so this finishes in well under a second.
    @Test func aHundredThousandColumnHeader() throws {
        let extra = (0..<100_000).map { "c\($0)" }
        let input = header + "," + extra.joined(separator: ",") + "\n" + good + "," + extra.map { _ in "v" }.joined(separator: ",") + "\n"
        let r = try score(input)
        let out = lines(r.output)
        #expect(out.count == 2)
        #expect(out[1].hasPrefix("a1,2.05,ok,pce2013:risk_lt5,v,v"))
        #expect(r.summary.passThroughColumns.count == 100_000)
    }

    // MARK: Number grammar (README "Input and output"): optional `-`, digits, optionally `.`
    // and digits; no sign `+`, no exponent, no leading or trailing dot, no spaces inside the cell.

    static let accepted: [(String, Double)] = [
        ("128", 128), ("4.93", 4.93), ("-3.5", -3.5), ("0", 0), ("0.5", 0.5), ("007", 7), ("-0", 0),
        ("120.000", 120), ("1234567890.12345", 1234567890.12345), ("0.1234567890123456789", 0.1234567890123456789),
        ("12345678901234567890", 1.2345678901234567e19), ("-0.25", -0.25), ("-123456789012345", -123456789012345),
        ("-1234567890.123456", -1234567890.123456),
    ]
    static let rejected = [
        "1e2", "1E2", "+120", "120.", ".5", "-.5", "-", ".", "1.2.3", " 128", "128 ", "\t128", "1 28", "12O",
        "N/A", "NaN", "inf", "0x10", "1,5", "--1", "1-", "١٢", "1e309", "-1e2", "-5.", "-1-", "-+1", "- 1",
    ]

    @Test(arguments: accepted)
    func acceptedNumbers(_ c: (String, Double)) {
        let cell = Array(c.0.utf8).withUnsafeBufferPointer { CellReader.read($0, as: .numeric) }
        #expect(cell.state == .present, "\(c.0)")
        #expect(cell.value == c.1, "\(c.0)")
        // The hot loop's reader gives the same cell, bit for bit (sign of zero included).
        let fast = Array(c.0.utf8).withUnsafeBufferPointer { CellReader.readNumber($0) }
        #expect(fast.state == .present && fast.value.bitPattern == cell.value.bitPattern, "\(c.0)")
    }

    /// Random strings over the grammar's alphabet: the reader accepts exactly the strings of
    /// `-?[0-9]+(\.[0-9]+)?` and gives strtod's correctly rounded value, bit for bit. (The shape
    /// check here is our own second implementation; the values come from libc's strtod.)
    @Test func randomStringsAgreeWithStrtod() {
        var g = SplitMix(seed: 20261204)
        let alphabet = Array("0123456789.-".utf8) + Array("0123456789".utf8)
        for _ in 0..<30_000 {
            let length = Int.random(in: 1...19, using: &g)
            let bytes = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &g)] }
            let text = String(decoding: bytes, as: UTF8.self)
            let valid = text.range(of: #"^-?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil
            let got = bytes.withUnsafeBufferPointer { CellReader.parseDecimal($0) }
            if valid {
                let expected = strtod(text, nil)
                #expect(got?.bitPattern == expected.bitPattern, "\(text)")
            } else {
                #expect(got == nil, "\(text)")
            }
        }
    }

    /// Long decimals as model tables and laboratory exports write them: leading zeros in the
    /// integer and the fraction, up to 26 digits after the dot, 1-20 significant digits. Those
    /// with at most 15 significant digits and 22 decimals take the fast path; every one must be
    /// strtod's value, bit for bit.
    @Test func longDecimalsAgreeWithStrtod() {
        var g = SplitMix(seed: 20261208)
        var texts = ["0.0055168941617012", "0.0000000000000000000001", "0.00000000000000000000001", "007.50",
                     "000000000000000000000000123", "0.123456789012345", "0.1234567890123456", "-0.0",
                     "999999999999999", "9999999999999999", "0.0000000000000000000000123456789012345"]
        for _ in 0..<30_000 {
            let integer = Int.random(in: 0...3, using: &g) == 0
                ? String(repeating: "0", count: Int.random(in: 1...4, using: &g))
                : String(Int.random(in: 0...99_999, using: &g))
            let zeros = String(repeating: "0", count: Int.random(in: 0...10, using: &g))
            let digits = String((0..<Int.random(in: 1...16, using: &g)).map { _ in Character(String(Int.random(in: 0...9, using: &g))) })
            texts.append((Int.random(in: 0...4, using: &g) == 0 ? "-" : "") + integer + "." + zeros + digits)
        }
        for text in texts {
            let got = Array(text.utf8).withUnsafeBufferPointer { CellReader.parseDecimal($0) }
            #expect(got?.bitPattern == strtod(text, nil).bitPattern, "\(text)")
        }
    }

    @Test(arguments: rejected)
    func rejectedNumbers(_ s: String) {
        let cell = Array(s.utf8).withUnsafeBufferPointer { CellReader.read($0, as: .numeric) }
        #expect(cell.state == .invalid, "\(s)")
        #expect(Array(s.utf8).withUnsafeBufferPointer { CellReader.readNumber($0) }.state == .invalid, "\(s)")
    }

    /// The same grammar through a whole run, in the dot dialect (`,`) and the decimal-comma
    /// dialect (`;`), where `,` stands for the dot.
    static let dialectCases: [(cell: String, semicolon: Bool, ok: Bool)] = [
        ("120", false, true), ("\"120\"", false, true), ("120.0", false, true), ("1e2", false, false),
        ("+120", false, false), ("120.", false, false), (" 120", false, false), ("\"120 \"", false, false),
        ("120", true, true), ("120,0", true, true), ("120.0", true, true), ("\"120,0\"", true, true),
        ("120,", true, false), (",5e2", true, false), ("+120", true, false), ("1,2,0", true, false),
        ("1.200,0", true, false), ("1e2", true, false), (" 120", true, false),
    ]

    @Test(arguments: dialectCases)
    func numbersInBothDialects(_ c: (cell: String, semicolon: Bool, ok: Bool)) throws {
        let d = c.semicolon ? ";" : ","
        let chol = c.semicolon ? "5,508145849" : "5.508145849"
        let hdl = c.semicolon ? "1,292991983" : "1.292991983"
        let input = header.replacingOccurrences(of: ",", with: d) + "\n"
            + ["a1", "55", "female", "white", "0", "0", "0", c.cell, chol, hdl].joined(separator: d) + "\n"
        let row = lines(try score(input).output)[1]
        #expect(row.hasPrefix(c.ok ? "a1,2.05,ok" : "a1,,invalid:sbp"), "\(c.cell): \(row)")
    }
}
