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
                                "--rejects", rejects.path, "--pseudonymise", key.path, "--output", output.path])
        #expect(r.status == 0, "\(r.stderr)")
        let out = try String(contentsOf: output, encoding: .utf8)
        let lines = out.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0] == "id,pce2013_ascvd_10y,who2019_lab_cvd_10y,pce2013_status,who2019_lab_status,flags,Mã xã")
        #expect(lines[1].contains(",ok;derived:age,ok;derived:age,"))
        #expect(lines[2].contains("invalid:sbp"))
        #expect(lines[3].contains("missing:age"), "06/15/1960 is not a dd/mm date and is never guessed")
        let rej = try String(contentsOf: rejects, encoding: .utf8)
        #expect(rej == "row,column,reason\n2,Huyết áp tâm thu,invalid\n3,Ngày sinh,invalid\n")
        let manifest = try String(contentsOf: URL(fileURLWithPath: output.path + ".manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"sha256\""))
        #expect(manifest.contains("commune_phr_vn"))
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
                            "--pseudonymise", key.path, "--output", again.path, "--quiet"])
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
}
