// RiskCore: the canonical input record (README.md, "Input and output") as code — field names, kinds, canonical
// units, plausibility limits and category vocabularies — plus the per-row status values. It knows
// nothing of CSV or of any model.

/// How a canonical field's text is read.
public enum FieldKind: Sendable, Equatable {
    /// A decimal number in the field's canonical unit.
    case numeric
    /// 0 or 1 (`0`, `1`, `0.0`, `1.0`).
    case binary
    /// A whole-number code in a closed range (e.g. QRISK3 ethnicity 1–9).
    case code(ClosedRange<Int>)
    /// One of a closed list of words; stored as the index of the canonical value.
    case category(Vocabulary)
    /// A three-letter ISO 3166 country code (any case); stored as a number, see `ISO3`.
    case iso3
    /// A calendar date: `yyyymmdd`, `yyyymmddHHMM` (day or month `00` = unknown: the middle of the
    /// month or year is used), `dd/mm/yyyy` or ISO `yyyy-mm-dd`; stored as days since 1970-01-01.
    /// `mm/dd/yyyy` is never guessed.
    case date
}

/// Calendar dates as day numbers.
public enum CalendarDate {
    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// (year, month, day) of a day number (Howard Hinnant's civil_from_days).
    public static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Age in years at `on` of a person born on `birth` (day numbers): completed years, plus the
    /// fraction of the current year of age (days since the last birthday / days to the next).
    /// A birthday on 29 February counts as 28 February in other years.
    public static func age(birth: Int, on: Int) -> Double? {
        guard on >= birth else { return nil }
        let b = civil(birth)
        func birthday(_ year: Int) -> Int {
            let d = (b.month == 2 && b.day == 29 && daysInMonth(year, 2) == 28) ? 28 : b.day
            return days(year: year, month: b.month, day: d)
        }
        let o = civil(on)
        var years = o.year - b.year
        if on < birthday(o.year) { years -= 1 }
        let last = birthday(b.year + years)
        let next = birthday(b.year + years + 1)
        return Double(years) + Double(on - last) / Double(next - last)
    }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses the accepted forms; nil for anything else or an impossible date.
    public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        func digits(_ lo: Int, _ hi: Int) -> Int? {
            var v = 0
            for i in lo..<hi {
                let d = b[i] &- 0x30
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        var y: Int?, m: Int?, d: Int?
        let n = b.count
        if n == 8 || n == 12 {
            y = digits(0, 4); m = digits(4, 6); d = digits(6, 8)
            if n == 12, digits(8, 12) == nil { return nil }
        } else if n == 10 && b[4] == 0x2D && b[7] == 0x2D {
            y = digits(0, 4); m = digits(5, 7); d = digits(8, 10)
        } else if n == 10 && b[2] == 0x2F && b[5] == 0x2F {
            d = digits(0, 2); m = digits(3, 5); y = digits(6, 10)
        } else {
            return nil
        }
        guard let year = y, var month = m, var day = d, year >= 1800, year <= 2200, month <= 12 else { return nil }
        // Unknown month or day (00): the middle of the year or month.
        if month == 0 { month = 7; day = day == 0 ? 1 : day }
        if day == 0 { day = 15 }
        guard day >= 1, day <= daysInMonth(year, month) else { return nil }
        return Double(days(year: year, month: month, day: day))
    }
}

/// Three-letter country codes as numbers: ((c1 − A)·26 + (c2 − A))·26 + (c3 − A), upper case.
public enum ISO3 {
    /// The code of three ASCII letters, or nil.
    public static func code<C: Collection>(_ bytes: C) -> Double? where C.Element == UInt8 {
        guard bytes.count == 3 else { return nil }
        var v = 0
        for b in bytes {
            let u = (b >= 0x61 && b <= 0x7A) ? b - 0x20 : b
            guard u >= 0x41 && u <= 0x5A else { return nil }
            v = v * 26 + Int(u - 0x41)
        }
        return Double(v)
    }

