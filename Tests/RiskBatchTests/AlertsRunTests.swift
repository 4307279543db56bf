import RiskAlerts
import RiskBatch
import Testing

@Suite struct AlertsRunTests {
    /// Quoted fields, CRLF, blank lines, a BOM and record boundaries across small reads.
    @Test(arguments: [7, 64, 1 << 20])
    func streamsRowsAcrossReads(_ chunk: Int) throws {
        let csv = "\u{FEFF}id,commune,date,flags,risk\r\n1,A,2024-01-05,hi;bp,0.1\r\n\r\n2,A,05/02/2024,,0.2\n"
            + "3,B,20240310,hi,\n4,,2024-01-01,,\n5,B,not a date,,\n6,\"B, \"\"x\"\"\",2024-02-02,\"bp\",0.3\n7,A,2024-03-01,bp,0.5"
        var options = AlertsInputOptions()
        options.areaColumn = "commune"
        options.dateColumn = "date"
        options.riskColumn = "risk"
        let agg = try AlertsRun.aggregate(MemorySource(csv), options: options, chunkSize: chunk)
        #expect(agg.rows == 5)
        #expect(agg.skipped.emptyArea == 1)
        #expect(agg.skipped.unparseableDate == 1)
        #expect(agg.areas == ["A", "B", "B, \"x\""])
        #expect(agg.indicators == ["people", "hi", "bp"])
        #expect(agg.series(area: "A", indicator: "people") == [1, 1, 1])
        #expect(agg.series(area: "A", indicator: "bp") == [1, 0, 1])
        #expect(agg.series(area: "B, \"x\"", indicator: "bp") == [0, 1, 0])
        #expect(agg.cell(area: "A", indicator: "people", period: agg.periods[0]).riskSum == 0.1)
    }

    @Test func seriesMode() throws {
        let csv = "area,period,count,population\nX,2024-W52,3,100\nX,2025-W02,5,100\nY,2025-W01,1,\n"
        var options = AlertsInputOptions()
        options.series = true
        let agg = try AlertsRun.aggregate(MemorySource(csv), options: options)
        #expect(agg.kind == .week)
        #expect(agg.periods.map { agg.kind.label($0) } == ["2024-W52", "2025-W01", "2025-W02"])
        #expect(agg.series(area: "X", indicator: "count") == [3, 0, 5])
        #expect(agg.people(area: "X", period: agg.periods[0]) == 100)
    }

    @Test func seriesModeRefusesMixedPeriods() {
        var options = AlertsInputOptions()
        options.series = true
        #expect(throws: AlertsInputError.mixedPeriodKinds(row: 2)) {
            try AlertsRun.aggregate(MemorySource("area,period,count\nX,2024-01,3\nX,2024-Q1,3\n"), options: options)
        }
    }

    @Test func missingColumnIsNamed() {
        var options = AlertsInputOptions()
        options.areaColumn = "commune"
        options.dateColumn = "visit"
        #expect(throws: AlertsInputError.missingColumn(option: "--date", column: "visit")) {
            try AlertsRun.aggregate(MemorySource("commune,date\nA,2024-01-01\n"), options: options)
        }
    }

    /// Done-when of issue 9 on a synthetic population: the injected communes are flagged in
    /// their rise months, few others are. The indicator is urgent blood pressure as a row
    /// predicate (what `score` writes as the `bp_urgent` flag), so the test needs no model.
    @Test func flagsInjectedCommunes() throws {
        let design = SyntheticPopulation.AreaDesign(areas: 30, months: 48)
        var sink = MemorySink()
        try SyntheticPopulation.writeAreas(rows: 30 * 48 * 20, design: design, seed: 9, to: &sink)
        var options = AlertsInputOptions()
        options.areaColumn = "commune"
        options.dateColumn = "assessment_date"
        options.period = .month
        options.indicators = [AlertIndicator(name: "bp_urgent") { row in
            (row.value("sbp").flatMap { Double($0) } ?? 0) >= 180 || (row.value("dbp").flatMap { Double($0) } ?? 0) >= 110
        }]
        let agg = try AlertsRun.aggregate(MemorySource(bytes: sink.bytes), options: options)
        let rows = AlertDetection.run(agg, settings: AlertSettings()).filter { $0.indicator == "bp_urgent" }
        let injected = Set(design.injectedCommunes.map(design.commune))
        let rise = Set(design.riseMonthIndices.map(design.monthLabel))
        var level: [String: SignalLevel] = [:]
        for r in rows { level["\(r.area)|\(r.period)"] = r.level }
        for c in injected {
            let flagged = rise.filter { (level["\(c)|\($0)"] ?? .none) >= .warning }
            #expect(flagged.count >= 2, "commune \(c)")
        }
        let clean = level.filter { !injected.contains(String($0.key.split(separator: "|")[0])) }
        let alerts = clean.values.filter { $0 == .alert }.count
        #expect(Double(alerts) <= 0.02 * Double(clean.count))
    }
}
