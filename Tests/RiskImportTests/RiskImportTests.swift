// Claim XML import: envelopes, joins, the latest-value rule, birth dates, labs, drugs, diagnoses,
// errors, privacy, and a bounded fuzz run. Expected numbers are worked by hand beside each case
// from the conversion factors stated in Sources/RiskImport/ClaimValues.swift.
import Foundation
import RiskCore
import RiskImport
import RiskTestSupport
import Testing

private func run(_ files: [(String, Data)], asOf: String? = nil, lists: ClaimCodeLists? = nil) throws -> ClaimImportResult {
    try ClaimImport.records(files: files.map { (name: $0.0, data: $0.1) }, options: ClaimImportOptions(asOf: asOf, codeLists: lists))
}

/// The row of a patient as column → cell.
private func row(_ r: ClaimImportResult, _ id: String) -> [String: String]? {
    guard let cells = r.rows.first(where: { $0.first == id }) else { return nil }
    return Dictionary(uniqueKeysWithValues: zip(r.header, cells))
}

/// RiskCore's calendar age as the importer writes it.
private func calendarAge(_ y: Int, _ m: Int, _ d: Int, on ay: Int, _ am: Int, _ ad: Int) -> String {
    let age = CalendarDate.age(birth: CalendarDate.days(year: y, month: m, day: d), on: CalendarDate.days(year: ay, month: am, day: ad))
    return age.map { String($0) } ?? ""
}

private func reasons(_ r: ClaimImportResult, field: String? = nil) -> [String] {
    r.problems.filter { field == nil || $0.field == field }.map(\.reason)
}

@Suite struct ClaimEnvelopeTests {
    @Test func headerIsCanonicalAndHasNoBloodPressure() {
        #expect(ClaimImport.header == [
            "id", "age", "sex", "diabetes", "bp_treated", "statin", "total_chol", "hdl", "fasting_glucose", "hba1c",
            "creatinine", "weight_kg", "matinh_cu_tru", "maxa_cu_tru", "hypertension", "prior_stroke", "prior_mi",
            "assessment_date",
        ])
        #expect(!ClaimImport.header.contains("sbp") && !ClaimImport.header.contains("dbp"))
    }

    @Test func twoVisitsJoinedWithLatestValues() throws {
        let r = try run([("hs.xml", Fixture.twoVisits())])
        #expect(r.rows.count == 1)
        let p = try #require(row(r, "BN001"))
        #expect(p["age"] == calendarAge(1965, 5, 15, on: 2024, 5, 10))  // assessed at NGAY_RA of LK2
        #expect(p["sex"] == "female")
        #expect(p["diabetes"] == "1")  // E11.9 in MA_BENH_KT of LK2
        #expect(p["bp_treated"] == "1")  // Amlodipin at LK1
        #expect(p["statin"] == "1")  // Atorvastatin at LK2
        #expect(p["total_chol"] == String(220 / 38.67))  // latest: 220 mg/dL ÷ 38.67 = 5.6892 (LK1 had 5.0 mmol/L)
        #expect(p["hdl"] == "1.2")  // only at LK1
        #expect(p["fasting_glucose"] == String(126 / 18.016))  // 6.9938
        #expect(p["hba1c"] == String(53 * 0.09148 + 2.152))  // 7.0004
        #expect(p["creatinine"] == String(1.1 * 88.4))  // 97.24
        #expect(p["weight_kg"] == "62.5")
        #expect(p["matinh_cu_tru"] == "01" && p["maxa_cu_tru"] == "00256")
        #expect(p["hypertension"] == "1" && p["prior_stroke"] == "0" && p["prior_mi"] == "1")
        #expect(p["assessment_date"] == "20240510")
        #expect(r.problems.isEmpty, "\(r.problems)")
    }

    @Test func asOfKeepsOnlyEarlierVisitsAndResults() throws {
        let r = try run([("hs.xml", Fixture.twoVisits())], asOf: "20231231")
        let p = try #require(row(r, "BN001"))
        #expect(p["age"] == calendarAge(1965, 5, 15, on: 2023, 12, 31))
        #expect(p["diabetes"] == "0" && p["prior_mi"] == "0" && p["hypertension"] == "1")
        #expect(p["bp_treated"] == "1" && p["statin"] == "0")
        #expect(p["total_chol"] == "5" && p["hdl"] == "1.2")
        #expect(p["fasting_glucose"] == "" && p["hba1c"] == "" && p["creatinine"] == "")
        #expect(p["weight_kg"] == "60")
        #expect(p["assessment_date"] == "20231231")
        // The four LK2 results that map to fields (LDL is not used) are reported as left out.
        #expect(reasons(r).filter { $0 == "after_assessment_date" }.count == 4)
    }

    @Test(arguments: [Fixture.Content.plainText, .children])
    func decodedContentReadsLikeBase64(_ content: Fixture.Content) throws {
        let a = try run([("b64.xml", Fixture.twoVisits())])
        let b = try run([("plain.xml", Fixture.twoVisits(content: content))])
        #expect(a.rows == b.rows)
    }

    @Test func innerTablesGivenDirectlyAreJoinedAcrossFiles() throws {
        let files: [(String, Data)] = [
            ("xml4.xml", Data(Fixture.xml4([.init(lk: "LK9", name: "Glucose", value: "5.4", unit: "mmol/L")]).utf8)),
            ("xml2.xml", Data(Fixture.xml2([("LK9", "", "Losartan kali 50mg")]).utf8)),
            ("xml1.xml", Data(Fixture.xml1("LK9", patient: "BN009").utf8)),
        ]
        let r = try run(files)
        let p = try #require(row(r, "BN009"))
        #expect(p["fasting_glucose"] == "5.4" && p["bp_treated"] == "1" && p["statin"] == "0")
    }

    @Test func rowsAreSortedByPatientId() throws {
        let data = Fixture.envelope([
            [("XML1", Fixture.xml1("A3", patient: "BN300"))], [("XML1", Fixture.xml1("A1", patient: "BN100"))],
            [("XML1", Fixture.xml1("A2", patient: "BN200"))],
        ])
        #expect(try run([("f.xml", data)]).rows.map { $0[0] } == ["BN100", "BN200", "BN300"])
    }
}

