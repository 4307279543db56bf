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

    /// Builds the layout; `needed` are canonical field indexes any model or flag reads.
    public init(header: [String], needed: Set<Int>) throws(BatchError) {
        self.header = header
        var roles: [Role] = []
        var fields: [Int] = []
        var kinds: [FieldKind] = []
        var seen: [Int: Int] = [:]
        var idSeen = false
        var pass: [String] = []
        // The id takes raw slot 0 wherever it stands.
        let hasID = header.contains { Self.normalise($0) == "id" }
        for (c, name) in header.enumerated() {
            let key = Self.normalise(name)
            if key == "id" && !idSeen {
                idSeen = true
                roles.append(.raw(slot: 0))
            } else if let fi = CanonicalSchema.indexByName[key] {
                if let first = seen[fi] { throw .duplicateColumn(name: key, columns: [first + 1, c + 1]) }
                seen[fi] = c
                if needed.contains(fi) {
                    roles.append(.field(slot: fields.count))
                    fields.append(fi)
                    kinds.append(CanonicalSchema.fields[fi].kind)
                } else {
                    roles.append(.ignored)
                }
            } else {
                roles.append(.raw(slot: (hasID ? 1 : 0) + pass.count))
                pass.append(name)
            }
        }
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
            }
        }
        self.vocabularies = vocabularies
        self.hasID = hasID
        self.passThrough = pass
        self.absentFields = needed.filter { seen[$0] == nil }.sorted().map { CanonicalSchema.fields[$0].name }
    }

    /// Header matching ignores ASCII case and surrounding spaces.
    static func normalise(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespaces).lowercased()
    }
}

/// How one parsed column's cells are read.
enum SlotReader: Sendable {
    case numeric
    case binary
    case code(Double, Double)
    case category(Int)
    case iso3
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
