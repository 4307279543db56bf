// Recalibration of a model file to a local cohort, as a transformation of the predicted risk on the
// scale of the model's link. Cox models and models with a cloglog `recalibration` section use the
// complementary log-log scale:
//   p' = 1 − exp(−exp(a + b·c)),  c = log(−log(1 − p)),
// p the model's risk at the horizon (Steyerberg E.W. (2019) Clinical Prediction Models, 2nd ed.,
// ch. 20, "updating"; van Houwelingen H.C. (2000) Stat Med 19:3401, doi:10.1002/1097-0258(20001230)19:24<3401::AID-SIM554>3.0.CO;2-2).
// Logistic-link models without a recalibration section (PREVENT) use the logit scale (Janssen K.J.M.
// et al. (2008) J Clin Epidemiol 61:76, doi:10.1016/j.jclinepi.2007.04.018):
//   p' = 1 / (1 + exp(−(a + b·c))),  c = logit p = log(p / (1 − p)),
// with the estimating steps of LogitUpdate.swift (IPCW-weighted logistic fits of the event by the
// horizon, because follow-up is censored).
// Methods:
//   large     b = 1, a solved by bisection (|Δa| ≤ 1e-12) so that the mean predicted risk on the
//             cohort equals the Kaplan–Meier observed risk at the horizon: O/E = 1 on the same cohort;
//   slope     b = calibration slope (Cox regression of the outcome, censored at the horizon, on c;
//             `Calibration.slope`), then a solved as for `large` with that b;
//   baseline  b = 1, a = log Ĥ₀(h), Ĥ₀(h) = Σ_{event times tⱼ ≤ h} dⱼ / Σ_{i: tᵢ ≥ tⱼ} exp(cᵢ)
//             (Breslow with the model's cumulative hazard as offset: the model's relative risks are
//             kept and the baseline re-estimated).
// On the logit scale: `large` as above (b = 1, bisection on the mean of expit(a + c)); `slope` takes b
// from the IPCW-weighted logistic regression of the event by the horizon on c (LogitUpdate.slope; the
// logistic calibration slope, not the Cox one: the model's own scale), then a as for `large`;
// `baseline` re-estimates the intercept, the logistic analogue of the baseline hazard: a = the
// IPCW-weighted maximum-likelihood intercept with c as offset (LogitUpdate.intercept), b = 1. It keeps
// the odds ratios and, like the Cox `baseline`, is a likelihood estimate rather than a forced match of
// the Kaplan–Meier mean: O/E is near 1 but not exactly 1 (exactly the same a as `large` when nobody is
// censored before the horizon).
// The transformation is written into the model definition (Models/README.md):
//   - a model with a cloglog `recalibration` section: the scales compose, (s₁, s₂) → (a + b·s₁, b·s₂),
//     for every value of its `by` field (or only the one given) and every stratum and outcome;
//   - a Cox model without one (risk = 1 − S₀^exp(lp − m)): coefficients (and an intercept) and m are
//     multiplied by b, and S₀' = exp(−exp(a + b·log(−log S₀))), for every stratum, of the outcome
//     written and of each component when it is a combination 1 − Π(1 − pₖ);
//   - a logistic model without one (risk = expit(b₀ + lp)): the intercept becomes a + b·b₀ and the
//     coefficients are multiplied by b, for every stratum (e.g. both sexes of PREVENT), of the
//     outcome written and of each component of a combination; the model's other outcomes are copied
//     unchanged;
//   - anything else is refused (`RecalibrationError.unsupportedModel`).
// For a single outcome the identity a + b·(s₁ + s₂c₀) = (a + b s₁) + b s₂ c₀ (and its Cox analogue)
// makes the file reproduce p' exactly, so `a` is solved on the parent's risks in memory; for a
// combined outcome the same (a, b) is applied to each component and `a` is solved on the combined
// risk, each bisection step compiling the modified definition through the model loader and scoring
// the cohort with the batch pipeline. Either way the written file is re-scored through the pipeline
// at the end and O/E = 1 checked (`large`, `slope`). Accuracy: a to 1e-12 absolute; risks are read from the
// pipeline with 12 decimals of percent, so O/E = 1 holds to ~1e-11.
import Foundation
import RiskAlerts
import RiskBatch
import RiskCore
import RiskModels
import RiskValidation

