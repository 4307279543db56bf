import Foundation
import Testing

/// Runs the built `riskengine` binary as a user would and checks stdout, stderr, files and exit
/// codes (documented in README "Exit codes").
struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
}

func riskengineURL() throws -> URL {
    let candidates = [
        Bundle.main.bundleURL.appendingPathComponent("riskengine"),
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("riskengine"),
        Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("riskengine"),
    ]
    for c in candidates where FileManager.default.isExecutableFile(atPath: c.path) { return c }
    throw CocoaError(.fileNoSuchFile)
}

func riskengine(_ args: [String], stdin: String? = nil) throws -> Run {
    let p = Process()
    p.executableURL = try riskengineURL()
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let inPipe = Pipe()
    p.standardInput = inPipe
    try p.run()
    if let stdin { inPipe.fileHandleForWriting.write(Data(stdin.utf8)) }
    try inPipe.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

func tempDir() throws -> URL {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("riskengine-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
}

@Suite struct BinaryTests {
    /// A small export with the defects of real files: a name column (identifying), bad numbers,
    /// missing and out-of-range values, unknown codes, a short row, CRLF and a BOM.
    static let dirty = "\u{FEFF}id,name,age,sex,race,smoker,diabetes,bp_treated,sbp,dbp,total_chol,hdl,bmi\r\n" + [
        "p1,Nguyễn Thị Lan,55,female,white,0,0,0,120,80,5.508145849,1.292991983,22",
        "p2,\"Trần, Văn \"\"Bé\"\"\",61,male,other,1,0,1,190,100,5.2,1.1,24",
        "p3,Lê Văn Hùng,12O,male,other,0,0,0,130,85,5.0,1.2,21",
        "p4,Phạm Thị Mai,50,nữ,other,0,0,0,,85,5.0,1.2,21",
        "p5,Hoàng Văn Nam,45,male,kinh,0,0,0,130,85,5.0,1.2,21",
        "p6,Vũ Thị Hoa,48,female,other,0,0,0,130,85,198,47,21",
        "p7,Đỗ Văn Long,50,male",
        "p8,Bùi Thị Thu,30,female,other,0,0,0,130,85,5.0,1.2,21",
    ].joined(separator: "\r\n") + "\r\n"

    @Test func scoresADirtyFileWithEveryRowAccountedFor() throws {
        let dir = try tempDir()
        let input = dir.appendingPathComponent("in.csv")
        let output = dir.appendingPathComponent("out.csv")
        try Self.dirty.write(to: input, atomically: true, encoding: .utf8)
        let r = try riskengine(["score", input.path, "--models", "pce2013,framingham2008_lab,framingham2008_bmi", "--output", output.path])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOf: output, encoding: .utf8)
        let rows = text.split(separator: "\n").map(String.init)
        #expect(rows.count == 9)
        #expect(rows[0] == "id,pce2013_ascvd_10y,framingham2008_lab_cvd_10y,framingham2008_bmi_cvd_10y,pce2013_status,framingham2008_lab_status,framingham2008_bmi_status,flags,name")
        #expect(rows.dropFirst().map { String($0.prefix(2)) } == ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"])
        #expect(rows[1].hasPrefix("p1,2.05,"))
        #expect(rows[2].contains("bp_urgent"))
        #expect(rows[3].contains(",invalid:age,invalid:age,invalid:age,"))
        #expect(rows[4].contains(",missing:sbp,missing:sbp,missing:sbp,"))
        #expect(rows[5].contains(",invalid:race,ok,ok,"))
        #expect(rows[6].contains(",out_of_range:total_chol+hdl,out_of_range:total_chol+hdl,ok,"))
        #expect(rows[7].hasPrefix("p7,,,,invalid:row,invalid:row,invalid:row,"))
        #expect(rows[8].contains(",not_applicable:age_below_40,ok,ok,"))
        // Summary on stderr with counts, never names or other identifying values.
        #expect(r.stderr.contains("rows read 8, written 8"))
        #expect(r.stderr.contains("malformed rows 1"))
        for secret in ["Nguyễn", "Trần", "Lê Văn", "p1", "p2", "5.508145849"] {
            #expect(!r.stderr.contains(secret), "stderr must not contain \(secret)")
        }
        // No partial file is left beside the output.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
    }

    @Test func stdinToStdout() throws {
        let r = try riskengine(["score", "-", "--models", "score2", "--param", "score2_region=low", "--digits", "4", "--quiet"],
                               stdin: "id,age,sex,smoker,diabetes,sbp,total_chol,hdl\nx,50,male,1,0,140,6.3,1.4\n")
        #expect(r.status == 0)
        #expect(r.stdout == "id,score2_cvd_10y,score2_status,flags\nx,6.3143,ok,score2:risk_5_10\n")
        #expect(r.stderr.isEmpty)
    }

    struct ExitCase: CustomTestStringConvertible, Sendable {
        let name: String
        let args: [String]
        let stdin: String?
        let status: Int32
        let stderrContains: String
        var testDescription: String { name }
    }

    static let exitCases: [ExitCase] = [
        .init(name: "unknown model", args: ["score", "-", "--models", "nope"], stdin: "id\n", status: 64, stderrContains: "unknown model 'nope'"),
        .init(name: "bad digits", args: ["score", "-", "--models", "pce2013", "--digits", "40"], stdin: "id\n", status: 64, stderrContains: "--digits"),
        .init(name: "bad param", args: ["score", "-", "--models", "score2", "--param", "score2_region=mars"], stdin: "id\n", status: 64, stderrContains: "score2_region"),
        .init(name: "missing input", args: ["score", "/nonexistent/in.csv", "--models", "pce2013"], stdin: nil, status: 66, stderrContains: "cannot open input"),
        .init(name: "empty input", args: ["score", "-", "--models", "pce2013"], stdin: "", status: 65, stderrContains: "empty"),
        .init(name: "duplicate column", args: ["score", "-", "--models", "pce2013"], stdin: "id,sbp,SBP\n", status: 65, stderrContains: "more than once"),
        .init(name: "inverted bp threshold", args: ["score", "-", "--models", "pce2013", "--bp-urgent", "110/180"], stdin: "id\n", status: 64, stderrContains: "SBP above DBP"),
        .init(name: "manifest in a missing folder", args: ["score", "-", "--models", "pce2013", "--manifest", "/nonexistent-dir/run.json"], stdin: "id,age\n", status: 73, stderrContains: "cannot create output /nonexistent-dir/run.json: its folder does not exist"),
        .init(name: "bad bp threshold", args: ["score", "-", "--models", "pce2013", "--bp-urgent", "180"], stdin: "id\n", status: 64, stderrContains: "--bp-urgent"),
    ]

    @Test(arguments: exitCases)
    func documentedExitCodes(_ c: ExitCase) throws {
        let r = try riskengine(c.args, stdin: c.stdin)
        #expect(r.status == c.status, "\(c.name): \(r.stderr)")
        #expect(r.stderr.contains(c.stderrContains), "\(c.name): \(r.stderr)")
    }

    @Test func malformedModelFileNamesFileAndKey() throws {
        let dir = try tempDir()
        try #"{"format": "riskengine.model/1", "id": "broken", "title": "b", "version": "1"}"#
            .write(to: dir.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
        let r = try riskengine(["models", "list", "--models-dir", dir.path])
        #expect(r.status == 78)
        #expect(r.stderr.contains("broken.json"))
        #expect(r.stderr.contains("citation"))
    }

    /// Broken configuration files give exit 78 and a sentence naming the file and what to do,
    /// never Foundation's error text.
    @Test func brokenConfigurationFilesAreNamedInPlainLanguage() throws {
        let dir = try tempDir()
        let flags = dir.appendingPathComponent("flags.json")
        try #"{"format": "riskengine.flags/1", "version": "1", "risk_bands": {"source": "s", "applies_to": "a", "bands": [{"code": "low,er", "below": 10}, {"code": "high"}]}, "blood_pressure": {"urgent": {"code": "bp_urgent", "sbp_at_least": 180, "dbp_at_least": 110, "source": "s"}}}"#
            .write(to: flags, atomically: true, encoding: .utf8)
        let mapping = dir.appendingPathComponent("mapping.json")
        try #"{"format": "riskengine.mapping/1", "id": "x", "version": "1", "description": "d", "columns": [{"source": "sbp"}]}"#
            .write(to: mapping, atomically: true, encoding: .utf8)
        let models = dir.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        try #"{"format": "riskengine.model/1", "id": "broken", "title": 5}"#.write(to: models.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
        let cases: [(args: [String], file: String, says: String)] = [
            (["score", "-", "--models", "pce2013", "--flags-rules", flags.path], flags.path, "risk_bands.bands[0].code"),
            (["score", "-", "--models", "pce2013", "--flags-rules", dir.appendingPathComponent("none.json").path], "none.json", "no such file"),
            (["score", "-", "--models", "pce2013", "--mapping", mapping.path], mapping.path, "key path columns[0].source: expected a list"),
            (["models", "list", "--models-dir", models.path], "broken.json", "key path title: expected text"),
        ]
        for c in cases {
            let r = try riskengine(c.args, stdin: "id,age\n")
            #expect(r.status == 78, "\(c.args): \(r.stderr)")
            #expect(r.stderr.contains(c.file) && r.stderr.contains(c.says), "\(r.stderr)")
            for leak in ["NSCocoaErrorDomain", "DecodingError", "Swift.", "CodingKeys", "Error Domain"] {
                #expect(!r.stderr.contains(leak), "\(r.stderr)")
            }
        }
    }

    @Test func versionNamesEngineCatalogueAndBLAS() throws {
        let r = try riskengine(["--version"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(r.stdout)")
        #expect(lines.first?.hasPrefix("riskengine ") == true)
        let catalogue = try #require(lines.dropFirst().first)
        #expect(catalogue.hasPrefix("model catalogue "))
        let sha = try #require(catalogue.split(separator: " ").last)
        #expect(sha.count == 64 && sha.allSatisfy(\.isHexDigit))
        #expect(lines.last?.hasPrefix("BLAS: OpenBLAS") == true)
    }

    @Test(arguments: [["score"], ["demo"], ["synth"], ["import", "xml130"], ["mapping", "check"], ["models", "show"]])
    func helpShowsAWorkedExample(_ command: [String]) throws {
        let r = try riskengine(command + ["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Example: riskengine " + command.joined(separator: " ")) || r.stdout.contains("riskengine " + command.joined(separator: " ") + " "), "\(r.stdout)")
    }

    /// Standard error is a pipe here, not a terminal: no progress line, only the summary.
    @Test func noProgressWhenStandardErrorIsNotATerminal() throws {
        let synth = try riskengine(["synth", "--rows", "3000"])
        let r = try riskengine(["score", "-", "--models", "pce2013"], stdin: synth.stdout)
        #expect(r.status == 0)
        #expect(!r.stderr.contains("\r") && !r.stderr.contains("MB/s") && !r.stderr.contains("ETA"))
    }

    @Test func modelsListAndShow() throws {
        let list = try riskengine(["models", "list"])
        #expect(list.status == 0)
        let ids = list.stdout.split(separator: "\n").map { $0.split(separator: "\t").first.map(String.init) ?? "" }
        #expect(ids.count == 22)
        #expect(ids.contains("who2019_lab") && ids.contains("qrisk3") && ids.contains("prevent2023_full"))
        #expect(list.stdout.contains("doi:10.1161/01.cir.0000437741.48606.98"))
        let show = try riskengine(["models", "show", "score2_op"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("very_high: female [0.38, 0.69]; male [0.05, 0.7]"))
        #expect(show.stdout.contains("S0=0.7576"))
    }

    @Test func synthIsDeterministicAndScoresCleanly() throws {
        let a = try riskengine(["synth", "--rows", "500", "--seed", "7"])
        let b = try riskengine(["synth", "--rows", "500", "--seed", "7"])
        #expect(a.status == 0 && a.stdout == b.stdout)
        #expect(a.stdout.split(separator: "\n").count == 501)
        let s = try riskengine(["score", "-", "--models", "pce2013,framingham2008_lab,framingham2008_bmi,score2,score2_op", "--param", "score2_region=high", "--quiet"], stdin: a.stdout)
        #expect(s.status == 0)
        let rows = s.stdout.split(separator: "\n")
        #expect(rows.count == 501)
        #expect(!s.stdout.contains("invalid"))
        #expect(!s.stdout.contains("missing"))
    }

    @Test func demoRunsAndSummarises() throws {
        let dir = try tempDir()
        let r = try riskengine(["demo", "--rows", "2000", "--output", dir.appendingPathComponent("o.csv").path, "--input", dir.appendingPathComponent("i.csv").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2000 synthetic people"))
        #expect(r.stdout.contains("pce2013"))
        #expect(r.stdout.contains("Flag htn_uncontrolled:"))
        let out = try String(contentsOf: dir.appendingPathComponent("o.csv"), encoding: .utf8)
        #expect(out.split(separator: "\n").count == 2001)
    }

    /// A Vietnamese commune export: `;`, decimal comma, mg/dL cholesterol, sex 1/2, answers in
    /// Vietnamese, names and ID numbers; scored through the mapping with a rejects file, a key
    /// for pseudonymisation and a manifest. Nothing identifying may reach stderr, the rejects
    /// file or the manifest, and the output must not hold the names or ids.
    @Test func vietnameseExportWithRejectsPseudonymsAndManifest() throws {
        let dir = try tempDir()
        let input = dir.appendingPathComponent("xa.csv")
        let output = dir.appendingPathComponent("out.csv")
        let rejects = dir.appendingPathComponent("rejects.csv")
        let key = dir.appendingPathComponent("key.bin")
        try Data("a secret key of at least 16 bytes".utf8).write(to: key)
        let text = "\u{FEFF}Mã BN;Họ và tên;Số CCCD;Ngày sinh;Giới tính;Hút thuốc lá/thuốc lào;Đái tháo đường;Huyết áp tâm thu;Điều trị THA;Cholesterol toàn phần (mg/dL);HDL-C (mg/dL);Mã xã\r\n"
            + "BN-0001;Nguyễn Thị Lan;001234567890;19700615;2;Không;không;120;không;213;50;10001\r\n"
            + "BN-0002;Trần Văn Bình;009876543210;15/06/1960;1;Có;Có;12O;có;200,5;45;10001\r\n"
            + "BN-0003;Lê Văn Cường;001122334455;06/15/1960;1;Có;không;130;không;190;40;10002\r\n"
        try text.write(to: input, atomically: true, encoding: .utf8)
        let r = try riskengine(["score", input.path, "--mapping", "commune_phr_vn", "--models", "pce2013,who2019_lab",
                                "--param", "race=other", "--param", "who_region=southeast_asia", "--as-of", "2025-06-15",
                                "--rejects", rejects.path, "--pseudonymise", key.path, "--keep-column", "Mã xã", "--output", output.path])
        #expect(r.status == 0, "\(r.stderr)")
        let out = try String(contentsOf: output, encoding: .utf8)
        let lines = out.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0] == "id,pce2013_ascvd_10y,who2019_lab_cvd_10y,pce2013_status,who2019_lab_status,flags,Số CCCD,Mã xã,age")
        #expect(lines[1].hasSuffix(",10001,55"), "age is kept (computed from the birth date), the birth date is not")
        #expect(lines[1].contains(",ok;derived:age,ok;derived:age,"))
        #expect(lines[2].contains("invalid:sbp"))
        #expect(lines[3].contains("missing:age"), "06/15/1960 is not a dd/mm date and is never guessed")
        let rej = try String(contentsOf: rejects, encoding: .utf8)
        #expect(rej == "row,column,reason\n2,Huyết áp tâm thu,invalid\n3,Ngày sinh,invalid\n")
        let manifest = try String(contentsOf: URL(fileURLWithPath: output.path + ".manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"sha256\""))
        #expect(manifest.contains("commune_phr_vn"))
        // The manifest counts every flag code the output can hold, each model's bands included.
        struct Flags: Decodable { let flags: [String: Int] }
        let flags = try JSONDecoder().decode(Flags.self, from: Data(manifest.utf8)).flags
        for m in ["pce2013", "who2019_lab"] {
            for band in ["risk_lt5", "risk_5_10", "risk_10_20", "risk_20_30", "risk_ge30"] { #expect(flags["\(m):\(band)"] != nil, "\(m):\(band)") }
        }
        #expect(flags["bp_urgent"] == 0)
        var written: [String: Int] = [:]
        for line in lines.dropFirst() {
            for code in line.split(separator: ",", omittingEmptySubsequences: false)[5].split(separator: ";") { written[String(code), default: 0] += 1 }
        }
        #expect(!written.isEmpty)
        for (code, n) in written { #expect(flags[code] == n, "\(code)") }
        for secret in ["BN-0001", "Nguyễn", "Trần", "001234567890", "19700615", "15/06/1960", "12O"] {
            #expect(!out.contains(secret), "output holds \(secret)")
            #expect(!r.stderr.contains(secret), "stderr holds \(secret)")
            #expect(!rej.contains(secret), "rejects hold \(secret)")
            #expect(!manifest.contains(secret), "manifest holds \(secret)")
        }
        // Same input and options: byte-identical output.
        let again = dir.appendingPathComponent("again.csv")
        _ = try riskengine(["score", input.path, "--mapping", "commune_phr_vn", "--models", "pce2013,who2019_lab",
                            "--param", "race=other", "--param", "who_region=southeast_asia", "--as-of", "2025-06-15",
                            "--pseudonymise", key.path, "--keep-column", "Mã xã", "--output", again.path, "--quiet"])
        #expect(try String(contentsOf: again, encoding: .utf8) == out)
    }

    @Test func strictModeStopsWithDataErrorNamingRowAndColumn() throws {
        let r = try riskengine(["score", "-", "--models", "pce2013", "--strict"],
                               stdin: "id,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl\np1,55,female,white,0,0,0,12O,5.5,1.3\n")
        #expect(r.status == 65)
        #expect(r.stderr.contains("data row 1, column 'sbp': invalid"))
        #expect(!r.stderr.contains("12O"))
    }

    @Test func mappingCheckReportsFoundAndMissing() throws {
        let dir = try tempDir()
        let input = dir.appendingPathComponent("xa.csv")
        try "Mã BN;Họ và tên;Tuoi;Gioi tinh;Huyet ap tam thu\r\n1;A;50;1;120\r\n".write(to: input, atomically: true, encoding: .utf8)
        let r = try riskengine(["mapping", "check", "commune_phr_vn", "--input", input.path, "--models", "who2019_nonlab"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("sbp ← column 5"))
        #expect(r.stdout.contains("missing (needed by):"))
        #expect(r.stdout.contains("smoker: who2019_nonlab"))
        #expect(r.stdout.contains("identifying (dropped by --pseudonymise): Họ và tên"))
    }

    /// The same people as a canonical CSV, as a Vietnamese-header export (`;`, decimal comma,
    /// mg/dL cholesterol, codes) and as claim XML with labs (creatinine in mg/dL): every model
    /// whose inputs are present gives the same numbers; claims carry no blood pressure, so the
    /// models that need it say so.
    @Test func samePeopleThreeFormatsSameRisks() throws {
        let dir = try tempDir()
        // (id, birth yyyymmdd, sex code, smoker, sbp, total chol mmol/L, hdl mmol/L, creatinine µmol/L)
        let people: [(String, String, Int, Int, Int, Double, Double, Double)] = [
            // Birthdays away from the assessment date (decimal ages) and lab values that are not
            // round in either unit, so a whole-year age or a rounded conversion would show.
            ("P1", "19650903", 2, 0, 128, 5.23, 1.31, 73.37), ("P2", "19581127", 1, 1, 146, 6.14, 1.04, 97.61),
            ("P3", "19700101", 1, 0, 118, 4.42, 1.21, 88.93), ("P4", "19511230", 2, 0, 160, 6.83, 1.52, 61.17),
        ]
        let asOf = "2025-05-15"
        var canonical = "id,birth_date,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl,creatinine\n"
        var vietnamese = "Mã BN;Họ và tên;Ngày sinh;Giới tính;Hút thuốc lá/thuốc lào;Đái tháo đường;Huyết áp tâm thu;Điều trị THA;Cholesterol toàn phần (mg/dL);HDL-C (mg/dL);Creatinin (mg/dL)\r\n"
        var xml1 = "", xml4 = ""
        for (k, p) in people.enumerated() {
            canonical += "\(p.0),\(p.1),\(p.2 == 1 ? "male" : "female"),other,\(p.3),0,0,\(p.4),\(p.5),\(p.6),\(p.7)\n"
            let dd = p.1.suffix(2) + "/" + p.1.dropFirst(4).prefix(2) + "/" + p.1.prefix(4)
            func comma(_ x: Double) -> String { String(x).replacingOccurrences(of: ".", with: ",") }
            vietnamese += "\(p.0);Người \(k);\(dd);\(p.2);\(p.3 == 1 ? "Có" : "Không");không;\(p.4);không;\(comma(p.5 * 38.67));\(comma(p.6 * 38.67));\(comma(p.7 / 88.4))\r\n"
            let lk = "LK\(k)"
            xml1 += "<TONG_HOP><MA_LK>\(lk)</MA_LK><MA_BN>\(p.0)</MA_BN><HO_TEN>Người \(k)</HO_TEN><NGAY_SINH>\(p.1)0000</NGAY_SINH>"
                + "<GIOI_TINH>\(p.2)</GIOI_TINH><MA_BENH_CHINH>Z00</MA_BENH_CHINH><NGAY_VAO>202505100800</NGAY_VAO><NGAY_RA>202505101000</NGAY_RA></TONG_HOP>"
            xml4 += "<CHI_TIET_CLS><MA_LK>\(lk)</MA_LK><MA_CHI_SO></MA_CHI_SO><TEN_CHI_SO>Creatinin</TEN_CHI_SO><GIA_TRI>\(p.7 / 88.4)</GIA_TRI><DON_VI_DO>mg/dL</DON_VI_DO><NGAY_KQ>202505100930</NGAY_KQ></CHI_TIET_CLS>"
                + "<CHI_TIET_CLS><MA_LK>\(lk)</MA_LK><MA_CHI_SO></MA_CHI_SO><TEN_CHI_SO>Cholesterol toàn phần</TEN_CHI_SO><GIA_TRI>\(p.5)</GIA_TRI><DON_VI_DO>mmol/L</DON_VI_DO><NGAY_KQ>202505100930</NGAY_KQ></CHI_TIET_CLS>"
        }
        func b64(_ s: String) -> String { Data(("<?xml version=\"1.0\" encoding=\"utf-8\"?>" + s).utf8).base64EncodedString() }
        let envelope = "<?xml version=\"1.0\" encoding=\"utf-8\"?><GIAMDINHHS><THONGTINHOSO><DANHSACHHOSO><HOSO>"
            + "<FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>\(b64("<DSACH_TONG_HOP>" + xml1 + "</DSACH_TONG_HOP>"))</NOIDUNGFILE></FILEHOSO>"
            + "<FILEHOSO><LOAIHOSO>XML4</LOAIHOSO><NOIDUNGFILE>\(b64("<CHITIEU_CHITIET_DICHVUCANLAMSANG><DSACH_CHI_TIET_CLS>" + xml4 + "</DSACH_CHI_TIET_CLS></CHITIEU_CHITIET_DICHVUCANLAMSANG>"))</NOIDUNGFILE></FILEHOSO>"
            + "</HOSO></DANHSACHHOSO></THONGTINHOSO></GIAMDINHHS>"
        let files = (dir.appendingPathComponent("canon.csv"), dir.appendingPathComponent("xa.csv"), dir.appendingPathComponent("claims.xml"))
        try canonical.write(to: files.0, atomically: true, encoding: .utf8)
        try vietnamese.write(to: files.1, atomically: true, encoding: .utf8)
        try envelope.write(to: files.2, atomically: true, encoding: .utf8)
        let models = "egfr_ckdepi2021,who2019_lab,pce2013"
        let common = ["--models", models, "--param", "who_region=southeast_asia", "--param", "race=other", "--as-of", asOf, "--digits", "9", "--quiet"]
        let a = try riskengine(["score", files.0.path] + common)
        let b = try riskengine(["score", files.1.path, "--mapping", "commune_phr_vn"] + common)
        let c = try riskengine(["score", files.2.path] + common)
        #expect(a.status == 0 && b.status == 0 && c.status == 0, "\(a.stderr)\(b.stderr)\(c.stderr)")
        func table(_ out: String) -> [[String: String]] {
            let lines = out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            return lines.dropFirst().map { row in Dictionary(uniqueKeysWithValues: zip(lines[0], row)) }
        }
        let (ta, tb, tc) = (table(a.stdout), table(b.stdout), table(c.stdout))
        #expect(ta.count == 4 && tb.count == 4 && tc.count == 4)
        for i in 0..<4 {
            for col in ["egfr_ckdepi2021", "who2019_lab_cvd_10y", "pce2013_ascvd_10y"] {
                let x = Double(ta[i][col] ?? "") ?? .nan, y = Double(tb[i][col] ?? "") ?? .nan
                #expect(abs(x - y) < 1e-6, "canonical vs Vietnamese export, row \(i) \(col): \(x) vs \(y)")
            }
            let e1 = Double(ta[i]["egfr_ckdepi2021"] ?? "") ?? .nan, e3 = Double(tc[i]["egfr_ckdepi2021"] ?? "") ?? .nan
            #expect(abs(e1 - e3) < 1e-6, "canonical vs claim XML eGFR, row \(i): \(e1) vs \(e3)")
            #expect(tc[i]["who2019_lab_status"]?.hasPrefix("missing:") == true && tc[i]["who2019_lab_status"]?.contains("sbp") == true)
        }
        for secret in ["Người 0", "Người 1"] { #expect(!c.stdout.contains(secret) && !c.stderr.contains(secret)) }
    }
}

/// Claim XML through the binary: a damaged batch still imports and scores every good record, and
/// claim XML scores exactly like the same people written as a canonical CSV.
@Suite struct ClaimBinaryTests {
    static func b64(_ s: String) -> String { Data(("<?xml version=\"1.0\" encoding=\"utf-8\"?>" + s).utf8).base64EncodedString() }

    static func envelope(_ entries: [(String, String)]) -> String {
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><GIAMDINHHS><THONGTINHOSO><DANHSACHHOSO><HOSO>"
            + entries.map { "<FILEHOSO><LOAIHOSO>\($0.0)</LOAIHOSO><NOIDUNGFILE>\($0.1)</NOIDUNGFILE></FILEHOSO>" }.joined()
            + "</HOSO></DANHSACHHOSO></THONGTINHOSO></GIAMDINHHS>"
    }

    static func visit(_ lk: String, _ patient: String, birth: String = "196508230000") -> String {
        "<TONG_HOP><MA_LK>\(lk)</MA_LK><MA_BN>\(patient)</MA_BN><HO_TEN>Người Bí Mật</HO_TEN><NGAY_SINH>\(birth)</NGAY_SINH>"
            + "<GIOI_TINH>1</GIOI_TINH><MA_BENH_CHINH>E11</MA_BENH_CHINH><NGAY_VAO>202505100800</NGAY_VAO><NGAY_RA>202505101000</NGAY_RA></TONG_HOP>"
    }

    @Test func damagedBatchImportsEveryGoodRecordAndExitsZero() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = Self.envelope([("XML1", Self.b64(Self.visit("LK1", "BN1"))), ("XML4", "@@not base64@@"), ("XML1", Self.b64(Self.visit("LK2", "BN2")))])
        let whole = Self.envelope([("XML1", Self.b64(Self.visit("LK3", "BN3"))), ("XML1", Self.b64(Self.visit("LK4", "BN4")))])
        let files: [(String, String)] = [
            ("good.xml", good), ("cut.xml", String(whole.dropLast(150))),
            ("invoice.xml", "<invoice><total>3</total></invoice>"), ("table.xml", "id,age\n1,50\n"),
        ]
        var paths: [String] = []
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            paths.append(url.path)
        }
        let out = dir.appendingPathComponent("out.csv").path, problems = dir.appendingPathComponent("problems.csv").path
        let r = try riskengine(["import", "xml130"] + paths + ["-o", out, "--problems", problems])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",").first.map(String.init) }
        #expect(rows == ["BN1", "BN2", "BN3"])
        let listed = try String(contentsOfFile: problems, encoding: .utf8)
        for line in ["good.xml,GIAMDINHHS,2,NOIDUNGFILE,bad_base64", "cut.xml,GIAMDINHHS,2,NOIDUNGFILE,xml_truncated",
                     "invoice.xml,FILE,0,-,not_claim_xml", "table.xml,FILE,0,-,not_xml"] {
            #expect(listed.contains(line), "\(listed)")
        }
        #expect(r.stderr.contains("skipped: 2 file(s), 2 FILEHOSO entries"), "\(r.stderr)")
        #expect(!listed.contains("Người") && !r.stderr.contains("Người"))

        let strict = try riskengine(["import", "xml130"] + paths + ["-o", dir.appendingPathComponent("strict.csv").path, "--strict"])
        #expect(strict.status == 65)
        #expect(strict.stderr.contains("good.xml") && strict.stderr.contains("bad_base64"), "\(strict.stderr)")

        // Scoring the same batch: exit 0, one row per good patient, the manifest hashes every input file.
        let scored = dir.appendingPathComponent("scored.csv").path
        let s = try riskengine(["score"] + paths + ["--models", "egfr_ckdepi2021", "-o", scored])
        #expect(s.status == 0, "\(s.stderr)")
        #expect(try String(contentsOfFile: scored, encoding: .utf8).split(separator: "\n").count == 4)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scored + ".manifest.json"))) as? [String: Any]
        let inputFiles = manifest?["inputFiles"] as? [[String: Any]] ?? []
        #expect(inputFiles.map { $0["path"] as? String ?? "" } == paths)
        for (entry, path) in zip(inputFiles, paths) {
            #expect(entry["sha256"] as? String == (try sha256sum(path)))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.hasPrefix(".") }, "no temporary file left")
    }

    /// SHA-256 of a file by the system's sha256sum (an implementation independent of ours).
    func sha256sum(_ path: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sha256sum", path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return String(text.prefix(64))
    }

    /// Birth dates in mid-year, labs with four decimals and in mg/dL: claim XML and the same people
    /// as canonical CSV give byte-identical risk and status columns.
    @Test func claimXMLScoresExactlyLikeCanonicalCSV() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // (id, birth yyyymmdd, sex code, creatinine mg/dL, total chol mg/dL, HDL mmol/L, HbA1c mmol/mol)
        let people: [(String, String, Int, String, String, String, String)] = [
            ("P1", "19650823", 2, "0.8765", "212.5", "1.1234", "53"), ("P2", "19580217", 1, "1,2345", "187.3", "0.9876", "61"),
            ("P3", "19701130", 1, "1.0101", "245.75", "1.3333", "47"), ("P4", "19510704", 2, "0.6543", "198.04", "1.5678", "70"),
        ]
        func number(_ s: String) -> Double { Double(s.replacingOccurrences(of: ",", with: "."))! }
        var canonical = "id,birth_date,assessment_date,sex,diabetes,bp_treated,statin,creatinine,total_chol,hdl,hba1c\n"
        var xml1 = "", xml2 = "", xml4 = ""
        for (k, p) in people.enumerated() {
            // The CSV holds the values converted to canonical units, written in shortest round-trip form.
            canonical += "\(p.0),\(p.1),20250510,\(p.2 == 1 ? "male" : "female"),1,1,1,\(number(p.3) * 88.4),\(number(p.4) / 38.67),\(p.5),\(number(p.6) * 0.09148 + 2.152)\n"
            let lk = "LK\(k)"
            xml1 += Self.visit(lk, p.0, birth: p.1 + "0000").replacingOccurrences(of: "<GIOI_TINH>1<", with: "<GIOI_TINH>\(p.2)<")
            xml2 += "<CHI_TIET_THUOC><MA_LK>\(lk)</MA_LK><MA_THUOC></MA_THUOC><TEN_THUOC>Exforge 5mg/80mg</TEN_THUOC></CHI_TIET_THUOC>"
                + "<CHI_TIET_THUOC><MA_LK>\(lk)</MA_LK><MA_THUOC>C10AA07</MA_THUOC><TEN_THUOC>Thuốc hạ mỡ máu</TEN_THUOC></CHI_TIET_THUOC>"
            func lab(_ name: String, _ value: String, _ unit: String) -> String {
                "<CHI_TIET_CLS><MA_LK>\(lk)</MA_LK><TEN_CHI_SO>\(name)</TEN_CHI_SO><GIA_TRI>\(value)</GIA_TRI><DON_VI_DO>\(unit)</DON_VI_DO><NGAY_KQ>202505100930</NGAY_KQ></CHI_TIET_CLS>"
            }
            xml4 += lab("Creatinin", p.3, "mg/dL") + lab("Cholesterol toàn phần", p.4, "mg/dL") + lab("HDL-C", p.5, "mmol/L") + lab("HbA1c", p.6, "mmol/mol")
        }
        // The visits in one file, drugs and labs in another: joined across the batch.
        let visits = Self.envelope([("XML1", Self.b64("<DSACH_TONG_HOP>" + xml1 + "</DSACH_TONG_HOP>"))])
        let details = Self.envelope([
            ("XML2", Self.b64("<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC>" + xml2 + "</DSACH_CHI_TIET_THUOC></CHITIEU_CHITIET_THUOC>")),
            ("XML4", Self.b64("<CHITIEU_CHITIET_DICHVUCANLAMSANG><DSACH_CHI_TIET_CLS>" + xml4 + "</DSACH_CHI_TIET_CLS></CHITIEU_CHITIET_DICHVUCANLAMSANG>")),
        ])
        let csv = dir.appendingPathComponent("people.csv"), a = dir.appendingPathComponent("a.xml"), b = dir.appendingPathComponent("b.xml")
        try canonical.write(to: csv, atomically: true, encoding: .utf8)
        try visits.write(to: a, atomically: true, encoding: .utf8)
        try details.write(to: b, atomically: true, encoding: .utf8)
        let common = ["--models", "egfr_ckdepi2021,who2019_lab,pce2013", "--param", "who_region=southeast_asia", "--param", "race=other",
                      "--param", "sbp=137", "--param", "smoker=0", "--digits", "12", "--quiet"]
        let fromCSV = try riskengine(["score", csv.path] + common)
        let fromXML = try riskengine(["score", a.path, b.path] + common)
        #expect(fromCSV.status == 0 && fromXML.status == 0, "\(fromCSV.stderr)\(fromXML.stderr)")
        func columns(_ out: String) -> [String: [String]] {
            let lines = out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            var d: [String: [String]] = [:]
            for (c, name) in lines[0].enumerated() { d[name] = lines.dropFirst().map { $0[c] } }
            return d
        }
        let x = columns(fromCSV.stdout), y = columns(fromXML.stdout)
        let compared = ["id", "egfr_ckdepi2021", "who2019_lab_cvd_10y", "pce2013_ascvd_10y", "egfr_ckdepi2021_status", "who2019_lab_status", "pce2013_status", "flags"]
        for name in compared {
            #expect(x[name] != nil && x[name] == y[name], "\(name): CSV \(x[name] ?? []) vs XML \(y[name] ?? [])")
        }
        #expect(x["pce2013_status"]?.allSatisfy { $0.hasPrefix("ok") } == true, "\(x["pce2013_status"] ?? [])")
    }
}
