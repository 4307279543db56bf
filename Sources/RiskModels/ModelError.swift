/// Problems with a model file, named by file, key path and what is wrong.
public enum ModelFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is not valid JSON, or a key has the wrong type or is missing.
    case malformed(file: String, key: String, problem: String)
    /// The file parses but says something impossible (unknown field, survival outside (0, 1), ...).
    case invalid(file: String, key: String, problem: String)
    /// Two files define the same model id.
    case duplicateID(id: String, files: [String])
    /// A model id asked for is not in the library.
    case unknownModel(id: String, known: [String])

    public var description: String {
        switch self {
        case .malformed(let f, let k, let p):
            return "model file \(f): " + (k.isEmpty ? "" : "key path \(k): ") + "\(p); fix the file or take it out of the --models-dir folder"
        case .invalid(let f, let k, let p): return "\(f): \(k): \(p)"
        case .duplicateID(let id, let files): return "model id \(id) is defined twice: \(files.joined(separator: ", "))"
        case .unknownModel(let id, let known):
            return "unknown model '\(id)'; known models: \(known.joined(separator: ", "))"
        }
    }
}
