// One self-contained HTML page from the report's aggregates: inline CSS, inline SVG charts drawn
// here, no script, no external font, image or link target to fetch. Every text from the data
// (area codes, flag ids, indicator and method names) is HTML-escaped; counts under
// `suppressBelow` are shown as "<5" and left out of charts and shares.
import Foundation

/// The page's language.
public enum ReportLanguage: String, Sendable, CaseIterable {
    case vi, en
}

/// A model's citation for the sources section.
public struct ReportCitation: Sendable {
    public var model: String
    public var title: String
    public var reference: String
    public var doi: String

    public init(model: String, title: String, reference: String, doi: String) {
        self.model = model
        self.title = title
        self.reference = reference
        self.doi = doi
    }
}

/// A rule's texts, to explain flag ids.
public struct ReportRuleText: Sendable {
    public var level: String
    public var english: String
    public var vietnamese: String

    public init(level: String, english: String, vietnamese: String) {
        self.level = level
        self.english = english
        self.vietnamese = vietnamese
    }
}

/// Renders the report page.
public struct HTMLReport {
    public var data: ReportData
    public var alerts: AlertData?
    public var language: ReportLanguage
    public var citations: [String: ReportCitation]
    public var ruleTexts: [String: ReportRuleText]
    /// Counts below this are shown as "<N" (small-cell suppression).
    public var suppressBelow = 5
    /// The licence disclaimer shown when QRISK3 columns are present.
    public var qrisk3Disclaimer: String
    /// Validations of models on cohorts (`riskengine validate` outputs), compared side by side.
    public var validations: [ValidationSummary] = []

    public init(
        data: ReportData, alerts: AlertData?, language: ReportLanguage, citations: [String: ReportCitation],
        ruleTexts: [String: ReportRuleText], qrisk3Disclaimer: String
    ) {
        self.data = data
        self.alerts = alerts
        self.language = language
        self.citations = citations
        self.ruleTexts = ruleTexts
        self.qrisk3Disclaimer = qrisk3Disclaimer
    }

    var L: Labels { Labels(language) }

    /// HTML-escapes text (also quotes, so it is safe in attributes).
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if ch.value < 0x20 && ch != "\n" && ch != "\t" { out += "&#xFFFD;" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }

    /// A count as shown: "<5" when 0 < n < suppressBelow.
    func count(_ n: Int) -> String { n > 0 && n < suppressBelow ? "&lt;\(suppressBelow)" : String(n) }
    /// A count as drawn: 0 when suppressed.
    func drawn(_ n: Int) -> Int { n > 0 && n < suppressBelow ? 0 : n }
    /// A share in percent, empty when the numerator or denominator is suppressed.
    func share(_ n: Int, of d: Int) -> String {
        guard d >= suppressBelow, n == 0 || n >= suppressBelow, d > 0 else { return "–" }
        let p = Double(n) / Double(d) * 100
        let t = String(format: "%.1f", p)
        return (language == .vi ? t.replacingOccurrences(of: ".", with: ",") : t) + " %"
    }

    func number(_ x: Double) -> String {
        let t = x == x.rounded() && abs(x) < 1e12 ? String(Int64(x)) : String(format: "%.2f", x)
        return language == .vi ? t.replacingOccurrences(of: ".", with: ",") : t
    }

    var bandLabels: [String] {
        let b = data.bandBounds.map(number)
        var out: [String] = []
        for i in 0...b.count {
            if i == 0 { out.append("<\(b[0]) %") } else if i == b.count { out.append("≥\(b[i - 1]) %") } else { out.append("\(b[i - 1])–<\(b[i]) %") }
        }
        return out
    }

    static let bandColours = ["#2e7d32", "#f9a825", "#ef6c00", "#c62828", "#6a1b1a", "#4a148c", "#1a237e"]

