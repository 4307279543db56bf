// Reading one claim file as a stream: the GIAMDINHHS envelope (…/FILEHOSO with LOAIHOSO and
// NOIDUNGFILE), NOIDUNGFILE as base64 (decoded block by block and fed to a second tokenizer), as
// escaped XML text or as child elements, and the records of XML1, XML2 and XML4. Nothing is kept
// but the fields the importer reads, so memory does not grow with the file.
//
// Failure isolation: a FILEHOSO entry whose content cannot be read (bad base64, broken inner XML,
// nesting too deep) is dropped as a whole with one problem; a file that ends early or breaks keeps
// every entry (or, for a bare table, every record) completed before the break; a file that is not
// claim XML gives one problem. Every problem names file, table, record index and a reason, never a value.

/// The claim tables this importer reads.
enum ClaimTable: String, Sendable {
    case xml1 = "XML1"
    case xml2 = "XML2"
    case xml4 = "XML4"

    /// The record element of each table (Decision 130 and 4210 use the same names).
    var recordTag: String {
        switch self {
        case .xml1: return "TONG_HOP"
        case .xml2: return "CHI_TIET_THUOC"
        case .xml4: return "CHI_TIET_CLS"
        }
    }

    /// The table whose inner root element has this name (for inner tables given on their own).
    static func byRoot(_ name: String) -> ClaimTable? {
        switch name {
        case "TONG_HOP", "DSACH_TONG_HOP": return .xml1
        case "CHITIEU_CHITIET_THUOC", "DSACH_CHI_TIET_THUOC": return .xml2
        case "CHITIEU_CHITIET_DICHVUCANLAMSANG", "DSACH_CHI_TIET_CLS": return .xml4
        default: return nil
        }
    }

    /// The tags read from any table; the text of other elements is never kept.
    static let fieldsRead: Set<String> = [
        "MA_LK", "MA_BN", "NGAY_SINH", "GIOI_TINH", "MATINH_CU_TRU", "MAXA_CU_TRU", "MA_BENH_CHINH", "MA_BENH_KT",
        "MA_BENH", "MA_BENHKHAC", "NGAY_VAO", "NGAY_RA", "CAN_NANG", "MA_THUOC", "TEN_THUOC", "MA_CHI_SO",
        "TEN_CHI_SO", "GIA_TRI", "DON_VI_DO", "NGAY_KQ",
    ]
}

/// One record: its table, 1-based index within that table in its file, and its leaf fields.
struct ClaimRecord {
    let table: ClaimTable
    let index: Int
    /// Tag → trimmed text; the first occurrence of a tag wins.
    let fields: [String: String]

    subscript(_ tag: String) -> String { fields[tag] ?? "" }
}

/// Incremental base64 (RFC 4648 alphabet): white space ignored, `=` padding only at the end, the
/// total length a multiple of 4.
struct Base64Decoder {
    private var quad: UInt32 = 0
    private var count = 0
    private var padding = 0
    private(set) var failed = false

    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    /// Decodes `bytes`, appending to `out`; false (and `failed`) at the first invalid byte.
    mutating func decode(_ bytes: [UInt8], into out: inout [UInt8]) -> Bool {
        if failed { return false }
        Self.table.withUnsafeBufferPointer { table in
            for b in bytes {
                if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { continue }
                if b == 0x3D {
                    guard count >= 2 else { failed = true; return }
                    padding += 1
                    quad <<= 6
                    count += 1
                } else {
                    let v = table[Int(b)]
                    guard v != 0xFF, padding == 0 else { failed = true; return }
                    quad = quad << 6 | UInt32(v)
                    count += 1
                }
                if count == 4 {
                    out.append(UInt8(truncatingIfNeeded: quad >> 16))
                    if padding < 2 { out.append(UInt8(truncatingIfNeeded: quad >> 8)) }
                    if padding < 1 { out.append(UInt8(truncatingIfNeeded: quad)) }
                    quad = 0
                    count = 0
                    if padding > 0 { padding = 3 }  // nothing may follow a padded group
                }
            }
        }
        return !failed
    }

    /// Whether the input ended on a group boundary.
    var complete: Bool { !failed && count == 0 }
}

