// The report's aggregates of a scored CSV: counts only, built in one streaming pass, so memory
// depends on the number of risk columns, flags and areas, never on the number of rows. No cell
// text is kept except area codes (the report's only text from the data).
import Foundation

/// Sex groups of the report.
public enum ReportSex: Int, CaseIterable, Sendable {
    case female, male, unknown

    static func read(_ b: [UInt8]) -> ReportSex {
        switch b.text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "female", "f", "nữ", "nu": return .female
        case "male", "m", "nam": return .male
        default: return .unknown
        }
    }
}

/// Age groups of the report: <40, 40–49, 50–59, 60–69, ≥70, unknown.
public enum ReportAgeGroup: Int, CaseIterable, Sendable {
    case under40, from40, from50, from60, from70, unknown

    static func of(_ age: Double?) -> ReportAgeGroup {
        guard let a = age, a.isFinite, a >= 0 else { return .unknown }
        switch a {
        case ..<40: return .under40
        case ..<50: return .from40
        case ..<60: return .from50
        case ..<70: return .from60
        default: return .from70
        }
    }

    public var label: String {
        switch self {
        case .under40: return "<40"
        case .from40: return "40–49"
        case .from50: return "50–59"
        case .from60: return "60–69"
        case .from70: return "≥70"
        case .unknown: return "?"
        }
    }
}

/// One 10-year risk column's counts.
public struct RiskColumnCounts: Sendable {
    public let column: String
    public let model: String
    /// [sex][age group][band]
    public var counts: [[[Int]]]
    /// Rows without a value (not scored).
    public var notScored = 0

    init(column: String, model: String, bands: Int) {
        self.column = column
        self.model = model
        counts = Array(repeating: Array(repeating: Array(repeating: 0, count: bands), count: ReportAgeGroup.allCases.count), count: ReportSex.allCases.count)
    }

    public func total(band: Int) -> Int { counts.reduce(0) { s, bySex in s + bySex.reduce(0) { $0 + $1[band] } } }
    public var scored: Int { counts.reduce(0) { s, bySex in s + bySex.reduce(0) { $0 + $1.reduce(0, +) } } }
}

/// One area's counts.
public struct AreaCounts: Sendable {
    public var rows = 0
    /// Rows with a value in the first 10-year risk column.
    public var scored = 0
    /// Rows at or above the high-risk threshold in that column.
    public var highRisk = 0
    /// Rows with at least one rule flag.
    public var flagged = 0
}

/// Everything the report shows from the scored file.
public struct ReportData: Sendable {
    /// Band lower bounds in percent (from the flag rules: 5, 10, 20, 30 by default) and codes.
    public let bandBounds: [Double]
    public let bandCodes: [String]
    /// The risk (percent) from which a row counts as high risk (20).
    public let highRisk: Double
    public private(set) var rows = 0
    public private(set) var riskColumns: [RiskColumnCounts] = []
    /// Every risk column found (any horizon), for the model list.
    public private(set) var allRiskColumns: [String] = []
    /// Model ids found in the column names.
    public private(set) var models: [String] = []
    /// Per model with a status column: rows with status ok, and others.
    public private(set) var statusOK: [String: Int] = [:]
    public private(set) var statusOther: [String: Int] = [:]
    /// Rows per flag id (risk-band codes `model:band` are not counted here).
    public private(set) var flags: [String: Int] = [:]
    public private(set) var hasFlagsColumn = false
    public private(set) var areaColumn: String?
    public private(set) var areas: [String: AreaCounts] = [:]
    /// Distinct flag ids and areas kept (more are counted under `otherFlags` / `otherAreas`).
    public static let maxFlags = 500
    public static let maxAreas = 50_000
    public private(set) var otherFlagRows = 0
    public private(set) var otherAreaRows = 0
    public private(set) var rowsWithoutArea = 0

    // Column indexes.
    private var ageIndex: Int?
    private var sexIndex: Int?
    private var areaIndex: Int?
    private var flagsIndex: Int?
    private var riskIndexes: [Int] = []
    private var statusIndexes: [(model: String, index: Int)] = []

    /// Column names that identify people (never an area).
    static let identifyingColumns: Set<String> = [
        "id", "name", "full_name", "ho_ten", "cccd", "national_id", "insurance_number", "ma_bn", "ma_the_bhyt",
        "so_cccd", "address", "dia_chi", "phone", "dien_thoai", "birth_date", "ngay_sinh",
    ]

    /// Reads a scored CSV (any CSV with `<model>_<outcome>_<horizon>y` columns, `age`, `sex`,
    /// optionally the area column, `<model>_status` and `flags`). `knownModels` are model ids
    /// to recognise in column names (longest match wins).
    public static func read(
        path: String, areaColumn: String?, knownModels: [String], bandBounds: [Double], bandCodes: [String], highRisk: Double = 20
    ) throws(ReportError) -> ReportData {
        var records = try CSVRecords.open(path)
        var fields: [[UInt8]] = []
        guard records.next(into: &fields) else { throw .emptyInput(path: path) }
        var data = ReportData(bandBounds: bandBounds, bandCodes: bandCodes, highRisk: highRisk)
        try data.setHeader(fields.map(\.text), path: path, areaColumn: areaColumn, knownModels: knownModels)
        while records.next(into: &fields) { data.add(fields) }
        if let a = areaColumn, data.areas.count > max(10, data.rows / 2) {
            throw .areaLooksIdentifying(path: path, column: a)
        }
        return data
    }

