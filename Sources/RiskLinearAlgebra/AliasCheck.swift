// Contract: sequential (unpivoted) symmetric elimination of a positive semi-definite matrix in
// column order, as R survival's `cholesky2` does to find aliased columns of an information
// matrix (Therneau & Grambsch 2000, §3.x; survival src/cholesky2.c). After scaling A to unit
// diagonal (a correlation-type matrix), the pivot left for column j after eliminating columns
// 0..<j equals 1 − R²ⱼ, the share of column j's (weighted) variance not explained by the earlier
// kept columns. Column j is reported aliased when that share is below `tolerance`, or when its
// diagonal is zero. Accuracy: the pivots are exact up to O(p·ε·κ) rounding; the default
// tolerance (1e-10) is far above that for p ≤ a few hundred.

/// Detection of linearly dependent (aliased) columns of a symmetric positive semi-definite
/// matrix, in column order: the first of a dependent set is kept, later ones are reported.
public enum AliasCheck {
    /// The 0-based indices of the columns that depend linearly on earlier columns.
    ///
    /// Formula: with D = diag(A)^(−1/2) and B = D·A·D, eliminate column by column; the pivot
    /// bⱼⱼ − Σₖ lⱼₖ² (k over kept earlier columns) is 1 − R²ⱼ.
    /// - Parameters:
    ///   - a: a square symmetric matrix (only the lower triangle is read).
    ///   - tolerance: smallest accepted 1 − R² (dimensionless).
    public static func aliasedColumns(_ a: Matrix, tolerance: Double = 1e-10)
        throws(LinearAlgebraError) -> [Int]
    {
        guard a.rows == a.columns else {
            throw .shapeMismatch(operation: "AliasCheck", detail: "A is \(a.rows)×\(a.columns)")
        }
        guard a.elements.allSatisfy(\.isFinite) else { throw .nonFinite(operation: "AliasCheck") }
        let n = a.rows
        var scale = [Double](repeating: 0, count: n)
        for j in 0..<n { scale[j] = a[j, j] > 0 ? 1 / a[j, j].squareRoot() : 0 }
        var l = Matrix(rows: n, columns: n)
        var kept = [Bool](repeating: false, count: n)
        var aliased: [Int] = []
        for j in 0..<n {
            if scale[j] == 0 { aliased.append(j); continue }
            var pivot = 1.0
            for k in 0..<j where kept[k] { pivot -= l[j, k] * l[j, k] }
            if pivot < tolerance { aliased.append(j); continue }
            kept[j] = true
            let root = pivot.squareRoot()
            l[j, j] = root
            for i in (j + 1)..<max(j + 1, n) where scale[i] > 0 {
                var s = a[i, j] * scale[i] * scale[j]
                for k in 0..<j where kept[k] { s -= l[i, k] * l[j, k] }
                l[i, j] = s / root
            }
        }
        return aliased
    }
}
