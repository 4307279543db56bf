// Declared unit conversions into the canonical units of the input schema. Every factor has its
// source; conversions are applied only when a mapping file or option declares the source unit
// (or with `--units auto`, where each converted cell is counted in the run manifest).

/// A linear conversion value_canonical = value · factor / divisor + offset (a divisor keeps
/// conversions such as mg/dL ÷ 38.67 exact to the last bit, as the published factor is written).
public struct UnitConversion: Sendable, Equatable {
    public let field: String
    public let unit: String
    public let factor: Double
    public let divisor: Double
    public let offset: Double
    public let source: String

    init(field: String, unit: String, factor: Double = 1, divisor: Double = 1, offset: Double = 0, source: String) {
        self.field = field
        self.unit = unit
        self.factor = factor
        self.divisor = divisor
        self.offset = offset
        self.source = source
    }

    public func apply(_ x: Double) -> Double {
        var v = x
        if factor != 1 { v *= factor }
        if divisor != 1 { v /= divisor }
        return v + offset
    }
}

public enum Units {
    /// Every accepted (field, source unit) pair. Unit spellings are matched after folding
    /// (case, spaces, `µ`/`u`).
    public static let conversions: [UnitConversion] = [
        .init(field: "total_chol", unit: "mg/dl", divisor: 38.67, source: "cholesterol: 1 mmol/L = 38.67 mg/dL (molar mass 386.65 g/mol)"),
        .init(field: "hdl", unit: "mg/dl", divisor: 38.67, source: "cholesterol: 1 mmol/L = 38.67 mg/dL"),
        .init(field: "fasting_glucose", unit: "mg/dl", divisor: 18.016, source: "glucose: 1 mmol/L = 18.016 mg/dL (molar mass 180.16 g/mol)"),
        .init(field: "hba1c", unit: "mmol/mol", factor: 0.09148, offset: 2.152, source: "HbA1c: NGSP % = 0.09148 × IFCC mmol/mol + 2.152 (IFCC–NGSP master equation)"),
        .init(field: "creatinine", unit: "mg/dl", factor: 88.4, source: "creatinine: 1 mg/dL = 88.4 µmol/L (molar mass 113.12 g/mol)"),
        .init(field: "height_cm", unit: "m", factor: 100, source: "1 m = 100 cm"),
        .init(field: "albumin", unit: "g/dl", factor: 10, source: "1 g/dL = 10 g/L"),
        .init(field: "calcium", unit: "mg/dl", divisor: 4.008, source: "calcium: 1 mmol/L = 4.008 mg/dL (40.078 g/mol)"),
        .init(field: "phosphate", unit: "mg/dl", divisor: 3.0974, source: "phosphate (as phosphorus): 1 mmol/L = 3.0974 mg/dL (30.974 g/mol)"),
        .init(field: "weight_kg", unit: "g", factor: 0.001, source: "1 g = 0.001 kg"),
    ]

    /// The canonical unit's spelling, folded, per field (e.g. "mmol/l").
    public static func canonical(_ field: String) -> String? {
        CanonicalSchema.byName[field].map { foldUnit($0.unit) }
    }

    public static func foldUnit(_ u: String) -> String {
        u.lowercased().replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "µ", with: "u")
            .replacingOccurrences(of: "μ", with: "u")
    }

    /// The conversion of a field from a declared unit: nil for the canonical unit itself, and
    /// an error text when the unit is unknown.
    public static func conversion(field: String, unit: String) -> Result<UnitConversion?, UnitError> {
        let u = foldUnit(unit)
        if u.isEmpty || u == canonical(field) { return .success(nil) }
        if let c = conversions.first(where: { $0.field == field && $0.unit == u }) { return .success(c) }
        let known = [CanonicalSchema.byName[field]?.unit ?? ""] + conversions.filter { $0.field == field }.map(\.unit)
        return .failure(UnitError(field: field, unit: unit, known: known.filter { !$0.isEmpty }))
    }

    /// Alternative units to look for when a column's values are implausible in the canonical
    /// unit (unit detection).
    public static func alternatives(_ field: String) -> [UnitConversion] {
        conversions.filter { $0.field == field }
    }
}

/// An undeclared or unknown unit.
public struct UnitError: Error, Equatable, Sendable {
    public let field: String
    public let unit: String
    public let known: [String]
}
