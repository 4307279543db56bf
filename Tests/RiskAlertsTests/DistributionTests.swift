import RiskAlerts
import RiskTestSupport
import Testing

/// Distribution functions against values printed by R 4.2.2 (`qnorm`, `qnbinom`, `qpois`, `pt`,
/// `surveillance:::arlCusum`) with `sprintf("%.17g")`.
@Suite struct DistributionTests {
    @Test(arguments: [
        (0.999, 3.0902323061678132), (0.975, 1.9599639845400536), (0.5, 0),
        (1e-10, -6.3613409024040557), (0.3, -0.52440051270804067),
    ])
    func normalQuantile(_ p: Double, _ r: Double) {
        let q = NormalDistribution.quantile(p)
        #expect(q == r || isClose(q, r, relative: DetectorTolerance.normalQuantile))
    }

    @Test(arguments: [(0.5, 0.1, 18.0), (3.2, 0.5, 8), (1000, 0.9, 130), (1e6, 0.999, 1053)])
    func negativeBinomialQuantile(_ size: Double, _ prob: Double, _ r: Double) {
        #expect(CountDistribution.negativeBinomialQuantile(0.95, size: size, prob: prob) == r)
    }

    @Test(arguments: [(0.01, 0.0), (1.5, 4), (40, 51), (5000, 5117)])
    func poissonQuantile(_ lambda: Double, _ r: Double) {
        #expect(CountDistribution.poissonQuantile(0.95, mean: lambda) == r)
    }

    @Test(arguments: [(-2.1, 5.0, 0.04487662494229934), (-0.3, 30, 0.38312305264217639), (1.7, 12, 0.9425600673023955)])
    func studentT(_ t: Double, _ df: Double, _ r: Double) {
        #expect(isClose(StudentT.cdf(t, df: df), r, relative: DetectorTolerance.studentT))
    }

    @Test func cusumARL() {
        // arlCusum(h = 7.6, k = 5.4, theta = 4.5)$ARL
        let arl = RogersonCUSUM.arl(hTenths: 76, kTenths: 54, theta: 4.5)
        #expect(isClose(arl, 102.00544481234159, relative: DetectorTolerance.arl))
    }

    /// `hValues(theta0, ARL0 = 100, s = 1, distr = "poisson")$hValues` in R: small and large θ0.
    @Test(arguments: [(0.3, 6, 24), (2000, 20223, 1292)])
    func cusumKAndH(_ theta0: Double, _ k: Int, _ h: Int) {
        let kT = RogersonCUSUM.findK(theta0: theta0, shift: 1)
        #expect(kT == k)
        #expect(RogersonCUSUM.findH(arl0: 100, theta0: theta0, kTenths: kT) == h)
    }

    @Test func cusumWithoutBaselineCasesIsNotEvaluated() {
        let zeros = [Double](repeating: 0, count: 12) + [3, 4, 5]
        #expect(RogersonCUSUM().detect(zeros, periodsPerYear: 12).isEmpty)
    }

    @Test func cusumWithGivenKAndHResetsAfterAlarm() {
        // k = 2.5, h = 3.0: S = 0 → 2.5 → 5.0 (alarm) → reset: 0 + 5 − 2.5 = 2.5 → 2.5 + 2 − 2.5 = 2.0.
        let counts = [Double](repeating: 2, count: 12) + [5, 5, 5, 2]
        let steps = RogersonCUSUM(k: 2.5, h: 3.0).run(counts)
        #expect(steps.map(\.statisticTenths) == [25, 50, 25, 20])
        #expect(steps.map(\.detection.alarm) == [false, true, false, false])
        // Smallest alarming count: ⌈h − S' + k⌉ = ⌈5.5⌉, ⌈3.0⌉, ⌈5.5⌉, ⌈3.0⌉
        #expect(steps.map(\.detection.upperbound) == [6, 3, 6, 3])
    }
}
