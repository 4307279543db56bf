import Foundation
import RiskCore
import RiskModelCatalog

/// Loads model files, validates them and compiles them for the evaluator.
public enum ModelLoader {
    /// The format string every model file must carry.
    public static let format = "riskengine.model/1"

    /// Decodes and compiles one model file's text; `file` names it in errors.
    public static func compile(
        json: String, file: String, tableText: (String) -> String? = ModelLoader.embeddedFile
    ) throws(ModelFileError) -> CompiledModel {
        let definition: ModelDefinition
        do {
            definition = try JSONDecoder().decode(ModelDefinition.self, from: Data(json.utf8))
        } catch {
            let p = JSONProblem(error)
            throw .malformed(file: file, key: p.keyPath, problem: p.problem)
        }
        var model = try compile(definition, file: file, tableText: tableText)
        model.sourceText = json
        return model
    }

    /// The embedded text of a file under Models/ (tables), by relative path.
    public static func embeddedFile(_ path: String) -> String? {
        ModelCatalog.files.first { $0.path == path }?.text
    }

    /// Validates a definition and compiles it; `tableText` finds the text of a table file.
    public static func compile(
        _ d: ModelDefinition, file: String, tableText: (String) -> String? = ModelLoader.embeddedFile
    ) throws(ModelFileError) -> CompiledModel {
        func bad(_ key: String, _ problem: String) -> ModelFileError {
            .invalid(file: file, key: key, problem: problem)
        }
        guard d.format == format else { throw bad("format", "expected \"\(format)\", found \"\(d.format)\"") }
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

        // Inputs.
        var reasons: [String] = []
        func reason(_ r: String) -> Int {
            if let i = reasons.firstIndex(of: r) { return i }
            reasons.append(r)
            return reasons.count - 1
        }
        var inputRules: [CompiledModel.InputRule] = []
        guard d.inputs.count <= 64 else { throw bad("inputs", "at most 64 inputs") }
        for (i, input) in d.inputs.enumerated() {
            let key = "inputs[\(i)]"
            guard let fi = CanonicalSchema.indexByName[input.field] else {
                throw bad(key + ".field", "unknown canonical field \"\(input.field)\"")
            }
            if inputRules.contains(where: { $0.field == fi }) { throw bad(key + ".field", "\(input.field) listed twice") }
            let spec = CanonicalSchema.fields[fi]
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
                if let lo = input.min { below = reason("\(input.field)_below_\(formatBound(lo))") }
                if let hi = input.max { above = reason("\(input.field)_above_\(formatBound(hi))") }
                if let b = input.below { above = reason("\(input.field)_at_least_\(formatBound(b))") }
            }
            inputRules.append(
                .init(
                    name: input.field, field: fi, spec: spec, min: input.min, max: input.max, below: input.below,
                    outside: outside, allowedCodes: allowed, allowedNumbers: allowedNumbers,
                    belowReason: below, aboveReason: above, optional: input.optional ?? false,
                    floor: input.floor ?? false))
        }
        let inputFields = Set(inputRules.map(\.field))
        let optionalFields = Set(inputRules.filter(\.optional).map(\.field))
        let flooredFields = Set(inputRules.filter(\.floor).map(\.field))

        func codeValue(_ v: ScalarValue, field: Int, key: String) throws(ModelFileError) -> Double {
            let spec = CanonicalSchema.fields[field]
            switch (spec.kind, v) {
            case (.category(let vocab), .text(let s)):
                guard let c = vocab.index(of: s) else { throw bad(key, "\"\(s)\" is not a value of \(spec.name)") }
                return Double(c)
            case (.category, .number):
                throw bad(key, "\(spec.name) is a category: give its value as a string")
            case (_, .number(let x)):
                return x
            case (_, .text(let s)):
                throw bad(key, "\(spec.name) is numeric: \"\(s)\" is not a number")
            }
        }

        // Exclusions.
        var exclusionRules: [CompiledModel.ExclusionRule] = []
        for (i, e) in (d.exclusions ?? []).enumerated() {
            let key = "exclusions[\(i)]"
            // A field that is not an input is checked only where the input has it.
            guard let fi = CanonicalSchema.indexByName[e.field] else {
                throw bad(key + ".field", "unknown canonical field \"\(e.field)\"")
            }
            let v = try codeValue(e.equals, field: fi, key: key + ".equals")
            exclusionRules.append(.init(field: fi, value: v, reason: reason(e.reason)))
        }

