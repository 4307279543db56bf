import Foundation
@testable import RiskBatch
import RiskCore
import Testing

/// The jobs behind the commands, without a process: outputs appear together, collisions are
/// refused before anything is written, the manifest describes the run.
@Suite struct JobTests {
    func folder() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("riskengine-jobs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    @Test func scoreJobWritesOutputRejectsAndManifestTogether() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.csv").path
        try Data("\(header)\n\(good)\nbad,55,female,white,0,0,0,12O,5.5,1.3\n".utf8).write(to: URL(fileURLWithPath: input))
        var job = ScoreJob(
            inputs: [input], output: dir.appendingPathComponent("out.csv").path,
            options: ScoreOptions(models: [try library.model("pce2013")], flags: rules, threads: 1))
        job.rejects = dir.appendingPathComponent("rejects.csv").path
        let summary = try job.run()
        #expect(summary.rowsWritten == 2)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["in.csv", "out.csv", "out.csv.manifest.json", "rejects.csv"])
        let manifest = try String(contentsOfFile: dir.appendingPathComponent("out.csv.manifest.json").path, encoding: .utf8)
        #expect(manifest.contains("\"rowsWritten\" : 2"))
        let rejects = try String(contentsOfFile: job.rejects!, encoding: .utf8)
        #expect(rejects == "row,column,reason\n2,sbp,invalid\n")
    }

    @Test func scoreJobRefusesToWriteOverItsInput() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.csv").path
        let text = "\(header)\n\(good)\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: input))
        var job = ScoreJob(
            inputs: [input], output: dir.appendingPathComponent("out.csv").path,
            options: ScoreOptions(models: [try library.model("pce2013")], flags: rules, threads: 1))
        job.rejects = input
        #expect(throws: JobError.self) { try job.run() }
        #expect(try String(contentsOfFile: input, encoding: .utf8) == text)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["in.csv"])
    }

    @Test func synthJobIsDeterministic() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.csv").path, b = dir.appendingPathComponent("b.csv").path
        try SynthJob(rows: 200, seed: 7, output: a).run()
        try SynthJob(rows: 200, seed: 7, output: b).run()
        #expect(FileManager.default.contents(atPath: a) == FileManager.default.contents(atPath: b))
        #expect(try String(contentsOfFile: a, encoding: .utf8).split(separator: "\n").count == 201)
    }

    @Test func demoJobReportsEveryModelAndLeavesTwoFiles() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let job = DemoJob(rows: 500, seed: 3, input: dir.appendingPathComponent("pop.csv").path, output: dir.appendingPathComponent("scored.csv").path)
        let report = try job.run(library: library)
        for m in allModels { #expect(report.contains(m.id), "\(m.id)") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["pop.csv", "scored.csv"])
    }
}
