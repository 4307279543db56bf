import Foundation
import RiskBatch
import RiskModels

/// Readable rendering of a model definition (`riskengine models show`).
enum ModelDescription {
    static func render(_ m: CompiledModel) -> String {
        let d = m.definition
        var s = "\(d.id) — \(d.title) (version \(d.version))\n"
        s += "Source: \(d.citation.reference)\n  doi:\(d.citation.doi); \(d.citation.table)\n"
        for c in d.citation.confirmedBy ?? [] { s += "  confirmed by: \(c)\n" }
        s += "Outputs: " + m.outputColumns.joined(separator: ", ") + "\n"
        for o in d.outcomes {
            var line = "  \(o.id): \(o.description)"
            if let h = o.horizonYears { line += ", \(h) y" }
            line += (o.scale ?? .percent) == .percent ? ", %" : (o.unit.map { ", \($0)" } ?? "")
            if let c = o.combine { line += " = 1 − Π(1 − p) of " + c.anyOf.joined(separator: ", ") }
            if let l = o.lookup { line += " = bands of \(l.of)" }
            if o.output == false { line += " (not written)" }
            for (field, r) in (o.when ?? [:]).sorted(by: { $0.key < $1.key }) {
                line += " — only where \(field) \(r.min.map { "≥ \(fmt($0))" } ?? "")\(r.min != nil && r.max != nil ? " and " : "")\(r.max.map { "≤ \(fmt($0))" } ?? "")"
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
        s += "Inputs:\n"
        for i in d.inputs {
            var line = "  \(i.field)"
            if let lo = i.min, let hi = i.max { line += "  \(fmt(lo))–\(fmt(hi))" }
            if let v = i.values { line += "  {" + v.map(\.description).joined(separator: ", ") + "}" }
            if let o = i.outside, o == .notApplicable { line += "  (outside: not_applicable)" }
            if i.optional == true { line += "  (optional)" }
            if i.floor == true { line += "  (whole years)" }
            if let n = i.note { line += "  — \(n)" }
            s += line + "\n"
        }
        for e in d.exclusions ?? [] { s += "Excluded: \(e.field) = \(e.equals) → not_applicable:\(e.reason)\n" }
        s += "Features:\n"
        for f in d.features {
            var desc: String
            switch f.kind {
            case .linear where f.centerFrom != nil:
                desc = "\(f.input!) / \(fmt(f.scale ?? 1)) − \(f.centerFrom!.table).\(f.centerFrom!.column)"
            case .linear:
                desc = f.input! 
                if let c = f.center, c != 0 { desc = "(\(desc) − \(fmt(c)))" }
                if let k = f.scale, k != 1 { desc += " / \(fmt(k))" }
            case .log:
                desc = "ln(\(f.input!)" + (f.multiplier.map { $0 == 1 ? "" : " × \(fmt($0))" } ?? "") + ")"
                if let c = f.center, c != 0 { desc += " − \(fmt(c))" }
            case .hinge:
                var x = f.input!
                if let mul = f.multiplier, mul != 1 { x += " × \(fmt(mul))" }
                let k = fmt(f.knot ?? 0)
                let above = (f.side ?? "above") == "above"
                if f.log == true {
                    desc = above ? "max(ln(\(x) / \(k)), 0)" : "max(ln(\(k) / (\(x))), 0)"
                } else {
                    desc = above ? "max(\(x) − \(k), 0)" : "max(\(k) − \(x), 0)"
                }
                if let c = f.center, c != 0 { desc = "(\(desc) − \(fmt(c)))" }
                if let sc = f.scale, sc != 1 { desc += " / \(fmt(sc))" }
            case .power:
                var x = f.input!
                if let mul = f.multiplier, mul != 1 { x = "(\(x) × \(fmt(mul)))" }
                desc = (f.exponent ?? 1) == 0 ? "ln\(x)" : "\(x)^\(fmt(f.exponent ?? 1))"
                if f.timesLog == true { desc += " · ln\(x)" }
                if let c = f.center, c != 0 { desc = "(\(desc) − \(fmt(c)))" }
                if let sc = f.scale, sc != 1 { desc += " / \(fmt(sc))" }
            case .missingIndicator:
                desc = "[\(f.input!) missing]"
            case .ratio:
                desc = "\(f.numerator ?? "?") / \(f.denominator ?? "?")"
                if let mul = f.multiplier, mul != 1 { desc = "(\(desc)) × \(fmt(mul))" }
                if let c = f.center, c != 0 { desc = "(\(desc) − \(fmt(c)))" }
                if let sc = f.scale, sc != 1 { desc += " / \(fmt(sc))" }
                if f.min != nil || f.max != nil { desc += "  [valid \(fmt(f.min ?? -.infinity))–\(fmt(f.max ?? .infinity))]" }
            case .sum:
                let w = f.weights ?? Array(repeating: 1, count: f.of?.count ?? 0)
                desc = zip(f.of ?? [], w).map { "\(fmt($1))·\($0)" }.joined(separator: " + ")
                if let c = f.center, c != 0 { desc = "(\(desc) − \(fmt(c)))" }
                if let sc = f.scale, sc != 1 { desc += " / \(fmt(sc))" }
            case .points:
                let bands: [String] = (f.bands ?? []).map { b in
                    if let e = b.equals { return "=\(fmt(e)):\(fmt(b.points))" }
                    if let below = b.below { return "<\(fmt(below)):\(fmt(b.points))" }
                    return "else:\(fmt(b.points))"
                }
                desc = "points(\(f.input!); " + bands.joined(separator: ", ") + ")"
            case .indicator:
                desc = "[\(f.input!) = \(f.equals.map { "\($0)" } ?? "?")]"
            case .product:
                desc = (f.of ?? []).joined(separator: " × ")
            }
            s += "  \(f.name) = \(desc)\n"
        }
        for st in d.strata {
            let when = st.when.sorted { $0.key < $1.key }.map { "\($0.key) ∈ {\($0.value.joined(separator: ", "))}" }.joined(separator: ", ")
            s += "Stratum \(st.id)" + (when.isEmpty ? "" : " (\(when))") + ":\n"
            for o in d.outcomes {
                guard let eq = st.equations[o.id] else { continue }
                s += "  \(o.id):"
                if let b = eq.baselineSurvival { s += " S0=\(fmt(b))" }
                if let mlp = eq.meanLinearPredictor { s += " mean=\(fmt(mlp))" }
                if let i = eq.intercept { s += " intercept=\(fmt(i))" }
                s += "\n"
                for f in d.features where eq.coefficients[f.name] != nil {
                    s += "    \(f.name.padding(toLength: 26, withPad: " ", startingAt: 0)) \(fmt(eq.coefficients[f.name]!))\n"
                }
                for f in d.features where eq.timeVarying?[f.name] != nil {
                    s += "    \((f.name + " × age").padding(toLength: 26, withPad: " ", startingAt: 0)) \(fmt(eq.timeVarying![f.name]!))\n"
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
                        parts.append("\(stratum) [" + a.map(fmt).joined(separator: ", ") + "]")
                    case .perOutcome(let d):
                        let inner = d.sorted { $0.key < $1.key }.map { "\($0.key) [" + $0.value.map(fmt).joined(separator: ", ") + "]" }
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
        s += "Worked examples: \(d.examples.count)\n"
        for e in d.examples {
            s += "  " + e.expected.map { "\($0.key) = \(fmt($0.value))" }.joined(separator: ", ") + " — \(e.source)\n"
        }
        return s
    }

    static func fmt(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e12 { return String(Int64(x)) }
        return String(x)
    }
}
