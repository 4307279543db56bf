// Seeded resampling for percentile bootstrap intervals.
//
// Contract: Efron B., Tibshirani R.J. (1993) An Introduction to the Bootstrap, ch. 13 (percentile
// interval). Random numbers: SplitMix64 (Steele, Lea, Flood (2014) OOPSLA, doi:10.1145/2714064.2660195),
// the same generator the tests use; index = ⌊u·n⌋ with u = (next >> 11)·2⁻⁵³ (bias < n·2⁻⁵³).
// Interval ends are R type-7 quantiles of the replicate values at (1 − level)/2 and (1 + level)/2.
// Replicate r draws its indices from SplitMix64 seeded with the r-th output of SplitMix64(seed), so
// the same seed gives the same replicates on every platform and with any number of threads.
import Dispatch
import Foundation
import RiskCore

public enum Bootstrap {
    /// n indices drawn with replacement.
    public static func resample(_ n: Int, using rng: inout SplitMix64) -> [Int] {
        (0..<n).map { _ in rng.nextIndex(n) }
    }

    /// Runs `body` for `count` replicates, each with its own generator derived from `seed`, on up
    /// to `threads` threads; results in replicate order.
    public static func replicates<T: Sendable>(
        _ count: Int, seed: UInt64, threads: Int, _ body: @Sendable (inout SplitMix64) -> T
    ) -> [T] {
        var base = SplitMix64(seed: seed)
        let seeds = (0..<count).map { _ in base.next() }
        let results = ResultSlots<T>(count: count)
        let workers = max(1, min(threads, count))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var r = w
            while r < count {
                var rng = SplitMix64(seed: seeds[r])
                results.set(r, body(&rng))
                r += workers
            }
        }
        return results.values()
    }

    /// Percentile interval [lower, upper] of the finite values, nil when there are fewer than two.
    public static func percentileInterval(_ values: [Double], level: Double = 0.95) -> [Double]? {
        let v = values.filter(\.isFinite).sorted()
        guard v.count >= 2 else { return nil }
        return [Calibration.quantileType7(sorted: v, (1 - level) / 2), Calibration.quantileType7(sorted: v, (1 + level) / 2)]
    }
}

/// Replicate results written from several threads, one slot each, under a lock.
final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) { lock.lock(); slots[i] = value; lock.unlock() }
    func values() -> [T] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
}
