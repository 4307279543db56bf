// A fitted Cox or logistic model written as a model file (`riskengine.model/1`, Models/README.md) so that
// `riskengine score --models-dir DIR` scores it. The file states, for each horizon h,
//   risk = 1 − S₀(h)^exp(lp − mean_lp),  lp = Σ βₜ·termₜ (terms uncentred),
// with mean_lp = Σ βₜ·x̄ₜ (the weighted term means of the fit) and
// S₀(h) = exp(−H₀(h)·exp(mean_lp)), H₀ the fit's cumulative baseline hazard at zero covariates
// (Efron or Breslow increments as the fit's ties), so that risk = 1 − exp(−H₀(h)·exp(lp)).
// A logistic fit becomes `link: logistic` with its intercept: probability = 1/(1 + exp(−(β₀ + lp))).
// Inputs are canonical numeric or 0/1 fields (in canonical units) or local columns, which the
// file declares in `columns` (0/1 when every value used is 0 or 1, else numeric in the cohort's
// unit) and `score` reads by name; a numeric input's valid range is the observed range of the rows
// used. A stratified Cox fit becomes one stratum per value of the strata column (a canonical 0/1
// field or a local `code` column, whole numbers 0-63), each with its own baseline survival and
// the same coefficients. Terms become `linear`, `log`, `hinge`, `power` and `product` features named
// as written. Provenance (input SHA-256, date, options, counts) goes into `notes`; the worked
// examples are the first rows used, with risks computed here from the fit (unrounded percent),
// which the engine must reproduce.
import Foundation
import RiskCore
import RiskFitting
import RiskModels

