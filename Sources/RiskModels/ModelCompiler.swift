// Compiling a model definition, in named steps: header → numbers → inputs → exclusions → tables
// → features → outcomes → equations → recalibration → example columns → outcome conditions →
// annual hazard → the compiled model. Each step reads what earlier steps produced and throws a
// `ModelFileError` naming the file, the key and the problem. Worked examples are checked after
// compilation, at load (`ModelLoader.verifyExamples`).
import Foundation
import RiskCore

/// The state of one compilation; see the steps in `compile()`.
struct ModelCompiler {
    let d: ModelDefinition
    let file: String
    let tableText: (String) -> String?
    let cache: DataTableCache
    /// The fields of the library or run (canonical, then local columns of its model files);
    /// extended with this file's own `columns` in `compileLocalColumns`.
    var catalog: FieldCatalog

    /// `not_applicable` reasons a row status may carry, by index.
    var reasons: [String] = []
    var inputRules: [CompiledModel.InputRule] = []
    var inputFields: Set<Int> = []
    var optionalFields: Set<Int> = []
    var flooredFields: Set<Int> = []
    var exclusionRules: [CompiledModel.ExclusionRule] = []
    var tables: [String: DataTable] = [:]
    var featureIndex: [String: Int] = [:]
    var steps: [CompiledModel.FeatureStep] = []
    var ratioChecks: [CompiledModel.RatioCheck] = []
    var outcomeIndex: [String: Int] = [:]
    /// Indexes of the outcomes computed by equations (not combinations or lookups).
    var equationOutcomes: [Int] = []
    var rules: [CompiledModel.OutcomeRule] = []
    var coef: [Double] = []
    var lnS0: [Double] = []
    var means: [Double] = []
    var intercepts: [Double] = []
    var timeVarying: [Double] = []
    var stratumRules: [CompiledModel.StratumRule] = []
    var recalField: Int?
    var recalScales: [[[(Double, Double)]]?] = []
    var outcomeNotes: [String] = []
    var hazard: CompiledModel.HazardRule?
    var tableReasons: [String: Int] = [:]

    init(_ d: ModelDefinition, file: String, tableText: @escaping (String) -> String?, cache: DataTableCache, fields: FieldCatalog = .canonical) {
        self.d = d
        self.file = file
        self.tableText = tableText
        self.cache = cache
        self.catalog = fields
    }

    /// Runs every step in order.
    mutating func compile() throws(ModelFileError) -> CompiledModel {
        try validateHeader()
        try ModelLoader.checkNumbers(d, file: file)
        try compileLocalColumns()
        try compileInputs()
        try compileExclusions()
        try attachTables()
        try compileFeatures()
        try compileOutcomes()
        try compileEquations()
        try compileRecalibration()
        try checkExampleColumns()
        try compileOutcomeConditions()
        try compileHazard()
        return build()
    }

    func bad(_ key: String, _ problem: String) -> ModelFileError {
        .invalid(file: file, key: key, problem: problem)
    }

    /// The index of a `not_applicable` reason (added once).
    mutating func reason(_ r: String) -> Int {
        if let i = reasons.firstIndex(of: r) { return i }
        reasons.append(r)
        return reasons.count - 1
    }

    func codeValue(_ v: ScalarValue, field: Int, key: String) throws(ModelFileError) -> Double {
        try ModelLoader.code(v, spec: catalog.fields[field], file: file, key: key)
    }

