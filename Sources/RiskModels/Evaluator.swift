// The generic evaluator: scores a columnar chunk with several compiled models in one pass.
//
// For each model: per-row status from its input rules; the features (computed once per chunk
// even when several models share them); the design matrix X (rows × features); the linear
// predictors of every outcome and stratum at once, LP = X·B with BLAS dgemm; then the link and
// recalibration over the whole chunk.
//
// Accuracy contract: risks are computed in IEEE double precision with libm exp/log; the Cox link
// is evaluated as −expm1(ln S0 · exp(lp − mean)), which equals 1 − S0^exp(lp − mean) without the
// cancellation of the subtraction for small risks. Risks are reported in percent, unrounded.
import Foundation
import RiskCore
import RiskLinearAlgebra

/// One model's results for a chunk.
public struct ModelScores: Sendable {
    /// Per written output column (in `CompiledModel.outputColumns` order), the value for each
    /// row: a risk in percent, a value in its unit, or for label columns the index of the label;
    /// NaN where the row's status is not ok.
    public var risks: [[Double]]
    /// Per row, the status.
    public var statuses: [RowStatus]
}

/// Scores chunks. Holds scratch buffers, so use one instance per thread.
public final class Evaluator {
    public let models: [CompiledModel]
    /// Derivations for fields the models read (others are skipped).
    public let derivations: [Derivation]
    private var design = Matrix(rows: 0, columns: 0)
    private var linearPredictors = Matrix(rows: 0, columns: 0)
    private var timeVaryingPredictors = Matrix(rows: 0, columns: 0)

    public init(models: [CompiledModel], derivations: [Derivation] = []) {
        self.models = models
        let needed = Set(models.flatMap { $0.requiredFields + ($0.fallback?.model.requiredFields ?? []) })
        self.derivations = derivations.filter { needed.contains(CanonicalSchema.fields[$0.field].name) }
    }

    /// Canonical fields the derivations read, in addition to the models' own.
    public var derivationSources: Set<Int> { Set(derivations.flatMap(\.sources)) }

    /// Scores every model on the chunk (after filling derivable missing inputs).
    public func score(_ input: RecordChunk) -> [ModelScores] {
        score(prepared: prepare(input))
    }

    /// The chunk with derivable missing inputs filled (age, BMI, eGFR), as the models see it.
    public func prepare(_ input: RecordChunk) -> RecordChunk {
        var chunk = input
        for d in derivations { d.apply(to: &chunk) }
        return chunk
    }

    /// Scores a chunk already prepared by `prepare`.
    public func score(prepared chunk: RecordChunk) -> [ModelScores] {
        var cache: [String: [Double]] = [:]
        var checks: [InputCheck: [UInt8]] = [:]
        return models.map { m in
            var scores = score(m, chunk, cache: &cache, checks: &checks)
            if let fb = m.fallback, scores.statuses.contains(where: { $0.kind == .missing }) {
                let other = score(fb.model, chunk, cache: &cache, checks: &checks)
                for r in 0..<chunk.count where scores.statuses[r].kind == .missing && other.statuses[r].kind == .ok {
                    for o in scores.risks.indices { scores.risks[o][r] = other.risks[o][r] }
                    var st = RowStatus(kind: .ok)
                    st.fallback = true
                    scores.statuses[r] = st
                }
            }
            return scores
        }
    }

