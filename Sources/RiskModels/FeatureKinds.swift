// Feature kinds: the terms of a model's linear predictor (Models/README.md, "Feature kinds").
// Each kind is one type that decodes its keys from the file's feature record, validates them,
// evaluates a whole column of a chunk at once, and describes itself for `models show`. The
// registry `FeatureKinds.all` is the only list of kinds: the loader, the evaluator and the
// description all go through it.
//
// Accuracy contract: every value is computed in IEEE double precision with libm log/pow, one
// column per call (no per-row dispatch); x is the input in its canonical unit.
import Foundation
import RiskCore

/// What a feature kind may read while it is compiled: the model's inputs, tables and the
/// features defined above it.
struct FeatureContext {
    let definition: ModelDefinition
    let file: String
    /// The fields the model may read (canonical, then its local columns).
    let catalog: FieldCatalog
    /// `features[i]`, for errors.
    let key: String
    let inputFields: Set<Int>
    let optionalFields: Set<Int>
    let tables: [String: DataTable]
    /// Name → index of the features defined above this one, and their cache keys.
    let earlierIndex: [String: Int]
    let earlierKeys: [String]

    func bad(_ suffix: String, _ problem: String) -> ModelFileError {
        .invalid(file: file, key: key + suffix, problem: problem)
    }

    /// The feature's `input`, which must be one of the model's inputs.
    func input(_ f: ModelDefinition.Feature) throws(ModelFileError) -> Int {
        guard let name = f.input else { throw bad(".input", "a \(f.kind) feature needs an input") }
        guard let fi = catalog.indexByName[name], inputFields.contains(fi) else {
            throw bad(".input", "\"\(name)\" must be one of the model's inputs")
        }
        return fi
    }

    /// The feature's `input`, which must be a numeric input.
    func numericInput(_ f: ModelDefinition.Feature) throws(ModelFileError) -> Int {
        let fi = try input(f)
        if case .category = catalog.fields[fi].kind { throw bad(".input", "\(f.kind) needs a numeric input") }
        return fi
    }

    /// A log of the field needs its valid range to start above 0.
    func requirePositive(_ fi: Int) throws(ModelFileError) {
        let spec = catalog.fields[fi]
        let lowest = definition.inputs.first { $0.field == spec.name }?.min ?? spec.plausible?.lowerBound ?? 0
        guard lowest > 0 else {
            throw bad(".input", "a log of \(spec.name) needs a positive lower bound (set inputs[].min)")
        }
    }

    /// A `scale` other than 0 (default 1).
    func scale(_ f: ModelDefinition.Feature) throws(ModelFileError) -> Double {
        let s = f.scale ?? 1
        guard s != 0 else { throw bad(".scale", "must not be 0") }
        return s
    }

    /// A positive `multiplier` (default 1).
    func multiplier(_ f: ModelDefinition.Feature) throws(ModelFileError) -> Double {
        let m = f.multiplier ?? 1
        guard m > 0 else { throw bad(".multiplier", "must be positive") }
        return m
    }

    /// `center` (default 0) and `scale` (default 1, not 0).
    func affine(_ f: ModelDefinition.Feature) throws(ModelFileError) -> Affine {
        Affine(center: f.center ?? 0, scale: try scale(f))
    }

    /// The features named in `of`, each defined above this one.
    func earlier(_ f: ModelDefinition.Feature) throws(ModelFileError) -> [Int] {
        var idx: [Int] = []
        for name in f.of ?? [] {
            guard let j = earlierIndex[name] else { throw bad(".of", "\"\(name)\" is not a feature defined above this one") }
            idx.append(j)
        }
        return idx
    }

    /// A value of a field as the evaluator sees it: a category word as its code, a number as is.
    func code(_ v: ScalarValue, field: Int, key suffix: String) throws(ModelFileError) -> Double {
        try ModelLoader.code(v, spec: catalog.fields[field], file: file, key: key + suffix)
    }
}

/// The columns a feature kind computes from.
struct FeatureColumns {
    let chunk: RecordChunk
    /// Columns of the features above, in order.
    let earlier: [[Double]]
    /// Per table that centres a feature, the table row of every chunk row (−1: none).
    let tableRows: [String: [Int]]
    let tables: [String: DataTable]

    var count: Int { chunk.count }

