import Foundation
import RiskFitting
import RiskTestSupport
import RiskValidation
import Testing

/// Tolerances of the optimism suite.
enum OptimismTolerance {
    /// The issue's bound for comparisons with R on the same resamples (refits converge to R's iterates
    /// to ~1e-10; figures to 1e-9; AUC by the same arithmetic here).
    static let r = 1e-6
    /// Our two implementations of the same loop, same arithmetic order for every term.
    static let sameArithmetic = 1e-12
}

/// Seeded Cox cohorts: `signal` terms with log-hazard ratio 0.6 and `noise` terms with none,
/// exponential event times, uniform censoring on 0–10 years.
struct OptimismCohort {
    let time: [Double]
    let event: [Bool]
    let spec: FitSpecification

    init(rows n: Int, signal: Int, noise: Int, seed: UInt64, family: FitSpecification.Family = .cox) {
        var rng = SplitMix(seed: seed)
        func normal() -> Double {
            (-2 * Foundation.log(max(rng.nextDouble(), 1e-300))).squareRoot() * cos(2 * .pi * rng.nextDouble())
        }
        let p = signal + noise
        var x = [[Double]](repeating: [], count: p)
        var time: [Double] = [], event: [Bool] = []
        for _ in 0..<n {
            var lp = 0.0
            for t in 0..<p {
                let v = normal()
                x[t].append(v)
                if t < signal { lp += 0.6 * v }
            }
            let t = -Foundation.log(max(rng.nextDouble(), 1e-300)) / (0.08 * Foundation.exp(lp))
            let c = 10 * rng.nextDouble()
            time.append(max(min(t, c), 0.001))
            event.append(t <= c)
        }
        self.time = time
        self.event = event
        spec = FitSpecification(family: family, terms: (0..<p).map { "x\($0 + 1)" }, covariates: x)
    }
}