    private func score(
        _ m: CompiledModel, _ original: RecordChunk, cache: inout [String: [Double]], checks: inout [InputCheck: [UInt8]]
    ) -> ModelScores {
        let n = original.count
        var chunk = original
        if m.hasFlooredInputs {
            for rule in m.inputs where rule.floor {
                guard var col = chunk.columns[rule.field] else { continue }
                for r in 0..<n where col.states[r] == .present { col.values[r] = col.values[r].rounded(.towardZero) }
                chunk.columns[rule.field] = col
            }
        }
        var statuses = rowStatuses(m, chunk, checks: &checks)
        let stratum = strata(m, chunk)

        // Table rows (baseline key) for tables that centre features; a row without one is not
        // applicable (e.g. a country with no risk-factor means).
        var tableRows: [String: [Int]] = [:]
        for step in m.features {
            guard let name = step.kind.table, tableRows[name] == nil, let table = m.tables[name] else { continue }
            let rows = table.rows(chunk)
            for r in 0..<n where statuses[r].kind == .ok && rows[r] < 0 {
                statuses[r] = RowStatus(kind: .notApplicable, detail: UInt64(m.tableReasons[name]!))
            }
            tableRows[name] = rows
        }

        // Design matrix, column by column.
        let p = m.features.count
        design.reshape(rows: n, columns: p)
        var featureColumns: [[Double]] = []
        featureColumns.reserveCapacity(p)
        for step in m.features {
            let column: [Double]
            if let cached = cache[step.key] {
                column = cached
            } else {
                column = compute(step, chunk, featureColumns, m, tableRows)
                cache[step.key] = column
            }
            featureColumns.append(column)
        }
        design.elements.withUnsafeMutableBufferPointer { x in
            for (j, col) in featureColumns.enumerated() {
                col.withUnsafeBufferPointer { c in
                    if n > 0 { (x.baseAddress! + j * n).update(from: c.baseAddress!, count: n) }
                }
            }
        }
        let nS = m.strata.count
        let nCols = m.equationCount * nS
        if nCols > 0 {
            // Shapes are fixed by construction (p features, p coefficient rows): cannot fail.
            let b = try! Matrix(rows: p, columns: nCols, columnMajor: m.coefficients)
            try! BLAS.gemm(design, b, into: &linearPredictors)
            if m.hazard != nil {
                let tv = try! Matrix(rows: p, columns: nCols, columnMajor: m.timeVaryingCoefficients)
                try! BLAS.gemm(design, tv, into: &timeVaryingPredictors)
            }
        }

        // Rows without a stratum or without recalibration scales are not applicable.
        let recalValues = m.recalibrationField.flatMap { chunk.columns[$0]?.values }
        for r in 0..<n where statuses[r].kind == .ok {
            if stratum[r] < 0 {
                statuses[r] = RowStatus(kind: .notApplicable, detail: UInt64(m.noStratumReason))
            } else if let values = recalValues, m.recalibrationScales[Int(values[r])] == nil {
                statuses[r] = RowStatus(kind: .notApplicable, detail: UInt64(m.noRecalibrationReason))
            }
        }

        // Outcomes in order: equations (link, recalibration), combinations, lookups. Internal
        // values are probabilities (0-1) for risks and values as computed otherwise.
        if let chart = m.chart {
            var out = [Double](repeating: .nan, count: n)
            let values = chart.values(chunk)
            for r in 0..<n where statuses[r].kind == .ok {
                if let v = values[r] {
                    out[r] = v
                } else {
                    statuses[r] = RowStatus(kind: .notApplicable, detail: UInt64(m.noStratumReason))
                }
            }
            return ModelScores(risks: [out], statuses: statuses)
        }
        // annual_hazard: the rate-table row of every row for each follow-up year, once
        // (year-major).
        var hazardRows: [Int] = []
        if let h = m.hazard, let table = m.tables[h.table] {
            hazardRows = table.rows(chunk, years: h.years)
        }
        /// The model's recalibration (cloglog scales by region value, stratum and outcome) of risk v.
        func recalibrated(_ v: Double, _ r: Int, _ s: Int, _ e: Int) -> Double {
            guard let values = recalValues, let table = m.recalibrationScales[Int(values[r])] else { return v }
            let (a, b) = table[s][e]
            return -expm1(-exp(a + b * log(-log1p(-v))))
        }
        var computed: [[Double]] = []
        for rule in m.outcomes {
            var out = [Double](repeating: .nan, count: n)
            switch rule.kind {
            case .equation(let e) where m.definition.link != .annualHazard:
                // The closed-form links, with every array read through a pointer.
                let link = m.definition.link
                m.baselineLogSurvival.withUnsafeBufferPointer { lnS0 in
                m.meanLinearPredictor.withUnsafeBufferPointer { means in
                m.intercepts.withUnsafeBufferPointer { b0 in
                linearPredictors.elements.withUnsafeBufferPointer { lp in
                statuses.withUnsafeBufferPointer { st in
                stratum.withUnsafeBufferPointer { strat in
                out.withUnsafeMutableBufferPointer { o in
                    for r in 0..<n where st[r].kind == .ok {
                        let s = strat[r]
                        let col = e * nS + s
                        let eta = lp[r + col * n]
                        let v: Double
                        switch link {
                        case .cox: v = -expm1(lnS0[col] * exp(eta - means[col]))
                        case .logistic: v = 1 / (1 + exp(-(b0[col] + eta)))
                        case .exp: v = exp(b0[col] + eta)
                        case .identity, .annualHazard: v = b0[col] + eta
                        }
                        o[r] = recalibrated(v, r, s, e)
                    }
                }
                }
                }
                }
                }
                }
                }
            case .equation(let e):
                // annual_hazard: Σ over follow-up years of rate(year, age class) ·
                // exp(main + attained age · time-varying); a row without a table row, an age or a
                // finite rate in some year is not applicable.
                let unavailable = RowStatus(kind: .notApplicable, detail: UInt64(m.tableReasons[m.hazard?.table ?? ""] ?? m.noStratumReason))
                guard let h = m.hazard, let ages = chunk.columns[h.ageField], hazardRows.count >= h.years * n else {
                    for r in 0..<n where statuses[r].kind == .ok { statuses[r] = unavailable }
                    break
                }
                let years = h.years
                // Whole-number classes (start, width, first; width ≥ 1): the class of a whole age
                // x is floor((x − start) / width) + first in integers, stepped year by year
                // without a division (the same value as the floating-point formula for such
                // numbers).
                let c = h.classes
                let wholeClasses = c.start == c.start.rounded() && c.width == c.width.rounded() && c.first == c.first.rounded()
                    && c.width >= 1 && abs(c.start) < 1e9 && c.width < 1e9 && abs(c.first) < 1e9
                let start = wholeClasses ? Int(c.start) : 0
                let width = wholeClasses ? Int(c.width) : 1
                let first = wholeClasses ? Int(c.first) : 0
                let rateRows = h.rateRows
                let classCount = h.rates.count
                linearPredictors.elements.withUnsafeBufferPointer { lp in
                timeVaryingPredictors.elements.withUnsafeBufferPointer { tvp in
                hazardRows.withUnsafeBufferPointer { tableRows in
                h.flatRates.withUnsafeBufferPointer { rates in
                ages.values.withUnsafeBufferPointer { ageValues in
                ages.states.withUnsafeBufferPointer { ageStates in
                    for r in 0..<n where statuses[r].kind == .ok {
                        let s = stratum[r]
                        let col = e * nS + s
                        let main = lp[r + col * n]
                        let timeVarying = tvp[r + col * n]
                        var total = 0.0
                        var available = ageStates[r] == .present
                        if available {
                            // a is a whole number, so a + t is too: its truncation is itself.
                            let a = ageValues[r].rounded(.towardZero)
                            // Year 0's class and the position in it (integers), when they apply.
                            let integral = wholeClasses && abs(a) < 1e9
                            var cls0 = 0, within = 0
                            if integral {
                                let x = Int(a) - start
                                cls0 = DataTable.floorDivide(x, width)
                                within = x - cls0 * width
                                cls0 += first - h.firstClass
                            }
                            for t in 0..<years {
                                let row = tableRows[t * n + r]
                                guard row >= 0 else { available = false; break }
                                let attained = a + Double(t)
                                let cls: Int
                                if integral {
                                    cls = cls0
                                    within += 1
                                    if within == width { within = 0; cls0 += 1 }
                                } else {
                                    cls = Int(((attained - c.start) / c.width).rounded(.down) + c.first) - h.firstClass
                                }
                                guard cls >= 0, cls < classCount else { available = false; break }
                                let rate = rates[cls * rateRows + row]
                                guard rate.isFinite else { available = false; break }
                                total += rate * exp(main + attained * timeVarying)
                            }
                        }
                        if available {
                            out[r] = recalibrated(-expm1(-total), r, s, e)
                        } else {
                            statuses[r] = unavailable
                        }
                    }
                }
                }
                }
                }
                }
                }
            case .combine(let parts):
                for r in 0..<n where statuses[r].kind == .ok {
                    var survive = 1.0
                    for j in parts { survive *= 1 - computed[j][r] }
                    out[r] = 1 - survive
                }
            case .lookup(let source, let bounds, let values, let labels):
                let src = m.outcomes[source]
                for r in 0..<n where statuses[r].kind == .ok {
                    let x = src.percent ? computed[source][r] * 100 : computed[source][r]
                    var b = 0
                    while b < bounds.count && x >= bounds[b] { b += 1 }
                    out[r] = labels == nil ? values[b] : Double(b)
                }
            }
            for c in rule.conditions {
                guard let col = chunk.columns[c.field] else { continue }
                for r in 0..<n where statuses[r].kind == .ok && col.states[r] == .present {
                    let v = col.values[r]
                    if let lo = c.min, v < lo {
                        out[r] = .nan
                        statuses[r].outcomeNotes |= 1 << UInt64(c.belowNote)
                    } else if let hi = c.max, v > hi {
                        out[r] = .nan
                        statuses[r].outcomeNotes |= 1 << UInt64(c.aboveNote)
                    }
                }
            }
            computed.append(out)
        }
        // Written outcomes leave `computed` (no copy), percentages scaled in place.
        var risks: [[Double]] = []
        for (o, rule) in m.outcomes.enumerated() where rule.written {
            var column: [Double] = []
            swap(&column, &computed[o])
            if rule.percent { column.withUnsafeMutableBufferPointer { c in for i in c.indices { c[i] *= 100 } } }
            risks.append(column)
        }
        return ModelScores(risks: risks, statuses: statuses)
    }

