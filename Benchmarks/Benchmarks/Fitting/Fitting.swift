// Cox (Efron) fit on 10^6 rows × 10 terms of the synthetic cohort (`synth --cohort`), the scale
// of issue 10. The cohort is generated and parsed in setup (outside the measured region); the
// measured region is the fit alone (sort, Newton iterations, variance, baseline).
import Benchmark
import Foundation
import RiskBatch
import RiskFitting

let coxTerms = "age + male + sbp + log(total_chol) + log(hdl) + smoker + diabetes + age:male + age:smoker + sbp:smoker"

func cohortData(rows: Int) -> CoxData {
    let sink = MemorySink()
    var ref = sink.sink
    try! SyntheticCohort.write(rows: rows, seed: 20261202, to: &ref)
    let formula = try! TermFormula(parsing: coxTerms)
    let table = sink.bytes.withUnsafeBufferPointer { buf in
        try! CohortTable.parse(buf, requested: ["time", "event"] + formula.columns)
    }
    return CoxData(
        time: table.columns["time"]!, event: table.columns["event"]!.map { $0 == 1 },
        covariates: try! formula.values(from: table.columns), terms: formula.names)
}

let benchmarks: @Sendable () -> Void = {
    let config = Benchmark.Configuration(metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(120), maxIterations: 3)
    Benchmark("Cox Efron fit (10^6 rows x 10 terms)", configuration: config) { benchmark, data in
        for _ in benchmark.scaledIterations { blackHole(try! CoxRegression.fit(data)) }
    } setup: {
        cohortData(rows: 1_000_000)
    }
}
