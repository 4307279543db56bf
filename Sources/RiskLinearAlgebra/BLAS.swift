internal import CLAPACKE

/// BLAS level 2 and 3 products and thread control, with shapes checked in Swift.
public enum BLAS {
    /// Sets the number of threads OpenBLAS may use. Row-parallel scoring keeps this at 1 so the
    /// two levels of parallelism do not fight over the cores; a large fit may raise it. At 1 the
    /// server threads OpenBLAS started when it loaded are stopped too: otherwise they spin
    /// (sched_yield) for about 0.1 s of every process, taking a core from start-up and from the
    /// scoring workers. Call it while no BLAS call is running (the executable does, at start-up).
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
        if count <= 1 { riskengine_blas_stop_server_threads() }
    }

    /// The number of threads OpenBLAS currently uses.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// The BLAS library in use, as OpenBLAS describes its build (`openblas_get_config()`, e.g.
    /// "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64") and the CPU kernel
    /// chosen at run time (`openblas_get_corename()`).
    public static var library: String {
        let config = openblas_get_config().map { String(cString: $0) } ?? "OpenBLAS (configuration unknown)"
        let core = openblas_get_corename().map { String(cString: $0) } ?? ""
        return core.isEmpty || config.contains(core) ? config : config + " (kernel " + core + ")"
    }

    /// y = A·x (dgemv).
    public static func gemv(_ a: Matrix, _ x: [Double]) throws(LinearAlgebraError) -> [Double] {
        guard x.count == a.columns else {
            throw .shapeMismatch(
                operation: "gemv", detail: "A is \(a.rows)×\(a.columns), x has \(x.count)")
        }
        var y = [Double](repeating: 0, count: a.rows)
        if a.rows == 0 { return y }
        if a.columns == 0 { return y }
        a.elements.withUnsafeBufferPointer { ap in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    cblas_dgemv(
                        CblasColMajor, CblasNoTrans, Int32(a.rows), Int32(a.columns), 1.0,
                        ap.baseAddress, Int32(max(1, a.rows)), xp.baseAddress, 1, 0.0,
                        yp.baseAddress, 1)
                }
            }
        }
        return y
    }

    /// C = A·B (dgemm), returning a new matrix.
    public static func gemm(_ a: Matrix, _ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        var c = Matrix(rows: a.rows, columns: b.columns)
        try gemm(a, b, into: &c)
        return c
    }

    /// C = A·B (dgemm) into an existing matrix, reshaped to fit (no allocation when its
    /// storage is already large enough).
    public static func gemm(_ a: Matrix, _ b: Matrix, into c: inout Matrix)
        throws(LinearAlgebraError)
    {
        guard a.columns == b.rows else {
            throw .shapeMismatch(
                operation: "gemm", detail: "A is \(a.rows)×\(a.columns), B is \(b.rows)×\(b.columns)")
        }
        c.reshape(rows: a.rows, columns: b.columns)
        if a.rows == 0 || b.columns == 0 { return }
        if a.columns == 0 {
            for k in c.elements.indices { c.elements[k] = 0 }
            return
        }
        a.elements.withUnsafeBufferPointer { ap in
            b.elements.withUnsafeBufferPointer { bp in
                c.elements.withUnsafeMutableBufferPointer { cp in
                    cblas_dgemm(
                        CblasColMajor, CblasNoTrans, CblasNoTrans, Int32(a.rows), Int32(b.columns),
                        Int32(a.columns), 1.0, ap.baseAddress, Int32(max(1, a.rows)),
                        bp.baseAddress, Int32(max(1, b.rows)), 0.0, cp.baseAddress,
                        Int32(max(1, c.rows)))
                }
            }
        }
    }

    /// Dot product x·y (ddot).
    public static func dot(_ x: [Double], _ y: [Double]) throws(LinearAlgebraError) -> Double {
        guard x.count == y.count else {
            throw .shapeMismatch(operation: "dot", detail: "\(x.count) vs \(y.count)")
        }
        if x.isEmpty { return 0 }
        return x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                cblas_ddot(Int32(x.count), xp.baseAddress, 1, yp.baseAddress, 1)
            }
        }
    }
}
