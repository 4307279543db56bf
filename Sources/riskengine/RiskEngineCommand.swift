// riskengine: the command-line edge. It parses arguments, validates them, calls the libraries and
// maps typed errors to text and documented exit codes (see README "Exit codes").
import ArgumentParser
import Crypto
import Foundation
import RiskAlerts
import RiskBatch
import RiskCore
import RiskImport
import RiskModels

/// Documented exit codes.
enum Exit {
    static let ok: Int32 = 0
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let cannotCreate: Int32 = 73
    static let ioError: Int32 = 74
    static let configError: Int32 = 78
}

func fail(_ message: String, _ code: Int32) -> ExitCode {
    FileHandle.standardError.write(Data(("riskengine: " + message + "\n").utf8))
    return ExitCode(code)
}

func exitStatus(for error: BatchError) -> Int32 {
    switch error {
    case .cannotOpenInput: Exit.noInput
    case .cannotCreateOutput: Exit.cannotCreate
    case .readFailed, .writeFailed: Exit.ioError
    case .emptyInput, .duplicateColumn, .strictStop, .noKnownColumn: Exit.dataError
    case .badParameter, .sameFile: Exit.usage
    }
}

@main
struct RiskEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "riskengine",
        abstract: "Cardiovascular and chronic-disease risk scoring for whole populations.",
        discussion: """
            Examples:
              riskengine demo --rows 10000
              riskengine score people.csv --models who2019_lab,globorisk_lab --param who_region=southeast_asia --param country=VNM -o scored.csv
              riskengine --version
            """,
        version: EngineInfo.versionText,
        subcommands: [Score.self, Models.self, MappingCommand.self, Import.self, Synth.self, Demo.self, ReportCommand.self, Alerts.self]
    )
}

/// Options shared by commands that load models.
struct LibraryOptions: ParsableArguments {
    @Option(name: .customLong("models-dir"), help: "Folder of extra model files (JSON); a file with a built-in model's id replaces it.")
    var modelsDir: String?