/// How the model is updated (see the file contract).
public enum RecalibrationMethod: String, Sendable, CaseIterable {
    case large, slope, baseline
}

/// The scale of the transformation p' = g⁻¹(a + b·g(p)), chosen by the model's link.
public enum RecalibrationScale: String, Sendable {
    /// g(p) = log(−log(1 − p)): Cox models and cloglog recalibration sections.
    case cloglog
    /// g(p) = log(p / (1 − p)): logistic models without a recalibration section.
    case logit

    /// The scale a definition is recalibrated on.
    public static func of(_ d: ModelDefinition) -> RecalibrationScale {
        d.recalibration == nil && d.link == .logistic ? .logit : .cloglog
    }

    /// g(p).
    public func transform(_ p: Double) -> Double {
        switch self {
        case .cloglog: Calibration.cloglog(p)
        case .logit: LogitUpdate.logit(p)
        }
    }

    /// g⁻¹(x).
    public func inverse(_ x: Double) -> Double {
        switch self {
        case .cloglog: -Foundation.expm1(-Foundation.exp(x))
        case .logit: LogitUpdate.expit(x)
        }
    }

    /// The formula written in the provenance note.
    var formula: String {
        switch self {
        case .cloglog: "on the complementary log-log scale (p' = 1 - exp(-exp(a + b log(-log(1 - p)))))"
        case .logit: "on the logit scale (p' = 1 / (1 + exp(-(a + b log(p / (1 - p))))))"
        }
    }
}

/// Why a model cannot be recalibrated. Payloads are ids, counts and numbers of the model, never cell values.
public enum RecalibrationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The model's link and form cannot carry the transformation (points, charts, lookups,
    /// exp/identity values, annual hazards).
    case unsupportedModel(model: String, reason: String)
    /// The model's written risk column is not an outcome with a horizon.
    case noRiskOutcome(model: String)
    /// `--column` names no risk output of the model.
    case unknownColumn(model: String)
    /// The horizon asked for is not the horizon of the model's risk column.
    case horizonMismatch(model: String, modelYears: Int, requested: Double)
    /// `baseline` needs a single outcome (not a combination of components).
    case baselineOnCombinedOutcome(model: String)
    /// `--region` given for a model without a recalibration section, or not one of its values.
    case badRegion(model: String, reason: String)
    /// The cohort could not be read or scored.
    case cohort(CohortError)
    /// The cohort's follow-up or predictions are unusable (RiskValidation's reasons).
    case validation(RiskValidationError)
    /// The model scored no row of the cohort.
    /// `absentColumns`: the model's inputs the cohort's header lacks (and no `--param` gives).
    case noScorableRows(absentColumns: [String])
    /// Mean risk could not be brought to the observed risk (no sign change of the bisection).
    case notBracketed
    /// The written file did not pass the loader (a bug): the loader's message.
    case rejectedByLoader(String)
    /// Re-scoring with the written file did not give O/E = 1 (a bug): the O/E found.
    case verificationFailed(oe: Double)
    /// A `--targets` table problem.
    case targets(TargetsProblem)
    /// The logit-scale calibration fit (logistic models) did not converge or was singular.
    case logitFitFailed(iterations: Int)
    /// No scored row is followed up to the horizon.
    case followUpEndsBeforeHorizon(horizon: Double)

    public var description: String {
        switch self {
        case .unsupportedModel(let m, let r): "model \(m) cannot be recalibrated: \(r)"
        case .noRiskOutcome(let m): "model \(m) writes no risk at a horizon"
        case .unknownColumn(let m): "--column is not a risk output column of model \(m) (see riskengine models show)"
        case .horizonMismatch(let m, let y, let h):
            "model \(m) predicts risk at \(y) years; --horizon \(RecalibrationRun.number(h)) must equal it"
        case .baselineOnCombinedOutcome(let m):
            "model \(m): --method baseline needs a single outcome; its risk combines component outcomes (use large or slope)"
        case .badRegion(let m, let r): "model \(m): --region: \(r)"
        case .cohort(let e): e.description
        case .validation(let e): e.description
        case .noScorableRows(let absent):
            "the model could score no row of the cohort"
                + (absent.isEmpty ? "" : "; the cohort has no column \(absent.joined(separator: ", ")) (give them, or --param for run-wide values)")
        case .notBracketed: "the mean predicted risk cannot be brought to the observed risk"
        case .rejectedByLoader(let m): "the recalibrated model file was rejected by the model loader: \(m)"
        case .verificationFailed(let oe): "re-scoring with the recalibrated file gave O/E \(oe), not 1"
        case .targets(let p): p.description
        case .followUpEndsBeforeHorizon(let h):
            "no row of the cohort is followed up to the horizon (\(RecalibrationRun.number(h)) years): the observed risk there cannot be estimated"
        case .logitFitFailed(let i):
            "the logistic calibration fit did not converge (iteration \(i)); are all predictions equal or the events separated?"
        }
    }
}

