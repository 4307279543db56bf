import Foundation
@testable import RiskBatch
import RiskCore
import RiskTestSupport
import Testing

/// Output paths that are the input or another output are refused before anything is written;
/// outputs appear together, only on success (issue 8 items 8 and 9).
@Suite struct RunOutputsTests {
    func folder() throws -> URL {
        // Beside the build, not in /tmp: the temporary files must be beside their targets.
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("riskengine-outputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    struct Collision: CustomTestStringConvertible, Sendable {
        let name: String
        /// Paths relative to a fresh folder holding `in.csv` (and `link.csv` → `in.csv`,
        /// `hard.csv` hard link of `in.csv`, `sub` → `.`).
        let output: String
        let other: String?
        let refused: Bool
        var testDescription: String { name }
    }

    static let collisions: [Collision] = [
        .init(name: "output is the input", output: "in.csv", other: nil, refused: true),
        .init(name: "output is the input through ./", output: "./in.csv", other: nil, refused: true),
        .init(name: "output is a symbolic link to the input", output: "link.csv", other: nil, refused: true),
        .init(name: "output is a hard link of the input", output: "hard.csv", other: nil, refused: true),
        .init(name: "output is the input through a linked folder", output: "sub/in.csv", other: nil, refused: true),
        .init(name: "two new outputs with the same path", output: "out.csv", other: "out.csv", refused: true),
        .init(name: "two new outputs, one through a linked folder", output: "out.csv", other: "sub/out.csv", refused: true),
        .init(name: "two new outputs through ./", output: "out.csv", other: "./sub/./out.csv", refused: true),
        .init(name: "different new outputs", output: "out.csv", other: "rejects.csv", refused: false),
        .init(name: "a new output", output: "out.csv", other: nil, refused: false),
    ]

    @Test(arguments: collisions)
    func collisionsAreRefusedBeforeAnythingIsWritten(_ c: Collision) throws {
        let d = try folder()
        let input = d.appendingPathComponent("in.csv")
        try "id,age\n1,50\n".write(to: input, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: d.appendingPathComponent("link.csv").path, withDestinationPath: input.path)
        try FileManager.default.linkItem(at: input, to: d.appendingPathComponent("hard.csv"))
        try FileManager.default.createSymbolicLink(atPath: d.appendingPathComponent("sub").path, withDestinationPath: d.path)
        let before = try FileManager.default.contentsOfDirectory(atPath: d.path).sorted()
        var outputs: [RunOutputs.Path] = [.init("--output", d.appendingPathComponent(c.output).path)]
        if let o = c.other { outputs.append(.init("--rejects", d.appendingPathComponent(o).path)) }
        let made = Result { () throws(BatchError) in try RunOutputs(inputs: [.init("the input", input.path)], outputs: outputs) }
        switch made {
        case .failure(let e):
            #expect(c.refused, "\(e)")
            if case .sameFile = e {} else { Issue.record("expected sameFile, got \(e)") }
        case .success:
            #expect(!c.refused)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.path).sorted() == before)
        #expect(try String(contentsOf: input, encoding: .utf8) == "id,age\n1,50\n")
    }

    @Test func outputsAppearTogetherOnlyAtCommit() throws {
        let d = try folder()
        let out = d.appendingPathComponent("out.csv").path
        let manifest = d.appendingPathComponent("out.csv.manifest.json").path
        let set = try RunOutputs(inputs: [], outputs: [.init("--output", out), .init("--manifest", manifest)])
        try set.write(Array("a\n".utf8), to: out)
        try set.write(Array("{}".utf8), to: manifest)
        let names = try FileManager.default.contentsOfDirectory(atPath: d.path)
        #expect(names.count == 2 && names.allSatisfy { $0.hasPrefix(".") && $0.hasSuffix(".tmp") }, "\(names)")
        for n in names {
            let attrs = try FileManager.default.attributesOfItem(atPath: d.appendingPathComponent(n).path)
            #expect((attrs[.posixPermissions] as? Int) == 0o600)
        }
        #expect(Set(RunOutputs.liveTemporaryFiles).isSuperset(of: names.map { d.appendingPathComponent($0).path }))
        try set.commit()
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.path).sorted() == ["out.csv", "out.csv.manifest.json"])
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "a\n")
        #expect(RunOutputs.liveTemporaryFiles.allSatisfy { !$0.hasPrefix(d.path) })
    }

    @Test func aFailedRunLeavesNothing() throws {
        let d = try folder()
        let out = d.appendingPathComponent("out.csv").path
        let rejects = d.appendingPathComponent("rejects.csv").path
        do {
            let set = try RunOutputs(inputs: [], outputs: [.init("--output", out), .init("--rejects", rejects)])
            try set.write(Array("a\n".utf8), to: out)
            try set.write(Array("b\n".utf8), to: rejects)
            set.discard()
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.path) == [])
        // Dropped without commit (an error thrown through the run): removed too.
        do {
            let set = try RunOutputs(inputs: [], outputs: [.init("--output", out)])
            try set.write(Array("a\n".utf8), to: out)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.path) == [])
    }

    @Test func aRenameFailureRemovesTheRemainingTemporaryFiles() throws {
        let d = try folder()
        let out = d.appendingPathComponent("out.csv").path
        // A folder where the second output should go: rename(2) fails.
        let blocked = d.appendingPathComponent("z-blocked").path
        let set = try RunOutputs(inputs: [], outputs: [.init("--output", out), .init("--manifest", blocked)])
        try set.write(Array("a\n".utf8), to: out)
        try set.write(Array("{}".utf8), to: blocked)
        try FileManager.default.createDirectory(atPath: blocked, withIntermediateDirectories: false)
        #expect(FileManager.default.createFile(atPath: blocked + "/keep", contents: Data()))
        #expect(throws: BatchError.self) { try set.commit() }
        let left = try FileManager.default.contentsOfDirectory(atPath: d.path).sorted()
        #expect(left.allSatisfy { !$0.hasSuffix(".tmp") }, "\(left)")
    }

    /// `--threads N` runs exactly N workers and never more than N chunks at once.
    @Test(arguments: [1, 2, 3])
    func threadsBoundTheChunksProcessedAtOnce(_ n: Int) throws {
        let rows = Array(repeating: good, count: 4000).joined(separator: "\n")
        let r = try score(header + "\n" + rows + "\n", threads: n, chunkBytes: 2048)
        #expect(r.summary.rowsRead == 4000)
        #expect(r.summary.workerThreads == n)
        #expect(r.summary.peakConcurrentChunks >= 1 && r.summary.peakConcurrentChunks <= n)
    }

    @Test func workerPoolRunsExactlyNThreads() {
        let pool = WorkerPool(threads: 3)
        let lock = NSLock()
        nonisolated(unsafe) var threads = Set<ObjectIdentifier>()
        for _ in 0..<200 {
            pool.submit {
                lock.lock()
                threads.insert(ObjectIdentifier(Thread.current))
                lock.unlock()
                usleep(200)
            }
        }
        pool.finish()
        #expect(pool.count == 3)
        #expect(pool.peakConcurrentJobs <= 3)
        #expect(threads.count <= 3)
    }

    /// An output larger than several writeback steps (the sink starts the disk write and drops
    /// written pages every `writebackStep` bytes while it writes) arrives whole and in order.
    @Test func largeOutputIsWrittenWhole() throws {
        let d = try folder()
        defer { try? FileManager.default.removeItem(at: d) }
        let out = d.appendingPathComponent("big.csv").path
        let set = try RunOutputs(inputs: [], outputs: [.init("--output", out)])
        var sink = try set.sink(out)
        var g = SplitMix(seed: 20261208)
        let source = (0..<(1 << 20)).map { _ in UInt8.random(in: 0x20...0x7E, using: &g) }
        var expected: [UInt8] = []
        let total = Int(FileDescriptorSink.writebackStep) * 3 + 12_345
        expected.reserveCapacity(total + source.count)
        while expected.count < total {
            let start = Int.random(in: 0..<source.count, using: &g)
            let piece = Array(source[start..<min(source.count, start + Int.random(in: 1...900_000, using: &g))])
            try sink.write(piece)
            expected += piece
        }
        try set.commit()
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(written.count == expected.count)
        #expect(written == expected)
    }
}

