// `riskengine recalibrate`: thin edge over RiskRecalibration (the transformation, the new file) and
// RiskBatch (cohort columns, output set).
import ArgumentParser
import Foundation
import RiskAlerts
import RiskBatch
import RiskModels
import RiskRecalibration

struct RecalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recalibrate",
        abstract: "Recalibrate a model to a local cohort (in the large, slope, baseline) or to local incidence targets, writing a new model file.",
        discussion: """
            With a cohort: the model's risk p at the horizon is updated as 1 - exp(-exp(a + b log(-log(1 - p)))) for Cox models and models with a recalibration section; --method large solves a so that O/E = 1 on the cohort (b = 1), slope takes b from the calibration slope then solves a, baseline re-estimates the baseline hazard (Breslow, the model's risk as offset). Logistic models (PREVENT) are updated on the logit scale, p' = 1/(1 + exp(-(a + b logit p))): large as above, slope takes b from the logistic calibration slope (event by the horizon on logit p, weighted by inverse probability of censoring) then solves a, baseline re-estimates the intercept by the same weighted likelihood with logit p as offset (O/E near, not exactly, 1). Only the outcome of --column (default: the first risk output) changes, in every stratum; output columns are renamed after the new id. With --targets TABLE.csv (columns sex,age,outcome,risk and mean risk factors; models with a recalibration section such as who2019_lab): the WHO 2019 method, new scales for --region. The new file names its parent, the method and the data's SHA-256; score with it through --models-dir.

            Example: riskengine recalibrate --model pce2013 cohort.csv --time time --event event --horizon 10 --method large --output models/pce2013_recal.json
            Example: riskengine recalibrate --model prevent2023_base cohort.csv --time time --event event --horizon 10 --method slope --output models/prevent2023_base_recal.json
            """)

    @Option(name: .long, help: "Id of the model to recalibrate.")
    var model: String

    @Argument(help: "Cohort CSV (comma-separated, header line; canonical columns, follow-up time and event). Not used with --targets.")
    var input: String?

    @Option(name: .long, help: "Column with the follow-up time in years.")
    var time: String?

    @Option(name: .long, help: "Column with the event indicator (1 = event, 0 = censored).")
    var event: String?

    @Option(name: .long, help: "Horizon in years (the model's risk horizon, e.g. 10).")
    var horizon: Double = 10

    @Option(name: .long, help: "large, slope or baseline (with a cohort).")
    var method: String?

    @Option(name: .long, help: "Local incidence table (sex,age,outcome,risk + mean risk factors) instead of a cohort.")
    var targets: String?

    @Option(name: .long, help: "Value of the model's recalibration field to change (e.g. southeast_asia); required with --targets.")
    var region: String?

    @Option(name: .long, help: "Output column of the model to recalibrate (default: its first risk output), e.g. kfre_4var_kf_5_5y.")
    var column: String?

    @Option(name: .long, help: "Id of the new model (default: <model>_recal).")
    var id: String?

    @Option(name: [.short, .long], help: "The new model file (JSON).")
    var output: String

    @Option(name: .customLong("param"), help: ArgumentHelp("Run-wide value for a canonical field, e.g. who_region=southeast_asia (repeatable); a non-empty cell wins.", valueName: "key=value"))
    var params: [String] = []

    @OptionGroup var library: LibraryOptions

    func validate() throws {
        guard horizon.isFinite, horizon > 0 else { throw ValidationError("--horizon must be a positive number of years") }
        if let id, id.isEmpty || !id.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" }) {
            throw ValidationError("--id takes lowercase letters, digits and _")
        }
        if targets != nil {
            guard input == nil, method == nil else { throw ValidationError("--targets replaces the cohort: give no COHORT.csv and no --method") }
            guard region != nil else { throw ValidationError("--targets needs --region") }
        } else {
            guard input != nil, time != nil, event != nil else { throw ValidationError("give COHORT.csv with --time COL and --event COL (or --targets TABLE.csv)") }
            guard let m = method, RecalibrationMethod(rawValue: m) != nil else { throw ValidationError("--method takes large, slope or baseline") }
        }
    }

    func run() throws {
        let source = targets ?? input!
        let outputs: RunOutputs
        do {
            outputs = try RunOutputs(inputs: [.init(targets == nil ? "the cohort" : "--targets", source)], outputs: [.init("--output", output)])
        } catch {
            throw fail(error.description, exitStatus(for: error))
        }
        RunOutputs.removeTemporaryFilesOnInterrupt()
        defer { outputs.discard() }
        let lib: ModelLibrary
        do { lib = try library.library() } catch { throw fail(error.description, Exit.configError) }
        let parent: CompiledModel
        do { parent = try lib.model(model) } catch { throw fail(error.description, exitStatus(for: error)) }
        let rules: FlagRules
        do { rules = try FlagRules.bundled() } catch { throw fail(error.description, Exit.configError) }
        let parameters: RunParameters
        do { parameters = try RunParameters(params) } catch { throw fail(error.description, exitStatus(for: error)) }
        let data: CohortColumns
        do { data = try CohortColumns.load(path: source) } catch {
            if case .cannotRead = error { throw fail(error.description, Exit.noInput) }
            throw fail(error.description, Exit.dataError)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let derivations: [Derivation]
        do { derivations = try lib.derivations } catch { throw fail(error.description, Exit.configError) }
        let context = ScoringContext(derivations: derivations, parameters: parameters, flags: rules, tables: lib.tables)
        let request = RecalibrationRequest(
            method: RecalibrationMethod(rawValue: method ?? "large") ?? .large, horizon: horizon, timeColumn: time ?? "",
            eventColumn: event ?? "", region: region, column: column, id: id, date: formatter.string(from: Date()), engine: EngineInfo.version)
        let result: RecalibrationResult
        do {
            if targets != nil {
                result = try TargetsRecalibration.run(model: parent, table: data, request: request, context: context)
            } else {
                result = try RecalibrationRun.run(model: parent, cohort: data, request: request, context: context)
            }
        } catch {
            throw fail(error.description, Self.status(error))
        }
        FileHandle.standardError.write(Data(Self.summary(result, targets: targets != nil).utf8))
        do { try outputs.write([(output, result.json)]) } catch {
            throw fail(error.description, exitStatus(for: error))
        }
    }

    static func summary(_ r: RecalibrationResult, targets: Bool) -> String {
        if targets { return "riskengine recalibrate: \(r.definition.id), scales fitted on \(r.n) target rows\n" }
        return "riskengine recalibrate: \(r.definition.id): a = \(r.a), b = \(r.b), scale \(r.scale.rawValue); rows used \(r.n), events \(r.events), not scorable \(r.excluded); "
            + "observed \(r.observedRisk), expected before \(r.expectedBefore), after \(r.expectedAfter)\n"
    }

    static func status(_ e: RecalibrationError) -> Int32 {
        switch e {
        case .unsupportedModel, .noRiskOutcome, .unknownColumn, .horizonMismatch, .baselineOnCombinedOutcome, .badRegion: Exit.usage
        case .cohort(.cannotRead): Exit.noInput
        case .cohort(.scoring(let b)): exitStatus(for: b)
        case .cohort, .validation, .noScorableRows, .notBracketed, .targets: Exit.dataError
        case .rejectedByLoader, .verificationFailed, .logitFitFailed, .followUpEndsBeforeHorizon: Exit.dataError
        }
    }
}