/// The scoring context of a run: derivations of the library, run-wide values (`--param`), flag rules.
public struct ScoringContext: Sendable {
    public var derivations: [Derivation]
    public var parameters: RunParameters
    public var flags: FlagRules
    public var tables: DataTableCache

    public init(derivations: [Derivation], parameters: RunParameters, flags: FlagRules, tables: DataTableCache = DataTableCache()) {
        self.derivations = derivations
        self.parameters = parameters
        self.flags = flags
        self.tables = tables
    }
}

/// What a recalibration asks for.
public struct RecalibrationRequest: Sendable {
    public var method: RecalibrationMethod
    public var horizon: Double
    public var timeColumn: String
    public var eventColumn: String
    /// Only this value of the recalibration section's `by` field is changed (nil: all values).
    public var region: String?
    /// The output column to recalibrate (nil: the model's first risk output with a horizon).
    public var column: String?
    /// Id of the new model (default `<parent>_recal`).
    public var id: String?
    /// The date written in the version and provenance (yyyy-mm-dd).
    public var date: String
    public var engine: String

    public init(
        method: RecalibrationMethod, horizon: Double, timeColumn: String, eventColumn: String,
        region: String? = nil, column: String? = nil, id: String? = nil, date: String, engine: String
    ) {
        self.column = column
        self.method = method
        self.horizon = horizon
        self.timeColumn = timeColumn
        self.eventColumn = eventColumn
        self.region = region
        self.id = id
        self.date = date
        self.engine = engine
    }
}

/// A finished recalibration.
public struct RecalibrationResult: Sendable {
    /// The new model file's text (loads with `ModelLibrary.embedded(plus:)`).
    public let json: String
    public let definition: ModelDefinition
    public let a: Double
    public let b: Double
    /// The scale (a, b) act on.
    public let scale: RecalibrationScale
    /// Rows scored and used, events by the horizon among them, rows the model could not score.
    public let n: Int
    public let events: Int
    public let excluded: Int
    /// 1 − KM at the horizon; mean risk before and after.
    public let observedRisk: Double
    public let expectedBefore: Double
    public let expectedAfter: Double
    public let cohortSHA256: String
}