/// Why a fit cannot be written as a model file.
public enum FittedModelError: Error, Equatable, Sendable {
    /// The term reads a canonical field that is not numeric or 0/1 (a category, a code, a date).
    case notCanonical(term: String, column: String)
    /// The fit is neither a Cox nor a logistic fit.
    case unsupportedFit
    /// The strata column of a stratified fit is not whole numbers from 0 to 63.
    case unsupportedStrata(column: String)
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
            guard request.strata != nil || cox.baseline.count == 1 else { throw .unsupportedFit }
            guard request.horizons.allSatisfy({ $0 == $0.rounded() }) else { throw .nonIntegerHorizon }
        } else if outcome.logistic == nil {
            throw .unsupportedFit
        }
        let formula: TermFormula
        do { formula = try TermFormula(parsing: request.terms) } catch { throw .unsupportedFit }
        // Inputs: canonical numeric or 0/1 fields, or local columns declared in `columns`.
        var inputs: [[String: Any]] = []
        var columns: [[String: Any]] = []
        /// A stratum column's declaration: whole-number codes in the observed range.
        func codeColumn(_ column: String, _ codes: ClosedRange<Int>) -> [String: Any] {
            ["name": column, "kind": "code", "min": codes.lowerBound, "max": codes.upperBound,
             "meaning": "stratum code (column \(column) of the fitting cohort)"]
        }
        func addInput(_ column: String, term: String, strataCodes: ClosedRange<Int>? = nil) throws(FittedModelError) {
            let values = outcome.usedColumns[column] ?? []
            let lo = values.min() ?? 0, hi = values.max() ?? 0
            if let index = CanonicalSchema.indexByName[column] {
                switch CanonicalSchema.fields[index].kind {
                case .numeric:
                    inputs.append(["field": column, "min": lo, "max": hi, "note": "observed range of the fitting cohort"])
                case .binary:
                    inputs.append(["field": column])
                default:
                    throw .notCanonical(term: term, column: column)
                }
                return
            }
            if let codes = strataCodes {
                columns.append(codeColumn(column, codes))
                inputs.append(["field": column])
            } else if values.allSatisfy({ $0 == 0 || $0 == 1 }) {
                columns.append(["name": column, "kind": "binary", "meaning": "0/1 column \(column) of the fitting cohort"])
                inputs.append(["field": column])
            } else {
                columns.append(["name": column, "kind": "numeric", "unit": "as in the fitting cohort",
                                "meaning": "column \(column) of the fitting cohort, in its unit"])
                inputs.append(["field": column, "min": lo, "max": hi, "note": "observed range of the fitting cohort"])
            }
        }
        for column in formula.columns {
            let term = formula.terms.first { $0.factors.contains { $0.column == column } }!.name
            try addInput(column, term: term)
        }
        // Strata: the distinct values of the strata column, in the fit's order (sorted).
        var strataValues: [Int] = []
        if let column = request.strata, outcome.cox != nil {
            let values = outcome.usedColumns[column] ?? []
            let distinct = Array(Set(values)).sorted()
            guard distinct.allSatisfy({ $0 == $0.rounded() && $0 >= 0 && $0 <= 63 }) else { throw .unsupportedStrata(column: column) }
            strataValues = distinct.map { Int($0) }
            if !formula.columns.contains(column) {
                if let index = CanonicalSchema.indexByName[column] {
                    guard CanonicalSchema.fields[index].kind == .binary else { throw .unsupportedStrata(column: column) }
                    inputs.append(["field": column])
                } else {
                    try addInput(column, term: column, strataCodes: strataValues.first!...strataValues.last!)
                }
            } else if CanonicalSchema.indexByName[column] == nil, let k = columns.firstIndex(where: { $0["name"] as? String == column }) {
                // A strata column that is also a term is read as a code (its values are whole numbers).
                columns[k] = codeColumn(column, strataValues.first!...strataValues.last!)
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
            case .power(let c, let e):
                name = preferred
                features.append(["name": name, "kind": "power", "input": c, "exponent": e])
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
                case .power(let c, let e): return feature(for: f, preferred: "pow(\(c), \(e))")
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
        /// Per stratum (index into the fit's baselines): outcome id → equation.
        var strataEquations: [[String: Any]] = []
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
        let strataCount = fit.baseline.count
        strataEquations = Array(repeating: [:], count: strataCount)
        for h in horizons {
            let oid = "event_\(h)"
            outcomes.append(["id": oid, "horizon_years": h, "column": "\(id)_event_\(h)y",
                             "description": "event (column \(request.event)) within \(h) years, as fitted"])
            for k in 0..<strataCount {
                let s0 = Foundation.exp(-fit.baseline[k].cumulativeHazard(at: Double(h), ties: fit.ties) * Foundation.exp(meanLP))
                strataEquations[k][oid] = ["coefficients": coefficients, "baseline_survival": s0, "mean_linear_predictor": meanLP]
            }
        }
        // Worked examples: the first rows used, and the first row of each stratum not among them.
        var rowsForExamples = Array(exampleRows)
        if let column = request.strata, let values = outcome.usedColumns[column] {
            for v in strataValues where !rowsForExamples.contains(where: { Int(values[$0]) == v }) {
                if let i = values.firstIndex(of: Double(v)) { rowsForExamples.append(i) }
            }
        }
        for i in rowsForExamples {
            let lp = linearPredictor(i)
            let k = request.strata.flatMap { c in outcome.usedColumns[c].flatMap { strataValues.firstIndex(of: Int($0[i])) } } ?? 0
            var expected: [String: Double] = [:]
            for h in horizons {
                let risk = -Foundation.expm1(-fit.baseline[k].cumulativeHazard(at: Double(h), ties: fit.ties) * Foundation.exp(lp))
                expected["\(id)_event_\(h)y"] = 100 * risk
            }
            var inputsOfRow = exampleInputs(i)
            if let c = request.strata { inputsOfRow[c] = outcome.usedColumns[c]![i] }
            examples.append(["source": "row \(i + 1) of the rows used, risk computed from the fit",
                             "inputs": inputsOfRow, "expected": expected, "tolerance_pp": 1e-6])
        }
        }
        let isCox = outcome.cox != nil
        var options = ["--family \(request.family.rawValue)", "--event \(request.event)", "--terms '\(request.terms)'"]
        if isCox { options += ["--time \(request.time ?? "")", "--ties \(request.ties.rawValue)"] }
        if let w = request.weights { options.append("--weights \(w)") }
        if let c = request.strata, isCox { options.append("--strata \(c)") }
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
                "valid ranges are the observed ranges of the fitting cohort; canonical inputs are in canonical units, local columns (columns) in the cohort's units",
            ],
            "outcomes": outcomes,
            "columns": columns,
            "inputs": inputs,
            "exclusions": [] as [Any],
            "features": features,
            "link": isCox ? "cox" : "logistic",
            "strata": strataStanzas(),
            "examples": examples,
        ]
        func strataStanzas() -> [[String: Any]] {
            guard outcome.cox != nil else { return [["id": "all", "when": [String: Any](), "equations": equations]] }
            guard let column = request.strata else { return [["id": "all", "when": [String: Any](), "equations": strataEquations[0]]] }
            return strataValues.enumerated().map { k, v in
                ["id": "\(column)_\(v)", "when": [column: [String(v)]], "equations": strataEquations[k]]
            }
        }
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
