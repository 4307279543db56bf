import Foundation
import RiskAlerts
@testable import RiskBatch
import RiskModels
import RiskTestSupport
import Testing

/// The demo, in memory: every shipped model scores most of the synthetic people it applies to,
/// and each model is summarised with its own categories.
@Suite struct DemoTests {
    static let run: (summary: RunSummary, output: [UInt8]) = {
        do { return try DemoRun.scoreInMemory(rows: 2000, seed: 20261127, library: library, flags: rules) } catch {
            fatalError("demo run failed: \(error)")
        }
    }()

    @Test func everyModelScoresRows() {
        let scored = DemoRun.scored(Self.run.summary)
        #expect(Set(scored.keys) == Set(allModels.map(\.id)))
        for m in allModels { #expect((scored[m.id] ?? 0) > 0, "\(m.id): \(Self.run.summary.statusCounts[Self.run.summary.modelIDs.firstIndex(of: m.id)!])") }
    }

    /// Most of the people a model applies to (status not `not_applicable`) are scored: the
    /// population carries every input of every model.
    @Test func mostApplicablePeopleAreScored() {
        let s = Self.run.summary
        for (m, id) in s.modelIDs.enumerated() {
            let counts = s.statusCounts[m]
            let applicable = counts.filter { !$0.key.hasPrefix("not_applicable") }.values.reduce(0, +)
            let scored = counts.filter { $0.key == "ok" || $0.key.hasPrefix("ok;") }.values.reduce(0, +)
            #expect(applicable > 0 && Double(scored) >= 0.8 * Double(applicable), "\(id): \(counts)")
            #expect(!counts.keys.contains { $0.hasPrefix("missing:") }, "\(id) lacks inputs: \(counts)")
        }
    }

    /// eGFR in KDIGO G1–G5, FINDRISC in its point bands, KFRE around its referral thresholds;
    /// the WHO-style 10-year bands only for the 10-year cardiovascular models.
    @Test func bandsAreModelAppropriate() throws {
        let counts = CategoryCounts(output: Self.run.output, models: try DemoRun.orderedModels(library))
        let byModel = Dictionary(grouping: counts.entries, by: \.model)
        let egfr = try #require(byModel["egfr_ckdepi2021"]?.first)
        #expect(egfr.categories.categories.map(\.code) == ["G1", "G2", "G3a", "G3b", "G4", "G5"])
        #expect(egfr.counts.reduce(0, +) == egfr.scored && egfr.scored > 0)
        #expect(egfr.counts[2] + egfr.counts[3] + egfr.counts[4] > 0, "a CKD subgroup exists: \(egfr.counts)")
        let findrisc = try #require(byModel["findrisc"]?.first)
        #expect(findrisc.categories.categories.map(\.code) == ["low<7", "slight7-11", "moderate12-14", "high15-20", "veryhigh>20"])
        #expect(findrisc.counts.reduce(0, +) == findrisc.scored && findrisc.scored > 0)
        for id in ["kfre_4var", "kfre_8var"] {
            let kfre = try #require(byModel[id])
            #expect(kfre.map(\.categories.outcome) == ["kf_5", "kf_2"])
            #expect(kfre[0].counts.reduce(0, +) == kfre[0].scored && kfre[0].scored > 0)
            #expect(kfre[0].counts[2] > 0, "\(id): some people above the 5 % referral threshold")
        }
        let s = Self.run.summary
        for (m, id) in s.modelIDs.enumerated() {
            let model = try library.model(id)
            if ["egfr_ckdepi2021", "findrisc", "kfre_4var", "kfre_8var"].contains(id) {
                #expect(model.bandColumn == nil && s.bandCounts[m].allSatisfy { $0 == 0 }, "\(id) gets no WHO risk bands")
            } else if model.bandColumn != nil {
                #expect(s.bandCounts[m].reduce(0, +) > 0, "\(id)")
            }
        }
        let report = DemoRun.render(s, models: try DemoRun.orderedModels(library), categories: counts, input: "i.csv", output: "o.csv")
        for text in ["eGFR categories", "G3a", "FINDRISC points", "KFRE 5-year", "5y>=5", "2y>=40", "QRISK3 disclaimer"] {
            #expect(report.contains(text), "\(text)")
        }
    }

    @Test func orderPutsVietNamsModelsFirst() throws {
        let ids = try DemoRun.orderedModels(library).map(\.id)
        #expect(Array(ids.prefix(DemoRun.first.count)) == DemoRun.first)
        #expect(Set(ids) == Set(allModels.map(\.id)) && ids.count == allModels.count)
    }

    @Test(arguments: [(OutputCategories.kdigoGFR, 89.999, "G2"), (.kdigoGFR, 90, "G1"), (.kdigoGFR, 59.5, "G3a"), (.kdigoGFR, 45, "G3a"),
                      (.kdigoGFR, 44.9, "G3b"), (.kdigoGFR, 15, "G4"), (.kdigoGFR, 14.9, "G5"),
                      (.findrisc, 6, "low<7"), (.findrisc, 7, "slight7-11"), (.findrisc, 11, "slight7-11"), (.findrisc, 12, "moderate12-14"),
                      (.findrisc, 15, "high15-20"), (.findrisc, 20, "high15-20"), (.findrisc, 21, "veryhigh>20"),
                      (.kfre5, 2.99, "5y<3"), (.kfre5, 3, "5y3-5"), (.kfre5, 5, "5y>=5")])
    func categoryBoundaries(_ c: OutputCategories, _ x: Double, _ code: String) {
        #expect(c.categories.filter { $0.contains(x) }.map(\.code) == [code])
    }
}

@Suite struct SyntheticPopulationTests {
    func bytes(rows: Int, seed: UInt64) throws -> [UInt8] {
        let sink = MemorySink()
        var s = sink.sink
        try SyntheticPopulation.write(rows: rows, seed: seed, to: &s)
        return sink.bytes
    }