/// The recalibration of a model definition (see the file contract).
public enum RecalibrationRun {
    /// Recalibrates `model` on `cohort`.
    public static func run(
        model: CompiledModel, cohort: CohortColumns, request: RecalibrationRequest, context: ScoringContext
    ) throws(RecalibrationError) -> RecalibrationResult {
        let parent = model.definition
        let newID = request.id ?? parent.id + "_recal"
        var base = parent
        base.id = newID
        base.examples = []
        base.examplesNoneReason = "being recalibrated"
        // Output columns named after the parent (explicit `column`s such as PREVENT's and KFRE's too)
        // are renamed after the new id, so parent and recalibrated model can be scored side by side.
        func renamed(_ c: String) -> String { c.hasPrefix(parent.id + "_") ? newID + c.dropFirst(parent.id.count) : c }
        for k in base.outcomes.indices { base.outcomes[k].column = base.outcomes[k].column.map(renamed) }
        let target = try targetOutcome(base, model: parent.id, column: request.column.map(renamed))
        guard let years = target.horizonYears else { throw .noRiskOutcome(model: parent.id) }
        guard Double(years) == request.horizon else {
            throw .horizonMismatch(model: parent.id, modelYears: years, requested: request.horizon)
        }
        let components = target.combine?.anyOf ?? [target.id]
        try checkSupported(parent, region: request.region)
        if request.method == .baseline && target.combine != nil { throw .baselineOnCombinedOutcome(model: parent.id) }
        let column = outputColumn(target, of: base)

        // The parent's risks, and the rows it scores.
        let time: [Double], event: [Bool]
        do {
            time = try cohort.numbers(request.timeColumn)
            event = try cohort.events(request.eventColumn)
        } catch { throw .cohort(error) }
        let parentRisk = try score(base, column: column, cohort: cohort, context: context)
        let keep = parentRisk.indices.filter { parentRisk[$0].map { $0 > 0 && $0 < 1 } ?? false }
        guard !keep.isEmpty else {
            let header = Set(cohort.header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
            let given = Set(context.parameters.text.keys)
            throw .noScorableRows(absentColumns: model.requiredFields.filter { !header.contains($0) && !given.contains($0) })
        }
        let sample: SurvivalSample
        do {
            sample = try SurvivalSample(time: keep.map { time[$0] }, event: keep.map { event[$0] }, risk: keep.map { parentRisk[$0]! })
        } catch { throw .validation(error) }
        // Nobody followed to the horizon: the Kaplan–Meier risk there is not estimable (it would be
        // carried flat from the last follow-up).
        guard sample.time.contains(where: { $0 >= request.horizon }) else {
            throw .followUpEndsBeforeHorizon(horizon: request.horizon)
        }
        let observed = Calibration.observedRisk(sample, horizon: request.horizon)
        guard observed > 0 else { throw .validation(.noEvents) }
        func meanRisk(_ d: ModelDefinition) throws(RecalibrationError) -> Double {
            let r = try score(d, column: column, cohort: cohort, context: context)
            var s = 0.0
            for i in keep { s += r[i] ?? 0 }
            return s / Double(keep.count)
        }

        let scale = RecalibrationScale.of(parent)
        var a = 0.0, b = 1.0
        switch request.method {
        case .baseline:
            switch scale {
            case .cloglog: a = Foundation.log(breslowBaseline(sample, horizon: request.horizon))
            case .logit: a = try LogitUpdate.intercept(sample, horizon: request.horizon).alpha
            }
        case .large, .slope:
            if request.method == .slope {
                switch scale {
                case .cloglog:
                    do { b = try Calibration.slope(sample, horizon: request.horizon) } catch { throw .validation(error) }
                case .logit:
                    b = try LogitUpdate.slope(sample, horizon: request.horizon).beta
                }
            }
            let slope = b
            if target.combine == nil {
                // A single outcome: the file computes g⁻¹(a + b·g(p)) of the parent's risk exactly, so
                // the mean is solved in memory; the written file is re-scored below.
                a = try solveLarge(risks: sample.risk, b: slope, observed: observed, scale: scale)
            } else {
                a = try solve { (x: Double) throws(RecalibrationError) -> Double in
                    try meanRisk(apply(a: x, b: slope, to: base, outcomes: components, region: request.region)) - observed
                }
            }
        }

        // The new file: definition, provenance, worked examples from cohort rows, loader check.
        var d = apply(a: a, b: b, to: base, outcomes: components, region: request.region)
        let after = try score(d, column: column, cohort: cohort, context: context)
        var expectedAfter = 0.0
        for i in keep { expectedAfter += after[i] ?? 0 }
        expectedAfter /= Double(keep.count)
        let oe = expectedAfter / observed
        if request.method != .baseline, !(abs(oe - 1) <= 1e-9) { throw .verificationFailed(oe: oe) }
        let events = keep.indices.filter { sample.event[$0] && sample.time[$0] <= request.horizon }.count
        let sha = Checksum.sha256Hex(cohort.text)
        d.version = "\(parent.version) recalibrated \(request.method.rawValue) \(request.date)"
        d.title = parent.title + " (recalibrated)"
        var notes = parent.notes ?? []
        notes.append(
            "provenance: recalibrated from \(parent.id) version \"\(parent.version)\" by riskengine \(request.engine) on \(request.date); "
                + "method \(request.method.rawValue); a = \(number(a)), b = \(number(b)) \(scale.formula); horizon \(number(request.horizon)) years; "
                + "cohort SHA-256 \(sha); n \(keep.count), events by the horizon \(events), rows not scorable \(parentRisk.count - keep.count); "
                + "KM observed risk \(number(observed)), mean predicted before \(number(sample.risk.reduce(0, +) / Double(keep.count))), after \(number(expectedAfter))"
                + (request.region.map { "; only \($0) scales changed" } ?? ""))
        d.notes = notes
        d.examples = examples(d, cohort: cohort, rows: keep, risks: after, column: column, context: context)
        d.examplesNoneReason = d.examples.isEmpty ? "no cohort row had every input as a plain canonical value" : nil
        let json = try encode(d)
        do {
            _ = try ModelLoader.load(json: json, file: newID + ".json", tableText: ModelLoader.embeddedFile, tables: context.tables)
        } catch { throw .rejectedByLoader(error.description) }
        return RecalibrationResult(
            json: json, definition: d, a: a, b: b, scale: scale, n: keep.count, events: events, excluded: parentRisk.count - keep.count,
            observedRisk: observed, expectedBefore: sample.risk.reduce(0, +) / Double(keep.count), expectedAfter: expectedAfter,
            cohortSHA256: sha)
    }

    /// The outcome written in the model's risk column (the first numeric output).
    /// - Parameter column: an output column of `d` (nil: the first risk output with a horizon).
    static func targetOutcome(
        _ d: ModelDefinition, model: String, column: String? = nil
    ) throws(RecalibrationError) -> ModelDefinition.Outcome {
        let risks = d.outcomes.filter { ($0.output ?? true) && $0.lookup == nil && $0.scale != .value && $0.horizonYears != nil }
        if let column {
            guard let o = risks.first(where: { outputColumn($0, of: d) == column }) else { throw .unknownColumn(model: model) }
            return o
        }
        guard let o = risks.first else { throw .noRiskOutcome(model: model) }
        return o
    }

    static func outputColumn(_ o: ModelDefinition.Outcome, of d: ModelDefinition) -> String {
        o.column ?? "\(d.id)_\(o.id)_\(o.horizonYears ?? 0)y"
    }

    /// Refuses models whose form cannot carry the transformation.
    static func checkSupported(_ d: ModelDefinition, region: String?) throws(RecalibrationError) {
        if let r = d.recalibration {
            if let region, r.scales[region] == nil {
                throw .badRegion(model: d.id, reason: "not a value of the model's \(r.by) scales")
            }
            return
        }
        if region != nil { throw .badRegion(model: d.id, reason: "the model has no recalibration section") }
        switch d.link {
        case .cox:
            if d.features.contains(where: { $0.kind == "points" }) {
                throw .unsupportedModel(model: d.id, reason: "a points score has no baseline survival to update")
            }
        case .logistic:
            return
        case .exp, .identity:
            throw .unsupportedModel(model: d.id, reason: "its output is a value, not a risk")
        case .annualHazard:
            throw .unsupportedModel(model: d.id, reason: "its risk is a sum of annual hazards from rate tables (recalibrate the rate table instead)")
        }
    }

    /// The definition with (a, b) applied (see the file contract) to `outcomes`.
    public static func apply(
        a: Double, b: Double, to d: ModelDefinition, outcomes: [String], region: String?
    ) -> ModelDefinition {
        var d = d
        func compose(_ p: [Double]) -> [Double] { p.count == 2 ? [a + b * p[0], b * p[1]] : p }
        if var r = d.recalibration {
            for value in r.scales.keys where region == nil || value == region {
                for (stratum, pair) in r.scales[value]! {
                    switch pair {
                    case .all(let p): r.scales[value]![stratum] = .all(compose(p))
                    case .perOutcome(var byOutcome):
                        for k in byOutcome.keys where outcomes.contains(k) { byOutcome[k] = compose(byOutcome[k]!) }
                        r.scales[value]![stratum] = .perOutcome(byOutcome)
                    }
                }
            }
            d.recalibration = r
            return d
        }
        if d.link == .logistic {
            for s in d.strata.indices {
                for o in outcomes {
                    guard var eq = d.strata[s].equations[o] else { continue }
                    eq.coefficients = eq.coefficients.mapValues { $0 * b }
                    eq.intercept = a + b * (eq.intercept ?? 0)
                    d.strata[s].equations[o] = eq
                }
            }
            return d
        }
        for s in d.strata.indices {
            for o in outcomes {
                guard var eq = d.strata[s].equations[o] else { continue }
                eq.coefficients = eq.coefficients.mapValues { $0 * b }
                eq.intercept = eq.intercept.map { $0 * b }
                eq.meanLinearPredictor = eq.meanLinearPredictor.map { $0 * b }
                eq.baselineSurvival = eq.baselineSurvival.map { s0 in
                    Foundation.exp(-Foundation.exp(a + b * Foundation.log(-Foundation.log(s0))))
                }
                d.strata[s].equations[o] = eq
            }
        }
        return d
    }

    /// Ĥ₀(h) = Σ_{event times tⱼ ≤ h} dⱼ / Σ_{i: tᵢ ≥ tⱼ} exp(cᵢ), cᵢ = log(−log(1 − pᵢ)).
    public static func breslowBaseline(_ sample: SurvivalSample, horizon: Double) -> Double {
        let order = sample.time.indices.sorted { sample.time[$0] > sample.time[$1] }
        // Risk-set sums from the longest follow-up down, one step per distinct time.
        var atRisk = 0.0
        var h = 0.0
        var k = 0
        while k < order.count {
            let t = sample.time[order[k]]
            var d = 0
            while k < order.count, sample.time[order[k]] == t {
                let i = order[k]
                atRisk += Foundation.exp(Calibration.cloglog(sample.risk[i]))
                if sample.event[i] { d += 1 }
                k += 1
            }
            if t <= horizon, d > 0 { h += Double(d) / atRisk }
        }
        return h
    }

    /// a such that the mean of g⁻¹(a + b·g(pᵢ)) equals `observed` (recalibration in the large, and the
    /// intercept after a slope), by bisection to 1e-12.
    public static func solveLarge(
        risks: [Double], b: Double, observed: Double, scale: RecalibrationScale
    ) throws(RecalibrationError) -> Double {
        let c = risks.map(scale.transform)
        return try solve { (x: Double) throws(RecalibrationError) -> Double in
            var sum = 0.0
            for ci in c { sum += scale.inverse(x + b * ci) }
            return sum / Double(c.count) - observed
        }
    }

    /// Bisection for the root of an increasing function, to |hi − lo| ≤ 1e-12.
    static func solve(_ f: (Double) throws(RecalibrationError) -> Double) throws(RecalibrationError) -> Double {
        var lo = -1.0, hi = 1.0
        var flo = try f(lo), fhi = try f(hi)
        var expansions = 0
        while flo > 0 || fhi < 0 {
            expansions += 1
            guard expansions <= 8 else { throw .notBracketed }
            if flo > 0 { hi = lo; fhi = flo; lo -= 2 * Double(expansions); flo = try f(lo) }
            if fhi < 0 { lo = hi; flo = fhi; hi += 2 * Double(expansions); fhi = try f(hi) }
        }
        while hi - lo > 1e-12 {
            let mid = (lo + hi) / 2
            if mid <= lo || mid >= hi { break }
            if try f(mid) < 0 { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// Risks (fraction) of column `column` per cohort row with the definition `d`, nil where not scored.
    static func score(
        _ d: ModelDefinition, column: String, cohort: CohortColumns, context: ScoringContext
    ) throws(RecalibrationError) -> [Double?] {
        let m: CompiledModel
        do { m = try ModelLoader.compile(d, file: d.id + ".json", tables: context.tables) } catch {
            throw .rejectedByLoader(error.description)
        }
        let r: [Double?]
        do {
            r = try cohort.scored(with: m, column: column, derivations: context.derivations, parameters: context.parameters, flags: context.flags)
        } catch { throw .cohort(error) }
        return r.map { $0.map { $0 / 100 } }
    }

    /// Up to three cohort rows whose inputs are plain values (canonical or local columns), with the new model's risk.
    static func examples(
        _ d: ModelDefinition, cohort: CohortColumns, rows: [Int], risks: [Double?], column: String, context: ScoringContext
    ) -> [ModelDefinition.Example] {
        var out: [ModelDefinition.Example] = []
        // The file's fields: canonical, then its local columns (`columns`).
        let catalog = (try? ModelLoader.fieldCatalog(of: d, file: d.id)) ?? .canonical
        for i in rows {
            if out.count >= 3 { break }
            guard let risk = risks[i] else { continue }
            var inputs: [String: ScalarValue] = [:]
            var ok = true
            for input in d.inputs {
                guard let fi = catalog.indexByName[input.field] else { ok = false; break }
                var cell = (try? cohort.strings(input.field)[i])?.trimmingCharacters(in: .whitespaces) ?? ""
                if cell.isEmpty { cell = context.parameters.text[input.field] ?? "" }
                if cell.isEmpty {
                    if input.optional == true { continue }
                    ok = false
                    break
                }
                switch catalog.fields[fi].kind {
                case .category(let vocab):
                    guard vocab.index(of: cell) != nil else { ok = false; break }
                    inputs[input.field] = .text(cell)
                default:
                    guard let x = Double(cell) else { ok = false; break }
                    inputs[input.field] = .number(x)
                }
                if !ok { break }
            }
            guard ok else { continue }
            if let e = example(
                source: "cohort row \(i + 1), risk computed by riskengine with this recalibrated file (not published)",
                inputs: inputs, expected: [column: 100 * risk]) { out.append(e) }
        }
        return out
    }

    /// A worked example (built through its Codable form: the type has no public initialiser).
    static func example(source: String, inputs: [String: ScalarValue], expected: [String: Double]) -> ModelDefinition.Example? {
        struct Plain: Encodable {
            let source: String
            let inputs: [String: ScalarValue]
            let expected: [String: Double]
            let tolerance_pp: Double
        }
        guard let data = try? JSONEncoder().encode(Plain(source: source, inputs: inputs, expected: expected, tolerance_pp: 1e-6))
        else { return nil }
        return try? JSONDecoder().decode(ModelDefinition.Example.self, from: data)
    }

    static func encode(_ d: ModelDefinition) throws(RecalibrationError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { return String(decoding: try encoder.encode(d), as: UTF8.self) + "\n" } catch {
            throw .rejectedByLoader("cannot encode the model")
        }
    }

    /// A number for messages and notes (shortest round-trip form).
    public static func number(_ x: Double) -> String { "\(x)" }
}

extension RecalibrationRun {
    /// The outcome an output column of `d` writes (the target `run` would choose).
    public static func outcome(writing column: String, of d: ModelDefinition) throws(RecalibrationError) -> ModelDefinition.Outcome {
        try targetOutcome(d, model: d.id, column: column)
    }
}
