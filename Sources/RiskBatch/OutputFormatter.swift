import Crypto
import Foundation
import RiskAlerts
import RiskCore
import RiskModels

/// Turns parsed and scored chunks into output CSV bytes (README.md, "Input and output"): `id`, each model's
/// outcome columns, each model's status column, `flags`, then the pass-through columns as they
/// were in the input.
final class OutputFormatter: Sendable {
    let options: ScoreOptions
    let layout: InputLayout
    /// Per model: the written column the risk bands apply to (first 10-year risk).
    let bandOutcome: [Int?]
    /// Per written column of all models: decimals, and label bytes for label columns.
    let columnDigits: [Int]
    let columnLabels: [[[UInt8]]?]
    /// Per model, per band: flag bytes `<model>:<band code>`.
    let bandFlags: [[[UInt8]]]
    let urgentFlag: [UInt8]
    /// Whether the built-in urgent-BP flag is written: not when an alert rule has its code (the
    /// rule file's `bp_urgent` replaces it).
    let writesUrgentFlag: Bool
    /// Per alert rule (`options.alertRules`, in file order): its id as flag bytes.
    let ruleFlags: [[UInt8]]
    /// Raw pass-through slots written (with `--pseudonymise`: only those `ColumnPrivacy` does not drop).
    let writtenRaw: [Int]
    /// Per raw slot: written as a keyed hash (id-like columns with `--pseudonymise`).
    let hashedRaw: [Bool]
    /// The pseudonymisation key bytes (a SymmetricKey is made per use: it is not Sendable).
    let pseudonymKey: [UInt8]?
    /// Per field slot, the input column's header (for the rejects file).
    let slotColumns: [String]
    /// Every flag's bytes in one array (padded for `ByteWriter.appendShort`): band flags
    /// (`bandFlagSpans`, model · bands + band), the urgent-BP flag and the alert rules' ids
    /// (`ruleFlagSpans`); the longest flags cell possible.
    let flagBytes: [UInt8]
    let bandFlagSpans: [(start: Int, end: Int)]
    let urgentFlagSpan: (start: Int, end: Int)
    let ruleFlagSpans: [(start: Int, end: Int)]
    let flagBytesMax: Int
    let sbpField = CanonicalSchema.indexByName["sbp"]!
    let dbpField = CanonicalSchema.indexByName["dbp"]!

    init(options: ScoreOptions, layout: InputLayout) {
        self.options = options
        self.layout = layout
        self.bandOutcome = options.models.map(\.bandColumn)
        self.columnDigits = options.models.flatMap { m in m.outputDigits.map { $0 ?? options.digits } }
        self.columnLabels = options.models.flatMap { m in m.outputLabels.map { $0?.map { Array($0.utf8) } } }
        self.bandFlags = options.models.map { m in options.flags.riskBands.bands.map { Array("\(m.id):\($0.code)".utf8) } }
        self.urgentFlag = Array(options.flags.bloodPressure.urgent.code.utf8)
        let urgentCode = options.flags.bloodPressure.urgent.code
        self.writesUrgentFlag = !(options.alertRules?.rules.contains { $0.id == urgentCode } ?? false)
        self.ruleFlags = options.alertRules?.rules.map { Array($0.id.utf8) } ?? []
        var flat: [UInt8] = []
        func add(_ b: [UInt8]) -> (start: Int, end: Int) {
            flat.append(contentsOf: b)
            return (flat.count - b.count, flat.count)
        }
        self.bandFlagSpans = bandFlags.flatMap { $0.map(add) }
        self.urgentFlagSpan = add(urgentFlag)
        self.ruleFlagSpans = ruleFlags.map(add)
        self.flagBytes = ByteWriter.paddedForShortCopies(flat)
        self.flagBytesMax = flat.count + bandFlagSpans.count + ruleFlagSpans.count + 1
        let firstPass = layout.hasID ? 1 : 0
        let passSlots = Array(firstPass..<(firstPass + layout.passThrough.count))
        self.pseudonymKey = options.pseudonymisationKey
        var hashed = [Bool](repeating: false, count: firstPass + layout.passThrough.count)
        if options.pseudonymisationKey == nil {
            self.writtenRaw = passSlots
        } else {
            let keep = Set(options.keepColumns.map(TextFolding.fold))
            var written: [Int] = []
            for slot in passSlots {
                let treatment = ColumnPrivacy.treatment(
                    header: layout.passThrough[slot - firstPass],
                    markedIdentifying: layout.markedIdentifyingRaw.contains(slot), keepColumns: keep)
                if treatment == .drop { continue }
                written.append(slot)
                hashed[slot] = treatment == .pseudonymise
            }
            self.writtenRaw = written
        }
        self.hashedRaw = hashed
        var names = [String](repeating: "", count: layout.fields.count)
        for (c, role) in layout.roles.enumerated() { if case .field(let slot) = role { names[slot] = layout.header[c] } }
        self.slotColumns = names
    }