    func library() throws(ModelFileError) -> ModelLibrary {
        if let dir = modelsDir { return try ModelLibrary.embedded(plus: URL(fileURLWithPath: dir)) }
        return try ModelLibrary.embedded()
    }
}

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a CSV of canonical records, or claim XML files, with one or more models.",
        discussion: """
            Writes one output row per input row, in input order: id, risks, statuses, flags, then unknown columns as they were. Claim XML files (names ending .xml, Decision 130/4210) are imported in memory (see 'riskengine import xml130') and scored straight from their records, one row per patient. The run summary goes to standard error; runs longer than two seconds show a progress line there when it is a terminal.

            Example: score a commune export (semicolons, decimal commas, Vietnamese headers) with the WHO 2019 laboratory model for Viet Nam, listing problems and replacing ids by pseudonyms:
              riskengine score xa.csv --mapping commune_phr_vn --models who2019_lab --param who_region=southeast_asia \\
                --rejects problems.csv --pseudonymise key.bin -o scored.csv
            """)

    @Argument(help: "Input CSV (or - for standard input), or one or more claim XML files.")
    var inputs: [String]

    /// The single CSV input (validated: exactly one unless every input is claim XML).
    var input: String { inputs.first ?? "-" }

    /// Whether the inputs are claim XML files.
    var claimInputs: Bool { !inputs.isEmpty && inputs.allSatisfy { $0.lowercased().hasSuffix(".xml") } }

    @Option(name: .long, help: "Comma-separated model ids (see 'riskengine models list').")
    var models: String

    @Option(name: [.short, .long], help: "Output CSV, or - for standard output.")
    var output: String = "-"

    @Option(name: .long, help: "Decimals for risks (0-12).")
    var digits: Int = 2

    @Option(name: .customLong("param"), help: ArgumentHelp("Run-wide value for a canonical field, e.g. score2_region=moderate (repeatable); a non-empty cell wins.", valueName: "key=value"))
    var params: [String] = []

    @Option(name: .customLong("flags-rules"), help: "Flag rule file (default: the built-in Models/rules/flags.json).")
    var flagsRules: String?

    @Option(name: .customLong("bp-urgent"), help: ArgumentHelp("Urgent blood-pressure threshold SBP/DBP (default from the rule file, 180/110).", valueName: "sbp/dbp"))
    var bpUrgent: String?

    @Option(name: .long, help: ArgumentHelp("Alert rule file (riskengine.rules/1); default: the built-in Models/rules/vn_default.rules.json. Ids of the rules that fire go into flags.", valueName: "file"))
    var rules: String?

    @Option(name: .customLong("rule-param"), help: ArgumentHelp("Set a parameter of the rule file, e.g. cvd_high_risk=10 (repeatable).", valueName: "name=value"))
    var ruleParams: [String] = []

    @Flag(name: .customLong("no-rules"), help: "Write no alert-rule flags (risk bands and the urgent-BP flag only).")
    var noRules = false

    @Option(name: .long, help: "Worker threads: exactly N threads score chunks, at most N chunks at once (default: the number of cores).")
    var threads: Int?

    @Option(name: .customLong("fallback"), help: ArgumentHelp("Score rows that model A reports missing:… with model B instead, noted ok;fallback:B, e.g. who2019_lab=who2019_nonlab (repeatable).", valueName: "A=B"))
    var fallbacks: [String] = []

    @Flag(name: .long, help: "Do not print the run summary or the progress line.")
    var quiet = false

    @Option(name: .long, help: "Mapping of the export's columns, units and codes: a built-in id (see 'riskengine mapping list') or a file.")
    var mapping: String?

    @Option(name: .long, help: "Input delimiter: comma, semicolon or tab (default: detected from the header).")
    var delimiter: String?

    @Option(name: .long, help: "Decimal separator of numbers: dot or comma (default: comma for ';'-separated files, else dot).")
    var decimal: String?

    @Option(name: .long, help: "Unit handling: 'declared' (default: only units declared by the mapping are converted) or 'auto' (also convert cells whose values look like another unit; every conversion is counted).")
    var units: String = "declared"

    @Option(name: .customLong("as-of"), help: "Assessment date (yyyy-mm-dd or yyyymmdd) for ages computed from birth dates; an assessment_date column wins.")
    var asOf: String?

    @Flag(name: .long, help: "Stop at the first problem (malformed line, invalid or implausible cell) with exit code 65.")
    var strict = false

    @Option(name: .long, help: "Write every problem found (row number, column, reason; never values) to this CSV file.")
    var rejects: String?

    @Option(name: .long, help: "Key file: replace ids and id-like columns with HMAC-SHA256(key, cell); drop every other column that is not a canonical field (names, addresses, phones, birth dates, free text, anything unknown) unless --keep-column names it.")
    var pseudonymise: String?

    @Option(name: .customLong("keep-column"), help: "With --pseudonymise: keep this input column (not a canonical field, not identifying) as it is. Repeatable.")
    var keepColumn: [String] = []

    @Option(name: .long, help: "Run manifest (JSON); default: OUTPUT.manifest.json beside a file output, none for standard output.")
    var manifest: String?

    @Option(name: .long, help: "Canonical fields to write after the other columns (canonical units; derived values included), e.g. age,sex. With --pseudonymise the default is age.")
    var keep: String?

    @OptionGroup var library: LibraryOptions

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give an input CSV, - for standard input, or claim XML files") }
        guard inputs.count == 1 || claimInputs else { throw ValidationError("several inputs must all be claim XML files (.xml); a CSV is scored alone") }
        guard (0...12).contains(digits) else { throw ValidationError("--digits must be between 0 and 12") }
        if let d = delimiter, delimiterByte(d) == nil { throw ValidationError("--delimiter takes comma, semicolon or tab") }
        if let d = decimal, d != "dot" && d != "comma" { throw ValidationError("--decimal takes dot or comma") }
        guard units == "declared" || units == "auto" else { throw ValidationError("--units takes declared or auto") }
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
        if let bp = bpUrgent, parseBP(bp) == nil { throw ValidationError("--bp-urgent takes SBP/DBP in mmHg with SBP above DBP, e.g. 180/110") }
        if parseRuleParams(ruleParams) == nil { throw ValidationError("--rule-param takes name=number, e.g. cvd_high_risk=10") }
        if noRules && (rules != nil || !ruleParams.isEmpty) { throw ValidationError("--no-rules cannot be combined with --rules or --rule-param") }
        let ids = modelIDs
        guard !ids.isEmpty else { throw ValidationError("--models needs at least one model id") }
        guard Set(ids).count == ids.count else { throw ValidationError("--models names a model twice") }
        if !keepColumn.isEmpty && pseudonymise == nil { throw ValidationError("--keep-column goes with --pseudonymise (without it every column is kept)") }
        for c in keepColumn {
            if let why = ColumnPrivacy.keepRefusal(c) { throw ValidationError("--keep-column \(c): \(why)") }
        }
    }

    /// Attaches `--fallback A=B` models; returns a problem to report, if any.
    func applyFallbacks(_ chosen: inout [CompiledModel], library lib: ModelLibrary) -> String? {
        for pair in fallbacks {
            let parts = pair.split(separator: "=").map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let k = chosen.firstIndex(where: { $0.id == parts[0] }) else {
                return "--fallback \(pair): expected A=B with A one of --models"
            }
            guard let other = try? lib.model(parts[1]) else { return "--fallback \(pair): unknown model \(parts[1])" }
            guard let m = chosen[k].withFallback(other) else {
                return "--fallback \(pair): \(parts[1]) does not have the same outputs as \(parts[0])"
            }
            chosen[k] = m
        }
        return nil
    }

    var modelIDs: [String] { models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }

    func run() throws {
        // Every output path is checked against the input and the other outputs before anything
        // is read or written.
        let manifestPath = manifest ?? (output == "-" ? nil : output + ".manifest.json")
        let outputs: RunOutputs
        do {
            outputs = try RunOutputs(
                inputs: inputs.map { .init("the input", $0) } + (pseudonymise.map { [.init("--pseudonymise", $0)] } ?? []),
                outputs: [.init("--output", output)] + (rejects.map { [.init("--rejects", $0)] } ?? [])
                    + (manifestPath.map { [.init("--manifest", $0)] } ?? []))
        } catch {
            throw fail(error.description, exitStatus(for: error))
        }
        RunOutputs.removeTemporaryFilesOnInterrupt()
        let lib = try loadedLibrary()
        var chosen = try chosenModels(from: lib)
        if let problem = applyFallbacks(&chosen, library: lib) { throw fail(problem, Exit.usage) }
        var rules = try flagRules()
        if let bp = bpUrgent, let (s, d) = parseBP(bp) {
            rules.bloodPressure.urgent.sbpAtLeast = s
            rules.bloodPressure.urgent.dbpAtLeast = d
        }
        let parameters: RunParameters
        var allParams = params
        if let a = asOf { allParams.append("assessment_date=" + a) }
        do {
            parameters = try RunParameters(allParams)
        } catch {
            throw fail(error.description, exitStatus(for: error))
        }
        var options = ScoreOptions(
            models: chosen, derivations: lib.derivations, digits: digits, parameters: parameters, flags: rules)
        if let t = threads { options.threads = t }
        if !noRules { options.alertRules = try alertRules(library: lib, urgent: rules.bloodPressure.urgent) }
        if let m = mapping {
            do { options.mapping = try Mapping.load(m) } catch { throw fail(error.description, Exit.configError) }
        }
        options.delimiter = delimiter.flatMap(delimiterByte)
        options.decimalComma = decimal.map { $0 == "comma" }
        options.unitsAuto = units == "auto"
        options.strict = strict
        let keepFields = keep.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? (pseudonymise != nil ? ["age"] : [])
        for f in keepFields {
            guard let spec = CanonicalSchema.byName[f] else { throw fail("--keep \(f): not a canonical field", Exit.usage) }
            if pseudonymise != nil && (f == "birth_date" || f == "id") {
                throw fail("--keep \(f): identifying, not written with --pseudonymise", Exit.usage)
            }
            _ = spec
        }
        options.keepFields = keepFields
        options.keepColumns = keepColumn
        if let keyFile = pseudonymise {
            guard let key = FileManager.default.contents(atPath: keyFile), key.count >= 16 else {
                throw fail("--pseudonymise \(keyFile): cannot read a key of at least 16 bytes", Exit.noInput)
            }
            options.pseudonymisationKey = [UInt8](key)
        }
        var summary: RunSummary
        var inputFiles: [RunManifest.InputFile]?
        var records: RecordRows?
        if claimInputs {
            // Claim XML: imported in memory and scored straight from the records (no file).
            let imported = try importClaims(inputs, asOf: asOf.map { $0.replacingOccurrences(of: "-", with: "") }, strict: strict)
            if !quiet { FileHandle.standardError.write(Data(imported.summary.utf8)) }
            records = RecordRows(header: ClaimImport.scoringHeader, rows: imported.result.scoringRows)
            inputFiles = imported.files
        }
        do throws(BatchError) {
            if let records {
                var runOptions = options
                if let rejects { runOptions.rejects = try RejectsWriter(sink: try outputs.sink(rejects)) }
                var sink = output == "-" ? FileDescriptorSink(fd: 1) : try outputs.sink(output)
                summary = try ScoreRun.run(records: records, sink: &sink, options: runOptions)
                summary.inputSHA256 = inputFiles?.first?.sha256 ?? ""
                summary.inputBytes = inputFiles?.first?.bytes ?? 0
            } else {
                summary = try runScore(input: input, output: output, rejects: rejects, options: options, outputs: outputs, progress: !quiet)
            }
            if let manifestPath {
                let m = RunManifest(
                    summary: summary, options: options, models: chosen, input: input, output: output,
                    rejects: rejects, arguments: Array(CommandLine.arguments.dropFirst()), inputFiles: inputFiles)
                try outputs.write(m.encoded(), to: manifestPath)
            }
            try outputs.commit()
        } catch {
            outputs.discard()
            throw fail(error.description, exitStatus(for: error))
        }
        if !quiet {
            let notice = chosen.map(\.id).contains("qrisk3") ? QRISK3Notice.text + "\n" : ""
            FileHandle.standardError.write(Data((summary.render() + notice).utf8))
        }
    }

    func loadedLibrary() throws -> ModelLibrary {
        do {
            return try library.library()
        } catch {
            throw fail(error.description, Exit.configError)
        }
    }

    func chosenModels(from lib: ModelLibrary) throws -> [CompiledModel] {
        var chosen: [CompiledModel] = []
        for id in modelIDs {
            do {
                chosen.append(try lib.model(id))
            } catch {
                throw fail(error.description, Exit.usage)
            }
        }
        return chosen
    }

    /// The alert rules of the run: `--rules` or the built-in file, with `--rule-param` applied
    /// and the urgent blood-pressure threshold of the flag rules (`--flags-rules`, `--bp-urgent`)
    /// given to the file's `bp_urgent_sbp`/`bp_urgent_dbp` parameters when it has them. A bad file
    /// exits 78 naming the rule and the problem.
    func alertRules(library lib: ModelLibrary, urgent: FlagRules.UrgentBP) throws -> AlertRules {
        let soft = ["bp_urgent_sbp": urgent.sbpAtLeast, "bp_urgent_dbp": urgent.dbpAtLeast]
        let overrides = parseRuleParams(ruleParams) ?? [:]
        let columns = AlertRules.knownColumns(models: lib.models)
        do throws(RuleFileError) {
            guard let path = rules else {
                return try AlertRules.bundled(columns: columns, overrides: overrides, overridesIfPresent: soft)
            }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw RuleFileError.unreadable(file: path, problem: "cannot read the file as UTF-8")
            }
            return try AlertRules.compile(text, file: path, columns: columns, overrides: overrides, overridesIfPresent: soft)
        } catch {
            throw fail(error.description, Exit.configError)
        }
    }

    func flagRules() throws -> FlagRules {
        do {
            return try FlagRules.load(flagsRules)
        } catch {
            throw fail(error.description, Exit.configError)
        }
    }

}

