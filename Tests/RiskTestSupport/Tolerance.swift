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

/// Tolerances for the aberration detectors against R `surveillance`.
public enum DetectorTolerance {
    /// EARS bounds: same arithmetic as R in double precision, different summation order and
    /// normal quantile code: agreement to 1e-9 relative is the requirement.
    public static let earsBound = 1e-9
    /// Farrington expected counts: our IRLS solves the normal equations where R uses a pivoted
    /// QR, so the fits differ by about κ²·ε; the issue asks 1e-6 relative.
    public static let farringtonExpected = 1e-6
}

extension DetectorTolerance {
    /// AS 241 against R's qnorm (the same algorithm): a few ulps.
    public static let normalQuantile = 1e-15
    /// Incomplete-beta continued fraction against R's pt (TOMS 708): about 1e-14 relative.
    public static let studentT = 1e-12
    /// Markov-chain ARL: both solve I − R with LAPACK dgesv; probabilities differ in the last bits.
    public static let arl = 1e-10
}
