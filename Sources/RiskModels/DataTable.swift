// Data tables shipped with models (CSV in Models/tables/), e.g. Globorisk's country risk-factor
// means and yearly baseline CVD rates. A table is indexed by its key columns; a row of the input
// finds its table row through the model's key definition.
import Foundation
import RiskCore

/// Up to four key values.
struct TableKey: Hashable, Sendable {
    var values: (Double, Double, Double, Double) = (.nan, .nan, .nan, .nan)

    static func == (a: TableKey, b: TableKey) -> Bool {
        a.values.0.bitPattern == b.values.0.bitPattern && a.values.1.bitPattern == b.values.1.bitPattern
            && a.values.2.bitPattern == b.values.2.bitPattern && a.values.3.bitPattern == b.values.3.bitPattern
    }

    func hash(into h: inout Hasher) {
        h.combine(values.0.bitPattern)
        h.combine(values.1.bitPattern)
        h.combine(values.2.bitPattern)
        h.combine(values.3.bitPattern)
    }

    subscript(i: Int) -> Double {
        get {
            switch i {
            case 0: values.0
            case 1: values.1
            case 2: values.2
            default: values.3
            }
        }
        set {
            switch i {
            case 0: values.0 = newValue
            case 1: values.1 = newValue
            case 2: values.2 = newValue
            default: values.3 = newValue
            }
        }
    }
}

/// Table rows by key: open addressing with linear probing over a power-of-two slot array and a
/// cheap multiply–xorshift mix of the key's bit patterns (no per-lookup SipHash, no allocation).
/// A key that repeats finds its last row, as a dictionary filled in row order would.
struct TableIndex: Sendable {
    /// Row + 1 per slot; 0 is empty.
    private let slots: [Int32]
    private let mask: Int

    init(keys: [TableKey]) {
        var size = 16
        while size < keys.count * 2 { size <<= 1 }
        var slots = [Int32](repeating: 0, count: size)
        let mask = size - 1
        for (r, k) in keys.enumerated() {
            var i = Self.mix(k) & mask
            while slots[i] != 0 && keys[Int(slots[i]) - 1] != k { i = (i + 1) & mask }
            slots[i] = Int32(r + 1)
        }
        self.slots = slots
        self.mask = mask
    }

    @inline(__always)
    static func mix(_ k: TableKey) -> Int {
        @inline(__always) func step(_ h: UInt64, _ x: UInt64) -> UInt64 {
            let m = (h ^ x) &* 0xBF58_476D_1CE4_E5B9
            return m ^ (m >> 31)
        }
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        h = step(h, k.values.0.bitPattern)
        h = step(h, k.values.1.bitPattern)
        h = step(h, k.values.2.bitPattern)
        h = step(h, k.values.3.bitPattern)
        return Int(truncatingIfNeeded: h)
    }

    /// The row with key `k` (−1 when none); `keys` are the table's row keys.
    @inline(__always)
    func row(_ k: TableKey, keys: UnsafeBufferPointer<TableKey>) -> Int {
        slots.withUnsafeBufferPointer { slots in
            var i = Self.mix(k) & mask
            while true {
                let s = Int(slots[i])
                if s == 0 { return -1 }
                if keys[s - 1] == k { return s - 1 }
                i = (i + 1) & mask
            }
        }
    }
}

/// A parsed, indexed table.
struct DataTable: Sendable {
    enum KeySource: Sendable {
        case constant(Double)
        /// A field's value, optionally mapped (category code → table code), classed, or advanced
        /// by the follow-up year.
        case field(Int, map: [Double: Double]?, classes: ModelDefinition.AgeClasses?, plusYears: Bool)
    }

    let name: String
    let sources: [KeySource]
    let columns: [String: [Double]]
    let index: TableIndex
    /// The key of every table row (to confirm a guessed row without hashing).
    let rowKeys: [TableKey]
    let rowCount: Int

