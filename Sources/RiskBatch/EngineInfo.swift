// What `riskengine --version` prints: the engine version, the embedded model catalogue (version
// and a SHA-256 over its files) and the BLAS library in use.
import Crypto
import Foundation
import RiskLinearAlgebra
import RiskModelCatalog

/// SHA-256 as lower-case hex.
public enum Checksum {
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    public static func sha256Hex(_ text: String) -> String { sha256Hex(Array(text.utf8)) }
}

/// Versions of the engine and of what it carries.
public enum EngineInfo {
    /// The engine version (also written into run manifests).
    public static let version = "0.1.0"

    /// SHA-256 over the catalogue's files in path order: for each file its path, a NUL byte, its
    /// UTF-8 text and a NUL byte. Any change to any embedded file changes it. `versionText` prints
    /// the same sum computed at build time (`ModelCatalog.checksum`); a test keeps the two equal.
    public static func catalogueChecksum(_ files: [(path: String, text: String)] = ModelCatalog.files) -> String {
        var hasher = SHA256()
        for f in files.sorted(by: { $0.path < $1.path }) {
            hasher.update(data: Array(f.path.utf8) + [0])
            hasher.update(data: Array(f.text.utf8) + [0])
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The text of `riskengine --version`.
    public static var versionText: String {
        """
        riskengine \(version)
        model catalogue \(ModelCatalog.version), \(ModelCatalog.files.count) files, sha256 \(ModelCatalog.checksum)
        BLAS: \(BLAS.library)
        """
    }
}
