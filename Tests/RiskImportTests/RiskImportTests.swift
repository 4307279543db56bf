import RiskImport
import Testing

@Suite struct RiskImportTests {
    @Test func moduleLoads() {}
}
