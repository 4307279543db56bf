import Foundation
@testable import RiskBatch
import RiskCore
import Testing

/// `--pseudonymise`: no identifier leaves the run unless asked for (issue: privacy of hostile
/// exports). Column recognition is table-driven; the hostile export is checked by searching the
/// whole output, the rejects and the summary for every identifying value.
@Suite struct PrivacyTests {
    struct Column: CustomTestStringConvertible, Sendable {
        let header: String
        let expected: ColumnTreatment
        var testDescription: String { "\(header) → \(expected)" }
    }

    static let columns: [Column] = [
        // id-like: pseudonymised
        .init(header: "ID", expected: .pseudonymise),
        .init(header: "patient_id", expected: .pseudonymise),
        .init(header: "patientId", expected: .pseudonymise),
        .init(header: "national_id", expected: .pseudonymise),
        .init(header: "Insurance number", expected: .pseudonymise),
        .init(header: "record no", expected: .pseudonymise),
        .init(header: "MRN", expected: .pseudonymise),
        .init(header: "ma_bn", expected: .pseudonymise),
        .init(header: "MA_BN", expected: .pseudonymise),
        .init(header: "Mã bệnh nhân", expected: .pseudonymise),
        .init(header: "MA_THE", expected: .pseudonymise),
        .init(header: "Số thẻ BHYT", expected: .pseudonymise),
        .init(header: "SO_CCCD", expected: .pseudonymise),
        .init(header: "CCCD", expected: .pseudonymise),
        .init(header: "so cmnd", expected: .pseudonymise),
        .init(header: "MA_LK", expected: .pseudonymise),
        // directly identifying: dropped
        .init(header: "name", expected: .drop),
        .init(header: "patient_name", expected: .drop),
        .init(header: "patientName", expected: .drop),
        .init(header: "Full Name", expected: .drop),
        .init(header: "Họ và tên", expected: .drop),
        .init(header: "HO_TEN", expected: .drop),
        .init(header: "hoten", expected: .drop),
        .init(header: "Tên", expected: .drop),
        .init(header: "address", expected: .drop),
        .init(header: "Địa chỉ", expected: .drop),
        .init(header: "DIA_CHI", expected: .drop),
        .init(header: "phone_number", expected: .drop),
        .init(header: "mobile", expected: .drop),
        .init(header: "Số điện thoại", expected: .drop),
        .init(header: "SDT", expected: .drop),
        .init(header: "email", expected: .drop),
        .init(header: "E-mail", expected: .drop),
        .init(header: "dob", expected: .drop),
        .init(header: "Date of birth", expected: .drop),
        .init(header: "Ngày sinh", expected: .drop),
        .init(header: "NGAY_SINH", expected: .drop),
        .init(header: "notes", expected: .drop),
        .init(header: "Ghi chú", expected: .drop),
        // unknown: dropped unless --keep-column
        .init(header: "commune", expected: .drop),
        .init(header: "visit_month", expected: .drop),
        .init(header: "Mã xã", expected: .drop),
        .init(header: "MA_TINH", expected: .drop),
    ]

    @Test(arguments: columns)
    func columnRecognition(_ c: Column) {
        #expect(ColumnPrivacy.treatment(header: c.header, markedIdentifying: false, keepColumns: []) == c.expected)
    }

    @Test func keepColumnKeepsOnlyUnknownNonIdentifyingColumns() {
        let keep: Set<String> = ["commune", "patient name", "ma bn"]
        #expect(ColumnPrivacy.treatment(header: "Commune", markedIdentifying: false, keepColumns: keep) == .keep)
        #expect(ColumnPrivacy.treatment(header: "patient_name", markedIdentifying: false, keepColumns: keep) == .drop)
        #expect(ColumnPrivacy.treatment(header: "MA_BN", markedIdentifying: false, keepColumns: keep) == .pseudonymise)
        #expect(ColumnPrivacy.treatment(header: "commune", markedIdentifying: true, keepColumns: keep) == .drop)
        #expect(ColumnPrivacy.keepRefusal("patient_name") != nil)
        #expect(ColumnPrivacy.keepRefusal("SO_CCCD") != nil)
        #expect(ColumnPrivacy.keepRefusal("commune") == nil)
    }

