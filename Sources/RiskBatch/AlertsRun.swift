// Streaming glue of `riskengine alerts`: reads a CSV (a scored file, any CSV with the named
// columns, or a ready series `area,period,count[,population]`) record by record with the
// project's one CSV tokenizer (`RiskCore.CSV`), and feeds RiskAlerts' aggregator. Memory holds one read
// buffer and the aggregate (areas × periods × indicators), never the rows.
import Foundation
import RiskAlerts
import RiskCore

/// Errors of an alerts input; messages name columns and rows, never cell values.
public enum AlertsInputError: Error, Equatable, Sendable, CustomStringConvertible {
    case input(BatchError)
    case missingColumn(option: String, column: String)
    /// Series mode: a period label of another kind than the first one (data row number).
    case mixedPeriodKinds(row: Int)

    public var description: String {
        switch self {
        case .input(let e): return e.description
        case .missingColumn(let o, let c): return "\(o): the input has no column '\(c)'"
        case .mixedPeriodKinds(let r):
            return "data row \(r): the period label is not of the same kind (week, month, quarter) as the first row's"
        }
    }
}

/// What to read from the input.
public struct AlertsInputOptions: Sendable {
    /// Area column (row mode).
    public var areaColumn: String?
    /// Date column (row mode).
    public var dateColumn: String?
    public var period: PeriodKind = .month
    /// The input is a series `area,period,count[,population]`.
    public var series = false
    /// Risk column for the aggregate's mean risk.
    public var riskColumn: String?
    /// Column whose `;`-separated codes each become an indicator (when present; empty: none).
    public var flagsColumn = "flags"
    /// Predicate indicators (`--count NAME=EXPR`).
    public var indicators: [AlertIndicator] = []

    public init() {}
}

public enum AlertsRun {
    /// One record's fields (from the project's tokenizer, `RiskCore.CSV`) over the read buffer.
    struct Row: AlertRowView {
        let bytes: UnsafeBufferPointer<UInt8>
        let fields: [CSV.Field]
        let columns: [String: Int]

        /// Field i's text (doubled quotes made single); empty past the record's end.
        func field(_ i: Int) -> Substring? {
            guard i < fields.count else { return "" }
            return Substring(CSV.text(bytes, fields[i]))
        }

        /// The content bytes of field i without surrounding spaces (a quoted field's doubled
        /// quotes stay doubled, so use `field` where they matter).
        func raw(_ i: Int) -> UnsafeBufferPointer<UInt8> {
            guard i < fields.count else { return UnsafeBufferPointer(rebasing: bytes[0..<0]) }
            var s = fields[i].contentStart, e = fields[i].contentEnd
            while s < e, bytes[s] == 0x20 { s += 1 }
            while e > s, bytes[e - 1] == 0x20 { e -= 1 }
            return UnsafeBufferPointer(rebasing: bytes[s..<e])
        }

        /// Field i as text without surrounding spaces.
        func trimmed(_ i: Int) -> String {
            guard i < fields.count else { return "" }
            if fields[i].quoted { return (field(i) ?? "").trimmingCharacters(in: .whitespaces) }
            return String(decoding: raw(i), as: UTF8.self)
        }

        func value(_ column: String) -> Substring? {
            guard let i = columns[column] else { return nil }
            return field(i)
        }
    }

    /// A buffered record reader over a byte source.
    struct Reader<Source: ByteSource> {
        var source: Source
        var buffer: [UInt8] = []
        var eof = false
        let chunkSize: Int

        mutating func fill() throws(AlertsInputError) {
            do {
                if try source.read(into: &buffer, max: chunkSize) == 0 { eof = true }
            } catch { throw .input(error) }
        }

        /// The header (names, dialect), consumed from the buffer.
        mutating func header() throws(AlertsInputError) -> InputHeader {
            while true {
                let atEnd = eof
                if let h = buffer.withUnsafeBufferPointer({ InputHeader.read($0, final: atEnd) }) {
                    buffer.removeFirst(min(buffer.count, h.length))
                    return h
                }
                if eof { throw .input(.emptyInput) }
                try fill()
            }
        }

