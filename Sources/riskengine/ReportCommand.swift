import ArgumentParser
import Foundation
import RiskAlerts
import RiskBatch
import RiskCore
import RiskModels
import RiskReport

/// `riskengine report`: one self-contained HTML page of aggregates from a scored CSV (and an
/// alerts file). Parsing and calling only; the work is in RiskReport.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report (aggregates and charts, no identifiers) of a scored CSV.",
        discussion: "Reads any CSV with risk columns <model>_<outcome>_<horizon>y, age and sex (and <model>_status, flags and the area column when present). Counts below 5 are shown as <5.")

    @Argument(help: "Scored CSV (e.g. the output of 'riskengine score'), or - for standard input.")
    var input: String

    @Option(name: .long, help: "Alerts CSV of 'riskengine alerts' (area,period,indicator,method,observed,expected,upperbound,alarm,level).")
    var alerts: String?

    @Option(name: .long, help: "Validation JSON of 'riskengine validate' (repeatable): a validation section compares the models (C, calibration, Brier with intervals, calibration plots, deciles).")
    var validation: [String] = []

    @Option(name: .long, help: "Area column of the input (e.g. commune).")
    var area: String?

    @Option(name: [.short, .long], help: "Output HTML file.")
    var output: String

    @Option(name: .long, help: "Language of the labels: vi or en.")
    var lang: String = "vi"

    func validate() throws {
        guard ReportLanguage(rawValue: lang) != nil else { throw ValidationError("--lang takes vi or en") }
        if alerts == "-" { throw ValidationError("--alerts needs a file (it is read twice)") }
    }

    func run() throws {
        // The page is checked against every input first, written beside its target and renamed
        // at the end.
        let outputs: RunOutputs
        do {
            outputs = try RunOutputs(
                inputs: [.init("the input", input)] + (alerts.map { [.init("--alerts", $0)] } ?? [])
                    + validation.map { .init("--validation", $0) },
                outputs: [.init("--output", output)])
        } catch {
            throw fail(error.description, exitStatus(for: error))
        }
        RunOutputs.removeTemporaryFilesOnInterrupt()
        defer { outputs.discard() }
        let lib: ModelLibrary
        let flagRules: FlagRules
        do {
            lib = try ModelLibrary.embedded()
            flagRules = try FlagRules.bundled()
        } catch {
            throw fail("\(error)", Exit.configError)
        }
        var ruleTexts: [String: ReportRuleText] = [:]
        if let rules = try? AlertRules.bundled(columns: AlertRules.knownColumns(library: lib)) {
            for r in rules.rules {
                ruleTexts[r.id] = ReportRuleText(level: r.level.rawValue, english: r.reasonEnglish, vietnamese: r.reasonVietnamese)
            }
        }
        var citations: [String: ReportCitation] = [:]
        for e in lib.entries {
            citations[e.id] = ReportCitation(model: e.id, title: e.title, reference: e.reference, doi: e.doi)
        }
        do {
            let data = try ReportData.read(
                path: input, areaColumn: area, knownModels: lib.ids,
                bandBounds: flagRules.riskBands.bands.compactMap(\.below), bandCodes: flagRules.riskBands.bands.map(\.code))
            let alertData = try alerts.map { path throws(ReportError) in try AlertData.read(path: path) }
            var validations: [ValidationSummary] = []
            for path in validation { validations.append(try ValidationSummary.read(path: path)) }
            var report = HTMLReport(
                data: data, alerts: alertData, language: ReportLanguage(rawValue: lang)!, citations: citations,
                ruleTexts: ruleTexts, qrisk3Disclaimer: QRISK3Notice.text
            )
            report.validations = validations
            let page = report.render()
            do { try outputs.write([(output, page)]) } catch {
                throw ReportError.cannotWrite(path: output, reason: error.description)
            }
        } catch let e as ReportError {
            switch e {
            case .cannotOpen: throw fail(e.description, Exit.noInput)
            case .cannotWrite: throw fail(e.description, Exit.cannotCreate)
            case .emptyInput, .missingColumn, .noRiskColumns, .notValidation: throw fail(e.description, Exit.dataError)
            case .areaLooksIdentifying: throw fail(e.description, Exit.usage)
            }
        }
    }
}
