// Early-warning flags for one row, from a rule file (Models/rules/flags.json by default):
// the WHO-style risk band of each scored model and an urgent-blood-pressure flag. Thresholds are
// data; the command line can override the blood-pressure threshold.
import Foundation
import RiskCore
import RiskModelCatalog

/// The flag rules of a run.
public struct FlagRules: Codable, Sendable, Equatable {
    public var format: String
    public var version: String
    public var riskBands: RiskBands
    public var bloodPressure: BloodPressure

    public struct RiskBands: Codable, Sendable, Equatable {
        public var source: String
        public var appliesTo: String
        /// Bands in increasing order; a risk falls in the first band whose `below` exceeds it.
        /// The last band has no `below`.
        public var bands: [Band]

        enum CodingKeys: String, CodingKey {
            case source
            case appliesTo = "applies_to"
            case bands
        }
    }

    public struct Band: Codable, Sendable, Equatable {
        public var code: String
        public var below: Double?
    }

    public struct BloodPressure: Codable, Sendable, Equatable {
        public var urgent: UrgentBP
    }

    /// Urgent when SBP ≥ `sbpAtLeast` or DBP ≥ `dbpAtLeast` (either is enough).
    public struct UrgentBP: Codable, Sendable, Equatable {
        public var code: String
        public var sbpAtLeast: Double
        public var dbpAtLeast: Double
        public var source: String

        enum CodingKeys: String, CodingKey {
            case code
            case sbpAtLeast = "sbp_at_least"
            case dbpAtLeast = "dbp_at_least"
            case source
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, version
        case riskBands = "risk_bands"
        case bloodPressure = "blood_pressure"
    }

    /// The rule file shipped in the binary.
    public static func bundled() throws(FlagRulesError) -> FlagRules {
        guard let file = ModelCatalog.files.first(where: { $0.path == "rules/flags.json" }) else {
            throw .cannotRead(file: "Models/rules/flags.json", problem: .system(errno: ENOENT))
        }
        return try decode(file.text, file: "Models/rules/flags.json")
    }

    /// The rule file at `path`, or the built-in one when `path` is nil.
    public static func load(_ path: String?) throws(FlagRulesError) -> FlagRules {
        guard let path else { return try bundled() }
        let text: String
        do { text = try TextFile.read(path) } catch { throw .cannotRead(file: path, problem: error) }
        return try decode(text, file: path)
    }

    /// Whether a flag code is safe to write into the `flags` column: 1–64 ASCII letters, digits
    /// or `_` (no delimiter, separator, quote, colon, space or line break can corrupt the CSV).
    public static func isValidCode(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        return (1...64).contains(bytes.count) && bytes.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
        }
    }

    /// Reads and validates a rule file's text: the format, every code (see `isValidCode`, no
    /// duplicates), risk-band bounds finite, positive and strictly increasing with an open last
    /// band, and blood-pressure thresholds finite, positive and systolic above diastolic.
    public static func decode(_ text: String, file: String) throws(FlagRulesError) -> FlagRules {
        let rules: FlagRules
        do {
            rules = try JSONDecoder().decode(FlagRules.self, from: Data(text.utf8))
        } catch {
            throw .malformed(file: file, problem: JSONProblem(error))
        }
        try rules.validate(file: file)
        return rules
    }