        /// Feeds every record (blank lines skipped) to `process`.
        mutating func records(
            delimiter: UInt8, _ process: (UnsafeBufferPointer<UInt8>, [CSV.Field]) throws(AlertsInputError) -> Void
        ) throws(AlertsInputError) {
            while true {
                if !eof && buffer.count < chunkSize { try fill(); continue }
                let atEnd = eof
                let consumed: Int = try buffer.withUnsafeBufferPointer { (p) throws(AlertsInputError) -> Int in
                    var i = 0
                    var fields: [CSV.Field] = []
                    scan: while true {
                        while let next = CSV.blankLineEnd(p, at: i) {
                            // A CR as the last byte read may be the first half of a CRLF.
                            if !atEnd && next == p.count && p[i] == CSV.cr { break scan }
                            i = next
                        }
                        if i >= p.count { break }
                        fields.removeAll(keepingCapacity: true)
                        var j = i
                        while true {
                            let f = CSV.field(p, at: j, delimiter: delimiter)
                            if !atEnd && (!f.terminated || (f.next == p.count && p[f.rawEnd] == CSV.cr)) { break scan }
                            fields.append(f)
                            j = f.next
                            if f.endOfRecord { break }
                        }
                        try process(p, fields)
                        i = j
                    }
                    return i
                }
                if consumed > 0 { buffer.removeFirst(consumed) }
                if atEnd { return }
                if consumed == 0 { try fill() }
            }
        }
    }

    /// Reads the whole input into an aggregate.
    /// - Parameters:
    ///   - source: the CSV bytes.
    ///   - options: columns, period and indicators.
    public static func aggregate<Source: ByteSource>(
        _ source: Source, options: AlertsInputOptions, chunkSize: Int = 1 << 20
    ) throws(AlertsInputError) -> AlertAggregate {
        var reader = Reader(source: source, chunkSize: chunkSize)
        let head = try reader.header()
        let dialect = head.dialect
        let header = head.names.map { $0.trimmingCharacters(in: .whitespaces) }
        var columns: [String: Int] = [:]
        for (i, h) in header.enumerated() where columns[h] == nil { columns[h] = i }
        func column(_ option: String, _ name: String) throws(AlertsInputError) -> Int {
            guard let i = columns[name] else { throw .missingColumn(option: option, column: name) }
            return i
        }
        func number(_ t: Substring?) -> Double? {
            guard let t else { return nil }
            var text = t.trimmingCharacters(in: .whitespaces)
            if dialect.decimalComma { text = text.replacingOccurrences(of: ",", with: ".") }
            return Double(text)
        }
        if options.series {
            let areaI = try column("--series", "area"), periodI = try column("--series", "period")
            let countI = try column("--series", "count")
            let popI = columns["population"]
            var rowNumber = 0
            var seriesKind: PeriodKind?
            var skipped = SkippedRows()
            var kept: [(String, Int, Double, Double?)] = []
            try reader.records(delimiter: dialect.delimiter) { (bytes, fields) throws(AlertsInputError) in
                rowNumber += 1
                let row = Row(bytes: bytes, fields: fields, columns: columns)
                let area = (row.field(areaI) ?? "").trimmingCharacters(in: .whitespaces)
                if area.isEmpty { skipped.emptyArea += 1; return }
                guard let (kind, ord) = PeriodKind.parseLabel((row.field(periodI) ?? "").trimmingCharacters(in: .whitespaces))
                else { skipped.unparseableDate += 1; return }
                if seriesKind == nil { seriesKind = kind }
                guard kind == seriesKind else { throw .mixedPeriodKinds(row: rowNumber) }
                guard let count = number(row.field(countI)), count.isFinite, count >= 0 else {
                    skipped.unparseableCount += 1
                    return
                }
                kept.append((area, ord, count, popI.flatMap { number(row.field($0)) }))
            }
            var agg = AlertAggregate(kind: seriesKind ?? options.period, peopleIndicator: nil)
            for (a, o, c, p) in kept { agg.setCount(area: a, period: o, indicator: "count", count: c, population: p) }
            agg.skipped = skipped
            return agg
        }
        let areaI = try column("--area", options.areaColumn ?? "")
        let dateI = try column("--date", options.dateColumn ?? "")
        var riskI: Int?
        if let r = options.riskColumn { riskI = try column("--risk", r) }
        for ind in options.indicators {
            for c in ind.columns where columns[c] == nil {
                throw .missingColumn(option: "--count \(ind.name)", column: c)
            }
        }
        let flagsI = options.flagsColumn.isEmpty ? nil : columns[options.flagsColumn]
        let kind = options.period
        let indicators = options.indicators
        var agg = AlertAggregate(kind: kind)
        try reader.records(delimiter: dialect.delimiter) { (bytes, fields) throws(AlertsInputError) in
            let row = Row(bytes: bytes, fields: fields, columns: columns)
            let area = row.trimmed(areaI)
            if area.isEmpty { agg.skipped.emptyArea += 1; return }
            guard let day = CivilDate.parse(row.raw(dateI)) else {
                agg.skipped.unparseableDate += 1
                return
            }
            var holding: [String] = []
            for ind in indicators where ind.holds(row) { holding.append(ind.name) }
            if let fi = flagsI {
                let flags = row.raw(fi)
                var start = 0
                while start < flags.count {
                    var end = start
                    while end < flags.count, flags[end] != 0x3B { end += 1 }
                    var a = start, b = end
                    while a < b, flags[a] == 0x20 { a += 1 }
                    while b > a, flags[b - 1] == 0x20 { b -= 1 }
                    if b > a {
                        let code = String(decoding: UnsafeBufferPointer(rebasing: flags[a..<b]), as: UTF8.self)
                        if !holding.contains(code) { holding.append(code) }
                    }
                    start = end + 1
                }
            }
            agg.addRow(area: area, period: kind.ordinal(ofDay: day), holding: holding, risk: riskI.flatMap { number(row.field($0)) })
        }
        return agg
    }
}