    @Test func sameSeedSameBytes() throws {
        let a = try bytes(rows: 3000, seed: 42)
        #expect(a == (try bytes(rows: 3000, seed: 42)))
        #expect(a != (try bytes(rows: 3000, seed: 43)))
        // A prefix of a longer population is the shorter one.
        let b = try bytes(rows: 1000, seed: 42)
        #expect(Array(a.prefix(b.count)) == b)
        #expect(Checksum.sha256Hex(a).count == 64)
    }

    @Test func everyRowHasEveryColumn() throws {
        let text = String(decoding: try bytes(rows: 500, seed: 9), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 501)
        #expect(lines[0] == SyntheticPopulation.columns.joined(separator: ","))
        for l in lines { #expect(l.split(separator: ",", omittingEmptySubsequences: false).count == SyntheticPopulation.columns.count) }
    }
}

@Suite struct ProgressTests {
    /// A manual clock and a recording terminal.
    final class Fake: @unchecked Sendable {
        var now = 0.0
        var written: [String] = []
    }

    func reporter(_ f: Fake, total: Int?, terminal: Bool = true, quiet: Bool = false) -> ProgressReporter {
        ProgressReporter(totalBytes: total, isTerminal: terminal, quiet: quiet, clock: { f.now }, emit: { f.written.append($0) })
    }

    @Test(arguments: [
        (1_250_000, 60_375_000, 12.5, 200_000_000, "1,250,000 rows  4.8 MB/s  0:13 elapsed  30 %  ETA 0:29"),
        (999, 1_000_000, 2.0, nil, "999 rows  0.5 MB/s  0:02 elapsed"),
        (10, 100, 3_700.0, 100, "10 rows  0.0 MB/s  1:01:40 elapsed  100 %  ETA 0:00"),
    ] as [(Int, Int, Double, Int?, String)])
    func renders(_ rows: Int, _ bytes: Int, _ elapsed: Double, _ total: Int?, _ expected: String) {
        #expect(ProgressReporter.render(rows: rows, bytes: bytes, elapsed: elapsed, totalBytes: total) == expected)
    }

