// Claim import hardening (issue 8, items 1-6): a batch with bad files still imports every good
// record; decimal commas; brand and combination drug names and ATC codes; the latest lab value
// across the files of a batch; bounded nesting; canonical values computed exactly as the CSV path.
import Foundation
import RiskCore
import RiskImport
import RiskTestSupport
import Testing

private func importFiles(_ files: [(String, Data)], asOf: String? = nil) throws -> ClaimImportResult {
    try ClaimImport.records(files: files.map { (name: $0.0, data: $0.1) }, options: ClaimImportOptions(asOf: asOf))
}

private func cells(_ r: ClaimImportResult, _ id: String) -> [String: String]? {
    guard let cells = r.rows.first(where: { $0.first == id }) else { return nil }
    return Dictionary(uniqueKeysWithValues: zip(r.header, cells))
}

/// "file table#record field reason" of every problem.
private func listed(_ r: ClaimImportResult) -> [String] {
    r.problems.map { "\($0.file) \($0.table)#\($0.record) \($0.field) \($0.reason)" }
}

private func entry(_ kind: String, _ content: String) -> String {
    "<FILEHOSO><LOAIHOSO>\(kind)</LOAIHOSO><NOIDUNGFILE>\(content)</NOIDUNGFILE></FILEHOSO>"
}

private func b64(_ inner: String) -> String { Data(inner.utf8).base64EncodedString() }

private func envelope(_ entries: [String]) -> Data {
    Data(("<?xml version=\"1.0\" encoding=\"utf-8\"?><GIAMDINHHS><THONGTINHOSO><DANHSACHHOSO><HOSO>"
        + entries.joined() + "</HOSO></DANHSACHHOSO></THONGTINHOSO></GIAMDINHHS>").utf8)
}

@Suite struct ClaimBatchResilienceTests {
    /// One envelope with good entries around a bad base64 entry, a broken inner table and a record
    /// without MA_LK; a truncated file; an XML file that is not a claim; a CSV named .xml.
    static func batch() -> [(String, Data)] {
        let good = envelope([
            entry("XML1", b64(Fixture.xml1("LK1", patient: "BN1"))),
            entry("XML4", "@@not base64@@"),
            entry("XML1", b64(Fixture.xml1("LK2", patient: "BN2"))),
            entry("XML1", b64("<TONG_HOP><MA_LK>LK3</MA_LK><MA_BN>BN3</MA_BN><NGAY_RA>2024")),
            entry("XML1", b64(Fixture.xml1("", patient: "BN9"))),
        ])
        let complete = envelope([
            entry("XML1", b64(Fixture.xml1("LK4", patient: "BN4"))),
            entry("XML1", b64(Fixture.xml1("LK5", patient: "BN5"))),
        ])
        let cut = complete.prefix(complete.count - 200)
        return [
            ("good.xml", good), ("cut.xml", Data(cut)),
            ("invoice.xml", Data("<invoice><total>3</total></invoice>".utf8)),
            ("table.xml", Data("id,age\n1,50\n".utf8)),
        ]
    }

    @Test func everyGoodRecordIsImportedAndEveryBadOneListed() throws {
        let r = try importFiles(Self.batch())
        #expect(r.rows.map { $0[0] } == ["BN1", "BN2", "BN4"])
        let found = listed(r)
        #expect(found.contains("good.xml GIAMDINHHS#2 NOIDUNGFILE bad_base64"), "\(found)")
        #expect(found.contains("good.xml GIAMDINHHS#4 NOIDUNGFILE inner_xml_truncated"), "\(found)")
        #expect(found.contains("good.xml XML1#3 MA_LK missing_key"), "\(found)")
        #expect(found.contains("cut.xml GIAMDINHHS#2 NOIDUNGFILE xml_truncated"), "\(found)")
        #expect(found.contains("invoice.xml FILE#0 - not_claim_xml"), "\(found)")
        #expect(found.contains("table.xml FILE#0 - not_xml"), "\(found)")
    }
}

