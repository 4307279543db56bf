// Derived inputs (README.md, "Input and output"): age from birth and assessment dates; when a model needs `bmi` and a row lacks it but
// has height and weight, BMI = weight_kg / (height_cm / 100)²; when a model needs `egfr` and a row
// lacks it but has creatinine, age and sex, eGFR is the CKD-EPI 2021 equation of the model file
// `egfr_ckdepi2021`. A derived value then passes the same range checks as a measured one, and
// the status notes `derived:<field>`. A cell with a value is never replaced.
import RiskCore

/// One way to fill a canonical field from others.
public struct Derivation: Sendable {
    public enum Kind: Sendable {
        /// weight_kg / (height_cm / 100)²
        case bmiFromHeightAndWeight
        /// calendar age at assessment_date of a person born on birth_date
        case ageFromDates
        /// The (single, value) output of a model, where its status is ok.
        case model(CompiledModel)
    }

    /// The field filled.
    public let field: Int
    /// The fields read.
    public let sources: [Int]
    public let kind: Kind

    public static let bmi = Derivation(
        field: CanonicalSchema.indexByName["bmi"]!,
        sources: ["height_cm", "weight_kg"].map { CanonicalSchema.indexByName[$0]! },
        kind: .bmiFromHeightAndWeight)

    public static let age = Derivation(
        field: CanonicalSchema.indexByName["age"]!,
        sources: ["birth_date", "assessment_date"].map { CanonicalSchema.indexByName[$0]! },
        kind: .ageFromDates)

    /// eGFR from a value model (normally `egfr_ckdepi2021`).
    public static func egfr(_ model: CompiledModel) -> Derivation {
        Derivation(
            field: CanonicalSchema.indexByName["egfr"]!,
            sources: model.requiredFields.compactMap { CanonicalSchema.indexByName[$0] },
            kind: .model(model))
    }

    /// Fills the missing cells of `field` where the sources allow; marks them in `chunk.derived`.
    public func apply(to chunk: inout RecordChunk) {
        let n = chunk.count
        var col = chunk.columns[field] ?? FieldColumn(count: n)
        var marks = chunk.derived[field] ?? [Bool](repeating: false, count: n)
        var changed = false
        switch kind {
        case .bmiFromHeightAndWeight:
            guard let h = chunk.columns[sources[0]], let w = chunk.columns[sources[1]] else { return }
            for r in 0..<n where col.states[r] == .missing && h.states[r] == .present && w.states[r] == .present {
                let m = h.values[r] / 100
                guard m > 0 else { continue }
                col.values[r] = w.values[r] / (m * m)
                col.states[r] = .present
                marks[r] = true
                changed = true
            }
        case .ageFromDates:
            guard let b = chunk.columns[sources[0]], let a = chunk.columns[sources[1]] else { return }
            for r in 0..<n where col.states[r] == .missing && b.states[r] == .present && a.states[r] == .present {
                guard let years = CalendarDate.age(birth: Int(b.values[r]), on: Int(a.values[r])) else { continue }
                col.values[r] = years
                col.states[r] = .present
                marks[r] = true
                changed = true
            }
        case .model(let model):
            let missing = (0..<n).filter { col.states[$0] == .missing }
            guard !missing.isEmpty else { return }
            let scores = Evaluator(models: [model]).score(chunk)[0]
            for r in missing where scores.statuses[r].kind == .ok && !scores.risks[0][r].isNaN {
                col.values[r] = scores.risks[0][r]
                col.states[r] = .present
                marks[r] = true
                changed = true
            }
        }
        if changed {
            chunk.columns[field] = col
            chunk.derived[field] = marks
        }
    }
}

extension ModelLibrary {
    /// The derivations this library supports: age and BMI always; eGFR when `egfr_ckdepi2021` is
    /// present (compiling it).
    public var derivations: [Derivation] {
        get throws(ModelFileError) { try derivations(needed: nil) }
    }

    /// The derivations `models` can use (an `Evaluator` keeps only those): as `derivations`, but
    /// the eGFR model is compiled only when one of the models (or its fallback) reads `egfr`.
    public func derivations(for models: [CompiledModel]) throws(ModelFileError) -> [Derivation] {
        try derivations(needed: Set(models.flatMap { $0.requiredFields + ($0.fallback?.model.requiredFields ?? []) }))
    }

    private func derivations(needed: Set<String>?) throws(ModelFileError) -> [Derivation] {
        var d = [Derivation.age, Derivation.bmi]
        let id = "egfr_ckdepi2021"
        if entry(id) != nil, needed?.contains("egfr") ?? true { d.append(.egfr(try model(id))) }
        return d
    }
}