    public func render() -> String {
        var h = """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(L.title)</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
            main{max-width:1000px;margin:0 auto;padding:16px 24px 48px}
            h1{font-size:1.6em;margin:0.4em 0}h2{font-size:1.25em;margin-top:1.6em;border-bottom:2px solid #ddd;padding-bottom:4px}
            h3{font-size:1.05em;margin:1.2em 0 0.4em}
            table{border-collapse:collapse;margin:8px 0;font-size:0.9em;background:#fff}
            th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#eee}td.t,th.t{text-align:left}
            .note{color:#555;font-size:0.88em}.legend span{display:inline-block;margin-right:12px;font-size:0.85em}
            .sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
            .grid{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;border:1px solid #ddd;padding:6px 8px}
            svg{display:block;background:#fff}svg text{font-family:inherit}
            .disclaimer{font-size:0.8em;color:#444;border-left:3px solid #c62828;padding-left:8px}
            </style>
            </head>
            <body>
            <main>
            <h1>\(L.title)</h1>
            <p>\(L.people): <b>\(count(data.rows))</b>\(data.areaColumn.map { " · " + L.areaColumn + ": <code>" + Self.escape($0) + "</code>" } ?? "")</p>
            <p class="note">\(L.suppression)</p>

            """
        h += bandsSection()
        h += flagsSection()
        if data.areaColumn != nil { h += areasSection() }
        h += seriesSection()
        if !validations.isEmpty { h += validationSection() }
        h += modelsSection()
        h += "</main>\n</body>\n</html>\n"
        return h
    }

    // MARK: Risk bands

    func legend() -> String {
        "<p class=\"legend\">" + bandLabels.enumerated().map { i, l in
            "<span><i class=\"sw\" style=\"background:\(Self.bandColours[i % Self.bandColours.count])\"></i>\(Self.escape(l))</span>"
        }.joined() + "</p>\n"
    }

    func bandsSection() -> String {
        var h = "<section id=\"bands\">\n<h2>\(L.bandsTitle)</h2>\n"
        if data.riskColumns.isEmpty { return h + "<p>\(L.noTenYear)</p>\n</section>\n" }
        h += legend()
        for rc in data.riskColumns {
            h += "<h3><code>\(Self.escape(rc.column))</code></h3>\n"
            var groups: [(label: String, counts: [Int])] = []
            for sex in ReportSex.allCases {
                for age in ReportAgeGroup.allCases {
                    let c = rc.counts[sex.rawValue][age.rawValue]
                    if c.reduce(0, +) == 0 { continue }
                    groups.append(("\(L.sex(sex)) \(age == .unknown ? L.ageUnknown : age.label)", c))
                }
            }
            if groups.isEmpty {
                h += "<p class=\"note\">\(L.notScored): \(count(rc.notScored))</p>\n"
                continue
            }
            h += stackedBars(groups)
            h += "<table><tr><th class=\"t\">\(L.group)</th>" + bandLabels.map { "<th>\(Self.escape($0))</th>" }.joined() + "<th>\(L.total)</th></tr>\n"
            for g in groups {
                h += "<tr><td class=\"t\">\(Self.escape(g.label))</td>" + g.counts.map { "<td>\(count($0))</td>" }.joined()
                h += "<td>\(count(g.counts.reduce(0, +)))</td></tr>\n"
            }
            h += "<tr><th class=\"t\">\(L.total)</th>" + (0..<data.bandCodes.count).map { "<th>\(count(rc.total(band: $0)))</th>" }.joined()
            h += "<th>\(count(rc.scored))</th></tr>\n</table>\n"
            h += "<p class=\"note\">\(L.notScored): \(count(rc.notScored))"
            if let ok = data.statusOK[rc.model] {
                h += " · \(L.statusOK): \(count(ok)), \(L.statusOther): \(count(data.statusOther[rc.model] ?? 0))"
            }
            h += "</p>\n"
        }
        return h + "</section>\n"
    }

    /// 100 % stacked horizontal bars, one per group; suppressed cells and groups are not drawn.
    func stackedBars(_ groups: [(label: String, counts: [Int])]) -> String {
        let rowH = 18, labelW = 170, barW = 560, top = 6
        let height = top * 2 + max(1, groups.count) * (rowH + 4)
        var s = "<svg class=\"chart\" role=\"img\" width=\"\(labelW + barW + 20)\" height=\"\(height)\" viewBox=\"0 0 \(labelW + barW + 20) \(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
        s += "<title>\(L.bandsTitle)</title>"
        for (i, g) in groups.enumerated() {
            let y = top + i * (rowH + 4)
            s += "<text x=\"\(labelW - 6)\" y=\(quote(y + rowH - 5)) text-anchor=\"end\" font-size=\"12\">\(Self.escape(g.label))</text>"
            let counts = g.counts.map(drawn)
            let total = counts.reduce(0, +)
            guard drawn(g.counts.reduce(0, +)) > 0, total > 0 else {
                s += "<text x=\(quote(labelW + 4)) y=\(quote(y + rowH - 5)) font-size=\"11\" fill=\"#777\">&lt;\(suppressBelow)</text>"
                continue
            }
            var x = Double(labelW)
            for (b, c) in counts.enumerated() where c > 0 {
                let w = Double(barW) * Double(c) / Double(total)
                s += "<rect x=\"\(fmt(x))\" y=\(quote(y)) width=\"\(fmt(w))\" height=\(quote(rowH)) fill=\"\(Self.bandColours[b % Self.bandColours.count])\"><title>\(Self.escape(bandLabels[b])): \(c)</title></rect>"
                x += w
            }
        }
        return s + "</svg>\n"
    }