@Suite struct ClaimBirthDateTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let label: String, birth: String, asOf: String, age: String, approximated: Bool
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        .init(label: "130 exact", birth: "198003200000", asOf: "20240319", age: "43", approximated: false),
        .init(label: "130 exact, birthday reached", birth: "198003200000", asOf: "20240320", age: "44", approximated: false),
        .init(label: "130 exact 1 January is not approximated", birth: "198001010000", asOf: "20240101", age: "44", approximated: false),
        // Unknown day and month (0000) → 1 July 1980.
        .init(label: "130 unknown day and month", birth: "198000000000", asOf: "20240630", age: "43", approximated: true),
        .init(label: "130 unknown day and month, after 1 July", birth: "198000000000", asOf: "20240701", age: "44", approximated: true),
        // Unknown day (00) → 15 March 1980.
        .init(label: "130 unknown day", birth: "198003000000", asOf: "20240314", age: "43", approximated: true),
        .init(label: "130 unknown day, after the 15th", birth: "198003000000", asOf: "20240315", age: "44", approximated: true),
        // 4210: 0101 means unknown → 1 July.
        .init(label: "4210 unknown written 0101", birth: "19800101", asOf: "20240630", age: "43", approximated: true),
        .init(label: "4210 exact", birth: "19800320", asOf: "20240320", age: "44", approximated: false),
        .init(label: "year only", birth: "1980", asOf: "20240701", age: "44", approximated: true),
        .init(label: "invalid month", birth: "198013010000", asOf: "20240101", age: "", approximated: false),
        .init(label: "dd/mm/yyyy is not guessed", birth: "20/03/1980", asOf: "20240101", age: "", approximated: false),
    ]

    @Test(arguments: cases)
    func age(_ c: Case) throws {
        let data = Fixture.envelope([[("XML1", Fixture.xml1("LK1", patient: "BN1", [("NGAY_SINH", c.birth)]))]])
        let r = try run([("f.xml", data)], asOf: c.asOf)
        // Whole years of the calendar age (the birth-date rules decide the birthday).
        #expect(row(r, "BN1")?["age"].map { $0.isEmpty ? "" : String(Int(Double($0)!)) } == c.age)
        #expect(reasons(r, field: "NGAY_SINH").contains("birth_date_approximated") == c.approximated)
        if c.age.isEmpty { #expect(reasons(r, field: "NGAY_SINH") == ["invalid_date"]) }
    }

    @Test func undeterminedSexIsEmptyWithAProblem() throws {
        let data = Fixture.envelope([[("XML1", Fixture.xml1("LK1", patient: "BN1", [("GIOI_TINH", "3")]))]])
        let r = try run([("f.xml", data)])
        #expect(row(r, "BN1")?["sex"] == "")
        #expect(reasons(r, field: "GIOI_TINH") == ["sex_undetermined"])
    }

    @Test func invalidAsOfIsAnError() {
        #expect(throws: ClaimImportError.invalidAsOf) { try run([], asOf: "31/12/2024") }
        #expect(throws: ClaimImportError.invalidAsOf) { try run([], asOf: "20241301") }
    }
}

