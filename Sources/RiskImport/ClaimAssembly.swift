// Joining the tables into one record per patient (MA_BN), visits linked by MA_LK.
//
// Choices (see README.md):
// - Assessment date A: `asOf`, else the patient's latest visit date (NGAY_RA, else NGAY_VAO).
// - Visits count (diagnoses, drugs, weight) when they start (NGAY_VAO, else NGAY_RA) on or before A.
// - Demographics (birth date, sex, residence codes) come from the latest counted visit.
// - Labs: for each measurement, across all files of the batch, the latest result on or before A by
//   time stamp (NGAY_KQ date and time; a date without time counts as 00:00; no NGAY_KQ: the visit's
//   time stamp); equal time stamps go to the record read last (later file in argument order, then
//   later record in the file). Results after A are left out, with a problem.
// - Age: RiskCore's calendar age (`CalendarDate.age`) at A, the rule the CSV path applies to
//   birth_date and assessment_date.
import Foundation
import RiskCore

struct Collector {
    let lists: ClaimCodeLists
    var problems: [ClaimImportProblem] = []

    private struct Visit {
        let file: String, index: Int, order: Int
        let key: String, patient: String
        let start: ClaimTime?, end: ClaimTime?
        let diabetes: Bool, hypertension: Bool, stroke: Bool, mi: Bool
        let weight: Double?
        let birthRaw: String, sexRaw: String, province: String, commune: String
        /// The visit's date for ordering and the default assessment date.
        var date: ClaimTime? { end ?? start }
        /// The date that decides whether the visit counts at the assessment date.
        var startDate: ClaimTime? { start ?? end }
    }

    private struct PendingDrug { let file: String, index: Int, key: String, groups: Set<ClaimCodeLists.DrugGroup> }

    private struct PendingLab {
        let file: String, index: Int, order: Int, key: String
        let field: LabField, value: Double
        let resultTime: ClaimTime?
        let dateMissing: Bool
        /// Problems that qualify the value (censored, unit inferred), reported only if it is used.
        let notes: [(field: String, reason: String)]
    }

    private struct Observation {
        let lab: PendingLab
        let time: ClaimTime
    }

    private var visits: [String: Visit] = [:]
    private var visitsByPatient: [String: [String]] = [:]
    private var drugs: [PendingDrug] = []
    private var labs: [PendingLab] = []
    private var order = 0

    init(lists: ClaimCodeLists) { self.lists = lists }

    private mutating func problem(_ file: String, _ table: ClaimTable, _ index: Int, _ field: String, _ reason: String) {
        problems.append(.init(file: file, table: table.rawValue, record: index, field: field, reason: reason))
    }

    /// Adds one record; records must come in batch order (files in argument order, records in file order).
    mutating func add(_ record: ClaimRecord, file: String) {
        order += 1
        switch record.table {
        case .xml1: addVisit(record, file: file)
        case .xml2: addDrug(record, file: file)
        case .xml4: addLab(record, file: file)
        }
    }

    // MARK: Records

    private mutating func date(_ record: ClaimRecord, _ tag: String, file: String) -> ClaimTime? {
        let raw = record[tag]
        if raw.isEmpty { return nil }
        guard let day = ClaimTime.parse(raw) else {
            problem(file, record.table, record.index, tag, "invalid_date")
            return nil
        }
        return day
    }

    private mutating func addVisit(_ r: ClaimRecord, file: String) {
        let key = r["MA_LK"], patient = r["MA_BN"]
        guard !key.isEmpty else { return problem(file, .xml1, r.index, "MA_LK", "missing_key") }
        guard !patient.isEmpty else { return problem(file, .xml1, r.index, "MA_BN", "missing_key") }
        guard visits[key] == nil else { return problem(file, .xml1, r.index, "MA_LK", "duplicate_visit") }
        let start = date(r, "NGAY_VAO", file: file), end = date(r, "NGAY_RA", file: file)
        if r["NGAY_VAO"].isEmpty && r["NGAY_RA"].isEmpty { problem(file, .xml1, r.index, "NGAY_RA", "missing_date") }

        // Diagnoses: 130 tags MA_BENH_CHINH / MA_BENH_KT; 4210 tags MA_BENH / MA_BENHKHAC.
        var categories: [(Character, Int)] = []
        for tag in ["MA_BENH_CHINH", "MA_BENH_KT", "MA_BENH", "MA_BENHKHAC"] {
            var bad = false
            for part in r[tag].split(whereSeparator: { $0 == ";" || $0 == "," }) {
                let code = part.trimmingCharacters(in: .whitespaces)
                if code.isEmpty { continue }
                if let c = ClaimValues.icdCategory(code) { categories.append(c) } else { bad = true }
            }
            if bad { problem(file, .xml1, r.index, tag, "invalid_code") }
        }
        func any(_ letter: Character, _ range: ClosedRange<Int>) -> Bool {
            categories.contains { $0.0 == letter && range.contains($0.1) }
        }

        var weight: Double?
        let rawWeight = r["CAN_NANG"]
        if !rawWeight.isEmpty {
            switch ClaimValues.number(rawWeight) {
            case .value(let w): weight = w > 0 ? w : nil  // 0 is the usual placeholder for "not weighed"
            case .invalid: problem(file, .xml1, r.index, "CAN_NANG", "invalid_number")
            case .ambiguous: problem(file, .xml1, r.index, "CAN_NANG", "ambiguous_number")
            }
        }
        visits[key] = Visit(
            file: file, index: r.index, order: order, key: key, patient: patient, start: start, end: end,
            diabetes: any("E", 10...14), hypertension: any("I", 10...15), stroke: any("I", 60...64), mi: any("I", 21...22),
            weight: weight, birthRaw: r["NGAY_SINH"], sexRaw: r["GIOI_TINH"],
            province: r["MATINH_CU_TRU"], commune: r["MAXA_CU_TRU"])
        visitsByPatient[patient, default: []].append(key)
    }