    // MARK: Flags

    func flagsSection() -> String {
        var h = "<section id=\"flags\">\n<h2>\(L.flagsTitle)</h2>\n"
        guard data.hasFlagsColumn else { return h + "<p>\(L.noFlags)</p>\n</section>\n" }
        let sorted = data.flags.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        if sorted.isEmpty { return h + "<p>\(L.noneFlagged)</p>\n</section>\n" }
        let maxN = max(1, sorted.map { drawn($0.value) }.max() ?? 1)
        let rowH = 18, labelW = 190, barW = 480
        let height = 12 + sorted.count * (rowH + 4)
        h += "<svg class=\"chart\" role=\"img\" width=\"\(labelW + barW + 80)\" height=\"\(height)\" viewBox=\"0 0 \(labelW + barW + 80) \(height)\" xmlns=\"http://www.w3.org/2000/svg\"><title>\(L.flagsTitle)</title>"
        for (i, (id, n)) in sorted.enumerated() {
            let y = 6 + i * (rowH + 4)
            let w = Double(barW) * Double(drawn(n)) / Double(maxN)
            let colour = ruleTexts[id].map { $0.level == "urgent" ? "#c62828" : ($0.level == "warning" ? "#ef6c00" : "#f9a825") } ?? "#607d8b"
            h += "<text x=\(quote(labelW - 6)) y=\(quote(y + rowH - 5)) text-anchor=\"end\" font-size=\"12\">\(Self.escape(id))</text>"
            h += "<rect x=\(quote(labelW)) y=\(quote(y)) width=\"\(fmt(w))\" height=\(quote(rowH)) fill=\"\(colour)\"></rect>"
            h += "<text x=\"\(fmt(Double(labelW) + w + 4))\" y=\(quote(y + rowH - 5)) font-size=\"11\">\(count(n))</text>"
        }
        h += "</svg>\n"
        h += "<table><tr><th class=\"t\">\(L.rule)</th><th class=\"t\">\(L.level)</th><th class=\"t\">\(L.reason)</th><th>\(L.count)</th><th>\(L.share)</th></tr>\n"
        for (id, n) in sorted {
            let t = ruleTexts[id]
            let reason = t.map { language == .vi ? $0.vietnamese : $0.english } ?? ""
            h += "<tr><td class=\"t\"><code>\(Self.escape(id))</code></td><td class=\"t\">\(Self.escape(t.map { L.level($0.level) } ?? ""))</td>"
            h += "<td class=\"t\">\(Self.escape(reason))</td><td>\(count(n))</td><td>\(share(n, of: data.rows))</td></tr>\n"
        }
        h += "</table>\n"
        if data.otherFlagRows > 0 { h += "<p class=\"note\">\(L.otherFlags): \(count(data.otherFlagRows))</p>\n" }
        return h + "</section>\n"
    }

    // MARK: Areas

