// A seeded synthetic adult population in the canonical schema, with Vietnam-like risk-factor
// prevalences (WHO STEPS surveys of Viet Nam, 2015 and 2021), for demos, tests and benchmarks. Not real people.
//
// Targets (adults 30-85): smoking men ~45 %, women ~1.5 % (STEPS 2015: 50.6 % / 1.5 % at 18-69,
// falling with age); raised BP (>=140/90 or treated) ~25-30 %; BMI mean ~22.5, >=25 in ~18 %;
// diabetes ~7 % (about 1 in 14); TC mean ~4.9 mmol/L; race 'other' except a small synthetic share
// of 'white' (3 %) and 'black' (1 %) rows so every PCE equation is exercised.
//
// Every shipped model finds its inputs, so the demo scores most people each model applies to:
// - QRISK3: ethnicity (codes 1-9; 'other' race is 5 "other Asian"), a Townsend score (UK-specific,
//   drawn around 0 as a placeholder), smoking category (0 non, 1 ex, 2 light, 3 moderate, 4 heavy),
//   diabetes type, SD of repeated SBP and the condition flags at low prevalences;
// - KFRE 4/8-variable: a chronic-kidney-disease subgroup (~9 %, more with age and diabetes) with
//   eGFR 10-59 and raised albuminuria, plus albumin, calcium, phosphate and bicarbonate for
//   everyone (lower albumin and bicarbonate, higher phosphate as eGFR falls);
// - CKD-EPI 2021: creatinine consistent with the eGFR drawn;
// - FINDRISC: waist, BMI, activity, fruit and vegetables, glucose history, family history.
// Synthetic: the numbers are plausible, not estimates for any population.
import Foundation
import RiskCore

public struct SyntheticPopulation {
    public static let columns = [
        "id", "age", "sex", "race", "smoker", "diabetes", "sbp", "dbp", "bp_treated", "total_chol",
        "hdl", "bmi", "height_cm", "weight_kg", "waist_cm", "egfr", "creatinine", "uacr", "hba1c",
        "fasting_glucose", "statin", "physically_active", "daily_fruit_veg", "high_glucose_history",
        "family_history_diabetes", "ethnicity", "townsend", "smoking_category", "diabetes_type", "sbp_sd",
        "family_history_chd", "atrial_fibrillation", "rheumatoid_arthritis", "ckd_stage_3_5", "migraine", "sle",
        "severe_mental_illness", "atypical_antipsychotic", "corticosteroids", "erectile_dysfunction",
        "albumin", "calcium", "phosphate", "bicarbonate",
    ]

    private var generator: SplitMix64
    private var spare: Double?

    public init(seed: UInt64) { generator = SplitMix64(seed: seed ^ 0x5DEE_CE66_D1CE_4E5B) }

    private mutating func next() -> UInt64 { generator.next() }

    private mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    private mutating func normal() -> Double {
        if let s = spare { spare = nil; return s }
        var u = uniform()
        while u <= 0 { u = uniform() }
        let v = uniform()
        let r = (-2 * Foundation.log(u)).squareRoot()
        spare = r * sin(2 * .pi * v)
        return r * cos(2 * .pi * v)
    }

