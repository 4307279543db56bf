import ArgumentParser
import Foundation
import RiskBatch
import RiskFitting

/// `riskengine fit`: fit a Cox or logistic model on a cohort CSV.
struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a Cox proportional-hazards or logistic model on a cohort CSV.",
        discussion: "Prints the coefficients; --summary writes the fit as JSON. Rows with a missing or non-numeric needed cell, a non-finite term (log of a value <= 0), a time <= 0, an event other than 0/1 or a weight <= 0 are left out and counted on standard error.")

    @Argument(help: "Cohort CSV (header row; numeric cells).") var cohort: String
    @Option(name: .long, help: "Follow-up time column (Cox).") var time: String?
    @Option(name: .long, help: "Event column, 0/1 (the outcome for --family logistic).") var event: String
    @Option(name: .long, help: ArgumentHelp("Terms of the linear predictor, e.g. 'age + male + log(hdl) + age:smoker'.", valueName: "formula")) var terms: String
    @Option(name: .long, help: "cox or logistic.") var family: String = "cox"
    @Option(name: .long, help: "Tie handling for Cox: efron or breslow.") var ties: String = "efron"
    @Option(name: .long, help: "Stratum column (Cox): separate baseline hazards.") var strata: String?
    @Option(name: .long, help: "Case-weight column (> 0); robust standard errors are reported too.") var weights: String?
    @Option(name: .long, help: ArgumentHelp("Horizons for the baseline cumulative hazard, in the time unit.", valueName: "5,10")) var horizons: String = "5,10"
    @Option(name: .long, help: "Write the fit summary (JSON) here.") var summary: String?
    @Option(name: .long, help: "Write the fitted Cox model as a model file (for score --models-dir); terms must use canonical fields.") var output: String?
    @Option(name: .customLong("model-id"), help: "Id of the model written by --output (snake_case).") var modelID: String = "fitted_cox"

    func validate() throws {
        guard FitRequest.Family(rawValue: family) != nil else { throw ValidationError("--family must be cox or logistic") }
        guard CoxTies(rawValue: ties) != nil else { throw ValidationError("--ties must be efron or breslow") }
        if family == "cox" && time == nil { throw ValidationError("--time is needed for a Cox model") }
        if family == "logistic" && strata != nil { throw ValidationError("--strata applies to Cox models only") }
        guard modelID.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil else {
            throw ValidationError("--model-id must be snake_case: a lowercase letter, then lowercase letters, digits or _")
        }
        guard parsedHorizons() != nil else { throw ValidationError("--horizons must be positive numbers separated by commas, e.g. 5,10") }
    }

    func parsedHorizons() -> [Double]? {
        let parts = horizons.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return parts.compactMap { $0 }
    }

    func run() throws {
        var request = FitRequest(path: cohort, time: time, event: event, terms: terms)
        request.family = FitRequest.Family(rawValue: family) ?? .cox
        request.ties = CoxTies(rawValue: ties) ?? .efron
        request.strata = strata
        request.weights = weights
        request.horizons = parsedHorizons() ?? []
        // Outputs are checked against the cohort and each other first, written beside their
        // targets and renamed together at the end.
        let outputs: RunOutputs
        do {
            outputs = try RunOutputs(
                inputs: [.init("the cohort", cohort)],
                outputs: (output.map { [.init("--output", $0)] } ?? []) + (summary.map { [.init("--summary", $0)] } ?? []))
        } catch {
            throw fail(error.description, exitStatus(for: error))
        }
        RunOutputs.removeTemporaryFilesOnInterrupt()
        defer { outputs.discard() }
        let outcome: FitOutcome
        do {
            outcome = try FitRun.run(request)
        } catch {
            throw fail(FitText.describe(error), FitText.status(error))
        }
        FileHandle.standardError.write(Data(FitText.counts(outcome.counts).utf8))
        print(FitText.table(outcome), terminator: "")
        var modelText: String?
        if output != nil {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            do {
                modelText = try FittedModelFile.json(
                    outcome, request: request, id: modelID, date: formatter.string(from: Date()), engine: EngineInfo.version)
            } catch {
                throw fail(FitText.describe(error), Exit.dataError)
            }
        }
        var files: [(path: String, text: String)] = []
        if let output, let modelText { files.append((output, modelText)) }
        if let summary { files.append((summary, outcome.summaryJSON)) }
        do { try outputs.write(files) } catch {
            throw fail(error.description, exitStatus(for: error))
        }
    }
}

/// Text rendering of fit results and errors (the edge).
enum FitText {
    static func status(_ e: FitRunError) -> Int32 {
        switch e {
        case .batch(let b): riskengine.exitStatus(for: b)
        case .fitting(.invalidFormula): Exit.usage
        case .fitting, .absentColumn, .noRows: Exit.dataError
        }
    }

