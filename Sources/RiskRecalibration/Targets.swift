// Recalibration to local incidence and risk-factor means, without a cohort: the WHO 2019 CVD risk
// chart method (WHO CVD Risk Chart Working Group (2019) Lancet Glob Health 7:e1332,
// doi:10.1016/S2214-109X(19)30318-3, methods; Hajifathalian K. et al. (2015) Lancet Diabetes
// Endocrinol 3:339, doi:10.1016/S2213-8587(15)00081-9 (Globorisk)).
// For each sex × age group × component outcome the model is evaluated with its recalibration removed
// (scales (0, 1)) at the group's mean risk factors, giving p_raw; the local 10-year risk r of the
// group is given. Per sex and outcome, ordinary least squares over the age groups fits
//   log(−log(1 − r)) = s₁ + s₂·log(−log(1 − p_raw)),
// and (s₁, s₂) become the recalibration scales of the region given. Accuracy: OLS in closed form
// (two parameters), exact up to rounding (~1e-13 on well-spread age groups).
import Foundation
import RiskBatch
import RiskCore
import RiskModels
import RiskValidation

/// A `--targets` table problem (row numbers 1-based, counts and column names of the table itself).
public enum TargetsProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// Only models with a cloglog recalibration section by region are recalibrated from targets.
    case modelHasNoRecalibrationSection(model: String)
    /// `--region` is required with `--targets` and must be a value of the model's `by` field.
    case regionRequired
    case missingColumn(String)
    case badRisk(row: Int)
    case unknownOutcome(row: Int)
    case unknownSex(row: Int)
    /// The model could not score a row at its mean risk factors.
    case notScorable(row: Int)
    /// Fewer than two distinct age groups for a sex × outcome (no line can be fitted).
    case tooFewGroups(sex: String, outcome: String)
    /// A sex × outcome of the model with no row in the table.
    case missingGroup(sex: String, outcome: String)

    public var description: String {
        switch self {
        case .modelHasNoRecalibrationSection(let m):
            "model \(m) has no cloglog recalibration section; --targets works for models like who2019_lab and who2019_nonlab"
        case .regionRequired: "--targets needs --region (a value of the model's recalibration field, e.g. southeast_asia)"
        case .missingColumn(let c): "the targets table has no column '\(c)'"
        case .badRisk(let r): "targets row \(r): risk must be a fraction strictly between 0 and 1"
        case .unknownOutcome(let r): "targets row \(r): outcome is not a component outcome of the model"
        case .unknownSex(let r): "targets row \(r): sex must be male or female"
        case .notScorable(let r): "targets row \(r): the model cannot score the mean risk factors"
        case .tooFewGroups(let s, let o): "targets for \(s) \(o): at least two age groups are needed"
        case .missingGroup(let s, let o): "targets: no rows for \(s) \(o)"
        }
    }
}

/// Recalibration of a model's scales for one region from a targets table (see the file contract).
public enum TargetsRecalibration {
    /// One fitted line per sex (stratum) and component outcome.
    public struct Line: Equatable, Sendable {
        public let stratum: String
        public let outcome: String
        public let scale1: Double
        public let scale2: Double
    }

    /// The component outcomes the scales apply to (those combined into the written risk, or it alone).
    static func components(_ d: ModelDefinition, model: String) throws(RecalibrationError) -> [String] {
        let target = try RecalibrationRun.targetOutcome(d, model: model)
        return target.combine?.anyOf ?? [target.id]
    }

    /// The definition with the region's scales set to (0, 1) and only `outcome` written.
    static func raw(_ d: ModelDefinition, region: String, outcome: String) -> ModelDefinition {
        var d = d
        if var r = d.recalibration, let strata = r.scales[region] {
            for (stratum, pair) in strata {
                switch pair {
                case .all: r.scales[region]![stratum] = .all([0, 1])
                case .perOutcome(let m): r.scales[region]![stratum] = .perOutcome(m.mapValues { _ in [0, 1] })
                }
            }
            d.recalibration = r
        }
        for i in d.outcomes.indices { d.outcomes[i].output = d.outcomes[i].id == outcome }
        d.examples = []
        d.examplesNoneReason = "raw component risk for recalibration"
        return d
    }

    /// The table with the region as the recalibration field's column (for scoring and examples).
    static func augmented(_ table: CohortColumns, by field: String, region: String) throws(RecalibrationError) -> CohortColumns {
        var header = table.header.filter { $0 != field }
        let keep = table.header.indices.filter { table.header[$0] != field }
        header.append(field)
        var lines = [header.joined(separator: ",")]
        for r in 0..<table.rowCount {
            lines.append((keep.map { table.columns[$0][r] } + [region]).joined(separator: ","))
        }
        do { return try CohortColumns(text: lines.joined(separator: "\n") + "\n") } catch { throw .cohort(error) }
    }