@Suite struct ClaimDecimalCommaTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let raw: String, expected: String, reasons: [String]
        var testDescription: String { "GIA_TRI \(raw)" }
    }

    static let cases: [Case] = [
        .init(raw: "1,15", expected: "1.15", reasons: []),
        .init(raw: "5,6", expected: "5.6", reasons: []),
        .init(raw: "0,850", expected: "0.85", reasons: []),  // a leading 0 cannot be a thousands group
        .init(raw: "<2,2", expected: "2.2", reasons: ["censored"]),
        .init(raw: "5.6", expected: "5.6", reasons: []),
        .init(raw: "1.234,5", expected: "", reasons: ["ambiguous_number"]),  // both separators
        .init(raw: "1,234.5", expected: "", reasons: ["ambiguous_number"]),
        .init(raw: "1,234", expected: "", reasons: ["ambiguous_number"]),  // thousands or 3 decimals?
        .init(raw: "1,234,567", expected: "", reasons: ["ambiguous_number"]),
        .init(raw: "1 234", expected: "", reasons: ["invalid_number"]),
        .init(raw: "5,", expected: "", reasons: ["invalid_number"]),
    ]

    @Test(arguments: cases)
    func labValue(_ c: Case) throws {
        let data = Fixture.envelope([[
            ("XML1", Fixture.xml1("LK1", patient: "BN1")),
            ("XML4", Fixture.xml4([.init(lk: "LK1", name: "HDL-C", value: c.raw, unit: "mmol/L")])),
        ]])
        let r = try importFiles([("f.xml", data)])
        #expect(cells(r, "BN1")?["hdl"] == c.expected)
        #expect(r.problems.map(\.reason) == c.reasons)
    }

    @Test func weightWithDecimalComma() throws {
        let data = Fixture.envelope([[("XML1", Fixture.xml1("LK1", patient: "BN1", [("CAN_NANG", "55,5")]))]])
        #expect(cells(try importFiles([("f.xml", data)]), "BN1")?["weight_kg"] == "55.5")
    }
}

@Suite struct ClaimDrugListTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let code: String, name: String, bp: String, statin: String
        var testDescription: String { code.isEmpty ? name : "\(code) \(name)" }
    }

    static let cases: [Case] = [
        .init(code: "", name: "Lipitor 20mg", bp: "0", statin: "1"),
        .init(code: "", name: "Crestor 10mg", bp: "0", statin: "1"),
        .init(code: "", name: "Exforge 5mg/80mg", bp: "1", statin: "0"),
        .init(code: "", name: "Exforge HCT 5/160/12.5mg", bp: "1", statin: "0"),
        .init(code: "", name: "Coversyl 5mg", bp: "1", statin: "0"),
        .init(code: "", name: "Coveram 5mg/5mg", bp: "1", statin: "0"),
        .init(code: "", name: "Preterax 2.5mg/0.625mg", bp: "1", statin: "0"),
        .init(code: "", name: "Bi-Preterax 5mg/1.25mg", bp: "1", statin: "0"),
        .init(code: "", name: "Triplixam 5mg/1.25mg/5mg", bp: "1", statin: "0"),
        .init(code: "", name: "Twynsta 40mg/5mg", bp: "1", statin: "0"),
        .init(code: "", name: "Caduet 5mg/10mg", bp: "1", statin: "1"),
        .init(code: "", name: "Vytorin 10mg/20mg", bp: "0", statin: "1"),
        .init(code: "", name: "Natrilix SR 1.5mg", bp: "1", statin: "0"),
        .init(code: "C09DB01", name: "Thuốc phối hợp", bp: "1", statin: "0"),
        .init(code: "C10AA05", name: "Thuốc hạ mỡ máu", bp: "0", statin: "1"),
        .init(code: "C10BA02", name: "Thuốc phối hợp", bp: "0", statin: "1"),
        .init(code: "C07AB07", name: "", bp: "1", statin: "0"),
        .init(code: "C10AB05", name: "Fenofibrat 160mg", bp: "0", statin: "0"),  // a fibrate
        .init(code: "C10AX09", name: "Ezetimib 10mg", bp: "0", statin: "0"),  // ezetimibe alone
        .init(code: "N02BE01", name: "Paracetamol 500mg", bp: "0", statin: "0"),
    ]

    @Test(arguments: cases)
    func drug(_ c: Case) throws {
        let data = Fixture.envelope([[
            ("XML1", Fixture.xml1("LK1", patient: "BN1")), ("XML2", Fixture.xml2([("LK1", c.code, c.name)])),
        ]])
        let p = try #require(cells(try importFiles([("f.xml", data)]), "BN1"))
        #expect(p["bp_treated"] == c.bp)
        #expect(p["statin"] == c.statin)
    }
}

