import Foundation
import RiskAlerts
import RiskTestSupport
import Testing

/// The detectors against R `surveillance` 1.20.3 on the seeded series of
/// Fixtures/surveillance (see its README for how they were produced).
@Suite struct SurveillanceReferenceTests {
    struct Series: Sendable, CustomStringConvertible {
        let name: String
        let freq: Int
        let counts: [Double]
        var description: String { name }
    }

    static func fixture(_ file: String) throws -> [[String: String]] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/surveillance/\(file)", withExtension: nil))
        return try readFixtureCSV(url)
    }

    static let series: [Series] = {
        guard let rows = try? fixture("series.csv") else { return [] }
        var order: [String] = []
        var byName: [String: (Int, [Double])] = [:]
        for r in rows {
            let name = r["series"]!
            if byName[name] == nil { order.append(name); byName[name] = (Int(r["freq"]!)!, []) }
            byName[name]!.1.append(Double(r["observed"]!)!)
        }
        return order.map { Series(name: $0, freq: byName[$0]!.0, counts: byName[$0]!.1) }
    }()

    static func optional(_ s: String?) -> Double? {
        guard let s, !s.isEmpty else { return nil }
        return Double(s)
    }

    @Test func fixturesLoaded() {
        #expect(Self.series.count == 8)
    }

    @Test(arguments: series)
    func ears(_ s: Series) throws {
        let rows = try Self.fixture("ears.csv").filter { $0["series"] == s.name }
        for (method, code) in [(EARSDetector.Method.c1, "C1"), (.c2, "C2"), (.c3, "C3")] {
            let expected = rows.filter { $0["method"] == code }
            let got = EARSDetector(method, baseline: 7, alpha: 0.001).detect(s.counts, periodsPerYear: s.freq)
            try #require(got.count == expected.count, "\(code)")
            for (g, e) in zip(got, expected) {
                #expect(g.index + 1 == Int(e["index"]!)!)
                if let u = Self.optional(e["upperbound"]) {
                    let gu = try #require(g.upperbound, "\(code) t=\(g.index + 1)")
                    #expect(isClose(gu, u, relative: DetectorTolerance.earsBound) || gu == u,
                            "\(code) t=\(g.index + 1): \(gu) vs \(u)")
                    #expect(g.alarm == (e["alarm"] == "1"), "\(code) t=\(g.index + 1)")
                } else {
                    #expect(g.upperbound == nil, "\(code) t=\(g.index + 1)")
                    #expect(!g.alarm)
                }
            }
        }
    }

    @Test(arguments: series)
    func cusumParameters(_ s: Series) throws {
        let row = try #require(try Self.fixture("cusum_params.csv").first { $0["series"] == s.name })
        let p = try #require(RogersonCUSUM().parameters(s.counts))
        #expect(p.theta0 == Double(row["theta0"]!)!)
        #expect(p.kTenths == Int((Double(row["k"]!)! * 10).rounded()))
        #expect(p.hTenths == Int((Double(row["h"]!)! * 10).rounded()))
    }

    /// Alarms equal R's everywhere. Upperbounds equal R's except where h − S' + k is a whole
    /// number: we compute in exact tenths, R takes the ceiling of a binary sum that can land a
    /// hair above that whole number (e.g. 7.6 − 1.9999999999999996 + 5.4) and then reports one
    /// more than the smallest count that alarms.
    @Test(arguments: series)
    func cusum(_ s: Series) throws {
        let expected = try Self.fixture("cusum.csv").filter { $0["series"] == s.name }
        let got = RogersonCUSUM().run(s.counts)
        try #require(got.count == expected.count)
        for (step, e) in zip(got, expected) {
            let g = step.detection
            #expect(g.index + 1 == Int(e["index"]!)!)
            #expect(g.alarm == (e["alarm"] == "1"), "t=\(g.index + 1)")
            let r = Double(e["upperbound"]!)!
            let u = try #require(g.upperbound)
            if u != r {
                #expect(r == u + 1, "t=\(g.index + 1)")
                #expect((step.hTenths - step.startTenths + step.kTenths) % 10 == 0, "t=\(g.index + 1)")
            }
        }
    }

    @Test(arguments: series.filter { $0.counts.count >= $0.freq * 3 + 3 })
    func farrington(_ s: Series) throws {
        let expected = try Self.fixture("farrington.csv").filter { $0["series"] == s.name }
        let got = FarringtonFlexible().detect(s.counts, periodsPerYear: s.freq)
        try #require(got.count == expected.count)
        for (g, e) in zip(got, expected) {
            let t = Int(e["index"]!)!
            #expect(g.index + 1 == t)
            #expect(g.upperbound == Self.optional(e["upperbound"]), "t=\(t)")
            #expect(g.alarm == (e["alarm"] == "1"), "t=\(t)")
            if let ex = Self.optional(e["expected"]) {
                let ge = try #require(g.expected, "t=\(t)")
                #expect(isClose(ge, ex, relative: DetectorTolerance.farringtonExpected), "t=\(t): \(ge) vs \(ex)")
            } else {
                #expect(g.expected == nil, "t=\(t)")
            }
        }
    }
}