/// Where `riskengine alerts` writes.
public struct AlertsOutputs: Sendable {
    public var alertsCSV: String?
    public var aggregateCSV: String?
    public var json: String?
    /// Small-cell suppression threshold of the aggregate.
    public var suppress: Double = 5
    public init() {}
}

/// What a run did (counts only).
public struct AlertsSummary: Sendable, Equatable {
    public var rows: Int
    public var skipped: SkippedRows
    public var areas: Int
    public var periods: Int
    public var indicators: Int
    public var alertRows: Int
    public var published: [SignalLevel: Int]
}

extension AlertsRun {
    /// Writes lines to an output of the run's set (or standard output for `-`), buffered.
    static func writeLines(
        _ path: String, _ files: RunOutputs, _ body: ((String) throws(BatchError) -> Void) throws(BatchError) -> Void
    ) throws(BatchError) {
        var sink = path == "-" ? FileDescriptorSink(fd: 1) : try files.sink(path)
        var pending: [UInt8] = []
        pending.reserveCapacity(1 << 16)
        try body { (line: String) throws(BatchError) in
            pending.append(contentsOf: line.utf8)
            pending.append(0x0A)
            if pending.count >= 1 << 16 { try sink.write(pending); pending.removeAll(keepingCapacity: true) }
        }
        if !pending.isEmpty { try sink.write(pending) }
    }

    /// The whole `alerts` job: read `input` (a path or `-`), aggregate, detect, write. The
    /// outputs are one set (`RunOutputs`): none may be the input or another output, each is
    /// written to a temporary file and all are renamed into place only when the run succeeds.
    public static func run(input: String, options: AlertsInputOptions, settings: AlertSettings,
                           outputs: AlertsOutputs) throws(AlertsInputError) -> AlertsSummary {
        let files: RunOutputs
        do {
            var paths: [RunOutputs.Path] = []
            if let p = outputs.alertsCSV { paths.append(.init("--output", p)) }
            if let p = outputs.aggregateCSV { paths.append(.init("--aggregate", p)) }
            if let p = outputs.json { paths.append(.init("--json", p)) }
            files = try RunOutputs(inputs: [.init("input", input)], outputs: paths)
        } catch { throw .input(error) }
        RunOutputs.removeTemporaryFilesOnInterrupt()
        let agg: AlertAggregate
        if input == "-" {
            agg = try aggregate(FileDescriptorSource(fd: 0), options: options)
        } else {
            let fd = open(input, O_RDONLY)
            if fd < 0 { throw .input(.cannotOpenInput(path: input, reason: String(cString: strerror(errno)))) }
            defer { close(fd) }
            agg = try aggregate(FileDescriptorSource(fd: fd), options: options)
        }
        let rows = AlertDetection.run(agg, settings: settings)
        do {
            if let p = outputs.aggregateCSV {
                try writeLines(p, files) { (line) throws(BatchError) in
                    try AlertOutput.aggregateCSV(agg, withRisk: options.riskColumn != nil, suppress: outputs.suppress) { (l) throws(BatchError) in try line(l) }
                }
            }
            if let p = outputs.alertsCSV {
                try writeLines(p, files) { (line) throws(BatchError) in try AlertOutput.alertsCSV(rows) { (l) throws(BatchError) in try line(l) }
                }
            }
            if let p = outputs.json {
                try writeLines(p, files) { (line) throws(BatchError) in
                    try AlertOutput.alertsJSON(rows, settings: settings, kind: agg.kind) { (l) throws(BatchError) in try line(l) }
                }
            }
            try files.commit()
        } catch {
            files.discard()
            throw .input(error)
        }
        var published: [SignalLevel: Int] = [:]
        var seen = Set<String>()
        for r in rows where r.level != .none {
            // Count each area × indicator × period once.
            if seen.insert("\(r.area)\u{1F}\(r.indicator)\u{1F}\(r.period)").inserted { published[r.level, default: 0] += 1 }
        }
        return AlertsSummary(rows: agg.rows, skipped: agg.skipped, areas: agg.areas.count, periods: agg.periods.count,
                             indicators: agg.indicators.count, alertRows: rows.count, published: published)
    }
}
