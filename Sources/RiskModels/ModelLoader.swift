import Foundation
import RiskCore
import RiskModelCatalog

/// Loads model files, validates them and compiles them for the evaluator.
public enum ModelLoader {
    /// The format string every model file must carry.
    public static let format = "riskengine.model/1"

    /// Decodes and compiles one model file's text; `file` names it in errors.
    public static func compile(
        json: String, file: String, tableText: (String) -> String? = ModelLoader.embeddedFile,
        tables cache: DataTableCache = DataTableCache(), fields: FieldCatalog = .canonical
    ) throws(ModelFileError) -> CompiledModel {
        let definition: ModelDefinition
        do {
            definition = try JSONDecoder().decode(ModelDefinition.self, from: Data(json.utf8))
        } catch {
            let p = JSONProblem(error)
            throw .malformed(file: file, key: p.keyPath, problem: p.problem)
        }
        var model = try compile(definition, file: file, tableText: tableText, tables: cache, fields: fields)
        model.sourceText = json
        return model
    }

    /// The embedded text of a file under Models/ (tables), by relative path.
    public static func embeddedFile(_ path: String) -> String? {
        ModelCatalog.files.first { $0.path == path }?.text
    }

    /// Validates a definition and compiles it in named steps (`ModelCompiler`); `tableText` finds
    /// the text of a table file, `tables` is the library's table cache.
    public static func compile(
        _ d: ModelDefinition, file: String, tableText: (String) -> String? = ModelLoader.embeddedFile,
        tables cache: DataTableCache = DataTableCache(), fields: FieldCatalog = .canonical
    ) throws(ModelFileError) -> CompiledModel {
        try withoutActuallyEscaping(tableText) { (text) throws(ModelFileError) -> CompiledModel in
            var compiler = ModelCompiler(d, file: file, tableText: text, cache: cache, fields: fields)
            return try compiler.compile()
        }
    }

    /// The fields a definition reads: canonical, then its own local columns (`columns`).
    public static func fieldCatalog(of d: ModelDefinition, file: String) throws(ModelFileError) -> FieldCatalog {
        let local = try ModelCompiler.localFields(d, file: file)
        do { return try FieldCatalog.canonical.adding(local) } catch {
            throw .invalid(file: file, key: "columns", problem: "cannot be added: \(error)")
        }
    }

    /// A value of a field as the evaluator sees it: a category word as its code, a number as is.
    static func code(_ v: ScalarValue, spec: FieldSpec, file: String, key: String) throws(ModelFileError) -> Double {
        switch (spec.kind, v) {
        case (.category(let vocab), .text(let s)):
            guard let c = vocab.index(of: s) else {
                throw .invalid(file: file, key: key, problem: "\"\(s)\" is not a value of \(spec.name)")
            }
            return Double(c)
        case (.category, .number):
            throw .invalid(file: file, key: key, problem: "\(spec.name) is a category: give its value as a string")
        case (_, .number(let x)):
            return x
        case (_, .text(let s)):
            throw .invalid(file: file, key: key, problem: "\(spec.name) is numeric: \"\(s)\" is not a number")
        }
    }

    static func formatBound(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}

/// The models available to a run: the embedded library plus any files given at run time. Every
/// file is checked at load (its numbers and its worked examples, see `ModelLoader.verifyExamples`).
/// An embedded model is decoded, compiled and checked the first time it is asked for (`model(_:)`,
/// `models`), once per library; what is listed of every model (`entries`: id, title, citation,
/// output columns) comes from an index made at build time, so listing the library or scoring with
/// two models compiles nothing else. Files given at run time are compiled at load (their ids are
/// in their text). The library owns its compiled models and the data tables they read (`tables`):
/// nothing is cached process-wide.
public struct ModelLibrary: Sendable {
    /// What the library knows of a model without compiling it.
    public struct Entry: Sendable, Equatable {
        public let id: String
        public let title: String
        /// The citation's reference and DOI.
        public let reference: String
        public let doi: String
        /// The file it comes from (`Models/…` for an embedded one, else the path given).
        public let file: String
        /// The written output columns, in outcome order.
        public let outputColumns: [String]
        /// The written columns that hold numbers (not labels).
        public let numericOutputColumns: [String]

        public init(
            id: String, title: String, reference: String, doi: String, file: String,
            outputColumns: [String], numericOutputColumns: [String]
        ) {
            self.id = id
            self.title = title
            self.reference = reference
            self.doi = doi
            self.file = file
            self.outputColumns = outputColumns
            self.numericOutputColumns = numericOutputColumns
        }

        /// The entry of a compiled model.
        public init(_ m: CompiledModel) {
            self.init(
                id: m.id, title: m.definition.title, reference: m.definition.citation.reference,
                doi: m.definition.citation.doi, file: m.file, outputColumns: m.outputColumns,
                numericOutputColumns: m.outputColumns.indices.filter { m.outputLabels[$0] == nil }.map { m.outputColumns[$0] })
        }
    }

    /// Every model of the library, sorted by id.
    public let entries: [Entry]
    /// The parsed data tables of this library's models.
    public let tables: DataTableCache
    private let store: Store

    /// The compiled models and the embedded files not yet compiled, behind one lock: a model is
    /// compiled once however many threads ask for it.
    private final class Store: @unchecked Sendable {
        let lock = NSLock()
        /// The embedded model files not compiled yet, by id: path relative to `Models/`.
        var pending: [String: String]
        var compiled: [String: CompiledModel]

        init(pending: [String: String], compiled: [String: CompiledModel]) {
            self.pending = pending
            self.compiled = compiled
        }
    }

