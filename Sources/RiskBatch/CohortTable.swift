// Cohort loading for model fitting: a CSV (RFC 4180: quoted fields may hold commas, doubled
// quotes and line breaks; LF or CRLF; a UTF-8 BOM skipped) read into numeric columns by header
// name. Only the requested columns are kept; a row whose requested cell is empty or not a plain
// decimal (`CellReader.parseDecimal`) is excluded, and the exclusions are counted per column
// (counts only: no identifiers, no cell values). Memory: the file once plus the kept columns.
import Crypto
import Foundation
import RiskCore

/// Numeric cohort columns read from a CSV for fitting.
public struct CohortTable: Sendable {
    /// Requested columns present in the header, by name, over the kept rows.
    public let columns: [String: [Double]]
    /// Requested columns absent from the header.
    public let absentColumns: [String]
    /// Data rows read (blank lines not counted).
    public let rowsRead: Int
    /// Rows kept (every present requested column numeric).
    public var rowsKept: Int { columns.values.first?.count ?? 0 }
    /// For each kept row, its 0-based data-row number (non-blank records after the header, malformed
    /// ones included), to join other columns of the same file.
    public let keptRows: [Int]
    /// Rows excluded, by the first requested column (in request order) that was missing or invalid.
    public let excludedByColumn: [String: Int]
    /// Rows with a different number of fields from the header, excluded.
    public let malformedRows: Int
    /// SHA-256 of the file's bytes, lowercase hex.
    public let sha256: String

    /// Reads `path`, keeping `requested` columns.
    public static func load(path: String, columns requested: [String]) throws(BatchError) -> CohortTable {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .cannotOpenInput(path: path, reason: "cannot be read")
        }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let bytes = [UInt8](data)
        return try bytes.withUnsafeBufferPointer { (buf) throws(BatchError) -> CohortTable in
            try parse(buf, requested: requested, sha256: digest)
        }
    }

    /// Parses CSV bytes (exposed for tests).
    public static func parse(_ buf: UnsafeBufferPointer<UInt8>, requested: [String], sha256: String = "")
        throws(BatchError) -> CohortTable
    {
        var records = Records(buf)
        guard let header = records.next()?.map({ String(decoding: UnsafeBufferPointer(rebasing: buf[$0]), as: UTF8.self) }) else {
            throw .emptyInput
        }
        var wanted: [(name: String, index: Int)] = []
        var absent: [String] = []
        for name in requested where !wanted.contains(where: { $0.name == name }) && !absent.contains(name) {
            let hits = header.indices.filter { header[$0].trimmingCharacters(in: .whitespaces) == name }
            if hits.count > 1 { throw .duplicateColumn(name: name, columns: hits.map { $0 + 1 }) }
            if let i = hits.first { wanted.append((name, i)) } else { absent.append(name) }
        }
        var values = [[Double]](repeating: [], count: wanted.count)
        var excluded: [String: Int] = [:]
        var read = 0
        var malformed = 0
        var row = [Double](repeating: 0, count: wanted.count)
        var kept: [Int] = []
        while let fields = records.next() {
            if fields.count == 1 && fields[0].isEmpty { continue }
            read += 1
            guard fields.count == header.count else {
                malformed += 1
                continue
            }
            var bad: String? = nil
            for (k, w) in wanted.enumerated() {
                let range = fields[w.index]
                guard let v = CellReader.parseDecimal(UnsafeBufferPointer(rebasing: buf[range])) else {
                    bad = w.name
                    break
                }
                row[k] = v
            }
            if let bad {
                excluded[bad, default: 0] += 1
                continue
            }
            for k in wanted.indices { values[k].append(row[k]) }
            kept.append(read - 1)
        }
        var columns: [String: [Double]] = [:]
        for (k, w) in wanted.enumerated() { columns[w.name] = values[k] }
        return CohortTable(
            columns: columns, absentColumns: absent, rowsRead: read, keptRows: kept, excludedByColumn: excluded,
            malformedRows: malformed, sha256: sha256)
    }
}

/// Records of field content ranges (quotes excluded), read by the one CSV tokenizer (`RiskCore.CSV`);
/// blank lines are skipped.
private struct Records {
    let buf: UnsafeBufferPointer<UInt8>
    var i: Int

    init(_ buf: UnsafeBufferPointer<UInt8>) {
        self.buf = buf
        i = CSV.bomLength(buf)
    }

    mutating func next() -> [Range<Int>]? {
        while let e = CSV.blankLineEnd(buf, at: i) { i = e }
        guard i < buf.count else { return nil }
        var fields: [Range<Int>] = []
        while true {
            let f = CSV.field(buf, at: i, delimiter: CSV.comma)
            fields.append(f.contentStart..<f.contentEnd)
            i = f.next
            if f.endOfRecord { return fields }
        }
    }
}
