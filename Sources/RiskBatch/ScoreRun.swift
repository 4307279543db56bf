// The streaming CSV → CSV scoring run.
//
// The reader cuts the input into chunks of whole records (RiskCore's `CSV` tokenizer), N worker threads (WorkerPool) parse,
// score (RiskModels.Evaluator) and format chunks, and the writer emits them strictly in input
// order. At most `maxInFlight` chunks exist at once, so memory stays flat whatever the input size.
import Dispatch
import Crypto
import Foundation
import RiskAlerts
import RiskCore
import RiskModels

/// Options of a scoring run.
public struct ScoreOptions: Sendable {
    public var models: [CompiledModel]
    /// Derived inputs (BMI, eGFR) available to the run.
    public var derivations: [Derivation]
    public var digits: Int
    public var parameters: RunParameters
    public var flags: FlagRules
    /// Worker threads, exactly this many (default: the number of cores); at most this many
    /// chunks are processed at once, and at most twice as many are in memory.
    public var threads: Int
    /// Bytes per chunk; nil: `defaultChunkBytes` for the run's models.
    public var chunkBytes: Int?
    /// How to read the export's columns (names, units, codes, identifying columns).
    public var mapping: Mapping?
    /// Overrides of the detected dialect.
    public var delimiter: UInt8?
    public var decimalComma: Bool?
    /// Convert cells whose values look like another unit (each conversion is counted).
    public var unitsAuto = false
    /// Stop at the first problem (malformed line, invalid cell) instead of reporting it per row.
    public var strict = false
    /// Replace the id with HMAC-SHA256(key, id) and drop identifying columns.
    public var pseudonymisationKey: [UInt8]?
    /// Where to list every problem (row number, column, reason); nil for none.
    public var rejects: RejectsWriter?
    /// Canonical input fields to write after the pass-through columns (as read, converted to
    /// canonical units, or derived), e.g. age for area tables of pseudonymised output.
    public var keepFields: [String] = []
    /// With a pseudonymisation key: input columns (names as written, matched folded) that are not
    /// canonical fields and are kept as they are (`--keep-column`); every other such column is
    /// pseudonymised or dropped (`ColumnPrivacy`).
    public var keepColumns: [String] = []
    /// Alert rules whose ids are written into `flags` where they fire (nil: none).
    public var alertRules: AlertRules?

    public init(
        models: [CompiledModel], derivations: [Derivation] = [], digits: Int = 2,
        parameters: RunParameters = RunParameters(),
        flags: FlagRules, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        chunkBytes: Int? = nil
    ) {
        self.models = models
        self.derivations = derivations
        self.digits = digits
        self.parameters = parameters
        self.flags = flags
        self.threads = max(1, threads)
        self.chunkBytes = chunkBytes.map { max(1024, $0) }
    }
}

extension ScoreOptions {
    /// Input bytes per chunk by default: 1 MiB for up to four models, less for more, so that
    /// what a chunk holds while it is scored (its columns, every model's features, risks and
    /// statuses, and its output, about 1.2 KB per model per row of 60-byte input) stays near 20 MB
    /// whatever the number of models; memory is flat in rows either way.
    public static func defaultChunkBytes(models: Int) -> Int {
        max(128 << 10, (4 << 20) / max(4, models))
    }

    /// The chunk size of a run with these options.
    var effectiveChunkBytes: Int { chunkBytes.map { max(1024, $0) } ?? Self.defaultChunkBytes(models: models.count + models.filter { $0.fallback != nil }.count) }
}

/// What a run did: counts for the summary.
public struct RunSummary: Sendable {
    public var rowsRead = 0
    public var rowsWritten = 0
    public var blankLines = 0
    public var malformedRows = 0
    public var seconds = 0.0
    /// Per model (in run order): status text → rows.
    public var statusCounts: [[String: Int]] = []
    /// Per model: rows per risk band (band codes of the flag rules, in band order).
    public var bandCounts: [[Int]] = []
    /// Rows flagged per flag code: every code the run can write (`model:band` for each model's
    /// risk bands, then the blood-pressure rule), 0 where no row got it.
    public var flagCounts: [String: Int] = [:]
    public var modelIDs: [String] = []
    public var bandCodes: [String] = []
    public var absentFields: [String] = []
    public var passThroughColumns: [String] = []
    public var droppedColumns: [String] = []
    /// Pass-through columns written as keyed hashes (`--pseudonymise`).
    public var pseudonymisedColumns: [String] = []
    public var hasIDColumn = true
    /// Input dialect as read.
    public var delimiter = ","
    public var decimalComma = false
    /// Unit detection ("field:unit" → cells), and conversions done with `--units auto`.
    public var unitSuspects: [String: Int] = [:]
    public var unitConversions: [String: Int] = [:]
    public var mappingNotes: [String] = []
    /// SHA-256 of the input bytes, hex.
    public var inputSHA256 = ""
    public var inputBytes = 0
    /// Problems listed in the rejects file.
    public var rejectedProblems = 0
    /// Worker threads of the run (`--threads`), and the most chunks they processed at once.
    public var workerThreads = 0
    public var peakConcurrentChunks = 0

