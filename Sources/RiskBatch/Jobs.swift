// The jobs behind the commands: each checks its paths, writes every output through one
// `RunOutputs` (temporary files beside the targets, renamed together at the end, removed on
// SIGINT/SIGTERM) and returns what the command reports. The executable only parses arguments,
// builds these values, calls `run` and maps `JobError` to exit codes.
import Crypto
import Foundation
import RiskAlerts
import RiskCore
import RiskImport
import RiskModels

/// What stops a job, by kind (the executable maps each kind to its exit code).
public enum JobError: Error, Sendable, CustomStringConvertible {
    case batch(BatchError)
    case claims(ClaimImportError)
    case models(ModelFileError)
    case flagRules(FlagRulesError)
    case alertRules(RuleFileError)

    public var description: String {
        switch self {
        case .batch(let e): e.description
        case .claims(let e): e.description
        case .models(let e): e.description
        case .flagRules(let e): e.description
        case .alertRules(let e): e.description
        }
    }
}

/// Claim XML files read into canonical records, with each file's SHA-256 for the manifest.
public struct ImportedClaims: Sendable {
    public let result: ClaimImportResult
    public let files: [RunManifest.InputFile]

    /// Reads the files in blocks, hashing each on the way.
    public static func read(_ files: [String], asOf: String?, strict: Bool) throws(ClaimImportError) -> ImportedClaims {
        var hashers = [SHA256](repeating: SHA256(), count: files.count)
        var sizes = [Int](repeating: 0, count: files.count)
        let paths = files.map { (name: URL(fileURLWithPath: $0).lastPathComponent, path: $0) }
        let result = try ClaimImport.records(paths: paths, options: ClaimImportOptions(asOf: asOf, strict: strict)) { index, block in
            hashers[index].update(bufferPointer: UnsafeRawBufferPointer(block))
            sizes[index] += block.count
        }
        let checksums = hashers.map { $0.finalize().map { String(format: "%02x", $0) }.joined() }
        return ImportedClaims(
            result: result,
            files: files.indices.map { RunManifest.InputFile(path: files[$0], sha256: checksums[$0], bytes: sizes[$0]) })
    }

    /// Patients, files, and problems counted by reason (never values).
    public var summary: String {
        var counts: [String: Int] = [:]
        for p in result.problems { counts[p.reason.split(separator: ":").first.map(String.init) ?? p.reason, default: 0] += 1 }
        let skipped = result.problems.filter(\.skipsData)
        var s = "patients \(result.rows.count) from \(files.count) file(s); problems \(result.problems.count)"
        if !counts.isEmpty { s += " (" + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")" }
        s += "\n"
        if !skipped.isEmpty {
            let files = skipped.filter { $0.table == ClaimImportProblem.fileTable }.count
            let entries = skipped.filter { $0.table == "GIAMDINHHS" }.count
            s += "skipped: \(files) file(s), \(entries) FILEHOSO entr\(entries == 1 ? "y" : "ies"), \(skipped.count - files - entries) record(s); every other record was imported\n"
        }
        return s
    }

    /// The problems file: file, table, record, field, reason (never values).
    public var problemsCSV: String {
        var text = CSV.line(["file", "table", "record", "field", "reason"])
        for p in result.problems { text += CSV.line([p.file, p.table, String(p.record), p.field, p.reason]) }
        return text
    }

    /// The canonical CSV `import xml130` writes.
    public var canonicalCSV: String {
        var text = CSV.line(result.header)
        for row in result.rows { text += CSV.line(row) }
        return text
    }
}

/// Where a job reports progress and notes (standard error at the edge; a closure in tests).
public struct JobConsole: Sendable {
    /// Standard error is a terminal (progress lines are drawn only then).
    public var isTerminal: Bool
    /// Draw a progress line for long runs.
    public var progress: Bool
    public var emit: @Sendable (String) -> Void

    public init(isTerminal: Bool, progress: Bool, emit: @escaping @Sendable (String) -> Void) {
        self.isTerminal = isTerminal
        self.progress = progress
        self.emit = emit
    }

    /// Nothing is shown.
    public static let silent = JobConsole(isTerminal: false, progress: false, emit: { _ in })
}

/// `riskengine score`: a CSV (or standard input), or claim XML files, scored into one output with
/// optional rejects and manifest.
public struct ScoreJob: Sendable {
    /// One CSV path or `-`, or one or more claim XML files (names ending `.xml`).
    public var inputs: [String]
    /// Output path or `-`.
    public var output: String
    public var rejects: String?
    /// Manifest path; nil gives `OUTPUT.manifest.json` beside a file output and none for `-`.
    public var manifest: String?
    /// The pseudonymisation key file (an input: never written over).
    public var keyFile: String?
    /// Assessment date (yyyymmdd) for claim XML imports.
    public var claimAsOf: String?
    public var options: ScoreOptions
    /// Recorded in the manifest.
    public var arguments: [String]