    /// The local columns a definition declares (`columns`), as field specs.
    static func localFields(_ d: ModelDefinition, file: String) throws(ModelFileError) -> [FieldSpec] {
        var specs: [FieldSpec] = []
        for (i, c) in (d.columns ?? []).enumerated() {
            let key = "columns[\(i)]"
            func bad(_ problem: String) -> ModelFileError { .invalid(file: file, key: key, problem: problem) }
            guard FieldCatalog.isValidName(c.name) else { throw bad("name must be lower-case letters, digits and _, starting with a letter") }
            guard CanonicalSchema.indexByName[c.name] == nil else {
                throw bad("\(c.name) is a canonical field: use it as an input, in its canonical unit, without declaring it")
            }
            guard !specs.contains(where: { $0.name == c.name }) else { throw bad("\(c.name) is declared twice") }
            for x in [c.min, c.max].compactMap({ $0 }) where !x.isFinite { throw bad("min and max must be finite") }
            if let lo = c.min, let hi = c.max, lo > hi { throw bad("min is above max") }
            let limits = c.min.flatMap { lo in c.max.map { hi in lo...hi } }
            switch c.kind {
            case "numeric":
                guard let unit = c.unit, !unit.isEmpty else { throw bad("a numeric column needs its unit") }
                specs.append(.local(name: c.name, kind: .numeric, unit: unit, plausible: limits, meaning: c.meaning))
            case "binary":
                guard c.min == nil && c.max == nil else { throw bad("a binary column takes no min or max") }
                specs.append(.local(name: c.name, kind: .binary, unit: "", plausible: nil, meaning: c.meaning))
            case "code":
                guard let lo = c.min, let hi = c.max, lo == lo.rounded(), hi == hi.rounded(), lo >= 0, hi <= 63 else {
                    throw bad("a code column needs whole-number min and max within 0-63")
                }
                specs.append(.local(name: c.name, kind: .code(Int(lo)...Int(hi)), unit: "", plausible: lo...hi, meaning: c.meaning))
            default:
                throw bad("kind must be numeric, binary or code, found \"\(c.kind)\"")
            }
        }
        return specs
    }

    /// Step: the file's local columns join the catalog (an equal declaration already there, from
    /// another file of the library, is the same column; a different one is an error).
    mutating func compileLocalColumns() throws(ModelFileError) {
        let local = try Self.localFields(d, file: file)
        do {
            catalog = try catalog.adding(local)
        } catch .conflictingDeclarations(let name) {
            throw bad("columns", "\(name) is declared differently by another model file of the library")
        } catch {
            throw bad("columns", "cannot be added: \(error)")
        }
    }

    /// Step: format, id, citation and the outcomes' own keys.
    func validateHeader() throws(ModelFileError) {
        guard d.format == ModelLoader.format else { throw bad("format", "expected \"\(ModelLoader.format)\", found \"\(d.format)\"") }
        guard d.id.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil else {
            throw bad("id", "must be snake_case ASCII, found \"\(d.id)\"")
        }
        guard !d.citation.doi.isEmpty, !d.citation.table.isEmpty, !d.citation.reference.isEmpty else {
            throw bad("citation", "reference, doi and table must all be given")
        }
        guard !d.outcomes.isEmpty else { throw bad("outcomes", "at least one outcome is needed") }
        guard Set(d.outcomes.map(\.id)).count == d.outcomes.count else { throw bad("outcomes", "outcome ids repeat") }
        for (i, o) in d.outcomes.enumerated() {
            if let h = o.horizonYears, h <= 0 { throw bad("outcomes[\(i)].horizon_years", "must be positive") }
            if o.horizonYears == nil && o.column == nil && o.output != false {
                throw bad("outcomes[\(i)]", "a written outcome needs horizon_years or column")
            }
            if let dg = o.digits, !(0...12).contains(dg) { throw bad("outcomes[\(i)].digits", "must be 0-12") }
        }

    }

    /// Step: inputs → rules (field, range, accepted values, outside policy).
    mutating func compileInputs() throws(ModelFileError) {
        guard d.inputs.count <= 64 else { throw bad("inputs", "at most 64 inputs") }
        for (i, input) in d.inputs.enumerated() {
            let key = "inputs[\(i)]"
            guard let fi = catalog.indexByName[input.field] else {
                throw bad(key + ".field", "unknown field \"\(input.field)\" (not canonical, not declared in columns)")
            }
            if inputRules.contains(where: { $0.field == fi }) { throw bad(key + ".field", "\(input.field) listed twice") }
            let spec = catalog.fields[fi]
            if let lo = input.min, let hi = input.max, lo > hi { throw bad(key, "min \(lo) is above max \(hi)") }
            if input.max != nil && input.below != nil { throw bad(key, "give max or below, not both") }
            var allowed: UInt64?
            var allowedNumbers: [Double]?
            if let values = input.values {
                if case .category(let vocab) = spec.kind {
                    var mask: UInt64 = 0
                    for v in values {
                        guard case .text(let word) = v, let c = vocab.index(of: word) else {
                            throw bad(key + ".values", "\"\(v)\" is not a value of \(input.field) (\(vocab.values.joined(separator: ", ")))")
                        }
                        mask |= 1 << UInt64(c)
                    }
                    allowed = mask
                } else {
                    var numbers: [Double] = []
                    for v in values {
                        guard case .number(let x) = v else {
                            throw bad(key + ".values", "\(input.field) is numeric: \"\(v)\" is not a number")
                        }
                        numbers.append(x)
                    }
                    allowedNumbers = numbers
                }
            }
            let outside = input.outside ?? .outOfRange
            var below: Int?
            var above: Int?
            if outside == .notApplicable {
                if let lo = input.min { below = reason("\(input.field)_below_\(ModelLoader.formatBound(lo))") }
                if let hi = input.max { above = reason("\(input.field)_above_\(ModelLoader.formatBound(hi))") }
                if let b = input.below { above = reason("\(input.field)_at_least_\(ModelLoader.formatBound(b))") }
            }
            inputRules.append(
                .init(
                    name: input.field, field: fi, spec: spec, min: input.min, max: input.max, below: input.below,
                    outside: outside, allowedCodes: allowed, allowedNumbers: allowedNumbers,
                    belowReason: below, aboveReason: above, optional: input.optional ?? false,
                    floor: input.floor ?? false))
        }
        inputFields = Set(inputRules.map(\.field))
        optionalFields = Set(inputRules.filter(\.optional).map(\.field))
        flooredFields = Set(inputRules.filter(\.floor).map(\.field))
    }

