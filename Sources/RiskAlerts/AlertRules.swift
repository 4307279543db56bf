// Individual alert rules as data (README "Alert rules"): a rule file `riskengine.rules/1` lists
// rules, each with a stable id, a level, a condition in the rule language (RuleExpression.swift),
// a reason in English and Vietnamese and the source of its threshold. Named parameters (numbers
// with their source) let a run change a threshold without editing the file
// (`--rule-param cvd_high_risk=10`, `--bp-urgent 200/120`).
//
// The shipped default is Models/rules/vn_default.rules.json (embedded in the binary).
import Foundation
import RiskCore
import RiskModelCatalog
import RiskModels

/// How urgent a rule is.
public enum AlertLevel: String, Sendable, Equatable, CaseIterable, Codable {
    case watch, warning, urgent
}

/// One compiled rule.
public struct AlertRule: Sendable, Equatable {
    public let id: String
    public let level: AlertLevel
    /// The condition as written.
    public let when: String
    public let condition: RuleCondition
    public let reasonEnglish: String
    public let reasonVietnamese: String
    public let source: String
}

/// A compiled rule file.
public struct AlertRules: Sendable, Equatable {
    public static let format = "riskengine.rules/1"
    /// The embedded default file, relative to `Models/`.
    public static let bundledPath = "rules/vn_default.rules.json"
    /// The derived column holding the 10-year risk the risk bands use: per row, that of the first
    /// model of the run (in `--models` order) that has a banded 10-year risk for the row.
    public static let bandRiskColumn = "cvd_risk_10y"

    public let file: String
    public let version: String
    public let rules: [AlertRule]
    /// Parameter values after overrides.
    public let parameters: [String: Double]
    /// The file's text as read (for the run manifest's checksum).
    public let sourceText: String

    /// Every column any rule reads, each once, in order of first use.
    public var columns: [String] {
        var seen: [String] = []
        for r in rules { for c in r.condition.columns where !seen.contains(c) { seen.append(c) } }
        return seen
    }

    /// The canonical input fields the rules read (the run must read them from the input).
    public var canonicalFields: [String] { columns.filter { CanonicalSchema.byName[$0] != nil } }