    func areasSection() -> String {
        var h = "<section id=\"areas\">\n<h2>\(L.areasTitle)</h2>\n"
        let perArea = alerts?.alertsPerArea ?? [:]
        let maxRows = 500
        let sorted = data.areas.sorted { a, b in
            let x = (perArea[a.key] ?? 0, a.value.highRisk, a.value.rows), y = (perArea[b.key] ?? 0, b.value.highRisk, b.value.rows)
            return x != y ? x > y : a.key < b.key
        }
        if let areaSeries = alerts?.areaSeries, !areaSeries.isEmpty {
            h += "<h3>\(L.areasWithAlerts)</h3>\n<div class=\"grid\">\n"
            for (area, s) in areaSeries.sorted(by: { (perArea[$0.key] ?? 0, $1.key) > (perArea[$1.key] ?? 0, $0.key) }) {
                h += "<div class=\"card\"><b>\(Self.escape(area))</b> <span class=\"note\">\(Self.escape(shownCode(s.indicator))) · \(Self.escape(shownCode(s.method)))</span>\n"
                h += lineChart(s, width: 280, height: 90, axes: false) + "</div>\n"
            }
            h += "</div>\n"
        }
        h += "<table><tr><th class=\"t\">\(L.area)</th><th>\(L.people)</th><th>\(L.scored)</th><th>\(L.highRisk)</th><th>\(L.share)</th><th>\(L.flagged)</th>"
        if alerts != nil { h += "<th>\(L.alerts)</th>" }
        h += "</tr>\n"
        for (area, c) in sorted.prefix(maxRows) {
            h += "<tr><td class=\"t\">\(Self.escape(area))</td><td>\(count(c.rows))</td><td>\(count(c.scored))</td><td>\(count(c.highRisk))</td>"
            h += "<td>\(share(c.highRisk, of: c.scored))</td><td>\(count(c.flagged))</td>"
            if alerts != nil { h += "<td>\((perArea[area] ?? 0) > 0 ? "<b style=\"color:#c62828\">\(perArea[area]!)</b>" : "0")</td>" }
            h += "</tr>\n"
        }
        h += "</table>\n"
        if sorted.count > maxRows { h += "<p class=\"note\">\(L.moreAreas(sorted.count - maxRows))</p>\n" }
        if data.rowsWithoutArea > 0 { h += "<p class=\"note\">\(L.noArea): \(count(data.rowsWithoutArea))</p>\n" }
        return h + "</section>\n"
    }

    // MARK: Series

    func seriesSection() -> String {
        var h = "<section id=\"series\">\n<h2>\(L.seriesTitle)</h2>\n"
        guard let alerts else { return h + "<p>\(L.noAlerts)</p>\n</section>\n" }
        if !alerts.alertsPerLevel.isEmpty {
            h += "<p>" + alerts.alertsPerLevel.sorted { $0.key < $1.key }.map { "\(Self.escape(L.level(shownCode($0.key)))): <b>\($0.value)</b>" }.joined(separator: " · ") + "</p>\n"
        }
        if alerts.series.isEmpty { return h + "<p>\(L.noneAlerted)</p>\n</section>\n" }
        h += "<p class=\"legend\"><span><i class=\"sw\" style=\"background:#1565c0\"></i>\(L.observed)</span><span><i class=\"sw\" style=\"background:#9e9e9e\"></i>\(L.threshold)</span><span><i class=\"sw\" style=\"background:#c62828;border-radius:6px\"></i>\(L.alert)</span></p>\n"
        for s in alerts.series {
            h += "<h3>\(Self.escape(s.area)) · \(Self.escape(shownCode(s.indicator))) · \(Self.escape(shownCode(s.method)))</h3>\n"
            h += lineChart(s, width: 720, height: 220, axes: true)
        }
        return h + "</section>\n"
    }