func delimiterByte(_ s: String) -> UInt8? {
    switch s {
    case "comma", ",": return 0x2C
    case "semicolon", ";": return 0x3B
    case "tab", "\t": return 0x09
    default: return nil
    }
}

/// `name=value` pairs of `--rule-param`; nil when one is not of that form.
func parseRuleParams(_ pairs: [String]) -> [String: Double]? {
    var out: [String: Double] = [:]
    for p in pairs {
        let parts = p.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, let v = Double(parts[1]), v.isFinite else { return nil }
        out[parts[0]] = v
    }
    return out
}

func parseBP(_ s: String) -> (Double, Double)? {
    let parts = s.split(separator: "/")
    guard parts.count == 2, let a = Double(parts[0]), let b = Double(parts[1]), a.isFinite, b > 0, a > b else { return nil }
    return (a, b)
}

/// Opens the input and runs; the output and rejects go to the temporary files of `outputs`
/// (renamed by the caller's `commit` once everything of the run is written). With `progress`, a
/// progress line is kept on standard error while the run lasts (only when standard error is a
/// terminal and the run takes over two seconds).
func runScore(
    input: String, output: String, rejects: String? = nil, options: ScoreOptions, outputs: RunOutputs, progress: Bool = false
) throws(BatchError) -> RunSummary {
    var options = options
    if let rejects { options.rejects = try RejectsWriter(sink: try outputs.sink(rejects)) }
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
        totalBytes: size, isTerminal: isatty(2) != 0, quiet: !progress,
        clock: { ProcessInfo.processInfo.systemUptime },
        emit: { FileHandle.standardError.write(Data($0.utf8)) })
    defer { reporter.finish() }
    var source = ProgressSource(FileDescriptorSource(fd: inFD), reporter: reporter)
    var sink = output == "-" ? FileDescriptorSink(fd: 1) : try outputs.sink(output)
    return try ScoreRun.run(source: &source, sink: &sink, options: options)
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import data in other formats into canonical CSV.",
        discussion: "Example: riskengine import xml130 claims.xml -o patients.csv",
        subcommands: [XML130.self])

    struct XML130: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "xml130",
            abstract: "Health-insurance claim XML (Decision 130/QĐ-BYT, 4210-era files) → one canonical record per patient.",
            discussion: "Example: riskengine import xml130 claims/*.xml --as-of 20250630 --problems problems.csv -o patients.csv\n\nAges from NGAY_SINH at the assessment date; sex from GIOI_TINH; diabetes, hypertension, stroke and MI from ICD-10 codes; antihypertensive and statin use from XML2 drug lists; labs from XML4 matched by code or name, with units converted; the latest value at or before the assessment date. Blood pressure is not in claims: models that need it report missing:sbp. Names, ID numbers, card numbers, addresses and birth dates are never written.")
        @Argument(help: "Claim XML files (GIAMDINHHS envelopes).") var files: [String]
        @Option(name: [.short, .long], help: "Output canonical CSV, or - for standard output.") var output: String = "-"
        @Option(name: .customLong("as-of"), help: "Assessment date yyyymmdd (default: each patient's latest visit).") var asOf: String?
        @Option(name: .long, help: "Write the import problems (file, table, record, field, reason; never values) to this CSV file.") var problems: String?
        @Flag(name: .long, help: "Stop at the first file, FILEHOSO entry or record that has to be skipped (exit 65) instead of listing it and going on.") var strict = false

        func run() throws {
            let outputs: RunOutputs
            do {
                outputs = try RunOutputs(
                    inputs: files.map { .init("the input", $0) },
                    outputs: [.init("--output", output)] + (problems.map { [.init("--problems", $0)] } ?? []))
            } catch {
                throw fail(error.description, exitStatus(for: error))
            }
            RunOutputs.removeTemporaryFilesOnInterrupt()
            let imported = try importClaims(files, asOf: asOf, strict: strict)
            let result = imported.result
            let csv = csvText(header: result.header, rows: result.rows)
            do {
                if output == "-" {
                    FileHandle.standardOutput.write(Data(csv.utf8))
                } else {
                    try outputs.write(Array(csv.utf8), to: output)
                }
                if let problems {
                    var text = CSV.line(["file", "table", "record", "field", "reason"])
                    for p in result.problems { text += CSV.line([p.file, p.table, String(p.record), p.field, p.reason]) }
                    try outputs.write(Array(text.utf8), to: problems)
                }
                try outputs.commit()
            } catch {
                outputs.discard()
                throw fail(error.description, exitStatus(for: error))
            }
            FileHandle.standardError.write(Data((imported.summary + "blood pressure is not in claims: models that need it will report missing:sbp\n").utf8))
        }
    }
}