    private mutating func addDrug(_ r: ClaimRecord, file: String) {
        let key = r["MA_LK"]
        guard !key.isEmpty else { return problem(file, .xml2, r.index, "MA_LK", "missing_key") }
        drugs.append(PendingDrug(file: file, index: r.index, key: key, groups: lists.drugGroups(code: r["MA_THUOC"], name: r["TEN_THUOC"])))
    }

    private mutating func addLab(_ r: ClaimRecord, file: String) {
        let key = r["MA_LK"]
        guard !key.isEmpty else { return problem(file, .xml4, r.index, "MA_LK", "missing_key") }
        guard let rule = lists.labRule(code: r["MA_CHI_SO"], name: r["TEN_CHI_SO"]), let field = rule.field else { return }
        var notes: [(String, String)] = []
        let raw: Double
        switch ClaimValues.labValue(r["GIA_TRI"]) {
        case .missing: return
        case .invalid: return problem(file, .xml4, r.index, "GIA_TRI", "invalid_number")
        case .ambiguous: return problem(file, .xml4, r.index, "GIA_TRI", "ambiguous_number")
        case .value(let x, let censored):
            raw = x
            if censored { notes.append(("GIA_TRI", "censored")) }
        }
        let unit: LabUnit
        let unitText = r["DON_VI_DO"]
        if !unitText.isEmpty {
            guard let u = LabUnit.parse(unitText), field.units.contains(u) else {
                return problem(file, .xml4, r.index, "DON_VI_DO", "unit_unknown:\(field.rawValue)")
            }
            unit = u
        } else if let u = rule.unit {
            unit = u
            notes.append(("DON_VI_DO", "unit_assumed:\(field.rawValue):\(u.rawValue)"))
        } else if let u = field.inferUnit(raw) {
            unit = u
            notes.append(("DON_VI_DO", "unit_inferred:\(field.rawValue):\(u.rawValue)"))
        } else {
            return problem(file, .xml4, r.index, "DON_VI_DO", "unit_unresolved:\(field.rawValue)")
        }
        guard let value = field.canonical(raw, from: unit) else {
            return problem(file, .xml4, r.index, "DON_VI_DO", "unit_unknown:\(field.rawValue)")
        }
        let resultTime = date(r, "NGAY_KQ", file: file)
        labs.append(PendingLab(
            file: file, index: r.index, order: order, key: key, field: field, value: value,
            resultTime: resultTime, dateMissing: r["NGAY_KQ"].isEmpty, notes: notes))
    }

    // MARK: Patients

    func latest<T>(_ items: [T], date: (T) -> ClaimTime?, order: (T) -> Int) -> T? {
        items.max { a, b in
            let da = date(a), db = date(b)
            if da != db {
                guard let x = da else { return true }
                guard let y = db else { return false }
                return x < y
            }
            return order(a) < order(b)
        }
    }

    mutating func assemble(asOf: Int?) -> ClaimImportResult {
        var drugsByVisit: [String: [Set<ClaimCodeLists.DrugGroup>]] = [:]
        for d in drugs {
            guard visits[d.key] != nil else {
                problems.append(.init(file: d.file, table: "XML2", record: d.index, field: "MA_LK", reason: "unlinked_visit"))
                continue
            }
            drugsByVisit[d.key, default: []].append(d.groups)
        }
        var labsByPatient: [String: [Observation]] = [:]
        for lab in labs {
            guard let visit = visits[lab.key] else {
                problems.append(.init(file: lab.file, table: "XML4", record: lab.index, field: "MA_LK", reason: "unlinked_visit"))
                continue
            }
            var time = lab.resultTime
            if time == nil {
                if lab.dateMissing {
                    problems.append(.init(file: lab.file, table: "XML4", record: lab.index, field: "NGAY_KQ", reason: "missing_date"))
                }
                time = visit.date
            }
            guard let t = time else { continue }
            labsByPatient[visit.patient, default: []].append(Observation(lab: lab, time: t))
        }

        var rows: [[String]] = []
        var scoringRows: [[String]] = []
        for patient in visitsByPatient.keys.sorted() {
            let all = (visitsByPatient[patient] ?? []).compactMap { visits[$0] }
            let r = row(patient: patient, visits: all, labs: labsByPatient[patient] ?? [], drugsByVisit: drugsByVisit, asOf: asOf)
            rows.append(r.export)
            scoringRows.append(r.scoring)
        }
        return ClaimImportResult(header: ClaimImport.header, rows: rows, scoringRows: scoringRows, problems: problems)
    }

