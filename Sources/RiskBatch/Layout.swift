import RiskCore

/// How the input's columns are used: canonical fields to parse, the id, and pass-through columns.
/// Built once from the header.
public struct InputLayout: Sendable {
    enum Role: Sendable {
        /// A canonical field the run needs: slot in `fields`.
        case field(slot: Int)
        /// Written to the output as it is: slot in the raw columns (0 is the id when present).
        case raw(slot: Int)
        /// A canonical field no requested model or flag reads.
        case ignored
    }

    /// Header names as written (after BOM and quote removal).
    public let header: [String]
    /// The fields the run can read (canonical, then the local columns of its models).
    public let catalog: FieldCatalog
    let roles: [Role]
    /// Canonical field indexes parsed, by slot.
    let fields: [Int]
    let kinds: [FieldKind]
    /// Per slot, how to read the cell, without reference-counted payloads (hot loop).
    let readers: [SlotReader]
    /// Vocabularies of category slots, indexed by `SlotReader.category`.
    let vocabularies: [Vocabulary]
    /// Whether the input has an `id` column (raw slot 0). Without one, the output id is the row
    /// number (1 = first data row).
    public let hasID: Bool
    /// Names of the pass-through columns, in input order.
    public let passThrough: [String]
    var rawCount: Int { (hasID ? 1 : 0) + passThrough.count }
    /// Canonical fields the run needs that the header lacks.
    public let absentFields: [String]
    /// How the input is written.
    public let dialect: InputDialect
    /// Per field slot: the declared unit conversion, the code list (folded source → canonical
    /// text), and the alternative units to look for when no unit is declared.
    let conversions: [UnitConversion?]
    let codes: [[String: String]?]
    let alternatives: [[UnitConversion]]
    /// Raw slots (id is 0 when present) of columns that identify a person: marked so by the
    /// mapping, or recognised by name (`ColumnPrivacy`).
    public let identifyingRaw: Set<Int>
    /// Raw slots the mapping marks as identifying.
    public let markedIdentifyingRaw: Set<Int>
    /// Header columns (0-based) by role, for `mapping check`: canonical field → column.
    public let fieldColumns: [String: Int]
    /// Folded header names that name the same field twice (mapping ambiguity).
    public let mappingNotes: [String]

    /// Builds the layout; `needed` are canonical field indexes any model or flag reads.
    public init(
        header: [String], needed: Set<Int>, mapping: Mapping? = nil, dialect: InputDialect = .standard, fields catalog: FieldCatalog = .canonical
    ) throws(BatchError) {
        self.header = header
        self.catalog = catalog
        self.dialect = dialect
        var roles: [Role] = []
        var fields: [Int] = []
        var kinds: [FieldKind] = []
        var seen: [Int: Int] = [:]
        var idSeen = false
        var pass: [String] = []
        var conversions: [UnitConversion?] = []
        var codes: [[String: String]?] = []
        var identifying = Set<Int>()
        var marked = Set<Int>()
        var notes: [String] = []
        // What each column is: the mapping's rule, else a canonical name.
        let rules = header.map { mapping?.rule(forHeader: $0) }
        func fieldName(_ c: Int) -> String? {
            if let r = rules[c] { return r.field }
            return Self.normalise(header[c])
        }
        // The id takes raw slot 0 wherever it stands.
        let hasID = header.indices.contains { fieldName($0) == "id" }
        for (c, name) in header.enumerated() {
            let key = fieldName(c)
            let rule = rules[c]
            if key == "id" && !idSeen {
                idSeen = true
                roles.append(.raw(slot: 0))
                identifying.insert(0)
            } else if let key, let fi = catalog.indexByName[key] {
                if let first = seen[fi] {
                    if mapping != nil {
                        notes.append("\(key): columns \(first + 1) and \(c + 1) both map to it; the first is used")
                        roles.append(.ignored)
                        continue
                    }
                    throw .duplicateColumn(name: key, columns: [first + 1, c + 1])
                }
                seen[fi] = c
                if needed.contains(fi) {
                    roles.append(.field(slot: fields.count))
                    fields.append(fi)
                    kinds.append(catalog.fields[fi].kind)
                    conversions.append(rule?.conversion)
                    codes.append(rule?.codes)
                } else {
                    roles.append(.ignored)
                }
            } else {
                let slot = (hasID ? 1 : 0) + pass.count
                roles.append(.raw(slot: slot))
                pass.append(name)
                if rule?.identifying == true { marked.insert(slot) }
                if rule?.identifying == true || ColumnPrivacy.isIdentifying(name) || ColumnPrivacy.isIDLike(name) {
                    identifying.insert(slot)
                }
            }
        }
        if seen.isEmpty && !idSeen {
            throw .noKnownColumn(expected: needed.sorted().map { catalog.fields[$0].name })
        }
        self.conversions = conversions
        self.codes = codes
        self.alternatives = zip(fields, conversions).map { fi, conv in
            conv == nil ? Units.alternatives(catalog.fields[fi].name) : []
        }
        self.identifyingRaw = identifying
        self.markedIdentifyingRaw = marked
        self.mappingNotes = notes
        var fc: [String: Int] = [:]
        for (fi, c) in seen { fc[catalog.fields[fi].name] = c }
        if let i = header.indices.first(where: { fieldName($0) == "id" }) { fc["id"] = i }
        self.fieldColumns = fc
        self.roles = roles
        self.fields = fields
        self.kinds = kinds
        var vocabularies: [Vocabulary] = []
        self.readers = kinds.map { kind in
            switch kind {
            case .numeric: return .numeric
            case .binary: return .binary
            case .code(let r): return .code(Double(r.lowerBound), Double(r.upperBound))
            case .category(let v):
                vocabularies.append(v)
                return .category(vocabularies.count - 1)
            case .iso3: return .iso3
            case .date: return .date
            }
        }
        self.vocabularies = vocabularies
        self.hasID = hasID
        self.passThrough = pass
        self.absentFields = needed.filter { seen[$0] == nil }.sorted().map { catalog.fields[$0].name }
    }

