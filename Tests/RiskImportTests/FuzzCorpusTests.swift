import Foundation
import RiskImport
import Testing

/// The committed corpus of nasty claim files (Fixtures/fuzz-corpus): truncated envelopes, bad
/// base64, invalid UTF-8 in tag names, a CSV named .xml, entity expansion, labs without a
/// patient. Each gives a typed error or problems, never a crash.
@Suite struct ClaimFuzzCorpusTests {
    static let files: [String] = {
        let dir = Bundle.module.url(forResource: "Fixtures/fuzz-corpus", withExtension: nil)!
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }()

    @Test(arguments: files)
    func corpusFile(_ name: String) throws {
        let url = Bundle.module.url(forResource: "Fixtures/fuzz-corpus", withExtension: nil)!.appendingPathComponent(name)
        let data = try Data(contentsOf: url)
        do {
            let result = try ClaimImport.records(files: [(name, data)], options: ClaimImportOptions(asOf: "20250101"))
            #expect(result.rows.allSatisfy { $0.count == result.header.count })
        } catch {
            #expect(error.description.contains(name), "errors name the file: \(error)")
        }
    }
}
