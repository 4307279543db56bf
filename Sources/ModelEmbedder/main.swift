// Build tool: writes a Swift file holding the text of each JSON file given, keyed by its path
// relative to the models folder, plus what the library must know of every model without compiling
// it (an index: id, title, citation, output columns) and the catalogue's SHA-256 (what
// `riskengine --version` prints). Used only by the EmbedModels plugin. It reads the files as plain
// JSON and depends on no module of the package; a test compares the index and the checksum with
// what compiling every model and hashing the embedded texts give at run time.
import Foundation

let args = CommandLine.arguments
guard args.count >= 3 else {
    FileHandle.standardError.write(Data("usage: ModelEmbedder MODELS_DIR OUTPUT FILE...\n".utf8))
    exit(64)
}

/// The text as a multi-line string literal holds it: CR LF and lone CR become LF.
func literalText(_ text: String) -> String {
    text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
}

/// SHA-256 (FIPS 180-4) of `bytes`, as lower-case hex.
struct SHA256Hasher {
    private var h: [UInt32] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]
    private var pending: [UInt8] = []
    private var length: UInt64 = 0
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    mutating func update(_ bytes: [UInt8]) {
        length &+= UInt64(bytes.count)
        pending.append(contentsOf: bytes)
        let whole = pending.count / 64 * 64
        var i = 0
        while i < whole { block(pending, at: i); i += 64 }
        pending.removeFirst(whole)
    }

    private mutating func block(_ b: [UInt8], at start: Int) {
        func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
        var w = [UInt32](repeating: 0, count: 64)
        for t in 0..<16 {
            let j = start + 4 * t
            w[t] = UInt32(b[j]) << 24 | UInt32(b[j + 1]) << 16 | UInt32(b[j + 2]) << 8 | UInt32(b[j + 3])
        }
        for t in 16..<64 {
            let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
            let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var (a, bb, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
        for t in 0..<64 {
            let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let ch = (e & f) ^ (~e & g)
            let t1 = hh &+ s1 &+ ch &+ Self.k[t] &+ w[t]
            let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let maj = (a & bb) ^ (a & c) ^ (bb & c)
            let t2 = s0 &+ maj
            (hh, g, f, e, d, c, bb, a) = (g, f, e, d &+ t1, c, bb, a, t1 &+ t2)
        }
        for (i, v) in [a, bb, c, d, e, f, g, hh].enumerated() { h[i] = h[i] &+ v }
    }

    mutating func finalize() -> String {
        let bits = length &* 8
        var tail: [UInt8] = [0x80]
        while (pending.count + tail.count) % 64 != 56 { tail.append(0) }
        for s in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(s))) }
        let saved = length
        update(tail)
        length = saved
        return h.map { v in
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 8 - s.count) + s
        }.joined()
    }
}

/// What the library lists of a model file without compiling it, read as plain JSON. The rules
/// are the compiler's: a model file has `outcomes`, a chart file (`riskengine.chart/1`) one
/// `outcome`; an outcome is written unless `output` is false, into `column` or
/// `<id>_<outcome id>_<horizon_years or 0>y`; a lookup that writes labels is not a number.
func indexEntry(path: String, text: String) throws -> String {
    struct Bad: Error, CustomStringConvertible { let description: String }
    guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
          let id = object["id"] as? String, let title = object["title"] as? String,
          let citation = object["citation"] as? [String: Any],
          let reference = citation["reference"] as? String, let doi = citation["doi"] as? String
    else { throw Bad(description: "\(path): a model file needs id, title and citation.reference/doi") }
    let outcomes: [[String: Any]]
    if let list = object["outcomes"] as? [[String: Any]] { outcomes = list }
    else if let one = object["outcome"] as? [String: Any] { outcomes = [one] }
    else { throw Bad(description: "\(path): no outcomes") }
    var columns: [String] = []
    var numeric: [String] = []
    for o in outcomes where (o["output"] as? Bool) ?? true {
        guard let oid = o["id"] as? String else { throw Bad(description: "\(path): an outcome has no id") }
        let horizon = (o["horizon_years"] as? NSNumber)?.intValue ?? 0
        let column = (o["column"] as? String) ?? "\(id)_\(oid)_\(horizon)y"
        columns.append(column)
        let labels = ((o["lookup"] as? [String: Any])?["write"] as? String) == "label"
        if !labels { numeric.append(column) }
    }
    func list(_ a: [String]) -> String { "[" + a.map { String(reflecting: $0) }.joined(separator: ", ") + "]" }
    return "    (path: \(String(reflecting: path)), id: \(String(reflecting: id)), title: \(String(reflecting: title)), "
        + "reference: \(String(reflecting: reference)), doi: \(String(reflecting: doi)), "
        + "outputColumns: \(list(columns)), numericOutputColumns: \(list(numeric))),\n"
}

let root = URL(fileURLWithPath: args[1]).standardizedFileURL.path
var files: [(path: String, text: String)] = []
for file in args.dropFirst(3) {
    let url = URL(fileURLWithPath: file).standardizedFileURL
    var rel = url.path
    if rel.hasPrefix(root + "/") { rel.removeFirst(root.count + 1) }
    files.append((rel, try String(contentsOf: url, encoding: .utf8)))
}

var out = "// Generated by ModelEmbedder from the package's Models/ folder. Do not edit.\n"
out += "package let embeddedModelFiles: [(path: String, text: String)] = [\n"
for (rel, text) in files {
    // A raw string delimiter that cannot occur in the text.
    var hashes = "#"
    while text.contains("\"" + hashes) || text.contains("\\" + hashes) { hashes += "#" }
    out += "    (path: \(String(reflecting: rel)), text: \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)),\n"
}
out += "]\n\n"

// The model files are the JSON files at the top of the folder, as `ModelLibrary` finds them.
out += "package let embeddedModelIndex: [(path: String, id: String, title: String, reference: String, doi: String, "
out += "outputColumns: [String], numericOutputColumns: [String])] = [\n"
for (rel, text) in files where rel.hasSuffix(".json") && !rel.contains("/") {
    out += try indexEntry(path: rel, text: text)
}
out += "]\n\n"

// For each file in path order: its path, a NUL byte, its text (as embedded) and a NUL byte.
var hasher = SHA256Hasher()
for (rel, text) in files.sorted(by: { $0.path < $1.path }) {
    hasher.update(Array(rel.utf8) + [0])
    hasher.update(Array(literalText(text).utf8) + [0])
}
out += "package let embeddedCatalogueChecksum = \(String(reflecting: hasher.finalize()))\n"
try Data(out.utf8).write(to: URL(fileURLWithPath: args[2]), options: .atomic)
