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
        while let fields = records.next() {
            if fields.count == 1 && fields[0].isEmpty { continue }
            read += 1
            guard fields.count == header.count else {
                malformed += 1
                continue
            }
            var bad: String? = nil
            for (k, w) in wanted.enumerated() {
                var range = fields[w.index]
                if range.count >= 2 && buf[range.lowerBound] == 0x22 && buf[range.upperBound - 1] == 0x22 {
                    range = (range.lowerBound + 1)..<(range.upperBound - 1)
                }
                while !range.isEmpty && buf[range.lowerBound] == 0x20 { range = (range.lowerBound + 1)..<range.upperBound }
                while !range.isEmpty && buf[range.upperBound - 1] == 0x20 { range = range.lowerBound..<(range.upperBound - 1) }
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
        }
        var columns: [String: [Double]] = [:]
        for (k, w) in wanted.enumerated() { columns[w.name] = values[k] }
        return CohortTable(
            columns: columns, absentColumns: absent, rowsRead: read, excludedByColumn: excluded,
            malformedRows: malformed, sha256: sha256)
    }
}

/// Splits CSV bytes into records of field byte ranges (quotes kept; the caller strips them).
private struct Records {
    let buf: UnsafeBufferPointer<UInt8>
    var i = 0

    init(_ buf: UnsafeBufferPointer<UInt8>) {
        self.buf = buf
        if buf.count >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { i = 3 }
    }

    mutating func next() -> [Range<Int>]? {
        let n = buf.count
        guard i < n else { return nil }
        var fields: [Range<Int>] = []
        var start = i
        var inQuotes = false
        while i < n {
            let b = buf[i]
            if inQuotes {
                if b == 0x22 {
                    if i + 1 < n && buf[i + 1] == 0x22 { i += 2; continue }
                    inQuotes = false
                }
                i += 1
                continue
            }
            if b == 0x22 && i == start {
                inQuotes = true
                i += 1
                continue
            }
            if b == 0x2C {
                fields.append(start..<i)
                i += 1
                start = i
                continue
            }
            if b == 0x0A {
                let end = i > start && buf[i - 1] == 0x0D ? i - 1 : i
                fields.append(start..<end)
                i += 1
                return fields
            }
            i += 1
        }
        fields.append(start..<(n > start && buf[n - 1] == 0x0D ? n - 1 : n))
        return fields
    }
}
