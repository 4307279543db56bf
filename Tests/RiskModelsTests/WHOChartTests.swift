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
    /// chart_disagreements.csv): the chart keeps the value the continuous model gives at the
    /// band midpoints, which is how the printed chart was made. Each such cell is listed here.
    @Test func transcriptionDisagreementsResolveToTheModel() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/reference/who2019/chart_disagreements", withExtension: "csv"))
        let rows = try readFixtureCSV(url)
        #expect(rows.count == 8)
        for row in rows {
            let adopted = try #require(Double(row["adopted"] ?? ""))
            let rounded = try #require(Double(row["model_rounded"] ?? ""))
            #expect(adopted == rounded, "cell \(row): adopted value must be the model's")
        }
    }
}
