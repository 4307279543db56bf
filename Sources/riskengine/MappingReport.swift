import RiskBatch
import RiskCore
import RiskModels

/// `riskengine mapping check`: which fields the export provides, which the models need and lack,
/// which columns are ambiguous, identifying or unused. Header names only, never values.
enum MappingReport {
    static func render(layout: InputLayout, mapping: Mapping, models: [CompiledModel], header: [String]) -> String {
        var s = "mapping \(mapping.id) (version \(mapping.version)), \(header.count) columns, delimiter "
        s += (layout.dialect.delimiter == 0x3B ? ";" : layout.dialect.delimiter == 0x09 ? "tab" : ",")
        s += layout.dialect.decimalComma ? ", decimal comma\n" : ", decimal dot\n"
        s += "found:\n"
        for (field, col) in layout.fieldColumns.sorted(by: { $0.value < $1.value }) {
            var line = "  \(field) ← column \(col + 1) \"\(header[col])\""
            if let r = mapping.rule(forHeader: header[col]), let c = r.conversion { line += " (converted from \(c.unit))" }
            s += line + "\n"
        }
        let found = Set(layout.fieldColumns.keys)
        var missing: [String: [String]] = [:]
        for m in models {
            for f in m.requiredFields where !found.contains(f) { missing[f, default: []].append(m.id) }
        }
        s += "missing (needed by):\n"
        for (f, ids) in missing.sorted(by: { $0.key < $1.key }) {
            s += "  \(f): \(ids.prefix(6).joined(separator: ", "))\(ids.count > 6 ? ", …" : "")\n"
        }
        if !layout.mappingNotes.isEmpty {
            s += "ambiguous:\n"
            for n in layout.mappingNotes { s += "  \(n)\n" }
        }
        let firstPass = layout.hasID ? 1 : 0
        let identifying = layout.identifyingRaw.filter { $0 >= firstPass }.map { layout.passThrough[$0 - firstPass] }
        if !identifying.isEmpty { s += "identifying (dropped by --pseudonymise): \(identifying.joined(separator: ", "))\n" }
        let other = layout.passThrough.filter { !identifying.contains($0) }
        if !other.isEmpty { s += "passed through unchanged: \(other.joined(separator: ", "))\n" }
        return s
    }
}
