// Cohort loading for `riskengine validate`: named columns of a CSV read whole into memory, and the
// in-memory scoring of a cohort with a library model. Not a numeric file: parsing only.
import Foundation
import RiskCore
import RiskAlerts
import RiskModels

/// Why a cohort cannot be read. Payloads name rows (1-based data rows) and columns, never values.
public enum CohortError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotRead(path: String, reason: String)
    case emptyInput
    case missingColumn(name: String)
    /// A data row has another number of fields than the header.
    case raggedRow(row: Int, fields: Int, expected: Int)
    /// A cell that should be a number is empty or not a number.
    case notANumber(row: Int, column: String)
    /// An event cell that is not 0/1 (or false/true).
    case notAnEvent(row: Int, column: String)
    /// Scoring with a model failed (batch pipeline error).
    case scoring(BatchError)
    /// The model has no numeric risk column.
    case noRiskColumn(model: String)

    public var description: String {
        switch self {
        case .cannotRead(let p, let r): "cannot read \(p): \(r)"
        case .emptyInput: "the cohort file is empty: a CSV header line is needed"
        case .missingColumn(let n): "the cohort has no column '\(n)'"
        case .raggedRow(let r, let f, let e): "data row \(r) has \(f) fields, the header \(e)"
        case .notANumber(let r, let c): "data row \(r), column '\(c)': not a number"
        case .notAnEvent(let r, let c): "data row \(r), column '\(c)': the event indicator must be 0 or 1"
        case .scoring(let e): e.description
        case .noRiskColumn(let m): "model \(m) writes no numeric risk column"
        }
    }
}

/// A CSV cohort held as columns of text (RFC 4180 quoting; comma-separated; a UTF-8 BOM is skipped).
public struct CohortColumns: Sendable {
    /// Column names in header order.
    public let header: [String]
    /// Cells by column, in row order.
    public let columns: [[String]]
    /// The file's text (for scoring with a model).
    public let text: String

    /// Number of data rows.
    public var rowCount: Int { columns.first?.count ?? 0 }

    /// Reads a file.
    public static func load(path: String) throws(CohortError) -> CohortColumns {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .cannotRead(path: path, reason: (error as NSError).localizedDescription)
        }
        return try CohortColumns(text: String(decoding: data, as: UTF8.self))
    }

    /// Parses CSV text.
    public init(text: String) throws(CohortError) {
        var records = Self.records(text)
        while records.last == [""] { records.removeLast() }
        guard let head = records.first, head != [""] else { throw .emptyInput }
        var cols = [[String]](repeating: [], count: head.count)
        for (r, record) in records.dropFirst().enumerated() where record != [""] {
            guard record.count == head.count else { throw .raggedRow(row: r + 1, fields: record.count, expected: head.count) }
            for c in record.indices { cols[c].append(record[c]) }
        }
        header = head.map { $0.trimmingCharacters(in: .whitespaces) }
        columns = cols
        self.text = text
    }

    /// The records of CSV text (the one CSV tokenizer, `RiskCore.CSV`; blank lines skipped).
    private static func records(_ text: String) -> [[String]] {
        CSV.records(Array(text.utf8)).map(\.fields)
    }

    /// The cells of column `name`.
    public func strings(_ name: String) throws(CohortError) -> [String] {
        guard let c = header.firstIndex(of: name) else { throw .missingColumn(name: name) }
        return columns[c]
    }

    /// Column `name` as numbers (surrounding spaces allowed).
    public func numbers(_ name: String) throws(CohortError) -> [Double] {
        let cells = try strings(name)
        var out: [Double] = []
        out.reserveCapacity(cells.count)
        for (r, cell) in cells.enumerated() {
            guard let v = Double(cell.trimmingCharacters(in: .whitespaces)) else { throw .notANumber(row: r + 1, column: name) }
            out.append(v)
        }
        return out
    }

    /// Column `name` as event indicators: 1/0 or true/false.
    public func events(_ name: String) throws(CohortError) -> [Bool] {
        let cells = try strings(name)
        var out: [Bool] = []
        out.reserveCapacity(cells.count)
        for (r, cell) in cells.enumerated() {
            switch cell.trimmingCharacters(in: .whitespaces).lowercased() {
            case "1", "true": out.append(true)
            case "0", "false": out.append(false)
            default: throw .notAnEvent(row: r + 1, column: name)
            }
        }
        return out
    }

    /// Scores every row with `model` through the batch pipeline in memory and returns the
    /// predicted risk in percent per row (nil where the model could not score the row), in input order.
    /// `parameters` are run-wide values as in `score --param` (e.g. who_region); `column` chooses an
    /// output column of the model (nil: its risk-band column, else its first numeric column).
    public func scored(
        with model: CompiledModel, column name: String? = nil, derivations: [Derivation], parameters: RunParameters = RunParameters(),
        flags: FlagRules
    ) throws(CohortError) -> [Double?] {
        let chosen = name.map { n in model.outputColumns.firstIndex(of: n) }
            ?? (model.bandColumn ?? model.outputLabels.firstIndex(where: { $0 == nil }))
        guard let column = chosen else {
            throw .noRiskColumn(model: model.id)
        }
        let options = ScoreOptions(
            models: [model], derivations: derivations, digits: 12, parameters: parameters, flags: flags)
        var source = MemorySource(text)
        let collector = MemorySink()
        var sink = collector.sink
        do { _ = try ScoreRun.run(source: &source, sink: &sink, options: options) } catch { throw .scoring(error) }
        let out = try CohortColumns(text: collector.text)
        let risks = try out.strings(model.outputColumns[column])
        let status = try out.strings(model.statusColumn)
        return zip(risks, status).map { risk, s in s.hasPrefix("ok") ? Double(risk) : nil }
    }
}