    public var rowsPerSecond: Double { seconds > 0 ? Double(rowsRead) / seconds : 0 }

    /// The summary for standard error: counts only, never values or identifiers.
    public func render() -> String {
        var s = "rows read \(rowsRead), written \(rowsWritten)"
        if blankLines > 0 { s += ", blank lines skipped \(blankLines)" }
        if malformedRows > 0 { s += ", malformed rows \(malformedRows) (status invalid:row)" }
        s += "\n"
        if !hasIDColumn { s += "no id column: the output id is the data row number\n" }
        if !absentFields.isEmpty { s += "columns absent from the input: \(absentFields.joined(separator: ", "))\n" }
        for (m, id) in modelIDs.enumerated() {
            let counts = statusCounts[m].sorted { ($0.key == "ok" ? 0 : 1, -$0.value, $0.key) < ($1.key == "ok" ? 0 : 1, -$1.value, $1.key) }
            s += "\(id): " + counts.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        // Risk-band codes (model:band) are counted in the manifest; the summary shows the others.
        for (code, n) in flagCounts.sorted(by: { $0.key < $1.key }) where !code.contains(":") { s += "flag \(code): \(n)\n" }
        for note in mappingNotes { s += "mapping: \(note)\n" }
        for (k, n) in unitSuspects.sorted(by: { $0.key < $1.key }) {
            let parts = k.split(separator: ":")
            let done = unitConversions[k] ?? 0
            s += "unit check: \(n) cells of \(parts[0]) look like \(parts.dropFirst().joined(separator: ":"))"
            s += done > 0 ? " (converted: \(done))\n" : " (not converted; --units auto converts them)\n"
        }
        if rejectedProblems > 0 { s += "problems listed in the rejects file: \(rejectedProblems)\n" }
        s += String(format: "%.3f s, %.0f rows/s\n", seconds, rowsPerSecond)
        return s
    }
}

/// A byte source: a file descriptor read in blocks.
public protocol ByteSource {
    /// Reads up to `max` bytes, appending to `buffer`; returns 0 at end of input.
    mutating func read(into buffer: inout [UInt8], max: Int) throws(BatchError) -> Int
}

/// A byte sink.
public protocol ByteSink {
    mutating func write(_ bytes: [UInt8]) throws(BatchError)
}

/// Reads a file descriptor.
public struct FileDescriptorSource: ByteSource {
    let fd: Int32
    public init(fd: Int32) { self.fd = fd }

    public mutating func read(into buffer: inout [UInt8], max: Int) throws(BatchError) -> Int {
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: max))
        var got = 0
        while true {
            let r = buffer.withUnsafeMutableBytes { p in
                Foundation.read(fd, p.baseAddress! + old, max)
            }
            if r < 0 && errno == EINTR { continue }
            if r < 0 {
                buffer.removeLast(max)
                throw .readFailed(reason: String(cString: strerror(errno)))
            }
            got = r
            break
        }
        buffer.removeLast(max - got)
        return got
    }
}

/// Writes to a file descriptor.
public struct FileDescriptorSink: ByteSink {
    let fd: Int32
    /// Bytes written, and how many of them have been handed to the disk early.
    private var written: Int64 = 0
    private var writebackStarted: Int64 = 0
    /// Writeback is started every this many bytes.
    static let writebackStep: Int64 = 16 << 20

    public init(fd: Int32) { self.fd = fd }

    public mutating func write(_ bytes: [UInt8]) throws(BatchError) {
        var off = 0
        while off < bytes.count {
            let r = bytes.withUnsafeBytes { p in Foundation.write(fd, p.baseAddress! + off, bytes.count - off) }
            if r < 0 && errno == EINTR { continue }
            if r <= 0 { throw .writeFailed(reason: String(cString: strerror(errno))) }
            off += r
        }
        written += Int64(bytes.count)
        if written - writebackStarted >= Self.writebackStep {
            startWriteback()
        }
    }