    /// A library of compiled models.
    public init(models: [CompiledModel], tables: DataTableCache = DataTableCache()) throws(ModelFileError) {
        try self.init(entries: models.map(Entry.init), pending: [:], compiled: models, tables: tables)
    }

    private init(
        entries: [Entry], pending: [String: String], compiled: [CompiledModel], tables: DataTableCache
    ) throws(ModelFileError) {
        var seen: [String: String] = [:]
        for e in entries {
            if let other = seen[e.id] { throw .duplicateID(id: e.id, files: [other, e.file]) }
            seen[e.id] = e.file
        }
        self.entries = entries.sorted { $0.id < $1.id }
        self.tables = tables
        self.store = Store(pending: pending, compiled: Dictionary(uniqueKeysWithValues: compiled.map { ($0.id, $0) }))
    }

    /// The library embedded in the binary (Models/*.json). Nothing is compiled yet: each model is
    /// compiled and checked when first asked for.
    public static func embedded() throws(ModelFileError) -> ModelLibrary {
        let index = embeddedIndex()
        return try ModelLibrary(
            entries: index, pending: Dictionary(index.map { ($0.id, String($0.file.dropFirst("Models/".count))) }) { a, _ in a },
            compiled: [], tables: DataTableCache())
    }

    /// The build-time index of the embedded model files (`ModelCatalog.modelIndex`).
    static func embeddedIndex() -> [Entry] {
        ModelCatalog.modelIndex.map {
            Entry(id: $0.id, title: $0.title, reference: $0.reference, doi: $0.doi, file: "Models/" + $0.path,
                  outputColumns: $0.outputColumns, numericOutputColumns: $0.numericOutputColumns)
        }
    }

    /// The embedded library plus the model files in a folder (a file with an embedded model's id
    /// replaces it, so a recalibrated model can be tried without rebuilding). A table path is
    /// read from the folder first, then from the embedded tables. The folder's files are compiled
    /// and checked here; the embedded ones when first asked for.
    public static func embedded(plus directory: URL) throws(ModelFileError) -> ModelLibrary {
        let tables = DataTableCache()
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw .malformed(file: directory.path, key: "", problem: "cannot list the folder")
        }
        var extra: [String: CompiledModel] = [:]
        var texts: [(url: URL, text: String)] = []
        for name in names {
            let url = directory.appendingPathComponent(name)
            do { texts.append((url, try TextFile.read(url.path))) } catch {
                throw .malformed(file: url.path, key: "", problem: "cannot read the file: \(error)")
            }
        }
        let fields = try localFieldCatalog(texts)
        for (url, text) in texts {
            let m = try ModelLoader.load(json: text, file: url.path, tableText: { path in
                (try? String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)) ?? ModelLoader.embeddedFile(path)
            }, tables: tables, fields: fields)
            if let other = extra[m.id] { throw .duplicateID(id: m.id, files: [other.file, url.path]) }
            extra[m.id] = m
        }
        let embedded = embeddedIndex().filter { extra[$0.id] == nil }
        return try ModelLibrary(
            entries: embedded + extra.values.map(Entry.init),
            pending: Dictionary(embedded.map { ($0.id, String($0.file.dropFirst("Models/".count))) }) { a, _ in a },
            compiled: Array(extra.values), tables: tables)
    }

    /// The catalog of a folder's model files: canonical fields, then every local column any of
    /// them declares (`columns`), so that all models of the library index fields alike. A column
    /// declared by two files must be declared the same way.
    static func localFieldCatalog(_ texts: [(url: URL, text: String)]) throws(ModelFileError) -> FieldCatalog {
        struct Peek: Decodable { let columns: [ModelDefinition.LocalColumn]? }
        var catalog = FieldCatalog.canonical
        for (url, text) in texts {
            // Files that do not decode are reported by the loader, with the key at fault.
            guard let peek = try? JSONDecoder().decode(Peek.self, from: Data(text.utf8)), peek.columns != nil else { continue }
            guard let d = try? JSONDecoder().decode(ModelDefinition.self, from: Data(text.utf8)) else { continue }
            let local = try ModelCompiler.localFields(d, file: url.path)
            do {
                catalog = try catalog.adding(local)
            } catch {
                throw .invalid(file: url.path, key: "columns", problem: "a column is declared differently by another file of the folder")
            }
        }
        return catalog
    }

    /// The ids of the library's models, sorted.
    public var ids: [String] { entries.map(\.id) }

    /// The listing entry of a model, without compiling it.
    public func entry(_ id: String) -> Entry? { entries.first { $0.id == id } }

    /// A model by id, compiled (and its worked examples checked) on first use.
    public func model(_ id: String) throws(ModelFileError) -> CompiledModel {
        store.lock.lock()
        defer { store.lock.unlock() }
        if let m = store.compiled[id] { return m }
        guard let path = store.pending[id], let text = ModelLoader.embeddedFile(path) else {
            throw .unknownModel(id: id, known: ids)
        }
        let file = "Models/" + path
        let m = try ModelLoader.load(json: text, file: file, tableText: ModelLoader.embeddedFile, tables: tables)
        guard m.id == id else {
            throw .invalid(file: file, key: "id", problem: "the file's id differs from the build's model index: rebuild")
        }
        store.compiled[id] = m
        store.pending[id] = nil
        return m
    }

    /// Every model of the library, compiled and checked (in id order). Compiles the ones not yet
    /// compiled: for the callers that need them all (the demo, tests).
    public var models: [CompiledModel] {
        get throws(ModelFileError) {
            var all: [CompiledModel] = []
            for e in entries { all.append(try model(e.id)) }
            return all
        }
    }

    /// The ids of the models compiled so far, sorted.
    public var compiledIDs: [String] {
        store.lock.lock()
        defer { store.lock.unlock() }
        return store.compiled.keys.sorted()
    }
}