        // Data tables.
        var tables: [String: DataTable] = [:]
        for (name, t) in (d.tables ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let text = tableText(t.file) else { throw bad("tables.\(name).file", "no table file \(t.file) under Models/") }
            let table = try DataTable.parse(text, name: name, key: t.key, file: t.file)
            for f in table.fields where !inputFields.contains(f) {
                throw bad("tables.\(name).key", "\(CanonicalSchema.fields[f].name) must be one of the model's inputs")
            }
            tables[name] = table
        }

        // Features, in order; each may use inputs and earlier features.
        var featureIndex: [String: Int] = [:]
        var steps: [CompiledModel.FeatureStep] = []
        var ratioChecks: [CompiledModel.RatioCheck] = []
        for (i, f) in d.features.enumerated() {
            let key = "features[\(i)]"
            guard featureIndex[f.name] == nil else { throw bad(key + ".name", "feature \(f.name) defined twice") }
            func inputField() throws(ModelFileError) -> Int {
                guard let name = f.input else { throw bad(key + ".input", "a \(f.kind.rawValue) feature needs an input") }
                guard let fi = CanonicalSchema.indexByName[name], inputFields.contains(fi) else {
                    throw bad(key + ".input", "\"\(name)\" must be one of the model's inputs")
                }
                return fi
            }
            func numericInput(_ what: String) throws(ModelFileError) -> Int {
                let fi = try inputField()
                if case .category = CanonicalSchema.fields[fi].kind {
                    throw bad(key + ".input", "\(what) needs a numeric input")
                }
                return fi
            }
            func positiveLowerBound(_ fi: Int) throws(ModelFileError) {
                let spec = CanonicalSchema.fields[fi]
                let lowest = d.inputs.first { $0.field == spec.name }?.min ?? spec.plausible?.lowerBound ?? 0
                guard lowest > 0 else {
                    throw bad(key + ".input", "a log of \(spec.name) needs a positive lower bound (set inputs[].min)")
                }
            }
            let op: CompiledModel.FeatureStep.Op
            var cacheKey: String
            var zeroField: Int?
            switch f.kind {
            case .linear:
                let fi = try numericInput("linear")
                let scale = f.scale ?? 1
                guard scale != 0 else { throw bad(key + ".scale", "must not be 0") }
                if let cf = f.centerFrom {
                    guard let table = tables[cf.table] else { throw bad(key + ".center_from.table", "no table \(cf.table) in tables") }
                    guard table.columns[cf.column] != nil else { throw bad(key + ".center_from.column", "no column \(cf.column) in \(cf.table)") }
                    op = .centered(field: fi, scale: scale, table: cf.table, column: cf.column)
                    cacheKey = "cen(\(d.id),\(fi),\(scale),\(cf.table),\(cf.column))"
                } else {
                    op = .linear(field: fi, center: f.center ?? 0, scale: scale)
                    cacheKey = "lin(\(fi),\(f.center ?? 0),\(scale))"
                }
                zeroField = fi
            case .log:
                let fi = try numericInput("log")
                try positiveLowerBound(fi)
                let m = f.multiplier ?? 1
                guard m > 0 else { throw bad(key + ".multiplier", "must be positive") }
                op = .log(field: fi, multiplier: m, center: f.center ?? 0)
                cacheKey = "log(\(fi),\(m),\(f.center ?? 0))"
                zeroField = fi
            case .power:
                let fi = try numericInput("power")
                let m = f.multiplier ?? 1
                guard m > 0 else { throw bad(key + ".multiplier", "must be positive") }
                guard let e = f.exponent, e.isFinite else { throw bad(key + ".exponent", "a power needs an exponent (0 means ln)") }
                if e <= 0 { try positiveLowerBound(fi) }
                let scale = f.scale ?? 1
                guard scale != 0 else { throw bad(key + ".scale", "must not be 0") }
                let timesLog = f.timesLog ?? false
                if timesLog { try positiveLowerBound(fi) }
                op = .power(field: fi, multiplier: m, exponent: e, center: f.center ?? 0, scale: scale, timesLog: timesLog)
                cacheKey = "pow(\(fi),\(m),\(e),\(f.center ?? 0),\(scale),\(timesLog))"
                zeroField = fi
            case .hinge:
                let fi = try numericInput("hinge")
                guard let knot = f.knot else { throw bad(key + ".knot", "a hinge needs a knot") }
                let side = f.side ?? "above"
                guard side == "above" || side == "below" else { throw bad(key + ".side", "must be \"above\" or \"below\"") }
                let m = f.multiplier ?? 1
                let scale = f.scale ?? 1
                guard scale != 0 else { throw bad(key + ".scale", "must not be 0") }
                let isLog = f.log ?? false
                if isLog {
                    guard knot > 0, m > 0 else { throw bad(key + ".knot", "a log hinge needs a positive knot and multiplier") }
                    try positiveLowerBound(fi)
                }
                let center = f.center ?? 0
                op = .hinge(field: fi, knot: knot, above: side == "above", multiplier: m, center: center, scale: scale, log: isLog)
                cacheKey = "hinge(\(fi),\(knot),\(side),\(m),\(center),\(scale),\(isLog))"
                zeroField = fi
            case .indicator:
                let fi = try inputField()
                guard let eq = f.equals else { throw bad(key + ".equals", "an indicator needs a value") }
                let v = try codeValue(eq, field: fi, key: key + ".equals")
                op = .indicator(field: fi, value: v)
                cacheKey = "ind(\(fi),\(v))"
                zeroField = fi
            case .missingIndicator:
                let fi = try inputField()
                guard optionalFields.contains(fi) else {
                    throw bad(key + ".input", "a missing_indicator needs an optional input (inputs[].optional)")
                }
                op = .missingIndicator(field: fi)
                cacheKey = "miss(\(fi))"
            case .points:
                let fi = try numericInput("points")
                guard let bands = f.bands, !bands.isEmpty else { throw bad(key + ".bands", "a points feature needs bands") }
                for (b, band) in bands.enumerated() where [band.below, band.atMost, band.equals].compactMap({ $0 }).count > 1 {
                    throw bad(key + ".bands[\(b)]", "give one of below, at_most or equals")
                }
                let rows = bands.map { (below: $0.below, atMost: $0.atMost, equals: $0.equals, points: $0.points) }
                op = .points(field: fi, bands: rows)
                cacheKey = "pts(\(fi)," + rows.map { "\($0.below ?? .nan)/\($0.atMost ?? .nan)/\($0.equals ?? .nan)/\($0.points)" }.joined(separator: ";") + ")"
                zeroField = fi
            case .ratio:
                guard let numName = f.numerator, let denName = f.denominator,
                    let num = CanonicalSchema.indexByName[numName], inputFields.contains(num),
                    let den = CanonicalSchema.indexByName[denName], inputFields.contains(den)
                else { throw bad(key, "a ratio needs numerator and denominator among the model's inputs") }
                let m = f.multiplier ?? 1
                let scale = f.scale ?? 1
                guard scale != 0 else { throw bad(key + ".scale", "must not be 0") }
                op = .ratio(numerator: num, denominator: den, multiplier: m, center: f.center ?? 0, scale: scale)
                cacheKey = "ratio(\(num),\(den),\(m),\(f.center ?? 0),\(scale))"
                if optionalFields.contains(num) || optionalFields.contains(den) {
                    throw bad(key, "a ratio of optional inputs is not supported")
                }
                if f.min != nil || f.max != nil {
                    let label = f.rangeLabel ?? f.name
                    if !ratioChecks.contains(where: { $0.label == label && $0.numerator == num && $0.denominator == den }) {
                        ratioChecks.append(.init(numerator: num, denominator: den, multiplier: m, min: f.min, max: f.max, label: label))
                    }
                }
            case .sum:
                guard let of = f.of, !of.isEmpty else { throw bad(key + ".of", "a sum needs features") }
                let weights = f.weights ?? Array(repeating: 1, count: of.count)
                guard weights.count == of.count, weights.allSatisfy(\.isFinite) else {
                    throw bad(key + ".weights", "needs one finite weight per feature in 'of'")
                }
                var idx: [Int] = []
                for name in of {
                    guard let j = featureIndex[name] else {
                        throw bad(key + ".of", "\"\(name)\" is not a feature defined above this one")
                    }
                    idx.append(j)
                }
                let scale = f.scale ?? 1
                guard scale != 0 else { throw bad(key + ".scale", "must not be 0") }
                op = .sum(idx, weights: weights, center: f.center ?? 0, scale: scale)
                cacheKey = "sum(" + zip(idx, weights).map { "\($1)*\(steps[$0].key)" }.joined(separator: "+") + ",\(f.center ?? 0),\(scale))"
            case .product:
                guard let of = f.of, of.count >= 2 else { throw bad(key + ".of", "a product needs at least two features") }
                var idx: [Int] = []
                for name in of {
                    guard let j = featureIndex[name] else {
                        throw bad(key + ".of", "\"\(name)\" is not a feature defined above this one")
                    }
                    idx.append(j)
                }
                op = .product(idx)
                cacheKey = "prod(" + idx.map { steps[$0].key }.joined(separator: "*") + ")"
            }
            if let z = zeroField, flooredFields.contains(z) { cacheKey += "|floor" }
            if case .ratio(let a, let b, _, _, _) = op, flooredFields.contains(a) || flooredFields.contains(b) { cacheKey += "|floor" }
            if let z = zeroField, optionalFields.contains(z) {
                cacheKey += "|opt"
            } else {
                zeroField = nil
            }
            featureIndex[f.name] = steps.count
            steps.append(.init(name: f.name, op: op, key: cacheKey, zeroWhenMissing: zeroField))
        }

