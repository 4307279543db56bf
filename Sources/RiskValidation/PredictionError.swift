// Brier score, index of prediction accuracy and time-dependent AUC at a horizon, with inverse
// probability of censoring weights.
//
// Contract: Graf E. et al. (1999) Stat Med 18:2529, doi:10.1002/(SICI)1097-0258(19990915/30)18:17/18<2529::AID-SIM274>3.0.CO;2-5;
// Gerds T.A., Schumacher M. (2006) Biom J 48:1029, doi:10.1002/bimj.200610301; Kattan M.W., Gerds T.A.
// (2018) Diagn Progn Res 2:7 (IPA); Blanche P. et al. (2013) Stat Med 32:5381 (cumulative/dynamic AUC).
// Matches `riskRegression::Score(list(m = p), Hist(time, event) ~ 1, times = h, cens.model = "km",
// metrics = c("brier", "auc"), summary = "ipa")`. Weights: a case (event at T ≤ h) gets 1/G(T−),
// a control (T > h) 1/G(h), a subject censored at or before h gets 0; G is the censoring
// Kaplan–Meier with events before censorings at tied times (KaplanMeier.censoring).
// Brier = (1/n) Σ wᵢ (Yᵢ − pᵢ)², Y = 1 for cases; the null model predicts 1 − S_KM(h) for all;
// IPA = 1 − Brier/Brier_null. AUC = Σ_cases Σ_controls wᵢwⱼ (1[pᵢ > pⱼ] + ½·1[pᵢ = pⱼ]) / (Σwᵢ·Σwⱼ),
// O(n log n) by sorting the controls' predictions. Accuracy: sums of n terms, ~1e-13 relative.
import Foundation

/// IPCW prediction error figures at one horizon.
public struct PredictionError: Equatable, Sendable {
    public let brier: Double
    public let brierNull: Double
    public let ipa: Double
    public let auc: Double

    /// Computes Brier, null Brier, IPA and AUC at `horizon`.
    public static func compute(_ sample: SurvivalSample, horizon: Double) throws(RiskValidationError) -> PredictionError {
        let g = KaplanMeier.censoring(time: sample.time, event: sample.event)
        let gh = g.survival(at: horizon)
        let km = KaplanMeier(time: sample.time, event: sample.event)
        let nullRisk = 1 - km.survival(at: horizon)
        var brier = 0.0, brierNull = 0.0
        var caseRisk: [Double] = [], caseWeight: [Double] = []
        var controlRisk: [Double] = []
        for i in 0..<sample.count {
            let t = sample.time[i], p = sample.risk[i]
            if t <= horizon && sample.event[i] {
                let gt = g.survival(before: t)
                guard gt > 0 else { throw .censoringExhausted }
                let w = 1 / gt
                brier += w * (1 - p) * (1 - p)
                brierNull += w * (1 - nullRisk) * (1 - nullRisk)
                caseRisk.append(p)
                caseWeight.append(w)
            } else if t > horizon {
                guard gh > 0 else { throw .censoringExhausted }
                brier += p * p / gh
                brierNull += nullRisk * nullRisk / gh
                controlRisk.append(p)
            }
        }
        guard !caseRisk.isEmpty else { throw .noEvents }
        let n = Double(sample.count)
        brier /= n
        brierNull /= n
        controlRisk.sort()
        var numerator = 0.0, totalCaseWeight = 0.0
        for (p, w) in zip(caseRisk, caseWeight) {
            let below = lowerBound(controlRisk, p)
            let tied = upperBound(controlRisk, p) - below
            numerator += w * (Double(below) + 0.5 * Double(tied))
            totalCaseWeight += w
        }
        let auc = controlRisk.isEmpty ? Double.nan : numerator / (totalCaseWeight * Double(controlRisk.count))
        return PredictionError(brier: brier, brierNull: brierNull, ipa: 1 - brier / brierNull, auc: auc)
    }

    private static func lowerBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let m = (lo + hi) / 2; if a[m] < x { lo = m + 1 } else { hi = m } }
        return lo
    }

    private static func upperBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let m = (lo + hi) / 2; if a[m] <= x { lo = m + 1 } else { hi = m } }
        return lo
    }
}