    /// Canonical field indexes written after the pass-through columns.
    var keptFields: [Int] { options.keepFields.compactMap { layout.catalog.indexByName[$0] } }

    /// A canonical value as text: numbers in shortest round-trip form (whole numbers without a
    /// decimal point), categories by name, dates as yyyy-mm-dd, countries as ISO3.
    static func canonicalText(_ v: Double, _ kind: FieldKind) -> String {
        switch kind {
        case .category(let vocab): return vocab.values[Int(v)]
        case .iso3: return ISO3.text(v)
        case .date:
            let c = CalendarDate.civil(Int(v))
            return String(format: "%04d-%02d-%02d", c.year, c.month, c.day)
        case .numeric, .binary, .code:
            return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
        }
    }

    /// Header names of the pass-through columns written.
    var writtenPassThrough: [String] {
        let firstPass = layout.hasID ? 1 : 0
        return writtenRaw.map { layout.passThrough[$0 - firstPass] }
    }

    /// Header names of the pass-through columns not written (identifying, pseudonymised runs);
    /// one pass with a set of written slots, linear in the number of columns.
    var droppedPassThrough: [String] {
        let firstPass = layout.hasID ? 1 : 0
        let written = Set(writtenRaw)
        return layout.passThrough.indices.filter { !written.contains($0 + firstPass) }.map { layout.passThrough[$0] }
    }

    /// Pass-through columns written as keyed hashes, in input order.
    var pseudonymisedPassThrough: [String] {
        let firstPass = layout.hasID ? 1 : 0
        return writtenRaw.filter { hashedRaw[$0] }.map { layout.passThrough[$0 - firstPass] }
    }

    func headerLine() -> [UInt8] {
        var names = ["id"]
        for m in options.models { names.append(contentsOf: m.outputColumns) }
        for m in options.models { names.append(m.statusColumn) }
        names.append("flags")
        names.append(contentsOf: writtenPassThrough)
        names.append(contentsOf: options.keepFields)
        return Array(CSV.line(names).utf8)
    }

    func process(_ work: ChunkWork, evaluators: EvaluatorPool) -> ChunkResult {
        work.bytes.withUnsafeBufferPointer { bytes in
            var parsed = ChunkParser.parse(bytes, layout: layout, parameters: options.parameters, unitsAuto: options.unitsAuto)
            let evaluator = evaluators.take()
            parsed.records = evaluator.prepare(parsed.records)
            let scores = evaluator.score(prepared: parsed.records)
            evaluators.give(evaluator)
            return format(parsed, scores, bytes)
        }
    }

