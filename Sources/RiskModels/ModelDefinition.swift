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
    /// Input columns that are not canonical fields (a fitted model's `male`, a local laboratory
    /// value): read by name, like canonical fields, in the unit declared here.
    public var columns: [LocalColumn]?
    public var inputs: [Input]
    public var exclusions: [Exclusion]?
    public var features: [Feature]
    public var link: Link
    public var strata: [Stratum]
    public var recalibration: Recalibration?
    /// Data tables the model reads (CSV files beside the model files), by name.
    public var tables: [String: TableDefinition]?
    /// With the `annual_hazard` link: how the yearly baseline rates are found.
    public var annualHazard: AnnualHazard?
    public var examples: [Example]
    /// Why a file has no worked examples (required when `examples` is empty).
    public var examplesNoneReason: String?

    enum CodingKeys: String, CodingKey {
        case format, id, title, version, citation, notes, outcomes, columns, inputs, exclusions, features, link
        case strata, recalibration, tables
        case annualHazard = "annual_hazard"
        case examples
        case examplesNoneReason = "examples_none_reason"
    }

    /// A non-canonical input column. `kind`: `numeric` (a decimal number in `unit`), `binary` (0 or 1)
    /// or `code` (a whole number from `min` to `max`, e.g. a stratum code). `min`/`max` of a
    /// numeric column are its plausibility limits (outside: `out_of_range:<name>` for every model
    /// of the run); a model's valid range goes in its `inputs` entry as for canonical fields.
    public struct LocalColumn: Codable, Sendable, Equatable {
        public var name: String
        public var kind: String
        public var unit: String?
        public var min: Double?
        public var max: Double?
        public var meaning: String
    }

    /// A CSV table and how a row's key is formed from its fields.
    public struct TableDefinition: Codable, Sendable, Equatable {
        /// Path relative to Models/ (e.g. `tables/globorisk_base_rates.csv`).
        public var file: String
        public var key: [TableKey]
        public var source: String?
    }

    /// One key column of a table: from a field (a category mapped to the table's codes, an
    /// ISO3 code, a number, a number in age classes, or a year advanced by the follow-up year),
    /// or a constant.
    public struct TableKey: Codable, Sendable, Equatable {
        public var column: String
        public var field: String?
        public var value: ScalarValue?
        /// Category value → the table's code (e.g. {"male": 0, "female": 1}).
        public var map: [String: Double]?
        public var classes: AgeClasses?
        /// The key is field + t for follow-up year t (annual_hazard rate tables).
        public var plusYears: Bool?

        enum CodingKeys: String, CodingKey {
            case column, field, value, map, classes
            case plusYears = "plus_years"
        }
    }

    /// Age classes: class = floor((trunc(x) − start) / width) + first.
    public struct AgeClasses: Codable, Sendable, Equatable {
        public var start: Double
        public var width: Double
        public var first: Double
    }

    /// risk = 1 − exp(−Σ_{t<years} rate_t · exp(lp_main + (trunc(age) + t) · lp_time_varying)),
    /// rate_t from `table`, column `column_prefix` + the age class of trunc(age) + t.
    public struct AnnualHazard: Codable, Sendable, Equatable {
        public var years: Int
        public var table: String
        public var columnPrefix: String
        public var ageClasses: AgeClasses
        public var source: String?

        enum CodingKeys: String, CodingKey {
            case years, table
            case columnPrefix = "column_prefix"
            case ageClasses = "age_classes"
            case source
        }
    }

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

    /// A predicted outcome; the output column is `<model id>_<id>_<horizon>y` unless `column`
    /// names it.
    public struct Outcome: Codable, Sendable, Equatable {
        public var id: String
        public var horizonYears: Int?
        public var description: String
        /// Explicit output column name.
        public var column: String?
        /// `percent` (default: risk × 100) or `value` (written as computed, in `unit`).
        public var scale: OutputScale?
        public var unit: String?
        /// Decimals for this column (default: the run's `--digits`).
        public var digits: Int?
        /// This outcome is 1 − Π(1 − p) of other outcomes (after their recalibration).
        public var combine: Combine?
        /// This outcome is looked up from another outcome's value.
        public var lookup: Lookup?
        /// false: computed (e.g. a component of a combination) but not written.
        public var output: Bool?
        /// false: no WHO-style risk-band flag for this outcome.
        public var riskBands: Bool?
        /// The outcome applies only where these numeric fields are in range (inclusive); elsewhere
        /// its cell is empty and the status notes `not_applicable_<horizon>y:<field>_above_<max>`.
        public var when: [String: Range]?
        public var note: String?

        public struct Range: Codable, Sendable, Equatable {
            public var min: Double?
            public var max: Double?
        }

        enum CodingKeys: String, CodingKey {
            case id
            case horizonYears = "horizon_years"
            case description, column, scale, unit, digits, combine, lookup, output
            case riskBands = "risk_bands"
            case when, note
        }
    }

    public enum OutputScale: String, Codable, Sendable, Equatable {
        case percent, value
    }

    public struct Combine: Codable, Sendable, Equatable {
        public var anyOf: [String]
        enum CodingKeys: String, CodingKey { case anyOf = "any_of" }
    }

    /// Bands of another outcome's value: the first band whose `below` exceeds it (the last band
    /// is open) gives `value`, or its `label` when `write` is `label`.
    public struct Lookup: Codable, Sendable, Equatable {
        public var of: String
        public var bands: [LookupBand]
        public var write: String?
    }

    public struct LookupBand: Codable, Sendable, Equatable {
        public var below: Double?
        public var value: Double?
        public var label: String?
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
        /// Inclusive upper limit.
        public var max: Double?
        /// Exclusive upper limit (e.g. age below 75 for a chart whose last band is 70–74).
        public var below: Double?
        public var outside: OutsidePolicy?
        /// Accepted values: category words, or numbers for 0/1 and code fields.
        public var values: [ScalarValue]?
        /// Truncate to a whole number before range checks and features (e.g. QRISK3's C code
        /// takes age in completed years).
        public var floor: Bool?
        /// A missing optional input does not stop scoring: features computed from it are 0 and
        /// its `missing_indicator` feature is 1; the status notes `missing_optional:<field>`.
        public var optional: Bool?
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

    /// A term of the linear predictor, computed from inputs or earlier features. The record holds
    /// the keys of every kind; each kind (`FeatureKinds`, Models/README.md "Feature kinds") reads
    /// and validates its own.
    public struct Feature: Codable, Sendable, Equatable {
        public var name: String
        /// The kind's name (`linear`, `log`, `power`, `hinge`, `indicator`, `missing_indicator`,
        /// `points`, `ratio`, `sum`, `product`).
        public var kind: String
        public var input: String?
        public var of: [String]?
        public var multiplier: Double?
        public var center: Double?
        public var scale: Double?
        public var knot: Double?
        public var side: String?
        public var equals: ScalarValue?
        public var exponent: Double?
        /// With `power`: multiply by ln(x · multiplier) (the fractional-polynomial repeated power).
        public var timesLog: Bool?
        public var log: Bool?
        /// With `ratio`: numerator / denominator (inputs), and an optional valid range of the
        /// ratio whose violation gives `out_of_range:<range_label>`.
        public var numerator: String?
        public var denominator: String?
        public var min: Double?
        public var max: Double?
        public var rangeLabel: String?
        /// With `sum`: weights of the features in `of` (default 1 each).
        public var weights: [Double]?
        /// With `linear`: x / scale − table[column] at the row's key (e.g. country means).
        public var centerFrom: CenterFrom?

        public struct CenterFrom: Codable, Sendable, Equatable {
            public var table: String
            public var column: String
        }
        public var bands: [PointsBand]?
        public var note: String?

        enum CodingKeys: String, CodingKey {
            case name, kind, input, of, multiplier, center, scale, knot, side, equals, exponent
            case timesLog = "times_log"
            case log, bands, note, numerator, denominator, min, max
            case rangeLabel = "range_label"
            case weights
            case centerFrom = "center_from"
        }
    }

    /// One row of a points table.
    public struct PointsBand: Codable, Sendable, Equatable {
        /// x < below
        public var below: Double?
        /// x ≤ at_most
        public var atMost: Double?
        /// x = equals
        public var equals: Double?
        public var points: Double

        enum CodingKeys: String, CodingKey {
            case below
            case atMost = "at_most"
            case equals, points
        }
    }

    /// The link from linear predictor to risk.
    public enum Link: String, Codable, Sendable, Equatable {
        /// risk = 1 − S0^exp(lp − mean_linear_predictor)
        case cox
        /// risk = 1 / (1 + exp(−(intercept + lp)))
        case logistic
        /// value = exp(intercept + lp) (a log-linear equation, e.g. eGFR)
        case exp
        /// value = intercept + lp (e.g. a points sum)
        case identity
        /// yearly hazards from a rate table (see `AnnualHazard`)
        case annualHazard = "annual_hazard"
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
        /// Logistic, exp and identity links: the intercept (default 0 for exp and identity).
        public var intercept: Double?
        /// annual_hazard: coefficients multiplied by the attained age (trunc(age) + t).
        public var timeVarying: [String: Double]?

        enum CodingKeys: String, CodingKey {
            case timeVarying = "time_varying"
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
        /// Value of `by` → stratum id → [scale1, scale2] (all outcomes), or → outcome id →
        /// [scale1, scale2] (per outcome).
        public var scales: [String: [String: ScalePair]]
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

/// Recalibration scales for a stratum: one pair for every outcome, or a pair per outcome.
public enum ScalePair: Codable, Sendable, Equatable {
    case all([Double])
    case perOutcome([String: [Double]])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let a = try? c.decode([Double].self) {
            self = .all(a)
        } else {
            self = .perOutcome(try c.decode([String: [Double]].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .all(let a): try c.encode(a)
        case .perOutcome(let d): try c.encode(d)
        }
    }

    /// The pair for an outcome.
    public func pair(for outcome: String) -> [Double]? {
        switch self {
        case .all(let a): return a
        case .perOutcome(let d): return d[outcome]
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