    private static func logistic(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    private mutating func age() -> Int {
        // Declining adult pyramid: relative weight per year by decade 30-39 ... 80-85.
        let weights: [(Int, Int, Double)] = [(30, 39, 2.7), (40, 49, 2.5), (50, 59, 2.2), (60, 69, 1.6), (70, 79, 0.7), (80, 85, 0.5)]
        let total = weights.reduce(0.0) { $0 + Double($1.1 - $1.0 + 1) * $1.2 }
        var u = uniform() * total
        for (lo, hi, w) in weights {
            let span = Double(hi - lo + 1) * w
            if u < span { return lo + min(hi - lo, Int(u / w)) }
            u -= span
        }
        return 85
    }

    /// One CSV line (without newline) for data row `index` (1-based).
    public mutating func row(_ index: Int) -> String {
        let age = Double(age())
        let male = uniform() < 0.49
        let r = uniform()
        let race = r < 0.03 ? "white" : (r < 0.04 ? "black" : "other")
        let a10 = (age - 55) / 10
        let smokeP = (male ? 0.42 : 0.016) * min(max(1.15 - 0.06 * max(a10, 0), 0.5), 1.2)
        let smoker = uniform() < smokeP
        var sbp = 126 + 7.5 * a10 + 4 * (male ? 1 : 0) + 17 * normal()
        sbp = min(max(sbp, 85), 235).rounded()
        let dbp = min(max(22 + 0.45 * sbp + 7 * normal(), 45, ), 135).rounded()
        let diabetes = uniform() < Self.logistic(-2.75 + 0.45 * a10 + 0.02 * (sbp - 128))
        let treated = uniform() < Self.logistic(-2.1 + 0.04 * (sbp - 128) + 0.35 * a10 + 0.5 * (diabetes ? 1 : 0))
        let tc = (min(max(4.87 + 0.12 * a10 + 0.15 * (male ? 0 : 1) + 0.95 * normal(), 2.2), 11) * 100).rounded() / 100
        let hdl = (min(max((male ? 1.12 : 1.32) - 0.1 * (smoker ? 1 : 0) + 0.28 * normal(), 0.45), 3.0) * 100).rounded() / 100
        let height = ((male ? 164.0 : 153.0) - 0.08 * (age - 50) + 6 * normal()).rounded()
        let bmi = min(max(22.5 + (diabetes ? 1.2 : 0) + 3 * normal(), 14), 45)
        let weight = (bmi * height * height / 10000 * 10).rounded() / 10
        let bmiOut = (weight / (height * height / 10000) * 10).rounded() / 10
        let waist = (min(max(40 + 2.0 * bmiOut + (male ? 4 : 0) + 5 * normal(), 55), 150)).rounded()
        // A chronic-kidney-disease subgroup (eGFR 10-59, KDIGO G3a-G5) so that KFRE applies.
        let ckd = uniform() < Self.logistic(-3.2 + 0.55 * a10 + 0.9 * (diabetes ? 1 : 0))
        let egfr = ckd
            ? (10 + 49 * pow(uniform(), 0.6)).rounded()
            : min(max(112 - 1.0 * (age - 30) + 13 * normal(), 60), 150).rounded()
        let hba1c = (min(max(diabetes ? 7.6 + 1.4 * normal() : 5.4 + 0.4 * normal(), 4), 14) * 10).rounded() / 10
        let fpg = (min(max(diabetes ? 8.5 + 2.5 * normal() : 5.0 + 0.55 * normal(), 3), 25) * 10).rounded() / 10
        let statin = uniform() < Self.logistic(-3.6 + 0.9 * (tc - 4.9) + 1.2 * (diabetes ? 1 : 0) + 0.3 * a10)
        // Creatinine consistent with the eGFR drawn (CKD-EPI 2021 inverted, ±5 %), µmol/L.
        let kappa = male ? 0.9 : 0.7
        let alpha = male ? -0.302 : -0.241
        let base = egfr / (142 * pow(0.9938, age) * (male ? 1 : 1.012))
        let ratio = base >= 1 ? pow(base, 1 / alpha) : pow(base, 1 / -1.2)
        let creatinine = (ratio * kappa * 88.4 * (1 + 0.05 * normal())).rounded()
        let uacr = (min(exp(2.3 + 1.1 * normal() + (diabetes ? 0.8 : 0) + (ckd ? 2.0 : 0) + 0.01 * (sbp - 128)), 20_000) * 10).rounded() / 10
        let active = uniform() < 0.55
        let fruit = uniform() < 0.6
        let glucoseHistory = diabetes || uniform() < 0.05
        let famRoll = uniform()
        let familyDiabetes = famRoll < 0.12 ? 2 : (famRoll < 0.2 ? 1 : 0)
        // QRISK3 extras.
        let ethnicity = race == "white" ? 1 : (race == "black" ? 7 : (uniform() < 0.03 ? 8 : 5))
        let townsend = min(max(3 * normal(), -7), 11)
        let exSmoker = !smoker && uniform() < (male ? 0.15 : 0.01)
        let intensity = uniform()
        let smokingCategory = smoker ? (intensity < 0.3 ? 2 : (intensity < 0.75 ? 3 : 4)) : (exSmoker ? 1 : 0)
        let diabetesType = diabetes ? (uniform() < 0.03 ? "type1" : "type2") : "none"
        let sbpSD = min(max(8 + 4 * normal(), 0), 30)
        let familyCHD = uniform() < 0.12
        let af = uniform() < Self.logistic(-5.6 + 0.9 * a10)
        let ra = uniform() < 0.01
        let migraine = uniform() < (male ? 0.05 : 0.12)
        let sle = uniform() < 0.001
        let smi = uniform() < 0.01
        let antipsychotic = uniform() < (smi ? 0.5 : 0.002)
        let steroids = uniform() < 0.02
        let ed = male && uniform() < Self.logistic(-2.4 + 0.8 * a10 + 0.7 * (diabetes ? 1 : 0))
        // KFRE-8 laboratory values, shifting as eGFR falls below 60.
        let loss = max(60 - egfr, 0) / 45
        let albumin = min(max(42 - 4 * loss + 3 * normal(), 20), 55)
        let calcium = min(max(2.35 - 0.12 * loss + 0.1 * normal(), 1.6), 3.0)
        let phosphate = min(max(1.1 + 0.45 * loss + 0.15 * normal(), 0.5), 3.5)
        let bicarbonate = min(max(25.5 - 4 * loss + 2.3 * normal(), 10), 35)
        // printf's "%.*f" digits, without Foundation's format parsing per cell.
        func f(_ x: Double, _ d: Int) -> String { NumberFormatting.fixedText(x, digits: d) }
        let b: (Bool) -> String = { $0 ? "1" : "0" }
        return [
            "SYN" + NumberFormatting.zeroPadded(index, width: 9), String(Int(age)), male ? "male" : "female", race, b(smoker), b(diabetes),
            String(Int(sbp)), String(Int(dbp)), b(treated), f(tc, 2), f(hdl, 2), f(bmiOut, 1), String(Int(height)),
            f(weight, 1), String(Int(waist)), String(Int(egfr)), String(Int(creatinine)), f(uacr, 1), f(hba1c, 1),
            f(fpg, 1), b(statin), b(active), b(fruit), b(glucoseHistory), String(familyDiabetes),
            String(ethnicity), f(townsend, 2), String(smokingCategory), diabetesType, f(sbpSD, 1),
            b(familyCHD), b(af), b(ra), b(egfr < 60), b(migraine), b(sle), b(smi), b(antipsychotic), b(steroids),
            b(ed), f(albumin, 1), f(calcium, 2), f(phosphate, 2), f(bicarbonate, 1),
        ].joined(separator: ",")
    }

    /// Writes `rows` rows with a header to `sink`, streaming in blocks.
    public static func write<Sink: ByteSink>(rows: Int, seed: UInt64, to sink: inout Sink) throws(BatchError) {
        var gen = SyntheticPopulation(seed: seed)
        var block = columns.joined(separator: ",") + "\n"
        for i in 1...max(rows, 1) where rows > 0 {
            block += gen.row(i)
            block += "\n"
            if block.utf8.count > 1 << 20 {
                try sink.write(Array(block.utf8))
                block = ""
            }
        }
        try sink.write(Array(block.utf8))
    }
}

// MARK: Areas and assessment dates, with injected rises (for `riskengine alerts`)

extension SyntheticPopulation {
    /// Columns added after the canonical ones by `writeAreas`.
    public static let areaColumns = ["province", "commune", "assessment_date"]