    func format(_ parsed: ParsedChunk, _ scores: [ModelScores], _ bytes: UnsafeBufferPointer<UInt8>) -> ChunkResult {
        let n = parsed.rows
        let models = options.models
        let nm = models.count
        var counts = ChunkCounts()
        counts.rows = n
        counts.blank = parsed.blankLines
        counts.malformed = parsed.records.malformed.lazy.filter { $0 }.count
        counts.status = Array(repeating: [:], count: nm)
        let nBands = options.flags.riskBands.bands.count
        var bandTally = [Int](repeating: 0, count: nm * nBands)
        var okTally = [Int](repeating: 0, count: nm)
        // Room for the whole chunk's output, so the writer rarely grows (a growth copies it):
        // the input's bytes (pass-through) and per row up to ~8 bytes a number, and per model
        // ~40 for its status and flag.
        var w = ByteWriter(capacity: bytes.count + n * (16 + columnDigits.count * 8 + nm * 40) + flagBytesMax + 64)
        var placeholders: [Int] = []
        let key = pseudonymKey.map { SymmetricKey(data: $0) }

        // Risks row-major for the hot loop (row · nr + output column), and the column of each
        // model's band risk (−1 when none).
        var bandColumn = [Int](repeating: -1, count: nm)
        var nr = 0
        for (m, sc) in scores.enumerated() {
            if let o = bandOutcome[m] { bandColumn[m] = nr + o }
            nr += sc.risks.count
        }
        let riskRows = [Double](unsafeUninitializedCapacity: n * nr) { dst, count in
            var c = 0
            for sc in scores {
                for col in sc.risks {
                    col.withUnsafeBufferPointer { src in
                        for r in 0..<n { (dst.baseAddress! + r * nr + c).initialize(to: src[r]) }
                    }
                    c += 1
                }
            }
            count = n * nr
        }
        // Each row's status per model as a code (row · nm + model): 0 for a plain `ok`, k + 1 for
        // the k-th distinct status met in this chunk, whose text is `statusBytes[statusSpans[k]]`.
        // Found model by model (sequential reads), the last hit first, then a linear search (a
        // chunk has few distinct statuses).
        var seenModel: [Int] = []
        var seenStatus: [RowStatus] = []
        var seenCount: [Int] = []
        var seenText: [[UInt8]] = []
        var statusBytes: [UInt8] = []
        var statusSpans: [(start: Int, end: Int)] = []
        var statusCode = [UInt32](repeating: 0, count: n * nm)
        statusCode.withUnsafeMutableBufferPointer { code in
            for (m, sc) in scores.enumerated() {
                var last = -1
                var ok = 0
                // This model's entries of the table (a miss searches only these).
                var mine: [Int] = []
                sc.statuses.withUnsafeBufferPointer { st in
                    for r in 0..<n {
                        let s = st[r]
                        if s.isPlainOK { ok += 1; continue }
                        if last < 0 || seenStatus[last] != s {
                            last = -1
                            for k in mine where seenStatus[k] == s { last = k; break }
                            if last < 0 {
                                mine.append(seenStatus.count)
                                let text = Array(models[m].render(s).utf8)
                                seenModel.append(m)
                                seenStatus.append(s)
                                seenCount.append(0)
                                seenText.append(text)
                                statusSpans.append((statusBytes.count, statusBytes.count + text.count))
                                statusBytes.append(contentsOf: text)
                                last = seenStatus.count - 1
                            }
                        }
                        seenCount[last] += 1
                        code[r * nm + m] = UInt32(last + 1)
                    }
                }
                okTally[m] = ok
            }
        }
        // Label columns: per output column, the first of its labels in `labelSpans` (−1: a number).
        var labelFirst = [Int](repeating: -1, count: columnLabels.count)
        var labelBytes: [UInt8] = []
        var labelSpans: [(start: Int, end: Int)] = []
        for (c, labels) in columnLabels.enumerated() {
            guard let labels else { continue }
            labelFirst[c] = labelSpans.count
            for l in labels {
                labelSpans.append((labelBytes.count, labelBytes.count + l.count))
                labelBytes.append(contentsOf: l)
            }
        }
        var urgent = [Bool](repeating: false, count: n)
        let sbp = parsed.records.columns[sbpField]
        let dbp = parsed.records.columns[dbpField]
        let sbpPlausible = CanonicalSchema.fields[sbpField].plausible!
        let dbpPlausible = CanonicalSchema.fields[dbpField].plausible!
        let rules = options.flags
        var urgentCount = 0
        for r in 0..<n where writesUrgentFlag && !parsed.records.malformed[r] {
            var s = Double.nan
            var d = Double.nan
            if let sbp, sbp.states[r] == .present, sbpPlausible.contains(sbp.values[r]) { s = sbp.values[r] }
            if let dbp, dbp.states[r] == .present, dbpPlausible.contains(dbp.values[r]) { d = dbp.values[r] }
            if rules.isUrgent(sbp: s, dbp: d) { urgent[r] = true; urgentCount += 1 }
        }
        // Alert rules, evaluated over the chunk's columns (inputs as read or derived, model outputs).
        var firedFlat: [Bool] = []
        var ruleTally = [Int](repeating: 0, count: ruleFlags.count)
        if let alertRules = options.alertRules {
            for f in alertRules.evaluate(rows: n, columns: alertRules.chunkColumns(chunk: parsed.records, models: models, scores: scores)) {
                firedFlat.append(contentsOf: f)
            }
        }
        let nRules = n > 0 ? firedFlat.count / n : 0
        let rawCount = parsed.rawCount
        let bandBounds = rules.riskBands.bands.compactMap(\.below)
        // Room for a typical row, reserved once per row so most appends do not grow the buffer
        // (every append still checks its own room).
        // The formatter's tables as locals for the row loop (a computed `keptFields` would be
        // rebuilt for every row).
        let keptFields = self.keptFields
        let keptKinds = keptFields.map { layout.catalog.fields[$0].kind }
        let writtenRaw = self.writtenRaw
        let hashedRaw = self.hashedRaw
        let columnDigits = self.columnDigits
        let bandFlagSpans = self.bandFlagSpans
        let ruleFlagSpans = self.ruleFlagSpans
        let urgentFlagSpan = self.urgentFlagSpan
        let fixedRowBytes = 2 + nr + nm + flagBytesMax + keptFields.count * 2

        riskRows.withUnsafeBufferPointer { risks in
        statusCode.withUnsafeBufferPointer { statusCode in
        ByteWriter.paddedForShortCopies(statusBytes).withUnsafeBufferPointer { statusBytes in
        ByteWriter.paddedForShortCopies(labelBytes).withUnsafeBufferPointer { labelBytes in
        columnDigits.withUnsafeBufferPointer { columnDigits in
        labelFirst.withUnsafeBufferPointer { labelFirst in
        firedFlat.withUnsafeBufferPointer { fired in
        flagBytes.withUnsafeBufferPointer { flagBytes in
        parsed.rawSpans.withUnsafeBufferPointer { spans in
        parsed.records.malformed.withUnsafeBufferPointer { malformed in
            for r in 0..<n {
                w.reserve(fixedRowBytes)
                // id
                if layout.hasID {
                    let s = Int(spans[r * rawCount * 2]), e = Int(spans[r * rawCount * 2 + 1])
                    if e > s {
                        if let key {
                            w.append(contentsOf: pseudonym(UnsafeBufferPointer(rebasing: bytes[s..<e]), key))
                        } else {
                            appendRaw(UnsafeBufferPointer(rebasing: bytes[s..<e]), to: &w)
                        }
                    }
                } else {
                    placeholders.append(w.count)
                }
                // risks
                let rowRisks = risks.baseAddress! + r * nr
                for c in 0..<nr {
                    w.append(0x2C)
                    let v = rowRisks[c]
                    if v.isNaN { continue }
                    let lf = labelFirst[c]
                    if lf >= 0 {
                        let span = labelSpans[lf + Int(v)]
                        w.appendShort(labelBytes.baseAddress! + span.start, count: span.end - span.start)
                    } else {
                        NumberFormatting.appendFixed(v, digits: columnDigits[c], to: &w)
                    }
                }
                // statuses
                let rowCodes = statusCode.baseAddress! + r * nm
                for m in 0..<nm {
                    w.append(0x2C)
                    let code = Int(rowCodes[m])
                    if code == 0 {
                        w.append(0x6F)
                        w.append(0x6B)
                    } else {
                        let span = statusSpans[code - 1]
                        w.appendShort(statusBytes.baseAddress! + span.start, count: span.end - span.start)
                    }
                }
                // flags
                w.append(0x2C)
                var first = true
                for m in 0..<nm {
                    let bc = bandColumn[m]
                    if bc < 0 { continue }
                    let v = rowRisks[bc]
                    if v.isNaN { continue }
                    var b = 0
                    while b < bandBounds.count && v >= bandBounds[b] { b += 1 }
                    bandTally[m * nBands + b] += 1
                    if !first { w.append(0x3B) }
                    let span = bandFlagSpans[m * nBands + b]
                    w.appendShort(flagBytes.baseAddress! + span.start, count: span.end - span.start)
                    first = false
                }
                if urgent[r] {
                    if !first { w.append(0x3B) }
                    w.appendShort(flagBytes.baseAddress! + urgentFlagSpan.start, count: urgentFlagSpan.end - urgentFlagSpan.start)
                    first = false
                }
                if !malformed[r] {
                    for k in 0..<nRules where fired[k * n + r] {
                        if !first { w.append(0x3B) }
                        let span = ruleFlagSpans[k]
                        w.appendShort(flagBytes.baseAddress! + span.start, count: span.end - span.start)
                        ruleTally[k] += 1
                        first = false
                    }
                }
                // pass-through
                // (With --pseudonymise a malformed row's cells may be shifted: none is echoed.)
                let echo = key == nil || !malformed[r]
                for k in writtenRaw {
                    w.append(0x2C)
                    let s = Int(spans[(r * rawCount + k) * 2]), e = Int(spans[(r * rawCount + k) * 2 + 1])
                    guard e > s, echo else { continue }
                    if let key, hashedRaw[k] {
                        w.append(contentsOf: pseudonym(UnsafeBufferPointer(rebasing: bytes[s..<e]), key))
                    } else {
                        appendRaw(UnsafeBufferPointer(rebasing: bytes[s..<e]), to: &w)
                    }
                }
                // kept canonical fields
                for (k, fi) in keptFields.enumerated() {
                    w.append(0x2C)
                    if let col = parsed.records.columns[fi], col.states[r] == .present {
                        w.append(contentsOf: Array(Self.canonicalText(col.values[r], keptKinds[k]).utf8))
                    }
                }
                w.append(0x0A)
            }
        }
        }
        }
        }
        }
        }
        }
        }
        }
        }
        var statusTally: [[[UInt8]: Int]] = Array(repeating: [:], count: nm)
        for k in seenStatus.indices { statusTally[seenModel[k]][seenText[k], default: 0] += seenCount[k] }
        let out = w.bytes()
        counts.bands = (0..<nm).map { m in Array(bandTally[(m * nBands)..<((m + 1) * nBands)]) }
        for m in 0..<nm {
            if okTally[m] > 0 { counts.status[m]["ok", default: 0] += okTally[m] }
            for (text, c) in statusTally[m] {
                counts.status[m][String(decoding: text, as: UTF8.self), default: 0] += c
            }
        }
        if urgentCount > 0 { counts.flags[String(decoding: urgentFlag, as: UTF8.self)] = urgentCount }
        for (k, c) in ruleTally.enumerated() where c > 0 { counts.flags[String(decoding: ruleFlags[k], as: UTF8.self), default: 0] += c }
        counts.unitSuspects = parsed.unitSuspects
        counts.unitConversions = parsed.unitConversions
        var result = ChunkResult(bytes: out, counts: counts, idPlaceholders: placeholders)
        if options.rejects != nil || options.strict { result.problems = problems(parsed) }
        return result
    }

