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

    /// Stop at the first file, FILEHOSO entry or record that has to be skipped
    /// (`ClaimImportError.stopped`) instead of listing it and going on.
    public var strict: Bool

    public init(asOf: String? = nil, codeLists: ClaimCodeLists? = nil, strict: Bool = false) {
        self.asOf = asOf
        self.codeLists = codeLists
        self.strict = strict
    }
}

/// A data problem in a readable file: where it is and why, never the value itself.
public struct ClaimImportProblem: Sendable, Hashable, CustomStringConvertible {
    /// The file name as given to `ClaimImport.records`.
    public let file: String
    /// `XML1`, `XML2`, `XML4`, `GIAMDINHHS` for an envelope entry, or `FILE` for the file as a whole.
    public let table: String
    /// 1-based index of the record within that table in that file (for `GIAMDINHHS`: the FILEHOSO
    /// entry; 0 for `FILE`).
    public let record: Int
    /// The XML tag concerned (e.g. `GIA_TRI`), or `-` for the file as a whole.
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

    public var description: String {
        table == Self.fileTable ? "\(file): \(reason)" : "\(file): \(table) record \(record), \(field): \(reason)"
    }

    /// The `table` of a problem with the whole file.
    public static let fileTable = "FILE"

    /// Reasons for which a file, FILEHOSO entry or record is skipped (every other reason qualifies
    /// or empties a single value).
    public static let skipReasons: Set<String> = [
        "not_xml", "not_claim_xml", "bad_base64", "missing_key", "duplicate_visit", "malformed_record",
        "unlinked_visit", "unknown_table", "empty", "missing_field",
    ]

    /// Whether this problem skipped a file, an entry or a record (what `strict` stops at).
    public var skipsData: Bool {
        if reason.hasPrefix("xml_") || reason.hasPrefix("inner_xml_") { return true }
        return Self.skipReasons.contains(reason) && (table != "XML1" || field == "MA_LK" || field == "MA_BN" || field == "TONG_HOP")
    }
}

/// The canonical records of an import.
public struct ClaimImportResult: Sendable, Equatable {
    /// Column names: canonical fields, then pass-through columns (see `ClaimImport.header`).
    public let header: [String]
    /// One row per patient, sorted by `id`; cells are empty when unknown.
    public let rows: [[String]]
    /// The same rows for scoring (columns `ClaimImport.scoringHeader`): `birth_date` in place of
    /// `age`, so the scorer derives the age exactly as for a canonical CSV. Never written to a file.
    public let scoringRows: [[String]]
    /// Data problems, in file and record order, then per patient in row order.
    public let problems: [ClaimImportProblem]
}

