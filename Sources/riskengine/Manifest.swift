import Crypto
import Foundation
import RiskBatch
import RiskModels

/// The version written into run manifests.
let engineVersion = "0.1.0"

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
    let engine: String
    let arguments: [String]
    let input: [String: String]
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
    let pseudonymised: Bool
    let droppedColumns: [String]
    let problemsInRejects: Int

    init(summary s: RunSummary, options: ScoreOptions, models: [CompiledModel], input: String, output: String, rejects: String?, arguments: [String]) {
        func sha(_ text: String) -> String { SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined() }
        engine = engineVersion
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
        pseudonymised = options.pseudonymisationKey != nil
        droppedColumns = s.droppedColumns
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
