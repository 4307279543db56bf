// riskengine: the command-line edge. It parses arguments, validates them, calls the libraries and
// maps typed errors to text and documented exit codes (see README "Exit codes").
import ArgumentParser
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
    case .emptyInput, .duplicateColumn, .strictStop: Exit.dataError
    case .badParameter: Exit.usage
    }
}

@main
struct RiskEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "riskengine",
        abstract: "Cardiovascular and chronic-disease risk scoring for whole populations.",
        subcommands: [Score.self, Models.self, MappingCommand.self, Import.self, Synth.self, Demo.self, ValidateCommand.self]
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
        abstract: "Score a CSV of canonical records with one or more models.",
        discussion: "Writes one output row per input row, in input order: id, risks, statuses, flags, then unknown columns as they were. The run summary goes to standard error.")

    @Argument(help: "Input CSV, or - for standard input.")
    var input: String

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

    @Option(name: .long, help: "Worker threads (default: number of cores).")
    var threads: Int?

    @Option(name: .customLong("fallback"), help: ArgumentHelp("Score rows that model A reports missing:… with model B instead, noted ok;fallback:B, e.g. who2019_lab=who2019_nonlab (repeatable).", valueName: "A=B"))
    var fallbacks: [String] = []

    @Flag(name: .long, help: "Do not print the run summary.")
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

    @Option(name: .long, help: "Key file: replace ids with HMAC-SHA256(key, id) and drop identifying columns from the output.")
    var pseudonymise: String?

    @Option(name: .long, help: "Run manifest (JSON); default: OUTPUT.manifest.json beside a file output, none for standard output.")
    var manifest: String?

    @Option(name: .long, help: "Canonical fields to write after the other columns (canonical units; derived values included), e.g. age,sex. With --pseudonymise the default is age.")
    var keep: String?

    @OptionGroup var library: LibraryOptions

    func validate() throws {
        guard (0...12).contains(digits) else { throw ValidationError("--digits must be between 0 and 12") }
        if let d = delimiter, delimiterByte(d) == nil { throw ValidationError("--delimiter takes comma, semicolon or tab") }
        if let d = decimal, d != "dot" && d != "comma" { throw ValidationError("--decimal takes dot or comma") }
        guard units == "declared" || units == "auto" else { throw ValidationError("--units takes declared or auto") }
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
        if let bp = bpUrgent, parseBP(bp) == nil { throw ValidationError("--bp-urgent takes SBP/DBP in mmHg, e.g. 180/110") }
        let ids = modelIDs
        guard !ids.isEmpty else { throw ValidationError("--models needs at least one model id") }
        guard Set(ids).count == ids.count else { throw ValidationError("--models names a model twice") }
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
        if let keyFile = pseudonymise {
            guard let key = FileManager.default.contents(atPath: keyFile), key.count >= 16 else {
                throw fail("--pseudonymise \(keyFile): cannot read a key of at least 16 bytes", Exit.noInput)
            }
            options.pseudonymisationKey = [UInt8](key)
        }
        var source = input
        if input.lowercased().hasSuffix(".xml") {
            // Score straight from claim XML: import it to canonical CSV first (in memory).
            let imported = try importClaims([input], asOf: asOf.map { $0.replacingOccurrences(of: "-", with: "") })
            let csv = OutputQuoting.csv(header: imported.header, rows: imported.rows)
            let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("riskengine-import-\(getpid()).csv")
            do { try Data(csv.utf8).write(to: tmp) } catch { throw fail("cannot write a temporary file: \(error.localizedDescription)", Exit.cannotCreate) }
            source = tmp.path
        }
        defer { if source != input { try? FileManager.default.removeItem(atPath: source) } }
        let summary: RunSummary
        do {
            summary = try runScore(input: source, output: output, rejects: rejects, options: options)
        } catch {
            throw fail(error.description, exitStatus(for: error))
        }
        let manifestPath = manifest ?? (output == "-" ? nil : output + ".manifest.json")
        if let manifestPath {
            let m = RunManifest(
                summary: summary, options: options, models: chosen, input: input, output: output,
                rejects: rejects, arguments: Array(CommandLine.arguments.dropFirst()))
            do { try m.write(to: manifestPath) } catch { throw fail("cannot write the manifest \(manifestPath): \(error)", Exit.cannotCreate) }
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

    func flagRules() throws -> FlagRules {
        do {
            return try loadRules(flagsRules)
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

func parseBP(_ s: String) -> (Double, Double)? {
    let parts = s.split(separator: "/")
    guard parts.count == 2, let a = Double(parts[0]), let b = Double(parts[1]), a > 0, b > 0 else { return nil }
    return (a, b)
}

func loadRules(_ path: String?) throws(FlagRulesError) -> FlagRules {
    guard let path else { return try FlagRules.bundled() }
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw .unreadable(file: path, problem: "cannot read the file")
    }
    return try FlagRules.decode(text, file: path)
}

/// Opens input and output and runs; the output is written to a temporary file beside the target
/// and renamed at the end, so a killed run never leaves a half-written file under the final name.
func runScore(input: String, output: String, rejects: String? = nil, options: ScoreOptions) throws(BatchError) -> RunSummary {
    var options = options
    var rejectsFD: Int32 = -1
    if let rejects {
        rejectsFD = open(rejects, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if rejectsFD < 0 { throw .cannotCreateOutput(path: rejects, reason: String(cString: strerror(errno))) }
        options.rejects = try RejectsWriter(sink: FileDescriptorSink(fd: rejectsFD))
    }
    defer { if rejectsFD >= 0 { close(rejectsFD) } }
    let inFD: Int32
    if input == "-" {
        inFD = 0
    } else {
        inFD = open(input, O_RDONLY)
        if inFD < 0 { throw .cannotOpenInput(path: input, reason: String(cString: strerror(errno))) }
    }
    defer { if inFD != 0 { close(inFD) } }
    var source = FileDescriptorSource(fd: inFD)
    if output == "-" {
        var sink = FileDescriptorSink(fd: 1)
        return try ScoreRun.run(source: &source, sink: &sink, options: options)
    }
    let target = URL(fileURLWithPath: output)
    let temp = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partial-\(getpid())")
    let outFD = open(temp.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if outFD < 0 { throw .cannotCreateOutput(path: output, reason: String(cString: strerror(errno))) }
    var sink = FileDescriptorSink(fd: outFD)
    do throws(BatchError) {
        let summary = try ScoreRun.run(source: &source, sink: &sink, options: options)
        close(outFD)
        if rename(temp.path, target.path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temp.path)
            throw BatchError.cannotCreateOutput(path: output, reason: reason)
        }
        return summary
    } catch {
        close(outFD)
        unlink(temp.path)
        throw error
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import data in other formats into canonical CSV.", subcommands: [XML130.self])

    struct XML130: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "xml130",
            abstract: "Health-insurance claim XML (Decision 130/QĐ-BYT, 4210-era files) → one canonical record per patient.",
            discussion: "Ages from NGAY_SINH at the assessment date; sex from GIOI_TINH; diabetes, hypertension, stroke and MI from ICD-10 codes; antihypertensive and statin use from XML2 drug lists; labs from XML4 matched by code or name, with units converted; the latest value at or before the assessment date. Blood pressure is not in claims: models that need it report missing:sbp. Names, ID numbers, card numbers, addresses and birth dates are never written.")
        @Argument(help: "Claim XML files (GIAMDINHHS envelopes).") var files: [String]
        @Option(name: [.short, .long], help: "Output canonical CSV, or - for standard output.") var output: String = "-"
        @Option(name: .customLong("as-of"), help: "Assessment date yyyymmdd (default: each patient's latest visit).") var asOf: String?
        @Option(name: .long, help: "Write the import problems (file, table, record, field, reason; never values) to this CSV file.") var problems: String?

        func run() throws {
            let result = try importClaims(files, asOf: asOf)
            let csv = OutputQuoting.csv(header: result.header, rows: result.rows)
            if output == "-" {
                FileHandle.standardOutput.write(Data(csv.utf8))
            } else {
                do { try Data(csv.utf8).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                    throw fail("cannot create output \(output): \(error.localizedDescription)", Exit.cannotCreate)
                }
            }
            if let problems {
                var text = "file,table,record,field,reason\n"
                for p in result.problems {
                    text += [p.file, p.table, String(p.record), p.field, p.reason].map(OutputQuoting.quote).joined(separator: ",") + "\n"
                }
                do { try Data(text.utf8).write(to: URL(fileURLWithPath: problems), options: .atomic) } catch {
                    throw fail("cannot create \(problems): \(error.localizedDescription)", Exit.cannotCreate)
                }
            }
            var counts: [String: Int] = [:]
            for p in result.problems { counts[p.reason.split(separator: ":").first.map(String.init) ?? p.reason, default: 0] += 1 }
            var summary = "patients \(result.rows.count) from \(files.count) file(s); problems \(result.problems.count)"
            if !counts.isEmpty { summary += " (" + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")" }
            FileHandle.standardError.write(Data((summary + "\nblood pressure is not in claims: models that need it will report missing:sbp\n").utf8))
        }
    }
}

/// Reads claim XML files into canonical rows (exit codes: 66 unreadable file, 65 bad content).
func importClaims(_ files: [String], asOf: String?) throws -> ClaimImportResult {
    var inputs: [(name: String, data: Data)] = []
    for f in files {
        guard let data = FileManager.default.contents(atPath: f) else { throw fail("cannot open input \(f)", Exit.noInput) }
        inputs.append((URL(fileURLWithPath: f).lastPathComponent, data))
    }
    do {
        return try ClaimImport.records(files: inputs, options: ClaimImportOptions(asOf: asOf))
    } catch {
        throw fail(error.description, Exit.dataError)
    }
}

/// RFC 4180 quoting for CSV written by the CLI.
enum OutputQuoting {
    /// A whole CSV text.
    static func csv(header: [String], rows: [[String]]) -> String {
        var text = header.map(quote).joined(separator: ",") + "\n"
        for row in rows { text += row.map(quote).joined(separator: ",") + "\n" }
        return text
    }

    static func quote(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}

struct MappingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mapping", abstract: "List the built-in mappings or check one against an export.",
        subcommands: [List.self, Check.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the built-in mapping ids.")
        func run() throws {
            for (id, m) in Mapping.builtIn().sorted(by: { $0.key < $1.key }) { print("\(id)\t\(m.path)") }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report which canonical fields an export provides through a mapping: found, missing, ambiguous.")
        @Argument(help: "Built-in mapping id or mapping file.") var mapping: String
        @Option(name: .long, help: "The export (CSV); only its header is read.") var input: String
        @Option(name: .long, help: "Comma-separated model ids whose inputs to check (default: every model).") var models: String?

        func run() throws {
            let m: Mapping
            do { m = try Mapping.load(mapping) } catch { throw fail(error.description, Exit.configError) }
            guard let fh = FileHandle(forReadingAtPath: input) else { throw fail("cannot open input \(input)", Exit.noInput) }
            let head = fh.readData(ofLength: 1 << 16)
            var bytes = [UInt8](head)
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            let line = Array(bytes.prefix { $0 != 0x0A })
            let dialect = InputDialect.detect(headerLine: line)
            let header = ScoreRun.parseHeader(line, delimiter: dialect.delimiter)
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
        abstract: "List the model library or show one model.", subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print id, title and citation of every model.")
        @OptionGroup var library: LibraryOptions

        func run() throws {
            do {
                let lib = try library.library()
                for m in lib.models {
                    let d = m.definition
                    print("\(d.id)\t\(d.title)\t\(d.citation.reference) doi:\(d.citation.doi)")
                }
            } catch let e as ModelFileError {
                throw fail(e.description, Exit.configError)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a model's definition in readable form.")
        @Argument(help: "Model id.") var id: String
        @OptionGroup var library: LibraryOptions

        func run() throws {
            do {
                let m = try library.library().model(id)
                print(ModelDescription.render(m), terminator: "")
            } catch let e as ModelFileError {
                if case .unknownModel = e { throw fail(e.description, Exit.usage) }
                throw fail(e.description, Exit.configError)
            }
        }
    }
}

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a seeded synthetic adult population (canonical schema, Vietnam-like prevalences).")
    @Option(name: .long, help: "Number of people.") var rows: Int = 1000
    @Option(name: .long, help: "Random seed (same seed, same bytes).") var seed: UInt64 = 20261127
    @Option(name: [.short, .long], help: "Output CSV, or - for standard output.") var output: String = "-"

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must not be negative") }
    }

    func run() throws {
        do {
            try writeSynthetic(rows: rows, seed: seed, output: output)
        } catch let e as BatchError {
            throw fail(e.description, exitStatus(for: e))
        }
    }
}

func writeSynthetic(rows: Int, seed: UInt64, output: String) throws(BatchError) {
    if output == "-" {
        var sink = FileDescriptorSink(fd: 1)
        try SyntheticPopulation.write(rows: rows, seed: seed, to: &sink)
        return
    }
    let fd = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if fd < 0 { throw .cannotCreateOutput(path: output, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    var sink = FileDescriptorSink(fd: fd)
    try SyntheticPopulation.write(rows: rows, seed: seed, to: &sink)
}

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The main job on the embedded demo: synthesise a population, score it with every model, summarise.")
    @Option(name: .long, help: "Number of synthetic people.") var rows: Int = 100_000
    @Option(name: .long, help: "Random seed.") var seed: UInt64 = 20261127
    @Option(name: [.short, .long], help: "Where to write the scored CSV.") var output: String = "riskengine-demo-scored.csv"
    @Option(name: .long, help: "Where to write the synthetic input.") var input: String = "riskengine-demo-population.csv"

    func run() throws {
        do {
            let lib = try ModelLibrary.embedded()
            try writeSynthetic(rows: rows, seed: seed, output: input)
            let params = try RunParameters(DemoReport.parameters)
            // Viet Nam's defaults first: WHO 2019 (Southeast Asia) and Globorisk (VNM).
            let first = ["who2019_lab", "who2019_nonlab", "who2019_lab_chart", "who2019_nonlab_chart",
                         "globorisk_lab", "globorisk_office", "globorisk_fatal"]
            let ordered = first.compactMap { id in lib.models.first { $0.id == id } }
                + lib.models.filter { !first.contains($0.id) }
            let options = ScoreOptions(
                models: ordered, derivations: lib.derivations, parameters: params, flags: try FlagRules.bundled())
            let summary = try runScore(input: input, output: output, options: options)
            print(DemoReport.render(summary, models: ordered, input: input, output: output), terminator: "")
        } catch let e as BatchError {
            throw fail(e.description, exitStatus(for: e))
        } catch let e as ModelFileError {
            throw fail(e.description, Exit.configError)
        } catch let e as FlagRulesError {
            throw fail(e.description, Exit.configError)
        }
    }
}
