import Foundation
import RiskCore
import RiskModelCatalog
import RiskModels
import Testing

/// The embedded library compiles a model when it is first asked for, and lists every model from
/// the index the build makes (`ModelCatalog.modelIndex`) without compiling any.
@Suite struct LazyLibraryTests {
    @Test func aNewLibraryHasCompiledNothing() throws {
        let lib = try ModelLibrary.embedded()
        #expect(lib.ids.count == ModelCatalog.modelIndex.count && lib.ids.count >= 22)
        #expect(lib.compiledIDs.isEmpty)
        #expect(lib.tables.count == 0)
    }

    @Test func askingForOneModelCompilesOnlyThatOne() throws {
        let lib = try ModelLibrary.embedded()
        let m = try lib.model("pce2013")
        #expect(m.id == "pce2013")
        #expect(lib.compiledIDs == ["pce2013"])
        #expect(lib.tables.count == 0)
        _ = try lib.model("framingham2008_lab")
        _ = try lib.model("pce2013")
        #expect(lib.compiledIDs == ["framingham2008_lab", "pce2013"])
        // A Globorisk model parses its two tables, no more.
        _ = try lib.model("globorisk_lab")
        #expect(lib.tables.count == 2)
        #expect(lib.compiledIDs == ["framingham2008_lab", "globorisk_lab", "pce2013"])
    }

    @Test func anUnknownIDIsRefusedWithTheKnownOnes() throws {
        let lib = try ModelLibrary.embedded()
        #expect(throws: ModelFileError.unknownModel(id: "nope", known: lib.ids)) { try lib.model("nope") }
        #expect(lib.compiledIDs.isEmpty)
    }

    @Test func threadsAskingForTheSameModelGetItCompiledOnce() throws {
        let lib = try ModelLibrary.embedded()
        let ids = ["pce2013", "score2", "pce2013", "score2", "qrisk3", "pce2013", "qrisk3", "score2"]
        let got = Got(count: ids.count)
        DispatchQueue.concurrentPerform(iterations: ids.count) { i in
            got.set(i, (try? lib.model(ids[i]))?.id)
        }
        #expect(got.values == ids)
        #expect(lib.compiledIDs == ["pce2013", "qrisk3", "score2"])
    }

    final class Got: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [String?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ v: String?) {
            lock.lock()
            values[i] = v
            lock.unlock()
        }
    }

    /// The build-time index says what compiling each model says (so it cannot drift from the files).
    @Test func theBuildIndexEqualsTheCompiledModels() throws {
        let fresh = try ModelLibrary.embedded()
        let listed = fresh.entries
        #expect(listed.map(\.id) == allModels.map(\.id))
        for m in allModels {
            #expect(fresh.entry(m.id) == ModelLibrary.Entry(m), "\(m.id)")
        }
        let files = ModelCatalog.files.map(\.path).filter { $0.hasSuffix(".json") && !$0.contains("/") }
        #expect(ModelCatalog.modelIndex.map(\.path) == files)
        #expect(fresh.compiledIDs.isEmpty)
    }

    /// Scoring with a few models uses the same derivations as with the whole library (after the
    /// evaluator keeps those its models read), and compiles the eGFR model only when one reads eGFR.
    @Test(arguments: ["pce2013", "kfre_4var", "prevent2023_base", "prevent2023_full", "egfr_ckdepi2021", "who2019_lab"])
    func derivationsForSomeModelsAreThoseOfTheLibrary(_ id: String) throws {
        let lib = try ModelLibrary.embedded()
        let m = try lib.model(id)
        let some = Evaluator(models: [m], derivations: try lib.derivations(for: [m])).derivations.map(\.field)
        let needsEGFR = m.requiredFields.contains("egfr")
        #expect(lib.compiledIDs.contains("egfr_ckdepi2021") == (needsEGFR || id == "egfr_ckdepi2021"))
        let all = Evaluator(models: [m], derivations: try lib.derivations).derivations.map(\.field)
        #expect(some == all)
    }

    @Test func aFolderModelIsCompiledAtLoadAndTheEmbeddedOnesAreNot() throws {
        let file = ModelLibraryLoadingTests.tableModel(
            id: "tabletoy", examples: "[" + ModelLibraryLoadingTests.example(id: "tabletoy", age: 50, sex: "male", expected: 40) + "]")
        let dir = try ModelLibraryLoadingTests.folder(["toy.json": file, "tables/means.csv": "sex,mean\n0,10\n1,20\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let lib = try ModelLibrary.embedded(plus: dir)
        #expect(lib.compiledIDs == ["tabletoy"])
        #expect(lib.ids.count == ModelCatalog.modelIndex.count + 1)
        let e = try #require(lib.entry("tabletoy"))
        #expect(e.numericOutputColumns == ["tabletoy_v"] && e.title == "Table toy")
    }
}
