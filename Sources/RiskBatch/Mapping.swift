// Mapping files (`riskengine.mapping/1`): how a real export's columns become canonical fields —
// source header spellings (matched after folding case, spaces and Vietnamese diacritics), the
// source unit (converted with the stated factors of `Units`), code lists (e.g. sex 1/2, smoking
// answers in Vietnamese and English) and which columns identify a person.
import Foundation
import RiskCore
import RiskModelCatalog

/// A mapping file as written.
public struct MappingDefinition: Codable, Sendable, Equatable {
    public var format: String
    public var id: String
    public var version: String
    public var description: String
    public var columns: [Column]

    public struct Column: Codable, Sendable, Equatable {
        /// Header spellings that mean this column.
        public var source: [String]
        /// The canonical field (or `id`); absent for columns that are only marked identifying.
        public var field: String?
        /// The unit of the source values (converted into the field's canonical unit).
        public var unit: String?
        /// Source value (folded) → canonical value.
        public var codes: [String: String]?
        /// A name, ID number, insurance number, address or birth date: never logged, dropped by
        /// `--pseudonymise`.
        public var identifying: Bool?
        public var note: String?
    }
}

/// Problems with a mapping file.
public enum MappingError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotRead(file: String, problem: FileProblem)
    case malformed(file: String, problem: JSONProblem)
    case invalid(file: String, key: String, problem: String)
    case unknownMapping(id: String, known: [String])

    public var description: String {
        switch self {
        case .cannotRead(let f, let p): return "cannot read the mapping file \(f): \(p); check the path given to --mapping"
        case .malformed(let f, let p): return "mapping file \(f): \(p); fix the JSON of the mapping file"
        case .invalid(let f, let k, let p): return "mapping file \(f): key path \(k): \(p)"
        case .unknownMapping(let id, let known): return "unknown mapping '\(id)'; built-in mappings: \(known.joined(separator: ", "))"
        }
    }
}

/// A validated mapping: folded header → rule.
public struct Mapping: Sendable {
    public struct Rule: Sendable {
        public let field: String?
        public let conversion: UnitConversion?
        /// Folded source value → canonical text.
        public let codes: [String: String]?
        public let identifying: Bool
    }

    public let id: String
    public let version: String
    public let file: String
    /// SHA-256-free identity for the manifest: the file's text.
    public let text: String
    let rules: [String: Rule]

    /// The rule for a header, if the mapping names it.
    public func rule(forHeader header: String) -> Rule? { rules[TextFolding.fold(header)] }

    /// Decodes and validates a mapping file's text.
    public static func decode(_ text: String, file: String) throws(MappingError) -> Mapping {
        let d: MappingDefinition
        do {
            d = try JSONDecoder().decode(MappingDefinition.self, from: Data(text.utf8))
        } catch {
            throw .malformed(file: file, problem: JSONProblem(error))
        }
        guard d.format == "riskengine.mapping/1" else { throw .invalid(file: file, key: "format", problem: "expected \"riskengine.mapping/1\"") }
        var rules: [String: Rule] = [:]
        for (i, c) in d.columns.enumerated() {
            let key = "columns[\(i)]"
            if let f = c.field, f != "id", CanonicalSchema.byName[f] == nil {
                throw .invalid(file: file, key: key + ".field", problem: "unknown canonical field \"\(f)\"")
            }
            var conversion: UnitConversion?
            if let unit = c.unit {
                guard let f = c.field else { throw .invalid(file: file, key: key + ".unit", problem: "a unit needs a field") }
                switch Units.conversion(field: f, unit: unit) {
                case .success(let conv): conversion = conv
                case .failure(let e):
                    throw .invalid(file: file, key: key + ".unit", problem: "\(f) cannot be converted from \(unit); known units: \(e.known.joined(separator: ", "))")
                }
            }
            var codes: [String: String]?
            if let raw = c.codes {
                var folded: [String: String] = [:]
                for (k, v) in raw { folded[TextFolding.fold(k)] = v }
                codes = folded
            }
            let rule = Rule(field: c.field, conversion: conversion, codes: codes, identifying: c.identifying ?? false)
            guard !c.source.isEmpty else { throw .invalid(file: file, key: key + ".source", problem: "at least one header spelling") }
            for s in c.source {
                let k = TextFolding.fold(s)
                if rules[k] != nil { throw .invalid(file: file, key: key + ".source", problem: "\"\(s)\" is listed twice") }
                rules[k] = rule
            }
        }
        return Mapping(id: d.id, version: d.version, file: file, text: text, rules: rules)
    }

    /// The built-in mappings (Models/mappings/*.json).
    public static func builtIn() -> [String: (path: String, text: String)] {
        var out: [String: (String, String)] = [:]
        for f in ModelCatalog.files where f.path.hasPrefix("mappings/") && f.path.hasSuffix(".json") {
            let id = String(f.path.dropFirst("mappings/".count).dropLast(".json".count))
            out[id] = ("Models/" + f.path, f.text)
        }
        return out
    }

    /// A built-in mapping by id, or a mapping file by path.
    public static func load(_ nameOrPath: String) throws(MappingError) -> Mapping {
        let builtIns = builtIn()
        if let b = builtIns[nameOrPath] { return try decode(b.text, file: b.path) }
        guard FileManager.default.fileExists(atPath: nameOrPath) else {
            throw .unknownMapping(id: nameOrPath, known: builtIns.keys.sorted())
        }
        let text: String
        do { text = try TextFile.read(nameOrPath) } catch { throw .cannotRead(file: nameOrPath, problem: error) }
        return try decode(text, file: nameOrPath)
    }
}