    /// Starts (does not wait for) the disk write of what was written since the last call, so
    /// the output's final `fsync` (`RunOutputs.commit`) has little left to wait for: the disk
    /// works while chunks are scored. On Linux, `POSIX_FADV_DONTNEED` on a file's range starts
    /// the writeback of its dirty pages and drops those already clean (the output is not read
    /// back), so an output of any size holds little of the page cache. Pipes and terminals do not support it; the result is ignored (the final fsync is
    /// what guarantees the bytes are on disk).
    private mutating func startWriteback() {
        // The previous step's range too: written back by now, its pages are dropped and reused
        // for the next writes instead of new ones (the page cache holds two steps of output).
        let from = max(0, writebackStarted - Self.writebackStep)
        _ = posix_fadvise(fd, off_t(from), off_t(written - from), POSIX_FADV_DONTNEED)
        writebackStarted = written
    }
}

/// Collects output in memory (tests).
public final class MemorySink: ByteSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public func write(_ b: [UInt8]) throws(BatchError) { bytes.append(contentsOf: b) }
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

extension MemorySink {
    /// A sink value that appends to this collector.
    public var sink: MemorySinkRef { MemorySinkRef(target: self) }
}

/// A `ByteSink` value writing into a `MemorySink`.
public struct MemorySinkRef: ByteSink {
    let target: MemorySink
    public mutating func write(_ bytes: [UInt8]) throws(BatchError) { try target.write(bytes) }
}

/// Reads bytes from memory (tests).
public struct MemorySource: ByteSource {
    var data: [UInt8]
    var offset = 0
    public init(_ text: String) { data = Array(text.utf8) }
    public init(bytes: [UInt8]) { data = bytes }
    public mutating func read(into buffer: inout [UInt8], max: Int) throws(BatchError) -> Int {
        let n = min(max, data.count - offset)
        buffer.append(contentsOf: data[offset..<offset + n])
        offset += n
        return n
    }
}

/// Runs a scoring job.
public enum ScoreRun {
    /// The fields of a run over `models`: canonical, then the local columns of their library;
    /// nil when two models were compiled against different local columns.
    public static func fieldCatalog(_ models: [CompiledModel]) -> FieldCatalog? {
        FieldCatalog.merged(models.flatMap { [$0.fields] + ($0.fallback.map { [$0.model.fields] } ?? []) })
    }

    /// How a run with `options` reads an input with this header: the fields of its models, those
    /// any model, flag, rule or `--keep` reads, the mapping and the dialect.
    static func inputLayout(header: [String], options: ScoreOptions, dialect: InputDialect) throws(BatchError) -> InputLayout {
        guard let catalog = fieldCatalog(options.models) else { throw .incompatibleModelFields(models: options.models.map(\.id)) }
        return try InputLayout(
            header: header,
            needed: neededFields(
                options.models, derivations: options.derivations, keep: options.keepFields + (options.alertRules?.canonicalFields ?? []),
                fields: catalog),
            mapping: options.mapping, dialect: dialect, fields: catalog)
    }

    /// Fields a run reads (indexes in `fields`): every model's inputs plus SBP and DBP for the flags.
    public static func neededFields(
        _ models: [CompiledModel], derivations: [Derivation] = [], keep: [String] = [], fields: FieldCatalog = .canonical
    ) -> Set<Int> {
        var s = Set<Int>(keep.compactMap { fields.indexByName[$0] })
        for m in models {
            for f in m.requiredFields + (m.fallback?.model.requiredFields ?? []) {
                if let i = fields.indexByName[f] { s.insert(i) }
            }
        }
        s.formUnion(Evaluator(models: models, derivations: derivations).derivationSources)
        for f in ["sbp", "dbp"] { s.insert(CanonicalSchema.indexByName[f]!) }
        return s
    }