    /// Cell text as a number: a decimal, an ISO3 code (three letters), or an interned string.
    static func encode(_ text: Substring, strings: inout [String: Double]) -> Double {
        if let d = Double(text) { return d }
        if let c = ISO3.code(Array(text.utf8)) { return c }
        if let s = strings[String(text)] { return s }
        let v = -1.0 - Double(strings.count)
        strings[String(text)] = v
        return v
    }

    /// Parsed cells of a table file, shared by the models that use the same file.
    struct Cells: Sendable {
        let header: [String]
        let cells: [[Double]]
        let strings: [String: Double]
        let rows: Int
    }

    /// Parses a CSV table (header, comma-separated, no quoting): numbers with the engine's
    /// decimal reader (or, for exponents such as `1.2e-05`, Swift's), other text as ISO3 codes or
    /// interned strings. A number that is not finite or beyond ±`ModelLoader.Plausibility.tableValue`
    /// is refused. The library's `cache` parses each distinct text once.
    static func cells(_ text: String, file: String, cache: DataTableCache) throws(ModelFileError) -> Cells {
        let key = DataTableCache.TextKey(text)
        if let c = cache.cells(for: key) { return c }
        var bytes = Array(text.utf8)
        if bytes.last != 0x0A { bytes.append(0x0A) }
        var header: [String] = []
        var strings: [String: Double] = [:]
        var cells: [[Double]] = []
        var rows = 0
        var problem: String?
        var implausible: (Double, String)?
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            var lineNo = 0
            while i < b.count {
                var fields: [(Int, Int)] = []
                var start = i
                while i < b.count && b[i] != 0x0A {
                    if b[i] == 0x2C { fields.append((start, i)); start = i + 1 }
                    i += 1
                }
                var end = i
                if end > start && b[end - 1] == 0x0D { end -= 1 }
                fields.append((start, end))
                i += 1
                lineNo += 1
                if fields.count == 1 && fields[0].0 == fields[0].1 { continue }
                if header.isEmpty {
                    header = fields.map { String(decoding: UnsafeBufferPointer(rebasing: b[$0.0..<$0.1]), as: UTF8.self) }
                    cells = Array(repeating: [], count: header.count)
                    continue
                }
                guard fields.count == header.count else {
                    problem = "line \(lineNo) has \(fields.count) fields, the header \(header.count)"
                    return
                }
                for (c, (s, e)) in fields.enumerated() {
                    let cell = UnsafeBufferPointer(rebasing: b[s..<e])
                    if cell.isEmpty || (e - s == 2 && b[s] == 0x4E && b[s + 1] == 0x41) {
                        cells[c].append(.nan)
                    } else if let v = CellReader.parseDecimal(cell) ?? Double(String(decoding: cell, as: UTF8.self)) {
                        guard v.isFinite, abs(v) <= ModelLoader.Plausibility.tableValue else {
                            implausible = (v, "line \(lineNo), column \(header[c])")
                            return
                        }
                        cells[c].append(v)
                    } else {
                        cells[c].append(encode(Substring(String(decoding: cell, as: UTF8.self)), strings: &strings))
                    }
                }
                rows += 1
            }
        }
        if let problem { throw .invalid(file: file, key: "", problem: problem) }
        if let (v, key) = implausible {
            throw .implausibleNumber(file: file, key: key, value: v, limit: ModelLoader.Plausibility.tableValue)
        }
        guard !header.isEmpty else { throw .invalid(file: file, key: "", problem: "the table file is empty") }
        let parsed = Cells(header: header, cells: cells, strings: strings, rows: rows)
        cache.store(parsed, for: key)
        return parsed
    }

    /// Indexes a parsed table by the model's `key`.
    static func parse(
        _ text: String, name: String, key: [ModelDefinition.TableKey], file: String, cache: DataTableCache
    ) throws(ModelFileError) -> DataTable {
        func bad(_ k: String, _ p: String) -> ModelFileError { .invalid(file: file, key: k, problem: p) }
        guard key.count <= 4, !key.isEmpty else { throw bad("tables.\(name).key", "1 to 4 key columns") }
        let parsed = try cells(text, file: file, cache: cache)
        let header = parsed.header
        let cells = parsed.cells
        var strings = parsed.strings
        let rowCount = parsed.rows
        var sources: [KeySource] = []
        var keyColumns: [Int] = []
        for (k, spec) in key.enumerated() {
            let kk = "tables.\(name).key[\(k)]"
            guard let c = header.firstIndex(of: spec.column) else { throw bad(kk + ".column", "no column \(spec.column) in \(file)") }
            keyColumns.append(c)
            if let v = spec.value {
                var code: Double
                switch v {
                case .number(let d): code = d
                case .text(let s): code = encode(Substring(s), strings: &strings)
                }
                sources.append(.constant(code))
            } else if let f = spec.field, let fi = CanonicalSchema.indexByName[f] {
                var map: [Double: Double]?
                if let m = spec.map {
                    guard case .category(let vocab) = CanonicalSchema.fields[fi].kind else {
                        throw bad(kk + ".map", "\(f) is not a category field")
                    }
                    var d: [Double: Double] = [:]
                    for (word, code) in m {
                        guard let i = vocab.index(of: word) else { throw bad(kk + ".map", "\"\(word)\" is not a value of \(f)") }
                        d[Double(i)] = code
                    }
                    map = d
                }
                sources.append(.field(fi, map: map, classes: spec.classes, plusYears: spec.plusYears ?? false))
            } else {
                throw bad(kk, "give a canonical field or a value")
            }
        }
        var rowKeys: [TableKey] = []
        rowKeys.reserveCapacity(rowCount)
        for r in 0..<rowCount {
            var k = TableKey()
            for (j, c) in keyColumns.enumerated() { k[j] = cells[c][r] }
            rowKeys.append(k)
        }
        let index = TableIndex(keys: rowKeys)
        var columns: [String: [Double]] = [:]
        for (c, h) in header.enumerated() { columns[h] = cells[c] }
        return DataTable(name: name, sources: sources, columns: columns, index: index, rowKeys: rowKeys, rowCount: rowCount)
    }

    /// The fields a table key reads.
    var fields: [Int] {
        sources.compactMap { if case .field(let f, _, _, _) = $0 { return f } else { return nil } }
    }

    /// The table row of every input row (−1 where there is none).
    func rows(_ chunk: RecordChunk) -> [Int] { rows(chunk, years: 1) }

    /// The table row of every input row for each follow-up year t in 0..<years (−1 where there
    /// is none), year-major: year t's row of input row r is at t · rows + r. The keys are built
    /// once: year t's key adds t to the parts marked `plusYears`. Tables sorted by year have year
    /// t's row t rows after year 0's, which is tried (and confirmed by its key) before the index.
    func rows(_ chunk: RecordChunk, years: Int) -> [Int] {
        let n = chunk.count
        let years = max(years, 1)
        if n == 0 { return [] }
        var keys = [TableKey](repeating: TableKey(), count: n)
        var ok = [Bool](repeating: true, count: n)
        var plus = (false, false, false, false)
        for (j, source) in sources.enumerated() {
            switch source {
            case .constant(let v):
                for r in 0..<n { keys[r][j] = v }
            case .field(let f, let map, let classes, let plusYears):
                guard let col = chunk.columns[f] else { return [Int](repeating: -1, count: n * years) }
                if plusYears {
                    switch j {
                    case 0: plus.0 = true
                    case 1: plus.1 = true
                    case 2: plus.2 = true
                    default: plus.3 = true
                    }
                }
                // A category map as an array by category code (NaN: not in the map).
                let mapped: [Double]? = map.map { m in
                    var a = [Double](repeating: .nan, count: (m.keys.compactMap { Int(exactly: $0) }.max() ?? -1) + 1)
                    for (k, v) in m { if let i = Int(exactly: k), i >= 0 { a[i] = v } }
                    return a
                }
                col.values.withUnsafeBufferPointer { values in
                    col.states.withUnsafeBufferPointer { states in
                        for r in 0..<n {
                            guard states[r] == .present else { ok[r] = false; continue }
                            var v = values[r]
                            if let mapped {
                                guard v >= 0, v < Double(mapped.count), v == v.rounded(), !mapped[Int(v)].isNaN else { ok[r] = false; continue }
                                v = mapped[Int(v)]
                            }
                            if let c = classes { v = Self.ageClass(v, c) }
                            keys[r][j] = v
                        }
                    }
                }
            }
        }
        let rowCount = self.rowCount
        let index = self.index
        return keys.withUnsafeBufferPointer { keys in
        ok.withUnsafeBufferPointer { ok in
        rowKeys.withUnsafeBufferPointer { rowKeys in
            [Int](unsafeUninitializedCapacity: n * years) { out, count in
                let all = out.baseAddress!
                for r in 0..<n { (all + r).initialize(to: ok[r] ? index.row(keys[r], keys: rowKeys) : -1) }
                for t in 1..<years {
                    let dt = Double(t)
                    for r in 0..<n {
                        var row = -1
                        if ok[r] {
                            var k = keys[r]
                            if plus.0 { k.values.0 += dt }
                            if plus.1 { k.values.1 += dt }
                            if plus.2 { k.values.2 += dt }
                            if plus.3 { k.values.3 += dt }
                            let near = all[r]
                            if near >= 0, near + t < rowCount, rowKeys[near + t] == k {
                                row = near + t
                            } else {
                                row = index.row(k, keys: rowKeys)
                            }
                        }
                        (all + t * n + r).initialize(to: row)
                    }
                }
                count = n * years
            }
        }
        }
        }
    }

    /// floor(x / w) for w ≥ 1 in integers (Swift's `/` truncates toward zero).
    static func floorDivide(_ x: Int, _ w: Int) -> Int {
        x >= 0 ? x / w : -((-x + w - 1) / w)
    }

    /// floor((trunc(x) − start) / width) + first
    static func ageClass(_ x: Double, _ c: ModelDefinition.AgeClasses) -> Double {
        ((x.rounded(.towardZero) - c.start) / c.width).rounded(.down) + c.first
    }
}

