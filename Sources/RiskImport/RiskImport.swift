// RiskImport: turns Vietnamese health-insurance claim XML (Decision 130/QĐ-BYT, and the 4210/QĐ-BYT
// files it replaced) into canonical records: one row per patient (MA_BN), visits joined by MA_LK.
// Contract: identifying fields (HO_TEN, SO_CCCD, MA_THE_BHYT / MA_THE, DIA_CHI, NGAY_SINH) are read
// only where needed (NGAY_SINH for the age) and never written to rows, header or problems; problems
// carry tag names and reason codes, never a cell value. See README.md in this folder.
import Foundation
import RiskCore

/// Settings of one import.
public struct ClaimImportOptions: Sendable {
    /// Assessment date, `yyyymmdd`. nil: each patient's latest visit date (NGAY_RA, else NGAY_VAO).
    public var asOf: String?
    /// Code lists for labs and drugs. nil: the lists embedded from `Models/codelists/`.
    public var codeLists: ClaimCodeLists?

    public init(asOf: String? = nil, codeLists: ClaimCodeLists? = nil) {
        self.asOf = asOf
        self.codeLists = codeLists
    }
}

/// A data problem in a readable file: where it is and why, never the value itself.
public struct ClaimImportProblem: Sendable, Hashable, CustomStringConvertible {
    /// The file name as given to `ClaimImport.records`.
    public let file: String
    /// `XML1`, `XML2`, `XML4`, or `GIAMDINHHS` for the envelope.
    public let table: String
    /// 1-based index of the record within that table in that file (for `GIAMDINHHS`: the FILEHOSO entry).
    public let record: Int
    /// The XML tag concerned (e.g. `GIA_TRI`).
    public let field: String
    /// A reason code, e.g. `censored`, `unit_inferred:total_chol:mmol/L`, `birth_date_approximated`.
    public let reason: String

    public init(file: String, table: String, record: Int, field: String, reason: String) {
        self.file = file
        self.table = table
        self.record = record
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(file): \(table) record \(record), \(field): \(reason)" }
}

/// The canonical records of an import.
public struct ClaimImportResult: Sendable, Equatable {
    /// Column names: canonical fields, then pass-through columns (see `ClaimImport.header`).
    public let header: [String]
    /// One row per patient, sorted by `id`; cells are empty when unknown.
    public let rows: [[String]]
    /// Data problems, in file and record order, then per patient in row order.
    public let problems: [ClaimImportProblem]
}

/// A file that cannot be read at all, or an unusable setting. Rendered to text only at the edge.
public enum ClaimImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is not well-formed XML.
    case notXML(file: String)
    /// XML, but neither a `GIAMDINHHS` envelope nor a known inner table (XML1, XML2, XML4).
    case noEnvelope(file: String)
    /// `NOIDUNGFILE` of the FILEHOSO entry (1-based) is neither XML nor valid base64.
    case badBase64(file: String, entry: Int)
    /// The decoded `NOIDUNGFILE` of the entry is not well-formed XML.
    case innerNotXML(file: String, entry: Int)
    /// `asOf` is not a valid `yyyymmdd` date.
    case invalidAsOf
    /// A code list cannot be used: its path, the 1-based line, and what is wrong.
    case codeList(path: String, line: Int, problem: String)

    public var description: String {
        switch self {
        case .notXML(let f): return "\(f): not well-formed XML"
        case .noEnvelope(let f): return "\(f): no GIAMDINHHS envelope and no XML1, XML2 or XML4 table"
        case .badBase64(let f, let e): return "\(f): FILEHOSO \(e): NOIDUNGFILE is neither XML nor base64"
        case .innerNotXML(let f, let e): return "\(f): FILEHOSO \(e): decoded NOIDUNGFILE is not well-formed XML"
        case .invalidAsOf: return "asOf must be a date written yyyymmdd"
        case .codeList(let p, let l, let problem): return "\(p) line \(l): \(problem)"
        }
    }
}

/// Claim XML → canonical records.
public enum ClaimImport {
    /// The output columns: canonical fields of the input schema, then pass-through columns.
    /// There are deliberately no `sbp`/`dbp` columns: blood pressure is not a structured claim field,
    /// so models that need it report `missing:sbp`.
    public static let header: [String] = [
        "id", "age", "sex", "diabetes", "bp_treated", "statin", "total_chol", "hdl", "fasting_glucose",
        "hba1c", "creatinine", "weight_kg",
        "matinh_cu_tru", "maxa_cu_tru", "hypertension", "prior_stroke", "prior_mi", "assessment_date",
    ]

    /// Reads claim files (GIAMDINHHS envelopes with base64 or plain inner tables, or inner tables on
    /// their own) and builds one canonical record per patient.
    /// - Parameters:
    ///   - files: file name (used only in problems and errors) and bytes.
    ///   - options: assessment date and code lists.
    /// - Throws: `ClaimImportError` when a file cannot be read at all; bad records are problems.
    public static func records(
        files: [(name: String, data: Data)], options: ClaimImportOptions = ClaimImportOptions()
    ) throws(ClaimImportError) -> ClaimImportResult {
        var asOf: Day?
        if let text = options.asOf {
            guard text.utf8.count == 8, let day = Day.parse(text) else { throw .invalidAsOf }
            asOf = day
        }
        let lists: ClaimCodeLists
        if let given = options.codeLists { lists = given } else { lists = try ClaimCodeLists.embedded() }
        var collector = Collector(lists: lists)
        for file in files {
            let tables = try ClaimFileReader.read(name: file.name, data: file.data, problems: &collector.problems)
            for table in tables { collector.add(table, file: file.name) }
        }
        return collector.assemble(asOf: asOf)
    }
}
