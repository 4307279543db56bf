// The rejects file: one line per problem found — data row number (1 = first data row), column
// and reason — never a cell value, so it can be shared to fix the export without exposing people.
import Foundation
import RiskCore

/// A problem in one row.
public struct RowProblem: Sendable, Equatable {
    /// 1-based data row number.
    public var row: Int
    /// The input column's header (empty for a malformed line).
    public var column: String
    /// `invalid:row`, `invalid`, `out_of_range`.
    public var reason: String
}

/// Collects rejects lines and writes them as CSV (`row,column,reason`).
public final class RejectsWriter: @unchecked Sendable {
    private var sink: any ByteSink
    private let lock = NSLock()
    public private(set) var count = 0

    public init(sink: any ByteSink) throws(BatchError) {
        self.sink = sink
        try self.sink.write(Array(CSV.line(["row", "column", "reason"]).utf8))
    }

    func write(_ problems: [RowProblem]) throws(BatchError) {
        guard !problems.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        var out = ""
        for p in problems {
            out += CSV.line([String(p.row), p.column, p.reason])
        }
        try sink.write(Array(out.utf8))
        count += problems.count
    }
}
