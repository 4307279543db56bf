import ArgumentParser
import Foundation
import RiskAlerts
import RiskBatch
import RiskModels

/// `riskengine alerts`: area-level signals (EARS C1–C3, Rogerson CUSUM, Farrington flexible) on
/// counts per area and period. Parsing only; the work is `AlertsRun.run` (RiskBatch) over
/// RiskAlerts' aggregation and detectors.
struct Alerts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count rows per area and period and detect rises (EARS C1-C3, CUSUM, Farrington), as R surveillance 1.20 defines them.")

    @Argument(help: "Scored CSV (any CSV with the named columns), or - for standard input.") var input: String
    @Option(name: .long, help: "Area column (e.g. commune).") var area: String?
    @Option(name: .long, help: "Date column (yyyy-mm-dd, yyyymmdd or dd/mm/yyyy).") var date: String?
    @Option(name: .long, help: "Period: week (ISO YYYY-Www), month (YYYY-MM) or quarter (YYYY-Qn).") var period: String = "month"
    @Flag(name: .long, help: "INPUT is a series: columns area,period,count[,population].") var series = false
    @Option(name: .long, help: "Alert rule file (riskengine.rules/1): one indicator per rule, counting the rows where it fires (computed from the columns, instead of reading the flags column).")
    var rules: String?
    @Option(name: .long, help: "NAME=EXPR: an indicator counting rows where EXPR (the alert-rule language over the columns) holds (repeatable).")
    var count: [String] = []
    @Option(name: .long, help: "Risk column: adds share and mean risk to the aggregate.") var risk: String?
    @Option(name: .long, help: "Methods, comma-separated: ears_c1,ears_c2,ears_c3,cusum,farrington.")
    var method: String = AlertMethod.allCases.map(\.rawValue).joined(separator: ",")
    @Option(name: .long, help: "Write the alerts CSV here (- for standard output).") var output: String?
    @Option(name: .long, help: "Write the aggregate CSV here.") var aggregate: String?
    @Option(name: .long, help: "Write the alerts and the run's settings as JSON here.") var json: String?
    @Option(name: .long, help: "Aggregate: counts under N are written empty and marked suppressed.") var suppress: Double = 5

    @Option(name: .customLong("ears-baseline"), help: "EARS reference window (periods, at least 3).") var earsBaseline = 7
    @Option(name: .customLong("ears-alpha"), help: "EARS alpha, one for C1, C2 and C3.") var earsAlpha = 0.001
    @Option(name: .customLong("cusum-baseline"), help: "CUSUM: periods whose mean is theta0.") var cusumBaseline = 12
    @Option(name: .customLong("cusum-shift"), help: "CUSUM: theta1 = theta0 + shift * sqrt(theta0).") var cusumShift = 1.0
    @Option(name: [.customLong("cusum-arl0"), .customLong("arl0")], help: "CUSUM: in-control ARL for the h search.") var arl0 = 100.0
    @Option(name: .customLong("cusum-k"), help: "CUSUM: reference value k (one decimal) instead of findK.") var cusumK: Double?
    @Option(name: .customLong("cusum-h"), help: "CUSUM: decision interval h (one decimal) instead of the ARL search.") var cusumH: Double?
    @Option(name: .customLong("farrington-b"), help: "Farrington: years back.") var farringtonB = 3
    @Option(name: .customLong("farrington-w"), help: "Farrington: half-width of the reference windows.") var farringtonW = 2
    @Option(name: .customLong("farrington-alpha"), help: "Farrington: alpha of the threshold.") var farringtonAlpha = 0.05
    @Option(name: .customLong("farrington-no-periods"), help: "Farrington: factor levels (noPeriods).") var farringtonNoPeriods = 10
    @Option(name: .customLong("farrington-past-periods-not-included"), help: "Farrington: recent periods left out of the fit.")
    var farringtonPast = 6
    @Option(name: .customLong("farrington-weights-threshold"), help: "Farrington: Anscombe residual threshold for reweighting.")
    var farringtonWeightsThreshold = 2.58
    @Flag(name: .customLong("farrington-no-reweight"), help: "Farrington: do not downweight past outbreaks.") var farringtonNoReweight = false
    @Flag(name: .customLong("farrington-no-trend"), help: "Farrington: no time trend.") var farringtonNoTrend = false
    @Option(name: .customLong("farrington-trend-p"), help: "Farrington: p-value threshold to keep the trend.") var farringtonTrendP = 0.05
    @Option(name: .customLong("farrington-limit54"), help: "Farrington: CASES,PERIODS: evaluate only with at least CASES in the last PERIODS.")
    var farringtonLimit54 = "5,4"
    @Option(name: .customLong("farrington-powertrans"), help: "Farrington: power transformation (reported; used by R's delta threshold only).")
    var farringtonPowertrans = "2/3"
    @Option(name: .customLong("min-count"), help: "Publish no level where fewer than N were observed.") var minCount = 0.0
    @Option(name: .long, help: "No repeat level for an area and indicator within N periods (escalations excepted).") var cooldown = 0

    func validate() throws {
        guard PeriodKind(rawValue: period) != nil else { throw ValidationError("--period must be week, month or quarter") }
        if !series {
            guard area != nil else { throw ValidationError("--area is required (or --series)") }
            guard date != nil else { throw ValidationError("--date is required (or --series)") }
        }
        for m in method.split(separator: ",") where AlertMethod(rawValue: m.trimmingCharacters(in: .whitespaces)) == nil {
            throw ValidationError("--method: unknown method (use ears_c1, ears_c2, ears_c3, cusum, farrington)")
        }
        guard earsBaseline >= 3 else { throw ValidationError("--ears-baseline must be at least 3") }
        guard earsAlpha > 0, earsAlpha < 1, farringtonAlpha > 0, farringtonAlpha < 1 else {
            throw ValidationError("alphas must lie strictly between 0 and 1")
        }
        guard cusumBaseline >= 1, arl0 > 1, cusumShift > 0 else { throw ValidationError("CUSUM options out of range") }
        guard farringtonB >= 1, farringtonW >= 0, farringtonNoPeriods >= 1, farringtonPast >= 0 else {
            throw ValidationError("Farrington options out of range")
        }
        for c in count {
            guard let eq = c.firstIndex(of: "="), !c[..<eq].isEmpty,
                  c[..<eq].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ValidationError("--count must be NAME=EXPR with NAME of letters, digits and _")
            }
        }
        if series && !count.isEmpty { throw ValidationError("--count applies to rows, not to --series") }
        guard limit54() != nil else { throw ValidationError("--farrington-limit54 must be CASES,PERIODS with PERIODS > 0") }
        guard output != nil || aggregate != nil || json != nil else {
            throw ValidationError("nothing to write: give --output, --aggregate or --json")
        }
    }

    func limit54() -> (Double, Int)? {
        let parts = farringtonLimit54.split(separator: ",")
        guard parts.count == 2, let c = Double(parts[0]), let p = Int(parts[1]), c >= 0, p > 0 else { return nil }
        return (c, p)
    }

    func run() throws {
        var options = AlertsInputOptions()
        options.areaColumn = area
        options.dateColumn = date
        options.period = PeriodKind(rawValue: period) ?? .month
        options.series = series
        options.riskColumn = risk
        for c in count {
            guard let eq = c.firstIndex(of: "=") else { continue }
            let name = String(c[..<eq])
            do {
                options.indicators.append(try AlertIndicator.counting(name, String(c[c.index(after: eq)...])))
            } catch {
                throw fail("--count \(name): \(error.description)", Exit.usage)
            }
        }
        if let rules {
            guard !series else { throw fail("--rules applies to rows, not to --series", Exit.usage) }
            let lib: ModelLibrary
            do { lib = try ModelLibrary.embedded() } catch { throw fail(error.description, Exit.configError) }
            let file: AlertRules
            do throws(RuleFileError) {
                guard let text = try? String(contentsOfFile: rules, encoding: .utf8) else {
                    throw RuleFileError.unreadable(file: rules, problem: "cannot read the file as UTF-8")
                }
                file = try AlertRules.compile(text, file: rules, columns: AlertRules.knownColumns(library: lib))
            } catch {
                throw fail(error.description, Exit.configError)
            }
            options.indicators += file.rules.map(AlertIndicator.firing)
            options.flagsColumn = ""
        }
        var settings = AlertSettings()
        settings.methods = method.split(separator: ",").compactMap { AlertMethod(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        settings.earsBaseline = earsBaseline
        settings.earsAlpha = earsAlpha
        settings.cusumBaseline = cusumBaseline
        settings.cusumShift = cusumShift
        settings.arl0 = arl0
        settings.cusumK = cusumK
        settings.cusumH = cusumH
        let limit = limit54() ?? (5, 4)
        settings.farrington = FarringtonFlexible(
            years: farringtonB, halfWindow: farringtonW, reweight: !farringtonNoReweight,
            weightsThreshold: farringtonWeightsThreshold, trend: !farringtonNoTrend, trendPValue: farringtonTrendP,
            noPeriods: farringtonNoPeriods, pastPeriodsNotIncluded: farringtonPast, alpha: farringtonAlpha,
            limitCases: limit.0, limitPeriods: limit.1, powerTransformation: farringtonPowertrans)
        settings.minCount = minCount
        settings.cooldown = cooldown
        var outputs = AlertsOutputs()
        outputs.alertsCSV = output
        outputs.aggregateCSV = aggregate
        outputs.json = json
        outputs.suppress = suppress
        let result = Result { () throws(AlertsInputError) -> AlertsSummary in
            try AlertsRun.run(input: input, options: options, settings: settings, outputs: outputs)
        }
        switch result {
        case .success(let summary):
            FileHandle.standardError.write(Data(AlertsReport.render(summary).utf8))
        case .failure(let e):
            throw fail(e.description, Self.exitCode(e))
        }
    }

    static func exitCode(_ e: AlertsInputError) -> Int32 {
        switch e {
        case .input(let b): return exitStatus(for: b)
        case .missingColumn: return Exit.usage
        case .mixedPeriodKinds: return Exit.dataError
        }
    }
}

/// The stderr summary of an alerts run: counts only.
enum AlertsReport {
    static func render(_ s: AlertsSummary) -> String {
        var out = "alerts: \(s.rows) rows counted; \(s.areas) areas × \(s.periods) periods × \(s.indicators) indicators\n"
        if s.skipped.total > 0 {
            out += "alerts: \(s.skipped.total) rows not counted: \(s.skipped.unparseableDate) with an unparseable date or period, "
                + "\(s.skipped.emptyArea) with an empty area, \(s.skipped.unparseableCount) with an unparseable count\n"
        }
        out += "alerts: published levels (area × indicator × period): "
            + [SignalLevel.watch, .warning, .alert].map { "\($0.rawValue) \(s.published[$0] ?? 0)" }.joined(separator: ", ") + "\n"
        return out
    }
}
