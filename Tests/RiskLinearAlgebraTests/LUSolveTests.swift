import RiskLinearAlgebra
import RiskTestSupport
import Testing

@Suite struct LUSolveTests {
    @Test func solvesANonSymmetricSystem() throws {
        // [[2, 1], [4, 3]]·x = [3, 7] → x = [1, 1]
        let a = try Matrix(rowMajor: [[2, 1], [4, 3]])
        let x = try LUSolve.solve(a, [3, 7])
        #expect(isClose(x[0], 1, relative: Tolerance.blas))
        #expect(isClose(x[1], 1, relative: Tolerance.blas))
    }

    @Test func singularIsATypedError() throws {
        let a = try Matrix(rowMajor: [[1, 2], [2, 4]])
        #expect(throws: LinearAlgebraError.singular(index: 2)) { try LUSolve.solve(a, [1, 1]) }
    }
}
