// RiskLinearAlgebra: the only Swift module that sees C. It wraps OpenBLAS (CBLAS) and LAPACKE
// behind Swift values: matrices are column-major `[Double]` with their shape, every call checks
// shapes before it reaches C, and LAPACK `info` codes become `LinearAlgebraError` cases.
//
// Accuracy contract: results are those of the reference BLAS/LAPACK operations in IEEE double
// precision (OpenBLAS may reorder sums, so last-bit differences against a naive loop are allowed;
// tests use relative tolerances of 1e-12).

/// A dense column-major matrix of doubles.
public struct Matrix: Equatable, Sendable {
    /// Number of rows.
    public private(set) var rows: Int
    /// Number of columns.
    public private(set) var columns: Int
    /// Elements in column-major order: element (i, j) is `elements[i + j * rows]`.
    public var elements: [Double]

    /// A matrix of the given shape filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix shape must not be negative")
        self.rows = rows
        self.columns = columns
        self.elements = [Double](repeating: value, count: rows * columns)
    }

    /// A matrix from column-major elements; fails if the count does not match the shape.
    public init(rows: Int, columns: Int, columnMajor elements: [Double]) throws(LinearAlgebraError) {
        guard rows >= 0, columns >= 0, elements.count == rows * columns else {
            throw .shapeMismatch(
                operation: "Matrix.init", detail: "\(elements.count) elements for \(rows)×\(columns)")
        }
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix from rows given as arrays (convenient in tests and small models).
    public init(rowMajor rowsOfValues: [[Double]]) throws(LinearAlgebraError) {
        let r = rowsOfValues.count
        let c = rowsOfValues.first?.count ?? 0
        guard rowsOfValues.allSatisfy({ $0.count == c }) else {
            throw .shapeMismatch(operation: "Matrix.init(rowMajor:)", detail: "ragged rows")
        }
        var e = [Double](repeating: 0, count: r * c)
        for i in 0..<r { for j in 0..<c { e[i + j * r] = rowsOfValues[i][j] } }
        self.rows = r
        self.columns = c
        self.elements = e
    }

    /// Element (row, column).
    public subscript(row: Int, column: Int) -> Double {
        get { elements[row + column * rows] }
        set { elements[row + column * rows] = newValue }
    }

    /// Changes the shape, keeping capacity; contents become unspecified (zeros when grown).
    public mutating func reshape(rows newRows: Int, columns newColumns: Int) {
        let n = newRows * newColumns
        if elements.count != n {
            if elements.count > n {
                elements.removeLast(elements.count - n)
            } else {
                elements.append(contentsOf: repeatElement(0, count: n - elements.count))
            }
        }
        rows = newRows
        columns = newColumns
    }

    /// The transpose.
    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for j in 0..<columns { for i in 0..<rows { t[j, i] = self[i, j] } }
        return t
    }
}

/// Errors from the linear-algebra wrappers; never a raw LAPACK `info` code outside this module.
public enum LinearAlgebraError: Error, Equatable, Sendable {
    /// Operand shapes do not fit the operation.
    case shapeMismatch(operation: String, detail: String)
    /// Cholesky factorisation failed: the leading minor of this order (1-based) is not positive
    /// definite.
    case notPositiveDefinite(leadingMinor: Int)
    /// A matrix is singular: the diagonal element at this 1-based index is exactly zero.
    case singular(index: Int)
    /// A value given to LAPACK was illegal (an internal bug, reported by argument position).
    case illegalArgument(operation: String, position: Int)
    /// The input contains NaN or infinity.
    case nonFinite(operation: String)
}