    /// Per-row status from the model's input rules, in order of precedence: malformed row,
    /// invalid, missing, out of range, not applicable.
    /// How one input is checked: the same for every model that reads the field with the same
    /// codes, numbers and range, so the models of a chunk share its per-row outcomes (`checks`).
    struct InputCheck: Hashable {
        let field: Int
        /// The model's copy of the column holds whole numbers (an input rule with `floor`).
        let floored: Bool
        let codes: UInt64?
        let numbers: [Double]?
        let min: Double?
        let max: Double?
        let below: Double?
        /// The field's plausible range (the same for every model of a run; part of the key all
        /// the same).
        let plausibleLo: Double?
        let plausibleHi: Double?
    }

    /// Outcomes of an input check for a row.
    enum CheckOutcome {
        static let ok: UInt8 = 0, missing: UInt8 = 1, invalid: UInt8 = 2, implausible: UInt8 = 3, below: UInt8 = 4, above: UInt8 = 5
    }

    /// Every row's outcome of `check` on `col`: a missing or invalid cell, a code or number not
    /// allowed (invalid), a value outside the field's plausible range, below the minimum, at or
    /// above the `below` bound or above the maximum; computed without branches on a cell's state
    /// or value (rows of one chunk mix them, so branches mispredict).
    static func outcomes(_ check: InputCheck, _ col: FieldColumn, plausible range: ClosedRange<Double>?) -> [UInt8] {
        let n = col.values.count
        let codes = check.codes ?? ~0
        let checksCodes = check.codes != nil
        let numbers = check.numbers ?? []
        let checksNumbers = check.numbers != nil
        let plausibleLo = range?.lowerBound ?? -.infinity
        let plausibleHi = range?.upperBound ?? .infinity
        let checksPlausible = range != nil
        let lo = check.min ?? -.infinity
        let hi = check.max ?? check.below ?? .infinity
        let hiExclusive = check.below != nil
        return [UInt8](unsafeUninitializedCapacity: n) { out, count in
            col.values.withUnsafeBufferPointer { values in
            col.states.withUnsafeBufferPointer { states in
                for r in 0..<n {
                    let state = states[r].rawValue
                    let v = values[r]
                    let present = state == CellState.present.rawValue
                    var bad = false
                    if checksCodes {
                        let inCodes = v >= 0 && v < 64 && (codes >> UInt64(Int(v))) & 1 == 1
                        bad = present && !inCodes
                    }
                    if checksNumbers && present && !bad { bad = !numbers.contains(v) }
                    let plausible = !checksPlausible || (v >= plausibleLo && v <= plausibleHi)
                    let isBelow = v < lo
                    let isAbove = v > hi || (hiExclusive && v == hi)
                    var o = isAbove ? CheckOutcome.above : CheckOutcome.ok
                    o = isBelow ? CheckOutcome.below : o
                    o = plausible ? o : CheckOutcome.implausible
                    o = bad || state == CellState.invalid.rawValue ? CheckOutcome.invalid : o
                    o = state == CellState.missing.rawValue ? CheckOutcome.missing : o
                    (out.baseAddress! + r).initialize(to: o)
                }
            }
            }
            count = n
        }
    }