@Suite struct ClaimLabTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let label: String, name: String, value: String, unit: String?
        let column: String, expected: String, reasons: [String]
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        .init(label: "cholesterol mmol/L", name: "Cholesterol toàn phần", value: "5.2", unit: "mmol/L", column: "total_chol", expected: "5.2", reasons: []),
        .init(label: "cholesterol mg/dL", name: "Định lượng Cholesterol toàn phần (máu)", value: "200", unit: "mg/dL", column: "total_chol", expected: String(200 / 38.67), reasons: []),  // 5.1720
        .init(label: "cholesterol without diacritics, upper case", name: "CHOLESTEROL TOAN PHAN", value: "4.8", unit: "MMOL/L", column: "total_chol", expected: "4.8", reasons: []),
        .init(label: "HDL mg/dL", name: "HDL-C", value: "50", unit: "mg/dL", column: "hdl", expected: String(50 / 38.67), reasons: []),  // 1.2930
        .init(label: "HDL censored below", name: "Định lượng HDL-C (High density lipoprotein Cholesterol) [Máu]", value: "<0.5", unit: "mmol/L", column: "hdl", expected: "0.5", reasons: ["censored"]),
        .init(label: "glucose censored above", name: "Glucose", value: ">33.3", unit: "mmol/L", column: "fasting_glucose", expected: "33.3", reasons: ["censored"]),
        .init(label: "glucose empty", name: "Glucose", value: "", unit: "mmol/L", column: "fasting_glucose", expected: "", reasons: []),
        .init(label: "glucose decimal comma", name: "Glucose", value: "5,6", unit: "mmol/L", column: "fasting_glucose", expected: "5.6", reasons: []),
        .init(label: "glucose text", name: "Glucose", value: "âm tính", unit: "mmol/L", column: "fasting_glucose", expected: "", reasons: ["invalid_number"]),
        .init(label: "glucose mg/dL", name: "Định lượng Glucose [Máu]", value: "90", unit: "mg/dL", column: "fasting_glucose", expected: String(90 / 18.016), reasons: []),  // 4.9956
        .init(label: "HbA1c %", name: "HbA1c", value: "6.5", unit: "%", column: "hba1c", expected: "6.5", reasons: []),
        .init(label: "HbA1c mmol/mol", name: "HbA1c", value: "48", unit: "mmol/mol", column: "hba1c", expected: String(48 * 0.09148 + 2.152), reasons: []),  // 6.5430
        .init(label: "creatinine mg/dL", name: "Creatinin", value: "1.2", unit: "mg/dL", column: "creatinine", expected: String(1.2 * 88.4), reasons: []),  // 106.08
        .init(label: "creatinine µmol/L (micro sign)", name: "Creatinin", value: "88", unit: "µmol/L", column: "creatinine", expected: "88", reasons: []),
        .init(label: "creatinine μmol/L (Greek mu)", name: "Creatinine", value: "90", unit: "μmol/L", column: "creatinine", expected: "90", reasons: []),
        // 4210-era: no DON_VI_DO tag at all → unit inferred from the value's range.
        .init(label: "no unit: cholesterol in mg/dL range", name: "Cholesterol", value: "195", unit: nil, column: "total_chol", expected: String(195 / 38.67), reasons: ["unit_inferred:total_chol:mg/dL"]),  // 5.0427
        .init(label: "no unit: cholesterol in mmol/L range", name: "Cholesterol", value: "5.1", unit: nil, column: "total_chol", expected: "5.1", reasons: ["unit_inferred:total_chol:mmol/L"]),
        .init(label: "no unit: creatinine µmol/L", name: "Creatinin", value: "88", unit: nil, column: "creatinine", expected: "88", reasons: ["unit_inferred:creatinine:umol/L"]),
        .init(label: "no unit: HbA1c mmol/mol", name: "HbA1c", value: "53", unit: nil, column: "hba1c", expected: String(53 * 0.09148 + 2.152), reasons: ["unit_inferred:hba1c:mmol/mol"]),
        .init(label: "no unit: glucose between ranges", name: "Glucose", value: "37", unit: nil, column: "fasting_glucose", expected: "", reasons: ["unit_unresolved:fasting_glucose"]),
        .init(label: "empty unit tag is like no unit", name: "Glucose", value: "6.1", unit: "", column: "fasting_glucose", expected: "6.1", reasons: ["unit_inferred:fasting_glucose:mmol/L"]),
        .init(label: "unit not of this field", name: "Cholesterol", value: "2.0", unit: "g/L", column: "total_chol", expected: "", reasons: ["unit_unknown:total_chol"]),
        .init(label: "LDL is not total cholesterol", name: "Định lượng LDL - C", value: "3.1", unit: "mmol/L", column: "total_chol", expected: "", reasons: []),
        .init(label: "urine glucose is not plasma glucose", name: "Glucose niệu", value: "5", unit: "mmol/L", column: "fasting_glucose", expected: "", reasons: []),
    ]

    @Test(arguments: cases)
    func labValue(_ c: Case) throws {
        let data = Fixture.envelope([[
            ("XML1", Fixture.xml1("LK1", patient: "BN1")),
            ("XML4", Fixture.xml4([.init(lk: "LK1", name: c.name, value: c.value, unit: c.unit)])),
        ]])
        let r = try run([("f.xml", data)])
        #expect(row(r, "BN1")?[c.column] == c.expected)
        #expect(r.problems.map(\.reason) == c.reasons)
    }

    @Test func latestResultWinsAndOlderCensoringIsNotReported() throws {
        let data = Fixture.envelope([[
            ("XML1", Fixture.xml1("LK1", patient: "BN1")),
            ("XML4", Fixture.xml4([
                .init(lk: "LK1", name: "Glucose", value: "<2.2", unit: "mmol/L", date: "202405090700"),
                .init(lk: "LK1", name: "Glucose", value: "7.4", unit: "mmol/L", date: "202405100700"),
                .init(lk: "LK1", name: "Glucose", value: "6.0", unit: "mmol/L", date: "202405080700"),
            ])),
        ]])
        let r = try run([("f.xml", data)])
        #expect(row(r, "BN1")?["fasting_glucose"] == "7.4")
        #expect(r.problems.isEmpty)
    }

    @Test func codeListMatchesByMaChiSoWithItsDefaultUnit() throws {
        let lists = try ClaimCodeLists(
            labsCSV: "match,term,field,unit\ncode,TEST-CHOL,total_chol,mg/dL\nname,glucose,fasting_glucose,\n",
            drugsCSV: "group,match,term,atc\nantihypertensive,code,40.999,C09AA02\n")
        let data = Fixture.envelope([[
            ("XML1", Fixture.xml1("LK1", patient: "BN1")),
            ("XML4", Fixture.xml4([.init(lk: "LK1", name: "Xét nghiệm lipid", value: "232", unit: nil, code: "test-chol")])),
            ("XML2", Fixture.xml2([("LK1", "40.998+40.999", "Thuốc tự bào chế")])),
        ]])
        let r = try run([("f.xml", data)], lists: lists)
        #expect(row(r, "BN1")?["total_chol"] == String(232 / 38.67))  // 5.99948
        #expect(row(r, "BN1")?["bp_treated"] == "1")
        #expect(reasons(r) == ["unit_assumed:total_chol:mg/dL"])
    }

    @Test func badCodeListsAreTypedErrors() {
        #expect(throws: ClaimImportError.codeList(path: "codelists/xml130_labs.csv", line: 2, problem: "unknown field ldl")) {
            try ClaimCodeLists(labsCSV: "match,term,field,unit\nname,ldl,ldl,\n", drugsCSV: "group,match,term,atc\n")
        }
    }

    @Test func embeddedCodeListsLoad() throws {
        _ = try ClaimCodeLists.embedded()
    }
}

