/// Errors that stop a batch run before or while it streams. Row-level problems never stop a run:
/// they become per-row statuses. Messages name files, rows and columns, never cell values.
public enum BatchError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotOpenInput(path: String, reason: String)
    case cannotCreateOutput(path: String, reason: String)
    case readFailed(reason: String)
    case writeFailed(reason: String)
    /// The input has no header line.
    case emptyInput
    /// The first record names no known column (no `id`, canonical name or mapped header): the
    /// header is missing or not the export's. `expected` are the canonical columns the run reads.
    case noKnownColumn(expected: [String])
    /// Two paths of one run name the same file (the input, or another output): refused before
    /// any file is opened for writing. Roles are option names (`input`, `--output`, `--rejects`…).
    case sameFile(role: String, otherRole: String, path: String)
    /// The header names a canonical column twice.
    case duplicateColumn(name: String, columns: [Int])
    /// A `--param` names no canonical field, or its value is not valid for the field.
    case badParameter(key: String, problem: String)
    /// `--strict`: the first problem found (data row number, column, reason; never the value).
    case strictStop(row: Int, column: String, reason: String)
    /// The models of a run were compiled against different local columns (model files from
    /// different folders that both declare `columns`): load them as one library.
    case incompatibleModelFields(models: [String])

    public var description: String {
        switch self {
        case .cannotOpenInput(let p, let r): return "cannot open input \(p): \(r)"
        case .cannotCreateOutput(let p, let r): return "cannot create output \(p): \(r)"
        case .readFailed(let r): return "reading the input failed: \(r)"
        case .writeFailed(let r): return "writing the output failed: \(r)"
        case .noKnownColumn(let expected):
            return "the first line names no known column; a header line naming id and canonical columns is expected"
                + (expected.isEmpty ? "" : " (this run reads: \(expected.joined(separator: ", ")))")
                + "; see README \"Input and output\", or give --mapping for an export's own names"
        case .sameFile(let role, let other, let path):
            return "\(role) and \(other) name the same file (\(path)): choose another path for \(role)"
        case .emptyInput: return "the input is empty: a CSV header line is needed"
        case .duplicateColumn(let n, let cols):
            return "the header names column '\(n)' more than once (columns \(cols.map(String.init).joined(separator: ", ")))"
        case .badParameter(let k, let p): return "--param \(k): \(p)"
        case .strictStop(let r, let c, let reason):
            return "stopped at data row \(r)" + (c.isEmpty ? "" : ", column '\(c)'") + ": \(reason) (--strict)"
        case .incompatibleModelFields(let models):
            return "models \(models.joined(separator: ", ")) declare local columns differently; put their files in one --models-dir"
        }
    }
}