    /// A field's values (NaN where not present).
    func values(_ field: Int) -> [Double] {
        chunk.columns[field]?.values ?? [Double](repeating: .nan, count: chunk.count)
    }
}

/// One feature kind: decodes and validates its keys, evaluates a column, describes itself.
protocol FeatureKind: Sendable {
    /// The `kind` of the file's feature record.
    static var name: String { get }
    /// Decodes and validates a feature record of this kind.
    static func compile(_ f: ModelDefinition.Feature, _ context: FeatureContext) throws(ModelFileError) -> any FeatureKind
    /// Identifies the computation, so that a feature shared by several models of a run (same
    /// kind, inputs and parameters) is computed once per chunk.
    var cacheKey: String { get }
    /// The input fields the value is computed from (for the whole-number and optional tags).
    var fields: [Int] { get }
    /// Whether rows where the (optional) input is missing get 0 rather than NaN.
    var zeroWhenMissing: Bool { get }
    /// A table whose row every scored row needs (rows without one are not applicable).
    var table: String? { get }
    /// The feature's column for the chunk.
    func evaluate(_ x: FeatureColumns) -> [Double]
    /// The formula as `models show` prints it; `names` are the model's feature names.
    func describe(names: [String], fields catalog: FieldCatalog) -> String
}

extension FeatureKind {
    var zeroWhenMissing: Bool { fields.count == 1 }
    var table: String? { nil }
}

/// The registry of feature kinds, by their `kind` name.
enum FeatureKinds {
    static let all: [any FeatureKind.Type] = [
        LinearFeature.self, LogFeature.self, PowerFeature.self, HingeFeature.self, IndicatorFeature.self,
        MissingIndicatorFeature.self, PointsFeature.self, RatioFeature.self, SumFeature.self, ProductFeature.self,
    ]
    static let byName: [String: any FeatureKind.Type] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}

/// Number text for descriptions: whole numbers without a decimal point.
func describeNumber(_ x: Double) -> String {
    if x == x.rounded() && abs(x) < 1e12 { return String(Int64(x)) }
    return String(x)
}

/// The affine step most kinds end with: (g − center) / scale.
struct Affine: Sendable {
    let center: Double
    let scale: Double

    var isIdentity: Bool { center == 0 && scale == 1 }
    var key: String { "\(center),\(scale)" }

    /// "(desc − center)" and "/ scale" where they are not the identity.
    func describe(_ desc: String) -> String {
        var s = center != 0 ? "(\(desc) − \(describeNumber(center)))" : desc
        if scale != 1 { s += " / \(describeNumber(scale))" }
        return s
    }
}


/// A numeric input times a multiplier (x · m), as power, hinge and log read it.
struct ScaledInput: Sendable {
    let field: Int
    let multiplier: Double

    /// Reads `input` (numeric) and `multiplier` (positive unless `anyMultiplier`); `logOf`: the
    /// kind takes a log of it, so the input's valid range must start above 0.
    init(_ f: ModelDefinition.Feature, _ c: FeatureContext, logOf: Bool, anyMultiplier: Bool = false) throws(ModelFileError) {
        field = try c.numericInput(f)
        multiplier = anyMultiplier ? f.multiplier ?? 1 : try c.multiplier(f)
        if logOf { try c.requirePositive(field) }
    }

    var key: String { "\(field),\(multiplier)" }
    func name(_ catalog: FieldCatalog) -> String { catalog.fields[field].name }
    /// "x × m" (or "x").
    func describe(_ catalog: FieldCatalog) -> String { multiplier == 1 ? name(catalog) : "\(name(catalog)) × \(describeNumber(multiplier))" }
}

/// `linear`: (x − center) / scale; with `center_from`, x / scale − table[column] at the row's key.
struct LinearFeature: FeatureKind {
    static let name = "linear"
    let field: Int
    let affine: Affine
    let centerFrom: (table: String, column: String)?
    let modelID: String

    static func compile(_ f: ModelDefinition.Feature, _ c: FeatureContext) throws(ModelFileError) -> any FeatureKind {
        let fi = try c.numericInput(f)
        var from: (String, String)?
        if let cf = f.centerFrom {
            guard let table = c.tables[cf.table] else { throw c.bad(".center_from.table", "no table \(cf.table) in tables") }
            guard table.columns[cf.column] != nil else { throw c.bad(".center_from.column", "no column \(cf.column) in \(cf.table)") }
            from = (cf.table, cf.column)
        }
        return LinearFeature(field: fi, affine: try c.affine(f), centerFrom: from, modelID: c.definition.id)
    }

