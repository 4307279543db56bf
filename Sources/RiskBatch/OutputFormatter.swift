import RiskAlerts
import RiskCore
import RiskModels

/// Turns parsed and scored chunks into output CSV bytes (../SCHEMA.md): `id`, each model's
/// outcome columns, each model's status column, `flags`, then the pass-through columns as they
/// were in the input.
final class OutputFormatter: Sendable {
    let options: ScoreOptions
    let layout: InputLayout
    /// Per model: the index of the outcome the risk bands apply to (first 10-year outcome).
    let bandOutcome: [Int?]
    /// Per model, per band: flag bytes `<model>:<band code>`.
    let bandFlags: [[[UInt8]]]
    let urgentFlag: [UInt8]
    let okBytes: [UInt8] = Array("ok".utf8)
    let sbpField = CanonicalSchema.indexByName["sbp"]!
    let dbpField = CanonicalSchema.indexByName["dbp"]!

    init(options: ScoreOptions, layout: InputLayout) {
        self.options = options
        self.layout = layout
        self.bandOutcome = options.models.map { m in m.definition.outcomes.firstIndex { $0.horizonYears == 10 } }
        self.bandFlags = options.models.map { m in options.flags.riskBands.bands.map { Array("\(m.id):\($0.code)".utf8) } }
        self.urgentFlag = Array(options.flags.bloodPressure.urgent.code.utf8)
    }

    func headerLine() -> [UInt8] {
        var names = ["id"]
        for m in options.models { names.append(contentsOf: m.outputColumns) }
        for m in options.models { names.append(m.statusColumn) }
        names.append("flags")
        names.append(contentsOf: layout.passThrough)
        return Array((names.map(Self.quoteIfNeeded).joined(separator: ",") + "\n").utf8)
    }

    static func quoteIfNeeded(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    func process(_ work: ChunkWork, evaluators: EvaluatorPool) -> ChunkResult {
        work.bytes.withUnsafeBufferPointer { bytes in
            let parsed = ChunkParser.parse(bytes, layout: layout, parameters: options.parameters)
            let evaluator = evaluators.take()
            let scores = evaluator.score(parsed.records)
            evaluators.give(evaluator)
            return format(parsed, scores, bytes)
        }
    }

    private func format(_ parsed: ParsedChunk, _ scores: [ModelScores], _ bytes: UnsafeBufferPointer<UInt8>) -> ChunkResult {
        let n = parsed.rows
        let models = options.models
        var counts = ChunkCounts()
        counts.rows = n
        counts.blank = parsed.blankLines
        counts.malformed = parsed.records.malformed.lazy.filter { $0 }.count
        counts.status = Array(repeating: [:], count: models.count)
        counts.bands = Array(repeating: Array(repeating: 0, count: options.flags.riskBands.bands.count), count: models.count)
        var statusText: [[RowStatus: [UInt8]]] = Array(repeating: [:], count: models.count)
        var statusTally: [[RowStatus: Int]] = Array(repeating: [:], count: models.count)
        var okTally = [Int](repeating: 0, count: models.count)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + n * (16 + models.count * 24))
        var placeholders: [Int] = []
        let sbp = parsed.records.columns[sbpField]
        let dbp = parsed.records.columns[dbpField]
        let sbpPlausible = CanonicalSchema.fields[sbpField].plausible!
        let dbpPlausible = CanonicalSchema.fields[dbpField].plausible!
        let digits = options.digits
        let rules = options.flags
        let rawCount = parsed.rawCount
        var urgentCount = 0

        for r in 0..<n {
            // id
            if layout.hasID {
                let s = Int(parsed.rawSpans[r * rawCount * 2]), e = Int(parsed.rawSpans[r * rawCount * 2 + 1])
                if e > s { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[s..<e])) }
            } else {
                placeholders.append(out.count)
            }
            // risks
            for (m, sc) in scores.enumerated() {
                _ = m
                for o in 0..<sc.risks.count {
                    out.append(0x2C)
                    let v = sc.risks[o][r]
                    if !v.isNaN { NumberFormatting.appendFixed(v, digits: digits, to: &out) }
                }
            }
            // statuses
            for (m, sc) in scores.enumerated() {
                out.append(0x2C)
                let st = sc.statuses[r]
                if st.kind == .ok {
                    out.append(contentsOf: okBytes)
                    okTally[m] += 1
                    continue
                }
                statusTally[m][st, default: 0] += 1
                if let t = statusText[m][st] {
                    out.append(contentsOf: t)
                } else {
                    let t = Array(models[m].render(st).utf8)
                    statusText[m][st] = t
                    out.append(contentsOf: t)
                }
            }
            // flags
            out.append(0x2C)
            var first = true
            for (m, sc) in scores.enumerated() {
                guard let o = bandOutcome[m] else { continue }
                let v = sc.risks[o][r]
                if v.isNaN { continue }
                let b = rules.bandIndex(of: v)
                counts.bands[m][b] += 1
                if !first { out.append(0x3B) }
                out.append(contentsOf: bandFlags[m][b])
                first = false
            }
            if !parsed.records.malformed[r] {
                var s = Double.nan
                var d = Double.nan
                if let sbp, sbp.states[r] == .present, sbpPlausible.contains(sbp.values[r]) { s = sbp.values[r] }
                if let dbp, dbp.states[r] == .present, dbpPlausible.contains(dbp.values[r]) { d = dbp.values[r] }
                if rules.isUrgent(sbp: s, dbp: d) {
                    if !first { out.append(0x3B) }
                    out.append(contentsOf: urgentFlag)
                    urgentCount += 1
                }
            }
            // pass-through
            let firstPass = layout.hasID ? 1 : 0
            if rawCount > firstPass {
                for k in firstPass..<rawCount {
                    out.append(0x2C)
                    let s = Int(parsed.rawSpans[(r * rawCount + k) * 2]), e = Int(parsed.rawSpans[(r * rawCount + k) * 2 + 1])
                    if e > s { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[s..<e])) }
                }
            }
            out.append(0x0A)
        }
        for m in 0..<models.count {
            if okTally[m] > 0 { counts.status[m]["ok", default: 0] += okTally[m] }
            for (st, c) in statusTally[m] {
                counts.status[m][String(decoding: statusText[m][st]!, as: UTF8.self), default: 0] += c
            }
        }
        if urgentCount > 0 { counts.flags[String(decoding: urgentFlag, as: UTF8.self)] = urgentCount }
        return ChunkResult(bytes: out, counts: counts, idPlaceholders: placeholders)
    }

    /// Inserts row numbers at the placeholder offsets (inputs without an id column).
    static func fillRowNumbers(_ bytes: [UInt8], placeholders: [Int], firstRow: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + placeholders.count * 8)
        var prev = 0
        for (k, p) in placeholders.enumerated() {
            out.append(contentsOf: bytes[prev..<p])
            NumberFormatting.appendInteger(UInt64(firstRow + k), to: &out)
            prev = p
        }
        out.append(contentsOf: bytes[prev...])
        return out
    }
}
