// Streaming CSV records for the report, read by the project's one CSV tokenizer (RiskCore `CSV`:
// comma-separated, quotes with "" for a quote, LF, CR or CRLF line ends, an optional UTF-8 BOM).
// Reads fixed-size blocks, so memory does not grow with the file.
import Foundation
import RiskCore

/// Problems reading the report's inputs (rendered at the edge; never cell values).
public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case emptyInput(path: String)
    case missingColumn(path: String, column: String)
    case noRiskColumns(path: String)
    /// The area column names an identifying field, or has nearly one value per row.
    case areaLooksIdentifying(path: String, column: String)
    case cannotWrite(path: String, reason: String)
    /// A `--validation` file that is not the JSON `riskengine validate` writes.
    case notValidation(path: String)

    public var description: String {
        switch self {
        case .cannotOpen(let p, let r): return "cannot open \(p): \(r)"
        case .emptyInput(let p): return "\(p): no header line"
        case .missingColumn(let p, let c): return "\(p): no column '\(c)'"
        case .noRiskColumns(let p): return "\(p): no risk column (<model>_<outcome>_<horizon>y)"
        case .areaLooksIdentifying(let p, let c):
            return "\(p): --area \(c) looks like an identifier (an identifying name, or about one value per row); the report shows only area codes"
        case .cannotWrite(let p, let r): return "cannot write \(p): \(r)"
        case .notValidation(let p): return "\(p): not a validation file of 'riskengine validate' (JSON with n, horizon and the figures)"
        }
    }
}

/// Reads CSV records one at a time from a file handle.
struct CSVRecords {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var eof = false
    private var started = false
    static let blockSize = 1 << 20

    init(handle: FileHandle) { self.handle = handle }

    /// Opens a path (`-` is standard input).
    static func open(_ path: String) throws(ReportError) -> CSVRecords {
        if path == "-" { return CSVRecords(handle: .standardInput) }
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw .cannotOpen(path: path, reason: FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file")
        }
        return CSVRecords(handle: h)
    }

    private mutating func fill() -> Bool {
        if eof { return false }
        let data = handle.readData(ofLength: Self.blockSize)
        if data.isEmpty { eof = true; return false }
        if position > 0 { buffer.removeFirst(position); position = 0 }
        buffer.append(contentsOf: data)
        if !started {
            started = true
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { position = 3 }
        }
        return true
    }

    /// The next record's fields (as bytes, quotes removed), or false at the end. Blank lines are
    /// skipped. Records are read by the one CSV tokenizer (`RiskCore.CSV`: quotes, doubled quotes,
    /// LF, CR or CRLF).
    mutating func next(into fields: inout [[UInt8]]) -> Bool {
        fields.removeAll(keepingCapacity: true)
        while true {
            let final = eof
            let start = position
            let record = buffer.withUnsafeBufferPointer { CSV.record($0, from: start, delimiter: CSV.comma, final: final) }
            if let record {
                position = record.end
                for f in record.fields { fields.append(Array(f.utf8)) }
                return true
            }
            if final { return false }
            _ = fill()
        }
    }
}

extension Array where Element == UInt8 {
    /// The bytes as a decimal number (dot decimal), or nil when empty or not a number.
    var number: Double? {
        guard !isEmpty, count < 40 else { return nil }
        return Double(String(decoding: self, as: UTF8.self).trimmingCharacters(in: .whitespaces))
    }

    var text: String { String(decoding: self, as: UTF8.self) }
}

/// Whether text from a data file may be shown as a code (a flag id, indicator, method or
/// period): 1–64 ASCII letters, digits and `_ . : -`. Anything else is never printed.
func isCode<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
    !bytes.isEmpty && bytes.count <= 64 && bytes.allSatisfy {
        ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2E || $0 == 0x3A || $0 == 0x2D
    }
}

/// A code from a data file as shown, or "?" when it is not a code.
func shownCode(_ s: String) -> String { isCode(s.utf8) ? s : "?" }