    var cacheKey: String {
        if let cf = centerFrom { return "cen(\(modelID),\(field),\(affine.scale),\(cf.table),\(cf.column))" }
        return "lin(\(field),\(affine.key))"
    }
    var fields: [Int] { [field] }
    var table: String? { centerFrom?.table }

    func evaluate(_ x: FeatureColumns) -> [Double] {
        let v = x.values(field)
        if let cf = centerFrom {
            let rows = x.tableRows[cf.table] ?? []
            let means = x.tables[cf.table]?.columns[cf.column] ?? []
            let scale = affine.scale
            return (0..<x.count).map { r in rows.isEmpty || rows[r] < 0 ? .nan : v[r] / scale - means[rows[r]] }
        }
        let (c, s) = (affine.center, affine.scale)
        return affine.isIdentity ? v : v.map { ($0 - c) / s }
    }

    func describe(names: [String], fields catalog: FieldCatalog) -> String {
        if let cf = centerFrom { return "\(catalog.fields[field].name) / \(describeNumber(affine.scale)) − \(cf.table).\(cf.column)" }
        return affine.describe(catalog.fields[field].name)
    }
}

/// `log`: ln(x · multiplier) − center.
struct LogFeature: FeatureKind {
    static let name = "log"
    let input: ScaledInput
    let center: Double

    static func compile(_ f: ModelDefinition.Feature, _ c: FeatureContext) throws(ModelFileError) -> any FeatureKind {
        LogFeature(input: try ScaledInput(f, c, logOf: true), center: f.center ?? 0)
    }

    var cacheKey: String { "log(\(input.key),\(center))" }
    var fields: [Int] { [input.field] }

    func evaluate(_ x: FeatureColumns) -> [Double] {
        let v = x.values(input.field)
        let (m, c) = (input.multiplier, center)
        if m == 1 && c == 0 { return v.map { Foundation.log($0) } }
        return v.map { Foundation.log($0 * m) - c }
    }

    func describe(names: [String], fields catalog: FieldCatalog) -> String {
        var s = "ln(\(input.describe(catalog)))"
        if center != 0 { s += " − \(describeNumber(center))" }
        return s
    }
}

/// `power`: ((x · multiplier)^exponent − center) / scale; exponent 0 is ln; with `times_log`,
/// ((x·m)^exponent · ln(x·m) − center) / scale (fractional polynomials).
struct PowerFeature: FeatureKind {
    static let name = "power"
    let input: ScaledInput
    let exponent: Double
    let affine: Affine
    let timesLog: Bool

    static func compile(_ f: ModelDefinition.Feature, _ c: FeatureContext) throws(ModelFileError) -> any FeatureKind {
        guard let e = f.exponent, e.isFinite else { throw c.bad(".exponent", "a power needs an exponent (0 means ln)") }
        let timesLog = f.timesLog ?? false
        let input = try ScaledInput(f, c, logOf: e <= 0 || timesLog)
        return PowerFeature(input: input, exponent: e, affine: try c.affine(f), timesLog: timesLog)
    }

    var cacheKey: String { "pow(\(input.key),\(exponent),\(affine.key),\(timesLog))" }
    var fields: [Int] { [input.field] }

    func evaluate(_ x: FeatureColumns) -> [Double] {
        let v = x.values(input.field)
        let (m, e, c, s) = (input.multiplier, exponent, affine.center, affine.scale)
        if timesLog {
            return v.map { let y = $0 * m; return ((e == 0 ? Foundation.log(y) : Foundation.pow(y, e)) * Foundation.log(y) - c) / s }
        }
        switch e {
        case 0: return v.map { (Foundation.log($0 * m) - c) / s }
        case 1: return v.map { ($0 * m - c) / s }
        case 2: return v.map { let y = $0 * m; return (y * y - c) / s }
        case -1: return v.map { (1 / ($0 * m) - c) / s }
        case -2: return v.map { let y = $0 * m; return (1 / (y * y) - c) / s }
        case 0.5: return v.map { (($0 * m).squareRoot() - c) / s }
        default: return v.map { (Foundation.pow($0 * m, e) - c) / s }
        }
    }

