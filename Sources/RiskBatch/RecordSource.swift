// Scoring canonical records that are already in memory (e.g. imported claim XML) through the same
// path as a CSV file: the rows are written, chunk by chunk and in memory only, as canonical CSV
// with the pipeline's own quoting, and read by the same chunk parser, cell reader, derivations,
// evaluator and formatter. Field rules, units, dates and the age derivation are therefore shared
// by construction; nothing is written to disk.

import RiskCore

/// A source of canonical records: a header of canonical field names (unknown names pass through)
/// and rows of text cells in that order.
public protocol RecordSource {
    /// Column names.
    var header: [String] { get }
    /// Up to `max` further rows; empty at the end.
    mutating func nextRows(max: Int) throws(BatchError) -> [[String]]
}

/// Rows held in an array.
public struct RecordRows: RecordSource {
    public let header: [String]
    private let rows: [[String]]
    private var offset = 0

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    public mutating func nextRows(max: Int) throws(BatchError) -> [[String]] {
        let end = Swift.min(rows.count, offset + Swift.max(1, max))
        defer { offset = end }
        return Array(rows[offset..<end])
    }
}

/// Presents a record source as CSV bytes to `ScoreRun.run(source:sink:options:)`.
struct RecordByteSource<Records: RecordSource>: ByteSource {
    private var records: Records
    private var pending: [UInt8]
    private var offset = 0
    private var ended = false

    init(_ records: Records) {
        self.records = records
        pending = RecordByteSource.line(records.header)
    }

    static func line(_ cells: [String]) -> [UInt8] {
        Array(CSV.line(cells).utf8)
    }

    mutating func read(into buffer: inout [UInt8], max: Int) throws(BatchError) -> Int {
        while pending.count - offset < max && !ended {
            let rows = try records.nextRows(max: 1024)
            if rows.isEmpty { ended = true; break }
            if offset > 0 { pending.removeFirst(offset); offset = 0 }
            for row in rows { pending.append(contentsOf: Self.line(row)) }
        }
        let n = Swift.min(max, pending.count - offset)
        buffer.append(contentsOf: pending[offset..<(offset + n)])
        offset += n
        return n
    }
}

extension ScoreRun {
    /// Scores in-memory canonical records (see `RecordSource`) exactly as the same rows in a
    /// canonical CSV file would be scored. The input is comma-separated with dot decimals and
    /// canonical names, so `options.delimiter`, `decimalComma` and `mapping` are not used.
    /// `RunSummary.inputSHA256` and `inputBytes` describe the encoded rows; callers that read the
    /// records from files report those files' checksums instead.
    public static func run<Records: RecordSource, Sink: ByteSink>(
        records: Records, sink: inout Sink, options: ScoreOptions
    ) throws(BatchError) -> RunSummary {
        var options = options
        options.delimiter = 0x2C
        options.decimalComma = false
        options.mapping = nil
        var source = RecordByteSource(records)
        return try run(source: &source, sink: &sink, options: options)
    }
}