    /// Data problems of a chunk (local row numbers, 0-based): malformed lines, invalid cells,
    /// implausible values. Never values.
    private func problems(_ parsed: ParsedChunk) -> [RowProblem] {
        var out: [RowProblem] = []
        let rec = parsed.records
        for r in 0..<parsed.rows {
            if rec.malformed[r] {
                out.append(RowProblem(row: r, column: "", reason: "invalid:row"))
                continue
            }
            for (slot, fi) in layout.fields.enumerated() {
                guard let col = rec.columns[fi] else { continue }
                switch col.states[r] {
                case .invalid:
                    out.append(RowProblem(row: r, column: slotColumns[slot], reason: "invalid"))
                case .present:
                    if let pl = layout.catalog.fields[fi].plausible, !pl.contains(col.values[r]) {
                        out.append(RowProblem(row: r, column: slotColumns[slot], reason: "out_of_range"))
                    }
                case .missing:
                    break
                }
            }
        }
        return out
    }

    /// A pass-through field as it was. The output is comma-separated: an unquoted field of an
    /// input with another delimiter is quoted when it needs it (a quoted field already is).
    private func appendRaw(_ field: UnsafeBufferPointer<UInt8>, to out: inout ByteWriter) {
        if layout.dialect.delimiter != CSV.comma, field.first != CSV.quote {
            var quoted: [UInt8] = []
            CSV.appendField(field, to: &quoted)
            out.append(contentsOf: quoted)
        } else {
            out.append(contentsOf: field)
        }
    }

    /// HMAC-SHA256(key, id) in lower-case hex: stable across runs with the same key, not
    /// reversible without it. Quotes around the id are removed first.
    private func pseudonym(_ raw: UnsafeBufferPointer<UInt8>, _ key: SymmetricKey) -> [UInt8] {
        let id = CSV.unescaped(raw: raw)
        let mac = HMAC<SHA256>.authenticationCode(for: id, using: key)
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in mac {
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0xF)])
        }
        return out
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