/// The parsed data tables of one model library. Keyed by the table's full text, so two different
/// files (even of the same name and size, from two model folders) never share an entry, and one
/// file read by several models (e.g. the three Globorisk models) is parsed once. Owned by the
/// `ModelLibrary` being loaded; there is no process-wide table state.
public final class DataTableCache: @unchecked Sendable {
    private let lock = NSLock()
    private var parsed: [TextKey: DataTable.Cells] = [:]

    /// A table's text as a dictionary key: hashed by a 64-bit digest of its bytes computed once
    /// (a table is megabytes; `String`'s own hash would run SipHash over all of them at every
    /// lookup), equal only when the whole texts are equal.
    struct TextKey: Hashable {
        let text: String
        let digest: UInt64

        init(_ text: String) {
            self.text = text
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(text.utf8.count)
            var text = text
            text.withUTF8 { bytes in
                var i = 0
                while i + 8 <= bytes.count {
                    let word = UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)
                    h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
                    h ^= h >> 31
                    i += 8
                }
                while i < bytes.count {
                    h = (h ^ UInt64(bytes[i])) &* 0x94D0_49BB_1331_11EB
                    i += 1
                }
            }
            digest = h
        }

        func hash(into hasher: inout Hasher) { hasher.combine(digest) }
        static func == (a: TextKey, b: TextKey) -> Bool { a.digest == b.digest && a.text == b.text }
    }

    public init() {}

    func cells(for text: TextKey) -> DataTable.Cells? {
        lock.lock()
        defer { lock.unlock() }
        return parsed[text]
    }

    func store(_ cells: DataTable.Cells, for text: TextKey) {
        lock.lock()
        defer { lock.unlock() }
        parsed[text] = cells
    }

    /// Number of distinct tables parsed.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return parsed.count
    }
}
