// The report's labels in Vietnamese and English. Every label is HTML text already (written with
// entities where needed); nothing from the data goes in here.

struct Labels {
    let vi: Bool
    init(_ language: ReportLanguage) { vi = language == .vi }

    private func t(_ en: String, _ viText: String) -> String { vi ? viText : en }

    var title: String { t("Cardiovascular and chronic-disease risk report", "Báo cáo nguy cơ tim mạch và bệnh mạn tính") }
    var people: String { t("People", "Số người") }
    var areaColumn: String { t("Area column", "Cột địa bàn") }
    var suppression: String {
        t("Aggregates only: no identifier or row appears in this page. Counts from 1 to 4 are shown as &lt;5 and left out of charts and shares (small-cell suppression).",
          "Chỉ có số liệu tổng hợp: trang này không chứa thông tin định danh hay dữ liệu từng người. Các số từ 1 đến 4 được hiển thị là &lt;5 và không đưa vào biểu đồ và tỷ lệ (che ô nhỏ).")
    }
    var bandsTitle: String { t("People per 10-year risk band, by sex and age group", "Số người theo mức nguy cơ 10 năm, theo giới và nhóm tuổi") }
    var noTenYear: String { t("No 10-year risk column in the input.", "Tệp đầu vào không có cột nguy cơ 10 năm.") }
    var group: String { t("Sex, age", "Giới, tuổi") }
    var total: String { t("Total", "Tổng") }
    var ageUnknown: String { t("age unknown", "không rõ tuổi") }
    func sex(_ s: ReportSex) -> String {
        switch s {
        case .female: return t("Women", "Nữ")
        case .male: return t("Men", "Nam")
        case .unknown: return t("Sex unknown", "Không rõ giới")
        }
    }
    var notScored: String { t("Not scored (no risk)", "Không tính được nguy cơ") }
    var statusOK: String { t("status ok", "trạng thái ok") }
    var statusOther: String { t("other statuses", "trạng thái khác") }
    var flagsTitle: String { t("Flags per rule", "Cảnh báo cá nhân theo quy tắc") }
    var noFlags: String { t("The input has no flags column.", "Tệp đầu vào không có cột flags.") }
    var noneFlagged: String { t("No rule fired.", "Không có quy tắc nào được kích hoạt.") }
    var rule: String { t("Rule", "Quy tắc") }
    var level: String { t("Level", "Mức") }
    func level(_ l: String) -> String {
        switch l {
        case "urgent": return t("urgent", "khẩn cấp")
        case "warning": return t("warning", "cảnh báo")
        case "watch": return t("watch", "theo dõi")
        case "alert": return t("alert", "báo động")
        default: return l
        }
    }
    var reason: String { t("Reason", "Lý do") }
    var count: String { t("People", "Số người") }
    var share: String { t("Share", "Tỷ lệ") }
    var otherFlags: String { t("Further flag ids (not listed)", "Các mã cảnh báo khác (không liệt kê)") }
    var areasTitle: String { t("Areas", "Theo địa bàn") }
    var areasWithAlerts: String { t("Areas with alerts (series with the most alerts; red: alert)", "Địa bàn có tín hiệu cảnh báo (chuỗi có nhiều cảnh báo nhất; đỏ: cảnh báo)") }
    var area: String { t("Area", "Địa bàn") }
    var scored: String { t("Scored", "Đã tính nguy cơ") }
    var highRisk: String { t("High risk (≥20 %)", "Nguy cơ cao (≥20 %)") }
    var flagged: String { t("With a rule flag", "Có cảnh báo cá nhân") }
    var alerts: String { t("Alerts", "Tín hiệu cảnh báo") }
    func moreAreas(_ n: Int) -> String { t("\(n) more areas not shown.", "Còn \(n) địa bàn khác không hiển thị.") }
    var noArea: String { t("Rows without an area", "Số dòng không có địa bàn") }
    var seriesTitle: String { t("Time series with the detection threshold", "Chuỗi thời gian và ngưỡng phát hiện") }
    var noAlerts: String { t("No alerts file was given (--alerts).", "Không có tệp tín hiệu cảnh báo (--alerts).") }
    var noneAlerted: String { t("No alert in the alerts file.", "Tệp tín hiệu không có cảnh báo nào.") }
    var observed: String { t("Observed", "Số quan sát") }
    var threshold: String { t("Detection threshold (upper bound)", "Ngưỡng phát hiện (giới hạn trên)") }
    var alert: String { t("Alert", "Cảnh báo") }
    var modelsTitle: String { t("Models and sources", "Mô hình và nguồn tham khảo") }
    var notInLibrary: String { t("not in the model library (scored elsewhere)", "không có trong thư viện mô hình (tính ở nơi khác)") }
    var qrisk3: String { t("QRISK3 disclaimer", "Tuyên bố miễn trừ trách nhiệm của QRISK3 (nguyên văn tiếng Anh)") }
    var validationTitle: String { t("Model validation", "Thẩm định mô hình") }
    var validationNote: String {
        t("Figures of 'riskengine validate' on cohorts; in brackets the bootstrap 95 % interval when computed. Risks in the table as fractions (0–1), in the plots and decile tables in percent.",
          "Các chỉ số của 'riskengine validate' trên các nhóm thuần tập; trong ngoặc là khoảng tin cậy 95 % bootstrap khi có. Nguy cơ trong bảng là tỷ lệ (0–1), trong biểu đồ và bảng thập phân vị là phần trăm.")
    }
    var events: String { t("Events", "Số biến cố") }
    var horizon: String { t("Horizon (years)", "Thời điểm (năm)") }
    var decile: String { t("Decile", "Thập phân vị") }
    var predicted: String { t("Predicted %", "Dự báo %") }
    var observedRisk: String { t("Observed % (Kaplan–Meier)", "Quan sát % (Kaplan–Meier)") }
    var calibrationPlot: String { t("Calibration plot", "Biểu đồ hiệu chuẩn") }
    func figure(_ key: String) -> String {
        switch key {
        case "harrell_c": return t("Harrell's C", "Chỉ số C Harrell")
        case "uno_c": return t("Uno's C (to the horizon)", "Chỉ số C Uno (đến thời điểm)")
        case "auc": return t("Time-dependent AUC", "AUC theo thời gian")
        case "oe_ratio": return t("Observed / expected", "Quan sát / kỳ vọng")
        case "calibration_slope": return t("Calibration slope", "Độ dốc hiệu chuẩn")
        case "km_observed_risk": return t("Observed risk (Kaplan–Meier)", "Nguy cơ quan sát (Kaplan–Meier)")
        case "expected_risk": return t("Mean predicted risk", "Nguy cơ dự báo trung bình")
        case "brier": return t("Brier score (IPCW)", "Điểm Brier (IPCW)")
        case "brier_null": return t("Brier score, null model", "Điểm Brier, mô hình rỗng")
        case "ipa": return t("IPA (scaled Brier)", "IPA (Brier chuẩn hoá)")
        default: return key
        }
    }
}
