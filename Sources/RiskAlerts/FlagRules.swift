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
            throw .unreadable(file: "Models/rules/flags.json", problem: "not embedded in this build")
        }
        return try decode(file.text, file: "Models/rules/flags.json")
    }

    /// Reads and validates a rule file's text.
    public static func decode(_ text: String, file: String) throws(FlagRulesError) -> FlagRules {
        let rules: FlagRules
        do {
            rules = try JSONDecoder().decode(FlagRules.self, from: Data(text.utf8))
        } catch {
            throw .unreadable(file: file, problem: "\(error)")
        }
        guard rules.format == "riskengine.flags/1" else {
            throw .invalid(file: file, key: "format", problem: "expected \"riskengine.flags/1\"")
        }
        let bands = rules.riskBands.bands
        guard let last = bands.last, last.below == nil else {
            throw .invalid(file: file, key: "risk_bands.bands", problem: "the last band must have no upper bound")
        }
        let bounds = bands.dropLast().compactMap(\.below)
        guard bounds.count == bands.count - 1, zip(bounds, bounds.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw .invalid(file: file, key: "risk_bands.bands", problem: "every band but the last needs 'below', increasing")
        }
        return rules
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

/// Problems with a flag rule file.
public enum FlagRulesError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(file: String, problem: String)
    case invalid(file: String, key: String, problem: String)

    public var description: String {
        switch self {
        case .unreadable(let f, let p): return "\(f): \(p)"
        case .invalid(let f, let k, let p): return "\(f): \(k): \(p)"
        }
    }
}