    /// Streams `source` to `sink`.
    public static func run<Source: ByteSource, Sink: ByteSink>(
        source: inout Source, sink: inout Sink, options: ScoreOptions
    ) throws(BatchError) -> RunSummary {
        let start = DispatchTime.now()
        var buffer: [UInt8] = []
        let chunkBytes = options.effectiveChunkBytes
        buffer.reserveCapacity(chunkBytes * 2)

        // Header: the first record (after a BOM and blank lines).
        // The header is tokenized only once a record end has been read (and reads grow with the
        // buffer), so a very wide header costs time linear in its length.
        var eof = false
        var head: InputHeader?
        var scanned = 0
        while head == nil && !eof {
            if try source.read(into: &buffer, max: max(64 << 10, buffer.count)) == 0 { eof = true }
            let sawRecordEnd = buffer[scanned...].contains { CSV.isRecordEnd($0) }
            scanned = buffer.count
            guard sawRecordEnd || eof else { continue }
            head = buffer.withUnsafeBufferPointer {
                InputHeader.read($0, final: eof, delimiter: options.delimiter, decimalComma: options.decimalComma)
            }
        }
        guard let head else { throw .emptyInput }
        let hasher = InputHasher()
        let dialect = head.dialect
        let header = head.names
        hasher.add(Array(buffer[0..<head.length]))
        var inputBytes = head.length
        buffer.removeFirst(head.length)

        let layout = try inputLayout(header: header, options: options, dialect: dialect)
        let catalog = layout.catalog
        let formatter = OutputFormatter(options: options, layout: layout)
        try sink.write(formatter.headerLine())

        var summary = RunSummary()
        summary.modelIDs = options.models.map(\.id)
        summary.statusCounts = Array(repeating: [:], count: options.models.count)
        summary.bandCounts = Array(repeating: Array(repeating: 0, count: options.flags.riskBands.bands.count), count: options.models.count)
        summary.bandCodes = options.flags.riskBands.bands.map(\.code)
        for code in options.flags.codes(models: summary.modelIDs) { summary.flagCounts[code] = 0 }
        let ruleOnly = Set(options.alertRules?.canonicalFields ?? []).subtracting(
            neededFields(options.models, derivations: options.derivations, keep: options.keepFields, fields: catalog).map { catalog.fields[$0].name })
        summary.absentFields = layout.absentFields.filter { name in
            !ruleOnly.contains(name) && !(CanonicalSchema.indexByName[name].map { options.parameters.values[$0] != nil } ?? false)
        }
        summary.passThroughColumns = formatter.writtenPassThrough
        summary.droppedColumns = formatter.droppedPassThrough
        summary.pseudonymisedColumns = formatter.pseudonymisedPassThrough
        summary.delimiter = dialect.delimiter == 0x3B ? ";" : (dialect.delimiter == 0x09 ? "tab" : ",")
        summary.decimalComma = dialect.decimalComma
        summary.mappingNotes = layout.mappingNotes
        summary.hasIDColumn = layout.hasID
        summary.blankLines = head.blankLines

        let coordinator = Coordinator(maxInFlight: options.threads * 2)
        let evaluators = EvaluatorPool(models: options.models, derivations: options.derivations)
        let workers = WorkerPool(threads: options.threads)
        defer { workers.finish() }
        var nextIndex = 0
        var writeError: BatchError?

        func drain(waitAll: Bool) {
            while let done = coordinator.takeNext(waitAll: waitAll) {
                if options.strict, writeError == nil, let first = done.problems.first {
                    writeError = .strictStop(row: first.row, column: first.column, reason: first.reason)
                }
                if writeError == nil {
                    do { try sink.write(done.bytes) } catch { writeError = error }
                }
                if writeError == nil, let rejects = options.rejects {
                    do { try rejects.write(done.problems) } catch { writeError = error }
                }
                summary.merge(done.counts)
            }
        }

        func submit(_ chunk: [UInt8]) {
            let index = nextIndex
            nextIndex += 1
            coordinator.reserve()
            // A chunk's row count is known only once it is parsed, so for inputs without an id
            // column the row numbers are filled in by the writer, in order (Coordinator).
            let work = ChunkWork(index: index, bytes: chunk)
            workers.submit {
                let result = formatter.process(work, evaluators: evaluators)
                coordinator.complete(index: index, result: result)
            }
        }

        // Stream.
        while true {
            if !eof && buffer.count < chunkBytes {
                if try source.read(into: &buffer, max: chunkBytes) == 0 { eof = true }
                continue
            }
            if buffer.isEmpty { break }
            var cut: Int
            if eof {
                cut = buffer.count
            } else if let end = buffer.withUnsafeBufferPointer({ CSV.lastRecordEnd($0, delimiter: dialect.delimiter) }) {
                cut = end
            } else {
                // No record ends in the buffer (a very long record or an unclosed quote): read more.
                if try source.read(into: &buffer, max: chunkBytes) == 0 { eof = true }
                continue
            }
            let chunk = Array(buffer[0..<cut])
            hasher.add(chunk)
            inputBytes += cut
            buffer.removeFirst(cut)
            submit(chunk)
            drain(waitAll: false)
            if eof && buffer.isEmpty { break }
        }
        drain(waitAll: true)
        if let e = writeError { throw e }
        summary.workerThreads = workers.count
        summary.peakConcurrentChunks = workers.peakConcurrentJobs
        summary.inputSHA256 = hasher.finish()
        summary.inputBytes = inputBytes
        summary.rejectedProblems = options.rejects?.count ?? 0
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return summary
    }
}