/// A claim import for the CLI: the result, each file's checksum, and the summary for standard error.
struct ImportedClaims {
    let result: ClaimImportResult
    let files: [RunManifest.InputFile]

    /// Patients, files, and problems counted by reason (never values).
    var summary: String {
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
}

/// Reads claim XML files in blocks into canonical rows, hashing each file on the way (exit codes:
/// 66 unreadable file, 65 with --strict at the first skip, 64 bad --as-of, 78 bad code list).
func importClaims(_ files: [String], asOf: String?, strict: Bool) throws -> ImportedClaims {
    var hashers = [SHA256](repeating: SHA256(), count: files.count)
    var sizes = [Int](repeating: 0, count: files.count)
    let paths = files.map { (name: URL(fileURLWithPath: $0).lastPathComponent, path: $0) }
    let result: ClaimImportResult
    do {
        result = try ClaimImport.records(paths: paths, options: ClaimImportOptions(asOf: asOf, strict: strict)) { index, block in
            hashers[index].update(bufferPointer: UnsafeRawBufferPointer(block))
            sizes[index] += block.count
        }
    } catch {
        switch error {
        case .cannotRead: throw fail(error.description, Exit.noInput)
        case .invalidAsOf: throw fail(error.description, Exit.usage)
        case .codeList: throw fail(error.description, Exit.configError)
        case .stopped: throw fail(error.description, Exit.dataError)
        }
    }
    let checksums = hashers.map { $0.finalize().map { String(format: "%02x", $0) }.joined() }
    return ImportedClaims(
        result: result,
        files: files.indices.map { RunManifest.InputFile(path: files[$0], sha256: checksums[$0], bytes: sizes[$0]) })
}

/// A whole CSV text (header and rows), quoted by the one CSV quoting rule.
func csvText(header: [String], rows: [[String]]) -> String {
    var text = CSV.line(header)
    for row in rows { text += CSV.line(row) }
    return text
}

struct MappingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mapping", abstract: "List the built-in mappings or check one against an export.",
        discussion: "Example: riskengine mapping check commune_phr_vn --input xa.csv --models who2019_lab",
        subcommands: [List.self, Check.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the built-in mapping ids.", discussion: "Example: riskengine mapping list")
        func run() throws {
            for (id, m) in Mapping.builtIn().sorted(by: { $0.key < $1.key }) { print("\(id)\t\(m.path)") }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report which canonical fields an export provides through a mapping: found, missing, ambiguous.",
            discussion: "Example: riskengine mapping check commune_phr_vn --input xa.csv --models who2019_lab,findrisc")
        @Argument(help: "Built-in mapping id or mapping file.") var mapping: String
        @Option(name: .long, help: "The export (CSV); only its header is read.") var input: String
        @Option(name: .long, help: "Comma-separated model ids whose inputs to check (default: every model).") var models: String?

        func run() throws {
            let m: Mapping
            do { m = try Mapping.load(mapping) } catch { throw fail(error.description, Exit.configError) }
            guard let fh = FileHandle(forReadingAtPath: input) else { throw fail("cannot open input \(input)", Exit.noInput) }
            let head = [UInt8](fh.readData(ofLength: 1 << 20))
            guard let read = InputHeader.read(head, final: head.count < 1 << 20) ?? InputHeader.read(head, final: true) else {
                throw fail(BatchError.emptyInput.description, Exit.dataError)
            }
            let dialect = read.dialect
            let header = read.names
            let lib: ModelLibrary
            do { lib = try ModelLibrary.embedded() } catch { throw fail(error.description, Exit.configError) }
            let chosen = (models?.split(separator: ",").map(String.init)).map { ids in lib.models.filter { ids.contains($0.id) } } ?? lib.models
            let needed = ScoreRun.neededFields(chosen, derivations: lib.derivations)
            let built = Result { () throws(BatchError) -> InputLayout in
                try InputLayout(header: header, needed: needed, mapping: m, dialect: dialect)
            }
            guard case .success(let layout) = built else {
                if case .failure(let e) = built { throw fail(e.description, exitStatus(for: e)) }
                return
            }
            print(MappingReport.render(layout: layout, mapping: m, models: chosen, header: header))
        }
    }
}

struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the model library or show one model.",
        discussion: "Example: riskengine models show who2019_lab",
        subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print id, title and citation of every model.",
            discussion: "Example: riskengine models list --models-dir my-models")
        @OptionGroup var library: LibraryOptions

        func run() throws {
            do {
                let lib = try library.library()
                for m in lib.models {
                    let d = m.definition
                    print("\(d.id)\t\(d.title)\t\(d.citation.reference) doi:\(d.citation.doi)")
                }
            } catch {
                throw fail(error.description, Exit.configError)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a model's definition in readable form.", discussion: "Example: riskengine models show kfre_4var")
        @Argument(help: "Model id.") var id: String
        @OptionGroup var library: LibraryOptions

        func run() throws {
            do {
                let m = try library.library().model(id)
                print(ModelDescription.render(m), terminator: "")
            } catch {
                if case .unknownModel = error { throw fail(error.description, Exit.usage) }
                throw fail(error.description, Exit.configError)
            }
        }
    }
}

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a seeded synthetic adult population (canonical schema, Vietnam-like prevalences).",
        discussion: "Example: riskengine synth --rows 100000 --seed 7 -o population.csv (the same seed always gives the same bytes)")
    @Option(name: .long, help: "Number of people.") var rows: Int = 1000
    @Option(name: .long, help: "Random seed (same seed, same bytes).") var seed: UInt64 = 20261127
    @Option(name: [.short, .long], help: "Output CSV, or - for standard output.") var output: String = "-"
    @Option(name: .long, help: "Spread people over N communes (adds province, commune, assessment_date; rises injected in a few communes).")
    var areas: Int = 0
    @Option(name: .long, help: "With --areas: number of months of assessment dates.") var months: Int = 24

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must not be negative") }
        guard areas >= 0, months >= 1 else { throw ValidationError("--areas must not be negative and --months must be positive") }
    }

    func run() throws {
        do throws(BatchError) {
            let outputs = try RunOutputs(inputs: [], outputs: [.init("--output", output)])
            RunOutputs.removeTemporaryFilesOnInterrupt()
            do throws(BatchError) {
                if areas > 0 {
                    try writeSyntheticAreas(rows: rows, areas: areas, months: months, seed: seed, output: output, outputs: outputs)
                } else {
                    try writeSynthetic(rows: rows, seed: seed, output: output, outputs: outputs)
                }
                try outputs.commit()
            } catch {
                outputs.discard()
                throw error
            }
        } catch {
            throw fail(error.description, exitStatus(for: error))
        }
    }
}

