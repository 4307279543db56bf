// Area-level signals: aggregation of a scored CSV (10^6 rows, 200 communes × 24 months, flags)
// held in memory, and every detection method over the aggregate. Input made in setup, outside
// the measured region; results go to blackHole.
import Benchmark
import Foundation
import RiskAlerts
import RiskBatch
import RiskCore

/// A scored-like CSV: commune, assessment date and flags, seeded.
func scoredCSV(rows: Int) -> [UInt8] {
    var rng = SplitMix64(seed: 20261202)
    var out = Array("id,commune,assessment_date,who2019_lab_cvd_10y,flags\n".utf8)
    out.reserveCapacity(rows * 48)
    for i in 0..<rows {
        let commune = Int(rng.nextUnit() * 200)
        let month = Int(rng.nextUnit() * 24)
        let year = 2023 + month / 12
        let m = month % 12 + 1
        let risk = Int(rng.nextUnit() * 3000)
        let urgent = rng.nextUnit() < 0.03
        out.append(contentsOf: "\(i),C\(commune),\(year)-\(m < 10 ? "0" : "")\(m)-15,\(risk / 100).\(risk % 100),\(urgent ? "bp_urgent" : "")\n".utf8)
    }
    return out
}

let benchmarks: @Sendable () -> Void = {
    let config = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal], maxDuration: .seconds(20), maxIterations: 10)
    var options = AlertsInputOptions()
    options.areaColumn = "commune"
    options.dateColumn = "assessment_date"
    options.riskColumn = "who2019_lab_cvd_10y"
    Benchmark("alerts aggregation, CSV in memory (10^6 rows)", configuration: config) { benchmark, bytes in
        benchmark.startMeasurement()
        blackHole(try! AlertsRun.aggregate(MemorySource(bytes: bytes), options: options))
    } setup: {
        scoredCSV(rows: 1_000_000)
    }
}
