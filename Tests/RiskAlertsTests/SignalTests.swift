import RiskAlerts
import Testing

@Suite struct PeriodTests {
    @Test(arguments: [
        ("2024-01-01", 19723), ("20240229", 19782), ("29/02/2024", 19782), ("1970-01-01", 0),
        ("2024-03-15T10:00:00", 19797),
    ])
    func parsesDates(_ text: String, _ day: Int) {
        #expect(CivilDate.parse(text.utf8) == day)
    }

    @Test(arguments: ["2023-02-29", "31/04/2024", "2024-13-01", "2024/01/01", "", "20241", "abc"])
    func rejectsDates(_ text: String) {
        #expect(CivilDate.parse(text.utf8) == nil)
    }

    /// ISO 8601 weeks: the year of the Thursday; late-December days can be week 1 of next year,
    /// early-January days week 52/53 of the previous one.
    @Test(arguments: [
        ("2024-01-01", PeriodKind.week, "2024-W01"), ("2021-01-03", .week, "2020-W53"),
        ("2019-12-30", .week, "2020-W01"), ("2026-12-31", .week, "2026-W53"),
        ("2024-02-29", .month, "2024-02"), ("2024-12-31", .quarter, "2024-Q4"), ("2024-04-01", .quarter, "2024-Q2"),
    ])
    func labels(_ date: String, _ kind: PeriodKind, _ label: String) throws {
        let day = try #require(CivilDate.parse(date.utf8))
        let ordinal = kind.ordinal(ofDay: day)
        #expect(kind.label(ordinal) == label)
        let parsed = try #require(PeriodKind.parseLabel(label))
        #expect(parsed.0 == kind)
        #expect(parsed.1 == ordinal)
    }

    @Test(arguments: ["2021-W53", "2024-W00", "2024-00", "2024-Q5", "2024-1", "24-01"])
    func rejectsLabels(_ label: String) {
        #expect(PeriodKind.parseLabel(label) == nil)
    }

    @Test func consecutiveWeeksAreConsecutiveOrdinals() throws {
        let a = PeriodKind.week.ordinal(ofDay: try #require(CivilDate.parse("2020-12-27".utf8)))  // Sunday, W52
        let b = PeriodKind.week.ordinal(ofDay: try #require(CivilDate.parse("2020-12-28".utf8)))  // Monday, W53
        #expect(b == a + 1)
    }
}

@Suite struct AggregationTests {
    @Test func everyAreaAndPeriodAppearsWithZeros() {
        var agg = AlertAggregate(kind: .month)
        agg.addRow(area: "A", period: 100, holding: ["x"], risk: 0.2)
        agg.addRow(area: "B", period: 103, holding: [], risk: nil)
        #expect(agg.periods == [100, 101, 102, 103])
        #expect(agg.areas == ["A", "B"])
        #expect(agg.indicators == ["people", "x"])
        #expect(agg.series(area: "A", indicator: "people") == [1, 0, 0, 0])
        #expect(agg.series(area: "B", indicator: "x") == [0, 0, 0, 0])
        var lines: [String] = []
        AlertOutput.aggregateCSV(agg, withRisk: true, suppress: 1) { lines.append($0) }
        #expect(lines.count == 1 + 2 * 4 * 2)
        #expect(lines[1] == "A,0008-05,people,1,1,1,0.2,0")
        #expect(lines[3] == "A,0008-06,people,,,,,1")
    }

    @Test func indicatorIsAnyRowPredicate() {
        struct Row: AlertRowView {
            let cells: [String: Substring]
            func value(_ column: String) -> Substring? { cells[column] }
        }
        let high = AlertIndicator(name: "high") { row in (row.value("sbp").flatMap { Double($0) } ?? 0) >= 160 }
        #expect(high.holds(Row(cells: ["sbp": "171"])))
        #expect(!high.holds(Row(cells: ["sbp": "120"])))
        #expect(!high.holds(Row(cells: [:])))
    }

    @Test(arguments: [
        (["sbp": "171", "dbp": "80"], true), (["sbp": "150", "dbp": "100"], true), (["sbp": "150", "dbp": "99"], false),
        (["sbp": "", "dbp": "101"], true), (["sbp": "abc", "dbp": ""], false), ([:], false),
    ])
    func countExpression(_ cells: [String: String], _ expected: Bool) throws {
        struct Row: AlertRowView {
            let cells: [String: String]
            func value(_ column: String) -> Substring? { cells[column].map { Substring($0) } }
        }
        let ind = try AlertIndicator.counting("high_bp", "sbp >= 160 or dbp >= 100")
        #expect(ind.columns == ["sbp", "dbp"])
        #expect(ind.holds(Row(cells: cells)) == expected)
    }

    @Test func countExpressionErrorIsTyped() {
        #expect(throws: RuleExpressionError.self) { try AlertIndicator.counting("x", "sbp >= ") }
    }

    @Test(arguments: [(3.0, "3"), (0.1, "0.1"), (-2.0, "-2"), (1.0 / 3.0, "0.3333333333333333"), (1e-5, "1e-05"), (2.5e20, "2.5e+20")])
    func numbersRoundTrip(_ v: Double, _ text: String) {
        #expect(AlertNumber.text(v) == text)
        #expect(Double(AlertNumber.text(v)) == v)
    }
}

@Suite struct HygieneTests {
    /// A detector that alarms where told, with a fixed upperbound.
    struct Fixed: AberrationDetector {
        let name = "fixed"
        let alarms: Set<Int>
        let bound: Double
        func detect(_ counts: [Double], periodsPerYear: Int) -> [Detection] {
            counts.indices.map { Detection(index: $0, observed: counts[$0], expected: nil, upperbound: bound, alarm: alarms.contains($0)) }
        }
    }

    static func levels(_ counts: [Double], _ alarmSets: [Set<Int>], bound: Double = 10, minCount: Double = 0, cooldown: Int = 0) -> [SignalLevel] {
        let dets = alarmSets.map { Fixed(alarms: $0, bound: bound).detect(counts, periodsPerYear: 12) }
        return AlertDetection.levels(dets, minCount: minCount, cooldown: cooldown)
    }

    @Test func levelFromAgreeingMethods() {
        let counts: [Double] = [5, 5, 5, 5, 25]
        let l = Self.levels(counts, [[1, 2, 3, 4], [2, 3], [3]])
        #expect(l == [.none, .watch, .warning, .alert, .alert])  // index 4: 25 ≥ 2 × 10
    }

    @Test func minCountSilences() {
        #expect(Self.levels([1, 9], [[0, 1], [0, 1]], minCount: 5) == [.none, .warning])
    }

    @Test func cooldownAllowsOnlyEscalation() {
        let counts: [Double] = [5, 5, 5, 5, 5, 5]
        let l = Self.levels(counts, [[0, 1, 2, 3, 4, 5], [2]], cooldown: 2)
        // 0 watch; 1 repeat (none); 2 warning (escalation); 3, 4 within 2 of 2 (none); 5 watch.
        #expect(l == [.watch, .none, .warning, .none, .none, .watch])
    }
}
