// Kaplan–Meier estimators of the event-free survival and of the censoring survival.
//
// Contract: Kaplan E.L., Meier P. (1958) JASA 53:457, doi:10.1080/01621459.1958.10501452.
// The outcome curve equals R `survival::survfit(Surv(time, event) ~ 1)` (time, n.risk, n.event,
// n.censor, surv). The censoring curve equals `prodlim::prodlim(Hist(time, event) ~ 1,
// reverse = TRUE)`, the estimator `riskRegression::Score(cens.model = "km")` uses: at a time with
// both events and censorings the events leave the risk set first, so the factor is
// 1 − c/(n − d). Accuracy: products of exact ratios in double precision, ~1e-15 relative; tests
// hold 1e-12 against R's 17-digit output. Times are compared exactly (no `aeqSurv` rounding).

/// One step of a Kaplan–Meier curve at a distinct observed time.
public struct KaplanMeierStep: Equatable, Sendable {
    /// The time.
    public let time: Double
    /// Subjects with follow-up ≥ time.
    public let atRisk: Int
    /// Events at the time.
    public let events: Int
    /// Censorings at the time.
    public let censored: Int
    /// Survival just after the time.
    public let survival: Double
}

/// A right-continuous step function S(t) built from a Kaplan–Meier estimator.
public struct KaplanMeier: Sendable {
    /// Steps at each distinct observed time, in increasing time.
    public let steps: [KaplanMeierStep]

    /// Event-free survival: S(t) = Π_{tᵢ ≤ t} (1 − dᵢ/nᵢ).
    /// - Parameters: time: follow-up (years); event: true where the event was observed.
    public init(time: [Double], event: [Bool]) {
        steps = KaplanMeier.build(time: time, event: event, censoring: false)
    }

    /// Censoring survival G(t) = Π_{tᵢ ≤ t} (1 − cᵢ/(nᵢ − dᵢ)) (events before censorings at ties).
    public static func censoring(time: [Double], event: [Bool]) -> KaplanMeier {
        KaplanMeier(steps: build(time: time, event: event, censoring: true))
    }

    private init(steps: [KaplanMeierStep]) { self.steps = steps }

    private static func build(time: [Double], event: [Bool], censoring: Bool) -> [KaplanMeierStep] {
        let order = time.indices.sorted { time[$0] < time[$1] }
        var out: [KaplanMeierStep] = []
        var atRisk = time.count
        var s = 1.0
        var k = 0
        while k < order.count {
            let t = time[order[k]]
            var d = 0
            var c = 0
            while k < order.count, time[order[k]] == t {
                if event[order[k]] { d += 1 } else { c += 1 }
                k += 1
            }
            if censoring {
                let n = atRisk - d
                if c > 0 { s *= Double(n - c) / Double(n) }
            } else if d > 0 {
                s *= Double(atRisk - d) / Double(atRisk)
            }
            out.append(KaplanMeierStep(time: t, atRisk: atRisk, events: d, censored: c, survival: s))
            atRisk -= d + c
        }
        return out
    }

    /// S(t): the survival just after `t` (right-continuous).
    public func survival(at t: Double) -> Double {
        let i = lastIndex(atOrBefore: t, strict: false)
        return i < 0 ? 1 : steps[i].survival
    }

    /// S(t−): the survival just before `t`.
    public func survival(before t: Double) -> Double {
        let i = lastIndex(atOrBefore: t, strict: true)
        return i < 0 ? 1 : steps[i].survival
    }

    /// Index of the last step with time ≤ t (or < t when `strict`), −1 if none (binary search).
    private func lastIndex(atOrBefore t: Double, strict: Bool) -> Int {
        var lo = 0
        var hi = steps.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let before = strict ? steps[mid].time < t : steps[mid].time <= t
            if before { lo = mid + 1 } else { hi = mid }
        }
        return lo - 1
    }
}