/// Collects the records of one table from the events of its document (or of a NOIDUNGFILE's
/// children). Records are the table's record elements (e.g. CHI_TIET_CLS) and any other element
/// holding a leaf MA_LK (vendor wrappers differ); a record with nested elements is malformed.
struct TableReader {
    private(set) var table: ClaimTable?
    /// The root name was not a known table (only when the table was not given).
    private(set) var unknownRoot = false
    private struct Frame {
        let name: String
        var fields: [String: String] = [:]
        var text: [UInt8] = []
        let keepsText: Bool
        var hasChildren = false
        var nested = false
    }
    private var frames: [Frame] = []
    private var recordAncestors = 0
    /// Completed records with whether each is malformed.
    var records: [(fields: [String: String], malformed: Bool)] = []
    /// Longest text kept for a field; the standard's longest read field (TEN_THUOC) is 1024 characters.
    static let maxFieldBytes = 4096

    init(table: ClaimTable?) { self.table = table }

    mutating func handle(_ event: XMLEvent) {
        switch event {
        case .start(let name):
            if frames.isEmpty && table == nil {
                table = ClaimTable.byRoot(name)
                if table == nil { unknownRoot = true }
            }
            if !frames.isEmpty { frames[frames.count - 1].hasChildren = true }
            if name == table?.recordTag { recordAncestors += 1 }
            frames.append(Frame(name: name, keepsText: ClaimTable.fieldsRead.contains(name)))
        case .text(let bytes):
            guard !frames.isEmpty, frames[frames.count - 1].keepsText else { return }
            let room = Self.maxFieldBytes - frames[frames.count - 1].text.count
            if room > 0 { frames[frames.count - 1].text.append(contentsOf: bytes.prefix(room)) }
        case .end:
            guard let frame = frames.popLast() else { return }
            if frame.name == table?.recordTag { recordAncestors -= 1 }
            if !frames.isEmpty {
                let p = frames.count - 1
                if frame.hasChildren {
                    frames[p].nested = true
                } else if frame.keepsText && frames[p].fields[frame.name] == nil {
                    frames[p].fields[frame.name] = String(decoding: frame.text, as: UTF8.self)
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                }
            }
            let isRecord = frame.name == table?.recordTag || frame.fields["MA_LK"] != nil
            // An element inside a record element is part of that record, not a record of its own.
            if isRecord && recordAncestors == 0 {
                records.append((frame.fields, frame.nested))
            }
        case .endOfDocument, .error:
            break
        }
    }
}

/// Reads one file's events and hands complete records to a sink; problems go to `problems`.
struct ClaimFileReader {
    let name: String
    private var tokenizer = XMLTokenizer()
    private var counters: [ClaimTable: Int] = [:]
    /// Committed records, drained by the caller.
    var ready: [ClaimRecord] = []
    var problems: [ClaimImportProblem] = []
    private(set) var done = false

    private enum Mode { case undecided, envelope, table(TableReader) }
    private var mode = Mode.undecided
    private var depth = 0

    /// The FILEHOSO entry being read.
    private struct Entry {
        let number: Int
        let depth: Int
        var kind: [UInt8]? = nil
        var readingKind = false
        var contentDepth: Int? = nil
        var contentSeen = false
        var content = Content.none
        var failure: (field: String, reason: String)? = nil
        var staged: [ClaimRecord] = []
        var stagedProblems: [ClaimImportProblem] = []
        var countersAtStart: [ClaimTable: Int]
    }
    private enum Content {
        case none
        case undecided
        case skipped
        case base64(Base64Decoder, XMLTokenizer, TableReader)
        case plain(XMLTokenizer, TableReader)
        case children(TableReader)
    }
    private var entry: Entry?
    private var entries = 0

    init(name: String) { self.name = name }

    // MARK: Input

    /// Reads a block of the file.
    mutating func feed(_ block: UnsafeBufferPointer<UInt8>) {
        guard !done else { return }
        tokenizer.feed(block)
        drain()
    }

    /// The end of the file.
    mutating func finish() {
        guard !done else { return }
        tokenizer.finish()
        drain()
    }

    private mutating func drain() {
        while !done, let event = tokenizer.next() {
            handle(event)
        }
    }

    // MARK: Problems

    private mutating func fileProblem(_ reason: String) {
        problems.append(.init(file: name, table: ClaimImportProblem.fileTable, record: 0, field: "-", reason: reason))
    }

    // MARK: Outer events