    /// Step: exclusions → `not_applicable` rules.
    mutating func compileExclusions() throws(ModelFileError) {
        for (i, e) in (d.exclusions ?? []).enumerated() {
            let key = "exclusions[\(i)]"
            // A field that is not an input is checked only where the input has it.
            guard let fi = catalog.indexByName[e.field] else {
                throw bad(key + ".field", "unknown canonical field \"\(e.field)\"")
            }
            let v = try codeValue(e.equals, field: fi, key: key + ".equals")
            exclusionRules.append(.init(field: fi, value: v, reason: reason(e.reason)))
        }

    }

    /// Step: data tables, parsed once per library (`cache`) and indexed by the model's key.
    mutating func attachTables() throws(ModelFileError) {
        for (name, t) in (d.tables ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let text = tableText(t.file) else { throw bad("tables.\(name).file", "no table file \(t.file) under Models/") }
            let table = try DataTable.parse(text, name: name, key: t.key, file: t.file, cache: cache)
            for f in table.fields where !inputFields.contains(f) {
                throw bad("tables.\(name).key", "\(catalog.fields[f].name) must be one of the model's inputs")
            }
            tables[name] = table
        }

    }

    /// Step: features, in order, each compiled by its kind (`FeatureKinds`); each may use inputs
    /// and earlier features.
    mutating func compileFeatures() throws(ModelFileError) {
        for (i, f) in d.features.enumerated() {
            let key = "features[\(i)]"
            guard featureIndex[f.name] == nil else { throw bad(key + ".name", "feature \(f.name) defined twice") }
            guard let kind = FeatureKinds.byName[f.kind] else {
                throw bad(key + ".kind", "unknown feature kind \"\(f.kind)\" (known: \(FeatureKinds.all.map { $0.name }.joined(separator: ", ")))")
            }
            let context = FeatureContext(
                definition: d, file: file, catalog: catalog, key: key, inputFields: inputFields, optionalFields: optionalFields,
                tables: tables, earlierIndex: featureIndex, earlierKeys: steps.map(\.key))
            let compiled = try kind.compile(f, context)
            if let ratio = compiled as? RatioFeature, let check = ratio.rangeCheck,
                !ratioChecks.contains(where: { $0.label == check.label && $0.numerator == check.numerator && $0.denominator == check.denominator }) {
                ratioChecks.append(check)
            }
            var cacheKey = compiled.cacheKey
            if compiled.fields.contains(where: flooredFields.contains) { cacheKey += "|floor" }
            var zeroField: Int?
            if compiled.zeroWhenMissing, let z = compiled.fields.first, optionalFields.contains(z) {
                cacheKey += "|opt"
                zeroField = z
            }
            featureIndex[f.name] = steps.count
            steps.append(.init(name: f.name, kind: compiled, key: cacheKey, zeroWhenMissing: zeroField))
        }
    }