    /// The letters of a code.
    public static func text(_ code: Double) -> String {
        let v = Int(code)
        let letters = [v / 676, (v / 26) % 26, v % 26].map { Character(UnicodeScalar(UInt8(65 + $0))) }
        return String(letters)
    }
}

/// A closed list of canonical category values with accepted spellings. Matching ignores ASCII
/// case and surrounding spaces; Unicode spellings (e.g. `nữ`) match in either normal form.
public final class Vocabulary: Sendable, Equatable {
    /// Canonical values; a row's code is the index into this list.
    public let values: [String]
    /// Accepted spelling (lower case) → index into `values`.
    public let aliases: [String: Int]
    /// The ASCII spellings as bytes (lower case), for matching without allocating.
    public let asciiAliases: [(bytes: [UInt8], index: Int)]
    /// The same, flattened (bytes of all spellings, and offset/length/index per spelling), so the
    /// hot loop touches no reference-counted storage per spelling.
    let asciiBytes: [UInt8]
    let asciiEntries: [(offset: Int, length: Int, index: Int)]

    public static func == (a: Vocabulary, b: Vocabulary) -> Bool { a.values == b.values && a.aliases == b.aliases }

    public init(_ values: [String], aliases extra: [String: String] = [:]) {
        self.values = values
        var a: [String: Int] = [:]
        for (i, v) in values.enumerated() { a[v] = i }
        for (spelling, canonical) in extra {
            guard let i = values.firstIndex(of: canonical) else {
                preconditionFailure("alias \(spelling) names unknown value \(canonical)")
            }
            a[spelling] = i
        }
        self.aliases = a
        self.asciiAliases = a.filter { $0.key.utf8.allSatisfy { $0 < 0x80 } }
            .sorted { $0.key < $1.key }
            .map { (Array($0.key.utf8), $0.value) }
        var flat: [UInt8] = []
        var entries: [(offset: Int, length: Int, index: Int)] = []
        for (bytes, index) in asciiAliases {
            entries.append((flat.count, bytes.count, index))
            flat.append(contentsOf: bytes)
        }
        self.asciiBytes = flat
        self.asciiEntries = entries
    }

    /// The index of a canonical value.
    public func index(of value: String) -> Int? { values.firstIndex(of: value) }
}

/// One canonical input field.
public struct FieldSpec: Sendable, Equatable {
    public let name: String
    public let kind: FieldKind
    /// Canonical unit (empty for categories and flags).
    public let unit: String
    /// Values outside these limits are implausible for any model: status `out_of_range:<field>`.
    public let plausible: ClosedRange<Double>?
    public let meaning: String
}

/// The canonical schema (README.md, "Input and output"): every field a model may name.
public enum CanonicalSchema {
    public static let sex = Vocabulary(
        ["female", "male"],
        aliases: ["f": "female", "m": "male", "nữ": "female", "nu": "female", "nam": "male"])
    public static let race = Vocabulary(["white", "black", "other"])
    public static let diabetesType = Vocabulary(["none", "type1", "type2"])
    public static let score2Region = Vocabulary(["low", "moderate", "high", "very_high"])
    public static let kfreCalibration = Vocabulary(["north_american", "non_north_american"])
    /// The 21 Global Burden of Disease regions used by the WHO 2019 charts.
    public static let whoRegion = Vocabulary([
        "andean_latin_america", "australasia", "caribbean", "central_asia", "central_europe",
        "central_latin_america", "central_sub_saharan_africa", "east_asia", "eastern_europe",
        "eastern_sub_saharan_africa", "high_income_asia_pacific", "high_income_north_america",
        "north_africa_middle_east", "oceania", "south_asia", "southeast_asia",
        "southern_latin_america", "southern_sub_saharan_africa", "tropical_latin_america",
        "western_europe", "western_sub_saharan_africa",
    ])

    private static func num(_ n: String, _ unit: String, _ lo: Double, _ hi: Double, _ m: String) -> FieldSpec {
        FieldSpec(name: n, kind: .numeric, unit: unit, plausible: lo...hi, meaning: m)
    }
    private static func flag(_ n: String, _ m: String) -> FieldSpec {
        FieldSpec(name: n, kind: .binary, unit: "", plausible: nil, meaning: m)
    }
    private static func cat(_ n: String, _ v: Vocabulary, _ m: String) -> FieldSpec {
        FieldSpec(name: n, kind: .category(v), unit: "", plausible: nil, meaning: m)
    }