@Suite struct ClaimDrugAndDiagnosisTests {
    struct DrugCase: CustomTestStringConvertible, Sendable {
        let label: String, drugs: [String], bpTreated: String, statin: String
        var testDescription: String { label }
    }

    static let drugCases: [DrugCase] = [
        .init(label: "Vietnamese spelling", drugs: ["Amlodipin 5mg"], bpTreated: "1", statin: "0"),
        .init(label: "international spelling, upper case", drugs: ["AMLODIPINE BESYLATE 10 MG"], bpTreated: "1", statin: "0"),
        .init(label: "salt and strength glued on", drugs: ["Losartan kali50mg"], bpTreated: "1", statin: "0"),
        .init(label: "combination", drugs: ["Amlodipin + atorvastatin 5mg/10mg"], bpTreated: "1", statin: "1"),
        .init(label: "diacritics in the product name", drugs: ["Nifedipin Hasan 20 retard (viên nén tác dụng kéo dài)"], bpTreated: "1", statin: "0"),
        .init(label: "Vietnamese diuretic spelling", drugs: ["Hydroclorothiazid 25mg"], bpTreated: "1", statin: "0"),
        .init(label: "brand name", drugs: ["Lipitor 10mg"], bpTreated: "0", statin: "1"),
        .init(label: "statin only", drugs: ["Rosuvastatin 10mg", "Paracetamol 500mg"], bpTreated: "0", statin: "1"),
        .init(label: "no match", drugs: ["Paracetamol 500mg", "Metformin 850mg"], bpTreated: "0", statin: "0"),
        .init(label: "no partial-word match", drugs: ["Amlodipinum-like vitamin"], bpTreated: "0", statin: "0"),
        .init(label: "no XML2 at all", drugs: [], bpTreated: "", statin: ""),
    ]