    /// The rows with every 0/1 input set to 0 (worked examples need plain 0/1 values; the table's
    /// prevalences are not).
    static func referenceProfiles(_ rows: CohortColumns, model d: ModelDefinition) throws(RecalibrationError) -> CohortColumns {
        let binary = Set(d.inputs.map(\.field).filter { f in
            guard let fi = CanonicalSchema.indexByName[f], case .binary = CanonicalSchema.fields[fi].kind else { return false }
            return true
        })
        var lines = [rows.header.joined(separator: ",")]
        for r in 0..<rows.rowCount {
            lines.append(rows.header.indices.map { binary.contains(rows.header[$0]) ? "0" : rows.columns[$0][r] }.joined(separator: ","))
        }
        do { return try CohortColumns(text: lines.joined(separator: "\n") + "\n") } catch { throw .cohort(error) }
    }

    /// Raw (unrecalibrated) component risk of each table row, as a fraction (nil where not scored).
    /// The rows are evaluated from numbers directly (not parsed as cells), so a 0/1 field may hold
    /// a prevalence (e.g. smoker 0.23): the linear predictor at the mean risk factors, as WHO 2019.
    public static func rawRisks(
        model: CompiledModel, table: CohortColumns, region: String, context: ScoringContext
    ) throws(RecalibrationError) -> [Double?] {
        let d = model.definition
        guard let r = d.recalibration else { throw .targets(.modelHasNoRecalibrationSection(model: d.id)) }
        let rows = try augmented(table, by: r.by, region: region)
        let outcome: [String]
        do { outcome = try table.strings("outcome").map { $0.trimmingCharacters(in: .whitespaces) } } catch {
            throw .targets(.missingColumn("outcome"))
        }
        // The chunk: every model input from its column, as a number or a category code.
        let n = rows.rowCount
        var chunk = RecordChunk(count: n)
        for input in d.inputs {
            guard let fi = CanonicalSchema.indexByName[input.field] else { continue }
            guard let cells = try? rows.strings(input.field) else {
                if input.optional == true { continue }
                throw .targets(.missingColumn(input.field))
            }
            var values = [Double](repeating: 0, count: n)
            var states = [CellState](repeating: .present, count: n)
            for i in 0..<n {
                let cell = cells[i].trimmingCharacters(in: .whitespaces)
                switch CanonicalSchema.fields[fi].kind {
                case .category(let vocab):
                    if let c = vocab.index(of: cell) { values[i] = Double(c) } else { states[i] = .invalid }
                default:
                    if let x = Double(cell), x.isFinite { values[i] = x } else { states[i] = cell.isEmpty ? .missing : .invalid }
                }
            }
            chunk.columns[fi] = FieldColumn(values: values, states: states)
        }
        var out = [Double?](repeating: nil, count: n)
        for o in Set(outcome) {
            let def = raw(d, region: region, outcome: o)
            guard let target = def.outcomes.first(where: { $0.id == o }) else { continue }
            let column = RecalibrationRun.outputColumn(target, of: def)
            let m: CompiledModel
            do { m = try ModelLoader.compile(def, file: d.id + ".json", tables: context.tables) } catch {
                throw .rejectedByLoader(error.description)
            }
            guard let k = m.outputColumns.firstIndex(of: column) else { continue }
            let scores = Evaluator(models: [m], derivations: context.derivations).score(chunk)[0]
            for i in outcome.indices where outcome[i] == o && scores.statuses[i].kind == .ok && scores.risks[k][i].isFinite {
                out[i] = scores.risks[k][i] / 100
            }
        }
        return out
    }

