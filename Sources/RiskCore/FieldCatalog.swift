// The fields a run can read: the canonical schema, then any local columns declared by model
// files (a fitted model's `male`, a local laboratory value). Local fields take the indexes after
// the canonical ones, so canonical indexes never change and a model compiled against the
// canonical catalog runs unchanged in a run whose catalog has local fields.

/// Why local fields cannot be added to a catalog.
public enum FieldCatalogError: Error, Equatable, Sendable {
    /// The name is a canonical field (a model must use the canonical field, in canonical units).
    case canonicalName(String)
    /// The same local column is declared twice with different kinds, units or limits.
    case conflictingDeclarations(String)
    /// Not a valid column name (lower-case letters, digits and `_`, starting with a letter).
    case badName(String)
}

/// Fields by index: the canonical schema first, then local fields.
public struct FieldCatalog: Sendable, Equatable {
    public let fields: [FieldSpec]
    public let indexByName: [String: Int]

    /// The canonical schema alone.
    public static let canonical = FieldCatalog(unchecked: CanonicalSchema.fields)

    private init(unchecked fields: [FieldSpec]) {
        self.fields = fields
        var d: [String: Int] = [:]
        for (i, f) in fields.enumerated() { d[f.name] = i }
        indexByName = d
    }

    /// Local fields (after the canonical ones), in index order.
    public var localFields: ArraySlice<FieldSpec> { fields[CanonicalSchema.fields.count...] }

    /// Whether `index` is a local field.
    public func isLocal(_ index: Int) -> Bool { index >= CanonicalSchema.fields.count }

    /// The spec of a field by name.
    public func spec(_ name: String) -> FieldSpec? { indexByName[name].map { fields[$0] } }

    /// This catalog with `extra` local fields added (sorted by name; one already present with the
    /// same declaration is kept once).
    public func adding(_ extra: [FieldSpec]) throws(FieldCatalogError) -> FieldCatalog {
        var all = fields
        var byName = indexByName
        for f in extra.sorted(by: { $0.name < $1.name }) {
            guard Self.isValidName(f.name) else { throw .badName(f.name) }
            if let i = byName[f.name] {
                if i < CanonicalSchema.fields.count { throw .canonicalName(f.name) }
                if all[i] != f { throw .conflictingDeclarations(f.name) }
                continue
            }
            byName[f.name] = all.count
            all.append(f)
        }
        return FieldCatalog(unchecked: all)
    }

    /// The catalog of a run over models compiled against `catalogs`: the longest, when every
    /// other is a prefix of it (the same field at every index); nil when two disagree.
    public static func merged(_ catalogs: [FieldCatalog]) -> FieldCatalog? {
        guard var best = catalogs.first else { return .canonical }
        for c in catalogs.dropFirst() where c.fields.count > best.fields.count { best = c }
        for c in catalogs where c.fields[...] != best.fields[..<c.fields.count] { return nil }
        return best
    }

    /// Lower-case ASCII letters, digits and `_`, starting with a letter, at most 64 characters.
    public static func isValidName(_ name: String) -> Bool {
        let u = Array(name.utf8)
        guard let first = u.first, (0x61...0x7A).contains(first), u.count <= 64 else { return false }
        return u.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }
}

extension FieldSpec {
    /// A local (non-canonical) field declared by a model file.
    public static func local(name: String, kind: FieldKind, unit: String, plausible: ClosedRange<Double>?, meaning: String) -> FieldSpec {
        FieldSpec(name: name, kind: kind, unit: unit, plausible: plausible, meaning: meaning)
    }
}