    @Test(arguments: drugCases)
    func drugs(_ c: DrugCase) throws {
        var hoso = [("XML1", Fixture.xml1("LK1", patient: "BN1"))]
        if !c.drugs.isEmpty { hoso.append(("XML2", Fixture.xml2(c.drugs.map { ("LK1", "", $0) }))) }
        let r = try run([("f.xml", Fixture.envelope([hoso]))])
        #expect(row(r, "BN1")?["bp_treated"] == c.bpTreated)
        #expect(row(r, "BN1")?["statin"] == c.statin)
    }

    struct DxCase: CustomTestStringConvertible, Sendable {
        let label: String, fields: [String: String], diabetes: String, hypertension: String, stroke: String, mi: String
        var testDescription: String { label }
    }

    static let dxCases: [DxCase] = [
        .init(label: "main field", fields: ["MA_BENH_CHINH": "E11"], diabetes: "1", hypertension: "0", stroke: "0", mi: "0"),
        .init(label: "secondary list", fields: ["MA_BENH_CHINH": "J00", "MA_BENH_KT": "K29.7;E14.9;I15.0"], diabetes: "1", hypertension: "1", stroke: "0", mi: "0"),
        .init(label: "bounds", fields: ["MA_BENH_CHINH": "E09", "MA_BENH_KT": "E15;I16;I59;I65;I20;I23"], diabetes: "0", hypertension: "0", stroke: "0", mi: "0"),
        .init(label: "stroke and MI", fields: ["MA_BENH_CHINH": "I64", "MA_BENH_KT": "i21.0"], diabetes: "0", hypertension: "0", stroke: "1", mi: "1"),
    ]

