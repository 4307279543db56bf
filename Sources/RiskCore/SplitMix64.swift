// SplitMix64 (Steele, Lea, Flood (2014) OOPSLA, doi:10.1145/2714064.2660195): the one seeded
// generator of the project (synthetic populations and cohorts, bootstrap replicates), so the same
// seed gives the same numbers on every platform.

/// SplitMix64: a small, fast, seedable generator.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
    /// Uniform index in 0..<n.
    public mutating func nextIndex(_ n: Int) -> Int { min(n - 1, Int(nextUnit() * Double(n))) }
}
