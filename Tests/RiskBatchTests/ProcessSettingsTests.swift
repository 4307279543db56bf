import RiskLinearAlgebra
import Testing

/// The libraries change no process settings: the executable sets the BLAS thread count (and the
/// malloc thresholds) at start-up, not a scoring run.
@Suite struct ProcessSettingsTests {
    @Test func aScoringRunLeavesTheBLASThreadCountAlone() throws {
        BLAS.setThreads(2)
        let before = BLAS.threads
        _ = try score(header + "\n" + good + "\n")
        #expect(BLAS.threads == before)
    }
}