@Suite struct ClaimLatestValueAcrossFilesTests {
    static func file(_ lk: String, visit: String, glucose: String, at time: String) -> Data {
        Fixture.envelope([[
            ("XML1", Fixture.xml1(lk, patient: "BN1", [("NGAY_VAO", visit + "0800"), ("NGAY_RA", visit + "1000")])),
            ("XML4", Fixture.xml4([.init(lk: lk, name: "Glucose", value: glucose, unit: "mmol/L", date: time)])),
        ]])
    }

    @Test func latestDateWinsWhateverTheFileOrder() throws {
        let early = Self.file("LK1", visit: "20240501", glucose: "6.0", at: "202405010900")
        let late = Self.file("LK2", visit: "20240510", glucose: "7.0", at: "202405100900")
        for files in [[("early.xml", early), ("late.xml", late)], [("late.xml", late), ("early.xml", early)]] {
            #expect(cells(try importFiles(files, asOf: "20240531"), "BN1")?["fasting_glucose"] == "7")
            #expect(cells(try importFiles(files, asOf: "20240505"), "BN1")?["fasting_glucose"] == "6")
        }
    }

    @Test func sameDayLaterTimeWinsThenLaterFile() throws {
        let morning = Self.file("LK1", visit: "20240510", glucose: "6.0", at: "202405100800")
        let noon = Self.file("LK2", visit: "20240510", glucose: "7.0", at: "202405101200")
        // Different times on the same day: the later time, whatever the file order.
        #expect(cells(try importFiles([("a.xml", noon), ("b.xml", morning)]), "BN1")?["fasting_glucose"] == "7")
        #expect(cells(try importFiles([("a.xml", morning), ("b.xml", noon)]), "BN1")?["fasting_glucose"] == "7")
        // Same time: the later file in argument order.
        let noonOther = Self.file("LK3", visit: "20240510", glucose: "6.5", at: "202405101200")
        #expect(cells(try importFiles([("a.xml", noon), ("b.xml", noonOther)]), "BN1")?["fasting_glucose"] == "6.5")
        #expect(cells(try importFiles([("a.xml", noonOther), ("b.xml", noon)]), "BN1")?["fasting_glucose"] == "7")
    }
}

@Suite struct ClaimCanonicalValueTests {
    @Test func ageIsCalendarAgeAndLabsAreUnrounded() throws {
        let r = try importFiles([("hs.xml", Fixture.twoVisits())])
        let p = try #require(cells(r, "BN001"))
        let birth = CalendarDate.days(year: 1965, month: 5, day: 15), on = CalendarDate.days(year: 2024, month: 5, day: 10)
        let age = try #require(CalendarDate.age(birth: birth, on: on))
        #expect(p["age"] == String(age))
        #expect(p["total_chol"] == String(220 / 38.67))
        #expect(p["fasting_glucose"] == String(126 / 18.016))
        #expect(p["hba1c"] == String(53 * 0.09148 + 2.152))
    }
}

@Suite struct ClaimNestingTests {
    @Test func hundredThousandLevelsAreRefusedCleanly() throws {
        let depth = 100_000
        var text = "<GIAMDINHHS>"
        text += String(repeating: "<A>", count: depth) + String(repeating: "</A>", count: depth)
        text += "</GIAMDINHHS>"
        let inner = String(repeating: "<B>", count: depth) + String(repeating: "</B>", count: depth)
        let nestedInner = envelope([entry("XML1", b64(inner)), entry("XML1", b64(Fixture.xml1("LK1", patient: "BN1")))])
        let r = try importFiles([("deep.xml", Data(text.utf8)), ("deepinner.xml", nestedInner)])
        #expect(r.rows.map { $0[0] } == ["BN1"])
        #expect(listed(r).contains("deep.xml FILE#0 - xml_too_deep"), "\(listed(r))")
        #expect(listed(r).contains("deepinner.xml GIAMDINHHS#1 NOIDUNGFILE inner_xml_too_deep"), "\(listed(r))")
    }
}
