import Foundation
import Testing

/// `--pseudonymise` on hostile exports, through the built binary: no identifying value appears in
/// the output, the rejects file, the manifest, standard output or standard error, whatever the
/// line endings, a blank first line or a missing header.
@Suite struct PrivacyEndToEndTests {
    static let secrets = [
        "VN-0001", "VN-0002", "DUP-77", "Nguyen Van Secret", "079123456789", "0912345678", "BN-55501",
        "TH-99887766", "001199012345", "Tran Thi Hidden", "12 Pho Hue", "lan@example.org", "1969-03-04",
        "private remark", "Le Van Shifted", "Nguyễn Thị Lan",
    ]
    static let header =
        "id,ID,patient_name,national_id,phone_number,ma_bn,MA_THE,SO_CCCD,Họ và tên,Địa chỉ,email,dob,notes,commune,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl"
    static let rows = [
        "VN-0001,DUP-77,Nguyen Van Secret,079123456789,0912345678,BN-55501,TH-99887766,001199012345,Tran Thi Hidden,12 Pho Hue,lan@example.org,1969-03-04,private remark,X1,55,female,white,0,0,0,120,5.5,1.3",
        "VN-0002,DUP-77,Le Van Shifted,079123456789,0912345678,BN-55501,TH-99887766,001199012345,Nguyễn Thị Lan,12 Pho Hue,lan@example.org,1969-03-04,extra,private remark,X1,55,female,white,0,0,0,120,5.5,1.3",
    ]

    struct Variant: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        let exit: Int32
        var testDescription: String { name }
    }

    static let variants: [Variant] = [
        .init(name: "LF", text: ([header] + rows).joined(separator: "\n") + "\n", exit: 0),
        .init(name: "CRLF with BOM", text: "\u{FEFF}" + ([header] + rows).joined(separator: "\r\n") + "\r\n", exit: 0),
        .init(name: "CR only", text: ([header] + rows).joined(separator: "\r") + "\r", exit: 0),
        .init(name: "blank first line", text: "\n" + ([header] + rows).joined(separator: "\n") + "\n", exit: 0),
        .init(name: "headerless", text: rows.joined(separator: "\n") + "\n", exit: 65),
    ]

    @Test(arguments: variants)
    func noIdentifierAnywhere(_ v: Variant) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("export.csv")
        try Data(v.text.utf8).write(to: input)
        let key = dir.appendingPathComponent("key")
        try Data("0123456789abcdef0123456789abcdef".utf8).write(to: key)
        let out = dir.appendingPathComponent("scored.csv")
        let rejects = dir.appendingPathComponent("rejects.csv")
        let manifest = dir.appendingPathComponent("run.json")
        let r = try riskengine([
            "score", input.path, "--models", "pce2013", "--pseudonymise", key.path, "--output", out.path,
            "--rejects", rejects.path, "--manifest", manifest.path,
        ])
        #expect(r.status == v.exit, "\(v.name): \(r.stderr)")
        var everything = r.stdout + r.stderr
        for url in [out, rejects, manifest] {
            if let d = FileManager.default.contents(atPath: url.path) { everything += String(decoding: d, as: UTF8.self) }
        }
        for s in Self.secrets { #expect(!everything.contains(s), "\(v.name): \(s) leaked") }
        if v.exit == 0 {
            let scored = try String(contentsOf: out, encoding: .utf8)
            #expect(scored.split(separator: "\n").count == 3, "\(v.name)")
        }
    }
}
