internal import CLAPACKE
import Foundation

/// The Cholesky factor of a symmetric positive-definite matrix, A = L·Lᵀ (LAPACK dpotrf), and
/// solves with it (dpotrs). Used by model fitting (Newton steps on an information matrix).
public struct Cholesky: Sendable {
    /// Order of the factored matrix.
    public let order: Int
    /// The lower-triangular factor L, column-major (upper triangle zeroed).
    public let lower: Matrix

    /// Factors `a`, which must be square, symmetric and positive definite; only its lower
    /// triangle is read.
    public init(_ a: Matrix) throws(LinearAlgebraError) {
        guard a.rows == a.columns else {
            throw .shapeMismatch(operation: "Cholesky", detail: "A is \(a.rows)×\(a.columns)")
        }
        guard a.elements.allSatisfy(\.isFinite) else { throw .nonFinite(operation: "Cholesky") }
        var l = a
        let n = a.rows
        if n > 0 {
            let info = l.elements.withUnsafeMutableBufferPointer { p in
                LAPACKE_dpotrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), p.baseAddress, Int32(n))
            }
            if info > 0 { throw .notPositiveDefinite(leadingMinor: Int(info)) }
            if info < 0 { throw .illegalArgument(operation: "dpotrf", position: Int(-info)) }
            for j in 0..<n { for i in 0..<j { l[i, j] = 0 } }
        }
        order = n
        lower = l
    }

    /// Solves A·X = B for X, B given with `order` rows and any number of columns.
    public func solve(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        guard b.rows == order else {
            throw .shapeMismatch(operation: "Cholesky.solve", detail: "B has \(b.rows) rows, A has order \(order)")
        }
        guard b.elements.allSatisfy(\.isFinite) else { throw .nonFinite(operation: "Cholesky.solve") }
        var x = b
        if order == 0 || b.columns == 0 { return x }
        let info = lower.elements.withUnsafeBufferPointer { lp in
            x.elements.withUnsafeMutableBufferPointer { xp in
                LAPACKE_dpotrs(
                    LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(order), Int32(b.columns),
                    lp.baseAddress, Int32(order), xp.baseAddress, Int32(order))
            }
        }
        if info < 0 { throw .illegalArgument(operation: "dpotrs", position: Int(-info)) }
        return x
    }

    /// Solves A·x = b for a vector b.
    public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
        let m = try Matrix(rows: b.count, columns: 1, columnMajor: b)
        return try solve(m).elements
    }

    /// The inverse A⁻¹ (e.g. a covariance matrix from an information matrix).
    public func inverse() throws(LinearAlgebraError) -> Matrix {
        var identity = Matrix(rows: order, columns: order)
        for i in 0..<order { identity[i, i] = 1 }
        return try solve(identity)
    }

    /// log det A = 2 Σ log Lᵢᵢ.
    public var logDeterminant: Double {
        var s = 0.0
        for i in 0..<order { s += 2 * Foundation.log(lower[i, i]) }
        return s
    }
}

