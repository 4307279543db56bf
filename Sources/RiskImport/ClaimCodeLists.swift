// Code lists as data: Models/codelists/xml130_labs.csv (MA_CHI_SO codes and TEN_CHI_SO spellings →
// canonical lab field) and Models/codelists/xml130_drugs.csv (ATC classes and MA_THUOC codes, then
// ingredient, brand and combination names in TEN_THUOC → antihypertensive / statin). Format: CSV with a header, `#` comment lines,
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
        /// An ATC class (prefix, upper case) matched against MA_THUOC parts written as ATC codes.
        var atc: String? = nil
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
            if c[1] == "atc" {
                let prefix = c[2].uppercased()
                guard Self.isATC(prefix) else { throw .codeList(path: drugsPath, line: line, problem: "not an ATC class") }
                drugs.append(DrugRule(group: group, code: nil, words: [], atc: prefix))
                continue
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
            throw .codeList(path: path, line: line, problem: "match must be code or name (drugs: also atc)")
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

    /// Whether `s` has the shape of an ATC code of level 1 to 5 (`C`, `C09`, `C09D`, `C09DB`, `C09DB01`).
    static func isATC(_ s: String) -> Bool {
        let b = Array(s.utf8)
        func letter(_ i: Int) -> Bool { b[i] >= 0x41 && b[i] <= 0x5A }
        func digit(_ i: Int) -> Bool { b[i] >= 0x30 && b[i] <= 0x39 }
        switch b.count {
        case 1: return letter(0)
        case 3: return letter(0) && digit(1) && digit(2)
        case 4: return letter(0) && digit(1) && digit(2) && letter(3)
        case 5: return letter(0) && digit(1) && digit(2) && letter(3) && letter(4)
        case 7: return letter(0) && digit(1) && digit(2) && letter(3) && letter(4) && digit(5) && digit(6)
        default: return false
        }
    }

    /// The groups an XML2 record belongs to: MA_THUOC parts (split at `+`) written as ATC codes, by
    /// the ATC classes of the list; MA_THUOC parts equal to a listed code; and whole words of
    /// TEN_THUOC equal to a listed ingredient, brand or combination name. The union is taken, so a
    /// combination product counts in every group one of its parts belongs to.
    func drugGroups(code: String, name: String) -> Set<DrugGroup> {
        var out = Set<DrugGroup>()
        let parts = Set(code.split(separator: "+").map { $0.trimmingCharacters(in: .whitespaces).uppercased() })
        let atcParts = parts.filter { Self.isATC($0) && $0.utf8.count == 7 }
        let words = ClaimValues.words(name)
        for rule in drugRules {
            if let prefix = rule.atc {
                if atcParts.contains(where: { $0.hasPrefix(prefix) }) { out.insert(rule.group) }
            } else if let c = rule.code {
                if parts.contains(c) { out.insert(rule.group) }
            } else if ClaimValues.contains(words, rule.words) {
                out.insert(rule.group)
            }
        }
        return out
    }
}