    @Test(arguments: dxCases)
    func diagnoses(_ c: DxCase) throws {
        let overrides = c.fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let r = try run([("f.xml", Fixture.envelope([[("XML1", Fixture.xml1("LK1", patient: "BN1", overrides))]]))])
        let p = try #require(row(r, "BN1"))
        #expect(p["diabetes"] == c.diabetes && p["hypertension"] == c.hypertension)
        #expect(p["prior_stroke"] == c.stroke && p["prior_mi"] == c.mi)
    }

    @Test func form4210Visit() throws {
        let data = Fixture.envelope([[
            ("XML1", Fixture.xml1Old("OLD1", patient: "BN42", [("MA_BENHKHAC", "E11;I63")])),
            ("XML4", Fixture.xml4([.init(lk: "OLD1", name: "Glucose", value: "142", unit: nil, date: "201905100900")])),
        ]])
        let r = try run([("old.xml", data)])
        let p = try #require(row(r, "BN42"))
        #expect(p["age"] == calendarAge(1965, 5, 15, on: 2019, 5, 10))  // 19650515 is exact in 4210 form
        #expect(p["sex"] == "male" && p["diabetes"] == "1" && p["hypertension"] == "1" && p["prior_stroke"] == "1")
        #expect(p["fasting_glucose"] == String(142 / 18.016))  // inferred mg/dL: 7.8819
        #expect(p["matinh_cu_tru"] == "" && p["weight_kg"] == "70")
        #expect(reasons(r) == ["unit_inferred:fasting_glucose:mg/dL"])
    }
}

@Suite struct ClaimErrorTests {
    /// Whole files and entries that cannot be read are listed and skipped (the batch goes on);
    /// `strict` stops at the first of them instead.
    struct SkipCase: CustomTestStringConvertible, Sendable {
        let label: String, name: String, text: String, problem: String
        var testDescription: String { label }
    }

    static let skipCases: [SkipCase] = [
        .init(label: "not XML", name: "scan.pdf", text: "%PDF-1.7 binary", problem: "scan.pdf FILE#0 - not_xml"),
        .init(label: "XML that is not a claim", name: "other.xml", text: "<invoice><total>3</total></invoice>", problem: "other.xml FILE#0 - not_claim_xml"),
        .init(
            label: "bad base64", name: "hs.xml",
            text: String(decoding: Fixture.twoVisits(), as: UTF8.self).replacingOccurrences(of: "<NOIDUNGFILE>", with: "<NOIDUNGFILE>@@not base64@@"),
            problem: "hs.xml GIAMDINHHS#1 NOIDUNGFILE bad_base64"),
        .init(
            label: "base64 of text that is not XML", name: "x.xml",
            text: "<GIAMDINHHS><THONGTINHOSO><DANHSACHHOSO><HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>"
                + Data("hello, not xml".utf8).base64EncodedString() + "</NOIDUNGFILE></FILEHOSO></HOSO></DANHSACHHOSO></THONGTINHOSO></GIAMDINHHS>",
            problem: "x.xml GIAMDINHHS#1 NOIDUNGFILE inner_xml_not_well_formed"),
    ]