    static let secrets = [
        "VN-0001", "VN-0002", "DUP-77", "Nguyen Van Secret", "079123456789", "0912345678", "0987654321", "BN-55501",
        "TH-99887766", "001199012345", "Tran Thi Hidden", "12 Pho Hue", "0243123456", "lan@example.org", "1969-03-04",
        "private remark", "Le Van Shifted",
    ]

    static let hostile = """
        id,ID,patient_name,national_id,phone_number,mobile,ma_bn,MA_THE,SO_CCCD,Họ và tên,Địa chỉ,Số điện thoại,email,dob,notes,commune,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl
        VN-0001,DUP-77,Nguyen Van Secret,079123456789,0912345678,0987654321,BN-55501,TH-99887766,001199012345,Tran Thi Hidden,12 Pho Hue,0243123456,lan@example.org,1969-03-04,private remark,X1,55,female,white,0,0,0,120,5.5,1.3
        VN-0002,DUP-77,Le Van Shifted,"079123456789",0912345678,0987654321,BN-55501,TH-99887766,001199012345,Tran Thi Hidden,12 Pho Hue,0243123456,lan@example.org,1969-03-04,extra,private remark,X1,55,female,white,0,0,0,120,5.5,1.3

        """

    @Test func hostileExportLeaksNoIdentifier() throws {
        var options = ScoreOptions(models: [try library.model("pce2013")], flags: rules, threads: 2)
        options.pseudonymisationKey = Array("0123456789abcdef0123456789abcdef".utf8)
        let rejects = MemorySink()
        options.rejects = try RejectsWriter(sink: rejects.sink)
        var source = MemorySource(Self.hostile)
        let out = MemorySink()
        var sink = out.sink
        let summary = try ScoreRun.run(source: &source, sink: &sink, options: options)
        let everything = out.text + rejects.text + summary.render()
            + summary.droppedColumns.joined(separator: ",") + summary.pseudonymisedColumns.joined(separator: ",")
        for secret in Self.secrets { #expect(!everything.contains(secret), "\(secret) leaked") }
        #expect(summary.rowsWritten == 2)
        #expect(summary.pseudonymisedColumns == ["ID", "national_id", "ma_bn", "MA_THE", "SO_CCCD"])
        #expect(summary.droppedColumns == [
            "patient_name", "phone_number", "mobile", "Họ và tên", "Địa chỉ", "Số điện thoại", "email", "dob", "notes",
            "commune",
        ])
        let header = out.text.split(separator: "\n")[0]
        #expect(header == "id,pce2013_ascvd_10y,pce2013_status,flags,ID,national_id,ma_bn,MA_THE,SO_CCCD")
        // The same value gives the same pseudonym in every id-like column and row.
        let row1 = out.text.split(separator: "\n")[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(row1[4].count == 64 && row1[4].allSatisfy(\.isHexDigit))
        // The malformed second row (one field too many) echoes no cell at all.
        let row2 = out.text.split(separator: "\n")[2].split(separator: ",", omittingEmptySubsequences: false)
        #expect(row2[2].hasPrefix("invalid"))
        #expect(row2[4...8].allSatisfy { $0.isEmpty })
    }

    @Test func keepColumnKeepsTheNamedColumn() throws {
        var options = ScoreOptions(models: [try library.model("pce2013")], flags: rules, threads: 1)
        options.pseudonymisationKey = Array("0123456789abcdef0123456789abcdef".utf8)
        options.keepColumns = ["Commune"]
        var source = MemorySource(Self.hostile)
        let out = MemorySink()
        var sink = out.sink
        let summary = try ScoreRun.run(source: &source, sink: &sink, options: options)
        #expect(out.text.split(separator: "\n")[0].hasSuffix(",SO_CCCD,commune"))
        #expect(out.text.split(separator: "\n")[1].hasSuffix(",X1"))
        #expect(!summary.droppedColumns.contains("commune"))
    }
}
