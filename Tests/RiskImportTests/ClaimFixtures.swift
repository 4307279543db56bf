// Synthetic claim files built to the published field lists of Decision 130/QĐ-BYT (Bảng 1, 2, 4, as
// amended by 4750/QĐ-BYT) and of 4210/QĐ-BYT (MA_THE, MA_BENH, MA_BENHKHAC, no DON_VI_DO). No real
// data: names, ID numbers and addresses below are invented.
import Foundation

typealias Fields = [(String, String)]

enum Fixture {
    /// Identifying values that must never reach the output.
    static let name = "Nguyễn Thị Bích Hạnh"
    static let idNumber = "001188012345"
    static let cardNumber = "GD4010123456789"
    static let address = "Số 12 ngõ 34 phố Huế, phường Hai Bà Trưng, Hà Nội"
    static let birth130 = "196505150000"

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    static func element(_ tag: String, _ fields: Fields) -> String {
        "<\(tag)>" + fields.map { "<\($0.0)>\(escape($0.1))</\($0.0)>" }.joined() + "</\(tag)>"
    }

    /// An XML1 record (Bảng 1, Decision 130) with the fields the importer reads plus the identifying
    /// ones; `overrides` replace or add fields (an empty value removes the tag).
    static func xml1(_ lk: String, patient: String, _ overrides: Fields = []) -> String {
        var fields: Fields = [
            ("MA_LK", lk), ("STT", "1"), ("MA_BN", patient), ("HO_TEN", name), ("SO_CCCD", idNumber),
            ("NGAY_SINH", birth130), ("GIOI_TINH", "2"), ("NHOM_MAU", ""), ("MA_QUOCTICH", "000"), ("MA_DANTOC", "01"),
            ("MA_NGHE_NGHIEP", "00000"), ("DIA_CHI", address), ("MATINH_CU_TRU", "01"), ("MAHUYEN_CU_TRU", "007"),
            ("MAXA_CU_TRU", "00256"), ("DIEN_THOAI", "0912345678"), ("MA_THE_BHYT", cardNumber), ("MA_DKBD", "01013"),
            ("GT_THE_TU", "20240101"), ("GT_THE_DEN", "20241231"), ("LY_DO_VV", "Khám bệnh"), ("CHAN_DOAN_VAO", "Theo dõi"),
            ("CHAN_DOAN_RV", "Theo dõi"), ("MA_BENH_CHINH", "Z00"), ("MA_BENH_KT", ""), ("MA_DOITUONG_KCB", "1.1"),
            ("NGAY_VAO", "202405100800"), ("NGAY_RA", "202405101000"), ("SO_NGAY_DTRI", "0"), ("KET_QUA_DTRI", "2"),
            ("MA_LOAI_RV", "1"), ("NGAY_TTOAN", "202405101030"), ("T_THUOC", "0"), ("T_TONGCHI_BV", "0"),
            ("NAM_QT", "2024"), ("THANG_QT", "5"), ("MA_LOAI_KCB", "01"), ("MA_KHOA", "K01"), ("MA_CSKCB", "01013"),
            ("CAN_NANG", "55.00"), ("MA_HSBA", "HS-\(lk)"), ("MA_TTDV", "0123456789"),
        ]
        apply(overrides, to: &fields)
        return element("TONG_HOP", fields)
    }

    /// An XML1 record in the 4210 form (MA_THE, MA_BENH, MA_BENHKHAC, 8-character NGAY_SINH).
    static func xml1Old(_ lk: String, patient: String, _ overrides: Fields = []) -> String {
        var fields: Fields = [
            ("MA_LK", lk), ("STT", "1"), ("MA_BN", patient), ("HO_TEN", name), ("NGAY_SINH", "19650515"),
            ("GIOI_TINH", "1"), ("DIA_CHI", address), ("MA_THE", cardNumber), ("MA_DKBD", "01013"),
            ("TEN_BENH", "Tăng huyết áp"), ("MA_BENH", "I10"), ("MA_BENHKHAC", ""), ("MA_LYDO_VVIEN", "1"),
            ("NGAY_VAO", "201905100800"), ("NGAY_RA", "201905101000"), ("SO_NGAY_DTRI", "1"), ("KET_QUA_DTRI", "2"),
            ("TINH_TRANG_RV", "1"), ("NAM_QT", "2019"), ("THANG_QT", "5"), ("MA_LOAI_KCB", "1"), ("MA_CSKCB", "01013"),
            ("CAN_NANG", "70"),
        ]
        apply(overrides, to: &fields)
        return element("TONG_HOP", fields)
    }

    /// Drug records (Bảng 2): (MA_LK, MA_THUOC, TEN_THUOC).
    static func xml2(_ drugs: [(String, String, String)]) -> String {
        let records = drugs.enumerated().map { i, d in
            element("CHI_TIET_THUOC", [
                ("MA_LK", d.0), ("STT", String(i + 1)), ("MA_THUOC", d.1), ("MA_NHOM", "4"), ("TEN_THUOC", d.2),
                ("DON_VI_TINH", "Viên"), ("HAM_LUONG", "5mg"), ("DUONG_DUNG", "1.01"), ("LIEU_DUNG", "1 viên/lần * 1 lần/ngày * 30 ngày"),
                ("SO_DANG_KY", "VD-00000-00"), ("PHAM_VI", "1"), ("TYLE_TT_BH", "100"), ("SO_LUONG", "30"), ("DON_GIA", "500"),
                ("NGAY_YL", "202405100900"),
            ])
        }
        return "<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC>" + records.joined() + "</DSACH_CHI_TIET_THUOC></CHITIEU_CHITIET_THUOC>"
    }