    @Test(arguments: skipCases)
    func skippedAndListed(_ c: SkipCase) throws {
        let files: [(String, Data)] = [("ok.xml", Fixture.twoVisits()), (c.name, Data(c.text.utf8))]
        let r = try run(files)
        #expect(r.rows.map { $0[0] } == ["BN001"])
        let listed = r.problems.map { "\($0.file) \($0.table)#\($0.record) \($0.field) \($0.reason)" }
        #expect(listed.contains(c.problem), "\(listed)")
        do {
            _ = try ClaimImport.records(files: files.map { (name: $0.0, data: $0.1) }, options: ClaimImportOptions(strict: true))
            Issue.record("strict import did not stop")
        } catch {
            guard case .stopped(let p) = error else { Issue.record("unexpected error \(error)"); return }
            #expect("\(p.file) \(p.table)#\(p.record) \(p.field) \(p.reason)" == c.problem)
            #expect(error.description.contains(c.name))
        }
    }

    @Test func malformedRecordsAreProblemsAndTheRunContinues() throws {
        let data = Fixture.envelope([
            [("XML1", Fixture.xml1("LK1", patient: "BN1", [("NGAY_VAO", "2024-05-10"), ("CAN_NANG", "1.055,5"), ("MA_BENH_KT", "E11;??")]))],
            [("XML1", Fixture.xml1("", patient: "BN2"))],
            [("XML1", "<TONG_HOP><MA_LK>LK3</MA_LK><MA_BN>BN3</MA_BN><NGAY_RA>202405101000</NGAY_RA><X><Y>1</Y></X></TONG_HOP>")],
            [("XML4", Fixture.xml4([.init(lk: "LK404", name: "Glucose", value: "5.0", unit: "mmol/L")]))],
            [("XML99", "<A/>"), ("XML2", Fixture.xml2([("LK1", "", "Captopril 25mg")]))],
        ])
        var text = String(decoding: data, as: UTF8.self)
        text = text.replacingOccurrences(of: "<LOAIHOSO>XML99</LOAIHOSO>", with: "<LOAIHOSO>BANG_LA</LOAIHOSO>")
        let r = try run([("f.xml", Data(text.utf8))])
        #expect(r.rows.map { $0[0] } == ["BN1", "BN3"])
        let found = r.problems.map { "\($0.table)#\($0.record) \($0.field) \($0.reason)" }
        #expect(found.contains("XML1#1 NGAY_VAO invalid_date"))
        #expect(found.contains("XML1#1 CAN_NANG ambiguous_number"))
        #expect(found.contains("XML1#1 MA_BENH_KT invalid_code"))
        #expect(found.contains("XML1#2 MA_LK missing_key"))
        #expect(found.contains("XML1#3 TONG_HOP malformed_record"))
        #expect(found.contains("XML4#1 MA_LK unlinked_visit"))
        #expect(found.contains("GIAMDINHHS#5 LOAIHOSO unknown_table"))
        #expect(row(r, "BN1")?["diabetes"] == "1" && row(r, "BN1")?["bp_treated"] == "1")
    }
}

@Suite struct ClaimPrivacyTests {
    @Test func noIdentifyingValueAppearsAnywhere() throws {
        let files: [(String, Data)] = [
            ("hs.xml", Fixture.twoVisits()),
            ("bad.xml", Fixture.envelope([[("XML1", Fixture.xml1("LK7", patient: "BN7", [("GIOI_TINH", "9"), ("NGAY_SINH", "196500000000")]))]])),
            ("old.xml", Fixture.envelope([[("XML1", Fixture.xml1Old("LK8", patient: "BN8"))]])),
        ]
        let r = try run(files)
        #expect(r.rows.count == 3)
        let forbidden = [
            Fixture.name, Fixture.idNumber, Fixture.cardNumber, Fixture.address, Fixture.birth130, "19650515",
            "196500000000", "0912345678",
        ]
        let everything = r.header + r.rows.flatMap { $0 } + r.problems.flatMap { [$0.description, $0.file, $0.table, $0.field, $0.reason] }
        for value in forbidden {
            #expect(!everything.contains { $0.contains(value) }, "an identifying value leaked")
        }
        #expect(r.problems.contains { $0.field == "NGAY_SINH" && $0.reason == "birth_date_approximated" })
    }
}

