// A fitted Cox or logistic model written as a model file (`riskengine.model/1`, Models/README.md) so that
// `riskengine score --models-dir DIR` scores it. The file states, for each horizon h,
//   risk = 1 − S₀(h)^exp(lp − mean_lp),  lp = Σ βₜ·termₜ (terms uncentred),
// with mean_lp = Σ βₜ·x̄ₜ (the weighted term means of the fit) and
// S₀(h) = exp(−H₀(h)·exp(mean_lp)), H₀ the fit's cumulative baseline hazard at zero covariates
// (Efron or Breslow increments as the fit's ties), so that risk = 1 − exp(−H₀(h)·exp(lp)).
// A logistic fit becomes `link: logistic` with its intercept: probability = 1/(1 + exp(−(β₀ + lp))).
// Inputs are canonical fields only (numeric or 0/1, in canonical units) with the observed range
// of the rows used as the valid range; terms become `linear`, `log`, `hinge` and `product` features named
// as written. Provenance (input SHA-256, date, options, counts) goes into `notes`; the worked
// examples are the first rows used, with risks computed here from the fit (unrounded percent),
// which the engine must reproduce.
import Foundation
import RiskCore
import RiskFitting
import RiskModels

/// Why a fit cannot be written as a model file.
public enum FittedModelError: Error, Equatable, Sendable {
    /// The term reads a column that is not a numeric or 0/1 canonical field.
    case notCanonical(term: String, column: String)
    /// Stratified Cox fits are not written (model strata select by category fields).
    case unsupportedFit
    /// Horizons must be whole years for model outcomes.
    case nonIntegerHorizon
    /// The generated file did not pass the model loader (a bug): the loader's message.
    case rejectedByLoader(String)
}