    /// Whether a text is a valid rule or parameter id: `[A-Za-z0-9_]+`.
    public static func isValidID(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }
    }

    /// Canonical fields a rule may name: numbers, 0/1 flags and codes (categories, dates and
    /// countries are not numbers in the rule language).
    public static var canonicalColumns: [String] {
        CanonicalSchema.fields.compactMap { f in
            switch f.kind {
            case .numeric, .binary, .code: return f.name
            case .category, .iso3, .date: return nil
            }
        }
    }

    /// Every name a rule may use as a column: canonical fields, the numeric output columns of
    /// `models` (normally the whole library, so one rule file serves any choice of models; the
    /// columns of models not run are missing), and `cvd_risk_10y`.
    public static func knownColumns(models: [CompiledModel]) -> Set<String> {
        var s = Set(canonicalColumns)
        for m in models {
            for (c, name) in m.outputColumns.enumerated() where m.outputLabels[c] == nil { s.insert(name) }
        }
        s.insert(bandRiskColumn)
        return s
    }

    /// `knownColumns(models:)` for every model of `library`, from its listing: no model is compiled.
    public static func knownColumns(library: ModelLibrary) -> Set<String> {
        var s = Set(canonicalColumns)
        for e in library.entries { s.formUnion(e.numericOutputColumns) }
        s.insert(bandRiskColumn)
        return s
    }

    /// The embedded default rule file's text.
    public static func bundledText() throws(RuleFileError) -> String {
        guard let f = ModelCatalog.files.first(where: { $0.path == bundledPath }) else {
            throw .unreadable(file: "Models/" + bundledPath, problem: "not embedded in this build")
        }
        return f.text
    }

    /// The embedded default rules.
    public static func bundled(
        columns: Set<String>, overrides: [String: Double] = [:], overridesIfPresent: [String: Double] = [:]
    ) throws(RuleFileError) -> AlertRules {
        try compile(bundledText(), file: "Models/" + bundledPath, columns: columns, overrides: overrides, overridesIfPresent: overridesIfPresent)
    }

    /// Reads, validates and compiles a rule file's text. `columns` are the names a rule may read;
    /// `overrides` replace parameter values (each must name a parameter of the file);
    /// `overridesIfPresent` replace those the file has and are ignored otherwise (`--bp-urgent`).
    public static func compile(
        _ text: String, file: String, columns: Set<String>, overrides: [String: Double] = [:],
        overridesIfPresent: [String: Double] = [:]
    ) throws(RuleFileError) -> AlertRules {
        let raw: RawFile
        do {
            raw = try JSONDecoder().decode(RawFile.self, from: Data(text.utf8))
        } catch let e as DecodingError {
            throw .malformed(file: file, problem: Self.describe(e))
        } catch {
            throw .malformed(file: file, problem: "not JSON")
        }
        guard raw.format == format else { throw .malformed(file: file, problem: "format must be \"\(format)\"") }
        var params: [String: Double] = [:]
        for (name, p) in raw.parameters ?? [:] {
            guard isValidID(name) else { throw .badParameter(file: file, name: name, problem: .badName) }
            guard !columns.contains(name) else { throw .badParameter(file: file, name: name, problem: .shadowsColumn) }
            guard p.value.isFinite else { throw .badParameter(file: file, name: name, problem: .notFinite) }
            params[name] = p.value
        }
        for (name, v) in overridesIfPresent where params[name] != nil {
            guard v.isFinite else { throw .badParameter(file: file, name: name, problem: .notFinite) }
            params[name] = v
        }
        for (name, v) in overrides {
            guard params[name] != nil else { throw .unknownParameter(file: file, name: name) }
            guard v.isFinite else { throw .badParameter(file: file, name: name, problem: .notFinite) }
            params[name] = v
        }
        let resolved = params
        let resolve: (String) -> RuleExpression.Name? = { name in
            if let v = resolved[name] { return .constant(v) }
            return columns.contains(name) ? .column : nil
        }
        var rules: [AlertRule] = []
        var seen = Set<String>()
        for (k, r) in raw.rules.enumerated() {
            guard isValidID(r.id) else { throw .badID(file: file, index: k + 1, id: r.id) }
            guard seen.insert(r.id).inserted else { throw .duplicateID(file: file, rule: r.id) }
            guard let level = AlertLevel(rawValue: r.level) else { throw .badLevel(file: file, rule: r.id, level: r.level) }
            for (key, value) in [("reason.en", r.reason.en), ("reason.vi", r.reason.vi), ("source", r.source)]
            where value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw .missingText(file: file, rule: r.id, key: key)
            }
            let condition: RuleCondition
            do {
                condition = try RuleExpression.compile(r.when, resolve: resolve)
            } catch {
                throw .expression(file: file, rule: r.id, position: error.position, problem: error.problem)
            }
            rules.append(AlertRule(
                id: r.id, level: level, when: r.when, condition: condition,
                reasonEnglish: r.reason.en, reasonVietnamese: r.reason.vi, source: r.source))
        }
        return AlertRules(file: file, version: raw.version, rules: rules, parameters: params, sourceText: text)
    }

    /// Evaluates every rule over a chunk's columns: per rule, per row, whether it fires.
    public func evaluate(rows: Int, columns: [String: [Double]]) -> [[Bool]] {
        rules.map { $0.condition.evaluate(rows: rows, column: { columns[$0] }) }
    }

    /// The values of the columns the rules read, for a scored chunk: canonical fields where
    /// present and plausible (else NaN), model outputs (NaN where not scored), and the band risk.
    /// Columns nobody can fill (a model not in the run, a field absent from the input) are left
    /// out: they are missing for every row.
    public func chunkColumns(chunk: RecordChunk, models: [CompiledModel], scores: [ModelScores]) -> [String: [Double]] {
        var out: [String: [Double]] = [:]
        let n = chunk.count
        for name in columns {
            if let fi = CanonicalSchema.indexByName[name] {
                guard let col = chunk.columns[fi] else { continue }
                let plausible = CanonicalSchema.fields[fi].plausible
                var v = [Double](repeating: .nan, count: n)
                for r in 0..<n where col.states[r] == .present {
                    let x = col.values[r]
                    if plausible?.contains(x) ?? true { v[r] = x }
                }
                out[name] = v
            } else if name == Self.bandRiskColumn {
                var v = [Double](repeating: .nan, count: n)
                for (m, model) in models.enumerated() {
                    guard let b = model.bandColumn, m < scores.count else { continue }
                    let risk = scores[m].risks[b]
                    for r in 0..<n where v[r].isNaN { v[r] = risk[r] }
                }
                out[name] = v
            } else {
                for (m, model) in models.enumerated() where m < scores.count {
                    if let c = model.outputColumns.firstIndex(of: name) { out[name] = scores[m].risks[c]; break }
                }
            }
        }
        return out
    }

    static func describe(_ e: DecodingError) -> String {
        func path(_ c: [CodingKey]) -> String {
            c.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch e {
        case .keyNotFound(let k, let ctx): return "missing key '\(path(ctx.codingPath + [k]))'"
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx): return "wrong type at '\(path(ctx.codingPath))'"
        case .dataCorrupted(let ctx): return ctx.codingPath.isEmpty ? "not JSON" : "bad value at '\(path(ctx.codingPath))'"
        @unknown default: return "not a rule file"
        }
    }

    struct RawFile: Decodable {
        var format: String
        var version: String
        var parameters: [String: RawParameter]?
        var rules: [RawRule]
    }

    struct RawParameter: Decodable {
        var value: Double
        var source: String?
    }

    struct RawRule: Decodable {
        var id: String
        var level: String
        var when: String
        var reason: RawReason
        var source: String
    }

    struct RawReason: Decodable {
        var en: String
        var vi: String
    }
}

