internal import CLAPACKE

/// General square linear systems A·x = b by LU factorisation with partial pivoting (LAPACK
/// dgesv). Used by the CUSUM average-run-length computation (a non-symmetric Markov-chain
/// system I − R). Accuracy: backward stable, relative error about κ(A)·ε.
public enum LUSolve {
    /// Solves A·x = b; A square, b with as many entries as A has rows.
    public static func solve(_ a: Matrix, _ b: [Double]) throws(LinearAlgebraError) -> [Double] {
        guard a.rows == a.columns else {
            throw .shapeMismatch(operation: "LUSolve", detail: "A is \(a.rows)×\(a.columns)")
        }
        guard b.count == a.rows else {
            throw .shapeMismatch(operation: "LUSolve", detail: "b has \(b.count) entries, A has \(a.rows) rows")
        }
        guard a.elements.allSatisfy(\.isFinite), b.allSatisfy(\.isFinite) else { throw .nonFinite(operation: "LUSolve") }
        let n = a.rows
        if n == 0 { return [] }
        var lu = a.elements
        var x = b
        var pivots = [Int32](repeating: 0, count: n)
        let info = lu.withUnsafeMutableBufferPointer { ap in
            x.withUnsafeMutableBufferPointer { xp in
                pivots.withUnsafeMutableBufferPointer { pp in
                    LAPACKE_dgesv(LAPACK_COL_MAJOR, Int32(n), 1, ap.baseAddress, Int32(n), pp.baseAddress, xp.baseAddress, Int32(n))
                }
            }
        }
        if info > 0 { throw .singular(index: Int(info)) }
        if info < 0 { throw .illegalArgument(operation: "dgesv", position: Int(-info)) }
        return x
    }
}
