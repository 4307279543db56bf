import Foundation
import RiskCore
import RiskModelCatalog
import RiskModels
import RiskTestSupport
import Testing

/// The printed WHO 2019 charts against the continuous WHO 2019 models: the charts were drawn by
/// evaluating the continuous models at each band's midpoint (age 42.5 … 72.5, SBP 110 … 190,
/// cholesterol 3.5 … 7.5, BMI 17.5 … 37.5) and rounding to a whole percent. Every cell of both
/// transcribed charts must equal that, which checks the transcriptions and the continuous
/// models (coefficients, recalibration by region) against each other, cell by cell.
@Suite struct WHOChartTests {
    static func chart(_ id: String) throws -> ChartDefinition {
        let file = try #require(ModelCatalog.files.first { $0.path == "\(id).json" })
        return try JSONDecoder().decode(ChartDefinition.self, from: Data(file.text.utf8))
    }

    @Test(arguments: [("who2019_lab_chart", "who2019_lab"), ("who2019_nonlab_chart", "who2019_nonlab")])
    func everyPrintedCellEqualsTheContinuousModelAtBandMidpoints(_ ids: (String, String)) throws {
        let chart = try Self.chart(ids.0)
        let chartModel = try library.model(ids.0)
        let model = try library.model(ids.1)
        // All axis combinations, in the cells' row-major order.
        var combos: [[String: String]] = [[:]]
        for axis in chart.axes {
            let values: [String]
            if let v = axis.values {
                values = v.map(\.description)
            } else {
                values = try (axis.bands ?? []).map { try #require($0.midpoint).description }
            }
            combos = combos.flatMap { c in values.map { v in c.merging([axis.field: v]) { $1 } } }
        }
        if !chart.axes.contains(where: { $0.field == "diabetes" }) {
            combos = combos.map { $0.merging(["diabetes": "0"]) { $1 } }
        }
        #expect(combos.count == (ids.0 == "who2019_lab_chart" ? 29_400 : 14_700))
        let printed = scoreRows(chartModel, combos)
        let continuous = scoreRows(model, combos)
        var disagreements: [String] = []
        for (k, (p, c)) in zip(printed, continuous).enumerated() {
            #expect(p.status == "ok" && c.status == "ok")
            if c.risks[0].rounded(.toNearestOrAwayFromZero) != p.risks[0] {
                disagreements.append("\(combos[k]): printed \(p.risks[0]), model \(c.risks[0])")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
    }

    /// Cells where the public transcriptions disagree (Fixtures/reference/who2019/
    /// chart_disagreements.csv lists the cell and each transcription's value). For each, the
    /// embedded chart and the fixture's adopted value must equal the continuous model evaluated
    /// here at the cell's band midpoints and rounded, and at least one transcription must differ
    /// from it (otherwise the row is not a disagreement).
    @Test func transcriptionDisagreementsResolveToTheModel() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/reference/who2019/chart_disagreements", withExtension: "csv"))
        let rows = try readFixtureCSV(url)
        #expect(rows.count == 8)
        for row in rows {
            let lab = row["chart"] == "lab"
            let chart = try Self.chart(lab ? "who2019_lab_chart" : "who2019_nonlab_chart")
            func midpoint(_ field: String, _ label: String) throws -> String {
                let axis = try #require(chart.axes.first { $0.field == field })
                let band = try #require(axis.bands?.first { $0.label == label }, "\(field) \(label)")
                return try #require(band.midpoint).description
            }
            var cell: [String: String] = [
                "who_region": try #require(row["region"]), "sex": try #require(row["sex"]),
                "smoker": try #require(row["smoker"]), "diabetes": row["diabetes"].flatMap { $0.isEmpty ? nil : $0 } ?? "0",
                "age": try midpoint("age", try #require(row["age"])), "sbp": try midpoint("sbp", try #require(row["sbp"])),
            ]
            let third = lab ? "total_chol" : "bmi"
            cell[third] = try midpoint(third, try #require(row["band3"]))
            let continuous = try #require(scoreRows(try library.model(lab ? "who2019_lab" : "who2019_nonlab"), [cell]).first)
            let printed = try #require(scoreRows(try library.model(lab ? "who2019_lab_chart" : "who2019_nonlab_chart"), [cell]).first)
            #expect(continuous.status == "ok" && printed.status == "ok")
            let modelValue = continuous.risks[0].rounded(.toNearestOrAwayFromZero)
            #expect(printed.risks[0] == modelValue, "\(cell): chart \(printed.risks[0]), model \(continuous.risks[0])")
            #expect(Double(row["adopted"] ?? "") == modelValue, "\(cell)")
            let transcribed = ["src_whoishRisk", "src_WHOCVRisk", "src_CVD_risk_Brazil", "src_CardiovascularRisk"]
                .compactMap { row[$0].flatMap(Double.init) }
            #expect(transcribed.contains { $0 != modelValue }, "\(cell): no transcription disagrees")
        }
    }
}