/// Problems with a rule file; each names the rule (or parameter) and the problem. Rendered at
/// the edge; the CLI exits 78.
public enum RuleFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum ParameterProblem: Sendable, Equatable {
        case badName, shadowsColumn, notFinite
    }

    case unreadable(file: String, problem: String)
    /// Not JSON, a missing or mistyped key, or another format.
    case malformed(file: String, problem: String)
    /// An id that is not `[A-Za-z0-9_]+` (`index` is the rule's 1-based place in the file).
    case badID(file: String, index: Int, id: String)
    case duplicateID(file: String, rule: String)
    case badLevel(file: String, rule: String, level: String)
    case missingText(file: String, rule: String, key: String)
    /// The condition does not compile: 1-based character position in `when` and the problem.
    case expression(file: String, rule: String, position: Int, problem: RuleExpressionProblem)
    case badParameter(file: String, name: String, problem: ParameterProblem)
    /// An override (`--rule-param`, `--bp-urgent`) for a parameter the file does not have.
    case unknownParameter(file: String, name: String)

    public var description: String {
        switch self {
        case .unreadable(let f, let p): return "\(f): \(p)"
        case .malformed(let f, let p): return "\(f): \(p)"
        case .badID(let f, let i, let id):
            return "\(f): rule \(i): bad id \(Self.quoted(id)) (letters, digits and _ only)"
        case .duplicateID(let f, let r): return "\(f): rule \(r): duplicate id"
        case .badLevel(let f, let r, let l):
            return "\(f): rule \(r): bad level \(Self.quoted(l)) (watch, warning or urgent)"
        case .missingText(let f, let r, let k): return "\(f): rule \(r): \(k) is empty"
        case .expression(let f, let r, let p, let problem): return "\(f): rule \(r): 'when' at character \(p): \(problem)"
        case .badParameter(let f, let n, let p):
            let what: String
            switch p {
            case .badName: what = "bad name (letters, digits and _ only)"
            case .shadowsColumn: what = "has the name of a column"
            case .notFinite: what = "value is not a finite number"
            }
            return "\(f): parameter \(Self.quoted(n)): \(what)"
        case .unknownParameter(let f, let n): return "\(f): no parameter \(Self.quoted(n)) to set"
        }
    }

    /// A short, printable rendering of text from the file (control characters escaped, at most
    /// 40 characters).
    static func quoted(_ s: String) -> String {
        var t = ""
        for u in s.unicodeScalars.prefix(40) {
            t += u.value < 0x20 || u.value == 0x7F ? "\\u{\(String(u.value, radix: 16))}" : String(u)
        }
        return "'" + t + (s.unicodeScalars.count > 40 ? "…" : "") + "'"
    }
}