    @Test func silentForShortRunsThenPacedThenCleared() {
        let f = Fake()
        let p = reporter(f, total: 1000)
        p.update(rows: 1, bytes: 10)
        f.now = 1.9
        p.update(rows: 5, bytes: 50)
        #expect(f.written.isEmpty)
        f.now = 2.0
        p.update(rows: 10, bytes: 100)
        f.now = 2.2
        p.update(rows: 11, bytes: 110)
        #expect(f.written == ["\r10 rows  0.0 MB/s  0:02 elapsed  10 %  ETA 0:18"])
        f.now = 2.6
        p.update(rows: 20, bytes: 500)
        #expect(f.written.count == 2 && f.written[1].hasPrefix("\r20 rows"))
        p.finish()
        #expect(f.written.last?.hasPrefix("\r ") == true && f.written.last?.hasSuffix("\r") == true)
    }

    @Test(arguments: [(false, false), (true, true)])
    func nothingWithoutATerminalOrWithQuiet(_ terminal: Bool, _ quiet: Bool) {
        let f = Fake()
        let p = reporter(f, total: 1000, terminal: terminal, quiet: quiet)
        f.now = 10
        p.update(rows: 10, bytes: 100)
        p.finish()
        #expect(f.written.isEmpty)
    }

    @Test func sourceCountsRowsAndBytes() throws {
        let f = Fake()
        let p = reporter(f, total: nil, terminal: true)
        f.now = 5
        var source = ProgressSource(MemorySource("h\n1\n2\n3\n"), reporter: p)
        var buffer: [UInt8] = []
        while try source.read(into: &buffer, max: 3) > 0 {}
        #expect(buffer.count == 8 && source.bytes == 8 && source.lines == 4)
        #expect(f.written == ["\r0 rows  0.0 MB/s  0:05 elapsed"], "one line: later reads come within the interval")
    }
}

@Suite struct EngineInfoTests {
    @Test func versionTextNamesEngineCatalogueAndBLAS() {
        let t = EngineInfo.versionText
        #expect(t.hasPrefix("riskengine \(EngineInfo.version)\n"))
        // The printed sum is made at build time; this one now, from the embedded texts.
        #expect(t.contains("model catalogue ") && t.contains(EngineInfo.catalogueChecksum()))
        #expect(t.contains("BLAS: OpenBLAS"))
    }

    @Test func catalogueChecksumChangesWithAnyFile() {
        let files = [(path: "a.json", text: "{}"), (path: "b.json", text: "[]")]
        let base = EngineInfo.catalogueChecksum(files)
        #expect(base == EngineInfo.catalogueChecksum(files.reversed()))
        #expect(base != EngineInfo.catalogueChecksum([(path: "a.json", text: "{ }"), (path: "b.json", text: "[]")]))
        #expect(base != EngineInfo.catalogueChecksum([(path: "a.json", text: "{}[]"), (path: "b.json", text: "")]))
        #expect(base.count == 64)
    }
}

@Suite struct DemoReportLayoutTests {
    /// Each category family is one table: its header, then one line per model.
    @Test func familiesAreGrouped() throws {
        let counts = CategoryCounts(output: DemoTests.run.output, models: try DemoRun.orderedModels(library))
        let report = DemoRun.render(DemoTests.run.summary, models: try DemoRun.orderedModels(library), categories: counts, input: "i", output: "o")
        let lines = report.split(separator: "\n").map(String.init)
        let k5 = try #require(lines.firstIndex { $0.hasPrefix("KFRE 5-year") })
        #expect(lines[k5 + 2].hasPrefix("kfre_4var") && lines[k5 + 3].hasPrefix("kfre_8var"))
        let k2 = try #require(lines.firstIndex { $0.hasPrefix("KFRE 2-year") })
        #expect(lines[k2 + 2].hasPrefix("kfre_4var") && lines[k2 + 3].hasPrefix("kfre_8var"))
    }
}