    /// All fields, in the documented order. Plausibility limits are deliberately wide: they
    /// catch wrong units and typing errors (cholesterol in mg/dL, SBP 1320), not unusual people.
    public static let fields: [FieldSpec] = [
        num("age", "years", 0, 120, "age at assessment"),
        cat("sex", sex, "sex"),
        cat("race", race, "race group (PCE only)"),
        flag("smoker", "current smoker (cigarettes or water-pipe tobacco)"),
        flag("diabetes", "diabetes, any type"),
        cat("diabetes_type", diabetesType, "diabetes type (QRISK3)"),
        num("sbp", "mmHg", 50, 300, "systolic blood pressure"),
        num("dbp", "mmHg", 20, 200, "diastolic blood pressure"),
        flag("bp_treated", "on antihypertensive drugs"),
        flag("hypertension", "diagnosed hypertension (ICD-10 I10-I15), read by alert rules only"),
        flag("statin", "on lipid-lowering drugs"),
        num("total_chol", "mmol/L", 0.5, 25, "total cholesterol"),
        num("hdl", "mmol/L", 0.1, 6, "HDL cholesterol"),
        num("bmi", "kg/m2", 8, 100, "body-mass index"),
        num("height_cm", "cm", 50, 250, "height"),
        num("weight_kg", "kg", 10, 400, "weight"),
        num("waist_cm", "cm", 30, 250, "waist circumference"),
        num("egfr", "mL/min/1.73m2", 1, 250, "estimated GFR"),
        num("creatinine", "umol/L", 5, 3000, "serum creatinine"),
        num("uacr", "mg/g", 0, 100_000, "urine albumin-to-creatinine ratio"),
        num("hba1c", "%", 2, 25, "HbA1c (NGSP)"),
        num("fasting_glucose", "mmol/L", 1, 60, "fasting plasma glucose"),
        num("albumin", "g/L", 5, 80, "serum albumin"),
        num("calcium", "mmol/L", 0.5, 5, "serum calcium"),
        num("phosphate", "mmol/L", 0.1, 6, "serum phosphate"),
        num("bicarbonate", "mmol/L", 2, 60, "serum bicarbonate"),
        FieldSpec(name: "sdi", kind: .code(1...10), unit: "decile", plausible: 1...10, meaning: "social deprivation index decile"),
        cat("who_region", whoRegion, "GBD region for WHO 2019"),
        FieldSpec(name: "country", kind: .iso3, unit: "", plausible: nil, meaning: "country, ISO 3166 alpha-3 (Globorisk)"),
        FieldSpec(name: "birth_date", kind: .date, unit: "date", plausible: nil, meaning: "date of birth (identifying; used only to compute age)"),
        FieldSpec(name: "assessment_date", kind: .date, unit: "date", plausible: nil, meaning: "date of the assessment (age is computed at it)"),
        num("baseline_year", "year", 1950, 2100, "calendar year of the assessment (Globorisk)"),
        cat("score2_region", score2Region, "ESC risk region"),
        cat("kfre_calibration", kfreCalibration, "KFRE calibration"),
        FieldSpec(name: "ethnicity", kind: .code(1...9), unit: "", plausible: 1...9, meaning: "QRISK3 ethnicity code"),
        num("townsend", "score", -15, 25, "Townsend deprivation score"),
        num("sbp_sd", "mmHg", 0, 100, "standard deviation of repeated SBP"),
        FieldSpec(name: "smoking_category", kind: .code(0...4), unit: "", plausible: 0...4, meaning: "QRISK3 smoking category"),
        flag("family_history_chd", "CHD in a first-degree relative under 60"),
        flag("atrial_fibrillation", "atrial fibrillation"),
        flag("rheumatoid_arthritis", "rheumatoid arthritis"),
        flag("ckd_stage_3_5", "chronic kidney disease stage 3-5"),
        flag("migraine", "migraine"),
        flag("sle", "systemic lupus erythematosus"),
        flag("severe_mental_illness", "severe mental illness"),
        flag("atypical_antipsychotic", "on atypical antipsychotics"),
        flag("corticosteroids", "on regular steroid tablets"),
        flag("erectile_dysfunction", "erectile dysfunction"),
        flag("physically_active", "at least 30 min physical activity daily (FINDRISC)"),
        flag("daily_fruit_veg", "vegetables or fruit every day (FINDRISC)"),
        flag("high_glucose_history", "history of high blood glucose (FINDRISC)"),
        FieldSpec(name: "family_history_diabetes", kind: .code(0...2), unit: "", plausible: 0...2, meaning: "0 none, 1 second-degree, 2 first-degree"),
    ]

    /// Fields by name.
    public static let byName: [String: FieldSpec] = {
        var d: [String: FieldSpec] = [:]
        for f in fields { d[f.name] = f }
        return d
    }()

    /// The index of a field in `fields`.
    public static let indexByName: [String: Int] = {
        var d: [String: Int] = [:]
        for (i, f) in fields.enumerated() { d[f.name] = i }
        return d
    }()
}
