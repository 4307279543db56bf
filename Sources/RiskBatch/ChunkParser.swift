import RiskCore

/// A chunk of parsed rows: the canonical columns for the core, plus byte spans of the raw
/// columns (id and pass-through) to copy into the output as they were.
struct ParsedChunk {
    var records: RecordChunk
    /// Per row, per raw slot: (start, end) offsets into the chunk bytes.
    var rawSpans: [Int32]
    var rawCount: Int
    var rows: Int { records.count }
    var blankLines: Int
}

/// Parses whole records from a chunk of bytes that starts at a record start.
enum ChunkParser {
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, layout: InputLayout, parameters: RunParameters
    ) -> ParsedChunk {
        let n = bytes.count
        let nf = layout.fields.count
        let rawCount = layout.rawCount
        let columnsExpected = layout.header.count
        let estimate = n / 48 + 16
        var values = [[Double]](repeating: [], count: nf)
        var states = [[CellState]](repeating: [], count: nf)
        for s in 0..<nf {
            values[s].reserveCapacity(estimate)
            states[s].reserveCapacity(estimate)
        }
        var malformed: [Bool] = []
        malformed.reserveCapacity(estimate)
        var spans: [Int32] = []
        spans.reserveCapacity(estimate * rawCount * 2)
        var rowValues = [Double](repeating: .nan, count: nf)
        var rowStates = [CellState](repeating: .missing, count: nf)
        var rowSpans = [Int32](repeating: 0, count: rawCount * 2)
        var blank = 0
        let roles = layout.roles
        let kinds = layout.kinds

        var i = 0
        while i < n {
            // Blank line (LF or CRLF): no record.
            if bytes[i] == CSVScanner.newline { blank += 1; i += 1; continue }
            if bytes[i] == CSVScanner.carriageReturn && i + 1 < n && bytes[i + 1] == CSVScanner.newline {
                blank += 1; i += 2; continue
            }
            for s in 0..<nf { rowValues[s] = .nan; rowStates[s] = .missing }
            for k in 0..<rowSpans.count { rowSpans[k] = 0 }
            var col = 0
            var bad = false
            var endOfRecord = false
            while !endOfRecord {
                let fieldStart = i
                var contentStart = i
                var contentEnd: Int
                if i < n && bytes[i] == CSVScanner.quote {
                    contentStart = i + 1
                    var j = i + 1
                    var closed = false
                    while j < n {
                        if bytes[j] == CSVScanner.quote {
                            if j + 1 < n && bytes[j + 1] == CSVScanner.quote { j += 2; continue }
                            closed = true
                            break
                        }
                        j += 1
                    }
                    contentEnd = j
                    if !closed { bad = true; i = n } else { i = j + 1 }
                    // Anything between the closing quote and the delimiter is a broken field.
                    while i < n && bytes[i] != CSVScanner.comma && bytes[i] != CSVScanner.newline {
                        if !(bytes[i] == CSVScanner.carriageReturn && (i + 1 == n || bytes[i + 1] == CSVScanner.newline)) {
                            bad = true
                        }
                        i += 1
                    }
                } else {
                    var j = i
                    while j < n {
                        let b = bytes[j]
                        if b == CSVScanner.comma || b == CSVScanner.newline { break }
                        j += 1
                    }
                    contentEnd = j
                    i = j
                    if contentEnd > contentStart && bytes[contentEnd - 1] == CSVScanner.carriageReturn
                        && (i == n || bytes[i] == CSVScanner.newline)
                    {
                        contentEnd -= 1
                    }
                }
                var fieldEnd = i
                if fieldEnd > fieldStart && bytes[fieldEnd - 1] == CSVScanner.carriageReturn && (i == n || bytes[i] == CSVScanner.newline) {
                    fieldEnd -= 1
                }
                if col < columnsExpected {
                    switch roles[col] {
                    case .field(let slot):
                        let cell = CellReader.read(
                            UnsafeBufferPointer(rebasing: bytes[contentStart..<contentEnd]), as: kinds[slot])
                        rowValues[slot] = cell.value
                        rowStates[slot] = cell.state
                    case .raw(let slot):
                        rowSpans[2 * slot] = Int32(fieldStart)
                        rowSpans[2 * slot + 1] = Int32(fieldEnd)
                    case .ignored:
                        break
                    }
                }
                col += 1
                if i < n && bytes[i] == CSVScanner.comma {
                    i += 1
                    if i == n { col += 1; endOfRecord = true }  // trailing comma at end of input
                } else {
                    if i < n { i += 1 }  // the newline
                    endOfRecord = true
                }
            }
            if col != columnsExpected { bad = true }
            for s in 0..<nf {
                values[s].append(rowValues[s])
                states[s].append(rowStates[s])
            }
            malformed.append(bad)
            spans.append(contentsOf: rowSpans)
        }

        let rows = malformed.count
        var chunk = RecordChunk(count: rows)
        chunk.malformed = malformed
        for s in 0..<nf {
            chunk.columns[layout.fields[s]] = FieldColumn(values: values[s], states: states[s])
        }
        for (fi, cell) in parameters.values {
            if var col = chunk.columns[fi] {
                for r in 0..<rows where col.states[r] == .missing {
                    col.values[r] = cell.value
                    col.states[r] = .present
                }
                chunk.columns[fi] = col
            } else {
                chunk.columns[fi] = FieldColumn(
                    values: [Double](repeating: cell.value, count: rows),
                    states: [CellState](repeating: .present, count: rows))
            }
        }
        return ParsedChunk(records: chunk, rawSpans: spans, rawCount: rawCount, blankLines: blank)
    }
}