    init(bandBounds: [Double], bandCodes: [String], highRisk: Double) {
        self.bandBounds = bandBounds
        self.bandCodes = bandCodes
        self.highRisk = highRisk
    }

    /// The model id of a risk column: the longest known id followed by `_`, else the name
    /// without its last two parts.
    static func model(of column: String, knownModels: [String]) -> String {
        if let m = knownModels.filter({ column.hasPrefix($0 + "_") }).max(by: { $0.count < $1.count }) { return m }
        let parts = column.split(separator: "_")
        return parts.dropLast(2).joined(separator: "_")
    }

    /// Whether a header name is a risk column `<model>_<outcome>_<horizon>y`, and its horizon.
    static func horizon(of column: String) -> Int? {
        let parts = column.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, last.count >= 2, last.hasSuffix("y"),
              let h = Int(last.dropLast()), h > 0,
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) } })
        else { return nil }
        return h
    }

    mutating func setHeader(_ header: [String], path: String, areaColumn: String?, knownModels: [String]) throws(ReportError) {
        ageIndex = header.firstIndex(of: "age")
        sexIndex = header.firstIndex(of: "sex")
        flagsIndex = header.firstIndex(of: "flags")
        hasFlagsColumn = flagsIndex != nil
        if let a = areaColumn {
            guard let i = header.firstIndex(of: a) else { throw .missingColumn(path: path, column: a) }
            guard !Self.identifyingColumns.contains(a.lowercased()) else {
                throw .areaLooksIdentifying(path: path, column: a)
            }
            areaIndex = i
            self.areaColumn = a
        }
        for (i, name) in header.enumerated() {
            guard let h = Self.horizon(of: name) else { continue }
            allRiskColumns.append(name)
            let model = Self.model(of: name, knownModels: knownModels)
            if !models.contains(model) { models.append(model) }
            if h == 10 {
                riskIndexes.append(i)
                riskColumns.append(RiskColumnCounts(column: name, model: model, bands: bandCodes.count))
            }
        }
        guard !allRiskColumns.isEmpty else { throw .noRiskColumns(path: path) }
        for m in models {
            if let i = header.firstIndex(of: m + "_status") { statusIndexes.append((m, i)) }
        }
    }

    func band(of risk: Double) -> Int {
        var b = 0
        while b < bandBounds.count && risk >= bandBounds[b] { b += 1 }
        return b
    }

    mutating func add(_ f: [[UInt8]]) {
        rows += 1
        func cell(_ i: Int?) -> [UInt8]? { i.flatMap { $0 < f.count ? f[$0] : nil } }
        let sex = cell(sexIndex).map(ReportSex.read) ?? .unknown
        let age = ReportAgeGroup.of(cell(ageIndex)?.number)
        var firstRisk: Double?
        for (k, i) in riskIndexes.enumerated() {
            guard let v = cell(i)?.number, v.isFinite else {
                riskColumns[k].notScored += 1
                continue
            }
            if k == 0 { firstRisk = v }
            riskColumns[k].counts[sex.rawValue][age.rawValue][band(of: v)] += 1
        }
        for (m, i) in statusIndexes {
            if cell(i) == Array("ok".utf8) || cell(i)?.starts(with: Array("ok;".utf8)) == true {
                statusOK[m, default: 0] += 1
            } else {
                statusOther[m, default: 0] += 1
            }
        }
        var flagged = false
        if let fl = cell(flagsIndex), !fl.isEmpty {
            var seen = Set<String>()
            for token in fl.split(separator: 0x3B) where !token.contains(0x3A) && !token.isEmpty {
                // Only codes are ever shown: anything else in the column is counted, not named.
                guard isCode(token) else { otherFlagRows += 1; flagged = true; continue }
                let id = Array(token).text
                guard seen.insert(id).inserted else { continue }
                flagged = true
                if flags[id] != nil || flags.count < Self.maxFlags {
                    flags[id, default: 0] += 1
                } else {
                    otherFlagRows += 1
                }
            }
        }
        if let ai = areaIndex {
            guard let a = cell(ai), !a.isEmpty else { rowsWithoutArea += 1; return }
            let key = a.text
            guard areas[key] != nil || areas.count < Self.maxAreas else { otherAreaRows += 1; return }
            var c = areas[key] ?? AreaCounts()
            c.rows += 1
            if let r = firstRisk {
                c.scored += 1
                if r >= highRisk { c.highRisk += 1 }
            }
            if flagged { c.flagged += 1 }
            areas[key] = c
        }
    }
}
