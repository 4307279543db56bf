// The model-file format (`riskengine.model/1`): one JSON file per model and version in Models/.
// These types mirror the file one to one; `ModelLoader` validates them and `CompiledModel`
// turns them into what the evaluator runs. See Models/README.md for the format, field by field.

/// A model file as written.
public struct ModelDefinition: Codable, Sendable, Equatable {
    public var format: String
    public var id: String
    public var title: String
    public var version: String
    public var citation: Citation
    public var notes: [String]?
    public var outcomes: [Outcome]
    public var inputs: [Input]
    public var exclusions: [Exclusion]?
    public var features: [Feature]
    public var link: Link
    public var strata: [Stratum]
    public var recalibration: Recalibration?
    public var examples: [Example]

    /// Where the numbers come from.
    public struct Citation: Codable, Sendable, Equatable {
        public var reference: String
        public var doi: String
        /// The table (or section) the coefficients are taken from.
        public var table: String
        /// Other sources consulted to confirm the numbers.
        public var confirmedBy: [String]?

        enum CodingKeys: String, CodingKey {
            case reference, doi, table
            case confirmedBy = "confirmed_by"
        }
    }

    /// A predicted outcome; the output column is `<model id>_<id>_<horizon>y`.
    public struct Outcome: Codable, Sendable, Equatable {
        public var id: String
        public var horizonYears: Int
        public var description: String

        enum CodingKeys: String, CodingKey {
            case id
            case horizonYears = "horizon_years"
            case description
        }
    }

    /// What a row outside an input's range gets.
    public enum OutsidePolicy: String, Codable, Sendable, Equatable {
        /// `out_of_range:<field>`: the equation was not derived for such values.
        case outOfRange = "out_of_range"
        /// `not_applicable:<field>_below_<min>` / `_above_<max>`: the model is not meant for the
        /// person (typically age).
        case notApplicable = "not_applicable"
    }

    /// A required input: a canonical field, its valid range (in the field's canonical unit) or the
    /// category values the model accepts.
    public struct Input: Codable, Sendable, Equatable {
        public var field: String
        public var min: Double?
        public var max: Double?
        public var outside: OutsidePolicy?
        public var values: [String]?
        public var note: String?
    }

    /// A rule that makes the model not applicable to a row: `not_applicable:<reason>`.
    public struct Exclusion: Codable, Sendable, Equatable {
        public var field: String
        /// The row is excluded when the field equals this value (a number for numeric and 0/1
        /// fields, a category value for categories).
        public var equals: ScalarValue
        public var reason: String
        public var note: String?
    }

    /// A term of the linear predictor, computed from inputs or earlier features.
    ///
    /// Kinds (x is the input value in its canonical unit):
    /// - `linear`: (x − center) / scale
    /// - `log`: ln(x · multiplier) − center
    /// - `hinge`: max(x − knot, 0) (`side` "above", the default) or max(knot − x, 0) ("below")
    /// - `indicator`: 1 when the input equals `equals`, else 0
    /// - `product`: the product of the features named in `of`
    public struct Feature: Codable, Sendable, Equatable {
        public var name: String
        public var kind: Kind
        public var input: String?
        public var of: [String]?
        public var multiplier: Double?
        public var center: Double?
        public var scale: Double?
        public var knot: Double?
        public var side: String?
        public var equals: ScalarValue?
        public var note: String?

        public enum Kind: String, Codable, Sendable, Equatable {
            case linear, log, hinge, indicator, product
        }
    }

    /// The link from linear predictor to risk.
    public enum Link: String, Codable, Sendable, Equatable {
        /// risk = 1 − S0^exp(lp − mean_linear_predictor)
        case cox
        /// risk = 1 / (1 + exp(−(intercept + lp)))
        case logistic
    }

    /// A group of rows sharing one set of coefficients (e.g. white women).
    public struct Stratum: Codable, Sendable, Equatable {
        public var id: String
        /// Category field → accepted values. A row belongs to the first stratum it matches.
        public var when: [String: [String]]
        /// Outcome id → its equation in this stratum.
        public var equations: [String: Equation]
    }

    /// Coefficients and baseline of one outcome in one stratum.
    public struct Equation: Codable, Sendable, Equatable {
        /// Feature name → coefficient (features not named have coefficient 0).
        public var coefficients: [String: Double]
        /// Cox: baseline survival at the horizon.
        public var baselineSurvival: Double?
        /// Cox: the mean linear predictor subtracted before exponentiating (0 when centred).
        public var meanLinearPredictor: Double?
        /// Logistic: the intercept.
        public var intercept: Double?

        enum CodingKeys: String, CodingKey {
            case coefficients
            case baselineSurvival = "baseline_survival"
            case meanLinearPredictor = "mean_linear_predictor"
            case intercept
        }
    }

    /// Recalibration of the risk p to a setting: 1 − exp(−exp(scale1 + scale2 · ln(−ln(1 − p))))
    /// (SCORE2's complementary log-log form), with scales per value of a category field and per
    /// stratum.
    public struct Recalibration: Codable, Sendable, Equatable {
        public var kind: String
        /// The category field choosing the scales (e.g. `score2_region`).
        public var by: String
        /// Value of `by` → stratum id → [scale1, scale2].
        public var scales: [String: [String: [Double]]]
        public var source: String
    }

    /// A published worked example the model must reproduce.
    public struct Example: Codable, Sendable, Equatable {
        public var source: String
        public var inputs: [String: ScalarValue]
        /// Output column → expected risk in percent (unrounded, from an implementation that
        /// reproduces the publication).
        public var expected: [String: Double]
        /// What the publication prints, for the record.
        public var published: [String: String]?
        /// Allowed absolute difference in percentage points, with `expected`.
        public var tolerancePP: Double

        enum CodingKeys: String, CodingKey {
            case source, inputs, expected, published
            case tolerancePP = "tolerance_pp"
        }
    }
}

/// A JSON number or string, as written in a model file.
public enum ScalarValue: Codable, Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case text(String)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else {
            self = .text(try c.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let d): try c.encode(d)
        case .text(let s): try c.encode(s)
        }
    }

    /// The value as cell text.
    public var description: String {
        switch self {
        case .number(let d):
            return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .text(let s): return s
        }
    }
}
