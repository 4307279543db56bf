import RiskLinearAlgebra
import RiskTestSupport
import Testing

@Suite struct LinearAlgebraTests {
    @Test func gemvMatchesNaiveProduct() throws {
        let a = try Matrix(rowMajor: [[1, 2, 3], [4, 5, 6]])
        let y = try BLAS.gemv(a, [1, -1, 0.5])
        let expected: [Double] = [0.5, 2.0]  // 1 − 2 + 1.5, 4 − 5 + 3: exact in binary
        #expect(y == expected)
    }

    @Test func gemmMatchesNaiveProductOnRandomShapes() throws {
        var rng = SplitMix(seed: 7)
        for (n, p, k) in [(1, 1, 1), (17, 5, 3), (100, 13, 4), (3, 0, 2)] {
            var a = Matrix(rows: n, columns: p)
            var b = Matrix(rows: p, columns: k)
            for i in a.elements.indices { a.elements[i] = rng.nextDouble() * 10 - 5 }
            for i in b.elements.indices { b.elements[i] = rng.nextDouble() * 2 - 1 }
            let c = try BLAS.gemm(a, b)
            for i in 0..<n {
                for j in 0..<k {
                    var s = 0.0
                    for l in 0..<p { s += a[i, l] * b[l, j] }
                    #expect(isClose(c[i, j], s, relative: Tolerance.blas) || abs(c[i, j] - s) < 1e-12)
                }
            }
        }
    }

    @Test func shapeMismatchIsATypedError() throws {
        let a = try Matrix(rowMajor: [[1, 2], [3, 4]])
        #expect(throws: LinearAlgebraError.self) { try BLAS.gemv(a, [1, 2, 3]) }
        #expect(throws: LinearAlgebraError.self) { try BLAS.gemm(a, Matrix(rows: 3, columns: 1)) }
        #expect(throws: LinearAlgebraError.self) { try Matrix(rows: 2, columns: 2, columnMajor: [1]) }
    }

    @Test func choleskySolveRecoversX() throws {
        // Identity: solve(A, A·x) ≈ x for a random SPD A = MᵀM + n·I.
        var rng = SplitMix(seed: 11)
        let n = 6
        var m = Matrix(rows: n, columns: n)
        for i in m.elements.indices { m.elements[i] = rng.nextDouble() - 0.5 }
        var a = try BLAS.gemm(m.transposed, m)
        for i in 0..<n { a[i, i] += Double(n) }
        let x = (0..<n).map { Double($0) - 2.5 }
        let b = try BLAS.gemv(a, x)
        let chol = try Cholesky(a)
        let solved = try chol.solve(b)
        for (s, e) in zip(solved, x) { #expect(isClose(s, e, absolute: 1e-10)) }
        let inv = try chol.inverse()
        let eye = try BLAS.gemm(a, inv)
        for i in 0..<n { for j in 0..<n { #expect(isClose(eye[i, j], i == j ? 1 : 0, absolute: 1e-10)) } }
    }

    @Test func choleskyOfIndefiniteMatrixNamesTheMinor() throws {
        // Leading 1×1 minor is 4 > 0, the 2×2 minor is 4·1 − 3·3 < 0.
        let a = try Matrix(rowMajor: [[4, 3, 0], [3, 1, 0], [0, 0, 1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinor: 2)) { try Cholesky(a) }
        #expect(throws: LinearAlgebraError.self) { try Cholesky(Matrix(rows: 2, columns: 3)) }
        let nan = try Matrix(rowMajor: [[Double.nan]])
        #expect(throws: LinearAlgebraError.nonFinite(operation: "Cholesky")) { try Cholesky(nan) }
    }

    @Test func logDeterminantOfDiagonal() throws {
        let a = try Matrix(rowMajor: [[4, 0], [0, 9]])
        #expect(isClose(try Cholesky(a).logDeterminant, Foundation_log(36), relative: Tolerance.blas))
    }

    @Test func aliasCheckNamesTheLaterDependentColumn() throws {
        // Columns: x, y, 2x − y (dependent), z; Gram matrix of a random design.
        var rng = SplitMix(seed: 21)
        let n = 40
        var cols: [[Double]] = [[], [], [], []]
        for _ in 0..<n {
            let x = rng.nextDouble(), y = rng.nextDouble(), z = rng.nextDouble()
            cols[0].append(x); cols[1].append(y); cols[2].append(2 * x - y); cols[3].append(z)
        }
        var g = Matrix(rows: 4, columns: 4)
        for i in 0..<4 { for j in 0..<4 { g[i, j] = zip(cols[i], cols[j]).reduce(0) { $0 + $1.0 * $1.1 } } }
        #expect(try AliasCheck.aliasedColumns(g) == [2])
        var full = g
        for i in 0..<4 { full[i, 2] = 0; full[2, i] = 0 }
        #expect(try AliasCheck.aliasedColumns(full) == [2])  // a zero column is aliased too
        let identity = try Matrix(rowMajor: [[1, 0], [0, 1]])
        #expect(try AliasCheck.aliasedColumns(identity).isEmpty)
    }
}