    func validate(file: String) throws(FlagRulesError) {
        func bad(_ key: String, _ problem: FlagRuleProblem) -> FlagRulesError { .invalid(file: file, key: key, problem: problem) }
        guard format == "riskengine.flags/1" else { throw bad("format", .wrongFormat(expected: "riskengine.flags/1")) }
        let bands = riskBands.bands
        guard !bands.isEmpty else { throw bad("risk_bands.bands", .noBands) }
        var seen: Set<String> = []
        var previous: Double?
        for (i, b) in bands.enumerated() {
            let key = "risk_bands.bands[\(i)]"
            guard Self.isValidCode(b.code) else { throw bad(key + ".code", .badCode) }
            guard seen.insert(b.code).inserted else { throw bad(key + ".code", .duplicateCode) }
            let isLast = i == bands.count - 1
            guard let below = b.below else {
                if isLast { continue }
                throw bad(key + ".below", .missingBound)
            }
            if isLast { throw bad(key + ".below", .lastBandBounded) }
            guard below.isFinite else { throw bad(key + ".below", .notFinite) }
            guard below > 0 else { throw bad(key + ".below", .notPositive) }
            if let p = previous, below <= p { throw bad(key + ".below", .notIncreasing) }
            previous = below
        }
        let u = bloodPressure.urgent
        guard Self.isValidCode(u.code) else { throw bad("blood_pressure.urgent.code", .badCode) }
        guard !seen.contains(u.code) else { throw bad("blood_pressure.urgent.code", .duplicateCode) }
        guard u.sbpAtLeast.isFinite else { throw bad("blood_pressure.urgent.sbp_at_least", .notFinite) }
        guard u.sbpAtLeast > 0 else { throw bad("blood_pressure.urgent.sbp_at_least", .notPositive) }
        guard u.dbpAtLeast.isFinite else { throw bad("blood_pressure.urgent.dbp_at_least", .notFinite) }
        guard u.dbpAtLeast > 0 else { throw bad("blood_pressure.urgent.dbp_at_least", .notPositive) }
        guard u.sbpAtLeast > u.dbpAtLeast else { throw bad("blood_pressure.urgent", .systolicNotAboveDiastolic) }
    }

    /// Every flag code a run with these rules can write for `models` (in run order): each
    /// model's band codes as `model:band`, then the blood-pressure code.
    public func codes(models: [String]) -> [String] {
        models.flatMap { m in riskBands.bands.map { "\(m):\($0.code)" } } + [bloodPressure.urgent.code]
    }

    /// The band code of a risk in percent.
    public func band(of risk: Double) -> String {
        for b in riskBands.bands {
            if let below = b.below, risk < below { return b.code }
        }
        return riskBands.bands[riskBands.bands.count - 1].code
    }

    /// The index of the band of a risk (for counting).
    public func bandIndex(of risk: Double) -> Int {
        for (i, b) in riskBands.bands.enumerated() {
            if let below = b.below, risk < below { return i }
        }
        return riskBands.bands.count - 1
    }

    /// Whether a blood pressure is urgent; NaN (missing) values never trigger.
    public func isUrgent(sbp: Double, dbp: Double) -> Bool {
        let u = bloodPressure.urgent
        return sbp >= u.sbpAtLeast || dbp >= u.dbpAtLeast
    }
}

/// What is wrong with a value of a flag rule file.
public enum FlagRuleProblem: Equatable, Sendable, CustomStringConvertible {
    case wrongFormat(expected: String)
    case noBands
    case badCode
    case duplicateCode
    case missingBound
    case lastBandBounded
    case notFinite
    case notPositive
    case notIncreasing
    case systolicNotAboveDiastolic

    public var description: String {
        switch self {
        case .wrongFormat(let f): return "expected \"\(f)\""
        case .noBands: return "at least one band is needed"
        case .badCode: return "a code is 1 to 64 ASCII letters, digits or underscores (no comma, semicolon, colon, quote, space or line break)"
        case .duplicateCode: return "this code is already used by another rule; give each rule its own code"
        case .missingBound: return "every band but the last needs 'below'"
        case .lastBandBounded: return "the last band must have no 'below' (it takes every higher risk)"
        case .notFinite: return "must be a finite number"
        case .notPositive: return "must be greater than 0"
        case .notIncreasing: return "bands must be in increasing order of 'below', without repeats"
        case .systolicNotAboveDiastolic: return "sbp_at_least must be greater than dbp_at_least (are they swapped?)"
        }
    }
}

/// Problems with a flag rule file, naming the file and, where it applies, the key.
public enum FlagRulesError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotRead(file: String, problem: FileProblem)
    case malformed(file: String, problem: JSONProblem)
    case invalid(file: String, key: String, problem: FlagRuleProblem)

    public var description: String {
        switch self {
        case .cannotRead(let f, let p):
            return "cannot read the flag rule file \(f): \(p); check the path given to --flags-rules"
        case .malformed(let f, let p):
            return "flag rule file \(f): \(p); fix the file or leave out --flags-rules to use the built-in rules"
        case .invalid(let f, let k, let p):
            return "flag rule file \(f): key path \(k): \(p)"
        }
    }
}
