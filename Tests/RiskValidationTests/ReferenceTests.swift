import Foundation
import RiskTestSupport
import RiskValidation
import Testing

/// Tolerances for comparisons with R. R writes 17 significant digits, so exact-arithmetic figures
/// (KM products, means, ratios) agree to the last few ulps; sums in another order to ~1e-13.
enum RTolerance {
    /// Issue 10 acceptance bound for C, KM, O/E, deciles, Brier, IPA.
    static let acceptance = 1e-9
    /// Issue 10 acceptance bound for the AUC.
    static let auc = 1e-6
    /// Cox fits: both sides converge to 1e-13 in log-likelihood; coefficients to ~1e-10.
    static let cox = 1e-8
}

/// The seeded cohort and R's outputs (Fixtures/validation/make_reference.R).
struct Reference {
    let sample: SurvivalSample
    let sex: [String]
    let scalars: [String: Double]
    let horizon: Double

    static func load() throws -> Reference {
        let rows = try readFixtureCSV(try url("cohort.csv"))
        let sample = try SurvivalSample(
            time: rows.map { Double($0["time"]!)! }, event: rows.map { $0["event"] == "1" },
            risk: rows.map { Double($0["pred"]!)! / 100 })
        var scalars: [String: Double] = [:]
        for row in try readFixtureCSV(try url("reference_scalars.csv")) { scalars[row["name"]!] = Double(row["value"]!)! }
        return Reference(sample: sample, sex: rows.map { $0["sex"]! }, scalars: scalars, horizon: scalars["horizon"]!)
    }

    static func url(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: "Fixtures/validation/" + name, withExtension: nil))
    }

    static func table(_ name: String) throws -> [[String: Double]] {
        try readFixtureCSV(try url(name)).map { row in row.mapValues { Double($0) ?? .nan } }
    }
}

@Suite("Against R (survival 3.5-3, prodlim, riskRegression)")
struct ReferenceTests {
    let ref: Reference
    init() throws { ref = try Reference.load() }