    func describe(names: [String], fields catalog: FieldCatalog) -> String {
        let x = input.multiplier == 1 ? input.name(catalog) : "(\(input.describe(catalog)))"
        var s = exponent == 0 ? "ln\(x)" : "\(x)^\(describeNumber(exponent))"
        if timesLog { s += " · ln\(x)" }
        return affine.describe(s)
    }
}

/// `hinge`: (max(x·m − knot, 0) − center) / scale, or max(knot − x·m, 0) with `side: below`; with
/// `log: true`, max(ln(x·m/knot), 0) (above) or max(ln(knot/(x·m)), 0) (below).
struct HingeFeature: FeatureKind {
    static let name = "hinge"
    let input: ScaledInput
    let knot: Double
    /// Which side of the knot counts, on the value or on its log.
    let form: Form
    let affine: Affine

    enum Form: String, Sendable {
        case above, below, logAbove, logBelow
    }

    static func compile(_ f: ModelDefinition.Feature, _ c: FeatureContext) throws(ModelFileError) -> any FeatureKind {
        guard let knot = f.knot else { throw c.bad(".knot", "a hinge needs a knot") }
        let side = f.side ?? "above"
        guard side == "above" || side == "below" else { throw c.bad(".side", "must be \"above\" or \"below\"") }
        let isLog = f.log ?? false
        if isLog {
            guard knot > 0, (f.multiplier ?? 1) > 0 else { throw c.bad(".knot", "a log hinge needs a positive knot and multiplier") }
        }
        let form: Form = isLog ? (side == "above" ? .logAbove : .logBelow) : (side == "above" ? .above : .below)
        let input = try ScaledInput(f, c, logOf: isLog, anyMultiplier: !isLog)
        return HingeFeature(input: input, knot: knot, form: form, affine: try c.affine(f))
    }

    var cacheKey: String { "hinge(\(input.key),\(knot),\(form.rawValue),\(affine.key))" }
    var fields: [Int] { [input.field] }

    func evaluate(_ x: FeatureColumns) -> [Double] {
        let v = x.values(input.field)
        let (k, m, c, s) = (knot, input.multiplier, affine.center, affine.scale)
        switch form {
        case .above: return v.map { $0.isNaN ? .nan : (Swift.max($0 * m - k, 0) - c) / s }
        case .below: return v.map { $0.isNaN ? .nan : (Swift.max(k - $0 * m, 0) - c) / s }
        case .logAbove: return v.map { $0.isNaN ? .nan : (Swift.max(Foundation.log($0 * m / k), 0) - c) / s }
        case .logBelow: return v.map { $0.isNaN ? .nan : (Swift.max(Foundation.log(k / ($0 * m)), 0) - c) / s }
        }
    }

    func describe(names: [String], fields catalog: FieldCatalog) -> String {
        let (x, k) = (input.describe(catalog), describeNumber(knot))
        switch form {
        case .above: return affine.describe("max(\(x) − \(k), 0)")
        case .below: return affine.describe("max(\(k) − \(x), 0)")
        case .logAbove: return affine.describe("max(ln(\(x) / \(k)), 0)")
        case .logBelow: return affine.describe("max(ln(\(k) / (\(x))), 0)")
        }
    }
}

/// `indicator`: 1 when the input equals `equals`, else 0.
struct IndicatorFeature: FeatureKind {
    static let name = "indicator"
    let field: Int
    let value: Double
    /// `equals` as written (a category word or a number).
    let written: ScalarValue

    static func compile(_ f: ModelDefinition.Feature, _ c: FeatureContext) throws(ModelFileError) -> any FeatureKind {
        let fi = try c.input(f)
        guard let eq = f.equals else { throw c.bad(".equals", "an indicator needs a value") }
        return IndicatorFeature(field: fi, value: try c.code(eq, field: fi, key: ".equals"), written: eq)
    }

    var cacheKey: String { "ind(\(field),\(value))" }
    var fields: [Int] { [field] }

    func evaluate(_ x: FeatureColumns) -> [Double] {
        x.values(field).map { $0.isNaN ? .nan : ($0 == value ? 1 : 0) }
    }

    func describe(names: [String], fields catalog: FieldCatalog) -> String { "[\(catalog.fields[field].name) = \(written)]" }
}

