// The alerts file of `riskengine alerts` (columns area,period,indicator,method,observed,
// expected,upperbound,alarm,level) as the report needs it: alerts per area, and the points of a
// bounded number of series (those with the most published alerts). Two streaming passes over the
// file, so memory does not grow with its length.
import Foundation

/// One period of a series.
public struct AlertPoint: Sendable, Equatable {
    public var period: String
    public var observed: Double?
    public var upperbound: Double?
    /// The published level is not `none`.
    public var alert: Bool
}

/// One area × indicator × method series.
public struct AlertSeries: Sendable {
    public var area: String
    public var indicator: String
    public var method: String
    public var points: [AlertPoint] = []
    public var alerts: Int { points.lazy.filter(\.alert).count }
}

/// What the report shows from an alerts file.
public struct AlertData: Sendable {
    /// Published alerts (level other than `none`) per area.
    public var alertsPerArea: [String: Int] = [:]
    /// Alerts per level.
    public var alertsPerLevel: [String: Int] = [:]
    /// The series with the most alerts (at most `maxSeries`), for the time-series charts.
    public var series: [AlertSeries] = []
    /// Per area with alerts (at most `maxAreaCharts` areas), its series with the most alerts.
    public var areaSeries: [String: AlertSeries] = [:]
    public var rows = 0
    public static let maxSeries = 12
    public static let maxAreaCharts = 40
    /// Points kept per series (the last ones).
    public static let maxPoints = 120

    static let columns = ["area", "period", "indicator", "method", "observed", "expected", "upperbound", "alarm", "level"]

    public static func read(path: String) throws(ReportError) -> AlertData {
        // Pass 1: alerts per series and area.
        var perSeries: [String: Int] = [:]
        var data = AlertData()
        var idx: [Int] = []
        try scan(path) { (header: [String]) throws(ReportError) in
            idx = []
            for c in columns {
                guard let i = header.firstIndex(of: c) else { throw .missingColumn(path: path, column: c) }
                idx.append(i)
            }
        } row: { f in
            data.rows += 1
            let level = field(f, idx[8]).text
            guard level != "none" && !level.isEmpty else { return }
            let area = field(f, idx[0]).text
            data.alertsPerArea[area, default: 0] += 1
            data.alertsPerLevel[level, default: 0] += 1
            let key = [area, field(f, idx[2]).text, field(f, idx[3]).text].joined(separator: "\u{1F}")
            if perSeries[key] != nil || perSeries.count < 200_000 { perSeries[key, default: 0] += 1 }
        }
        let ranked = perSeries.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        let chosen = Set(ranked.prefix(maxSeries).map(\.key))
        var bestPerArea: [String: String] = [:]
        for (key, _) in ranked {
            let area = String(key.split(separator: "\u{1F}", omittingEmptySubsequences: false)[0])
            if bestPerArea[area] == nil {
                guard bestPerArea.count < maxAreaCharts else { continue }
                bestPerArea[area] = key
            }
        }
        let wanted = chosen.union(bestPerArea.values)
        guard !wanted.isEmpty else { return data }
        // Pass 2: the points of the chosen series.
        var collected: [String: AlertSeries] = [:]
        try scan(path) { (_: [String]) throws(ReportError) in } row: { f in
            let parts = [field(f, idx[0]).text, field(f, idx[2]).text, field(f, idx[3]).text]
            let key = parts.joined(separator: "\u{1F}")
            guard wanted.contains(key) else { return }
            var s = collected[key] ?? AlertSeries(area: parts[0], indicator: parts[1], method: parts[2])
            let level = field(f, idx[8]).text
            s.points.append(AlertPoint(
                period: field(f, idx[1]).text, observed: field(f, idx[4]).number,
                upperbound: field(f, idx[6]).number, alert: level != "none" && !level.isEmpty))
            if s.points.count > maxPoints { s.points.removeFirst() }
            collected[key] = s
        }
        data.series = ranked.prefix(maxSeries).compactMap { collected[$0.key] }
        for (area, key) in bestPerArea { data.areaSeries[area] = collected[key] }
        return data
    }

    static func field(_ f: [[UInt8]], _ i: Int) -> [UInt8] { i < f.count ? f[i] : [] }

    static func scan(
        _ path: String, header: ([String]) throws(ReportError) -> Void, row: ([[UInt8]]) -> Void
    ) throws(ReportError) {
        var records = try CSVRecords.open(path)
        var fields: [[UInt8]] = []
        guard records.next(into: &fields) else { throw .emptyInput(path: path) }
        try header(fields.map(\.text))
        while records.next(into: &fields) { row(fields) }
    }
}