@Suite struct OptimismTests {
    @Test func seededAndIndependentOfThreads() throws {
        let c = OptimismCohort(rows: 120, signal: 2, noise: 2, seed: 41)
        let one = try Optimism.run(c.spec, time: c.time, event: c.event, horizon: 5, replicates: 12, seed: 9, threads: 1)
        let four = try Optimism.run(c.spec, time: c.time, event: c.event, horizon: 5, replicates: 12, seed: 9, threads: 4)
        #expect(one.figures.map(\.0) == four.figures.map(\.0))
        for (a, b) in zip(one.figures, four.figures) { #expect(a.1 == b.1) }
        let other = try Optimism.run(c.spec, time: c.time, event: c.event, horizon: 5, replicates: 12, seed: 10, threads: 1)
        #expect(other.figures.first!.1 != one.figures.first!.1)
        #expect(Set(one.figures.map(\.0)) == Set(Optimism.figureKeys))
    }

    @Test func overfittedModelIsOptimistic() throws {
        // 1 true term and 14 noise terms on 100 rows: the apparent C is inflated.
        let c = OptimismCohort(rows: 100, signal: 1, noise: 14, seed: 42)
        let r = try Optimism.run(c.spec, time: c.time, event: c.event, horizon: 5, replicates: 40, seed: 1, threads: 2)
        let harrell = try #require(r.figures.first { $0.0 == "harrell_c" }?.1)
        #expect(harrell.optimism > 0.03)
        #expect(harrell.corrected < harrell.apparent)
        let slope = try #require(r.figures.first { $0.0 == "calibration_slope" }?.1)
        #expect(slope.corrected < 0.9)
        #expect(r.used + r.failed.values.reduce(0, +) == 40)
    }

    @Test func largeCohortWithFewTermsIsHardlyOptimistic() throws {
        let c = OptimismCohort(rows: 3000, signal: 2, noise: 0, seed: 43)
        // The mean of 30 differences whose spread is about the standard error of C (~0.01 here).
        let r = try Optimism.run(c.spec, time: c.time, event: c.event, horizon: 5, replicates: 30, seed: 2, threads: 2)
        let harrell = try #require(r.figures.first { $0.0 == "harrell_c" }?.1)
        #expect(abs(harrell.optimism) < 0.01)
        #expect(r.used == 30)
    }

    /// Our own second implementation of the loop (not independent: same fitter and estimators),
    /// written plainly: replicate seeds from SplitMix64(seed), indices ⌊u·n⌋, refit, predict, average.
    @Test func matchesAPlainReferenceLoopOnATinyCohort() throws {
        let c = OptimismCohort(rows: 40, signal: 1, noise: 1, seed: 44)
        let (seed, b, h) = (UInt64(5), 6, 4.0)
        let report = try Optimism.run(c.spec, time: c.time, event: c.event, horizon: h, replicates: b, seed: seed, threads: 3)

        func risk(_ rows: [Int], on target: [Int]) throws -> [Double] {
            let fit = try RiskFitting.CoxRegression.fit(CoxData(
                time: rows.map { c.time[$0] }, event: rows.map { c.event[$0] },
                covariates: c.spec.covariates.map { x in rows.map { x[$0] } }, terms: c.spec.terms))
            let h0 = fit.baseline[0].cumulativeHazard(at: h, ties: .efron)
            return target.map { i in
                let lp = zip(fit.coefficients, c.spec.covariates).map { $0 * $1[i] }.reduce(0, +)
                return -Foundation.expm1(-h0 * Foundation.exp(lp))
            }
        }
        let all = Array(0..<c.time.count)
        let apparent = try Optimism.figures(time: c.time, event: c.event, risk: try risk(all, on: all), horizon: h)
        var seeds = SplitMix(seed: seed)
        var sums: [String: Double] = [:], counts: [String: Int] = [:]
        for _ in 0..<b {
            var rng = SplitMix(seed: seeds.next())
            let idx = (0..<c.time.count).map { _ in min(c.time.count - 1, Int(rng.nextDouble() * Double(c.time.count))) }
            let boot = try Optimism.figures(
                time: idx.map { c.time[$0] }, event: idx.map { c.event[$0] }, risk: try risk(idx, on: idx), horizon: h)
            let test = try Optimism.figures(time: c.time, event: c.event, risk: try risk(idx, on: all), horizon: h)
            for key in Optimism.figureKeys {
                if let x = boot[key] ?? nil, let y = test[key] ?? nil { sums[key, default: 0] += x - y; counts[key, default: 0] += 1 }
            }
        }
        #expect(report.used == b)
        for (key, figure) in report.figures {
            let optimism = sums[key]! / Double(counts[key]!)
            #expect(figure.replicates == counts[key]!)
            #expect(isClose(figure.apparent, (apparent[key] ?? nil)!, relative: OptimismTolerance.sameArithmetic))
            #expect(isClose(figure.optimism, optimism, absolute: OptimismTolerance.sameArithmetic))
            #expect(isClose(figure.corrected, figure.apparent - optimism, absolute: OptimismTolerance.sameArithmetic))
        }
    }

    @Test func failedRefitsAreCountedNotHidden() throws {
        // Logistic, a rare binary term: 3 rows have it (2 events, 1 non-event). Resamples that lose the
        // non-event separate; resamples with none of the 3 make the term constant (aliased).
        var rng = SplitMix(seed: 45)
        let n = 40
        var rare = [Double](repeating: 0, count: n), other: [Double] = [], event: [Bool] = []
        for i in 0..<n {
            other.append(rng.nextDouble())
            event.append(i < 3 ? i != 2 : rng.nextDouble() < 0.4)
            if i < 3 { rare[i] = 1 }
        }
        let spec = FitSpecification(family: .logistic, terms: ["rare", "other"], covariates: [rare, other])
        let time = (0..<n).map { i in event[i] ? 1 + Double(i % 7) : 8.0 }
        let r = try Optimism.run(spec, time: time, event: event, horizon: 7.5, replicates: 30, seed: 3, threads: 2)
        let failures = r.failed.values.reduce(0, +)
        #expect(failures > 0)
        #expect(r.used + failures == 30)
        #expect((r.failed[.separation] ?? 0) + (r.failed[.collinear] ?? 0) == failures)
        let json = r.jsonObject()
        #expect(json["replicates_used"] as? Int == r.used)
        #expect((json["failed"] as? [String: Int])?["separation"] == r.failed[.separation] ?? 0)
        for (_, figure) in r.figures { #expect(figure.replicates <= r.used) }
    }

    @Test func resamplesMissingAStratumAreCounted() throws {
        // A stratified Cox fit with a stratum of 2 rows (one event early): resamples without it cannot
        // predict for the original cohort.
        let c = OptimismCohort(rows: 60, signal: 1, noise: 0, seed: 47)
        var spec = c.spec
        spec.strata = (0..<60).map { $0 < 2 ? 1 : 0 }
        var time = c.time, event = c.event
        time[0] = 0.5
        event[0] = true
        let r = try Optimism.run(spec, time: time, event: event, horizon: 5, replicates: 40, seed: 4, threads: 2)
        let absent = r.failed[.stratumAbsent] ?? 0
        #expect(absent > 0)
        #expect(r.used + r.failed.values.reduce(0, +) == 40)
        #expect(r.used > 0)
    }

    @Test func apparentFitFailureIsAnError() {
        let c = OptimismCohort(rows: 30, signal: 1, noise: 0, seed: 46)
        var spec = c.spec
        spec.covariates.append(spec.covariates[0].map { 2 * $0 })
        spec.terms.append("twice")
        #expect(throws: OptimismError.apparentFit(.collinear(term: "twice"))) {
            try Optimism.run(spec, time: c.time, event: c.event, horizon: 5, replicates: 2, seed: 1, threads: 1)
        }
    }
}

/// The replicate figures against R on the same resample index vectors (Fixtures/optimism, see its README).
@Suite struct OptimismReferenceTests {
    static func url(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: "Fixtures/optimism/" + name, withExtension: nil))
    }

    @Test func replicatesAndCorrectionMatchR() throws {
        let rows = try readFixtureCSV(try Self.url("cohort.csv"))
        let time = rows.map { Double($0["time"]!)! }, event = rows.map { $0["event"] == "1" }
        let terms = ["x1", "x2", "x3", "x4"]
        let spec = FitSpecification(family: .cox, terms: terms, covariates: terms.map { t in rows.map { Double($0[t]!)! } })
        var indices: [Int: [Int]] = [:]
        for row in try readFixtureCSV(try Self.url("indices.csv")) { indices[Int(row["replicate"]!)!, default: []].append(Int(row["index"]!)! - 1) }
        var expected: [Int: [String: (Double, Double)]] = [:]
        for row in try readFixtureCSV(try Self.url("reference_replicates.csv")) {
            expected[Int(row["replicate"]!)!, default: [:]][row["figure"]!] = (Double(row["bootstrap"]!)!, Double(row["test"]!)!)
        }
        var results: [Result<OptimismReplicate, Optimism.Failure>] = []
        for b in indices.keys.sorted() {
            let r = Optimism.replicate(spec, time: time, event: event, horizon: 5, indices: indices[b]!)
            guard case .success(let x) = r else { Issue.record("replicate \(b) failed"); continue }
            for (key, (boot, test)) in expected[b]! {
                #expect(isClose((x.bootstrap[key] ?? nil)!, boot, relative: OptimismTolerance.r), "replicate \(b) \(key) bootstrap")
                #expect(isClose((x.test[key] ?? nil)!, test, relative: OptimismTolerance.r), "replicate \(b) \(key) test")
            }
            results.append(r)
        }
        let apparentRisk = try Optimism.apparentRisk(spec, time: time, event: event, horizon: 5)
        let apparent = try Optimism.figures(time: time, event: event, risk: apparentRisk, horizon: 5)
        let report = Optimism.summarise(apparent: apparent, results: results, seed: 0, horizon: 5)
        let summary = try readFixtureCSV(try Self.url("reference_summary.csv"))
        #expect(report.figures.count == summary.count)
        for row in summary {
            let f = try #require(report.figures.first { $0.0 == row["figure"]! }?.1)
            #expect(isClose(f.apparent, Double(row["apparent"]!)!, relative: OptimismTolerance.r))
            #expect(isClose(f.optimism, Double(row["optimism"]!)!, absolute: OptimismTolerance.r))
            #expect(isClose(f.corrected, Double(row["corrected"]!)!, relative: OptimismTolerance.r))
        }
    }
}