struct ChunkWork: Sendable {
    let index: Int
    let bytes: [UInt8]
}

/// What a worker hands back: formatted rows (row numbers not yet assigned for id-less inputs)
/// and counts.
struct ChunkResult: Sendable {
    var bytes: [UInt8]
    var counts: ChunkCounts
    /// Data problems, with chunk-local 0-based row numbers (the writer makes them global).
    var problems: [RowProblem] = []
    /// For inputs without an id column: where each row's id goes, patched in order by the writer.
    var idPlaceholders: [Int]
}

struct ChunkCounts: Sendable {
    var rows = 0
    var blank = 0
    var malformed = 0
    var status: [[String: Int]] = []
    var bands: [[Int]] = []
    var flags: [String: Int] = [:]
    var unitSuspects: [String: Int] = [:]
    var unitConversions: [String: Int] = [:]
}

extension RunSummary {
    mutating func merge(_ c: ChunkCounts) {
        rowsRead += c.rows
        rowsWritten += c.rows
        blankLines += c.blank
        malformedRows += c.malformed
        for (m, d) in c.status.enumerated() { for (k, v) in d { statusCounts[m][k, default: 0] += v } }
        for (m, b) in c.bands.enumerated() {
            for (k, v) in b.enumerated() {
                bandCounts[m][k] += v
                flagCounts[modelIDs[m] + ":" + bandCodes[k], default: 0] += v
            }
        }
        for (k, v) in c.flags { flagCounts[k, default: 0] += v }
        for (k, v) in c.unitSuspects { unitSuspects[k, default: 0] += v }
        for (k, v) in c.unitConversions { unitConversions[k, default: 0] += v }
    }
}

/// SHA-256 of the input, computed on its own serial queue so the reader thread does not wait
/// for it (chunks are hashed in the order they were read).
final class InputHasher: @unchecked Sendable {
    private let queue = DispatchQueue(label: "riskengine.input-hash")
    private var hasher = SHA256()

    func add(_ bytes: [UInt8]) {
        queue.async { self.hasher.update(data: bytes) }
    }

    func finish() -> String {
        queue.sync { hasher.finalize().map { String(format: "%02x", $0) }.joined() }
    }
}

/// Orders completed chunks and bounds how many are in flight.
final class Coordinator: @unchecked Sendable {
    private let condition = NSCondition()
    private var results: [Int: ChunkResult] = [:]
    private var next = 0
    private var inFlight = 0
    private let maxInFlight: Int
    /// Data rows written so far (for row-number ids).
    private(set) var rowsAssigned = 0

    init(maxInFlight: Int) { self.maxInFlight = max(1, maxInFlight) }

    /// Waits until another chunk may be started.
    func reserve() {
        condition.lock()
        while inFlight >= maxInFlight && results[next] == nil { condition.wait() }
        inFlight += 1
        condition.unlock()
    }

    func complete(index: Int, result: ChunkResult) {
        condition.lock()
        results[index] = result
        condition.broadcast()
        condition.unlock()
    }

    /// The next chunk in order if it is done (or, with `waitAll`, once it is done, until all
    /// started chunks are taken).
    func takeNext(waitAll: Bool) -> (bytes: [UInt8], counts: ChunkCounts, problems: [RowProblem])? {
        condition.lock()
        defer { condition.unlock() }
        while results[next] == nil {
            if !waitAll || inFlight == 0 { return nil }
            condition.wait()
        }
        var r = results.removeValue(forKey: next)!
        next += 1
        inFlight -= 1
        condition.broadcast()
        if !r.idPlaceholders.isEmpty {
            r.bytes = OutputFormatter.fillRowNumbers(r.bytes, placeholders: r.idPlaceholders, firstRow: rowsAssigned + 1)
        }
        let problems = r.problems.map { RowProblem(row: $0.row + rowsAssigned + 1, column: $0.column, reason: $0.reason) }
        rowsAssigned += r.counts.rows
        return (r.bytes, r.counts, problems)
    }
}

/// Evaluators for the workers (each holds scratch buffers, so one per thread at a time).
final class EvaluatorPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [Evaluator] = []
    private let models: [CompiledModel]
    private let derivations: [Derivation]

    init(models: [CompiledModel], derivations: [Derivation]) {
        self.models = models
        self.derivations = derivations
    }

    func take() -> Evaluator {
        lock.lock()
        defer { lock.unlock() }
        return free.popLast() ?? Evaluator(models: models, derivations: derivations)
    }

    func give(_ e: Evaluator) {
        lock.lock()
        free.append(e)
        lock.unlock()
    }
}
