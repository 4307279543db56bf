import Foundation
import RiskImport
import RiskTestSupport
import Testing

/// The committed corpus of nasty claim files (Fixtures/fuzz-corpus): truncated envelopes, bad
/// base64, invalid UTF-8 in tag names, a CSV named .xml, entity expansion, labs without a
/// patient. Each gives a typed error or problems, never a crash.
@Suite struct ClaimFuzzCorpusTests {
    static let files = fixtureFiles(Bundle.module, "Fixtures/fuzz-corpus")

    @Test(arguments: files)
    func corpusFile(_ url: URL) throws {
        let name = url.lastPathComponent
        let data = try Data(contentsOf: url)
        do {
            let result = try ClaimImport.records(files: [(name, data)], options: ClaimImportOptions(asOf: "20250101"))
            #expect(result.rows.allSatisfy { $0.count == result.header.count })
        } catch {
            #expect(error.description.contains(name), "errors name the file: \(error)")
        }
    }
}
