import Crypto
import Foundation
import Testing

/// Output stays byte-identical for the same input and options (issue 11): a fixed corpus
/// (Fixtures/corpus, made by make_corpus.py) is scored by the built binary with fixed options, and
/// the SHA-256 of every file written is compared with `hashes.txt`. Those hashes are a snapshot of
/// this engine's own output (recorded from the binary at the commit that added this test), not an
/// independent reference: they catch any change to what is written, intended or not. An intended
/// change (a coefficient, a format) must update `hashes.txt` in the same commit, with a CHANGELOG line.
@Suite struct OutputIdentityTests {
    static let allModels = "egfr_ckdepi2021,findrisc,framingham2008_bmi,framingham2008_lab,globorisk_fatal,globorisk_lab,"
        + "globorisk_office,kfre_4var,kfre_8var,pce2013,prevent2023_base,prevent2023_full,prevent2023_hba1c,prevent2023_sdi,"
        + "prevent2023_uacr,qrisk3,score2,score2_op,who2019_lab,who2019_lab_chart,who2019_nonlab,who2019_nonlab_chart"
    static let regionParams = ["--param", "who_region=southeast_asia", "--param", "country=VNM", "--param", "score2_region=moderate",
                               "--param", "kfre_calibration=non_north_american", "--param", "baseline_year=2020"]

    /// A case: a name, the corpus file, the options (the output and rejects paths are added).
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let input: String
        let options: [String]
        var rejects = false
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "clean-all", input: "clean.csv", options: ["--models", allModels] + regionParams),
        Case(name: "clean-all-1t-small-chunks", input: "clean.csv",
             options: ["--models", allModels, "--threads", "1", "--chunk-bytes", "5000"] + regionParams),
        Case(name: "clean-two-1t", input: "clean.csv", options: ["--models", "pce2013,framingham2008_lab", "--threads", "1"]),
        Case(name: "clean-two-2t-small-chunks", input: "clean.csv",
             options: ["--models", "pce2013,framingham2008_lab", "--threads", "2", "--chunk-bytes", "3000"]),
        Case(name: "clean-digits-keep", input: "clean.csv",
             options: ["--models", "who2019_lab,kfre_4var,egfr_ckdepi2021", "--digits", "6", "--keep", "age,sex,sbp", "--no-rules"] + regionParams),
        Case(name: "messy-all", input: "messy.csv", options: ["--models", allModels] + regionParams, rejects: true),
        Case(name: "messy-all-2t-small-chunks", input: "messy.csv",
             options: ["--models", allModels, "--threads", "2", "--chunk-bytes", "2000"] + regionParams, rejects: true),
        Case(name: "messy-units-auto", input: "messy.csv",
             options: ["--models", "pce2013,qrisk3,who2019_nonlab", "--units", "auto"] + regionParams, rejects: true),
        Case(name: "messy-pseudonymise", input: "messy.csv",
             options: ["--models", "pce2013", "--pseudonymise", "@key.bin", "--keep", "age"], rejects: true),
        Case(name: "semicolon-decimal-comma", input: "semicolon.csv",
             options: ["--models", "who2019_lab,score2,findrisc"] + regionParams, rejects: true),
        Case(name: "cr-only", input: "cr_only.csv", options: ["--models", "pce2013,qrisk3,prevent2023_full"]),
    ]

    static func corpus(_ name: String) throws -> URL {
        guard let u = Bundle.module.url(forResource: "Fixtures/corpus/" + name, withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return u
    }

    static func sha256(_ url: URL) throws -> String {
        SHA256.hash(data: try Data(contentsOf: url)).map { String(format: "%02x", $0) }.joined()
    }

    /// `hashes.txt`: `case file sha256` per line.
    static func expected() throws -> [String: String] {
        let text = try String(contentsOf: corpus("hashes.txt"), encoding: .utf8)
        var d: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 3 { d["\(parts[0]) \(parts[1])"] = String(parts[2]) }
        }
        return d
    }

    @Test(arguments: cases) func outputIsByteIdentical(_ c: Case) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv")
        let rej = dir.appendingPathComponent("rejects.csv")
        var args = ["score", try Self.corpus(c.input).path, "-o", out.path, "--quiet"]
        args += try c.options.map { $0.hasPrefix("@") ? try Self.corpus(String($0.dropFirst())).path : $0 }
        if c.rejects { args += ["--rejects", rej.path] }
        let r = try riskengine(args)
        #expect(r.status == 0, "exit \(r.status): \(r.stderr)")
        let expected = try Self.expected()
        var files = [("output", out)]
        if c.rejects { files.append(("rejects", rej)) }
        for (label, url) in files {
            let got = try Self.sha256(url)
            #expect(expected["\(c.name) \(label)"] == got, "\(c.name) \(label) \(got)")
        }
    }

    /// The corpus's clean file is `riskengine synth --rows 2500 --seed 20261202`: the generator's
    /// output is pinned too (a faster writer must write the same people).
    @Test func synthWritesTheCorpusPopulation() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("synth.csv")
        let r = try riskengine(["synth", "--rows", "2500", "--seed", "20261202", "--output", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.sha256(out) == Self.sha256(Self.corpus("clean.csv")))
    }

    /// Thread count and chunk size never change the bytes.
    @Test func threadsAndChunkingAgree() throws {
        let e = try Self.expected()
        #expect(e["clean-all output"] != nil && e["clean-all output"] == e["clean-all-1t-small-chunks output"])
        #expect(e["clean-two-1t output"] != nil && e["clean-two-1t output"] == e["clean-two-2t-small-chunks output"])
        #expect(e["messy-all output"] != nil && e["messy-all output"] == e["messy-all-2t-small-chunks output"])
        #expect(e["messy-all rejects"] != nil && e["messy-all rejects"] == e["messy-all-2t-small-chunks rejects"])
    }
}