    /// Step: outcomes → equations, combinations (1 − Π(1 − p)) and lookups (bands of another).
    mutating func compileOutcomes() throws(ModelFileError) {
        outcomeIndex = Dictionary(uniqueKeysWithValues: d.outcomes.enumerated().map { ($1.id, $0) })
        for (o, outcome) in d.outcomes.enumerated() {
            let key = "outcomes[\(o)]"
            let percent = (outcome.scale ?? .percent) == .percent
            let written = outcome.output ?? true
            if let c = outcome.combine {
                guard outcome.lookup == nil else { throw bad(key, "give combine or lookup, not both") }
                var parts: [Int] = []
                for id in c.anyOf {
                    guard let j = outcomeIndex[id], j != o, d.outcomes[j].combine == nil, d.outcomes[j].lookup == nil else {
                        throw bad(key + ".combine.any_of", "\"\(id)\" must be another outcome with equations")
                    }
                    parts.append(j)
                }
                guard parts.count >= 2 else { throw bad(key + ".combine.any_of", "needs at least two outcomes") }
                rules.append(.init(id: outcome.id, kind: .combine(parts), percent: percent, written: written))
            } else if let l = outcome.lookup {
                guard let j = outcomeIndex[l.of], j < o else {
                    throw bad(key + ".lookup.of", "\"\(l.of)\" must be an outcome listed before this one")
                }
                guard let last = l.bands.last, last.below == nil, l.bands.dropLast().allSatisfy({ $0.below != nil }) else {
                    throw bad(key + ".lookup.bands", "every band but the last needs 'below'; the last has none")
                }
                let bounds = l.bands.dropLast().map { $0.below! }
                guard zip(bounds, bounds.dropFirst()).allSatisfy({ $0 < $1 }) else {
                    throw bad(key + ".lookup.bands", "'below' must increase")
                }
                let writeLabel = l.write == "label"
                if writeLabel {
                    guard l.bands.allSatisfy({ $0.label != nil }) else { throw bad(key + ".lookup.bands", "write: label needs a label in every band") }
                } else {
                    guard l.bands.allSatisfy({ $0.value != nil }) else { throw bad(key + ".lookup.bands", "every band needs a value") }
                }
                rules.append(.init(
                    id: outcome.id,
                    kind: .lookup(source: j, bounds: bounds, values: l.bands.map { $0.value ?? .nan },
                                  labels: writeLabel ? l.bands.map { $0.label! } : nil),
                    percent: false, written: written))
            } else {
                if !percent && (d.link == .cox || d.link == .logistic || d.link == .annualHazard) {
                    throw bad(key + ".scale", "a \(d.link.rawValue) outcome is a risk: scale must be percent")
                }
                if percent && (d.link == .exp || d.link == .identity) {
                    throw bad(key + ".scale", "an \(d.link.rawValue) outcome is a value: set scale to \"value\"")
                }
                rules.append(.init(id: outcome.id, kind: .equation(equationOutcomes.count), percent: percent, written: written))
                equationOutcomes.append(o)
            }
        }

    }