    public init(inputs: [String], output: String, options: ScoreOptions, arguments: [String] = []) {
        self.inputs = inputs
        self.output = output
        self.options = options
        self.arguments = arguments
    }

    /// Whether the inputs are claim XML files.
    public var claimInputs: Bool { !inputs.isEmpty && inputs.allSatisfy { $0.lowercased().hasSuffix(".xml") } }

    public var manifestPath: String? { manifest ?? (output == "-" ? nil : output + ".manifest.json") }

    /// The outputs of the run, checked against the inputs and each other before anything is written.
    func outputSet() throws(BatchError) -> RunOutputs {
        try RunOutputs(
            inputs: inputs.map { .init("the input", $0) } + (keyFile.map { [.init("--pseudonymise", $0)] } ?? []),
            outputs: [.init("--output", output)] + (rejects.map { [.init("--rejects", $0)] } ?? [])
                + (manifestPath.map { [.init("--manifest", $0)] } ?? []))
    }

    /// Runs the job: paths checked, claim XML imported in memory (never a temporary file),
    /// output, rejects and manifest written and renamed together, or nothing left on failure.
    public func run(console: JobConsole = .silent) throws(JobError) -> RunSummary {
        let outputs: RunOutputs
        do { outputs = try outputSet() } catch { throw .batch(error) }
        RunOutputs.removeTemporaryFilesOnInterrupt()
        var imported: ImportedClaims?
        if claimInputs {
            do { imported = try ImportedClaims.read(inputs, asOf: claimAsOf, strict: options.strict) } catch { throw .claims(error) }
            console.emit(imported!.summary)
        }
        do throws(BatchError) {
            var runOptions = options
            if let rejects { runOptions.rejects = try RejectsWriter(sink: try outputs.sink(rejects)) }
            var sink = output == "-" ? FileDescriptorSink(fd: 1) : try outputs.sink(output)
            var summary: RunSummary
            if let imported {
                let records = RecordRows(header: ClaimImport.scoringHeader, rows: imported.result.scoringRows)
                summary = try ScoreRun.run(records: records, sink: &sink, options: runOptions)
                summary.inputSHA256 = imported.files.first?.sha256 ?? ""
                summary.inputBytes = imported.files.first?.bytes ?? 0
            } else {
                summary = try Self.score(input: inputs.first ?? "-", sink: &sink, options: runOptions, console: console)
            }
            if let manifestPath {
                let m = RunManifest(
                    summary: summary, options: options, models: options.models, input: inputs.first ?? "-", output: output,
                    rejects: rejects, arguments: arguments, inputFiles: imported?.files)
                try outputs.write(m.encoded(), to: manifestPath)
            }
            try outputs.commit()
            return summary
        } catch {
            outputs.discard()
            throw .batch(error)
        }
    }

    /// Streams one CSV file (or standard input) into `sink`, with a progress line when asked.
    static func score(input: String, sink: inout FileDescriptorSink, options: ScoreOptions, console: JobConsole) throws(BatchError) -> RunSummary {
        let inFD: Int32
        if input == "-" {
            inFD = 0
        } else {
            inFD = open(input, O_RDONLY | O_CLOEXEC)
            if inFD < 0 { throw .cannotOpenInput(path: input, reason: String(cString: strerror(errno))) }
        }
        defer { if inFD != 0 { close(inFD) } }
        var info = stat()
        let size = fstat(inFD, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
        let reporter = ProgressReporter(
            totalBytes: size, isTerminal: console.isTerminal, quiet: !console.progress,
            clock: { ProcessInfo.processInfo.systemUptime }, emit: console.emit)
        defer { reporter.finish() }
        var source = ProgressSource(FileDescriptorSource(fd: inFD), reporter: reporter)
        return try ScoreRun.run(source: &source, sink: &sink, options: options)
    }

    /// What to print after the run: the summary, and the QRISK3 notice when QRISK3 was scored.
    public static func report(_ summary: RunSummary, models: [CompiledModel]) -> String {
        summary.render() + (models.contains { $0.id == "qrisk3" } ? QRISK3Notice.text + "\n" : "")
    }
}

/// `riskengine import xml130`: claim XML files to canonical CSV, with a problems file.
public struct ClaimImportJob: Sendable {
    public var files: [String]
    public var output: String
    public var problems: String?
    public var asOf: String?
    public var strict: Bool

