import Foundation
import Testing

/// The built binary never destroys its input, refuses colliding paths with exit 64 before
/// writing anything, and leaves no partial file behind when killed (issue 8 items 8 and 9).
@Suite struct FileSafetyTests {
    static let csv = "id,age,sex,race,smoker,diabetes,bp_treated,sbp,total_chol,hdl\np1,55,female,white,0,0,0,120,5.5,1.3\n"

    struct Collision: CustomTestStringConvertible, Sendable {
        let name: String
        /// Arguments with IN for the input file's path and D/ for the folder.
        let args: [String]
        var testDescription: String { name }
    }

    static let collisions: [Collision] = [
        .init(name: "score --rejects IN", args: ["score", "IN", "--models", "pce2013", "-o", "D/out.csv", "--rejects", "IN"]),
        .init(name: "score -o IN", args: ["score", "IN", "--models", "pce2013", "-o", "IN"]),
        .init(name: "score -o through ./", args: ["score", "IN", "--models", "pce2013", "-o", "D/./in.csv"]),
        .init(name: "score --manifest X -o X", args: ["score", "IN", "--models", "pce2013", "-o", "D/x.csv", "--manifest", "D/x.csv"]),
        .init(name: "score --manifest IN", args: ["score", "IN", "--models", "pce2013", "-o", "D/out.csv", "--manifest", "IN"]),
        .init(name: "score --rejects X -o X", args: ["score", "IN", "--models", "pce2013", "-o", "D/x.csv", "--rejects", "D/x.csv"]),
        .init(name: "score through a symbolic link", args: ["score", "IN", "--models", "pce2013", "-o", "D/link.csv"]),
        .init(name: "import --problems IN", args: ["import", "xml130", "IN", "-o", "D/out.csv", "--problems", "IN"]),
        .init(name: "import -o X --problems X", args: ["import", "xml130", "IN", "-o", "D/x.csv", "--problems", "D/x.csv"]),
        .init(name: "demo --input X --output X", args: ["demo", "--rows", "10", "--input", "D/x.csv", "--output", "D/x.csv"]),
    ]

    @Test(arguments: collisions)
    func collidingPathsAreRefusedWithExit64(_ c: Collision) throws {
        let d = try tempDir()
        let input = d.appendingPathComponent("in.csv")
        try Self.csv.write(to: input, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: d.appendingPathComponent("link.csv").path, withDestinationPath: input.path)
        let before = try FileManager.default.contentsOfDirectory(atPath: d.path).sorted()
        let args = c.args.map { $0 == "IN" ? input.path : $0.replacingOccurrences(of: "D/", with: d.path + "/") }
        let r = try riskengine(args)
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("same file"), "\(r.stderr)")
        #expect(try String(contentsOf: input, encoding: .utf8) == Self.csv)
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.path).sorted() == before)
    }

    @Test func aFailedRunLeavesNoFile() throws {
        let d = try tempDir()
        let input = d.appendingPathComponent("in.csv")
        // No known column: exit 65 after the outputs were opened.
        try "p1,55\np2,56\n".write(to: input, atomically: false, encoding: .utf8)
        let r = try riskengine(["score", input.path, "--models", "pce2013", "-o", d.appendingPathComponent("out.csv").path,
                                "--rejects", d.appendingPathComponent("rejects.csv").path])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.path) == ["in.csv"])
    }

    @Test func successfulRunWritesEveryOutputAndNoTemporaryFile() throws {
        let d = try tempDir()
        let input = d.appendingPathComponent("in.csv")
        try Self.csv.write(to: input, atomically: false, encoding: .utf8)
        let r = try riskengine(["score", input.path, "--models", "pce2013", "-o", d.appendingPathComponent("out.csv").path,
                                "--rejects", d.appendingPathComponent("rejects.csv").path, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.path).sorted()
                == ["in.csv", "out.csv", "out.csv.manifest.json", "rejects.csv"])
    }

    /// SIGTERM (or SIGINT) in the middle of a run: exit 143 (130), the input unchanged, no file
    /// but complete ones.
    @Test(arguments: [(SIGTERM, Int32(143)), (SIGINT, Int32(130))])
    func signalMidRunRemovesTemporaryFiles(_ c: (signal: Int32, status: Int32)) throws {
        let d = try tempDir()
        let input = d.appendingPathComponent("population.csv")
        let synth = try riskengine(["synth", "--rows", "300000", "-o", input.path])
        #expect(synth.status == 0, "\(synth.stderr)")
        // The whole input, compared byte for byte afterwards (stronger than a checksum).
        let before = try Data(contentsOf: input)
        let p = Process()
        p.executableURL = try riskengineURL()
        p.arguments = ["score", input.path, "--models", "pce2013,framingham2008_lab,score2,who2019_lab,prevent2023_full,qrisk3",
                       "--param", "who_region=southeast_asia", "--param", "score2_region=moderate",
                       "-o", d.appendingPathComponent("out.csv").path, "--rejects", d.appendingPathComponent("rejects.csv").path,
                       "--threads", "1"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait until the run has opened its temporary files, then stop it.
        var sawTemporary = false
        for _ in 0..<2000 where p.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: d.path)) ?? []
            if names.contains(where: { $0.hasPrefix(".") && $0.hasSuffix(".tmp") }) { sawTemporary = true; break }
            usleep(2000)
        }
        #expect(sawTemporary, "the run ended before it could be interrupted")
        usleep(50_000)
        kill(p.processIdentifier, c.signal)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit)
        #expect(p.terminationStatus == c.status)
        #expect(try Data(contentsOf: input) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.path) == ["population.csv"])
    }
}
