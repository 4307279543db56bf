// Text of the `alerts` outputs: ALERTS.csv, AGG.csv (with small-cell suppression) and the JSON
import Foundation
import RiskCore
// document. Lines are handed to a closure, so callers stream them to a file.

public enum AlertOutput {
    /// One CSV field (the project's one quoting rule, RiskCore `CSV`).
    public static func csvField(_ s: String) -> String { CSV.quoted(s) }

    static func jsonString(_ s: String) -> String { JSONText.quoted(s) }

    public static let alertsHeader = "area,period,indicator,method,observed,expected,upperbound,alarm,level"

    /// ALERTS.csv, header first.
    public static func alertsCSV<E: Error>(_ rows: [AlertRow], line: (String) throws(E) -> Void) throws(E) {
        try line(alertsHeader)
        for r in rows {
            try line([csvField(r.area), r.period, csvField(r.indicator), r.method.rawValue,
                      AlertNumber.text(r.observed), r.expected.map(AlertNumber.text) ?? "",
                      r.upperbound.map(AlertNumber.text) ?? "", r.alarm ? "1" : "0", r.level.rawValue]
                .joined(separator: ","))
        }
    }

    /// The JSON document: `{"settings": {...}, "alerts": [...]}`.
    public static func alertsJSON<E: Error>(_ rows: [AlertRow], settings: AlertSettings, kind: PeriodKind,
                                            line: (String) throws(E) -> Void) throws(E) {
        try line("{")
        var s = settings.described.map { "    \(jsonString($0.0)): \(jsonString($0.1))" }
        s.insert("    \"period\": \(jsonString(kind.rawValue))", at: 0)
        try line("  \"settings\": {")
        for (i, l) in s.enumerated() { try line(l + (i + 1 < s.count ? "," : "")) }
        try line("  },")
        try line("  \"alerts\": [")
        for (i, r) in rows.enumerated() {
            let fields = [
                "\"area\": \(jsonString(r.area))", "\"period\": \(jsonString(r.period))",
                "\"indicator\": \(jsonString(r.indicator))", "\"method\": \(jsonString(r.method.rawValue))",
                "\"observed\": \(AlertNumber.text(r.observed))",
                "\"expected\": \(r.expected.map(AlertNumber.text) ?? "null")",
                "\"upperbound\": \(r.upperbound.map(AlertNumber.text) ?? "null")",
                "\"alarm\": \(r.alarm ? 1 : 0)", "\"level\": \(jsonString(r.level.rawValue))",
            ]
            try line("    {" + fields.joined(separator: ", ") + "}" + (i + 1 < rows.count ? "," : ""))
        }
        try line("  ]")
        try line("}")
    }

    /// AGG.csv: `area,period,indicator,count,people[,share,mean_risk],suppressed`, every area ×
    /// period × indicator. A count (and the share and mean risk derived from it) under
    /// `suppress` is written empty; `people` under `suppress` likewise; `suppressed` is 1 when
    /// anything in the row was withheld.
    public static func aggregateCSV<E: Error>(_ agg: AlertAggregate, withRisk: Bool, suppress: Double,
                                              line: (String) throws(E) -> Void) throws(E) {
        try line("area,period,indicator,count,people" + (withRisk ? ",share,mean_risk" : "") + ",suppressed")
        for area in agg.areas {
            for p in agg.periods {
                let label = agg.kind.label(p)
                let people = agg.people(area: area, period: p)
                for ind in agg.indicators {
                    let c = agg.cell(area: area, indicator: ind, period: p)
                    let hideCount = c.count < suppress
                    let hidePeople = (people ?? suppress) < suppress
                    var f = [csvField(area), label, csvField(ind), hideCount ? "" : AlertNumber.text(c.count),
                             hidePeople ? "" : (people.map(AlertNumber.text) ?? "")]
                    if withRisk {
                        let share = (people ?? 0) > 0 ? c.count / people! : nil
                        f.append(hideCount || hidePeople ? "" : (share.map(AlertNumber.text) ?? ""))
                        let mean = c.riskN > 0 ? c.riskSum / Double(c.riskN) : nil
                        f.append(hideCount ? "" : (mean.map(AlertNumber.text) ?? ""))
                    }
                    f.append(hideCount || hidePeople ? "1" : "0")
                    try line(f.joined(separator: ","))
                }
            }
        }
    }
}