    /// Step: strata and their equations → the coefficient matrix (features × equations · strata)
    /// and the per-column baselines.
    mutating func compileEquations() throws(ModelFileError) {
        guard !d.strata.isEmpty else { throw bad("strata", "at least one stratum is needed") }
        guard Set(d.strata.map(\.id)).count == d.strata.count else { throw bad("strata", "stratum ids repeat") }
        let p = steps.count
        let nS = d.strata.count
        let nCols = equationOutcomes.count * nS
        coef = [Double](repeating: 0, count: p * nCols)
        lnS0 = [Double](repeating: 0, count: nCols)
        means = [Double](repeating: 0, count: nCols)
        intercepts = [Double](repeating: 0, count: nCols)
        timeVarying = [Double](repeating: 0, count: d.link == .annualHazard ? p * nCols : 0)
        for (s, stratum) in d.strata.enumerated() {
            let key = "strata[\(s)]"
            var conds: [(field: Int, codes: UInt64)] = []
            for (fieldName, values) in stratum.when.sorted(by: { $0.key < $1.key }) {
                guard let fi = catalog.indexByName[fieldName], inputFields.contains(fi) else {
                    throw bad(key + ".when." + fieldName, "must be a category, 0/1 or code input of the model")
                }
                var mask: UInt64 = 0
                for v in values {
                    switch catalog.fields[fi].kind {
                    case .category(let vocab):
                        guard let c = vocab.index(of: v) else { throw bad(key + ".when." + fieldName, "\"\(v)\" is not a value of \(fieldName)") }
                        mask |= 1 << UInt64(c)
                    case .binary, .code:
                        // 0/1 and code fields match their whole-number values, written as text ("0", "1", "7").
                        let allowed: ClosedRange<Int> = if case .code(let r) = catalog.fields[fi].kind { r } else { 0...1 }
                        guard let c = Int(v), allowed.contains(c), (0...63).contains(c) else {
                            throw bad(key + ".when." + fieldName, "\"\(v)\" is not a value of \(fieldName)")
                        }
                        mask |= 1 << UInt64(c)
                    default:
                        throw bad(key + ".when." + fieldName, "must be a category, 0/1 or code input of the model")
                    }
                }
                conds.append((fi, mask))
            }
            stratumRules.append(.init(conditions: conds))
            for (e, o) in equationOutcomes.enumerated() {
                let outcome = d.outcomes[o]
                let ekey = key + ".equations." + outcome.id
                guard let eq = stratum.equations[outcome.id] else { throw bad(ekey, "missing equation for outcome \(outcome.id)") }
                let col = e * nS + s
                for (name, value) in eq.coefficients {
                    guard let j = featureIndex[name] else { throw bad(ekey + ".coefficients." + name, "no feature of that name") }
                    guard value.isFinite else { throw bad(ekey + ".coefficients." + name, "must be finite") }
                    coef[j + col * p] = value
                }
                switch d.link {
                case .cox:
                    guard let s0 = eq.baselineSurvival, s0 > 0, s0 < 1 else {
                        throw bad(ekey + ".baseline_survival", "a Cox equation needs a baseline survival in (0, 1)")
                    }
                    lnS0[col] = Foundation.log(s0)
                    means[col] = eq.meanLinearPredictor ?? 0
                case .logistic:
                    guard let b0 = eq.intercept, b0.isFinite else { throw bad(ekey + ".intercept", "a logistic equation needs an intercept") }
                    intercepts[col] = b0
                case .exp, .identity:
                    let b0 = eq.intercept ?? 0
                    guard b0.isFinite else { throw bad(ekey + ".intercept", "must be finite") }
                    intercepts[col] = b0
                case .annualHazard:
                    for (name, value) in eq.timeVarying ?? [:] {
                        guard let j = featureIndex[name] else { throw bad(ekey + ".time_varying." + name, "no feature of that name") }
                        guard value.isFinite else { throw bad(ekey + ".time_varying." + name, "must be finite") }
                        timeVarying[j + col * p] = value
                    }
                }
                if d.link != .annualHazard && eq.timeVarying != nil {
                    throw bad(ekey + ".time_varying", "only the annual_hazard link has time-varying coefficients")
                }
            }
            for name in stratum.equations.keys {
                guard let o = outcomeIndex[name], equationOutcomes.contains(o) else {
                    throw bad(key + ".equations." + name, "not an outcome with equations")
                }
            }
        }

    }

    /// Step: recalibration scales per value of the `by` field, per stratum and equation.
    mutating func compileRecalibration() throws(ModelFileError) {
        if let r = d.recalibration {
            guard r.kind == "cloglog" else { throw bad("recalibration.kind", "only \"cloglog\" is known") }
            guard d.link == .cox || d.link == .logistic else { throw bad("recalibration", "only risks (cox, logistic) can be recalibrated") }
            guard let fi = catalog.indexByName[r.by], inputFields.contains(fi),
                case .category(let vocab) = catalog.fields[fi].kind
            else { throw bad("recalibration.by", "must be a category input of the model") }
            recalField = fi
            recalScales = Array(repeating: nil, count: vocab.values.count)
            for (value, perStratum) in r.scales {
                guard let c = vocab.index(of: value) else { throw bad("recalibration.scales." + value, "not a value of \(r.by)") }
                var table: [[(Double, Double)]] = []
                for stratum in d.strata {
                    guard let pairs = perStratum[stratum.id] else {
                        throw bad("recalibration.scales.\(value).\(stratum.id)", "missing")
                    }
                    var row: [(Double, Double)] = []
                    for o in equationOutcomes {
                        let id = d.outcomes[o].id
                        guard let pair = pairs.pair(for: id), pair.count == 2, pair.allSatisfy(\.isFinite) else {
                            throw bad("recalibration.scales.\(value).\(stratum.id)", "needs [scale1, scale2] for \(id)")
                        }
                        row.append((pair[0], pair[1]))
                    }
                    table.append(row)
                }
                recalScales[c] = table
            }
        }

    }

