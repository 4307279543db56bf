import Foundation
import RiskTestSupport
import RiskValidation
import Testing

/// Exact-rational and summation-order tolerance for comparing two double implementations.
let sameArithmetic = 1e-12

/// A seeded cohort with deliberate ties: times on a coarse grid, risks on a coarse grid.
func seededSample(n: Int, seed: UInt64, timeGrid: Double = 1, riskLevels: Int = 7) throws -> SurvivalSample {
    var rng = SplitMix(seed: seed)
    var time: [Double] = [], event: [Bool] = [], risk: [Double] = []
    for _ in 0..<n {
        time.append((rng.nextDouble() * 8 / timeGrid).rounded(.up) * timeGrid)
        event.append(rng.nextDouble() < 0.4)
        risk.append(Double(Int(rng.nextDouble() * Double(riskLevels)) + 1) / Double(riskLevels + 1))
    }
    return try SurvivalSample(time: time, event: event, risk: risk)
}

/// O(n²) Harrell/Uno by the definition in survival::concordance (reverse = TRUE).
func bruteForceConcordance(_ s: SurvivalSample, weight: (Double) -> Double) -> (c: Double, counts: ConcordanceCounts) {
    var counts = ConcordanceCounts()
    var wc = 0.0, wd = 0.0, wt = 0.0
    for i in 0..<s.count where s.event[i] {
        let w = weight(s.time[i])
        for j in 0..<s.count where j != i {
            let longer = s.time[j] > s.time[i] || (s.time[j] == s.time[i] && !s.event[j])
            if longer {
                if s.risk[i] > s.risk[j] { counts.concordant += 1; wc += w }
                else if s.risk[i] < s.risk[j] { counts.discordant += 1; wd += w }
                else { counts.tiedX += 1; wt += w }
            } else if s.time[j] == s.time[i] && s.event[j] && j > i {
                if s.risk[i] == s.risk[j] { counts.tiedXY += 1 } else { counts.tiedY += 1 }
            }
        }
    }
    return ((wc + wt / 2) / (wc + wd + wt), counts)
}

@Suite("Identities and brute-force references")
struct IdentityTests {
    @Test("Perfect ranking gives C = 1, reversed ranking C = 0", arguments: [1, 2, 3] as [UInt64])
    func perfectAndReversed(seed: UInt64) throws {
        var rng = SplitMix(seed: seed)
        let time = (0..<200).map { _ in rng.nextDouble() * 10 }
        let event = (0..<200).map { _ in rng.nextDouble() < 0.5 }
        let perfect = try SurvivalSample(time: time, event: event, risk: time.map { 1 / (2 + $0) })
        let reversed = try SurvivalSample(time: time, event: event, risk: time.map { $0 / (11 + $0) })
        #expect(Concordance.harrell(perfect).c == 1)
        #expect(Concordance.harrell(reversed).c == 0)
        #expect(Concordance.uno(perfect, horizon: 5).c == 1)
        #expect(Concordance.uno(reversed, horizon: 5).c == 0)
    }

    @Test("O(n log n) Harrell and Uno equal the O(n²) definition on tied data", arguments: [(7, 50), (8, 200), (9, 333)] as [(UInt64, Int)])
    func concordanceBruteForce(seed: UInt64, n: Int) throws {
        let s = try seededSample(n: n, seed: seed)
        let fast = Concordance.harrell(s)
        let slow = bruteForceConcordance(s) { _ in 1 }
        #expect(fast.counts == slow.counts)
        #expect(isClose(fast.c, slow.c, relative: sameArithmetic))
        let g = KaplanMeier.censoring(time: s.time, event: s.event)
        let uno = Concordance.uno(s, horizon: 5)
        let unoSlow = bruteForceConcordance(s) { t in t > 5 ? 0 : 1 / (g.survival(before: t) * g.survival(before: t)) }
        #expect(isClose(uno.c, unoSlow.c, relative: sameArithmetic))
    }

    @Test("AUC equals the O(n²) weighted pair definition", arguments: [11, 12] as [UInt64])
    func aucBruteForce(seed: UInt64) throws {
        let s = try seededSample(n: 250, seed: seed)
        let h = 4.0
        let g = KaplanMeier.censoring(time: s.time, event: s.event)
        var num = 0.0, den = 0.0
        for i in 0..<s.count where s.event[i] && s.time[i] <= h {
            for j in 0..<s.count where s.time[j] > h {
                let w = 1 / g.survival(before: s.time[i]) / g.survival(at: h)
                den += w
                num += w * (s.risk[i] > s.risk[j] ? 1 : s.risk[i] == s.risk[j] ? 0.5 : 0)
            }
        }
        let pe = try PredictionError.compute(s, horizon: h)
        #expect(isClose(pe.auc, num / den, relative: sameArithmetic))
    }

