// Counting rows per area × period × indicator, in memory proportional to
// areas × periods × indicators (never to rows). An indicator is a name and a predicate over a
// row's columns by name; `people` (every row) and one indicator per flag code seen in a `flags`
// column are built in; expression indicators (`--count NAME=EXPR`) plug in as predicates.

import Foundation

/// Read access to one input row by column name.
public protocol AlertRowView {
    /// The cell of `column`, nil when the input has no such column.
    func value(_ column: String) -> Substring?
}

/// A named row predicate counted per area and period.
public struct AlertIndicator: Sendable {
    public var name: String
    /// Columns the predicate reads (checked against the input's header before reading rows).
    public var columns: [String]
    public var holds: @Sendable (any AlertRowView) -> Bool

    public init(name: String, columns: [String] = [], holds: @escaping @Sendable (any AlertRowView) -> Bool) {
        self.name = name
        self.columns = columns
        self.holds = holds
    }

    /// An indicator counting the rows where a rule-language condition (`RuleExpression`, the
    /// language of the alert rules) holds; every name in it is a column. A cell that is empty or
    /// not a number is missing, and a comparison with a missing value is false.
    /// - Parameters:
    ///   - name: the indicator's name.
    ///   - expression: the condition text, e.g. `sbp >= 160 or dbp >= 100`.
    /// An indicator per alert rule (`--rules FILE`): rows where the rule fires, named by its id.
    public static func firing(_ rule: AlertRule) -> AlertIndicator { holding(rule.id, rule.condition) }

    /// Rows of an aggregated input where `condition` holds; a cell that is empty or not a number
    /// is missing (a comparison with it is false).
    static func holding(_ name: String, _ condition: RuleCondition) -> AlertIndicator {
        AlertIndicator(name: name, columns: condition.columns) { row in
            condition.evaluate(rows: 1) { column in
                guard let cell = row.value(column) else { return nil }
                return [Double(cell.trimmingCharacters(in: .whitespaces)) ?? .nan]
            }[0]
        }
    }

    public static func counting(_ name: String, _ expression: String) throws(RuleExpressionError) -> AlertIndicator {
        holding(name, try RuleExpression.compile(expression) { _ in .column })
    }
}

/// Counts and risk sums of one cell (area, period, indicator).
public struct CellCounts: Sendable, Equatable {
    public var count: Double = 0
    public var riskSum: Double = 0
    public var riskN: Int = 0
    public init() {}

    mutating func add(_ risk: Double?) {
        count += 1
        if let r = risk, r.isFinite {
            riskSum += r
            riskN += 1
        }
    }
}

/// Why a row was not counted (reported as counts only).
public struct SkippedRows: Sendable, Equatable {
    public var unparseableDate = 0
    public var emptyArea = 0
    public var unparseableCount = 0
    public var total: Int { unparseableDate + emptyArea + unparseableCount }
    public init() {}
}

/// The aggregate: per area, indicator and period ordinal.
public struct AlertAggregate: Sendable {
    public let kind: PeriodKind
    /// Indicator names in first-seen order (`people` first).
    public private(set) var indicators: [String] = []
    private var indicatorIndex: [String: Int] = [:]
    /// Interned areas.
    private var areaIndex: [String: Int] = [:]
    private var areaNames: [String] = []
    /// (area, indicator, period ordinal) → counts: one hash lookup per counted cell.
    private struct CellKey: Hashable {
        var area: Int
        var indicator: Int
        var period: Int
    }
    private var cells: [CellKey: CellCounts] = [:]
    /// area → period → population (series mode) .
    private var population: [String: [Int: Double]] = [:]
    public private(set) var firstPeriod: Int?
    public private(set) var lastPeriod: Int?
    public var skipped = SkippedRows()
    public private(set) var rows = 0
    /// Indicator name that every row counts in (absent in series mode).
    public let peopleIndicator: String?

    public init(kind: PeriodKind, peopleIndicator: String? = "people") {
        self.kind = kind
        self.peopleIndicator = peopleIndicator
        if let p = peopleIndicator { _ = intern(p) }
    }

    @discardableResult
    mutating func intern(_ name: String) -> Int {
        if let i = indicatorIndex[name] { return i }
        indicators.append(name)
        indicatorIndex[name] = indicators.count - 1
        return indicators.count - 1
    }

    private mutating func touch(_ period: Int) {
        firstPeriod = Swift.min(firstPeriod ?? period, period)
        lastPeriod = Swift.max(lastPeriod ?? period, period)
    }

    /// Counts one row: in `people` and in each named indicator that holds for it.
    /// - Parameters:
    ///   - area: the area (non-empty).
    ///   - period: the period ordinal.
    ///   - holding: names of the indicators (other than `people`) that hold.
    ///   - risk: the row's risk, when a risk column is named and the cell is a number.
    public mutating func addRow(area: String, period: Int, holding: [String], risk: Double?) {
        rows += 1
        touch(period)
        let a = internArea(area)
        if peopleIndicator != nil { count(CellKey(area: a, indicator: 0, period: period), risk) }
        for h in holding { count(CellKey(area: a, indicator: intern(h), period: period), risk) }
    }

    private mutating func count(_ key: CellKey, _ risk: Double?) {
        cells[key, default: CellCounts()].add(risk)
    }

    private mutating func internArea(_ area: String) -> Int {
        if let i = areaIndex[area] { return i }
        areaNames.append(area)
        areaIndex[area] = areaNames.count - 1
        return areaNames.count - 1
    }

    /// Sets a count directly (series mode).
    public mutating func setCount(area: String, period: Int, indicator: String, count: Double, population pop: Double?) {
        rows += 1
        touch(period)
        let id = intern(indicator)
        var c = CellCounts()
        c.count = count
        cells[CellKey(area: internArea(area), indicator: id, period: period)] = c
        if let pop { population[area, default: [:]][period] = pop }
    }

    /// Areas sorted by their text.
    public var areas: [String] { areaNames.sorted() }

    /// Every period ordinal from the first to the last.
    public var periods: [Int] {
        guard let f = firstPeriod, let l = lastPeriod else { return [] }
        return Array(f...l)
    }

    /// The counts of a cell (zero when nothing was counted).
    public func cell(area: String, indicator: String, period: Int) -> CellCounts {
        guard let id = indicatorIndex[indicator], let a = areaIndex[area] else { return CellCounts() }
        return cells[CellKey(area: a, indicator: id, period: period)] ?? CellCounts()
    }

    /// The denominator of a cell: rows in the area and period (`people`), or the series'
    /// population when given.
    public func people(area: String, period: Int) -> Double? {
        if let p = peopleIndicator { return cell(area: area, indicator: p, period: period).count }
        return population[area]?[period]
    }

    /// The gap-free count series of an area and indicator over `periods`.
    public func series(area: String, indicator: String) -> [Double] {
        periods.map { cell(area: area, indicator: indicator, period: $0).count }
    }
}