    /// Observed counts (line), the method's threshold (dashed) and alerts (red dots).
    func lineChart(_ s: AlertSeries, width: Int, height: Int, axes: Bool) -> String {
        let left = axes ? 48.0 : 4.0, right = 8.0, top = 8.0, bottom = axes ? 28.0 : 6.0
        let pts = s.points
        let values = pts.flatMap { [$0.observed, $0.upperbound] }.compactMap { $0 }.filter(\.isFinite)
        let maxY = max(1, values.max() ?? 1) * 1.05
        let w = Double(width) - left - right, hgt = Double(height) - top - bottom
        func x(_ i: Int) -> Double { left + (pts.count > 1 ? w * Double(i) / Double(pts.count - 1) : w / 2) }
        func y(_ v: Double) -> Double { top + hgt * (1 - v / maxY) }
        var svg = "<svg class=\"chart\" role=\"img\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>\(Self.escape(s.area)) \(Self.escape(shownCode(s.indicator))) \(Self.escape(shownCode(s.method)))</title>"
        svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(top + hgt))\" x2=\"\(fmt(left + w))\" y2=\"\(fmt(top + hgt))\" stroke=\"#999\"/>"
        if axes {
            svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(top))\" x2=\"\(fmt(left))\" y2=\"\(fmt(top + hgt))\" stroke=\"#999\"/>"
            svg += "<text x=\"\(fmt(left - 4))\" y=\"\(fmt(top + 10))\" text-anchor=\"end\" font-size=\"11\">\(number((maxY / 1.05).rounded()))</text>"
            svg += "<text x=\"\(fmt(left - 4))\" y=\"\(fmt(top + hgt))\" text-anchor=\"end\" font-size=\"11\">0</text>"
            if let f = pts.first { svg += "<text x=\"\(fmt(left))\" y=\"\(fmt(Double(height) - 8))\" font-size=\"11\">\(Self.escape(shownCode(f.period)))</text>" }
            if pts.count > 1, let l = pts.last {
                svg += "<text x=\"\(fmt(left + w))\" y=\"\(fmt(Double(height) - 8))\" text-anchor=\"end\" font-size=\"11\">\(Self.escape(shownCode(l.period)))</text>"
            }
        }
        func path(_ v: (AlertPoint) -> Double?) -> String {
            var d = ""
            var pen = false
            for (i, p) in pts.enumerated() {
                guard let value = v(p), value.isFinite else { pen = false; continue }
                d += (pen ? "L" : "M") + fmt(x(i)) + " " + fmt(y(value)) + " "
                pen = true
            }
            return d
        }
        let ub = path { $0.upperbound }
        if !ub.isEmpty { svg += "<path d=\"\(ub)\" fill=\"none\" stroke=\"#9e9e9e\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>" }
        let ob = path { $0.observed }
        if !ob.isEmpty { svg += "<path d=\"\(ob)\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.8\"/>" }
        for (i, p) in pts.enumerated() where p.alert {
            guard let o = p.observed, o.isFinite else { continue }
            svg += "<circle cx=\"\(fmt(x(i)))\" cy=\"\(fmt(y(o)))\" r=\"\(axes ? 4 : 3)\" fill=\"#c62828\"><title>\(Self.escape(shownCode(p.period)))</title></circle>"
        }
        return svg + "</svg>\n"
    }

    // MARK: Validation

    /// A figure with its interval: "0.712 (0.701–0.723)".
    func figure(_ f: ValidationSummary.Figure) -> String {
        guard let v = f.value, v.isFinite else { return "–" }
        func d(_ x: Double) -> String {
            let t = String(format: "%.3f", x)
            return language == .vi ? t.replacingOccurrences(of: ".", with: ",") : t
        }
        guard let ci = f.interval, ci.count == 2 else { return d(v) }
        return "\(d(v)) (\(d(ci[0]))–\(d(ci[1])))"
    }

    func validationSection() -> String {
        var h = "<section id=\"validation\">\n<h2>\(L.validationTitle)</h2>\n<p class=\"note\">\(L.validationNote)</p>\n"
        h += "<table><tr><th class=\"t\"></th>" + validations.map { "<th>\(Self.escape($0.name))</th>" }.joined() + "</tr>\n"
        h += "<tr><td class=\"t\">n</td>" + validations.map { "<td>\(count($0.n))</td>" }.joined() + "</tr>\n"
        h += "<tr><td class=\"t\">\(L.events)</td>" + validations.map { "<td>\(count($0.events))</td>" }.joined() + "</tr>\n"
        h += "<tr><td class=\"t\">\(L.horizon)</td>" + validations.map { "<td>\(number($0.horizon))</td>" }.joined() + "</tr>\n"
        for (k, key) in ValidationSummary.keys.enumerated() {
            h += "<tr><td class=\"t\">\(L.figure(key))</td>" + validations.map { "<td>\(figure($0.figures[k]))</td>" }.joined() + "</tr>\n"
        }
        h += "</table>\n<div class=\"grid\">\n"
        for v in validations {
            h += "<div class=\"card\"><h3>\(Self.escape(v.name))</h3>\n" + calibrationPlot(v) + decileTable(v) + "</div>\n"
        }
        return h + "</div>\n</section>\n"
    }

    /// Observed (Kaplan–Meier) against mean predicted risk per decile (dots), the smoothed
    /// calibration curve (line) and the diagonal of perfect calibration (dashed), in percent.
    func calibrationPlot(_ v: ValidationSummary) -> String {
        let size = 300.0, left = 40.0, bottom = 30.0, top = 8.0, right = 8.0
        let w = size - left - right, hgt = size - top - bottom
        let values = v.deciles.flatMap { [$0.predicted, $0.observed] } + v.curve.flatMap { [$0.predicted, $0.observed] }
        let maxV = max(0.01, (values.filter(\.isFinite).max() ?? 0.01) * 1.05)
        func x(_ p: Double) -> Double { left + w * min(p, maxV) / maxV }
        func y(_ p: Double) -> Double { top + hgt * (1 - min(max(p, 0), maxV) / maxV) }
        var svg = "<svg class=\"chart\" role=\"img\" width=\"300\" height=\"300\" viewBox=\"0 0 300 300\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>\(L.calibrationPlot) \(Self.escape(v.name))</title>"
        svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(top + hgt))\" x2=\"\(fmt(left + w))\" y2=\"\(fmt(top + hgt))\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(top))\" x2=\"\(fmt(left))\" y2=\"\(fmt(top + hgt))\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(fmt(x(0)))\" y1=\"\(fmt(y(0)))\" x2=\"\(fmt(x(maxV)))\" y2=\"\(fmt(y(maxV)))\" stroke=\"#9e9e9e\" stroke-dasharray=\"5 3\"/>"
        svg += "<text x=\"\(fmt(left - 4))\" y=\"\(fmt(top + 10))\" text-anchor=\"end\" font-size=\"11\">\(number((maxV * 100).rounded()))</text>"
        svg += "<text x=\"\(fmt(left + w))\" y=\"\(fmt(size - 16))\" text-anchor=\"end\" font-size=\"11\">\(number((maxV * 100).rounded())) %</text>"
        svg += "<text x=\"\(fmt(left))\" y=\"\(fmt(size - 4))\" font-size=\"11\">\(L.predicted)</text>"
        svg += "<text x=\"\(fmt(left + 4))\" y=\"\(fmt(top + 22))\" font-size=\"11\">\(L.observedRisk)</text>"
        let curve = v.curve.filter { $0.predicted.isFinite && $0.observed.isFinite }
        if curve.count > 1 {
            let d = curve.enumerated().map { ($0.offset == 0 ? "M" : "L") + fmt(x($0.element.predicted)) + " " + fmt(y($0.element.observed)) }.joined(separator: " ")
            svg += "<path d=\"\(d)\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.8\"/>"
        }
        for d in v.deciles where d.predicted.isFinite && d.observed.isFinite && drawn(d.n) > 0 {
            svg += "<circle cx=\"\(fmt(x(d.predicted)))\" cy=\"\(fmt(y(d.observed)))\" r=\"4\" fill=\"#c62828\"><title>\(L.decile) \(d.decile)</title></circle>"
        }
        return svg + "</svg>\n"
    }

    func decileTable(_ v: ValidationSummary) -> String {
        func pct(_ p: Double) -> String { p.isFinite ? number((p * 1000).rounded() / 10) : "–" }
        var h = "<table><tr><th>\(L.decile)</th><th>n</th><th>\(L.predicted)</th><th>\(L.observedRisk)</th></tr>\n"
        for d in v.deciles {
            let hidden = drawn(d.n) == 0 && d.n > 0
            h += "<tr><td>\(d.decile)</td><td>\(count(d.n))</td><td>\(hidden ? "–" : pct(d.predicted))</td><td>\(hidden ? "–" : pct(d.observed))</td></tr>\n"
        }
        return h + "</table>\n"
    }

    // MARK: Models

    func modelsSection() -> String {
        var h = "<section id=\"models\">\n<h2>\(L.modelsTitle)</h2>\n<ul>\n"
        for m in data.models {
            if let c = citations[m] {
                h += "<li><code>\(Self.escape(m))</code> — \(Self.escape(c.title)). \(Self.escape(c.reference)) doi:\(Self.escape(c.doi))</li>\n"
            } else {
                h += "<li><code>\(Self.escape(m))</code> — \(L.notInLibrary)</li>\n"
            }
        }
        h += "</ul>\n"
        if data.models.contains("qrisk3") {
            h += "<h3>\(L.qrisk3)</h3>\n<p class=\"disclaimer\">\(Self.escape(qrisk3Disclaimer))</p>\n"
        }
        return h + "</section>\n"
    }

    func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
    func quote(_ i: Int) -> String { "\"\(i)\"" }
}