    /// Header matching ignores ASCII case and surrounding spaces.
    static func normalise(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespaces).lowercased()
    }
}

/// How the input CSV is written.
public struct InputDialect: Sendable, Equatable {
    /// `,`, `;` or tab.
    public var delimiter: UInt8
    /// Numbers may use a decimal comma (`5,2`); a dot is always read as a decimal point.
    public var decimalComma: Bool

    public static let standard = InputDialect(delimiter: 0x2C, decimalComma: false)

    public init(delimiter: UInt8, decimalComma: Bool) {
        self.delimiter = delimiter
        self.decimalComma = decimalComma
    }
}

/// The header record of an input: where it ends, its names and the dialect read from it.
public struct InputHeader: Sendable, Equatable {
    /// Header names as written (quotes removed).
    public var names: [String]
    public var dialect: InputDialect
    /// Bytes taken by a BOM, blank lines before the header and the header record.
    public var length: Int
    /// Blank lines skipped before the header.
    public var blankLines: Int

    /// Reads the header from the start of an input (`final`: `bytes` is the whole input). The
    /// delimiter is `,`, `;` or tab, whichever splits the first record into the most fields (ties:
    /// that order), unless given; a `;`-separated file is taken to use decimal commas unless
    /// told. Nil when the bytes hold no complete first record yet, or (when final) none at all.
    public static func read(
        _ bytes: UnsafeBufferPointer<UInt8>, final: Bool, delimiter: UInt8? = nil, decimalComma: Bool? = nil
    ) -> InputHeader? {
        let start = CSV.bomLength(bytes)
        var best: (delimiter: UInt8, record: CSV.Record)?
        for d in delimiter.map({ [$0] }) ?? [CSV.comma, 0x3B, 0x09] {
            guard let r = CSV.record(bytes, from: start, delimiter: d, final: final) else { return nil }
            if best == nil || r.fields.count > best!.record.fields.count { best = (d, r) }
        }
        guard let best else { return nil }
        let dialect = InputDialect(delimiter: best.delimiter, decimalComma: decimalComma ?? (best.delimiter == 0x3B))
        return InputHeader(names: best.record.fields, dialect: dialect, length: best.record.end, blankLines: best.record.blankLinesBefore)
    }

    /// Reads the header of a complete (or leading part of a) file's bytes.
    public static func read(_ bytes: [UInt8], final: Bool = true) -> InputHeader? {
        bytes.withUnsafeBufferPointer { read($0, final: final) }
    }
}

/// How one parsed column's cells are read.
enum SlotReader: Sendable {
    case numeric
    case binary
    case code(Double, Double)
    case category(Int)
    case iso3
    case date
}

/// Run-wide values for canonical fields (`--param key=value`): they fill a field whose column is
/// absent, and the empty cells of a column that is present. A cell with a value always wins.
public struct RunParameters: Sendable {
    public private(set) var values: [Int: CellReader.Cell] = [:]
    public private(set) var text: [String: String] = [:]

    public init() {}

    /// Parses `key=value` pairs, checking the key is a canonical field and the value valid for it.
    public init(_ pairs: [String]) throws(BatchError) {
        for pair in pairs {
            guard let eq = pair.firstIndex(of: "=") else {
                throw .badParameter(key: pair, problem: "expected key=value")
            }
            let key = String(pair[..<eq]).trimmingCharacters(in: .whitespaces)
            let value = String(pair[pair.index(after: eq)...])
            guard let fi = CanonicalSchema.indexByName[key] else {
                throw .badParameter(key: key, problem: "not a canonical field (see SCHEMA in README)")
            }
            let cell = Array(value.utf8).withUnsafeBufferPointer { CellReader.read($0, as: CanonicalSchema.fields[fi].kind) }
            guard cell.state == .present else {
                var problem = "'\(value)' is not a valid value"
                if case .category(let v) = CanonicalSchema.fields[fi].kind {
                    problem += "; expected one of: " + v.values.joined(separator: ", ")
                }
                throw .badParameter(key: key, problem: problem)
            }
            values[fi] = cell
            text[key] = value
        }
    }
}

import Foundation