    @Test("Without censoring, KM is the empirical distribution and IPCW Brier is the plain Brier")
    func noCensoring() throws {
        var rng = SplitMix(seed: 21)
        let time = (0..<100).map { _ in (rng.nextDouble() * 10).rounded(.up) }
        let risk = (0..<100).map { _ in 0.05 + 0.9 * rng.nextDouble() }
        let s = try SurvivalSample(time: time, event: Array(repeating: true, count: 100), risk: risk)
        let h = 5.0
        let observed = Double(time.filter { $0 <= h }.count) / 100
        #expect(isClose(Calibration.observedRisk(s, horizon: h), observed, relative: sameArithmetic))
        var plain = 0.0
        for (t, p) in zip(time, risk) {
            let y: Double = t <= h ? 1 : 0
            plain += (y - p) * (y - p) / 100
        }
        let pe = try PredictionError.compute(s, horizon: h)
        #expect(isClose(pe.brier, plain, relative: sameArithmetic))
        #expect(isClose(pe.brierNull, observed * (1 - observed), relative: sameArithmetic))
    }

    @Test("Deciles: ⌊(rank − 1)·10/n⌋ + 1 sizes, ties in prediction broken by input order")
    func decileSizes() throws {
        let s = try seededSample(n: 95, seed: 5, riskLevels: 3)
        let d = Calibration.deciles(s, horizon: 5)
        #expect(d.map(\.n) == (1...10).map { k in (0..<95).filter { $0 * 10 / 95 + 1 == k }.count })
        var meanOfMeans = 0.0
        for row in d { meanOfMeans += Double(row.n) * row.meanPredicted / 95 }
        #expect(isClose(meanOfMeans, Calibration.expectedRisk(s), relative: sameArithmetic))
    }

    @Test("A model refitted on its own predictions has calibration slope 1 (recalibrated data)")
    func slopeOfTruth() throws {
        // Event times drawn from the exponential model the predictions state: slope ≈ 1.
        var rng = SplitMix(seed: 33)
        var time: [Double] = [], event: [Bool] = [], risk: [Double] = []
        for _ in 0..<4000 {
            let p = 0.02 + 0.5 * rng.nextDouble()
            let rate = -log(1 - p) / 5
            let t = -log(1 - rng.nextDouble()) / rate
            time.append(min(t, 5)); event.append(t <= 5); risk.append(p)
        }
        let s = try SurvivalSample(time: time, event: event, risk: risk)
        // 4000 subjects: the slope's standard error is about 0.05; 4 SE.
        #expect(abs(try Calibration.slope(s, horizon: 5) - 1) < 0.2)
    }

    @Test("Net benefit: threshold below every prediction equals treat-all; above all equals 0")
    func netBenefit() throws {
        let s = try seededSample(n: 300, seed: 44)
        let nb = NetBenefit.compute(s, horizon: 5, thresholds: [0.01, 0.99])
        #expect(isClose(nb[0].model, nb[0].treatAll, relative: sameArithmetic))
        #expect(nb[1].model == 0)
    }

    @Test("Bootstrap is reproducible with a seed, whatever the thread count, and intervals bracket the estimate")
    func bootstrap() throws {
        let s = try seededSample(n: 300, seed: 55)
        let options = ValidationOptions(horizon: 5, bootstrap: 50, seed: 2026)
        let a = try ValidationReport.make(s, options: options)
        let b = try ValidationReport.make(s, options: options)
        #expect(a.intervals == b.intervals)
        let ci = try #require(a.intervals["harrell_c_ci"])
        #expect(ci[0] <= a.figures.harrellC! && a.figures.harrellC! <= ci[1])
        let other = try ValidationReport.make(s, options: ValidationOptions(horizon: 5, bootstrap: 50, seed: 2027))
        #expect(other.intervals != a.intervals)
        var oneThread = options
        oneThread.threads = 1
        var threeThreads = options
        threeThreads.threads = 3
        #expect(try ValidationReport.make(s, options: oneThread).intervals == a.intervals)
        #expect(try ValidationReport.make(s, options: threeThreads).intervals == a.intervals)
    }

    @Test("Invalid inputs are typed errors naming the row", arguments: [
        ([1.0, -1], [0.1, 0.2], RiskValidationError.badTime(row: 2)),
        ([1.0, 2], [0.1, 1.0], RiskValidationError.badPrediction(row: 2)),
        ([1.0, .nan], [0.1, 0.2], RiskValidationError.badTime(row: 2)),
    ])
    func invalid(time: [Double], risk: [Double], expected: RiskValidationError) {
        #expect(throws: expected) { try SurvivalSample(time: time, event: [true, false], risk: risk) }
    }
}