/// The one quoting rule of every CSV writer and the one tokenizer (issue 8 item 19).
@Suite struct CSVTokenizerTests {
    static let quoting: [(String, String)] = [
        ("plain", "plain"), ("", ""), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""), ("cr\rhere", "\"cr\rhere\""), ("semi;colon", "semi;colon"),
        ("Nguyễn", "Nguyễn"),
    ]

    @Test(arguments: quoting)
    func quoted(_ c: (String, String)) {
        #expect(CSV.quoted(c.0) == c.1)
        // Read back by the tokenizer: the same text.
        #expect(CSV.records(Array((CSV.line([c.0, "x"])).utf8)).first?.fields == [c.0, "x"])
    }

    static let records: [(String, [[String]])] = [
        ("a,b\nc,d\n", [["a", "b"], ["c", "d"]]),
        ("a,b\r\nc,d", [["a", "b"], ["c", "d"]]),
        ("a,b\rc,d\r", [["a", "b"], ["c", "d"]]),
        ("\u{FEFF}\n\r\na,\"b\nc\"\n", [["a", "b\nc"]]),
        ("\"a\"\"b\",c\n", [["a\"b", "c"]]),
        ("a\"b,c\n", [["a\"b", "c"]]),
        ("a,\n", [["a", ""]]),
        ("a,", [["a", ""]]),
    ]

    @Test(arguments: records)
    func tokenizes(_ c: (String, [[String]])) {
        #expect(CSV.records(Array(c.0.utf8)).map(\.fields) == c.1)
    }

    /// The chunk cutter and the record reader agree on where records end, for every prefix.
    @Test func lastRecordEndAgreesWithTheRecordReader() {
        let text = Array("a,\"b\r\nc\",d\r\ne,f\rg,\"\"\"h\"\n\"i\",j\r\n".utf8)
        let ends: [Int] = text.withUnsafeBufferPointer { p in
            var out: [Int] = []
            var i = 0
            while let r = CSV.record(p, from: i, delimiter: CSV.comma, final: true) { out.append(r.end); i = r.end }
            return out
        }
        for k in 1...text.count {
            let cut = text.withUnsafeBufferPointer { p in CSV.lastRecordEnd(UnsafeBufferPointer(rebasing: p[0..<k])) }
            let expected = ends.last { $0 <= k && !($0 == k && text[k - 1] == CSV.cr) }
            #expect(cut == expected, "prefix \(k)")
        }
    }
}