func writeSynthetic(rows: Int, seed: UInt64, output: String, outputs: RunOutputs) throws(BatchError) {
    var sink = output == "-" ? FileDescriptorSink(fd: 1) : try outputs.sink(output)
    try SyntheticPopulation.write(rows: rows, seed: seed, to: &sink)
}

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The main job on the embedded demo: synthesise a population, score it with every model, summarise.",
        discussion: "Example: riskengine demo --rows 20000 --seed 1 -o scored.csv --input population.csv")
    @Option(name: .long, help: "Number of synthetic people.") var rows: Int = 100_000
    @Option(name: .long, help: "Random seed.") var seed: UInt64 = 20261127
    @Option(name: [.short, .long], help: "Where to write the scored CSV.") var output: String = "riskengine-demo-scored.csv"
    @Option(name: .long, help: "Where to write the synthetic input.") var input: String = "riskengine-demo-population.csv"

    func run() throws {
        let outputs: RunOutputs
        do {
            outputs = try RunOutputs(inputs: [], outputs: [.init("--input", input), .init("--output", output)])
        } catch {
            throw fail(error.description, exitStatus(for: error))
        }
        RunOutputs.removeTemporaryFilesOnInterrupt()
        defer { outputs.discard() }
        do {
            let lib = try ModelLibrary.embedded()
            // The population is scored from its temporary file; both files appear together at the end.
            try writeSynthetic(rows: rows, seed: seed, output: input, outputs: outputs)
            var options = try DemoRun.options(lib, flags: try FlagRules.bundled())
            options.alertRules = try AlertRules.bundled(columns: AlertRules.knownColumns(models: lib.models))
            let summary = try runScore(
                input: outputs.temporaryPath(input) ?? input, output: output, options: options, outputs: outputs, progress: true)
            let scored: [UInt8]
            let scoredPath = outputs.temporaryPath(output) ?? output
            do { scored = Array(try TextFile.read(scoredPath).utf8) } catch { throw BatchError.readFailed(reason: error.description) }
            try outputs.commit()
            let categories = CategoryCounts(output: scored, models: options.models)
            print(DemoRun.render(summary, models: options.models, categories: categories, input: input, output: output), terminator: "")
        } catch let e as BatchError {
            throw fail(e.description, exitStatus(for: e))
        } catch let e as ModelFileError {
            throw fail(e.description, Exit.configError)
        } catch let e as FlagRulesError {
            throw fail(e.description, Exit.configError)
        } catch let e as RuleFileError {
            throw fail(e.description, Exit.configError)
        }
    }
}
