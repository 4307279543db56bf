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
    case .emptyInput, .duplicateColumn, .strictStop, .noKnownColumn: Exit.dataError
    case .badParameter, .sameFile: Exit.usage
    case .incompatibleModelFields: Exit.configError
    }
}

func exitStatus(for error: JobError) -> Int32 {
    switch error {
    case .batch(let e): exitStatus(for: e)
    case .claims(let e):
        switch e {
        case .cannotRead: Exit.noInput
        case .invalidAsOf: Exit.usage
        case .codeList: Exit.configError
        case .stopped: Exit.dataError
        }
    case .models, .flagRules, .alertRules: Exit.configError
    }
}

/// An unknown model id is a usage error; a model file that fails its checks (a built-in one is
/// checked when first asked for) a configuration error.
func exitStatus(for error: ModelFileError) -> Int32 {
    if case .unknownModel = error { return Exit.usage }
    return Exit.configError
}

/// The process's peak resident memory in MB (getrusage; Linux reports kB).
func peakResidentMB() -> Int {
    var usage = rusage()
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
    return Int(usage.ru_maxrss) / 1024
}

/// Standard error as the jobs' console.
func console(quiet: Bool) -> JobConsole {
    JobConsole(isTerminal: isatty(2) != 0, progress: !quiet, emit: { FileHandle.standardError.write(Data($0.utf8)) })
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
        subcommands: [Score.self, Models.self, MappingCommand.self, Import.self, Synth.self, Demo.self, ReportCommand.self, Alerts.self, Fit.self, ValidateCommand.self, RecalibrateCommand.self]
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

    @Option(name: .customLong("chunk-bytes"), help: .hidden)
    var chunkBytes: Int?

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
            let other: CompiledModel
            do { other = try lib.model(parts[1]) } catch {
                if case .unknownModel = error { return "--fallback \(pair): unknown model \(parts[1])" }
                return error.description
            }
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
        let derivations: [Derivation]
        do { derivations = try lib.derivations(for: chosen) } catch { throw fail(error.description, Exit.configError) }
        var options = ScoreOptions(
            models: chosen, derivations: derivations, digits: digits, parameters: parameters, flags: rules)
        if let t = threads { options.threads = t }
        if let c = chunkBytes { options.chunkBytes = max(1024, c) }
        if !noRules { options.alertRules = try alertRules(library: lib, urgent: rules.bloodPressure.urgent) }
        if let m = mapping {
            do { options.mapping = try Mapping.load(m) } catch { throw fail(error.description, Exit.configError) }
        }
        options.delimiter = delimiter.flatMap(delimiterByte)
        options.decimalComma = decimal.map { $0 == "comma" }
        options.unitsAuto = units == "auto"
        options.strict = strict
        let keepFields = keep.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? (pseudonymise != nil ? ["age"] : [])
        let runFields = ScoreRun.fieldCatalog(chosen) ?? .canonical
        for f in keepFields {
            guard runFields.indexByName[f] != nil else { throw fail("--keep \(f): not a canonical field or a local column of the models", Exit.usage) }
            if pseudonymise != nil && (f == "birth_date" || f == "id") {
                throw fail("--keep \(f): identifying, not written with --pseudonymise", Exit.usage)
            }
        }
        options.keepFields = keepFields
        options.keepColumns = keepColumn
        if let keyFile = pseudonymise {
            guard let key = FileManager.default.contents(atPath: keyFile), key.count >= 16 else {
                throw fail("--pseudonymise \(keyFile): cannot read a key of at least 16 bytes", Exit.noInput)
            }
            options.pseudonymisationKey = [UInt8](key)
        }
        var job = ScoreJob(inputs: inputs, output: output, options: options, arguments: Array(CommandLine.arguments.dropFirst()))
        job.rejects = rejects
        job.manifest = manifest
        job.keyFile = pseudonymise
        job.claimAsOf = asOf.map { $0.replacingOccurrences(of: "-", with: "") }
        let summary: RunSummary
        do { summary = try job.run(console: console(quiet: quiet)) } catch {
            throw fail(error.description, exitStatus(for: error))
        }
        if !quiet { FileHandle.standardError.write(Data(ScoreJob.report(summary, models: chosen).utf8)) }
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
                throw fail(error.description, exitStatus(for: error))
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
        let columns = AlertRules.knownColumns(library: lib)
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
            let job = ClaimImportJob(files: files, output: output, problems: problems, asOf: asOf, strict: strict)
            do { FileHandle.standardError.write(Data(try job.run().utf8)) } catch {
                throw fail(error.description, exitStatus(for: error))
            }
            FileHandle.standardError.write(Data("peak memory \(peakResidentMB()) MB\n".utf8))
        }
    }
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
            let chosen: [CompiledModel]
            let derivations: [Derivation]
            do {
                let lib = try ModelLibrary.embedded()
                let ids = (models?.split(separator: ",").map(String.init)).map { ids in lib.ids.filter { ids.contains($0) } } ?? lib.ids
                chosen = try ids.map { id throws(ModelFileError) in try lib.model(id) }
                derivations = try lib.derivations(for: chosen)
            } catch {
                throw fail(error.description, Exit.configError)
            }
            let needed = ScoreRun.neededFields(chosen, derivations: derivations)
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
                for e in lib.entries {
                    print("\(e.id)\t\(e.title)\t\(e.reference) doi:\(e.doi)")
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
    @Flag(name: .long, help: "Write a cohort with follow-up and events from a stated Cox model instead (see README, 'For researchers: fit').") var cohort = false

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must not be negative") }
        guard areas >= 0, months >= 1 else { throw ValidationError("--areas must not be negative and --months must be positive") }
        if cohort && areas > 0 { throw ValidationError("--cohort and --areas write different files: choose one") }
    }

    func run() throws {
        var job = SynthJob(rows: rows, seed: seed, output: output)
        if areas > 0 { job.areas = SyntheticPopulation.AreaDesign(areas: areas, months: months) }
        job.cohort = cohort
        do { try job.run() } catch {
            throw fail(error.description, exitStatus(for: error))
        }
    }
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
        let lib: ModelLibrary
        do { lib = try ModelLibrary.embedded() } catch { throw fail(error.description, Exit.configError) }
        let job = DemoJob(rows: rows, seed: seed, input: input, output: output)
        do { print(try job.run(library: lib, console: console(quiet: false)), terminator: "") } catch {
            throw fail(error.description, exitStatus(for: error))
        }
    }
}