    /// Step: examples name output columns and canonical fields.
    func checkExampleColumns() throws(ModelFileError) {
        let outputs = Set(d.outcomes.filter { $0.output ?? true }.map { $0.column ?? "\(d.id)_\($0.id)_\($0.horizonYears ?? 0)y" })
        for (i, ex) in d.examples.enumerated() {
            for k in ex.expected.keys where !outputs.contains(k) {
                throw bad("examples[\(i)].expected.\(k)", "not an output column of the model")
            }
            for k in ex.inputs.keys where catalog.indexByName[k] == nil {
                throw bad("examples[\(i)].inputs.\(k)", "unknown field (not canonical, not declared in columns)")
            }
        }

    }

    /// Step: outcome-level applicability (`when`).
    mutating func compileOutcomeConditions() throws(ModelFileError) {
        func note(_ text: String) -> Int {
            if let i = outcomeNotes.firstIndex(of: text) { return i }
            outcomeNotes.append(text)
            return outcomeNotes.count - 1
        }
        for (o, outcome) in d.outcomes.enumerated() {
            for (fieldName, range) in (outcome.when ?? [:]).sorted(by: { $0.key < $1.key }) {
                let key = "outcomes[\(o)].when.\(fieldName)"
                guard let fi = catalog.indexByName[fieldName], inputFields.contains(fi),
                    catalog.fields[fi].kind == .numeric
                else { throw bad(key, "must be a numeric input of the model") }
                guard range.min != nil || range.max != nil else { throw bad(key, "give min or max") }
                let tag = "not_applicable_" + (outcome.horizonYears.map { "\($0)y" } ?? outcome.id)
                let below = note("\(tag):\(fieldName)_below_\(ModelLoader.formatBound(range.min ?? 0))")
                let above = note("\(tag):\(fieldName)_above_\(ModelLoader.formatBound(range.max ?? 0))")
                rules[o].conditions.append((fi, range.min, range.max, below, above))
            }
        }
        guard outcomeNotes.count <= 64 else { throw bad("outcomes", "too many outcome conditions") }

    }

    /// Step: the annual_hazard link's yearly rates, and the `no_data_in_<table>` reasons.
    mutating func compileHazard() throws(ModelFileError) {
        if d.link == .annualHazard {
            guard let h = d.annualHazard else { throw bad("annual_hazard", "the annual_hazard link needs this block") }
            guard h.years > 0 && h.years <= 100 else { throw bad("annual_hazard.years", "must be 1-100") }
            guard let table = tables[h.table] else { throw bad("annual_hazard.table", "no table \(h.table) in tables") }
            guard let age = catalog.indexByName["age"], inputFields.contains(age) else {
                throw bad("annual_hazard", "the model needs age among its inputs")
            }
            var byClass: [Int: [Double]] = [:]
            for (name, values) in table.columns where name.hasPrefix(h.columnPrefix) {
                if let c = Int(name.dropFirst(h.columnPrefix.count)) { byClass[c] = values }
            }
            guard !byClass.isEmpty else { throw bad("annual_hazard.column_prefix", "no columns \(h.columnPrefix)<class> in \(h.table)") }
            hazard = .init(table: h.table, years: h.years, ageField: age, classes: h.ageClasses, rates: byClass)
        } else if d.annualHazard != nil {
            throw bad("annual_hazard", "only with link annual_hazard")
        }
        for name in tables.keys.sorted() { tableReasons[name] = reason("no_data_in_\(name)") }

    }

    /// The compiled model.
    mutating func build() -> CompiledModel {
        let noStratum = reason("no_matching_stratum")
        let noRecal = reason("no_recalibration_for_" + (d.recalibration?.by ?? "value"))
        return CompiledModel(
            definition: d, fields: catalog, file: file, inputs: inputRules, exclusions: exclusionRules, reasons: reasons,
            features: steps, strata: stratumRules, outcomes: rules, equationCount: equationOutcomes.count,
            coefficients: coef, baselineLogSurvival: lnS0, meanLinearPredictor: means, intercepts: intercepts,
            recalibrationField: recalField, recalibrationScales: recalScales, noStratumReason: noStratum,
            noRecalibrationReason: noRecal, ratioChecks: ratioChecks, outcomeNotes: outcomeNotes,
            tables: tables, tableReasons: tableReasons, timeVaryingCoefficients: timeVarying, hazard: hazard)
    }
}
