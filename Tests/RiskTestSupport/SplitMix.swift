import Foundation
import RiskCore

/// The tests' seeded generator: the project's one SplitMix64 (RiskCore), under the name the
/// property tests use.
public typealias SplitMix = SplitMix64

extension SplitMix64 {
    /// Uniform in [0, 1).
    public mutating func nextDouble() -> Double { nextUnit() }
}

/// Natural log, named so tests need not import Foundation themselves.
public func Foundation_log(_ x: Double) -> Double { Foundation.log(x) }
