// Throughput of the compute core per model (in-memory columnar chunks, no CSV), of each pipeline
// stage on one chunk (parse, evaluate, format; allocations counted), and of the whole CSV → CSV
// pipeline at 10^6 rows (in memory: the input is generated in setup, the output bytes are counted
// and dropped). Setup happens outside the measured region; results go to blackHole.
import Benchmark
import Foundation
import RiskAlerts
@_spi(Benchmarking) import RiskBatch
import RiskCore
import RiskLinearAlgebra
import RiskModels

/// Rows per chunk in the core benchmarks (the pipeline's chunks hold about this many rows).
let chunkRows = 16_384

/// A discarding sink that counts bytes.
struct CountingSink: ByteSink {
    var bytes = 0
    mutating func write(_ b: [UInt8]) throws(BatchError) { bytes += b.count }
}

func syntheticCSV(rows: Int) -> [UInt8] {
    let sink = MemorySink()
    var ref = sink.sink
    try! SyntheticPopulation.write(rows: rows, seed: 20261127, to: &ref)
    return sink.bytes
}

/// A synthetic CSV cut into its header and its records.
func csvChunk(rows: Int) -> (header: [String], body: [UInt8]) {
    let bytes = syntheticCSV(rows: rows)
    let end = bytes.firstIndex(of: 0x0A)!
    let header = String(decoding: bytes[..<end], as: UTF8.self).split(separator: ",").map(String.init)
    return (header, Array(bytes[(end + 1)...]))
}

func syntheticChunk(rows: Int) -> RecordChunk {
    let text = String(decoding: syntheticCSV(rows: rows), as: UTF8.self)
    let lines = text.split(separator: "\n")
    let header = lines[0].split(separator: ",").map(String.init)
    var dicts: [[String: String]] = []
    for line in lines.dropFirst() {
        var d = runWide
        for (k, v) in zip(header, line.split(separator: ",", omittingEmptySubsequences: false)) { d[k] = String(v) }
        dicts.append(d)
    }
    return RecordChunk.fromTextRows(dicts)
}

/// The demo's run-wide values (Viet Nam), plus constant QRISK3 extras and KFRE-8 laboratory
/// values the synthetic population lacks, so that every model scores the rows it applies to.
let runWide: [String: String] = [
    "who_region": "southeast_asia", "country": "VNM", "baseline_year": "2020", "score2_region": "moderate",
    "kfre_calibration": "non_north_american",
    "ethnicity": "8", "townsend": "0", "smoking_category": "0", "diabetes_type": "none", "sbp_sd": "9",
    "family_history_chd": "0", "atrial_fibrillation": "0", "rheumatoid_arthritis": "0", "ckd_stage_3_5": "0",
    "migraine": "0", "sle": "0", "severe_mental_illness": "0", "atypical_antipsychotic": "0",
    "corticosteroids": "0", "erectile_dysfunction": "0",
    "albumin": "42", "phosphate": "1.1", "bicarbonate": "25", "calcium": "2.35",
]

let benchmarks: @Sendable () -> Void = {
    // The process settings the riskengine executable makes at start-up (the libraries make none).
    BLAS.setThreads(1)
    ComputeRuntime.keepLargeAllocationsOnTheHeap()
    let library = try! ModelLibrary.embedded()
    let allModels = try! library.models
    let rules = try! FlagRules.bundled()
    let core = Benchmark.Configuration(metrics: [.wallClock, .throughput, .cpuTotal], maxDuration: .seconds(3), maxIterations: 200)

    // MARK: Compute core, one model at a time and all together (1 iteration = 16,384 rows).
    for model in allModels {
        Benchmark("core \(model.id) (16,384 rows)", configuration: core) { benchmark, chunk in
            let evaluator = Evaluator(models: [model])
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(evaluator.score(chunk)) }
        } setup: {
            syntheticChunk(rows: chunkRows)
        }
    }
    Benchmark("core all models (16,384 rows)", configuration: core) { benchmark, chunk in
        let evaluator = Evaluator(models: allModels)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(evaluator.score(chunk)) }
    } setup: {
        syntheticChunk(rows: chunkRows)
    }

    // MARK: Pipeline stages on one chunk of 16,384 rows (1 iteration = one chunk), with the
    // run's defaults (flag rules and the built-in alert rules), allocations counted.
    let stage = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .cpuTotal, .mallocCountTotal], maxDuration: .seconds(3), maxIterations: 300)
    let alertRules = try! AlertRules.bundled(columns: AlertRules.knownColumns(models: allModels))
    for models in [["pce2013", "framingham2008_lab"], library.ids] {
        let label = models.count == 2 ? "pce2013+framingham2008_lab" : "all \(models.count) models"
        func stages(_ header: [String]) -> PipelineStages {
            var options = ScoreOptions(
                models: models.map { try! library.model($0) }, derivations: try! library.derivations,
                parameters: try! RunParameters(runWide.map { "\($0.key)=\($0.value)" }), flags: rules)
            options.alertRules = alertRules
            return try! PipelineStages(header: header, options: options)
        }
        Benchmark("stage parse \(label) (16,384 rows)", configuration: stage) { benchmark, input in
            let s = stages(input.header)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(s.parse(input.body)) }
        } setup: {
            csvChunk(rows: chunkRows)
        }
        Benchmark("stage evaluate \(label) (16,384 rows)", configuration: stage) { benchmark, input in
            let s = stages(input.header)
            let parsed = s.parse(input.body)
            let evaluator = s.makeEvaluator()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(s.evaluate(parsed, with: evaluator)) }
        } setup: {
            csvChunk(rows: chunkRows)
        }
        Benchmark("stage format \(label) (16,384 rows)", configuration: stage) { benchmark, input in
            let s = stages(input.header)
            let scored = s.evaluate(s.parse(input.body), with: s.makeEvaluator())
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(s.format(scored, bytes: input.body)) }
        } setup: {
            csvChunk(rows: chunkRows)
        }
    }

    // MARK: CSV → CSV, 10^6 rows, in memory (1 iteration = 10^6 rows).
    let pipeline = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .cpuTotal, .peakMemoryResident], maxDuration: .seconds(20), maxIterations: 10)
    for models in [["pce2013", "framingham2008_lab"], library.ids] {
        let label = models.count == 2 ? "pce2013+framingham2008_lab" : "all \(models.count) models"
        Benchmark("pipeline CSV→CSV \(label) (10^6 rows)", configuration: pipeline) { benchmark, input in
            let options = ScoreOptions(
                models: models.map { try! library.model($0) }, parameters: try! RunParameters(runWide.map { "\($0.key)=\($0.value)" }), flags: rules)
            benchmark.startMeasurement()
            var source = MemorySource(bytes: input)
            var sink = CountingSink()
            let summary = try! ScoreRun.run(source: &source, sink: &sink, options: options)
            benchmark.stopMeasurement()
            precondition(summary.rowsWritten == 1_000_000)
            blackHole(sink.bytes)
        } setup: {
            syntheticCSV(rows: 1_000_000)
        }
    }
}