    /// `rowStatuses` with the input checks' outcomes shared through `checks` (one chunk).
    func rowStatuses(_ m: CompiledModel, _ chunk: RecordChunk, checks: inout [InputCheck: [UInt8]]) -> [RowStatus] {
        let n = chunk.count
        // Per row bit sets (bit k = input k): invalid, missing, outside, missing optional, derived;
        // and the first not-applicable reason. One allocation, walked through raw pointers.
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: 5 * n)
        words.initialize(repeating: 0, count: 5 * n)
        defer { words.deallocate() }
        let invalid = words, missing = words + n, outside = words + 2 * n, missingOptional = words + 3 * n, derived = words + 4 * n
        let reason = UnsafeMutablePointer<Int32>.allocate(capacity: max(n, 1))
        reason.initialize(repeating: -1, count: n)
        defer { reason.deallocate() }
        for (k, rule) in m.inputs.enumerated() {
            let bit: UInt64 = 1 << UInt64(k)
            guard let col = chunk.columns[rule.field] else {
                let target = rule.optional ? missingOptional : missing
                for r in 0..<n { target[r] |= bit }
                continue
            }
            if let d = chunk.derived[rule.field] {
                for r in 0..<n where d[r] { derived[r] |= bit }
            }
            let key = InputCheck(
                field: rule.field, floored: m.inputs.contains { $0.field == rule.field && $0.floor },
                codes: rule.allowedCodes, numbers: rule.allowedNumbers, min: rule.min, max: rule.max, below: rule.below,
                plausibleLo: rule.spec.plausible?.lowerBound, plausibleHi: rule.spec.plausible?.upperBound)
            let outcome: [UInt8]
            if let shared = checks[key] {
                outcome = shared
            } else {
                outcome = Self.outcomes(key, col, plausible: rule.spec.plausible)
                checks[key] = outcome
            }
            // What each outcome sets for this model: a bit of one set, or a not-applicable reason
            // (the first one found is kept).
            let missingTarget = rule.optional ? missingOptional : missing
            let belowReason = rule.belowReason.map(Int32.init) ?? -1
            let aboveReason = rule.aboveReason.map(Int32.init) ?? -1
            let setsMissing: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, bit, 0, 0, 0, 0)
            let setsInvalid: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, bit, 0, 0, 0)
            let setsOutside: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
                0, 0, 0, bit, belowReason < 0 ? bit : 0, aboveReason < 0 ? bit : 0)
            let reasons: (Int32, Int32, Int32, Int32, Int32, Int32) = (-1, -1, -1, -1, belowReason, aboveReason)
            withUnsafeBytes(of: setsMissing) { setsMissing in
            withUnsafeBytes(of: setsInvalid) { setsInvalid in
            withUnsafeBytes(of: setsOutside) { setsOutside in
            withUnsafeBytes(of: reasons) { reasons in
            outcome.withUnsafeBufferPointer { outcome in
                let sm = setsMissing.bindMemory(to: UInt64.self), si = setsInvalid.bindMemory(to: UInt64.self)
                let so = setsOutside.bindMemory(to: UInt64.self), sr = reasons.bindMemory(to: Int32.self)
                for r in 0..<n {
                    let o = Int(outcome[r])
                    if o == 0 { continue }  // most rows pass most checks
                    missingTarget[r] |= sm[o]
                    invalid[r] |= si[o]
                    outside[r] |= so[o]
                    let old = reason[r]
                    reason[r] = old < 0 ? sr[o] : old
                }
            }
            }
            }
            }
            }
        }
        for (k, check) in m.ratioChecks.enumerated() {
            let bit: UInt64 = 1 << UInt64(m.inputs.count + k)
            guard let num = chunk.columns[check.numerator], let den = chunk.columns[check.denominator] else { continue }
            for r in 0..<n where num.states[r] == .present && den.states[r] == .present {
                let x = num.values[r] / den.values[r] * check.multiplier
                if let lo = check.min, x < lo { outside[r] |= bit }
                if let hi = check.max, x > hi { outside[r] |= bit }
            }
        }
        for e in m.exclusions {
            guard let col = chunk.columns[e.field] else { continue }
            for r in 0..<n where col.states[r] == .present && col.values[r] == e.value && reason[r] < 0 {
                reason[r] = Int32(e.reason)
            }
        }
        return chunk.malformed.withUnsafeBufferPointer { malformed in
            [RowStatus](unsafeUninitializedCapacity: n) { out, count in
                for r in 0..<n {
                    var st: RowStatus
                    if malformed[r] {
                        st = .invalidRow
                    } else if invalid[r] != 0 {
                        st = RowStatus(kind: .invalid, detail: invalid[r])
                    } else if missing[r] != 0 {
                        st = RowStatus(kind: .missing, detail: missing[r])
                    } else if outside[r] != 0 {
                        st = RowStatus(kind: .outOfRange, detail: outside[r])
                    } else if reason[r] >= 0 {
                        st = RowStatus(kind: .notApplicable, detail: UInt64(reason[r]))
                    } else {
                        st = .ok
                    }
                    st.missingOptional = missingOptional[r]
                    st.derived = derived[r]
                    (out.baseAddress! + r).initialize(to: st)
                }
                count = n
            }
        }
    }

    func strata(_ m: CompiledModel, _ chunk: RecordChunk) -> [Int] {
        let n = chunk.count
        if m.strata.count == 1 && m.strata[0].conditions.isEmpty { return [Int](repeating: 0, count: n) }
        // Per condition field, the bit of each row's category code (0 when not present).
        var fields: [Int] = []
        for s in m.strata { for c in s.conditions where !fields.contains(c.field) { fields.append(c.field) } }
        var bits = [UInt64](repeating: 0, count: fields.count * n)
        for (k, f) in fields.enumerated() {
            guard let col = chunk.columns[f] else { continue }
            col.values.withUnsafeBufferPointer { v in
                col.states.withUnsafeBufferPointer { st in
                    for r in 0..<n where st[r] == .present { bits[k * n + r] = 1 << UInt64(v[r]) }
                }
            }
        }
        let rules: [[(offset: Int, codes: UInt64)]] = m.strata.map { s in
            s.conditions.map { c in (fields.firstIndex(of: c.field)! * n, c.codes) }
        }
        var out = [Int](repeating: -1, count: n)
        bits.withUnsafeBufferPointer { b in
            for r in 0..<n {
                strataLoop: for (s, conds) in rules.enumerated() {
                    for c in conds where b[c.offset + r] & c.codes == 0 { continue strataLoop }
                    out[r] = s
                    break
                }
            }
        }
        return out
    }

    /// A feature's column: its kind computes it; rows where its optional input is missing get 0.
    private func compute(
        _ step: CompiledModel.FeatureStep, _ chunk: RecordChunk, _ earlier: [[Double]], _ m: CompiledModel,
        _ tableRows: [String: [Int]]
    ) -> [Double] {
        let n = chunk.count
        var out = step.kind.evaluate(FeatureColumns(chunk: chunk, earlier: earlier, tableRows: tableRows, tables: m.tables))
        if let z = step.zeroWhenMissing {
            if let col = chunk.columns[z] {
                for r in 0..<n where col.states[r] == .missing { out[r] = 0 }
            } else {
                for r in 0..<n { out[r] = 0 }
            }
        }
        return out
    }
}
