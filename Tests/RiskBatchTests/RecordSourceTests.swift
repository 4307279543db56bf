// In-memory canonical records score exactly as the same rows written as a CSV file.
import Foundation
@testable import RiskBatch
import RiskCore
import RiskModels
import Testing

@Suite struct RecordSourceTests {
    /// Rows with dates (age derived from birth_date at assessment_date), many decimals, quoting, an
    /// empty cell and a pass-through column; chunks small enough that rows span several chunks.
    @Test func recordsScoreLikeTheSameCSV() throws {
        let header = ["id", "birth_date", "assessment_date", "sex", "race", "smoker", "diabetes", "bp_treated", "sbp", "total_chol", "hdl", "note"]
        var rows: [[String]] = []
        for k in 0..<500 {
            rows.append([
                "P\(k)", "19\(50 + k % 30)0\(1 + k % 9)\(10 + k % 18)", "20250510", k % 2 == 0 ? "female" : "male", "other",
                String(k % 2), String(k % 3 == 0 ? 1 : 0), k % 7 == 0 ? "" : "1", String(110 + Double(k % 60) + 0.25),
                String(3.5 + Double(k % 40) / 13), String(0.8 + Double(k % 20) / 17), k % 5 == 0 ? "a, \"quoted\" note" : "",
            ])
        }
        let csv = ([header] + rows).map { CSV.line($0) }.joined()
        var options = ScoreOptions(models: [try library.model("pce2013")], derivations: try library.derivations, digits: 12, flags: rules, threads: 2)
        options.chunkBytes = 4096
        var source = MemorySource(csv)
        let a = MemorySink(), b = MemorySink()
        var sinkA = a.sink, sinkB = b.sink
        let fromCSV = try ScoreRun.run(source: &source, sink: &sinkA, options: options)
        let fromRecords = try ScoreRun.run(records: RecordRows(header: header, rows: rows), sink: &sinkB, options: options)
        #expect(a.bytes == b.bytes)
        #expect(fromCSV.rowsRead == 500 && fromRecords.rowsRead == 500)
        #expect(fromCSV.statusCounts == fromRecords.statusCounts)
        #expect((fromCSV.statusCounts.first?["ok;derived:age"] ?? 0) + (fromCSV.statusCounts.first?["ok"] ?? 0) > 300, "\(fromCSV.statusCounts)")
    }
}
