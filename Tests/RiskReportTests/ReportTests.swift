import Foundation
@testable import RiskReport
import Testing

/// A scored file with identifiers and names (which must never reach the page), three communes
/// (one with 3 people, one with markup in its code), WHO and QRISK3 risks, statuses and flags.
/// Values follow from the row number, so the counts are known.
enum ReportFixture {
    static let secretID = "SECRETID"
    static let secretName = "Nguyễn Bí Mật"

    static func scoredCSV(qrisk3: Bool = true) -> String {
        var s = "id,who2019_lab_cvd_10y,who2019_lab_status," + (qrisk3 ? "qrisk3_cvd_10y,qrisk3_status," : "") + "flags,name,commune,age,sex\n"
        for i in 0..<203 {
            let commune = i < 3 ? "C03" : (i % 2 == 0 ? "C01" : "<b>x&y</b>")
            let risk = i % 10 == 9 ? "" : String(Double(i % 40))
            let status = risk.isEmpty ? "missing:sbp" : "ok"
            let band = risk.isEmpty ? "" : "who2019_lab:risk_x"
            let flags = [band, i % 4 == 0 ? "bp_urgent" : "", i % 7 == 0 ? "htn_untreated" : ""].filter { !$0.isEmpty }.joined(separator: ";")
            let sex = i % 3 == 0 ? "female" : (i % 3 == 1 ? "male" : "")
            let q = qrisk3 ? "\(risk),\(status)," : ""
            s += "\(secretID)\(i),\(risk),\(status),\(q)\(flags),\"\(secretName), \(i)\",\(commune),\(35 + i % 45),\(sex)\n"
        }
        return s
    }

    static let alertsCSV: String = {
        var s = "area,period,indicator,method,observed,expected,upperbound,alarm,level\n"
        for m in 1...24 {
            let period = String(format: "2025-%02d", ((m - 1) % 12) + 1).replacingOccurrences(of: "2025", with: m > 12 ? "2026" : "2025")
            let rise = m >= 20 ? 12 : 0
            s += "C01,\(period),bp_urgent,ears_c2,\(4 + m % 3 + rise),,\(9.5),\(rise > 0 ? 1 : 0),\(rise > 0 ? "warning" : "none")\n"
            s += "C01,\(period),people,ears_c2,\(30 + m % 4),,40,0,none\n"
        }
        return s
    }()

    static func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("riskreport-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    static func page(_ language: ReportLanguage, qrisk3: Bool = true, alerts: Bool = true, validation: Bool = false) throws -> String {
        let dir = try tempDir()
        let data = try ReportData.read(
            path: try write(scoredCSV(qrisk3: qrisk3), "scored.csv", in: dir), areaColumn: "commune",
            knownModels: ["who2019_lab", "qrisk3"], bandBounds: [5, 10, 20, 30],
            bandCodes: ["risk_lt5", "risk_5_10", "risk_10_20", "risk_20_30", "risk_ge30"])
        let alertData = alerts ? try AlertData.read(path: try write(alertsCSV, "alerts.csv", in: dir)) : nil
        var report = HTMLReport(
            data: data, alerts: alertData, language: language,
            citations: ["who2019_lab": ReportCitation(model: "who2019_lab", title: "WHO CVD risk charts 2019 (lab)", reference: "Lancet Glob Health 2019;7:e1332", doi: "10.1016/S2214-109X(19)30318-3")],
            ruleTexts: ["bp_urgent": ReportRuleText(level: "urgent", english: "Very high blood pressure", vietnamese: "Huyết áp rất cao")],
            qrisk3Disclaimer: "QRISK3 disclaimer text"
        )
        if validation {
            report.validations = [try ValidationSummary.read(path: try write(ValidationSectionTests.json(model: "who2019_lab", c: 0.712), "v.json", in: dir))]
        }
        return report.render()
    }
}

