// `riskengine validate`: thin edge over RiskValidation (figures) and RiskBatch (cohort columns,
// in-memory scoring with a library model).
import ArgumentParser
import Foundation
import RiskAlerts
import RiskBatch
import RiskFitting
import RiskModels
import RiskValidation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate predicted risks against observed follow-up in a cohort (C, calibration, Brier, AUC, net benefit).",
        discussion: """
            Reads a whole cohort CSV. Predictions come from a column (--pred, percent by default), from a library model (--model), or from a model fitted on the cohort itself (--fit-terms, with --family, --ties, --strata, --weights as in riskengine fit; the figures are then apparent; --by reports them per subgroup, the optimism correction is for the whole cohort). Writes the figures as JSON (standard output by default); --bootstrap adds percentile intervals for every figure, --by a report per subgroup. With --fit-terms, --optimism adds Harrell's bootstrap optimism correction (refits on --bootstrap resamples): key "optimism", per figure apparent, optimism and corrected, and the refits that failed by reason.

            Example: riskengine validate cohort.csv --time time --event event --pred risk10 --horizon 10 --bootstrap 200 --seed 7 -o validation.json
            Example: riskengine validate cohort.csv --time time --event event --fit-terms 'age + male + sbp + log(total_chol) + log(hdl) + smoker + diabetes' --horizon 10 --bootstrap 200 --seed 7 --optimism -o validation.json
            """)

    @Argument(help: "Cohort CSV (comma-separated, header line).")
    var input: String

    @Option(name: .long, help: "Column with the follow-up time in years.")
    var time: String

    @Option(name: .long, help: "Column with the event indicator (1 = event, 0 = censored).")
    var event: String

    @Option(name: .long, help: "Column with the predicted risk by the horizon.")
    var pred: String?

    @Option(name: .customLong("pred-scale"), help: "Scale of --pred: percent (default) or fraction.")
    var predScale: String = "percent"

    @Option(name: .long, help: "Score the cohort with this library model instead of --pred (rows it cannot score are left out and counted).")
    var model: String?

    @Option(name: .customLong("fit-terms"), help: ArgumentHelp("Fit a model with these terms on the cohort and validate its predictions (as riskengine fit --terms).", valueName: "formula"))
    var fitTerms: String?

    @Option(name: .long, help: "With --fit-terms: cox (default) or logistic (the outcome is --event).")
    var family: String = "cox"

    @Option(name: .long, help: "With --fit-terms and Cox: efron (default) or breslow.")
    var ties: String = "efron"

    @Option(name: .long, help: "With --fit-terms and Cox: stratum column.")
    var strata: String?

    @Option(name: .long, help: "With --fit-terms: case-weight column (> 0) of the fits; the figures are unweighted.")
    var weights: String?

    @Flag(name: .long, help: "With --fit-terms and --bootstrap N: Harrell's bootstrap optimism correction from N refits.")
    var optimism = false

    @Option(name: .customLong("param"), help: ArgumentHelp("With --model: run-wide value for a canonical field, e.g. who_region=southeast_asia (repeatable); a non-empty cell wins.", valueName: "key=value"))
    var params: [String] = []

    @Option(name: .long, help: "Horizon in years.")
    var horizon: Double

    @Option(name: .long, help: "Bootstrap replicates for percentile 95% intervals (0 = none).")
    var bootstrap: Int = 0

    @Option(name: .long, help: "Seed of the bootstrap's random numbers.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Column to report subgroups by (e.g. sex, age band, area).")
    var by: String?

    @Option(name: .long, help: "Comma-separated net-benefit thresholds in percent.")
    var thresholds: String = "5,7.5,10,15,20"

    @Option(name: .long, help: "Threads for the bootstrap (default: number of cores; results do not depend on it).")
    var threads: Int?

    @Option(name: [.short, .long], help: "Output JSON file, or - for standard output.")
    var output: String = "-"

    @Option(name: .long, help: "Also write the decile table (decile,n,mean_predicted,km_observed) to this CSV file.")
    var deciles: String?

    @OptionGroup var library: LibraryOptions

    var thresholdFractions: [Double]? {
        let parts = thresholds.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0! > 0 && $0! < 100 }) else { return nil }
        return parts.map { $0! / 100 }
    }

    func validate() throws {
        guard [pred != nil, model != nil, fitTerms != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --pred COL, --model ID or --fit-terms FORMULA")
        }
        if fitTerms == nil {
            guard family == "cox", ties == "efron", strata == nil, weights == nil, !optimism else {
                throw ValidationError("--family, --ties, --strata, --weights and --optimism apply to --fit-terms only")
            }
        } else {
            guard FitRequest.Family(rawValue: family) != nil else { throw ValidationError("--family must be cox or logistic") }
            guard CoxTies(rawValue: ties) != nil else { throw ValidationError("--ties must be efron or breslow") }
            if family == "logistic" && strata != nil { throw ValidationError("--strata applies to Cox models only") }
        }
        if optimism && bootstrap < 1 { throw ValidationError("--optimism needs --bootstrap N (the number of refits)") }
        guard params.isEmpty || model != nil else { throw ValidationError("--param applies to --model only") }
        guard predScale == "percent" || predScale == "fraction" else { throw ValidationError("--pred-scale takes percent or fraction") }
        guard horizon.isFinite, horizon > 0 else { throw ValidationError("--horizon must be a positive number of years") }
        guard bootstrap >= 0 else { throw ValidationError("--bootstrap must be 0 or more") }
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
        guard thresholdFractions != nil else { throw ValidationError("--thresholds takes percentages between 0 and 100, e.g. 5,10,20") }
    }

    func run() throws {
        // Outputs are checked against the cohort and each other first, written beside their
        // targets and renamed together at the end.
        let outputs: RunOutputs
        do {
            outputs = try RunOutputs(
                inputs: [.init("the cohort", input)],
                outputs: (output == "-" ? [] : [.init("--output", output)]) + (deciles.map { [.init("--deciles", $0)] } ?? []))
        } catch {
            throw fail(error.description, exitStatus(for: error))
        }
        RunOutputs.removeTemporaryFilesOnInterrupt()
        defer { outputs.discard() }
        if let fitTerms {
            try runFitted(fitTerms, outputs: outputs)
            return
        }
        let cohort: CohortColumns
        var time: [Double], event: [Bool], risk: [Double]
        var groups: [String]?
        var excluded = 0
        do {
            cohort = try CohortColumns.load(path: input)
            time = try cohort.numbers(self.time)
            event = try cohort.events(self.event)
            groups = try by.map { try cohort.strings($0) }
            if let pred {
                let scale = predScale == "percent" ? 0.01 : 1
                risk = try cohort.numbers(pred).map { $0 * scale }
            } else {
                let lib: ModelLibrary
                do { lib = try library.library() } catch { throw fail(error.description, Exit.configError) }
                let m: CompiledModel
                do { m = try lib.model(model!) } catch { throw fail(error.description, exitStatus(for: error)) }
                let rules: FlagRules
                do { rules = try FlagRules.bundled() } catch { throw fail(error.description, Exit.configError) }
                let parameters: RunParameters
                do { parameters = try RunParameters(params) } catch { throw fail(error.description, exitStatus(for: error)) }
                let derivations: [Derivation]
                do { derivations = try lib.derivations(for: [m]) } catch { throw fail(error.description, Exit.configError) }
                let scored = try cohort.scored(with: m, derivations: derivations, parameters: parameters, flags: rules)
                let keep = scored.indices.filter { scored[$0] != nil }
                excluded = scored.count - keep.count
                time = keep.map { time[$0] }
                event = keep.map { event[$0] }
                risk = keep.map { scored[$0]! / 100 }
                groups = groups.map { g in keep.map { g[$0] } }
            }
        } catch let error as CohortError {
            throw fail(error.description, cohortExitStatus(error))
        }
        let report: ValidationReport
        do {
            let sample = try SurvivalSample(time: time, event: event, risk: risk)
            var options = ValidationOptions(horizon: horizon, bootstrap: bootstrap, seed: seed, thresholds: thresholdFractions!)
            if let threads { options.threads = threads }
            report = try ValidationReport.make(sample, options: options, groups: groups)
        } catch {
            throw fail(error.description, Exit.dataError)
        }
        var object = report.jsonObject()
        if model != nil {
            object["model"] = model!
            object["excluded_rows"] = excluded
        }
        try write(object, report: report, outputs: outputs)
    }

    /// --fit-terms: fit on the cohort, validate the apparent predictions, optionally correct for optimism.
    func runFitted(_ terms: String, outputs: RunOutputs) throws {
        var request = FitRequest(path: input, time: time, event: event, terms: terms)
        request.family = FitRequest.Family(rawValue: family) ?? .cox
        request.ties = CoxTies(rawValue: ties) ?? .efron
        request.strata = strata
        request.weights = weights
        request.requireTime = true
        let data: FitData
        do { data = try FitRun.prepare(request) } catch { throw fail(FitText.describe(error), FitText.status(error)) }
        let spec = FitSpecification(
            family: request.family == .cox ? .cox : .logistic, terms: data.formula.names, covariates: data.covariates,
            ties: request.ties, weights: data.weights, strata: data.strata)
        let time = data.time!, event = data.outcome.map { $0 == 1 }
        // --by: the group column of the rows used, read as text from the same file.
        var groups: [String]?
        if let by {
            do {
                let all = try CohortColumns.load(path: input).strings(by)
                groups = data.rows.map { all[$0] }
            } catch {
                throw fail(error.description, cohortExitStatus(error))
            }
        }
        var threadCount = ProcessInfo.processInfo.activeProcessorCount
        if let threads { threadCount = threads }
        let report: ValidationReport
        var correction: OptimismReport?
        do {
            let risk = try Optimism.apparentRisk(spec, time: time, event: event, horizon: horizon)
            var options = ValidationOptions(horizon: horizon, bootstrap: bootstrap, seed: seed, thresholds: thresholdFractions!)
            options.threads = threadCount
            report = try ValidationReport.make(try SurvivalSample(time: time, event: event, risk: risk), options: options, groups: groups)
            if optimism {
                correction = try Optimism.run(
                    spec, time: time, event: event, horizon: horizon, replicates: bootstrap, seed: seed, threads: threadCount)
            }
        } catch let error as OptimismError {
            switch error {
            case .apparentFit(let e): throw fail(FitText.describe(.fitting(e)), Exit.dataError)
            case .apparentPrediction(let e): throw fail(e.description, Exit.dataError)
            case .noReplicates: throw fail("--optimism needs --bootstrap N", Exit.usage)
            }
        } catch let error as RiskValidationError {
            throw fail(error.description, Exit.dataError)
        }
        var object = report.jsonObject()
        var fit: [String: Any] = [
            "family": family, "terms": data.formula.names, "rows_read": data.counts.read, "rows_used": data.counts.used,
            "cohort_sha256": data.sha256,
        ]
        if request.family == .cox { fit["ties"] = ties }
        if let strata { fit["strata"] = strata }
        if let weights { fit["weights"] = weights }
        object["fit"] = fit
        object["excluded_rows"] = data.counts.read - data.counts.used
        if let correction { object["optimism"] = correction.jsonObject() }
        try write(object, report: report, outputs: outputs)
    }

    func write(_ object: [String: Any], report: ValidationReport, outputs: RunOutputs) throws {
        let json: Data
        do { json = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) } catch {
            throw fail("cannot encode the report", Exit.ioError)
        }
        let text = String(decoding: json, as: UTF8.self) + "\n"
        var files: [(path: String, text: String)] = []
        if output == "-" { FileHandle.standardOutput.write(Data(text.utf8)) } else { files.append((output, text)) }
        if let deciles { files.append((deciles, report.decilesCSV())) }
        do { try outputs.write(files) } catch {
            throw fail(error.description, exitStatus(for: error))
        }
    }

    func cohortExitStatus(_ error: CohortError) -> Int32 {
        switch error {
        case .cannotRead: Exit.noInput
        case .scoring(let e): exitStatus(for: e)
        case .emptyInput, .missingColumn, .raggedRow, .notANumber, .notAnEvent, .noRiskColumn: Exit.dataError
        }
    }
}