/// `missing_indicator`: 1 when the optional input is missing, else 0.
struct MissingIndicatorFeature: FeatureKind {
    static let name = "missing_indicator"
    let field: Int

    static func compile(_ f: ModelDefinition.Feature, _ c: FeatureContext) throws(ModelFileError) -> any FeatureKind {
        let fi = try c.input(f)
        guard c.optionalFields.contains(fi) else {
            throw c.bad(".input", "a missing_indicator needs an optional input (inputs[].optional)")
        }
        return MissingIndicatorFeature(field: fi)
    }

    var cacheKey: String { "miss(\(field))" }
    var fields: [Int] { [field] }
    var zeroWhenMissing: Bool { false }

    func evaluate(_ x: FeatureColumns) -> [Double] {
        guard let col = x.chunk.columns[field] else { return [Double](repeating: 1, count: x.count) }
        return col.states.map { $0 == .missing ? 1 : 0 }
    }

    func describe(names: [String], fields catalog: FieldCatalog) -> String { "[\(catalog.fields[field].name) missing]" }
}

/// `points`: points from `bands` (the first band whose `below` exceeds x, whose `at_most` is at
/// least x or whose `equals` is x; a band with none of them matches any x).
struct PointsFeature: FeatureKind {
    static let name = "points"
    let field: Int
    let bands: [ModelDefinition.PointsBand]

    static func compile(_ f: ModelDefinition.Feature, _ c: FeatureContext) throws(ModelFileError) -> any FeatureKind {
        let fi = try c.numericInput(f)
        guard let bands = f.bands, !bands.isEmpty else { throw c.bad(".bands", "a points feature needs bands") }
        for (b, band) in bands.enumerated() where [band.below, band.atMost, band.equals].compactMap({ $0 }).count > 1 {
            throw c.bad(".bands[\(b)]", "give one of below, at_most or equals")
        }
        return PointsFeature(field: fi, bands: bands)
    }

    var cacheKey: String {
        "pts(\(field)," + bands.map { "\($0.below ?? .nan)/\($0.atMost ?? .nan)/\($0.equals ?? .nan)/\($0.points)" }.joined(separator: ";") + ")"
    }
    var fields: [Int] { [field] }

    func evaluate(_ x: FeatureColumns) -> [Double] {
        x.values(field).map { v in
            if v.isNaN { return .nan }
            for b in bands {
                if let eq = b.equals {
                    if v == eq { return b.points }
                } else if let below = b.below {
                    if v < below { return b.points }
                } else if let atMost = b.atMost {
                    if v <= atMost { return b.points }
                } else {
                    return b.points
                }
            }
            return .nan
        }
    }

    func describe(names: [String], fields catalog: FieldCatalog) -> String {
        let text: [String] = bands.map { b in
            let p = describeNumber(b.points)
            if let e = b.equals { return "=\(describeNumber(e)):\(p)" }
            if let below = b.below { return "<\(describeNumber(below)):\(p)" }
            if let atMost = b.atMost { return "≤\(describeNumber(atMost)):\(p)" }
            return "else:\(p)"
        }
        return "points(\(catalog.fields[field].name); " + text.joined(separator: ", ") + ")"
    }
}

/// `ratio`: (numerator / denominator · multiplier − center) / scale, with an optional valid range
/// (`min`, `max`) whose violation gives `out_of_range:<range_label>`.
struct RatioFeature: FeatureKind {
    static let name = "ratio"
    /// Numerator, denominator, multiplier and the valid range.
    let ratio: CompiledModel.RatioCheck
    let affine: Affine

    static func compile(_ f: ModelDefinition.Feature, _ c: FeatureContext) throws(ModelFileError) -> any FeatureKind {
        guard let numName = f.numerator, let denName = f.denominator,
            let num = c.catalog.indexByName[numName], c.inputFields.contains(num),
            let den = c.catalog.indexByName[denName], c.inputFields.contains(den)
        else { throw c.bad("", "a ratio needs numerator and denominator among the model's inputs") }
        if c.optionalFields.contains(num) || c.optionalFields.contains(den) {
            throw c.bad("", "a ratio of optional inputs is not supported")
        }
        let ratio = CompiledModel.RatioCheck(
            numerator: num, denominator: den, multiplier: f.multiplier ?? 1, min: f.min, max: f.max, label: f.rangeLabel ?? f.name)
        return RatioFeature(ratio: ratio, affine: try c.affine(f))
    }

