// Plain-language rendering of the two kinds of failure every configuration file can meet: the
// file system (rendered from errno with strerror, e.g. "no such file or directory") and JSON
// decoding (rendered as a key path and what was expected, e.g. "expected a number"). Foundation's
// own error text (NSCocoaErrorDomain dumps, DecodingError descriptions, Swift type names) never
// reaches a user through these types.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be read or written.
public enum FileProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// The operating system refused: `errno` of open/read/write/rename (ENOENT, EACCES, EISDIR,
    /// ENOSPC …).
    case system(errno: Int32)
    /// The bytes are not UTF-8 text.
    case notUTF8

    /// The reason as a lower-case phrase, from `strerror` for system errors.
    public var description: String {
        switch self {
        case .system(let code): return String(cString: strerror(code)).lowercased()
        case .notUTF8: return "not UTF-8 text"
        }
    }
}

/// Reads and writes whole text files, failing with a `FileProblem`.
public enum TextFile {
    /// Writes `bytes` to `path` through a temporary file beside it (mode 0644) that is renamed
    /// over the target once complete, so the target is never half-written.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileProblem) {
        #if canImport(Glibc)
        let systemWrite = Glibc.write
        #else
        let systemWrite = Darwin.write
        #endif
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temp = dir + "." + name + ".partial-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { throw .system(errno: errno) }
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + off, bytes.count - off) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                let e = errno
                close(fd)
                unlink(temp)
                throw .system(errno: e)
            }
            off += n
        }
        if close(fd) != 0 || rename(temp, path) != 0 {
            let e = errno
            unlink(temp)
            throw .system(errno: e)
        }
    }

    /// The UTF-8 text of the file at `path`.
    public static func read(_ path: String) throws(FileProblem) -> String {
        #if canImport(Glibc)
        let systemRead = Glibc.read
        #else
        let systemRead = Darwin.read
        #endif
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw .system(errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = block.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .system(errno: errno)
            }
            if n == 0 { break }
            bytes.append(contentsOf: block[0..<n])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        return text
    }
}

/// A JSON decoding failure as a key path and a plain-language problem.
public struct JSONProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong at the key path.
    public enum Kind: Equatable, Sendable {
        /// The text is not JSON at all (Foundation's decoder does not say where).
        case notJSON
        /// A required key is absent.
        case missingKey
        /// The value has the wrong kind: "a number", "text", "true or false", "a list", "an object".
        case expected(String)
        /// The value is null where a value of this kind is required.
        case null(expected: String)
        /// The value has the right kind but is not one of the allowed values.
        case notAllowed
    }

    /// Dotted key path with list indices, e.g. `risk_bands.bands[2].below`; empty at the top level.
    public let keyPath: String
    public let kind: Kind

    public init(keyPath: String, kind: Kind) {
        self.keyPath = keyPath
        self.kind = kind
    }

    /// Classifies any error thrown by `JSONDecoder.decode`.
    public init(_ error: any Error) {
        guard let error = error as? DecodingError else {
            self.init(keyPath: "", kind: .notJSON)
            return
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            self.init(keyPath: Self.path(ctx.codingPath + [key]), kind: .missingKey)
        case .typeMismatch(let type, let ctx):
            self.init(keyPath: Self.path(ctx.codingPath), kind: .expected(Self.kindName(type)))
        case .valueNotFound(let type, let ctx):
            self.init(keyPath: Self.path(ctx.codingPath), kind: .null(expected: Self.kindName(type)))
        case .dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty {
                self.init(keyPath: "", kind: .notJSON)
            } else {
                self.init(keyPath: Self.path(ctx.codingPath), kind: .notAllowed)
            }
        @unknown default:
            self.init(keyPath: "", kind: .notJSON)
        }
    }

    /// "key path X: expected a number", "not valid JSON; …".
    public var description: String { (keyPath.isEmpty ? "" : "key path \(keyPath): ") + problem }

    /// The problem without the key path: "expected a number", "required key is missing" …
    public var problem: String {
        switch kind {
        case .notJSON:
            return "not valid JSON; check brackets, commas and quotes"
        case .missingKey: return "required key is missing"
        case .expected(let k): return "expected \(k)"
        case .null(let k): return "expected \(k), found null"
        case .notAllowed: return "not one of the allowed values"
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        var s = ""
        for k in keys {
            if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
        }
        return s
    }

    static func kindName(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if ["Double", "Float", "Int", "UInt", "Int64", "UInt64", "Int32", "UInt32", "Decimal"].contains(name) { return "a number" }
        if name == "String" || name == "Character" { return "text" }
        if name == "Bool" { return "true or false" }
        if name.hasPrefix("Array") || name.contains("UnkeyedDecodingContainer") { return "a list" }
        if name.hasPrefix("Dictionary") || name.contains("KeyedDecodingContainer") { return "an object" }
        return "a value of another kind"
    }
}
