// The readable description of a compiled model (`riskengine models show`): source, outputs,
// link, inputs, each feature as its kind describes it, equations, recalibration, tables, notes
// and worked examples.
import Foundation

extension CompiledModel {
    /// The model's definition in readable form, one item per line.
    public func describe() -> String {
        let d = definition
        var s = "\(d.id) — \(d.title) (version \(d.version))\n"
        s += "Source: \(d.citation.reference)\n  doi:\(d.citation.doi); \(d.citation.table)\n"
        for c in d.citation.confirmedBy ?? [] { s += "  confirmed by: \(c)\n" }
        s += "Outputs: " + outputColumns.joined(separator: ", ") + "\n"
        for o in d.outcomes {
            var line = "  \(o.id): \(o.description)"
            if let h = o.horizonYears { line += ", \(h) y" }
            line += (o.scale ?? .percent) == .percent ? ", %" : (o.unit.map { ", \($0)" } ?? "")
            if let c = o.combine { line += " = 1 − Π(1 − p) of " + c.anyOf.joined(separator: ", ") }
            if let l = o.lookup { line += " = bands of \(l.of)" }
            if o.output == false { line += " (not written)" }
            for (field, r) in (o.when ?? [:]).sorted(by: { $0.key < $1.key }) {
                line += " — only where \(field) \(r.min.map { "≥ \(describeNumber($0))" } ?? "")\(r.min != nil && r.max != nil ? " and " : "")\(r.max.map { "≤ \(describeNumber($0))" } ?? "")"
            }
            s += line + "\n"
        }
        let linkText: String
        switch d.link {
        case .cox: linkText = "risk = 1 − S0^exp(lp − mean)"
        case .logistic: linkText = "risk = 1/(1 + exp(−(b0 + lp)))"
        case .exp: linkText = "value = exp(b0 + lp)"
        case .identity: linkText = "value = b0 + lp"
        case .annualHazard:
            let h = d.annualHazard
            linkText = "risk = 1 − exp(−Σ_{t<\(h?.years ?? 0)} rate_t · exp(lp + (trunc(age) + t) · lp_time_varying)), rates from table \(h?.table ?? "?")"
        }
        s += "Link: \(d.link.rawValue) — \(linkText)\n"
        if let columns = d.columns, !columns.isEmpty {
            s += "Local columns (not canonical fields; read by these names):\n"
            for c in columns {
                var line = "  \(c.name)  \(c.kind)"
                if let u = c.unit { line += ", \(u)" }
                if let lo = c.min, let hi = c.max { line += ", \(c.kind == "code" ? "codes" : "plausible") \(describeNumber(lo))–\(describeNumber(hi))" }
                s += line + "  — \(c.meaning)\n"
            }
        }
        s += "Inputs:\n"
        for i in d.inputs {
            var line = "  \(i.field)"
            if let lo = i.min, let hi = i.max { line += "  \(describeNumber(lo))–\(describeNumber(hi))" }
            if let v = i.values { line += "  {" + v.map(\.description).joined(separator: ", ") + "}" }
            if let o = i.outside, o == .notApplicable { line += "  (outside: not_applicable)" }
            if i.optional == true { line += "  (optional)" }
            if i.floor == true { line += "  (whole years)" }
            if let n = i.note { line += "  — \(n)" }
            s += line + "\n"
        }
        for e in d.exclusions ?? [] { s += "Excluded: \(e.field) = \(e.equals) → not_applicable:\(e.reason)\n" }
        s += "Features:\n"
        let names = features.map(\.name)
        for step in features { s += "  \(step.name) = \(step.kind.describe(names: names, fields: fields))\n" }
        for st in d.strata {
            let when = st.when.sorted { $0.key < $1.key }.map { "\($0.key) ∈ {\($0.value.joined(separator: ", "))}" }.joined(separator: ", ")
            s += "Stratum \(st.id)" + (when.isEmpty ? "" : " (\(when))") + ":\n"
            for o in d.outcomes {
                guard let eq = st.equations[o.id] else { continue }
                s += "  \(o.id):"
                if let b = eq.baselineSurvival { s += " S0=\(describeNumber(b))" }
                if let mlp = eq.meanLinearPredictor { s += " mean=\(describeNumber(mlp))" }
                if let i = eq.intercept { s += " intercept=\(describeNumber(i))" }
                s += "\n"
                for f in d.features where eq.coefficients[f.name] != nil {
                    s += "    \(f.name.padding(toLength: 26, withPad: " ", startingAt: 0)) \(describeNumber(eq.coefficients[f.name]!))\n"
                }
                for f in d.features where eq.timeVarying?[f.name] != nil {
                    s += "    \((f.name + " × age").padding(toLength: 26, withPad: " ", startingAt: 0)) \(describeNumber(eq.timeVarying![f.name]!))\n"
                }
            }
        }
        if let r = d.recalibration {
            s += "Recalibration (\(r.kind), by \(r.by)): 1 − exp(−exp(scale1 + scale2 · ln(−ln(1 − p)))) — \(r.source)\n"
            for (value, per) in r.scales.sorted(by: { $0.key < $1.key }) {
                var parts: [String] = []
                for (stratum, pair) in per.sorted(by: { $0.key < $1.key }) {
                    switch pair {
                    case .all(let a):
                        parts.append("\(stratum) [" + a.map(describeNumber).joined(separator: ", ") + "]")
                    case .perOutcome(let d):
                        let inner = d.sorted { $0.key < $1.key }.map { "\($0.key) [" + $0.value.map(describeNumber).joined(separator: ", ") + "]" }
                        parts.append("\(stratum) {" + inner.joined(separator: ", ") + "}")
                    }
                }
                s += "  \(value): " + parts.joined(separator: "; ") + "\n"
            }
        }
        for (name, t) in (d.tables ?? [:]).sorted(by: { $0.key < $1.key }) {
            s += "Table \(name): \(t.file), key " + t.key.map(\.column).joined(separator: ", ") + (t.source.map { " — \($0)" } ?? "") + "\n"
        }
        for n in d.notes ?? [] { s += "Note: \(n)\n" }
        s += "Worked examples: \(d.examples.count)" + (d.examples.isEmpty ? d.examplesNoneReason.map { " — \($0)" } ?? "" : ", all reproduced at load") + "\n"
        for e in d.examples {
            s += "  " + e.expected.sorted { $0.key < $1.key }.map { "\($0.key) = \(describeNumber($0.value))" }.joined(separator: ", ")
                + " (± \(describeNumber(e.tolerancePP))) — \(e.source)\n"
        }
        return s
    }
}
