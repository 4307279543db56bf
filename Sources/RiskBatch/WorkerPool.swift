// A fixed set of worker threads: `--threads N` starts exactly N long-lived threads that take
// chunks from one queue, so at most N chunks are parsed, scored and formatted at once (a
// concurrent DispatchQueue would start as many threads as it likes while others block).
import Foundation

/// Exactly `count` worker threads running submitted jobs in submission order.
final class WorkerPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var closed = false
    private var alive = 0
    private var active = 0
    private var peak = 0
    /// Worker threads started.
    let count: Int

    init(threads: Int, name: String = "riskengine.worker") {
        count = max(1, threads)
        alive = count
        for k in 0..<count {
            let t = Thread { [self] in work() }
            t.name = "\(name)-\(k)"
            t.start()
        }
    }

    /// Queues a job; one of the workers runs it.
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the workers finish the queued jobs, then waits until every thread has stopped.
    func finish() {
        condition.lock()
        closed = true
        condition.broadcast()
        while alive > 0 { condition.wait() }
        condition.unlock()
    }

    /// The most jobs that ran at the same time (instrumentation for tests and the summary).
    var peakConcurrentJobs: Int {
        condition.lock()
        defer { condition.unlock() }
        return peak
    }

    private func work() {
        condition.lock()
        while true {
            while head == jobs.count && !closed { condition.wait() }
            if head == jobs.count {
                alive -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head > 64 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            active += 1
            peak = max(peak, active)
            condition.unlock()
            job()
            condition.lock()
            active -= 1
        }
    }
}