    public init(files: [String], output: String, problems: String? = nil, asOf: String? = nil, strict: Bool = false) {
        self.files = files
        self.output = output
        self.problems = problems
        self.asOf = asOf
        self.strict = strict
    }

    /// Runs the import; returns the summary for standard error.
    public func run() throws(JobError) -> String {
        let outputs: RunOutputs
        do {
            outputs = try RunOutputs(
                inputs: files.map { .init("the input", $0) },
                outputs: [.init("--output", output)] + (problems.map { [.init("--problems", $0)] } ?? []))
        } catch { throw .batch(error) }
        RunOutputs.removeTemporaryFilesOnInterrupt()
        let imported: ImportedClaims
        do { imported = try ImportedClaims.read(files, asOf: asOf, strict: strict) } catch {
            outputs.discard()
            throw .claims(error)
        }
        do throws(BatchError) {
            var sink = output == "-" ? FileDescriptorSink(fd: 1) : try outputs.sink(output)
            try sink.write(Array(imported.canonicalCSV.utf8))
            if let problems { try outputs.write(Array(imported.problemsCSV.utf8), to: problems) }
            try outputs.commit()
        } catch {
            outputs.discard()
            throw .batch(error)
        }
        return imported.summary + "blood pressure is not in claims: models that need it will report missing:sbp\n"
    }
}

/// `riskengine synth`: the seeded synthetic population to a file or standard output.
public struct SynthJob: Sendable {
    public var rows: Int
    public var seed: UInt64
    public var output: String
    /// Spread people over communes and months, with injected rises (`--areas`, `--months`).
    public var areas: SyntheticPopulation.AreaDesign?
    /// Write a cohort with follow-up and events from a stated Cox model instead (`--cohort`).
    public var cohort = false

    public init(rows: Int, seed: UInt64, output: String) {
        self.rows = rows
        self.seed = seed
        self.output = output
    }

    public func run() throws(JobError) {
        do throws(BatchError) {
            let outputs = try RunOutputs(inputs: [], outputs: [.init("--output", output)])
            RunOutputs.removeTemporaryFilesOnInterrupt()
            do throws(BatchError) {
                var sink = output == "-" ? FileDescriptorSink(fd: 1) : try outputs.sink(output)
                if cohort {
                    try SyntheticCohort.write(rows: rows, seed: seed, to: &sink)
                } else if let areas {
                    try SyntheticPopulation.writeAreas(rows: rows, design: areas, seed: seed, to: &sink)
                } else {
                    try SyntheticPopulation.write(rows: rows, seed: seed, to: &sink)
                }
                try outputs.commit()
            } catch {
                outputs.discard()
                throw error
            }
        } catch { throw .batch(error) }
    }
}

/// `riskengine demo`: synthesise, score with every model (Viet Nam's first) and the default alert
/// rules, and summarise with each model's own categories.
public struct DemoJob: Sendable {
    public var rows: Int
    public var seed: UInt64
    public var input: String
    public var output: String

    public init(rows: Int, seed: UInt64, input: String, output: String) {
        self.rows = rows
        self.seed = seed
        self.input = input
        self.output = output
    }

    /// Runs the demo; returns the report to print.
    public func run(library lib: ModelLibrary, console: JobConsole = .silent) throws(JobError) -> String {
        let outputs: RunOutputs
        do { outputs = try RunOutputs(inputs: [], outputs: [.init("--input", input), .init("--output", output)]) } catch {
            throw .batch(error)
        }
        RunOutputs.removeTemporaryFilesOnInterrupt()
        defer { outputs.discard() }
        let flags: FlagRules
        do { flags = try FlagRules.bundled() } catch { throw .flagRules(error) }
        var options: ScoreOptions
        options = try DemoRun.options(lib, flags: flags)
        do { options.alertRules = try AlertRules.bundled(columns: AlertRules.knownColumns(library: lib)) } catch {
            throw .alertRules(error)
        }
        do throws(BatchError) {
            // The population is scored from its temporary file; both files appear together at the end.
            var popSink = try outputs.sink(input)
            try SyntheticPopulation.write(rows: rows, seed: seed, to: &popSink)
            var sink = try outputs.sink(output)
            let summary = try ScoreJob.score(
                input: outputs.temporaryPath(input) ?? input, sink: &sink, options: options, console: console)
            let categories = try CategoryCounts.count(path: outputs.temporaryPath(output) ?? output, models: options.models)
            try outputs.commit()
            return DemoRun.render(summary, models: options.models, categories: categories, input: input, output: output)
        } catch {
            throw .batch(error)
        }
    }
}
