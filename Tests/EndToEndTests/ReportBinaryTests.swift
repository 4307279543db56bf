import Foundation
import Testing

@Suite struct ReportBinaryTests {
    @Test func scoreThenReport() throws {
        let dir = try tempDir()
        let input = dir.appendingPathComponent("in.csv")
        var csv = "id,name,commune,age,sex,race,smoker,diabetes,bp_treated,sbp,dbp,total_chol,hdl,hypertension,statin\n"
        for i in 0..<40 {
            csv += "SECRET\(i),Trần Văn \(i),C\(i % 3),\(45 + i),\(i % 2 == 0 ? "male" : "female"),other,\(i % 2),0,\(i % 3 == 0 ? 1 : 0),\(120 + 2 * i),\(75 + i / 2),5.2,1.2,\(i % 3 == 0 ? 1 : 0),0\n"
        }
        try csv.write(to: input, atomically: true, encoding: .utf8)
        let scored = dir.appendingPathComponent("scored.csv")
        let s = try riskengine(["score", input.path, "--models", "who2019_lab", "--param", "who_region=southeast_asia", "--keep", "age,sex", "--output", scored.path, "--quiet"])
        #expect(s.status == 0, "\(s.stderr)")
        for lang in ["vi", "en"] {
            let page = dir.appendingPathComponent("report-\(lang).html")
            let r = try riskengine(["report", scored.path, "--area", "commune", "--lang", lang, "--output", page.path])
            #expect(r.status == 0, "\(r.stderr)")
            let html = try String(contentsOf: page, encoding: .utf8)
            #expect(html.contains("<html lang=\"\(lang)\">"))
            #expect(html.contains("<svg"))
            #expect(html.contains("<code>who2019_lab</code>"))
            #expect(!html.contains("SECRET") && !html.contains("Trần"))
        }
        let bad = try riskengine(["report", scored.path, "--area", "province", "--output", dir.appendingPathComponent("x.html").path])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("no column 'province'"))
    }
}