    private mutating func row(
        patient: String, visits all: [Visit], labs: [Observation],
        drugsByVisit: [String: [Set<ClaimCodeLists.DrugGroup>]], asOf: Int?
    ) -> (export: [String], scoring: [String]) {
        guard let first = all.first else { return ([], []) }
        func note(_ v: Visit, _ field: String, _ reason: String) {
            problems.append(.init(file: v.file, table: "XML1", record: v.index, field: field, reason: reason))
        }
        let assessment = asOf ?? all.compactMap(\.date?.day).max()
        if assessment == nil { note(first, "NGAY_RA", "no_assessment_date") }
        let counted = all.filter { v in
            guard let a = assessment, let d = v.startDate else { return true }
            return d.day <= a
        }
        if counted.isEmpty { note(first, "NGAY_VAO", "no_visit_before_assessment") }
        let chosen = latest(counted.isEmpty ? all : counted, date: \.date, order: \.order) ?? first

        if Set(all.map(\.birthRaw)).count > 1 { note(chosen, "NGAY_SINH", "conflicting_values") }
        if Set(all.map(\.sexRaw)).count > 1 { note(chosen, "GIOI_TINH", "conflicting_values") }

        // Age: RiskCore's calendar age at A (the CSV path's derivation from birth_date); the scoring
        // rows carry the birth date itself so that the same derivation computes it.
        var age = "", birth = ""
        switch ClaimValues.birthDate(chosen.birthRaw) {
        case .invalid:
            note(chosen, "NGAY_SINH", chosen.birthRaw.isEmpty ? "missing_field" : "invalid_date")
        case .exact(let b), .approximated(let b):
            if case .approximated = ClaimValues.birthDate(chosen.birthRaw) { note(chosen, "NGAY_SINH", "birth_date_approximated") }
            if let a = assessment {
                if let years = CalendarDate.age(birth: b, on: a) {
                    age = CanonicalText.number(years)
                    birth = CanonicalText.date(b)
                } else {
                    note(chosen, "NGAY_SINH", "birth_after_assessment")
                }
            }
        }

        var sex = ""
        switch chosen.sexRaw {
        case "1": sex = "male"
        case "2": sex = "female"
        case "3": note(chosen, "GIOI_TINH", "sex_undetermined")
        case "": note(chosen, "GIOI_TINH", "missing_field")
        default: note(chosen, "GIOI_TINH", "invalid_code")
        }

        func flag(_ has: (Visit) -> Bool) -> String { counted.isEmpty ? "" : (counted.contains(where: has) ? "1" : "0") }
        let drugSets = counted.flatMap { drugsByVisit[$0.key] ?? [] }
        func drugFlag(_ g: ClaimCodeLists.DrugGroup) -> String {
            drugSets.isEmpty ? "" : (drugSets.contains { $0.contains(g) } ? "1" : "0")
        }

        var labCells: [LabField: String] = [:]
        for field in LabField.allCases {
            var usable: [Observation] = []
            for o in labs where o.lab.field == field {
                if let a = assessment, o.time.day > a {
                    problems.append(.init(file: o.lab.file, table: "XML4", record: o.lab.index, field: "NGAY_KQ", reason: "after_assessment_date"))
                } else {
                    usable.append(o)
                }
            }
            guard let best = latest(usable, date: { $0.time }, order: { $0.lab.order }) else { continue }
            for n in best.lab.notes {
                problems.append(.init(file: best.lab.file, table: "XML4", record: best.lab.index, field: n.field, reason: n.reason))
            }
            labCells[field] = CanonicalText.number(best.lab.value)
        }
        let weighed = counted.filter { $0.weight != nil }
        let weight = latest(weighed, date: \.date, order: \.order)?.weight.map(CanonicalText.number) ?? ""

        let rest = [
            sex, flag(\.diabetes), drugFlag(.antihypertensive), drugFlag(.statin),
            labCells[.totalChol] ?? "", labCells[.hdl] ?? "", labCells[.fastingGlucose] ?? "",
            labCells[.hba1c] ?? "", labCells[.creatinine] ?? "", weight,
            chosen.province, chosen.commune, flag(\.hypertension), flag(\.stroke), flag(\.mi),
            assessment.map(CanonicalText.date) ?? "",
        ]
        return ([patient, age] + rest, [patient, birth] + rest)
    }
}