func occurrences(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

@Suite struct ReportHTMLTests {
    @Test(arguments: ReportLanguage.allCases)
    func pageStructure(_ language: ReportLanguage) throws {
        let html = try ReportFixture.page(language)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"\(language.rawValue)\">"))
        #expect(html.hasSuffix("</html>\n"))
        for id in ["bands", "flags", "areas", "series", "models"] {
            #expect(html.contains("<section id=\"\(id)\">"), "\(id)")
        }
        #expect(occurrences("<section", in: html) == occurrences("</section>", in: html))
        #expect(occurrences("<svg", in: html) == occurrences("</svg>", in: html))
        #expect(occurrences("<table", in: html) == occurrences("</table>", in: html))
        // Charts: bands for two risk columns, the flags chart, one area card, one series chart.
        #expect(occurrences("<svg", in: html) == 5)
        #expect(html.contains("<circle"))  // alerts marked
        #expect(html.contains("stroke-dasharray"))  // threshold line
        #expect(html.contains(language == .vi ? "Số người" : "People"))
        #expect(html.contains(language == .vi ? "Huyết áp rất cao" : "Very high blood pressure"))
        #expect(html.contains("QRISK3 disclaimer text"))
        #expect(html.contains("doi:10.1016/S2214-109X(19)30318-3"))
    }

    @Test func selfContainedAndNoIdentifiers() throws {
        for language in ReportLanguage.allCases {
            let html = try ReportFixture.page(language)
            for forbidden in [ReportFixture.secretID, ReportFixture.secretName, "Bí Mật", "<script", "src=", "href=", "url(", "@import", "<link", "<img", "<iframe"] {
                #expect(!html.contains(forbidden), "\(forbidden)")
            }
            // Markup in an area code is escaped, never interpreted.
            #expect(html.contains("&lt;b&gt;x&amp;y&lt;/b&gt;"))
            #expect(!html.contains("<b>x&y</b>"))
        }
    }

    @Test func smallCellsAreSuppressed() throws {
        let html = try ReportFixture.page(.en)
        // C03 has 3 people: its count is shown as <5 and no share is given.
        let row = try #require(html.split(separator: "\n").first { $0.hasPrefix("<tr><td class=\"t\">C03</td>") })
        #expect(row == "<tr><td class=\"t\">C03</td><td>&lt;5</td><td>&lt;5</td><td>0</td><td>–</td><td>&lt;5</td><td>0</td></tr>")
        // No number between 1 and 4 appears as a table cell anywhere.
        for n in 1...4 { #expect(!html.contains("<td>\(n)</td>"), "\(n)") }
    }

    @Test func aRiskColumnWithoutScoredRowsHasNoChart() throws {
        let dir = try ReportFixture.tempDir()
        let csv = "id,who2019_lab_cvd_10y,age,sex\nSECRETID1,,50,male\n"
        let data = try ReportData.read(
            path: try ReportFixture.write(csv, "s.csv", in: dir), areaColumn: nil, knownModels: [],
            bandBounds: [5, 10, 20, 30], bandCodes: ["a", "b", "c", "d", "e"])
        let html = HTMLReport(data: data, alerts: nil, language: .en, citations: [:], ruleTexts: [:], qrisk3Disclaimer: "").render()
        #expect(!html.contains("<svg"))
        #expect(html.contains("Not scored (no risk): &lt;5"))
        #expect(!html.contains("SECRETID"))
        #expect(!html.contains("<section id=\"areas\">"))
    }

    @Test(arguments: ["name", "id", "HO_TEN"])
    func anIdentifyingAreaColumnIsRefused(_ column: String) throws {
        let dir = try ReportFixture.tempDir()
        let csv = "id,name,HO_TEN,who2019_lab_cvd_10y,age,sex\nA,B,C,5,50,male\n"
        let path = try ReportFixture.write(csv, "s.csv", in: dir)
        #expect(throws: ReportError.areaLooksIdentifying(path: path, column: column)) {
            try ReportData.read(path: path, areaColumn: column, knownModels: [], bandBounds: [5], bandCodes: ["a", "b"])
        }
    }

    @Test func anAreaColumnWithAboutOneValuePerRowIsRefused() throws {
        let dir = try ReportFixture.tempDir()
        var csv = "who2019_lab_cvd_10y,age,sex,person\n"
        for i in 0..<30 { csv += "5,50,male,P\(i)\n" }
        let path = try ReportFixture.write(csv, "s.csv", in: dir)
        #expect(throws: ReportError.areaLooksIdentifying(path: path, column: "person")) {
            try ReportData.read(path: path, areaColumn: "person", knownModels: [], bandBounds: [5], bandCodes: ["a", "b"])
        }
    }

    @Test func flagTextThatIsNotACodeIsCountedNotShown() throws {
        let dir = try ReportFixture.tempDir()
        var csv = "who2019_lab_cvd_10y,age,sex,flags\n"
        for _ in 0..<10 { csv += "5,50,male,\"bp_urgent;Nguyễn Văn A 0912345678\"\n" }
        let data = try ReportData.read(
            path: try ReportFixture.write(csv, "s.csv", in: dir), areaColumn: nil, knownModels: [], bandBounds: [5], bandCodes: ["a", "b"])
        #expect(data.flags == ["bp_urgent": 10])
        #expect(data.otherFlagRows == 10)
        let html = HTMLReport(data: data, alerts: nil, language: .en, citations: [:], ruleTexts: [:], qrisk3Disclaimer: "").render()
        #expect(!html.contains("Nguyễn") && !html.contains("0912345678"))
    }

    @Test func qrisk3DisclaimerOnlyWithQRISK3() throws {
        let html = try ReportFixture.page(.vi, qrisk3: false, alerts: false)
        #expect(!html.contains("QRISK3 disclaimer text"))
        #expect(html.contains("Không có tệp tín hiệu cảnh báo"))
    }

    @Test func countsAreRight() throws {
        let dir = try ReportFixture.tempDir()
        let data = try ReportData.read(
            path: try ReportFixture.write(ReportFixture.scoredCSV(), "s.csv", in: dir), areaColumn: "commune",
            knownModels: ["who2019_lab", "qrisk3"], bandBounds: [5, 10, 20, 30], bandCodes: ["a", "b", "c", "d", "e"])
        #expect(data.rows == 203)
        #expect(data.models == ["who2019_lab", "qrisk3"])
        let who = data.riskColumns[0]
        #expect(who.notScored == 20)
        #expect(who.scored == 183)
        #expect(data.flags == ["bp_urgent": 51, "htn_untreated": 29])
        #expect(data.statusOK["who2019_lab"] == 183)
        #expect(data.areas["C03"]?.rows == 3)
        #expect(data.areas.values.map(\.rows).reduce(0, +) == 203)
    }
}

