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
    /// Per outcome (in the model's outcome order), the risk in percent for each row; NaN where
    /// the row's status is not ok.
    public var risks: [[Double]]
    /// Per row, the status.
    public var statuses: [RowStatus]
}

/// Scores chunks. Holds scratch buffers, so use one instance per thread.
public final class Evaluator {
    public let models: [CompiledModel]
    private var design = Matrix(rows: 0, columns: 0)
    private var linearPredictors = Matrix(rows: 0, columns: 0)

    public init(models: [CompiledModel]) {
        self.models = models
    }

    /// Scores every model on the chunk.
    public func score(_ chunk: RecordChunk) -> [ModelScores] {
        var cache: [String: [Double]] = [:]
        return models.map { score($0, chunk, cache: &cache) }
    }

    private func score(_ m: CompiledModel, _ chunk: RecordChunk, cache: inout [String: [Double]]) -> ModelScores {
        let n = chunk.count
        let statuses = rowStatuses(m, chunk)
        let stratum = strata(m, chunk)
        let noStratumReason = UInt64(m.reasons.count - 2)  // the loader appends these two reasons last

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
                column = compute(step, chunk, featureColumns)
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
        let nCols = m.definition.outcomes.count * m.strata.count
        let b = try! Matrix(rows: p, columns: nCols, columnMajor: m.coefficients)
        // Shapes are fixed by construction (p features, p coefficient rows), so this cannot fail.
        try! BLAS.gemm(design, b, into: &linearPredictors)

        // Link and recalibration.
        var finalStatuses = statuses
        var risks: [[Double]] = []
        let nS = m.strata.count
        let recalValues = m.recalibrationField.flatMap { chunk.columns[$0]?.values }
        for o in 0..<m.definition.outcomes.count {
            var out = [Double](repeating: .nan, count: n)
            linearPredictors.elements.withUnsafeBufferPointer { lp in
                for r in 0..<n where finalStatuses[r].kind == .ok {
                    let s = stratum[r]
                    if s < 0 {
                        finalStatuses[r] = RowStatus(kind: .notApplicable, detail: noStratumReason)
                        continue
                    }
                    let col = o * nS + s
                    let eta = lp[r + col * n]
                    var risk: Double
                    switch m.definition.link {
                    case .cox:
                        risk = -expm1(m.baselineLogSurvival[col] * exp(eta - m.meanLinearPredictor[col]))
                    case .logistic:
                        risk = 1 / (1 + exp(-(m.intercepts[col] + eta)))
                    }
                    if let values = recalValues {
                        let code = Int(values[r])
                        guard let scales = m.recalibrationScales[code] else {
                            finalStatuses[r] = RowStatus(kind: .notApplicable, detail: noStratumReason + 1)
                            continue
                        }
                        let (a, bb) = scales[s]
                        risk = -expm1(-exp(a + bb * log(-log1p(-risk))))
                    }
                    out[r] = risk * 100
                }
            }
            risks.append(out)
        }
        // A row whose status changed during the link (no stratum) loses any earlier outcome.
        for r in 0..<n where finalStatuses[r].kind != .ok {
            for o in risks.indices { risks[o][r] = .nan }
        }
        return ModelScores(risks: risks, statuses: finalStatuses)
    }

    /// Per-row status from the model's input rules, in order of precedence: malformed row,
    /// invalid, missing, out of range, not applicable.
    func rowStatuses(_ m: CompiledModel, _ chunk: RecordChunk) -> [RowStatus] {
        let n = chunk.count
        var invalid = [UInt64](repeating: 0, count: n)
        var missing = [UInt64](repeating: 0, count: n)
        var outside = [UInt64](repeating: 0, count: n)
        var reason = [Int32](repeating: -1, count: n)
        for (k, rule) in m.inputs.enumerated() {
            let bit: UInt64 = 1 << UInt64(k)
            guard let col = chunk.columns[rule.field] else {
                for r in 0..<n { missing[r] |= bit }
                continue
            }
            let plausible = rule.spec.plausible
            for r in 0..<n {
                switch col.states[r] {
                case .missing: missing[r] |= bit
                case .invalid: invalid[r] |= bit
                case .present:
                    let v = col.values[r]
                    if let allowed = rule.allowedCodes, allowed & (1 << UInt64(v)) == 0 {
                        invalid[r] |= bit
                        continue
                    }
                    if let pl = plausible, !pl.contains(v) {
                        outside[r] |= bit
                        continue
                    }
                    if let lo = rule.min, v < lo {
                        if let br = rule.belowReason {
                            if reason[r] < 0 { reason[r] = Int32(br) }
                        } else {
                            outside[r] |= bit
                        }
                    } else if let hi = rule.max, v > hi {
                        if let ar = rule.aboveReason {
                            if reason[r] < 0 { reason[r] = Int32(ar) }
                        } else {
                            outside[r] |= bit
                        }
                    }
                }
            }
        }
        for e in m.exclusions {
            guard let col = chunk.columns[e.field] else { continue }
            for r in 0..<n where col.states[r] == .present && col.values[r] == e.value && reason[r] < 0 {
                reason[r] = Int32(e.reason)
            }
        }
        var out = [RowStatus](repeating: .ok, count: n)
        for r in 0..<n {
            if chunk.malformed[r] {
                out[r] = .invalidRow
            } else if invalid[r] != 0 {
                out[r] = RowStatus(kind: .invalid, detail: invalid[r])
            } else if missing[r] != 0 {
                out[r] = RowStatus(kind: .missing, detail: missing[r])
            } else if outside[r] != 0 {
                out[r] = RowStatus(kind: .outOfRange, detail: outside[r])
            } else if reason[r] >= 0 {
                out[r] = RowStatus(kind: .notApplicable, detail: UInt64(reason[r]))
            }
        }
        return out
    }

    /// The stratum of each row (first match), or −1.
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

    private func compute(_ step: CompiledModel.FeatureStep, _ chunk: RecordChunk, _ earlier: [[Double]]) -> [Double] {
        let n = chunk.count
        func values(_ field: Int) -> [Double] {
            chunk.columns[field]?.values ?? [Double](repeating: .nan, count: n)
        }
        switch step.op {
        case .linear(let field, let center, let scale):
            let x = values(field)
            if center == 0 && scale == 1 { return x }
            return x.map { ($0 - center) / scale }
        case .log(let field, let multiplier, let center):
            let x = values(field)
            if multiplier == 1 && center == 0 { return x.map { Foundation.log($0) } }
            return x.map { Foundation.log($0 * multiplier) - center }
        case .hinge(let field, let knot, let above):
            let x = values(field)
            return above ? x.map { $0.isNaN ? .nan : Swift.max($0 - knot, 0) } : x.map { $0.isNaN ? .nan : Swift.max(knot - $0, 0) }
        case .indicator(let field, let value):
            let x = values(field)
            return x.map { $0.isNaN ? .nan : ($0 == value ? 1 : 0) }
        case .product(let idx):
            var out = earlier[idx[0]]
            for j in idx.dropFirst() {
                let y = earlier[j]
                for r in 0..<n { out[r] *= y[r] }
            }
            return out
        }
    }
}