    var cacheKey: String { "ratio(\(ratio.numerator),\(ratio.denominator),\(ratio.multiplier),\(affine.key))" }
    var fields: [Int] { [ratio.numerator, ratio.denominator] }

    /// The row-status check of the valid range, if any.
    var rangeCheck: CompiledModel.RatioCheck? { ratio.min != nil || ratio.max != nil ? ratio : nil }

    func evaluate(_ x: FeatureColumns) -> [Double] {
        let a = x.values(ratio.numerator)
        let b = x.values(ratio.denominator)
        let (m, c, s) = (ratio.multiplier, affine.center, affine.scale)
        return (0..<x.count).map { r in (a[r] / b[r] * m - c) / s }
    }

    func describe(names: [String], fields catalog: FieldCatalog) -> String {
        var s = "\(catalog.fields[ratio.numerator].name) / \(catalog.fields[ratio.denominator].name)"
        if ratio.multiplier != 1 { s = "(\(s)) × \(describeNumber(ratio.multiplier))" }
        s = affine.describe(s)
        if ratio.min != nil || ratio.max != nil {
            s += "  [valid \(describeNumber(ratio.min ?? -.infinity))–\(describeNumber(ratio.max ?? .infinity))]"
        }
        return s
    }
}

/// `sum`: (Σ weights[i] · feature[of[i]] − center) / scale.
struct SumFeature: FeatureKind {
    static let name = "sum"
    let terms: [Int]
    let weights: [Double]
    let affine: Affine
    let termKeys: [String]

    static func compile(_ f: ModelDefinition.Feature, _ c: FeatureContext) throws(ModelFileError) -> any FeatureKind {
        guard let of = f.of, !of.isEmpty else { throw c.bad(".of", "a sum needs features") }
        let weights = f.weights ?? Array(repeating: 1, count: of.count)
        guard weights.count == of.count, weights.allSatisfy(\.isFinite) else {
            throw c.bad(".weights", "needs one finite weight per feature in 'of'")
        }
        let idx = try c.earlier(f)
        return SumFeature(terms: idx, weights: weights, affine: try c.affine(f), termKeys: idx.map { c.earlierKeys[$0] })
    }

    var cacheKey: String {
        "sum(" + zip(termKeys, weights).map { "\($1)*\($0)" }.joined(separator: "+") + ",\(affine.key))"
    }
    var fields: [Int] { [] }

    func evaluate(_ x: FeatureColumns) -> [Double] {
        let n = x.count
        var out = [Double](repeating: 0, count: n)
        for (j, w) in zip(terms, weights) {
            let y = x.earlier[j]
            for r in 0..<n { out[r] += w * y[r] }
        }
        if !affine.isIdentity {
            let (c, s) = (affine.center, affine.scale)
            for r in 0..<n { out[r] = (out[r] - c) / s }
        }
        return out
    }

    func describe(names: [String], fields catalog: FieldCatalog) -> String {
        let s = zip(terms, weights).map { "\(describeNumber($1))·\(names[$0])" }.joined(separator: " + ")
        return affine.describe(s)
    }
}

/// `product`: the product of the features named in `of`.
struct ProductFeature: FeatureKind {
    static let name = "product"
    let factors: [Int]
    let factorKeys: [String]

    static func compile(_ f: ModelDefinition.Feature, _ c: FeatureContext) throws(ModelFileError) -> any FeatureKind {
        guard let of = f.of, of.count >= 2 else { throw c.bad(".of", "a product needs at least two features") }
        let idx = try c.earlier(f)
        return ProductFeature(factors: idx, factorKeys: idx.map { c.earlierKeys[$0] })
    }

    var cacheKey: String { "prod(" + factorKeys.joined(separator: "*") + ")" }
    var fields: [Int] { [] }

    func evaluate(_ x: FeatureColumns) -> [Double] {
        var out = x.earlier[factors[0]]
        for j in factors.dropFirst() {
            let y = x.earlier[j]
            for r in 0..<x.count { out[r] *= y[r] }
        }
        return out
    }

    func describe(names: [String], fields catalog: FieldCatalog) -> String { factors.map { names[$0] }.joined(separator: " × ") }
}
