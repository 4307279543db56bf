// The scoring pipeline's stages one at a time (parse → evaluate → format), for the benchmarks
// that time and count allocations per stage (Benchmarks/Benchmarks/Scoring). A run uses them
// through `ScoreRun`; this interface only exposes the same calls on one chunk of whole records.
import RiskCore
import RiskModels

/// One chunk between stages (opaque).
@_spi(Benchmarking)
public struct StageChunk: Sendable {
    let parsed: ParsedChunk
    var scores: [ModelScores] = []
    /// Rows in the chunk.
    public var rows: Int { parsed.rows }
}

/// Stage-by-stage access to a scoring run over one header.
@_spi(Benchmarking)
public struct PipelineStages: Sendable {
    let formatter: OutputFormatter
    let options: ScoreOptions

    /// Lays out the run for a CSV header (comma-separated, as the run would read it).
    public init(header: [String], options: ScoreOptions) throws(BatchError) {
        let layout = try ScoreRun.inputLayout(header: header, options: options, dialect: .standard)
        formatter = OutputFormatter(options: options, layout: layout)
        self.options = options
    }

    /// Parses whole records (no header) into columns.
    public func parse(_ bytes: [UInt8]) -> StageChunk {
        bytes.withUnsafeBufferPointer {
            StageChunk(parsed: ChunkParser.parse($0, layout: formatter.layout, parameters: options.parameters, unitsAuto: options.unitsAuto))
        }
    }

    /// Derives missing inputs and scores every model of the run.
    public func evaluate(_ chunk: StageChunk, with evaluator: Evaluator) -> StageChunk {
        var parsed = chunk.parsed
        parsed.records = evaluator.prepare(parsed.records)
        return StageChunk(parsed: parsed, scores: evaluator.score(prepared: parsed.records))
    }

    /// Formats a scored chunk as output CSV bytes (the same bytes the run writes); `bytes` are
    /// the chunk's input bytes, whose spans the pass-through columns copy.
    public func format(_ chunk: StageChunk, bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { formatter.format(chunk.parsed, chunk.scores, $0).bytes }
    }

    /// An evaluator for this run's models (one per thread).
    public func makeEvaluator() -> Evaluator { Evaluator(models: options.models, derivations: options.derivations) }
}
