// Load-time checks of a model file beyond its structure: every number finite and within a
// plausible bound, and the file's own worked examples reproduced (see Models/README.md,
// "Checks at load"). A file from `--models-dir` that fails is refused before any row is scored.
//
// Accuracy contract: an example passes when |computed − expected| ≤ `tolerance_pp` (absolute, in
// the output column's unit: percentage points for risks), computed in double precision by the
// same evaluator that scores rows; `tolerance_pp` itself must lie in [0, 0.5].
import Foundation
import RiskCore

extension ModelLoader {
    /// Bounds on the magnitude of a model file's numbers. They are far above anything a published
    /// model uses (largest shipped |coefficient|: 111, a QRISK3 interaction term) and far below
    /// what overflows: a 1e308 coefficient would turn every risk into 100 %.
    public enum Plausibility {
        /// |coefficient| of a linear-predictor term (also time-varying coefficients).
        public static let coefficient = 1e3
        /// |intercept|, |mean linear predictor|, |recalibration scale|.
        public static let intercept = 1e3
        /// |centre|, |scale|, |multiplier|, |knot|, |exponent|, |weight|, |points|, input bounds.
        public static let parameter = 1e6
        /// |value| of a data-table cell.
        public static let tableValue = 1e9
        /// The largest `tolerance_pp` an example may state: half a unit of a whole-number value.
        public static let tolerance = 0.5
    }

    /// Refuses a number that is not finite or beyond `limit`.
    static func checkNumber(_ x: Double?, _ limit: Double, file: String, key: String) throws(ModelFileError) {
        guard let x else { return }
        guard x.isFinite, abs(x) <= limit else { throw .implausibleNumber(file: file, key: key, value: x, limit: limit) }
    }

    /// Step "check numbers": every number of the definition is finite and within its bound.
    static func checkNumbers(_ d: ModelDefinition, file: String) throws(ModelFileError) {
        let p = Plausibility.parameter
        for (i, input) in d.inputs.enumerated() {
            try checkNumber(input.min, p, file: file, key: "inputs[\(i)].min")
            try checkNumber(input.max, p, file: file, key: "inputs[\(i)].max")
            try checkNumber(input.below, p, file: file, key: "inputs[\(i)].below")
        }
        for (i, f) in d.features.enumerated() {
            let key = "features[\(i)]"
            for (name, value) in [("center", f.center), ("scale", f.scale), ("multiplier", f.multiplier), ("knot", f.knot),
                                  ("exponent", f.exponent), ("min", f.min), ("max", f.max)] {
                try checkNumber(value, p, file: file, key: "\(key).\(name)")
            }
            for (j, w) in (f.weights ?? []).enumerated() { try checkNumber(w, p, file: file, key: "\(key).weights[\(j)]") }
            for (j, b) in (f.bands ?? []).enumerated() {
                let bk = "\(key).bands[\(j)]"
                try checkNumber(b.points, p, file: file, key: bk + ".points")
                try checkNumber(b.below, p, file: file, key: bk + ".below")
                try checkNumber(b.atMost, p, file: file, key: bk + ".at_most")
                try checkNumber(b.equals, p, file: file, key: bk + ".equals")
            }
        }
        for (s, stratum) in d.strata.enumerated() {
            for (outcome, eq) in stratum.equations.sorted(by: { $0.key < $1.key }) {
                let key = "strata[\(s)].equations.\(outcome)"
                for (name, c) in eq.coefficients.sorted(by: { $0.key < $1.key }) {
                    try checkNumber(c, Plausibility.coefficient, file: file, key: "\(key).coefficients.\(name)")
                }
                for (name, c) in (eq.timeVarying ?? [:]).sorted(by: { $0.key < $1.key }) {
                    try checkNumber(c, Plausibility.coefficient, file: file, key: "\(key).time_varying.\(name)")
                }
                try checkNumber(eq.intercept, Plausibility.intercept, file: file, key: key + ".intercept")
                try checkNumber(eq.meanLinearPredictor, Plausibility.intercept, file: file, key: key + ".mean_linear_predictor")
            }
        }
        for (value, perStratum) in (d.recalibration?.scales ?? [:]).sorted(by: { $0.key < $1.key }) {
            for (stratum, pair) in perStratum.sorted(by: { $0.key < $1.key }) {
                let pairs: [(String, [Double])]
                switch pair {
                case .all(let a): pairs = [("", a)]
                case .perOutcome(let byOutcome): pairs = byOutcome.sorted { $0.key < $1.key }.map { ("." + $0.key, $0.value) }
                }
                for (suffix, values) in pairs {
                    for (k, x) in values.enumerated() {
                        try checkNumber(x, Plausibility.intercept, file: file, key: "recalibration.scales.\(value).\(stratum)\(suffix)[\(k)]")
                    }
                }
            }
        }
        for (i, ex) in d.examples.enumerated() {
            for (column, x) in ex.expected.sorted(by: { $0.key < $1.key }) {
                try checkNumber(x, Plausibility.parameter, file: file, key: "examples[\(i)].expected.\(column)")
            }
            guard ex.tolerancePP.isFinite, ex.tolerancePP >= 0, ex.tolerancePP <= Plausibility.tolerance else {
                throw .invalid(file: file, key: "examples[\(i)].tolerance_pp",
                               problem: "must be between 0 and \(Plausibility.tolerance) (the printed precision of the example)")
            }
        }
    }

    /// Step "examples": the model reproduces every worked example of its file, all scored in one
    /// evaluator call; a file without examples must say why (`examples_none_reason`).
    static func verifyExamples(_ m: CompiledModel) throws(ModelFileError) {
        let d = m.definition
        guard !d.examples.isEmpty else {
            guard let why = d.examplesNoneReason, !why.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .noExamples(file: m.file)
            }
            return
        }
        let chunk = RecordChunk.fromTextRows(d.examples.map { $0.inputs.mapValues(\.description) }, fields: m.fields)
        let scores = Evaluator(models: [m]).score(chunk)[0]
        for (i, ex) in d.examples.enumerated() {
            let status = scores.statuses[i]
            for (column, expected) in ex.expected.sorted(by: { $0.key < $1.key }) {
                // Compilation checked that every expected column is a written output.
                guard let o = m.outputColumns.firstIndex(of: column) else { continue }
                let got = scores.risks[o][i]
                let scored = status.kind == .ok && got.isFinite
                if !scored || !(abs(got - expected) <= ex.tolerancePP) {
                    throw .exampleFailed(
                        file: m.file, example: i, column: column, expected: expected, got: scored ? got : nil,
                        tolerance: ex.tolerancePP, status: m.render(status))
                }
            }
        }
    }

    /// Loads one file for a library: compiles it (a model or a chart file) with the library's
    /// table cache, then checks its worked examples.
    public static func load(
        json: String, file: String, tableText: (String) -> String?, tables: DataTableCache, fields: FieldCatalog = .canonical
    ) throws(ModelFileError) -> CompiledModel {
        let model = try compileAny(json: json, file: file, tableText: tableText, tables: tables, fields: fields)
        try verifyExamples(model)
        return model
    }
}