@Suite struct ReportCSVTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        let records: [[String]]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        .init(name: "plain", text: "a,b\n1,2\n", records: [["a", "b"], ["1", "2"]]),
        .init(name: "CRLF, BOM, no final newline", text: "\u{FEFF}a,b\r\n1,2", records: [["a", "b"], ["1", "2"]]),
        .init(name: "quotes", text: "a,b\n\"x, \"\"y\"\"\",\"line\nbreak\"\n", records: [["a", "b"], ["x, \"y\"", "line\nbreak"]]),
        .init(name: "empty fields and blank line", text: "a,b,c\n\n,,\n", records: [["a", "b", "c"], ["", "", ""]]),
    ]

    @Test(arguments: cases)
    func records(_ c: Case) throws {
        let dir = try ReportFixture.tempDir()
        var r = try CSVRecords.open(try ReportFixture.write(c.text, "f.csv", in: dir))
        var fields: [[UInt8]] = []
        var got: [[String]] = []
        while r.next(into: &fields) { got.append(fields.map(\.text)) }
        #expect(got == c.records)
    }

    @Test func riskColumnNames() {
        #expect(ReportData.horizon(of: "who2019_lab_cvd_10y") == 10)
        #expect(ReportData.horizon(of: "prevent2023_base_hf_30y") == 30)
        #expect(ReportData.horizon(of: "egfr_ckdepi2021") == nil)
        #expect(ReportData.horizon(of: "who2019_lab_status") == nil)
        #expect(ReportData.model(of: "prevent2023_base_hf_30y", knownModels: ["prevent2023_base", "prevent2023"]) == "prevent2023_base")
        #expect(ReportData.model(of: "mymodel_cvd_10y", knownModels: []) == "mymodel")
    }
}