    /// The layout of a synthetic population over communes and months, and where rises are
    /// injected: communes whose index is 3 mod 7 get `riseRows` extra people with urgent blood
    /// pressure (SBP ≥ 180 mmHg) in each of the last `riseMonths` months.
    public struct AreaDesign: Sendable, Equatable {
        public var areas: Int
        public var months: Int
        public var startYear = 2021
        public var communesPerProvince = 10
        public var riseMonths = 3
        public var riseRows = 8

        public init(areas: Int, months: Int) {
            self.areas = areas
            self.months = months
        }

        public func province(_ commune: Int) -> String {
            let p = commune / communesPerProvince + 1
            return "P" + (p < 10 ? "0" : "") + String(p)
        }

        public func commune(_ i: Int) -> String {
            let s = String(i + 1)
            return province(i) + "-C" + String(repeating: "0", count: max(0, 3 - s.count)) + s
        }

        /// Indices of the communes with an injected rise.
        public var injectedCommunes: [Int] { (0..<areas).filter { $0 % 7 == 3 } }

        /// Month indices (0-based from January of `startYear`) with an injected rise.
        public var riseMonthIndices: Range<Int> { max(0, months - riseMonths)..<months }

        /// `YYYY-MM` of a month index.
        public func monthLabel(_ m: Int) -> String {
            let y = startYear + m / 12, mm = m % 12 + 1
            return "\(y)-" + (mm < 10 ? "0" : "") + String(mm)
        }
    }

    /// The row with its SBP and DBP replaced (urgent blood pressure).
    private mutating func urgentRow(_ index: Int) -> String {
        var fields = row(index).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[6] = String(182 + Int(uniform() * 25))  // sbp
        fields[7] = String(100 + Int(uniform() * 20))  // dbp
        return fields.joined(separator: ",")
    }

    /// Writes `rows` people spread uniformly over `design.areas` communes and `design.months`
    /// months (day of month 1–28), then the injected urgent-BP rows, with a header; columns are
    /// the canonical ones plus `province,commune,assessment_date`.
    public static func writeAreas<Sink: ByteSink>(rows: Int, design: AreaDesign, seed: UInt64, to sink: inout Sink) throws(BatchError) {
        var gen = SyntheticPopulation(seed: seed)
        var block = (columns + areaColumns).joined(separator: ",") + "\n"
        let areas = max(design.areas, 1), months = max(design.months, 1)
        func place(_ commune: Int, _ month: Int, _ day: Int) -> String {
            ",\(design.province(commune)),\(design.commune(commune)),\(design.monthLabel(month))-" + (day < 10 ? "0" : "") + String(day)
        }
        var index = 0
        for _ in 0..<max(rows, 0) {
            index += 1
            block += gen.row(index)
            let c = Int(gen.uniform() * Double(areas)), m = Int(gen.uniform() * Double(months))
            block += place(c, m, 1 + Int(gen.uniform() * 28)) + "\n"
            if block.utf8.count > 1 << 20 { try sink.write(Array(block.utf8)); block = "" }
        }
        for c in design.injectedCommunes {
            for m in design.riseMonthIndices {
                for _ in 0..<design.riseRows {
                    index += 1
                    block += gen.urgentRow(index) + place(c, m, 1 + Int(gen.uniform() * 28)) + "\n"
                }
            }
        }
        try sink.write(Array(block.utf8))
    }
}