    private mutating func handle(_ event: XMLEvent) {
        switch event {
        case .start(let tag):
            depth += 1
            if depth == 1 {
                if tag == "GIAMDINHHS" {
                    mode = .envelope
                } else if let table = ClaimTable.byRoot(tag) {
                    var reader = TableReader(table: table)
                    reader.handle(event)
                    mode = .table(reader)
                } else {
                    fileProblem("not_claim_xml")
                    done = true
                }
                return
            }
            switch mode {
            case .table(var reader):
                reader.handle(event)
                mode = .table(reader)
                commit(&reader)
            case .envelope: envelopeStart(tag, event)
            case .undecided: break
            }
        case .text:
            switch mode {
            case .table(var reader):
                reader.handle(event)
                mode = .table(reader)
            case .envelope: envelopeText(event)
            case .undecided: break
            }
        case .end(let tag):
            defer { depth -= 1 }
            switch mode {
            case .table(var reader):
                reader.handle(event)
                commit(&reader)
                mode = .table(reader)
            case .envelope: envelopeEnd(tag, event)
            case .undecided: break
            }
        case .endOfDocument:
            done = true
        case .error(let e):
            done = true
            if case .undecided = mode {
                fileProblem(e == .doctype ? "xml_doctype" : "not_xml")
            } else if let open = entry {
                let field = open.contentDepth != nil ? "NOIDUNGFILE" : "FILEHOSO"
                problems.append(.init(file: name, table: "GIAMDINHHS", record: open.number, field: field, reason: "xml_" + e.code))
                entry = nil
                counters = open.countersAtStart
            } else {
                fileProblem("xml_" + e.code)
            }
        }
    }

    /// Moves a bare table's completed records to `ready`.
    private mutating func commit(_ reader: inout TableReader) {
        guard let table = reader.table, !reader.records.isEmpty else { return }
        for r in reader.records {
            let record = number(table, r.fields)
            if r.malformed { problems.append(malformed(record)) }
            ready.append(record)
        }
        reader.records.removeAll()
    }

    private mutating func number(_ table: ClaimTable, _ fields: [String: String]) -> ClaimRecord {
        let index = (counters[table] ?? 0) + 1
        counters[table] = index
        return ClaimRecord(table: table, index: index, fields: fields)
    }

    private func malformed(_ r: ClaimRecord) -> ClaimImportProblem {
        .init(file: name, table: r.table.rawValue, record: r.index, field: r.table.recordTag, reason: "malformed_record")
    }

    // MARK: Envelope

    private mutating func envelopeStart(_ tag: String, _ event: XMLEvent) {
        guard var e = entry else {
            if tag == "FILEHOSO" {
                entries += 1
                entry = Entry(number: entries, depth: depth, countersAtStart: counters)
            }
            return
        }
        defer { entry = e }
        if let cd = e.contentDepth, depth > cd {
            // The inner table given as child elements of NOIDUNGFILE.
            if case .undecided = e.content {
                e.content = wanted(e) ? .children(TableReader(table: table(e))) : .skipped
            }
            if case .children(var reader) = e.content {
                reader.handle(event)
                e.content = .children(reader)
            }
            return
        }
        guard depth == e.depth + 1 else { return }
        if tag == "LOAIHOSO" && e.kind == nil {
            e.kind = []
            e.readingKind = true
        } else if tag == "NOIDUNGFILE" && !e.contentSeen {
            e.contentSeen = true
            e.contentDepth = depth
            e.content = .undecided
        }
    }

