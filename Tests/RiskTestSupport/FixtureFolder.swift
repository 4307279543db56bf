import Foundation

/// The files of a resource folder of a test bundle, sorted (for table-driven corpus tests).
public func fixtureFiles(_ bundle: Bundle, _ folder: String) -> [URL] {
    guard let dir = bundle.url(forResource: folder, withExtension: nil),
        let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path)
    else { return [] }
    return names.sorted().map { dir.appendingPathComponent($0) }
}
