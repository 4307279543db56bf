import Foundation
import RiskImport
import RiskTestSupport
import Testing

/// The committed corpus of nasty claim files (Fixtures/fuzz-corpus): truncated envelopes, bad
/// base64, invalid UTF-8 in tag names, a CSV named .xml, entity expansion (a DOCTYPE), labs without
/// a patient. Each is listed as problems naming the file; none fails the import or crashes.
@Suite struct ClaimFuzzCorpusTests {
    static let files = fixtureFiles(Bundle.module, "Fixtures/fuzz-corpus")

    @Test(arguments: files)
    func corpusFile(_ url: URL) throws {
        let name = url.lastPathComponent
        let data = try Data(contentsOf: url)
        let good = ("good.xml", Fixture.twoVisits())
        let result = try ClaimImport.records(files: [(name, data), (good.0, good.1)].map { (name: $0.0, data: $0.1) }, options: ClaimImportOptions(asOf: "20250101"))
        #expect(result.rows.allSatisfy { $0.count == result.header.count })
        #expect(result.rows.contains { $0.first == "BN001" }, "the good file beside it is imported")
        #expect(result.problems.contains { $0.file == name }, "the damage is listed under the file's name")
    }
}