    struct Lab {
        var lk: String
        var name: String
        var value: String
        var unit: String?  // nil: no DON_VI_DO tag (4210)
        var date: String = "202405100930"
        var code: String = ""
    }

    /// Lab records (Bảng 4).
    static func xml4(_ labs: [Lab]) -> String {
        let records = labs.enumerated().map { i, l in
            var f: Fields = [
                ("MA_LK", l.lk), ("STT", String(i + 1)), ("MA_DICH_VU", "23.0041.1506"), ("MA_CHI_SO", l.code),
                ("TEN_CHI_SO", l.name), ("GIA_TRI", l.value),
            ]
            if let u = l.unit { f.append(("DON_VI_DO", u)) }
            f += [("MO_TA", ""), ("KET_LUAN", ""), ("NGAY_KQ", l.date), ("MA_BS_DOC_KQ", "000123/HNO-CCHN")]
            return element("CHI_TIET_CLS", f)
        }
        return "<CHITIEU_CHITIET_DICHVUCANLAMSANG><DSACH_CHI_TIET_CLS>" + records.joined()
            + "</DSACH_CHI_TIET_CLS></CHITIEU_CHITIET_DICHVUCANLAMSANG>"
    }

    enum Content { case base64, plainText, children }

    /// A GIAMDINHHS envelope: one HOSO per inner-table group, FILEHOSO per (LOAIHOSO, inner XML).
    static func envelope(_ hosos: [[(String, String)]], content: Content = .base64) -> Data {
        var s = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<GIAMDINHHS xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
        s += "<THONGTINDONVI><MACSKCB>01013</MACSKCB></THONGTINDONVI><THONGTINHOSO><NGAYLAP>20240520</NGAYLAP>"
        s += "<SOLUONGHOSO>\(hosos.count)</SOLUONGHOSO><DANHSACHHOSO>"
        for hoso in hosos {
            s += "<HOSO>"
            for (kind, inner) in hoso {
                let body: String
                switch content {
                case .base64: body = Data(("<?xml version=\"1.0\" encoding=\"utf-8\"?>" + inner).utf8).base64EncodedString()
                case .plainText: body = escape(inner)
                case .children: body = inner
                }
                s += "<FILEHOSO><LOAIHOSO>\(kind)</LOAIHOSO><NOIDUNGFILE>\(body)</NOIDUNGFILE></FILEHOSO>"
            }
            s += "</HOSO>"
        }
        s += "</DANHSACHHOSO></THONGTINHOSO><CHUKYDONVI></CHUKYDONVI></GIAMDINHHS>"
        return Data(s.utf8)
    }

    private static func apply(_ overrides: Fields, to fields: inout Fields) {
        for (tag, value) in overrides {
            if let i = fields.firstIndex(where: { $0.0 == tag }) {
                if value.isEmpty { fields.remove(at: i) } else { fields[i].1 = value }
            } else if !value.isEmpty {
                fields.append((tag, value))
            }
        }
    }

    /// The standard two-visit patient used by several tests: visit LK1 (2023-03-01) and LK2 (2024-05-10).
    static func twoVisits(content: Content = .base64) -> Data {
        envelope([
            [
                ("XML1", xml1("LK1", patient: "BN001", [("NGAY_VAO", "202303010800"), ("NGAY_RA", "202303011000"), ("MA_BENH_CHINH", "I10"), ("CAN_NANG", "60")])),
                ("XML2", xml2([("LK1", "", "Amlodipin 5mg")])),
                ("XML3", "<CHITIEU_CHITIET_DVKT_VTYT><DSACH_CHI_TIET_DVKT></DSACH_CHI_TIET_DVKT></CHITIEU_CHITIET_DVKT_VTYT>"),
                ("XML4", xml4([
                    Lab(lk: "LK1", name: "Cholesterol toàn phần", value: "5.0", unit: "mmol/L", date: "202303010930"),
                    Lab(lk: "LK1", name: "HDL-C", value: "1.2", unit: "mmol/L", date: "202303010930"),
                ])),
            ],
            [
                ("XML1", xml1("LK2", patient: "BN001", [("MA_BENH_CHINH", "J06"), ("MA_BENH_KT", "E11.9;I21"), ("CAN_NANG", "62.5")])),
                ("XML2", xml2([("LK2", "", "Atorvastatin 20mg"), ("LK2", "", "Paracetamol 500mg")])),
                ("XML4", xml4([
                    Lab(lk: "LK2", name: "Định lượng Cholesterol toàn phần (máu)", value: "220", unit: "mg/dL"),
                    Lab(lk: "LK2", name: "Định lượng Glucose [Máu]", value: "126", unit: "mg/dL"),
                    Lab(lk: "LK2", name: "Định lượng HbA1c [Máu]", value: "53", unit: "mmol/mol"),
                    Lab(lk: "LK2", name: "Định lượng Creatinin (máu)", value: "1.1", unit: "mg/dL"),
                    Lab(lk: "LK2", name: "Định lượng LDL - C", value: "3.1", unit: "mmol/L"),
                ])),
            ],
        ], content: content)
    }
}
