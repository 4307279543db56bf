// Harrell's and Uno's concordance indices for right-censored data, in O(n log n).
//
// Contract: Harrell F.E. et al. (1982) JAMA 247:2543, doi:10.1001/jama.1982.03320430047030;
// Uno H. et al. (2011) Stat Med 30:1105, doi:10.1002/sim.4154. Matches R
// `survival::concordance(Surv(time, event) ~ risk, reverse = TRUE)` (survival 3.5-3): predictions
// are risks, so a higher prediction for the shorter time is concordant. A pair is comparable when
// the shorter time is an event; a censoring at the same time as an event counts as the longer;
// two events at the same time are `tiedY` (or `tiedXY` when the predictions tie as well) and not
// comparable; ties in prediction among comparable pairs are `tiedX` and count ½:
// C = (concordant + tiedX/2) / (concordant + discordant + tiedX).
// Uno's C weights each event time t ≤ horizon by 1/G(t−)², G the censoring Kaplan–Meier with
// events before censorings at ties (R `timewt = "n/G2", ymax = horizon`; with fewer than two
// events R falls back to unit weights, and so do we). Times are compared exactly (R's `timefix`
// merges times closer than √ε; our inputs are parsed decimals). Counts are exact integers;
// C agrees with R to 1e-12 (only the summation order differs).

/// Pair counts as `survival::concordance(..., reverse = TRUE)$count` reports them.
public struct ConcordanceCounts: Equatable, Sendable, Codable {
    public var concordant: Int
    public var discordant: Int
    /// Comparable pairs tied on the prediction.
    public var tiedX: Int
    /// Pairs of events at the same time with different predictions.
    public var tiedY: Int
    /// Pairs of events at the same time with the same prediction.
    public var tiedXY: Int

    public init(concordant: Int = 0, discordant: Int = 0, tiedX: Int = 0, tiedY: Int = 0, tiedXY: Int = 0) {
        self.concordant = concordant
        self.discordant = discordant
        self.tiedX = tiedX
        self.tiedY = tiedY
        self.tiedXY = tiedXY
    }

    enum CodingKeys: String, CodingKey {
        case concordant, discordant
        case tiedX = "tied_x"
        case tiedY = "tied_y"
        case tiedXY = "tied_xy"
    }
}

/// A concordance index with its pair counts.
public struct ConcordanceResult: Equatable, Sendable {
    /// The index, (concordant + tiedX/2)/(concordant + discordant + tiedX), pairs weighted.
    public let c: Double
    /// Unweighted pair counts.
    public let counts: ConcordanceCounts
}

/// Fenwick (binary indexed) tree of counts over prediction ranks 0..<size.
struct FenwickTree {
    private var tree: [Int]
    init(size: Int) { tree = [Int](repeating: 0, count: size + 1) }
    mutating func add(_ rank: Int) {
        var i = rank + 1
        while i < tree.count { tree[i] += 1; i += i & -i }
    }
    /// Number of inserted ranks < `rank`.
    func countBelow(_ rank: Int) -> Int {
        var i = rank
        var s = 0
        while i > 0 { s += tree[i]; i -= i & -i }
        return s
    }
}

public enum Concordance {
    /// Harrell's C with the pair counts.
    public static func harrell(_ sample: SurvivalSample) -> ConcordanceResult {
        sweep(sample) { _ in 1 }
    }

    /// Uno's C truncated at `horizon`: event times t > horizon get weight 0, others 1/G(t−)².
    public static func uno(_ sample: SurvivalSample, horizon: Double) -> ConcordanceResult {
        let g = KaplanMeier.censoring(time: sample.time, event: sample.event)
        let events = sample.event.lazy.filter { $0 }.count
        return sweep(sample) { t in
            if events < 2 { return 1 }
            if t > horizon { return 0 }
            let gt = g.survival(before: t)
            return 1 / (gt * gt)
        }
    }

    /// Sweeps times from the latest to the earliest with a Fenwick tree of the predictions of
    /// subjects whose time is longer (or censored at the same time). O(n log n).
    static func sweep(_ sample: SurvivalSample, weight: (Double) -> Double) -> ConcordanceResult {
        let n = sample.count
        let distinct = Array(Set(sample.risk)).sorted()
        let rank = sample.risk.map { r in lowerBound(distinct, r) }
        let order = (0..<n).sorted { sample.time[$0] > sample.time[$1] }
        var tree = FenwickTree(size: distinct.count)
        var inserted = 0
        var counts = ConcordanceCounts()
        var wc = 0.0, wd = 0.0, wt = 0.0
        var k = 0
        var groupEventRanks: [Int] = []
        while k < n {
            let t = sample.time[order[k]]
            var end = k
            while end < n, sample.time[order[end]] == t { end += 1 }
            for j in k..<end where !sample.event[order[j]] { tree.add(rank[order[j]]); inserted += 1 }
            groupEventRanks.removeAll(keepingCapacity: true)
            for j in k..<end where sample.event[order[j]] { groupEventRanks.append(rank[order[j]]) }
            if !groupEventRanks.isEmpty {
                let w = weight(t)
                for r in groupEventRanks {
                    let below = tree.countBelow(r)
                    let tied = tree.countBelow(r + 1) - below
                    let above = inserted - below - tied
                    counts.concordant += below
                    counts.discordant += above
                    counts.tiedX += tied
                    wc += w * Double(below)
                    wd += w * Double(above)
                    wt += w * Double(tied)
                }
                let m = groupEventRanks.count
                groupEventRanks.sort()
                var sameX = 0
                var i = 0
                while i < m {
                    var j = i
                    while j < m, groupEventRanks[j] == groupEventRanks[i] { j += 1 }
                    sameX += (j - i) * (j - i - 1) / 2
                    i = j
                }
                counts.tiedXY += sameX
                counts.tiedY += m * (m - 1) / 2 - sameX
                for r in groupEventRanks { tree.add(r); inserted += 1 }
            }
            k = end
        }
        let denominator = wc + wd + wt
        let c = denominator > 0 ? (wc + wt / 2) / denominator : .nan
        return ConcordanceResult(c: c, counts: counts)
    }

    private static func lowerBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