    private func kindText(_ e: Entry) -> String? {
        e.kind.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).uppercased() }
    }

    /// The table named by LOAIHOSO (nil: not named yet, or not one this importer reads).
    private func table(_ e: Entry) -> ClaimTable? { kindText(e).flatMap(ClaimTable.init(rawValue:)) }

    /// Whether the content must be read: a table this importer reads, or LOAIHOSO not seen yet.
    private func wanted(_ e: Entry) -> Bool { e.kind == nil || table(e) != nil }

    private mutating func envelopeText(_ event: XMLEvent) {
        guard var e = entry, case .text(let bytes) = event else { return }
        defer { entry = e }
        if e.readingKind, depth == e.depth + 1 {
            if (e.kind?.count ?? 0) < 64 { e.kind?.append(contentsOf: bytes.prefix(64)) }
            return
        }
        guard let cd = e.contentDepth else { return }
        if depth > cd {
            if case .children(var reader) = e.content {
                reader.handle(event)
                e.content = .children(reader)
            }
            return
        }
        guard depth == cd else { return }
        var piece = bytes
        if case .undecided = e.content {
            guard let first = piece.firstIndex(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }) else { return }
            piece.removeFirst(first)
            if !wanted(e) {
                e.content = .skipped
            } else if piece[0] == 0x3C {
                e.content = .plain(XMLTokenizer(), TableReader(table: table(e)))
            } else {
                e.content = .base64(Base64Decoder(), XMLTokenizer(), TableReader(table: table(e)))
            }
        }
        switch e.content {
        case .base64(var decoder, var inner, var reader):
            guard e.failure == nil else { return }
            var decoded: [UInt8] = []
            if !decoder.decode(piece, into: &decoded) { e.failure = ("NOIDUNGFILE", "bad_base64"); return }
            inner.feed(decoded)
            pump(&inner, &reader, &e)
            e.content = .base64(decoder, inner, reader)
        case .plain(var inner, var reader):
            guard e.failure == nil else { return }
            inner.feed(piece)
            pump(&inner, &reader, &e)
            e.content = .plain(inner, reader)
        case .children, .none, .undecided, .skipped:
            break
        }
    }

    /// Moves the inner document's events into the table reader; an inner error fails the entry.
    private mutating func pump(_ inner: inout XMLTokenizer, _ reader: inout TableReader, _ e: inout Entry) {
        events: while e.failure == nil, let event = inner.next() {
            switch event {
            case .error(let x):
                e.failure = ("NOIDUNGFILE", "inner_xml_" + x.code)
                return
            case .endOfDocument:
                break events
            default:
                reader.handle(event)
            }
        }
        stage(&reader, &e)
    }

    private mutating func stage(_ reader: inout TableReader, _ e: inout Entry) {
        guard let t = reader.table else { return }
        for r in reader.records {
            let record = number(t, r.fields)
            if r.malformed { e.stagedProblems.append(malformed(record)) }
            e.staged.append(record)
        }
        reader.records.removeAll()
    }

    private mutating func envelopeEnd(_ tag: String, _ event: XMLEvent) {
        guard var e = entry else { return }
        if let cd = e.contentDepth, depth > cd {
            if case .children(var reader) = e.content {
                reader.handle(event)
                stage(&reader, &e)
                e.content = .children(reader)
            }
            entry = e
            return
        }
        if depth == e.depth + 1 {
            if tag == "LOAIHOSO" { e.readingKind = false }
            if tag == "NOIDUNGFILE" && depth == e.contentDepth { closeContent(&e) }
            entry = e
            return
        }
        guard depth == e.depth else { entry = e; return }
        // The end of the FILEHOSO entry: keep its records, or drop them all with one problem.
        entry = nil
        let kind = kindText(e)
        var failure = e.failure
        if failure == nil {
            if kind == nil {
                failure = ("LOAIHOSO", "missing_field")
            } else if !e.contentSeen && table(e) != nil {
                failure = ("NOIDUNGFILE", "missing_field")
            }
        }
        if failure == nil, let k = kind, table(e) == nil {
            if !Self.isClaimTableName(k) { failure = ("LOAIHOSO", "unknown_table") } else { counters = e.countersAtStart; return }
        }
        if let f = failure {
            counters = e.countersAtStart
            problems.append(.init(file: name, table: "GIAMDINHHS", record: e.number, field: f.field, reason: f.reason))
            return
        }
        problems.append(contentsOf: e.stagedProblems)
        ready.append(contentsOf: e.staged)
    }

    /// NOIDUNGFILE has closed: finish its decoder and inner document.
    private mutating func closeContent(_ e: inout Entry) {
        switch e.content {
        case .undecided:
            if wanted(e) && e.failure == nil { e.failure = ("NOIDUNGFILE", "empty") }
        case .base64(let decoder, var inner, var reader):
            guard e.failure == nil else { return }
            if !decoder.complete { e.failure = ("NOIDUNGFILE", "bad_base64"); return }
            inner.finish()
            finishInner(&inner, &reader, &e)
        case .plain(var inner, var reader):
            guard e.failure == nil else { return }
            inner.finish()
            finishInner(&inner, &reader, &e)
        case .children(let reader):
            if reader.unknownRoot && e.failure == nil { e.failure = ("NOIDUNGFILE", "unknown_table") }
        case .none, .skipped:
            break
        }
        if case .undecided = e.content { e.content = .skipped }
    }

    private mutating func finishInner(_ inner: inout XMLTokenizer, _ reader: inout TableReader, _ e: inout Entry) {
        pump(&inner, &reader, &e)
        if e.failure == nil, reader.unknownRoot { e.failure = ("NOIDUNGFILE", "unknown_table") }
    }

    /// `XML` followed by 1–2 digits: a table of the standard this importer does not need.
    static func isClaimTableName(_ s: String) -> Bool {
        guard s.hasPrefix("XML") else { return false }
        let rest = s.dropFirst(3)
        return (1...2).contains(rest.count) && rest.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