/// An input that cannot be opened, an unusable setting, or (with `strict`) the first skip.
/// Rendered to text only at the edge.
public enum ClaimImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be opened or read (the system's reason).
    case cannotRead(file: String, reason: String)
    /// `asOf` is not a valid `yyyymmdd` date.
    case invalidAsOf
    /// A code list cannot be used: its path, the 1-based line, and what is wrong.
    case codeList(path: String, line: Int, problem: String)
    /// `strict`: the first file, entry or record that had to be skipped.
    case stopped(ClaimImportProblem)

    public var description: String {
        switch self {
        case .cannotRead(let f, let reason): return "cannot read \(f): \(reason)"
        case .invalidAsOf: return "asOf must be a date written yyyymmdd"
        case .codeList(let p, let l, let problem): return "\(p) line \(l): \(problem)"
        case .stopped(let p): return "stopped at the first problem (strict): \(p)"
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

    /// The columns of `ClaimImportResult.scoringRows`: `header` with `birth_date` in place of `age`.
    public static let scoringHeader: [String] = header.map { $0 == "age" ? "birth_date" : $0 }

    /// Bytes read per block.
    static let blockSize = 1 << 16

    /// Reads claim files given in memory (GIAMDINHHS envelopes with base64, escaped or child-element
    /// inner tables, or inner tables on their own) and builds one canonical record per patient.
    /// The bytes are tokenized in blocks, exactly as files are.
    /// - Parameters:
    ///   - files: file name (used only in problems and errors) and bytes, in batch order.
    ///   - options: assessment date, code lists, strictness.
    /// - Throws: `ClaimImportError` for an unusable setting, or with `strict` the first skip.
    public static func records(
        files: [(name: String, data: Data)], options: ClaimImportOptions = ClaimImportOptions()
    ) throws(ClaimImportError) -> ClaimImportResult {
        var batch = try Batch(options: options)
        for file in files {
            var reader = ClaimFileReader(name: file.name)
            file.data.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                var offset = 0
                while offset < bytes.count && !reader.done {
                    let end = min(bytes.count, offset + blockSize)
                    reader.feed(UnsafeBufferPointer(rebasing: bytes[offset..<end]))
                    batch.take(&reader)
                    offset = end
                }
            }
            reader.finish()
            batch.take(&reader)
            try batch.checkStrict()
        }
        return try batch.finish()
    }

    /// Reads claim files from disk in blocks of 64 KiB: memory does not grow with file size.
    /// - Parameters:
    ///   - paths: (name used in problems, file path), in batch order.
    ///   - options: assessment date, code lists, strictness.
    ///   - observe: called with every block read, in order, per file index (e.g. to hash the inputs).
    /// - Throws: `ClaimImportError.cannotRead` when a file cannot be opened or read; see above.
    public static func records(
        paths: [(name: String, path: String)], options: ClaimImportOptions = ClaimImportOptions(),
        observe: ((Int, UnsafeBufferPointer<UInt8>) -> Void)? = nil
    ) throws(ClaimImportError) -> ClaimImportResult {
        var batch = try Batch(options: options)
        var block = [UInt8](repeating: 0, count: blockSize)
        for (index, file) in paths.enumerated() {
            let fd = open(file.path, O_RDONLY)
            guard fd >= 0 else { throw .cannotRead(file: file.name, reason: String(cString: strerror(errno))) }
            defer { close(fd) }
            var reader = ClaimFileReader(name: file.name)
            while true {
                let got = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, blockSize) }
                if got < 0 && errno == EINTR { continue }
                guard got >= 0 else { throw .cannotRead(file: file.name, reason: String(cString: strerror(errno))) }
                if got == 0 { break }
                block.withUnsafeBufferPointer { all in
                    let bytes = UnsafeBufferPointer(rebasing: all[0..<got])
                    observe?(index, bytes)
                    reader.feed(bytes)
                }
                batch.take(&reader)
            }
            reader.finish()
            batch.take(&reader)
            try batch.checkStrict()
        }
        return try batch.finish()
    }

    /// The state of one import across its files.
    private struct Batch {
        var collector: Collector
        let asOf: Int?
        let strict: Bool

        init(options: ClaimImportOptions) throws(ClaimImportError) {
            var asOf: Int?
            if let text = options.asOf {
                guard let t = ClaimTime.parse(text), text.utf8.count == 8 else { throw .invalidAsOf }
                asOf = t.day
            }
            self.asOf = asOf
            self.strict = options.strict
            let lists: ClaimCodeLists
            if let given = options.codeLists { lists = given } else { lists = try ClaimCodeLists.embedded() }
            collector = Collector(lists: lists)
        }

        /// Moves a reader's committed records and problems into the collector.
        mutating func take(_ reader: inout ClaimFileReader) {
            collector.problems.append(contentsOf: reader.problems)
            reader.problems.removeAll()
            for record in reader.ready { collector.add(record, file: reader.name) }
            reader.ready.removeAll()
        }

        func checkStrict() throws(ClaimImportError) {
            if strict, let first = collector.problems.first(where: \.skipsData) { throw .stopped(first) }
        }

        mutating func finish() throws(ClaimImportError) -> ClaimImportResult {
            let result = collector.assemble(asOf: asOf)
            if strict, let first = result.problems.first(where: \.skipsData) { throw .stopped(first) }
            return result
        }
    }
}
