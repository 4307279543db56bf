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
/// The library owns the data tables its models read (`tables`): nothing is cached process-wide.
public struct ModelLibrary: Sendable {
    public let models: [CompiledModel]
    /// The parsed data tables of this library's models.
    public let tables: DataTableCache

    public init(models: [CompiledModel], tables: DataTableCache = DataTableCache()) throws(ModelFileError) {
        var seen: [String: String] = [:]
        for m in models {
            if let other = seen[m.id] { throw .duplicateID(id: m.id, files: [other, m.file]) }
            seen[m.id] = m.file
        }
        self.models = models.sorted { $0.id < $1.id }
        self.tables = tables
    }

    /// The library embedded in the binary (Models/*.json), validated.
    public static func embedded() throws(ModelFileError) -> ModelLibrary {
        let tables = DataTableCache()
        return try ModelLibrary(models: embeddedModels(tables: tables), tables: tables)
    }

    private static func embeddedModels(tables: DataTableCache) throws(ModelFileError) -> [CompiledModel] {
        var compiled: [CompiledModel] = []
        for file in ModelCatalog.files where file.path.hasSuffix(".json") && !file.path.contains("/") {
            compiled.append(try ModelLoader.load(
                json: file.text, file: "Models/" + file.path, tableText: ModelLoader.embeddedFile, tables: tables))
        }
        return compiled
    }

    /// The embedded library plus the model files in a folder (a file with an embedded model's id
    /// replaces it, so a recalibrated model can be tried without rebuilding). A table path is
    /// read from the folder first, then from the embedded tables.
    public static func embedded(plus directory: URL) throws(ModelFileError) -> ModelLibrary {
        let tables = DataTableCache()
        var byID: [String: CompiledModel] = [:]
        for m in try embeddedModels(tables: tables) { byID[m.id] = m }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw .malformed(file: directory.path, key: "", problem: "cannot list the folder")
        }
        var extra: [String: String] = [:]
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
            if let other = extra[m.id] { throw .duplicateID(id: m.id, files: [other, url.path]) }
            extra[m.id] = url.path
            byID[m.id] = m
        }
        return try ModelLibrary(models: Array(byID.values), tables: tables)
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

    /// A model by id.
    public func model(_ id: String) throws(ModelFileError) -> CompiledModel {
        guard let m = models.first(where: { $0.id == id }) else {
            throw .unknownModel(id: id, known: models.map(\.id))
        }
        return m
    }
}
