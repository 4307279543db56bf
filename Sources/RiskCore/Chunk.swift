/// One field's values for the rows of a chunk: the value (NaN unless present) and its state.
/// Categories hold the index of the canonical value as a Double.
public struct FieldColumn: Sendable {
    public var values: [Double]
    public var states: [CellState]

    public init(count: Int) {
        values = [Double](repeating: .nan, count: count)
        states = [CellState](repeating: .missing, count: count)
    }

    public init(values: [Double], states: [CellState]) {
        precondition(values.count == states.count)
        self.values = values
        self.states = states
    }
}

/// A columnar chunk of canonical records: what the compute core scores. It never sees CSV text.
public struct RecordChunk: Sendable {
    /// Number of rows.
    public let count: Int
    /// Columns by canonical field index (`CanonicalSchema.indexByName`); nil when the field is
    /// absent for every row.
    public var columns: [FieldColumn?]
    /// Rows that could not be read as records at all (wrong field count, broken quoting):
    /// every model reports `invalid:row` for them.
    public var malformed: [Bool]
    /// Fields filled in by a derivation (e.g. eGFR from creatinine): per field index, per row.
    public var derived: [Int: [Bool]] = [:]

    /// An empty chunk of `count` rows with room for `fieldCount` fields (the run's
    /// `FieldCatalog`: canonical fields, then local ones).
    public init(count: Int, fieldCount: Int = CanonicalSchema.fields.count) {
        self.count = count
        self.columns = [FieldColumn?](repeating: nil, count: fieldCount)
        self.malformed = [Bool](repeating: false, count: count)
    }

    /// The column of a field by name.
    public subscript(field name: String) -> FieldColumn? {
        get { CanonicalSchema.indexByName[name].flatMap { columns[$0] } }
        set {
            guard let i = CanonicalSchema.indexByName[name] else { return }
            columns[i] = newValue
        }
    }

    /// Builds a chunk from rows of text values keyed by field name (tests, small inputs). Uses
    /// the same cell reader as the CSV pipeline.
    public static func fromTextRows(_ rows: [[String: String]], fields: FieldCatalog = .canonical) -> RecordChunk {
        var chunk = RecordChunk(count: rows.count, fieldCount: fields.fields.count)
        for (fi, spec) in fields.fields.enumerated() {
            guard rows.contains(where: { $0[spec.name] != nil }) else { continue }
            var col = FieldColumn(count: rows.count)
            for (r, row) in rows.enumerated() {
                let text = row[spec.name] ?? ""
                let cell = Array(text.utf8).withUnsafeBufferPointer { CellReader.read($0, as: spec.kind) }
                col.values[r] = cell.value
                col.states[r] = cell.state
            }
            chunk.columns[fi] = col
        }
        return chunk
    }
}
