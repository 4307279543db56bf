import RiskCore

/// A validated model, ready for the evaluator: inputs resolved to canonical fields, features in
/// dependency order with cache keys, coefficients as a p × (outcomes · strata) matrix.
public struct CompiledModel: Sendable {
    public let definition: ModelDefinition
    /// The file it came from (path relative to Models/, or the path given).
    public let file: String
    public var id: String { definition.id }
    /// Output columns, one per outcome, in outcome order.
    public let outputColumns: [String]
    /// The status column.
    public var statusColumn: String { id + "_status" }

    struct InputRule: Sendable {
        let name: String
        let field: Int
        let spec: FieldSpec
        let min: Double?
        let max: Double?
        let outside: ModelDefinition.OutsidePolicy
        /// Allowed category codes (bit set); nil = all.
        let allowedCodes: UInt64?
        let belowReason: Int?
        let aboveReason: Int?
    }

    struct ExclusionRule: Sendable {
        let field: Int
        let value: Double
        let reason: Int
    }

    struct FeatureStep: Sendable {
        enum Op: Sendable {
            case linear(field: Int, center: Double, scale: Double)
            case log(field: Int, multiplier: Double, center: Double)
            case hinge(field: Int, knot: Double, above: Bool)
            case indicator(field: Int, value: Double)
            case product([Int])
        }
        let name: String
        let op: Op
        /// Identifies the computation across models so identical features are computed once.
        let key: String
    }

    struct StratumRule: Sendable {
        /// (field, allowed codes bit set)
        let conditions: [(field: Int, codes: UInt64)]
    }

    let inputs: [InputRule]
    let exclusions: [ExclusionRule]
    let reasons: [String]
    let features: [FeatureStep]
    let strata: [StratumRule]
    /// Coefficients, p × (outcomes · strata), column = outcome · strataCount + stratum.
    let coefficients: [Double]
    /// Per column: ln S0 (Cox) or intercept (logistic), and the mean linear predictor.
    let baselineLogSurvival: [Double]
    let meanLinearPredictor: [Double]
    let intercepts: [Double]
    /// Recalibration: field index, and per category code → per stratum (scale1, scale2).
    let recalibrationField: Int?
    let recalibrationScales: [[(Double, Double)]?]

    /// The input names in input order (for rendering statuses).
    public var inputNames: [String] { inputs.map(\.name) }
    /// The reasons `not_applicable` may carry.
    public var notApplicableReasons: [String] { reasons }
    /// Canonical fields the model reads.
    public var requiredFields: [String] {
        var names = inputs.map(\.name)
        if let r = recalibrationField { names.append(CanonicalSchema.fields[r].name) }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    init(
        definition: ModelDefinition, file: String, inputs: [InputRule], exclusions: [ExclusionRule],
        reasons: [String], features: [FeatureStep], strata: [StratumRule], coefficients: [Double],
        baselineLogSurvival: [Double], meanLinearPredictor: [Double], intercepts: [Double],
        recalibrationField: Int?, recalibrationScales: [[(Double, Double)]?]
    ) {
        self.definition = definition
        self.file = file
        self.outputColumns = definition.outcomes.map { "\(definition.id)_\($0.id)_\($0.horizonYears)y" }
        self.inputs = inputs
        self.exclusions = exclusions
        self.reasons = reasons
        self.features = features
        self.strata = strata
        self.coefficients = coefficients
        self.baselineLogSurvival = baselineLogSurvival
        self.meanLinearPredictor = meanLinearPredictor
        self.intercepts = intercepts
        self.recalibrationField = recalibrationField
        self.recalibrationScales = recalibrationScales
    }

    /// Renders a row status of this model as text.
    public func render(_ status: RowStatus) -> String {
        status.render(inputNames: inputNames, reasons: reasons)
    }
}
