import Foundation
import RiskBatch
import RiskModels

/// Readable rendering of a model definition (`riskengine models show`).
enum ModelDescription {
    static func render(_ m: CompiledModel) -> String { m.describe() }
}

/// The demo's human summary.
enum DemoReport {
    /// Run-wide values of the demo: Viet Nam (GBD region Southeast Asia, ISO3 VNM, the latest
    /// Globorisk baseline year 2020); SCORE2's moderate region and KFRE's non-North-American
    /// calibration only so that those models show.
    static let parameters = [
        "who_region=southeast_asia", "country=VNM", "baseline_year=2020", "score2_region=moderate",
        "kfre_calibration=non_north_american",
    ]

    static func render(_ s: RunSummary, models: [CompiledModel], input: String, output: String) -> String {
        var out = "RiskEngine demo: \(s.rowsRead) synthetic people (Vietnam-like risk factors) scored with \(models.count) models\n"
        out += "  input  \(input)\n  output \(output)\n"
        out += String(format: "  %.2f s, %.0f rows/s\n\n", s.seconds, s.rowsPerSecond)
        let codes = s.bandCodes
        let header = "model".padding(toLength: 22, withPad: " ", startingAt: 0) + "scored".leftPad(9) + codes.map { $0.leftPad(12) }.joined()
        out += "People per WHO-style 10-year risk band:\n" + header + "\n"
        for (m, id) in s.modelIDs.enumerated() {
            let scored = s.statusCounts[m].filter { $0.key == "ok" || $0.key.hasPrefix("ok;") }.values.reduce(0, +)
            var line = id.padding(toLength: 22, withPad: " ", startingAt: 0) + String(scored).leftPad(9)
            for c in s.bandCounts[m] { line += String(c).leftPad(12) }
            out += line + "\n"
        }
        out += "\nNot scored, by reason (top 3 per model):\n"
        for (m, id) in s.modelIDs.enumerated() {
            let top = s.statusCounts[m].filter { !($0.key == "ok" || $0.key.hasPrefix("ok;")) }.sorted { $0.value > $1.value }.prefix(3)
            if top.isEmpty { continue }
            out += "  \(id): " + top.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        for (code, n) in s.flagCounts.sorted(by: { $0.key < $1.key }) { out += "Flag \(code): \(n) people\n" }
        out += "\nRun-wide values: " + parameters.joined(separator: ", ") + ".\n"
        out += "WHO 2019 (Southeast Asia) and Globorisk (VNM) are the models for Viet Nam; SCORE2/SCORE2-OP were calibrated\n"
        out += "to European regions, PCE/PREVENT/Framingham to US cohorts and QRISK3 to England: shown for comparison only.\n"
        if models.contains(where: { $0.id == "qrisk3" }) { out += "\n" + QRISK3Notice.text + "\n" }
        return out
    }
}

/// The disclaimer QRISK3's licence requires wherever its scores are shown.
enum QRISK3Notice {
    static let text = """
        QRISK3 disclaimer: The initial version of this file, to be found at http://svn.clinrisk.co.uk/opensource/qrisk2, \
        faithfully implements QRISK3-2017. ClinRisk Ltd. have released this code under the GNU Lesser General Public \
        License to enable others to implement the algorithm faithfully. However, the nature of the GNU Lesser General \
        Public License is such that we cannot prevent, for example, someone accidentally altering the coefficients, \
        getting the inputs wrong, or just poor programming. ClinRisk Ltd. stress, therefore, that it is the \
        responsibility of the end user to check that the source that they receive produces the same results as the \
        original code found at https://qrisk.org. Inaccurate implementations of risk scores can lead to wrong \
        patients being given the wrong treatment.
        """
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