/// The validation section: figures with intervals side by side, a calibration plot and a decile
/// table per model, small deciles suppressed.
@Suite struct ValidationSectionTests {
    static func json(model: String, c: Double, decileN: Int = 120) -> String {
        let deciles = (1...10).map { k in
            "{\"decile\": \(k), \"n\": \(k == 1 ? 3 : decileN), \"mean_predicted\": \(Double(k) * 0.02), \"km_observed\": \(Double(k) * 0.021)}"
        }.joined(separator: ",")
        return """
            {"n": 1203, "events": 150, "horizon": 10, "model": "\(model)", "harrell_c": \(c), "harrell_c_ci": [0.701, 0.723],
             "uno_c": 0.7, "auc": 0.73, "oe_ratio": 1.05, "calibration_slope": 0.98, "km_observed_risk": 0.12,
             "expected_risk": 0.114, "brier": 0.09, "brier_null": 0.1, "ipa": 0.1,
             "deciles": [\(deciles)],
             "calibration_curve": [{"predicted": 0.02, "observed": 0.022}, {"predicted": 0.2, "observed": 0.21}]}
            """
    }

    @Test func figuresPlotsAndDeciles() throws {
        let dir = try ReportFixture.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try ValidationSummary.read(path: try ReportFixture.write(Self.json(model: "pce2013", c: 0.712), "a.json", in: dir))
        let b = try ValidationSummary.read(path: try ReportFixture.write(Self.json(model: "who2019_lab", c: 0.69), "b.json", in: dir))
        #expect(a.name == "pce2013" && a.n == 1203 && a.deciles.count == 10 && a.curve.count == 2)
        let base = try ReportFixture.page(.en)
        let dataDir = try ReportFixture.tempDir()
        defer { try? FileManager.default.removeItem(at: dataDir) }
        var report = HTMLReport(
            data: try ReportData.read(
                path: try ReportFixture.write(ReportFixture.scoredCSV(), "s.csv", in: dataDir), areaColumn: "commune",
                knownModels: ["who2019_lab"], bandBounds: [5, 10, 20, 30],
                bandCodes: ["risk_lt5", "risk_5_10", "risk_10_20", "risk_20_30", "risk_ge30"]),
            alerts: nil, language: .en, citations: [:], ruleTexts: [:], qrisk3Disclaimer: "")
        report.validations = [a, b]
        let page = report.render()
        #expect(page.contains("<section id=\"validation\">"))
        #expect(page.contains("<th>pce2013</th><th>who2019_lab</th>"))
        #expect(page.contains("0.712 (0.701–0.723)"))
        #expect(page.contains("<td>0.690 (0.701–0.723)</td>") && page.contains("<td>0.700</td><td>0.700</td>"))
        #expect(occurrences("<svg", in: page) >= occurrences("<svg", in: base) - 2 + 2)
        #expect(occurrences("<title>Calibration plot", in: page) == 2)
        // The first decile has 3 people: its count is "<5" and it is neither plotted nor shown.
        #expect(page.contains("<tr><td>1</td><td>&lt;5</td><td>–</td><td>–</td></tr>"))
        #expect(occurrences("<title>Decile 1</title>", in: page) == 0)
        #expect(occurrences("<title>Decile 2</title>", in: page) == 2)
    }

    @Test func notAValidationFileIsRefused() throws {
        let dir = try ReportFixture.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try ReportFixture.write("{\"hello\": 1}", "x.json", in: dir)
        #expect(throws: ReportError.notValidation(path: path)) { try ValidationSummary.read(path: path) }
    }
}
