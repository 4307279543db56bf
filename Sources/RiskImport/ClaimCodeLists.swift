// Code lists as data: Models/codelists/xml130_labs.csv (MA_CHI_SO codes and TEN_CHI_SO spellings →
// canonical lab field) and Models/codelists/xml130_drugs.csv (MA_THUOC codes and active-ingredient
// names in TEN_THUOC → antihypertensive / statin). Format: CSV with a header, `#` comment lines,
// read by the shared CSV tokenizer (RiskCore `CSV`), so a term may be quoted.
import Foundation
import RiskCore
import RiskModelCatalog

/// The lab and drug code lists an import matches against.
public struct ClaimCodeLists: Sendable {
    struct LabRule: Sendable {
        let code: String?  // upper-cased MA_CHI_SO
        let words: [String]  // folded TEN_CHI_SO words
        let field: LabField?  // nil: ignore
        let unit: LabUnit?
    }

    enum DrugGroup: String, Sendable {
        case antihypertensive
        case statin
    }

    struct DrugRule: Sendable {
        let group: DrugGroup
        let code: String?
        let words: [String]
    }

    let labRules: [LabRule]
    let drugRules: [DrugRule]

    public static let labsPath = "codelists/xml130_labs.csv"
    public static let drugsPath = "codelists/xml130_drugs.csv"

    /// Code lists from CSV text (same format as the embedded files).
    public init(labsCSV: String, drugsCSV: String, labsPath: String = ClaimCodeLists.labsPath, drugsPath: String = ClaimCodeLists.drugsPath) throws(ClaimImportError) {
        var labs: [LabRule] = []
        for row in try Self.rows(labsCSV, path: labsPath, columns: ["match", "term", "field", "unit"]) {
            let (line, c) = row
            let field: LabField?
            if c[2] == "ignore" {
                field = nil
            } else if let f = LabField(rawValue: c[2]) {
                field = f
            } else {
                throw .codeList(path: labsPath, line: line, problem: "unknown field \(c[2])")
            }
            var unit: LabUnit?
            if !c[3].isEmpty {
                guard c[0] == "code", let f = field, let u = LabUnit.parse(c[3]), f.units.contains(u) else {
                    throw .codeList(path: labsPath, line: line, problem: "unit \(c[3]) is not a unit of \(c[2]) or not on a code rule")
                }
                unit = u
            }
            labs.append(try Self.rule(c[0], c[1], path: labsPath, line: line) { code, words in
                LabRule(code: code, words: words, field: field, unit: unit)
            })
        }
        var drugs: [DrugRule] = []
        for row in try Self.rows(drugsCSV, path: drugsPath, columns: ["group", "match", "term", "atc"]) {
            let (line, c) = row
            guard let group = DrugGroup(rawValue: c[0]) else {
                throw .codeList(path: drugsPath, line: line, problem: "unknown group \(c[0])")
            }
            drugs.append(try Self.rule(c[1], c[2], path: drugsPath, line: line) { code, words in
                DrugRule(group: group, code: code, words: words)
            })
        }
        self.labRules = labs
        self.drugRules = drugs
    }

    private static let cached: Result<ClaimCodeLists, ClaimImportError> = {
        func text(_ path: String) -> String? { ModelCatalog.files.first { $0.path == path }?.text }
        guard let labs = text(labsPath) else { return .failure(.codeList(path: labsPath, line: 0, problem: "not embedded")) }
        guard let drugs = text(drugsPath) else { return .failure(.codeList(path: drugsPath, line: 0, problem: "not embedded")) }
        do throws(ClaimImportError) {
            return .success(try ClaimCodeLists(labsCSV: labs, drugsCSV: drugs))
        } catch {
            return .failure(error)
        }
    }()

    /// The lists embedded from the package's Models/codelists/ folder (read once).
    public static func embedded() throws(ClaimImportError) -> ClaimCodeLists {
        try cached.get()
    }

    private static func rule<R>(
        _ match: String, _ term: String, path: String, line: Int, make: (String?, [String]) -> R
    ) throws(ClaimImportError) -> R {
        switch match {
        case "code":
            let code = term.trimmingCharacters(in: .whitespaces).uppercased()
            guard !code.isEmpty else { throw .codeList(path: path, line: line, problem: "empty code") }
            return make(code, [])
        case "name":
            let words = ClaimValues.words(term)
            guard !words.isEmpty else { throw .codeList(path: path, line: line, problem: "empty name") }
            return make(nil, words)
        default:
            throw .codeList(path: path, line: line, problem: "match must be code or name")
        }
    }

    /// Data lines as (1-based line number, cells), after checking the header.
    private static func rows(_ text: String, path: String, columns: [String]) throws(ClaimImportError) -> [(Int, [String])] {
        var out: [(Int, [String])] = []
        var sawHeader = false
        for (i, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            var cells = (CSV.records(Array(line.utf8)).first?.fields ?? []).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            if !sawHeader {
                guard cells == columns else {
                    throw .codeList(path: path, line: i + 1, problem: "header must be " + columns.joined(separator: ","))
                }
                sawHeader = true
                continue
            }
            guard cells.count <= columns.count else {
                throw .codeList(path: path, line: i + 1, problem: "more than \(columns.count) cells")
            }
            while cells.count < columns.count { cells.append("") }
            out.append((i + 1, cells))
        }
        guard sawHeader else { throw .codeList(path: path, line: 0, problem: "no header") }
        return out
    }

    /// The lab field of an XML4 record: by MA_CHI_SO first, then by TEN_CHI_SO. `.some(nil)` means
    /// matched and ignored; nil means not a lab this importer uses.
    func labRule(code: String, name: String) -> LabRule? {
        let upper = code.trimmingCharacters(in: .whitespaces).uppercased()
        if !upper.isEmpty, let rule = labRules.first(where: { $0.code == upper }) { return rule }
        let words = ClaimValues.words(name)
        guard !words.isEmpty else { return nil }
        return labRules.first { $0.code == nil && ClaimValues.contains(words, $0.words) }
    }

    /// The groups an XML2 record belongs to, by MA_THUOC (each `+` part) or by words of TEN_THUOC.
    func drugGroups(code: String, name: String) -> Set<DrugGroup> {
        var out = Set<DrugGroup>()
        let parts = Set(code.split(separator: "+").map { $0.trimmingCharacters(in: .whitespaces).uppercased() })
        let words = ClaimValues.words(name)
        for rule in drugRules {
            if let c = rule.code {
                if parts.contains(c) { out.insert(rule.group) }
            } else if ClaimValues.contains(words, rule.words) {
                out.insert(rule.group)
            }
        }
        return out
    }
}