        // Outcomes: equations, combinations, lookups.
        let outcomeIndex = Dictionary(uniqueKeysWithValues: d.outcomes.enumerated().map { ($1.id, $0) })
        var equationOutcomes: [Int] = []
        var rules: [CompiledModel.OutcomeRule] = []
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

        // Strata and equations.
        guard !d.strata.isEmpty else { throw bad("strata", "at least one stratum is needed") }
        guard Set(d.strata.map(\.id)).count == d.strata.count else { throw bad("strata", "stratum ids repeat") }
        let p = steps.count
        let nS = d.strata.count
        let nCols = equationOutcomes.count * nS
        var coef = [Double](repeating: 0, count: p * nCols)
        var lnS0 = [Double](repeating: 0, count: nCols)
        var means = [Double](repeating: 0, count: nCols)
        var intercepts = [Double](repeating: 0, count: nCols)
        var timeVarying = [Double](repeating: 0, count: d.link == .annualHazard ? p * nCols : 0)
        var stratumRules: [CompiledModel.StratumRule] = []
        for (s, stratum) in d.strata.enumerated() {
            let key = "strata[\(s)]"
            var conds: [(field: Int, codes: UInt64)] = []
            for (fieldName, values) in stratum.when.sorted(by: { $0.key < $1.key }) {
                guard let fi = CanonicalSchema.indexByName[fieldName], inputFields.contains(fi),
                    case .category(let vocab) = CanonicalSchema.fields[fi].kind
                else { throw bad(key + ".when." + fieldName, "must be a category input of the model") }
                var mask: UInt64 = 0
                for v in values {
                    guard let c = vocab.index(of: v) else { throw bad(key + ".when." + fieldName, "\"\(v)\" is not a value of \(fieldName)") }
                    mask |= 1 << UInt64(c)
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

        // Recalibration.
        var recalField: Int?
        var recalScales: [[[(Double, Double)]]?] = []
        if let r = d.recalibration {
            guard r.kind == "cloglog" else { throw bad("recalibration.kind", "only \"cloglog\" is known") }
            guard d.link == .cox || d.link == .logistic else { throw bad("recalibration", "only risks (cox, logistic) can be recalibrated") }
            guard let fi = CanonicalSchema.indexByName[r.by], inputFields.contains(fi),
                case .category(let vocab) = CanonicalSchema.fields[fi].kind
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

        // Examples must name output columns.
        let outputs = Set(d.outcomes.filter { $0.output ?? true }.map { $0.column ?? "\(d.id)_\($0.id)_\($0.horizonYears ?? 0)y" })
        for (i, ex) in d.examples.enumerated() {
            for k in ex.expected.keys where !outputs.contains(k) {
                throw bad("examples[\(i)].expected.\(k)", "not an output column of the model")
            }
            for k in ex.inputs.keys where CanonicalSchema.indexByName[k] == nil {
                throw bad("examples[\(i)].inputs.\(k)", "unknown canonical field")
            }
        }

        // Outcome-level applicability (`when`).
        var outcomeNotes: [String] = []
        func note(_ text: String) -> Int {
            if let i = outcomeNotes.firstIndex(of: text) { return i }
            outcomeNotes.append(text)
            return outcomeNotes.count - 1
        }
        for (o, outcome) in d.outcomes.enumerated() {
            for (fieldName, range) in (outcome.when ?? [:]).sorted(by: { $0.key < $1.key }) {
                let key = "outcomes[\(o)].when.\(fieldName)"
                guard let fi = CanonicalSchema.indexByName[fieldName], inputFields.contains(fi),
                    CanonicalSchema.fields[fi].kind == .numeric
                else { throw bad(key, "must be a numeric input of the model") }
                guard range.min != nil || range.max != nil else { throw bad(key, "give min or max") }
                let tag = "not_applicable_" + (outcome.horizonYears.map { "\($0)y" } ?? outcome.id)
                let below = note("\(tag):\(fieldName)_below_\(formatBound(range.min ?? 0))")
                let above = note("\(tag):\(fieldName)_above_\(formatBound(range.max ?? 0))")
                rules[o].conditions.append((fi, range.min, range.max, below, above))
            }
        }
        guard outcomeNotes.count <= 64 else { throw bad("outcomes", "too many outcome conditions") }

        var hazard: CompiledModel.HazardRule?
        if d.link == .annualHazard {
            guard let h = d.annualHazard else { throw bad("annual_hazard", "the annual_hazard link needs this block") }
            guard h.years > 0 && h.years <= 100 else { throw bad("annual_hazard.years", "must be 1-100") }
            guard let table = tables[h.table] else { throw bad("annual_hazard.table", "no table \(h.table) in tables") }
            guard let age = CanonicalSchema.indexByName["age"], inputFields.contains(age) else {
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
        var tableReasons: [String: Int] = [:]
        for name in tables.keys.sorted() { tableReasons[name] = reason("no_data_in_\(name)") }

        let noStratum = reason("no_matching_stratum")
        let noRecal = reason("no_recalibration_for_" + (d.recalibration?.by ?? "value"))
        return CompiledModel(
            definition: d, file: file, inputs: inputRules, exclusions: exclusionRules, reasons: reasons,
            features: steps, strata: stratumRules, outcomes: rules, equationCount: equationOutcomes.count,
            coefficients: coef, baselineLogSurvival: lnS0, meanLinearPredictor: means, intercepts: intercepts,
            recalibrationField: recalField, recalibrationScales: recalScales, noStratumReason: noStratum,
            noRecalibrationReason: noRecal, ratioChecks: ratioChecks, outcomeNotes: outcomeNotes,
            tables: tables, tableReasons: tableReasons, timeVaryingCoefficients: timeVarying, hazard: hazard)
    }

    static func formatBound(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}

/// The models available to a run: the embedded library plus any files given at run time.
public struct ModelLibrary: Sendable {
    public let models: [CompiledModel]

    public init(models: [CompiledModel]) throws(ModelFileError) {
        var seen: [String: String] = [:]
        for m in models {
            if let other = seen[m.id] { throw .duplicateID(id: m.id, files: [other, m.file]) }
            seen[m.id] = m.file
        }
        self.models = models.sorted { $0.id < $1.id }
    }

    /// The library embedded in the binary (Models/*.json), validated.
    public static func embedded() throws(ModelFileError) -> ModelLibrary {
        var compiled: [CompiledModel] = []
        for file in ModelCatalog.files where file.path.hasSuffix(".json") && !file.path.contains("/") {
            compiled.append(try ModelLoader.compileAny(json: file.text, file: "Models/" + file.path))
        }
        return try ModelLibrary(models: compiled)
    }

    /// The embedded library plus the model files in a folder (a file with an embedded model's id
    /// replaces it, so a recalibrated model can be tried without rebuilding).
    public static func embedded(plus directory: URL) throws(ModelFileError) -> ModelLibrary {
        let base = try embedded()
        var byID: [String: CompiledModel] = [:]
        for m in base.models { byID[m.id] = m }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw .malformed(file: directory.path, key: "", problem: "cannot list the folder")
        }
        var extra: [String: String] = [:]
        for name in names {
            let url = directory.appendingPathComponent(name)
            let text: String
            do { text = try TextFile.read(url.path) } catch {
                throw .malformed(file: url.path, key: "", problem: "cannot read the file: \(error)")
            }
            let m = try ModelLoader.compileAny(json: text, file: url.path) { path in
                (try? String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)) ?? ModelLoader.embeddedFile(path)
            }
            if let other = extra[m.id] { throw .duplicateID(id: m.id, files: [other, url.path]) }
            extra[m.id] = url.path
            byID[m.id] = m
        }
        return try ModelLibrary(models: Array(byID.values))
    }

    /// A model by id.
    public func model(_ id: String) throws(ModelFileError) -> CompiledModel {
        guard let m = models.first(where: { $0.id == id }) else {
            throw .unknownModel(id: id, known: models.map(\.id))
        }
        return m
    }
}
