// Process-wide settings of the executable, made once at start-up before any command runs. The
// libraries never change process state; tests and benchmarks that need these make them in their
// own setup.
import RiskLinearAlgebra

extension RiskEngineCommand {
    /// Start-up: the numeric runtime settings, then argument parsing and the command.
    ///
    /// - OpenBLAS uses one thread: scoring is parallel over chunks (worker threads), and two levels
    ///   of parallelism would fight over the cores. The server threads OpenBLAS started when it
    ///   loaded are stopped too (they would spin on sched_yield for about 0.1 s of every run).
    /// - Large blocks stay on the heap (`ComputeRuntime.keepLargeAllocationsOnTheHeap`): chunked
    ///   scoring reuses megabyte-sized buffers instead of paying page faults for fresh ones.
    static func main() {
        BLAS.setThreads(1)
        ComputeRuntime.keepLargeAllocationsOnTheHeap()
        main(nil)
    }
}
