import RiskCore

/// Boxes a fallback model (a struct cannot hold itself).
public final class FallbackModel: Sendable {
    public let model: CompiledModel
    public var id: String { model.id }
    init(_ model: CompiledModel) { self.model = model }
}

/// A validated model, ready for the evaluator: inputs resolved to canonical fields, features in
/// dependency order with cache keys, coefficients as a p × (equations · strata) matrix.
public struct CompiledModel: Sendable {
    public let definition: ModelDefinition
    /// The fields it was compiled against: canonical, then the local columns of its library
    /// (field indexes in the compiled model refer to this catalog).
    public let fields: FieldCatalog
    /// The file it came from (path relative to Models/, or the path given).
    public let file: String
    /// The file's text as loaded (for checksums in run manifests); nil when compiled from a value.
    public internal(set) var sourceText: String?
    public var id: String { definition.id }
    /// Written output columns, in outcome order (outcomes with `output: false` are left out).
    public let outputColumns: [String]
    /// Per written column: its decimals (nil: the run's), labels (nil: a number) and whether the
    /// risk-band flags apply to it.
    public let outputDigits: [Int?]
    public let outputLabels: [[String]?]
    /// The written column the risk-band flags apply to: the first 10-year percent outcome.
    public private(set) var bandColumn: Int?
    /// The status column.
    public var statusColumn: String { id + "_status" }

    struct InputRule: Sendable {
        let name: String
        let field: Int
        let spec: FieldSpec
        let min: Double?
        let max: Double?
        let below: Double?
        let outside: ModelDefinition.OutsidePolicy
        /// Allowed category codes (bit set); nil = all.
        let allowedCodes: UInt64?
        /// Allowed numeric values (0/1 and code fields); nil = all.
        let allowedNumbers: [Double]?
        let belowReason: Int?
        let aboveReason: Int?
        let optional: Bool
        let floor: Bool
    }

    /// A valid range on a ratio of two inputs (e.g. QRISK3's cholesterol/HDL 1-12): outside it
    /// the row is `out_of_range:<label>`.
    struct RatioCheck: Sendable {
        let numerator: Int
        let denominator: Int
        let multiplier: Double
        let min: Double?
        let max: Double?
        let label: String
    }

    struct ExclusionRule: Sendable {
        let field: Int
        let value: Double
        let reason: Int
    }

    struct FeatureStep: Sendable {
        let name: String
        /// The compiled kind: computes the feature's column.
        let kind: any FeatureKind
        /// Identifies the computation across models so identical features are computed once.
        let key: String
        /// When set, rows where this optional input is missing get 0.
        let zeroWhenMissing: Int?
    }

    struct StratumRule: Sendable {
        /// (field, allowed codes bit set)
        let conditions: [(field: Int, codes: UInt64)]
    }

    enum OutcomeKind: Sendable {
        /// Computed by the link from equation column block `equation`.
        case equation(Int)
        /// 1 − Π(1 − p) of these outcome indexes.
        case combine([Int])
        /// Bands of another outcome's written value.
        case lookup(source: Int, bounds: [Double], values: [Double], labels: [String]?)
    }

    struct OutcomeRule: Sendable {
        let id: String
        let kind: OutcomeKind
        let percent: Bool
        let written: Bool
        /// Where the outcome applies: (field, min, max, note index) — outside, the cell is empty
        /// and the row's status carries the note.
        var conditions: [(field: Int, min: Double?, max: Double?, belowNote: Int, aboveNote: Int)] = []
    }

    /// Notes an outcome's `when` can add to a status (e.g. `not_applicable_30y:age_above_59`).
    var outcomeNotes: [String] = []

    let inputs: [InputRule]
    let exclusions: [ExclusionRule]
    let reasons: [String]
    let features: [FeatureStep]
    let strata: [StratumRule]
    var outcomes: [OutcomeRule]
    /// Number of outcomes with equations.
    let equationCount: Int
    /// Coefficients, p × (equations · strata), column = equation · strataCount + stratum.
    let coefficients: [Double]
    /// Per column: ln S0 (Cox), the mean linear predictor, and the intercept.
    let baselineLogSurvival: [Double]
    let meanLinearPredictor: [Double]
    let intercepts: [Double]
    /// Recalibration: field index, and per category code → per stratum → per equation
    /// (scale1, scale2).
    let recalibrationField: Int?
    let recalibrationScales: [[[(Double, Double)]]?]
    let noStratumReason: Int
    let noRecalibrationReason: Int
    /// A model that scores the rows this one reports `missing:` for (run option, e.g. WHO
    /// laboratory → non-laboratory when cholesterol is absent); same output shape.
    public private(set) var fallback: FallbackModel?

    /// Returns this model with a fallback; fails unless the outputs have the same shape.
    public func withFallback(_ other: CompiledModel) -> CompiledModel? {
        guard other.outputColumns.count == outputColumns.count, other.outputLabels.map({ $0 == nil }) == outputLabels.map({ $0 == nil }),
            other.id != id
        else { return nil }
        var m = self
        m.fallback = FallbackModel(other)
        return m
    }

    /// For chart files: the lookup table that gives the (single) outcome.
    private(set) var chart: ChartTable?

