import Numerics

/// Named tolerances for comparing floating-point results in tests. Each says why it is that size.
public enum Tolerance {
    /// BLAS may sum in another order than a naive loop: a few ulps of relative error.
    public static let blas = 1e-12
    /// Two independent double-precision implementations of the same published equation, both
    /// using libm log/exp: agreement to ~1e-9 percentage points is expected; 1e-6 pp leaves room
    /// for the reference having been printed with 10 significant digits.
    public static let independentImplementationPP = 1e-6
    /// The acceptance bound: agreement with independent implementations to 0.01
    /// percentage points.
    public static let acceptancePP = 0.01
    /// Published worked examples are printed to 1 decimal of a percent: half a unit of that.
    public static let publishedOneDecimalPP = 0.05
}

/// |a − b| ≤ absolute.
public func isClose(_ a: Double, _ b: Double, absolute: Double) -> Bool {
    a.isApproximatelyEqual(to: b, absoluteTolerance: absolute, relativeTolerance: 0)
}

/// Relative comparison with swift-numerics' definition.
public func isClose(_ a: Double, _ b: Double, relative: Double) -> Bool {
    a.isApproximatelyEqual(to: b, relativeTolerance: relative)
}