    @Test("Harrell's C and its counts = concordance(Surv(time, event) ~ p, reverse = TRUE)")
    func harrell() {
        let h = Concordance.harrell(ref.sample)
        #expect(isClose(h.c, ref.scalars["harrell_c"]!, relative: RTolerance.acceptance))
        #expect(h.counts == ConcordanceCounts(
            concordant: Int(ref.scalars["concordant"]!), discordant: Int(ref.scalars["discordant"]!),
            tiedX: Int(ref.scalars["tied_x"]!), tiedY: Int(ref.scalars["tied_y"]!), tiedXY: Int(ref.scalars["tied_xy"]!)))
    }

    @Test("Uno's C = concordance(..., timewt = \"n/G2\", ymax = horizon)")
    func uno() {
        let u = Concordance.uno(ref.sample, horizon: ref.horizon)
        #expect(isClose(u.c, ref.scalars["uno_c"]!, relative: RTolerance.acceptance))
    }

    @Test("Kaplan–Meier with counts = survfit")
    func kaplanMeier() throws {
        let km = KaplanMeier(time: ref.sample.time, event: ref.sample.event)
        let expected = try Reference.table("reference_km.csv")
        #expect(km.steps.count == expected.count)
        for (s, r) in zip(km.steps, expected) {
            #expect(s.time == r["time"]!)
            #expect(s.atRisk == Int(r["n_risk"]!))
            #expect(s.events == Int(r["n_event"]!))
            #expect(s.censored == Int(r["n_censor"]!))
            #expect(isClose(s.survival, r["surv"]!, relative: RTolerance.acceptance))
        }
    }

    @Test("Censoring Kaplan–Meier = prodlim(reverse = TRUE): events before censorings at ties")
    func censoringKaplanMeier() throws {
        let g = KaplanMeier.censoring(time: ref.sample.time, event: ref.sample.event)
        let expected = try Reference.table("reference_censoring_km.csv")
        for r in expected {
            #expect(isClose(g.survival(at: r["time"]!), r["surv"]!, relative: RTolerance.acceptance))
        }
    }

    @Test("Observed risk, expected risk and O/E")
    func observedExpected() {
        let o = Calibration.observedRisk(ref.sample, horizon: ref.horizon)
        let e = Calibration.expectedRisk(ref.sample)
        #expect(isClose(o, ref.scalars["km_observed_risk"]!, relative: RTolerance.acceptance))
        #expect(isClose(e, ref.scalars["expected_risk"]!, relative: RTolerance.acceptance))
        #expect(isClose(o / e, ref.scalars["oe_ratio"]!, relative: RTolerance.acceptance))
    }

    @Test("Calibration slope = coxph(Surv(pmin(time, h), event & time <= h) ~ cloglog(p))")
    func slope() throws {
        let s = try Calibration.slope(ref.sample, horizon: ref.horizon)
        #expect(isClose(s, ref.scalars["calibration_slope"]!, relative: RTolerance.cox))
    }

    @Test("Decile table")
    func deciles() throws {
        let d = Calibration.deciles(ref.sample, horizon: ref.horizon)
        let expected = try Reference.table("reference_deciles.csv")
        #expect(d.count == expected.count)
        for (row, r) in zip(d, expected) {
            #expect(row.decile == Int(r["decile"]!))
            #expect(row.n == Int(r["n"]!))
            #expect(isClose(row.meanPredicted, r["mean_predicted"]!, relative: RTolerance.acceptance))
            #expect(isClose(row.kmObserved, r["km_observed"]!, absolute: RTolerance.acceptance))
        }
    }

    @Test("Smoothed calibration curve = survfit(coxph(~ rcs(cloglog(p), 3 knots)))")
    func curve() throws {
        let knots = Calibration.splineKnots(ref.sample)
        let expectedKnots = try Reference.table("reference_calibration_spline.csv").map { $0["knot"]! }
        for (k, r) in zip(knots, expectedKnots) { #expect(isClose(k, r, relative: RTolerance.acceptance)) }
        let c = try Calibration.curve(ref.sample, horizon: ref.horizon)
        let expected = try Reference.table("reference_calibration_curve.csv")
        #expect(c.count == expected.count)
        for (point, r) in zip(c, expected) {
            #expect(point.predicted == r["predicted"]!)
            #expect(isClose(point.observed, r["observed"]!, relative: RTolerance.cox))
        }
    }

    @Test("Brier, null Brier, IPA and AUC = riskRegression::Score(cens.model = \"km\")")
    func predictionError() throws {
        let pe = try PredictionError.compute(ref.sample, horizon: ref.horizon)
        #expect(isClose(pe.brier, ref.scalars["brier"]!, relative: RTolerance.acceptance))
        #expect(isClose(pe.brierNull, ref.scalars["brier_null"]!, relative: RTolerance.acceptance))
        #expect(isClose(pe.ipa, ref.scalars["ipa"]!, relative: RTolerance.acceptance))
        #expect(isClose(pe.auc, ref.scalars["auc"]!, relative: RTolerance.auc))
    }

    @Test("Integrated calibration index = mean |curve(p) − p| from the R curve")
    func ici() throws {
        let model = try Calibration.smoothed(ref.sample, horizon: ref.horizon)
        let expected = try Reference.table("reference_ici.csv")[0]["value"]!
        #expect(isClose(Calibration.integratedCalibrationIndex(model, ref.sample), expected, relative: RTolerance.cox))
    }

    @Test("Net benefit = the dcurves survival formula computed in R with survfit")
    func netBenefit() throws {
        let expected = try Reference.table("reference_net_benefit.csv")
        let nb = NetBenefit.compute(ref.sample, horizon: ref.horizon, thresholds: expected.map { $0["threshold"]! })
        for (point, r) in zip(nb, expected) {
            #expect(isClose(point.model, r["model"]!, relative: RTolerance.acceptance))
            #expect(isClose(point.treatAll, r["treat_all"]!, relative: RTolerance.acceptance))
        }
    }
}