/// Writes fitted models as model files.
public enum FittedModelFile {
    /// The model file text for a finished fit.
    /// - Parameters:
    ///   - outcome: the fit run (unstratified Cox, or logistic).
    ///   - request: the request it came from (options for the provenance).
    ///   - id: the model id (snake_case).
    ///   - date: the fit date (yyyy-mm-dd) for the provenance.
    public static func json(
        _ outcome: FitOutcome, request: FitRequest, id: String, date: String, engine: String
    ) throws(FittedModelError) -> String {
        if let cox = outcome.cox {
            guard request.strata == nil, cox.baseline.count == 1 else { throw .unsupportedFit }
            guard request.horizons.allSatisfy({ $0 == $0.rounded() }) else { throw .nonIntegerHorizon }
        } else if outcome.logistic == nil {
            throw .unsupportedFit
        }
        let formula: TermFormula
        do { formula = try TermFormula(parsing: request.terms) } catch { throw .unsupportedFit }
        // Inputs: canonical numeric or 0/1 fields.
        var inputs: [[String: Any]] = []
        for column in formula.columns {
            let term = formula.terms.first { $0.factors.contains { $0.column == column } }!.name
            guard let index = CanonicalSchema.indexByName[column] else { throw .notCanonical(term: term, column: column) }
            let spec = CanonicalSchema.fields[index]
            let values = outcome.usedColumns[column] ?? []
            switch spec.kind {
            case .numeric:
                inputs.append(["field": column, "min": values.min() ?? 0, "max": values.max() ?? 0,
                               "note": "observed range of the fitting cohort"])
            case .binary:
                inputs.append(["field": column])
            default:
                throw .notCanonical(term: term, column: column)
            }
        }
        // Features: one per factor (named as the term when the term is that factor), then products.
        var features: [[String: Any]] = []
        var factorName: [TermFactor: String] = [:]
        func feature(for f: TermFactor, preferred: String) -> String {
            if let n = factorName[f] { return n }
            let name: String
            switch f {
            case .column(let c):
                name = preferred
                features.append(["name": name, "kind": "linear", "input": c])
            case .log(let c):
                name = preferred
                features.append(["name": name, "kind": "log", "input": c])
            case .hinge(let c, let knot, let below):
                name = preferred
                var h: [String: Any] = ["name": name, "kind": "hinge", "input": c, "knot": knot]
                if below { h["side"] = "below" }
                features.append(h)
            }
            factorName[f] = name
            return name
        }
        for term in formula.terms where term.factors.count == 1 {
            _ = feature(for: term.factors[0], preferred: term.name)
        }
        for term in formula.terms where term.factors.count > 1 {
            let parts = term.factors.map { f -> String in
                switch f {
                case .column(let c): return feature(for: f, preferred: c)
                case .log(let c): return feature(for: f, preferred: "log(\(c))")
                case .hinge(let c, let k, let below):
                    return feature(for: f, preferred: "\(below ? "hinge_below" : "hinge")(\(c), \(k))")
                }
            }
            features.append(["name": term.name, "kind": "product", "of": parts])
        }
        let terms = outcome.cox?.terms ?? Array(outcome.logistic!.names.dropFirst())
        let betas = outcome.cox?.coefficients ?? Array(outcome.logistic!.coefficients.dropFirst())
        var coefficients: [String: Double] = [:]
        for (name, b) in zip(terms, betas) { coefficients[name] = b }
        func linearPredictor(_ i: Int) -> Double {
            var lp = 0.0
            for (t, b) in zip(terms, betas) { lp += b * outcome.usedColumns[t]![i] }
            return lp
        }
        var outcomes: [[String: Any]] = []
        var equations: [String: Any] = [:]
        var examples: [[String: Any]] = []
        let n = outcome.cox?.n ?? outcome.logistic!.n
        let exampleRows = 0..<min(3, n)
        func exampleInputs(_ i: Int) -> [String: Any] {
            var row: [String: Any] = [:]
            for c in formula.columns { row[c] = outcome.usedColumns[c]![i] }
            return row
        }
        if let fit = outcome.logistic {
            outcomes.append(["id": "event", "column": "\(id)_event",
                             "description": "probability of the outcome (column \(request.event)), as fitted"])
            equations["event"] = ["coefficients": coefficients, "intercept": fit.coefficients[0]]
            for i in exampleRows {
                let risk = 1 / (1 + Foundation.exp(-(fit.coefficients[0] + linearPredictor(i))))
                examples.append(["source": "row \(i + 1) of the rows used, probability computed from the fit",
                                 "inputs": exampleInputs(i), "expected": ["\(id)_event": 100 * risk], "tolerance_pp": 1e-6])
            }
        }
        let horizons = outcome.cox == nil ? [] : request.horizons.map { Int($0) }
        if let fit = outcome.cox {
        var meanLP = 0.0
        for (b, m) in zip(fit.coefficients, fit.means) { meanLP += b * m }
        let baseline = fit.baseline[0]
        for h in horizons {
            let oid = "event_\(h)"
            outcomes.append(["id": oid, "horizon_years": h, "column": "\(id)_event_\(h)y",
                             "description": "event (column \(request.event)) within \(h) years, as fitted"])
            let s0 = Foundation.exp(-baseline.cumulativeHazard(at: Double(h), ties: fit.ties) * Foundation.exp(meanLP))
            equations[oid] = ["coefficients": coefficients, "baseline_survival": s0, "mean_linear_predictor": meanLP]
        }
        // Worked examples: the first rows used.
        for i in exampleRows {
            let lp = linearPredictor(i)
            var expected: [String: Double] = [:]
            for h in horizons {
                let risk = -Foundation.expm1(-baseline.cumulativeHazard(at: Double(h), ties: fit.ties) * Foundation.exp(lp))
                expected["\(id)_event_\(h)y"] = 100 * risk
            }
            examples.append(["source": "row \(i + 1) of the rows used, risk computed from the fit",
                             "inputs": exampleInputs(i), "expected": expected, "tolerance_pp": 1e-6])
        }
        }
        let isCox = outcome.cox != nil
        var options = ["--family \(request.family.rawValue)", "--event \(request.event)", "--terms '\(request.terms)'"]
        if isCox { options += ["--time \(request.time ?? "")", "--ties \(request.ties.rawValue)"] }
        if let w = request.weights { options.append("--weights \(w)") }
        if isCox { options.append("--horizons \(request.horizons.map { FitSummary.horizonKey($0) }.joined(separator: ","))") }
        let method = isCox ? "Cox, \(request.ties.rawValue) ties" : "logistic, IRLS"
        let counts = outcome.cox.map { "rows used \($0.n), events \($0.events), iterations \($0.iterations)" }
            ?? outcome.logistic.map { "rows used \($0.n), events \($0.events), iterations \($0.iterations)" }!
        let formulaNote = isCox
            ? "risk = 1 - baseline_survival^exp(lp - mean_linear_predictor); baseline_survival = exp(-H0(h) exp(mean_linear_predictor)), H0 the cumulative baseline hazard at zero covariates"
            : "probability = 1 / (1 + exp(-(intercept + lp)))"
        let model: [String: Any] = [
            "format": ModelLoader.format,
            "id": id,
            "title": "\(isCox ? "Cox" : "Logistic") model fitted on a local cohort (\(request.event))",
            "version": "fitted \(date)",
            "citation": [
                "reference": "Fitted with riskengine fit \(engine) (\(method)) on a local cohort",
                "doi": "none (locally fitted model)",
                "table": "coefficients, baseline survival and ranges from this fit; see notes",
            ],
            "notes": [
                "provenance: input SHA-256 \(outcome.sha256); fitted \(date); riskengine \(engine)",
                "options: " + options.joined(separator: " "),
                counts,
                formulaNote,
                "valid ranges are the observed ranges of the fitting cohort; inputs are canonical fields in canonical units",
            ],
            "outcomes": outcomes,
            "inputs": inputs,
            "exclusions": [] as [Any],
            "features": features,
            "link": isCox ? "cox" : "logistic",
            "strata": [["id": "all", "when": [String: Any](), "equations": equations]],
            "examples": examples,
        ]
        let text: String
        do {
            let data = try JSONSerialization.data(withJSONObject: model, options: [.prettyPrinted, .sortedKeys])
            text = String(decoding: data, as: UTF8.self) + "\n"
        } catch {
            throw .rejectedByLoader("cannot encode the model")
        }
        do {
            _ = try ModelLoader.compile(json: text, file: id + ".json")
        } catch {
            throw .rejectedByLoader(error.description)
        }
        return text
    }
}