    func withChart(_ table: ChartTable) -> CompiledModel {
        var m = self
        m.chart = table
        // Chart cells are percentages already (written as they are), so the risk bands apply.
        if definition.outcomes.first?.horizonYears == 10, definition.outcomes.first?.riskBands ?? true { m.bandColumn = 0 }
        return m
    }

    let ratioChecks: [RatioCheck]
    /// Data tables, by name, and the `not_applicable` reason when a row has no entry in one.
    let tables: [String: DataTable]
    let tableReasons: [String: Int]
    /// annual_hazard: coefficients multiplied by attained age, p × (equations · strata).
    let timeVaryingCoefficients: [Double]
    let hazard: HazardRule?

    struct HazardRule: Sendable {
        let table: String
        let years: Int
        let ageField: Int
        let classes: ModelDefinition.AgeClasses
        /// Rate columns by age class: class `firstClass + i` is `rates[i]` (nil: no such column).
        let firstClass: Int
        let rates: [[Double]?]
        /// The same rates in one array for the evaluator's row loop: class `firstClass + i`, table
        /// row k is `flatRates[i * rateRows + k]` (NaN where the class has no column).
        let flatRates: [Double]
        let rateRows: Int

        init(table: String, years: Int, ageField: Int, classes: ModelDefinition.AgeClasses, rates byClass: [Int: [Double]]) {
            self.table = table
            self.years = years
            self.ageField = ageField
            self.classes = classes
            let lo = byClass.keys.min() ?? 0, hi = byClass.keys.max() ?? -1
            firstClass = lo
            rates = hi < lo ? [] : (lo...hi).map { byClass[$0] }
            let rowCount = byClass.values.map(\.count).max() ?? 0
            rateRows = rowCount
            var flat = [Double](repeating: .nan, count: rates.count * rowCount)
            for (i, column) in rates.enumerated() {
                guard let column else { continue }
                for (k, v) in column.enumerated() { flat[i * rowCount + k] = v }
            }
            flatRates = flat
        }

    }

    /// The names a status may list: the inputs in input order, then the ratio range labels.
    public var inputNames: [String] { inputs.map(\.name) + ratioChecks.map(\.label) }
    /// Whether any input is truncated to whole numbers.
    var hasFlooredInputs: Bool { inputs.contains(where: \.floor) }
    /// The reasons `not_applicable` may carry.
    public var notApplicableReasons: [String] { reasons }
    /// Fields (canonical or local) the model reads.
    public var requiredFields: [String] {
        var names = inputs.map(\.name)
        for e in exclusions { names.append(fields.fields[e.field].name) }
        if let r = recalibrationField { names.append(fields.fields[r].name) }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    init(
        definition: ModelDefinition, fields: FieldCatalog, file: String, inputs: [InputRule], exclusions: [ExclusionRule],
        reasons: [String], features: [FeatureStep], strata: [StratumRule], outcomes: [OutcomeRule],
        equationCount: Int, coefficients: [Double], baselineLogSurvival: [Double],
        meanLinearPredictor: [Double], intercepts: [Double], recalibrationField: Int?,
        recalibrationScales: [[[(Double, Double)]]?], noStratumReason: Int, noRecalibrationReason: Int,
        ratioChecks: [RatioCheck], outcomeNotes: [String], tables: [String: DataTable] = [:],
        tableReasons: [String: Int] = [:], timeVaryingCoefficients: [Double] = [], hazard: HazardRule? = nil
    ) {
        self.tables = tables
        self.tableReasons = tableReasons
        self.timeVaryingCoefficients = timeVaryingCoefficients
        self.hazard = hazard
        self.ratioChecks = ratioChecks
        self.outcomeNotes = outcomeNotes
        self.definition = definition
        self.fields = fields
        self.file = file
        var columns: [String] = []
        var digits: [Int?] = []
        var labels: [[String]?] = []
        var band: Int?
        for (o, outcome) in definition.outcomes.enumerated() where outcomes[o].written {
            let column = outcome.column ?? "\(definition.id)_\(outcome.id)_\(outcome.horizonYears ?? 0)y"
            if band == nil, outcomes[o].percent, outcome.horizonYears == 10, outcome.riskBands ?? true {
                band = columns.count
            }
            columns.append(column)
            digits.append(outcome.digits)
            if case .lookup(_, _, _, let l) = outcomes[o].kind { labels.append(l) } else { labels.append(nil) }
        }
        self.outputColumns = columns
        self.outputDigits = digits
        self.outputLabels = labels
        self.bandColumn = band
        self.inputs = inputs
        self.exclusions = exclusions
        self.reasons = reasons
        self.features = features
        self.strata = strata
        self.outcomes = outcomes
        self.equationCount = equationCount
        self.coefficients = coefficients
        self.baselineLogSurvival = baselineLogSurvival
        self.meanLinearPredictor = meanLinearPredictor
        self.intercepts = intercepts
        self.recalibrationField = recalibrationField
        self.recalibrationScales = recalibrationScales
        self.noStratumReason = noStratumReason
        self.noRecalibrationReason = noRecalibrationReason
    }

    /// Renders a row status of this model as text.
    public func render(_ status: RowStatus) -> String {
        status.render(inputNames: inputNames, reasons: reasons, outcomeNotes: outcomeNotes, fallbackID: fallback?.id)
    }
}
