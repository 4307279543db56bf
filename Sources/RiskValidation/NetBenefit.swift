// Net benefit of treating by predicted risk at threshold probabilities, for a survival outcome.
//
// Contract: Vickers A.J., Elkin E.B. (2006) Med Decis Making 26:565, doi:10.1177/0272989X06295361;
// survival form of Vickers A.J. et al. (2008) BMC Med Inform Decis Mak 8:53, doi:10.1186/1472-6947-8-53,
// as `dcurves::dca(Surv(time, event) ~ p, time = h)` computes it: with f the fraction of the cohort
// with p ≥ pₜ and S₊ the Kaplan–Meier survival at h among them,
// NB(pₜ) = f·(1 − S₊) − f·S₊·pₜ/(1 − pₜ); treating everyone uses f = 1 and the whole-cohort KM.
// Exact arithmetic on KM products (~1e-15 relative); checked to 1e-9 against the same formula
// written out in R with survfit (dcurves itself was not installed where the references were made).

/// Net benefit at one threshold.
public struct NetBenefitPoint: Equatable, Sendable {
    /// Threshold probability pₜ in (0, 1).
    public let threshold: Double
    /// Net benefit of treating those with predicted risk ≥ pₜ.
    public let model: Double
    /// Net benefit of treating everyone.
    public let treatAll: Double
}

public enum NetBenefit {
    /// Net benefit of the model and of treat-all at each threshold (see the file contract).
    public static func compute(_ sample: SurvivalSample, horizon: Double, thresholds: [Double]) -> [NetBenefitPoint] {
        let all = KaplanMeier(time: sample.time, event: sample.event).survival(at: horizon)
        let n = Double(sample.count)
        return thresholds.map { pt in
            let odds = pt / (1 - pt)
            let selected = sample.risk.indices.filter { sample.risk[$0] >= pt }
            var model = 0.0
            if !selected.isEmpty {
                let s = sample.subset(selected)
                let sPlus = KaplanMeier(time: s.time, event: s.event).survival(at: horizon)
                let f = Double(selected.count) / n
                model = f * (1 - sPlus) - f * sPlus * odds
            }
            return NetBenefitPoint(threshold: pt, model: model, treatAll: (1 - all) - all * odds)
        }
    }
}