    static func describe(_ e: FitRunError) -> String {
        switch e {
        case .batch(let b): return b.description
        case .absentColumn(let option, let column): return "\(option): the cohort has no column '\(column)'"
        case .noRows: return "no usable rows are left after exclusions"
        case .fitting(let f):
            switch f {
            case .invalidFormula(let pos, let reason):
                let why: String
                switch reason {
                case .emptyTerm: why = "an empty term"
                case .unknownFunction(let fn): why = "unknown function '\(fn)' (log, hinge and hinge_below are supported)"
                case .badArguments(let fn): why = "\(fn)() needs a column and a numeric knot, e.g. \(fn)(sbp, 140)"
                case .unbalancedParenthesis: why = "unbalanced parentheses"
                case .duplicateTerm(let t): why = "term '\(t)' written twice"
                }
                return "--terms: \(why) near character \(pos + 1)"
            case .absentColumn(let term, let column): return "term '\(term)': the cohort has no column '\(column)'"
            case .collinear(let term): return "term '\(term)' is collinear with earlier terms (aliased) or constant; remove it"
            case .separation(let term):
                return "term '\(term)': separation (its coefficient diverges: the outcome is perfectly predicted by it); the estimate would be infinite"
            case .notConverged(let iterations, let term):
                return "no convergence after \(iterations) iterations; term '\(term)' was still moving"
            case .noEvents: return "the cohort has no events (or, for logistic, only one outcome)"
            case .invalidInput(let p):
                switch p {
                case .lengthMismatch: return "internal: columns of unequal length"
                case .nonFiniteValue(let term): return "term '\(term)' has a non-finite value"
                case .nonPositiveWeight: return "weights must be > 0"
                case .nonPositiveTime: return "times must be > 0"
                case .nonBinaryOutcome: return "the event must be 0 or 1"
                }
            }
        }
    }

    static func describe(_ e: FittedModelError) -> String {
        switch e {
        case .notCanonical(let term, let column):
            return "--output: term '\(term)' uses column '\(column)', a canonical field that is not numeric or 0/1 (a category, code or date); rename the cohort's column to use it as a local column"
        case .unsupportedFit: return "--output: only Cox and logistic fits can be written as model files"
        case .unsupportedStrata(let column):
            return "--output: the strata column '\(column)' must hold whole numbers from 0 to 63 (or be a canonical 0/1 field) to be written as model strata"
        case .nonIntegerHorizon: return "--output: horizons must be whole years"
        case .rejectedByLoader(let why): return "--output: the generated model file was rejected: \(why)"
        }
    }

    static func counts(_ c: FitCounts) -> String {
        var parts = ["\(c.read) rows read", "\(c.used) used"]
        if c.malformed > 0 { parts.append("\(c.malformed) malformed") }
        for (k, v) in c.invalidCell.sorted(by: { $0.key < $1.key }) { parts.append("\(v) missing or invalid '\(k)'") }
        for (k, v) in c.termNotFinite.sorted(by: { $0.key < $1.key }) { parts.append("\(v) non-finite '\(k)'") }
        if c.timeNotPositive > 0 { parts.append("\(c.timeNotPositive) time <= 0") }
        if c.eventNotBinary > 0 { parts.append("\(c.eventNotBinary) event not 0/1") }
        if c.weightNotPositive > 0 { parts.append("\(c.weightNotPositive) weight <= 0") }
        return "riskengine fit: " + parts.joined(separator: ", ") + "\n"
    }

    static func table(_ o: FitOutcome) -> String {
        let names: [String]
        let coef: [Double]
        let se: [Double]
        var robust: [Double]? = nil
        var lines: [String] = []
        if let f = o.cox {
            names = f.terms
            coef = f.coefficients
            se = f.standardErrors
            robust = f.robustStandardErrors
            lines.append("Cox (\(f.ties.rawValue)): n = \(f.n), events = \(f.events), iterations = \(f.iterations)")
            lines.append(String(format: "log partial likelihood %.6f (β = 0: %.6f)", f.loglikFinal, f.loglikInitial))
        } else if let f = o.logistic {
            names = f.names
            coef = f.coefficients
            se = f.standardErrors
            lines.append("Logistic: n = \(f.n), events = \(f.events), iterations = \(f.iterations)")
            lines.append(String(format: "deviance %.6f, null deviance %.6f, AIC %.4f", f.deviance, f.nullDeviance, f.aic))
        } else {
            return ""
        }
        let width = max(4, names.map(\.count).max() ?? 4)
        func pad(_ s: String) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
        lines.append(pad("term") + "  coefficient           se" + (robust != nil ? "    robust se" : "") + "        z")
        for i in names.indices {
            var line = pad(names[i]) + String(format: "  %11.6f  %11.6f", coef[i], se[i])
            if let robust { line += String(format: "  %11.6f", robust[i]) }
            line += String(format: "  %7.2f", coef[i] / se[i])
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