@Suite struct ClaimFuzzTests {
    /// Seeded mutations of a valid envelope: truncation, byte flips, base64 damage, damaged inner XML
    /// re-encoded. The import must never crash nor fail the batch: damage is listed as problems.
    /// 300 iterations by default; `RISKIMPORT_FUZZ_ITERATIONS` and `RISKIMPORT_FUZZ_SEED` run longer or other seeds.
    @Test func seededMutationsNeverCrash() {
        let env = ProcessInfo.processInfo.environment
        let iterations = env["RISKIMPORT_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 300
        var rng = SplitMix(seed: env["RISKIMPORT_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x130_4210)
        let original = [UInt8](Fixture.twoVisits())
        let innerXML1 = [UInt8](Fixture.xml1("LK1", patient: "BN1", [("MA_BENH_KT", "E11;I10")]).utf8)
        var outcomes = (rows: 0, skips: 0)
        for iteration in 0..<iterations {
            var bytes: [UInt8]
            switch iteration % 5 {
            case 0:
                bytes = Array(original.prefix(Int(rng.next() % UInt64(original.count))))
            case 1:
                bytes = original
                for _ in 0..<(1 + rng.next() % 6) {
                    let i = Int(rng.next() % UInt64(bytes.count))
                    bytes[i] = UInt8(truncatingIfNeeded: rng.next())
                }
            case 2:
                bytes = original
                let text = String(decoding: bytes, as: UTF8.self)
                if let r = text.range(of: "<NOIDUNGFILE>") {
                    var t = text
                    let junk = ["=", "!", "A", "==", " ", "\u{00e9}"][Int(rng.next() % 6)]
                    let offset = Int(rng.next() % 40)
                    let at = t.index(r.upperBound, offsetBy: offset, limitedBy: t.endIndex) ?? t.endIndex
                    t.insert(contentsOf: junk, at: at)
                    bytes = Array(t.utf8)
                }
            case 3:
                var inner = innerXML1
                for _ in 0..<(1 + rng.next() % 4) {
                    let i = Int(rng.next() % UInt64(inner.count))
                    inner[i] = [UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "0"), UInt8(ascii: ";"), 0xC3][Int(rng.next() % 5)]
                }
                let b64 = Data(inner).base64EncodedString()
                bytes = Array(("<GIAMDINHHS><THONGTINHOSO><DANHSACHHOSO><HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>"
                    + b64 + "</NOIDUNGFILE></FILEHOSO></HOSO></DANHSACHHOSO></THONGTINHOSO></GIAMDINHHS>").utf8)
            default:
                bytes = original
                let cut = Int(rng.next() % UInt64(bytes.count))
                let len = min(Int(rng.next() % 64), bytes.count - cut)
                bytes.removeSubrange(cut..<(cut + len))
            }
            do {
                let r = try ClaimImport.records(files: [(name: "fuzz-\(iteration).xml", data: Data(bytes))], options: .init())
                outcomes.rows += r.rows.count
                #expect(r.rows.allSatisfy { $0.count == r.header.count })
                #expect(r.problems.allSatisfy { !$0.reason.isEmpty && ($0.record >= 1 || $0.table == ClaimImportProblem.fileTable) })
                if r.problems.contains(where: \.skipsData) { outcomes.skips += 1 }
            } catch {
                Issue.record("a damaged file fails the batch: \(error)")
            }
        }
        // Both paths were exercised: rows imported, and files or entries skipped.
        #expect(outcomes.rows > 0 && outcomes.skips > 0)
    }
}