    /// Fits the region's scales from the table and returns the new model file.
    public static func run(
        model: CompiledModel, table: CohortColumns, request: RecalibrationRequest, context: ScoringContext
    ) throws(RecalibrationError) -> RecalibrationResult {
        let parent = model.definition
        guard let recal = parent.recalibration, recal.kind == "cloglog" else {
            throw .targets(.modelHasNoRecalibrationSection(model: parent.id))
        }
        guard let region = request.region else { throw .targets(.regionRequired) }
        guard recal.scales[region] != nil else { throw .badRegion(model: parent.id, reason: "not a value of the model's \(recal.by) scales") }
        let components = try components(parent, model: parent.id)
        let sex: [String], outcome: [String], risk: [Double]
        do {
            sex = try table.strings("sex").map { $0.trimmingCharacters(in: .whitespaces) }
            outcome = try table.strings("outcome").map { $0.trimmingCharacters(in: .whitespaces) }
            _ = try table.strings("age")
        } catch {
            if case .missingColumn(let c) = error { throw .targets(.missingColumn(c)) }
            throw .cohort(error)
        }
        do { risk = try table.numbers("risk") } catch {
            if case .notANumber(let r, _) = error { throw .targets(.badRisk(row: r)) }
            throw .targets(.missingColumn("risk"))
        }
        for i in 0..<table.rowCount {
            guard risk[i] > 0, risk[i] < 1 else { throw .targets(.badRisk(row: i + 1)) }
            guard components.contains(outcome[i]) else { throw .targets(.unknownOutcome(row: i + 1)) }
        }
        // Stratum of each sex value.
        func stratum(_ s: String) -> String? { parent.strata.first { $0.when["sex"]?.contains(s) ?? false }?.id }
        for i in 0..<table.rowCount where stratum(sex[i]) == nil { throw .targets(.unknownSex(row: i + 1)) }
        let p = try rawRisks(model: model, table: table, region: region, context: context)
        for i in p.indices where !(p[i].map { $0 > 0 && $0 < 1 } ?? false) { throw .targets(.notScorable(row: i + 1)) }

        var lines: [Line] = []
        var scales = recal.scales[region]!
        for s in parent.strata {
            var pairs: [String: [Double]] = [:]
            if case .perOutcome(let m)? = scales[s.id] { pairs = m }
            for o in components {
                let rows = (0..<table.rowCount).filter { stratum(sex[$0]) == s.id && outcome[$0] == o }
                guard !rows.isEmpty else { throw .targets(.missingGroup(sex: s.id, outcome: o)) }
                let x = rows.map { Calibration.cloglog(p[$0]!) }, y = rows.map { Calibration.cloglog(risk[$0]) }
                let xm = x.reduce(0, +) / Double(x.count), ym = y.reduce(0, +) / Double(y.count)
                var sxy = 0.0, sxx = 0.0
                for k in x.indices { sxy += (x[k] - xm) * (y[k] - ym); sxx += (x[k] - xm) * (x[k] - xm) }
                guard rows.count >= 2, sxx > 0 else { throw .targets(.tooFewGroups(sex: s.id, outcome: o)) }
                let s2 = sxy / sxx, s1 = ym - s2 * xm
                pairs[o] = [s1, s2]
                lines.append(Line(stratum: s.id, outcome: o, scale1: s1, scale2: s2))
            }
            scales[s.id] = .perOutcome(pairs)
        }
        var d = parent
        d.id = request.id ?? parent.id + "_recal"
        var r = recal
        r.scales[region] = scales
        r.source = recal.source + "; \(region) refitted by riskengine recalibrate --targets (WHO 2019 method) on \(request.date)"
        d.recalibration = r
        let sha = Checksum.sha256Hex(table.text)
        d.version = "\(parent.version) recalibrated targets \(request.date)"
        d.title = parent.title + " (recalibrated)"
        var notes = parent.notes ?? []
        notes.append(
            "provenance: recalibrated from \(parent.id) version \"\(parent.version)\" by riskengine \(request.engine) on \(request.date); "
                + "method targets (WHO 2019: per sex and outcome, OLS of log(-log(1 - local risk)) on log(-log(1 - model risk without recalibration)) over age groups, "
                + "Lancet Glob Health 2019;7:e1332; Hajifathalian 2015); region \(region); targets table SHA-256 \(sha), \(table.rowCount) rows; fitted scales "
                + lines.map { "\($0.stratum) \($0.outcome) [\($0.scale1), \($0.scale2)]" }.joined(separator: ", "))
        d.notes = notes
        // Worked examples: target rows at their mean continuous risk factors, 0/1 inputs at 0, scored with the new file.
        let rows = try referenceProfiles(try augmented(table, by: recal.by, region: region), model: parent)
        let column = RecalibrationRun.outputColumn(try RecalibrationRun.targetOutcome(d, model: parent.id), of: d)
        var probe = d
        probe.examples = []
        probe.examplesNoneReason = "being recalibrated"
        let scored = try RecalibrationRun.score(probe, column: column, cohort: rows, context: context)
        d.examples = RecalibrationRun.examples(
            d, cohort: rows, rows: Array(0..<rows.rowCount), risks: scored, column: column, context: context)
        d.examplesNoneReason = d.examples.isEmpty ? "no target row had every input as a plain canonical value" : nil
        let json = try RecalibrationRun.encode(d)
        do {
            _ = try ModelLoader.load(json: json, file: d.id + ".json", tableText: ModelLoader.embeddedFile, tables: context.tables)
        } catch { throw .rejectedByLoader(error.description) }
        return RecalibrationResult(
            json: json, definition: d, a: 0, b: 1, scale: .cloglog, n: table.rowCount, events: 0, excluded: 0,
            observedRisk: .nan, expectedBefore: .nan, expectedAfter: .nan, cohortSHA256: sha)
    }
}
