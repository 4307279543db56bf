import Foundation
import RiskCore
import RiskAlerts
import RiskBatch
import RiskModels


/// The run manifest (JSON beside the output): enough to reproduce the run exactly and to see
/// what it did. Holds counts, checksums and options — no identifiers, no cell values.
struct RunManifest: Encodable {
    struct ModelEntry: Encodable {
        let id: String
        let version: String
        let file: String
        let sha256: String
    }
    struct MappingEntry: Encodable {
        let id: String
        let version: String
        let file: String
        let sha256: String
    }
    /// One input file and its checksum.
    struct InputFile: Encodable {
        let path: String
        let sha256: String
        let bytes: Int
    }
    let engine: String
    let arguments: [String]
    let input: [String: String]
    /// Every input file read (claim XML runs: each file's SHA-256), omitted for a CSV run.
    let inputFiles: [InputFile]?
    let output: String
    let rejects: String?
    let rowsRead: Int
    let rowsWritten: Int
    let blankLines: Int
    let malformedRows: Int
    let dialect: [String: String]
    let mapping: MappingEntry?
    let parameters: [String: String]
    let unitDetection: [String: Int]
    let unitConversions: [String: Int]
    let models: [ModelEntry]
    let statusCounts: [String: [String: Int]]
    let flags: [String: Int]
    /// The alert rule file (nil with --no-rules) and its parameters after overrides.
    let alertRules: AlertRulesEntry?
    struct AlertRulesEntry: Encodable {
        let file: String
        let version: String
        let sha256: String
        let parameters: [String: Double]
    }
    let pseudonymised: Bool
    let droppedColumns: [String]
    let pseudonymisedColumns: [String]
    let problemsInRejects: Int

    init(
        summary s: RunSummary, options: ScoreOptions, models: [CompiledModel], input: String, output: String, rejects: String?,
        arguments: [String], inputFiles: [InputFile]? = nil
    ) {
        self.inputFiles = inputFiles
        func sha(_ text: String) -> String { Checksum.sha256Hex(text) }
        engine = EngineInfo.version
        self.arguments = arguments
        self.input = ["path": input, "sha256": s.inputSHA256, "bytes": String(s.inputBytes)]
        self.output = output
        self.rejects = rejects
        rowsRead = s.rowsRead
        rowsWritten = s.rowsWritten
        blankLines = s.blankLines
        malformedRows = s.malformedRows
        dialect = ["delimiter": s.delimiter, "decimal": s.decimalComma ? "comma" : "dot", "units": options.unitsAuto ? "auto" : "declared"]
        mapping = options.mapping.map { MappingEntry(id: $0.id, version: $0.version, file: $0.file, sha256: sha($0.text)) }
        parameters = options.parameters.text
        unitDetection = s.unitSuspects
        unitConversions = s.unitConversions
        self.models = models.map { m in
            let text = m.sourceText ?? (try? JSONEncoder().encode(m.definition)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            return ModelEntry(id: m.id, version: m.definition.version, file: m.file, sha256: sha(text))
        }
        var counts: [String: [String: Int]] = [:]
        for (k, id) in s.modelIDs.enumerated() { counts[id] = s.statusCounts[k] }
        statusCounts = counts
        flags = s.flagCounts
        alertRules = options.alertRules.map { AlertRulesEntry(file: $0.file, version: $0.version, sha256: sha($0.sourceText), parameters: $0.parameters) }
        pseudonymised = options.pseudonymisationKey != nil
        droppedColumns = s.droppedColumns
        pseudonymisedColumns = s.pseudonymisedColumns
        problemsInRejects = s.rejectedProblems
    }

    /// The manifest as JSON bytes (sorted keys, indented).
    func encoded() throws(BatchError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            return [UInt8](try encoder.encode(self))
        } catch {
            throw .writeFailed(reason: "the run manifest could not be encoded")
        }
    }
}
