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
    /// A number is not finite or outside the plausible bound for its key (see
    /// `ModelLoader.Plausibility`).
    case implausibleNumber(file: String, key: String, value: Double, limit: Double)
    /// A worked example of the file is not reproduced: `got` is nil when the example's row does
    /// not score (`status` says why).
    case exampleFailed(file: String, example: Int, column: String, expected: Double, got: Double?, tolerance: Double, status: String)
    /// The file has no worked examples and does not say why (`examples_none_reason`).
    case noExamples(file: String)

    public var description: String {
        switch self {
        case .malformed(let f, let k, let p):
            return "model file \(f): " + (k.isEmpty ? "" : "key path \(k): ") + "\(p); fix the file or take it out of the --models-dir folder"
        case .invalid(let f, let k, let p): return "\(f): \(k): \(p)"
        case .duplicateID(let id, let files): return "model id \(id) is defined twice: \(files.joined(separator: ", "))"
        case .unknownModel(let id, let known):
            return "unknown model '\(id)'; known models: \(known.joined(separator: ", "))"
        case .implausibleNumber(let f, let k, let v, let limit):
            let what = v.isFinite ? "\(v) is beyond the plausible bound ±\(limit)" : "the number is not finite"
            return "\(f): \(k): \(what); check the value against its source"
        case .exampleFailed(let f, let i, let c, let e, let g, let t, let st):
            let result = g.map { "gives \($0)" } ?? "does not score (\(st))"
            return "\(f): examples[\(i)]: \(c) \(result), the file expects \(e) ± \(t); "
                + "the model's numbers or the example are wrong: check both against the publication"
        case .noExamples(let f):
            return "\(f): no worked examples: add the publication's examples to 'examples', "
                + "or say why there are none in 'examples_none_reason'"
        }
    }
}
