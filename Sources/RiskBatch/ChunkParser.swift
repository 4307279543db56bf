import RiskCore

/// A chunk of parsed rows: the canonical columns for the core, plus byte spans of the raw
/// columns (id and pass-through) to copy into the output as they were.
struct ParsedChunk {
    init(records: RecordChunk, rawSpans: [Int32], rawCount: Int, blankLines: Int) {
        self.records = records
        self.rawSpans = rawSpans
        self.rawCount = rawCount
        self.blankLines = blankLines
    }

    var records: RecordChunk
    /// Unit detection: "field:unit" → cells whose values look like that unit (implausible in the
    /// canonical unit, plausible after conversion); and how many were converted (`--units auto`).
    var unitSuspects: [String: Int] = [:]
    var unitConversions: [String: Int] = [:]
    /// Per row, per raw slot: (start, end) offsets into the chunk bytes.
    var rawSpans: [Int32]
    var rawCount: Int
    var rows: Int { records.count }
    var blankLines: Int
}

/// Parses whole records from a chunk of bytes that starts at a record start.
enum ChunkParser {
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, layout: InputLayout, parameters: RunParameters, unitsAuto: Bool = false
    ) -> ParsedChunk {
        let delimiter = layout.dialect.delimiter
        let decimalComma = layout.dialect.decimalComma
        var suspects: [String: Int] = [:]
        var converted: [String: Int] = [:]
        let plausible = layout.fields.map { layout.catalog.fields[$0].plausible }
        let n = bytes.count
        let nf = layout.fields.count
        let rawCount = layout.rawCount
        let columnsExpected = layout.header.count
        // Every record ends at LF, CR or the end, so this bounds the row count.
        var maxRows = 1
        if let base = bytes.baseAddress {
            for terminator in [CSV.lf, CSV.cr] {
                var p = 0
                while p < n, let q = memchr(base + p, Int32(terminator), n - p) {
                    maxRows += 1
                    p = base.distance(to: q.assumingMemoryBound(to: UInt8.self)) + 1
                }
            }
        }
        var values = [Double](repeating: .nan, count: nf * maxRows)
        var states = [CellState](repeating: .missing, count: nf * maxRows)
        var malformed = [Bool](repeating: false, count: maxRows)
        var spans = [Int32](repeating: 0, count: maxRows * rawCount * 2)
        var blank = 0
        var rows = 0
        // Roles as plain integers for the hot loop: ≥ 0 field slot, < 0 raw slot (−1 − slot),
        // Int.min ignored; columns past the header are ignored too.
        let roleCodes: [Int] = layout.roles.map {
            switch $0 {
            case .field(let slot): return slot
            case .raw(let slot): return -1 - slot
            case .ignored: return Int.min
            }
        }
        let readers = layout.readers
        let vocabularies = layout.vocabularies
        // Per slot, what is rare (code list, declared conversion, unit detection) as bits, so the
        // hot loop reads one byte per cell instead of reference-counted containers.
        let codeListBit: UInt8 = 1, conversionBit: UInt8 = 2, alternativesBit: UInt8 = 4
        let slotFlags: [UInt8] = (0..<nf).map { s in
            (layout.codes[s] != nil ? codeListBit : 0) | (layout.conversions[s] != nil ? conversionBit : 0)
                | (layout.alternatives[s].isEmpty ? 0 : alternativesBit)
        }

        // Per slot, whether its numbers are read while the field's end is found (one pass over
        // the bytes): 1 numeric, 2 a 0/1 field, 3 a code field (in `codeRanges`); 0 for every
        // other slot, for slots with a code list and for decimal commas (the general path).
        var fastKinds = [UInt8](repeating: 0, count: nf)
        var codeRanges = [(lo: Double, hi: Double)](repeating: (0, 0), count: nf)
        if !decimalComma {
            for s in 0..<nf where slotFlags[s] & codeListBit == 0 {
                switch readers[s] {
                case .numeric: fastKinds[s] = 1
                case .binary: fastKinds[s] = 2
                case .code(let lo, let hi):
                    fastKinds[s] = 3
                    codeRanges[s] = (lo, hi)
                case .category, .iso3, .date: break
                }
            }
        }

        values.withUnsafeMutableBufferPointer { values in
        states.withUnsafeMutableBufferPointer { states in
        malformed.withUnsafeMutableBufferPointer { malformed in
        spans.withUnsafeMutableBufferPointer { spans in
        roleCodes.withUnsafeBufferPointer { roleCodes in
        readers.withUnsafeBufferPointer { readers in
        slotFlags.withUnsafeBufferPointer { slotFlags in
        fastKinds.withUnsafeBufferPointer { fastKinds in
            /// A slot's cell after declared unit conversion or unit detection, into its column.
            @inline(__always) func store(_ read: CellReader.Cell, _ role: Int, _ row: Int) {
                var cell = read
                let flags = slotFlags[role]
                if cell.state == .present && flags != 0 {
                    if flags & conversionBit != 0, let conv = layout.conversions[role] {
                        cell.value = conv.apply(cell.value)
                    } else if flags & alternativesBit != 0, let pl = plausible[role], !pl.contains(cell.value) {
                        // Unit detection: implausible here, plausible in another unit?
                        for alt in layout.alternatives[role] where pl.contains(alt.apply(cell.value)) {
                            let key = layout.catalog.fields[layout.fields[role]].name + ":" + alt.unit
                            suspects[key, default: 0] += 1
                            if unitsAuto {
                                cell.value = alt.apply(cell.value)
                                converted[key, default: 0] += 1
                            }
                            break
                        }
                    }
                }
                values[role * maxRows + row] = cell.value
                states[role * maxRows + row] = cell.state
            }
            var i = 0
            while i < n {
                // Blank line (LF, CR or CRLF): no record.
                if let next = CSV.blankLineEnd(bytes, at: i) { blank += 1; i = next; continue }
                let row = rows
                rows += 1
                var col = 0
                var bad = false
                var endOfRecord = false
                while !endOfRecord {
                    let fieldStart = i
                    // A plain number in a numeric, 0/1 or code slot: read as its end is found.
                    if col < columnsExpected, case let role = roleCodes[col], role >= 0, fastKinds[role] != 0,
                        let (v, end) = CellReader.scanDecimal(bytes, from: i),
                        end == n || bytes[end] == delimiter || bytes[end] == CSV.lf || bytes[end] == CSV.cr
                    {
                        let field = CSV.ending(
                            bytes, contentStart: i, contentEnd: end, at: end, delimiter: delimiter, malformed: false, quoted: false)
                        i = field.next
                        endOfRecord = field.endOfRecord
                        var cell = CellReader.Cell(value: v, state: .present)
                        switch fastKinds[role] {
                        case 2:
                            if v != 0 && v != 1 { cell = .invalid }
                        case 3:
                            let range = codeRanges[role]
                            if v != v.rounded() || v < range.lo || v > range.hi { cell = .invalid }
                        default: break
                        }
                        store(cell, role, row)
                        col += 1
                        continue
                    }
                    // `CSV.field` scans an unquoted field inline, in this loop.
                    let field = CSV.field(bytes, at: i, delimiter: delimiter)
                    let contentStart = field.contentStart
                    let contentEnd = field.contentEnd
                    let rawEnd = field.rawEnd
                    if field.malformed { bad = true }
                    i = field.next
                    endOfRecord = field.endOfRecord
                    if col < columnsExpected {
                        let role = roleCodes[col]
                        if role >= 0 {
                            let cellBytes = UnsafeBufferPointer(rebasing: bytes[contentStart..<contentEnd])
                            var cell: CellReader.Cell
                            let flags = slotFlags[role]
                            if flags & codeListBit != 0, let codeList = layout.codes[role] {
                                // Code lists map source words to canonical text first.
                                let text = String(decoding: cellBytes, as: UTF8.self)
                                let mapped = codeList[TextFolding.fold(text)] ?? text
                                cell = Array(mapped.utf8).withUnsafeBufferPointer { CellReader.read($0, as: layout.kinds[role]) }
                            } else if decimalComma, cellBytes.contains(0x2C) {
                                cell = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: cellBytes.count) { tmp in
                                    for k in 0..<cellBytes.count { tmp[k] = cellBytes[k] == 0x2C ? 0x2E : cellBytes[k] }
                                    return CellReader.read(UnsafeBufferPointer(tmp), as: layout.kinds[role])
                                }
                            } else {
                            switch readers[role] {
                            case .numeric: cell = CellReader.readNumber(cellBytes)
                            case .binary:
                                cell = CellReader.readNumber(cellBytes)
                                if cell.state == .present && cell.value != 0 && cell.value != 1 { cell = .invalid }
                            case .code(let lo, let hi):
                                let c = CellReader.readNumber(cellBytes)
                                cell = c.state == .present && (c.value != c.value.rounded() || c.value < lo || c.value > hi) ? .invalid : c
                            case .category(let v):
                                cell = CellReader.read(cellBytes, as: .category(vocabularies[v]))
                            case .iso3:
                                cell = CellReader.read(cellBytes, as: .iso3)
                            case .date:
                                cell = CellReader.read(cellBytes, as: .date)
                            }
                            }
                            store(cell, role, row)
                        } else if role != Int.min {
                            let slot = -1 - role
                            spans[(row * rawCount + slot) * 2] = Int32(fieldStart)
                            spans[(row * rawCount + slot) * 2 + 1] = Int32(rawEnd)
                        }
                    }
                    col += 1
                }
                if col != columnsExpected { bad = true }
                malformed[row] = bad
            }
        }
        }
        }
        }
        }
        }
        }
        }

        var chunk = RecordChunk(count: rows, fieldCount: layout.catalog.fields.count)
        chunk.malformed = Array(malformed[0..<rows])
        for s in 0..<nf {
            chunk.columns[layout.fields[s]] = FieldColumn(
                values: Array(values[(s * maxRows)..<(s * maxRows + rows)]),
                states: Array(states[(s * maxRows)..<(s * maxRows + rows)]))
        }
        if spans.count > rows * rawCount * 2 { spans.removeLast(spans.count - rows * rawCount * 2) }
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
        var parsed = ParsedChunk(records: chunk, rawSpans: spans, rawCount: rawCount, blankLines: blank)
        parsed.unitSuspects = suspects
        parsed.unitConversions = converted
        return parsed
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
