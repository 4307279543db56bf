// Harrell's and Uno's C at 10^6 rows and a whole validation report at 10^5 rows, on a seeded
// cohort generated in setup (outside the measured region); results go to blackHole.
import Benchmark
import Foundation
import RiskCore
import RiskValidation

/// A seeded cohort with ties in time (half years) and in prediction (0.1 %).
func cohort(rows: Int) -> SurvivalSample {
    var rng = SplitMix64(seed: 20261202)
    var time: [Double] = [], event: [Bool] = [], risk: [Double] = []
    time.reserveCapacity(rows); event.reserveCapacity(rows); risk.reserveCapacity(rows)
    for _ in 0..<rows {
        let p = 0.01 + 0.4 * rng.nextUnit()
        let t = -log(1 - rng.nextUnit()) / (-log(1 - p) / 10)
        let c = rng.nextUnit() * 15
        time.append((min(t, c) * 2).rounded(.up) / 2)
        event.append(t <= c)
        risk.append((p * 1000).rounded() / 1000)
    }
    return try! SurvivalSample(time: time, event: event, risk: risk)
}

let benchmarks: @Sendable () -> Void = {
    let config = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident], maxDuration: .seconds(20), maxIterations: 10)
    Benchmark("Harrell's C with counts (10^6 rows)", configuration: config) { benchmark, sample in
        benchmark.startMeasurement()
        blackHole(Concordance.harrell(sample))
    } setup: {
        cohort(rows: 1_000_000)
    }
    Benchmark("Uno's C at 5 years (10^6 rows)", configuration: config) { benchmark, sample in
        benchmark.startMeasurement()
        blackHole(Concordance.uno(sample, horizon: 5))
    } setup: {
        cohort(rows: 1_000_000)
    }
    Benchmark("validation report, no bootstrap (10^5 rows)", configuration: config) { benchmark, sample in
        benchmark.startMeasurement()
        blackHole(try! ValidationReport.make(sample, options: ValidationOptions(horizon: 5)))
    } setup: {
        cohort(rows: 100_000)
    }
}
