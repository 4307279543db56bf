// Published risk charts as lookup tables (`riskengine.chart/1`), e.g. the printed WHO 2019 charts:
// a value per cell of categorical axes and numeric bands. Compiled into a `CompiledModel` whose
// outcome is looked up instead of computed, so the evaluator, statuses and output are shared.
import Foundation
import RiskCore

/// A chart file as written.
public struct ChartDefinition: Codable, Sendable, Equatable {
    public var format: String
    public var id: String
    public var title: String
    public var version: String
    public var citation: ChartCitation
    public var notes: [String]?
    public var outcome: ModelDefinition.Outcome
    public var inputs: [ModelDefinition.Input]
    public var axes: [Axis]
    /// Nested arrays in axis order; the innermost array runs over the last axis.
    public var cells: NestedCells
    public var examples: [ModelDefinition.Example]?
    /// Why the chart has no worked examples (required when `examples` is empty).
    public var examplesNoneReason: String?

    enum CodingKeys: String, CodingKey {
        case format, id, title, version, citation, notes, outcome, inputs, axes, cells, examples
        case examplesNoneReason = "examples_none_reason"
    }

    public struct ChartCitation: Codable, Sendable, Equatable {
        public var reference: String
        public var doi: String
        public var table: String?
        public var transcriptions: [String]?
        public var confirmedBy: [String]?

        enum CodingKeys: String, CodingKey {
            case reference, doi, table, transcriptions
            case confirmedBy = "confirmed_by"
        }
    }

    /// A categorical axis (`values`) or a numeric axis (`bands`: min ≤ x < below; no min = open
    /// below, no below = open above).
    public struct Axis: Codable, Sendable, Equatable {
        public var field: String
        public var values: [ScalarValue]?
        public var bands: [Band]?
        public var unit: String?
    }

    public struct Band: Codable, Sendable, Equatable {
        public var label: String
        public var min: Double?
        public var below: Double?
        public var midpoint: Double?
    }
}

/// Arbitrarily nested arrays of numbers.
public indirect enum NestedCells: Codable, Sendable, Equatable {
    case value(Double)
    case list([NestedCells])

    /// `userInfo` key of a `JSONDecoder`: the chart's `cells` already read by
    /// `ChartCellsScanner` (a `Preread`), used instead of decoding them again.
    static let prereadKey = CodingUserInfoKey(rawValue: "riskengine.chart-cells")!

    final class Preread: @unchecked Sendable {
        let cells: NestedCells
        init(_ cells: NestedCells) { self.cells = cells }
    }

    public init(from decoder: any Decoder) throws {
        if decoder.codingPath.count == 1, decoder.codingPath[0].stringValue == "cells",
            let pre = decoder.userInfo[Self.prereadKey] as? Preread
        {
            self = pre.cells
            return
        }
        let c = try decoder.singleValueContainer()
        if let d = try? c.decode(Double.self) {
            self = .value(d)
        } else {
            self = .list(try c.decode([NestedCells].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .value(let d): try c.encode(d)
        case .list(let l): try c.encode(l)
        }
    }

    /// Flattens in row-major order, checking the shape against `dims`.
    func flatten(dims: [Int], path: String) -> (cells: [Double], error: String?) {
        var out: [Double] = []
        func walk(_ node: NestedCells, _ depth: Int, _ p: String) -> String? {
            switch node {
            case .value(let v):
                if depth != dims.count { return "\(p): a number where a list of \(dims[depth]) was expected" }
                out.append(v)
            case .list(let l):
                if depth == dims.count { return "\(p): a list where a number was expected" }
                if l.count != dims[depth] { return "\(p): \(l.count) entries, the axis has \(dims[depth])" }
                for (i, child) in l.enumerated() { if let e = walk(child, depth + 1, p + "[\(i)]") { return e } }
            }
            return nil
        }
        if let e = walk(self, 0, path) { return ([], e) }
        return (out, nil)
    }
}

/// A compiled chart: per axis, how to find the index of a row's value; and the flat cells.
struct ChartTable: Sendable {
    enum AxisRule: Sendable {
        /// Category or flag: canonical code → axis index.
        case codes(field: Int, index: [Double: Int])
        /// Numeric bands.
        case bands(field: Int, mins: [Double], belows: [Double])
    }
    let axes: [AxisRule]
    let strides: [Int]
    let cells: [Double]

    /// The cell value of every row (nil where a value falls outside every band or code).
    func values(_ chunk: RecordChunk) -> [Double?] {
        let n = chunk.count
        var offsets = [Int](repeating: 0, count: n)
        var ok = [Bool](repeating: true, count: n)
        for (k, axis) in axes.enumerated() {
            let stride = strides[k]
            switch axis {
            case .codes(let field, let index):
                guard let col = chunk.columns[field] else { return [Double?](repeating: nil, count: n) }
                // Category codes are small whole numbers: looked up in an array by code (−1: not
                // on the chart) instead of hashing every row's value.
                let largest = index.keys.max() ?? -1
                let small = largest < 256 && index.keys.allSatisfy { $0 >= 0 && $0 == $0.rounded() }
                var byCode = [Int](repeating: -1, count: small ? Int(largest) + 1 : 0)
                if small { for (code, i) in index { byCode[Int(code)] = i } }
                for r in 0..<n where ok[r] {
                    guard col.states[r] == .present else { ok[r] = false; continue }
                    let v = col.values[r]
                    let i: Int?
                    if small {
                        i = v >= 0 && v <= largest && v == v.rounded() && byCode[Int(v)] >= 0 ? byCode[Int(v)] : nil
                    } else {
                        i = index[v]
                    }
                    if let i { offsets[r] += i * stride } else { ok[r] = false }
                }
            case .bands(let field, let mins, let belows):
                guard let col = chunk.columns[field] else { return [Double?](repeating: nil, count: n) }
                for r in 0..<n where ok[r] {
                    guard col.states[r] == .present else { ok[r] = false; continue }
                    let x = col.values[r]
                    var found = -1
                    for b in 0..<mins.count where x >= mins[b] && x < belows[b] { found = b; break }
                    if found < 0 { ok[r] = false } else { offsets[r] += found * stride }
                }
            }
        }
        return (0..<n).map { ok[$0] ? cells[offsets[$0]] : nil }
    }

}

extension ModelLoader {
    /// The format string of chart files.
    public static let chartFormat = "riskengine.chart/1"

    /// Decodes and compiles one file, model or chart, by its `format`.
    public static func compileAny(
        json: String, file: String, tableText: (String) -> String? = ModelLoader.embeddedFile,
        tables cache: DataTableCache = DataTableCache(), fields: FieldCatalog = .canonical
    ) throws(ModelFileError) -> CompiledModel {
        struct Peek: Decodable { let format: String? }
        let format = (try? JSONDecoder().decode(Peek.self, from: Data(json.utf8)))?.format
        if format == chartFormat { return try compileChart(json: json, file: file) }
        return try compile(json: json, file: file, tableText: tableText, tables: cache, fields: fields)
    }

    /// Decodes, validates and compiles a chart file.
    public static func compileChart(json: String, file: String) throws(ModelFileError) -> CompiledModel {
        let chart: ChartDefinition
        do {
            let decoder = JSONDecoder()
            if let cells = ChartCellsScanner.cells(in: json) {
                decoder.userInfo[NestedCells.prereadKey] = NestedCells.Preread(cells)
            }
            chart = try decoder.decode(ChartDefinition.self, from: Data(json.utf8))
        } catch {
            let p = JSONProblem(error)
            throw .malformed(file: file, key: p.keyPath, problem: p.problem)
        }
        func bad(_ key: String, _ problem: String) -> ModelFileError { .invalid(file: file, key: key, problem: problem) }
        // The inputs, ranges and statuses are those of a model file with no features: compile one
        // to reuse the validation, then attach the table.
        var outcome = chart.outcome
        outcome.digits = outcome.digits ?? 0
        outcome.scale = .value
        let definition = ModelDefinition(
            format: format, id: chart.id, title: chart.title, version: chart.version,
            citation: .init(
                reference: chart.citation.reference, doi: chart.citation.doi,
                table: chart.citation.table ?? "printed charts",
                confirmedBy: (chart.citation.transcriptions ?? []).map { "transcription: " + $0 } + (chart.citation.confirmedBy ?? [])),
            notes: chart.notes, outcomes: [outcome], inputs: chart.inputs, exclusions: nil, features: [],
            link: .identity, strata: [.init(id: "all", when: [:], equations: [outcome.id: .init(coefficients: [:], intercept: 0)])],
            recalibration: nil, examples: chart.examples ?? [], examplesNoneReason: chart.examplesNoneReason)
        let base = try compile(definition, file: file)
        var rules: [ChartTable.AxisRule] = []
        var dims: [Int] = []
        for (k, axis) in chart.axes.enumerated() {
            let key = "axes[\(k)]"
            guard let fi = CanonicalSchema.indexByName[axis.field], base.inputs.contains(where: { $0.field == fi }) else {
                throw bad(key + ".field", "\"\(axis.field)\" must be one of the chart's inputs")
            }
            let spec = CanonicalSchema.fields[fi]
            if let values = axis.values {
                var index: [Double: Int] = [:]
                for (i, v) in values.enumerated() {
                    let code: Double
                    switch (spec.kind, v) {
                    case (.category(let vocab), .text(let s)):
                        guard let c = vocab.index(of: s) else { throw bad(key + ".values", "\"\(s)\" is not a value of \(axis.field)") }
                        code = Double(c)
                    case (.category, .number):
                        throw bad(key + ".values", "\(axis.field) is a category: give values as strings")
                    case (_, .number(let x)):
                        code = x
                    case (_, .text(let s)):
                        throw bad(key + ".values", "\"\(s)\" is not a number")
                    }
                    index[code] = i
                }
                rules.append(.codes(field: fi, index: index))
                dims.append(values.count)
            } else if let bands = axis.bands, !bands.isEmpty {
                let mins = bands.map { $0.min ?? -.infinity }
                let belows = bands.map { $0.below ?? .infinity }
                for b in 1..<bands.count where mins[b] != belows[b - 1] {
                    throw bad(key + ".bands[\(b)]", "bands must be contiguous: min must equal the previous band's below")
                }
                rules.append(.bands(field: fi, mins: mins, belows: belows))
                dims.append(bands.count)
            } else {
                throw bad(key, "an axis needs values or bands")
            }
        }
        let (flat, problem) = chart.cells.flatten(dims: dims, path: "cells")
        if let problem { throw bad("cells", problem) }
        // Chart cells are risks in percent.
        if let v = flat.first(where: { !($0.isFinite && $0 >= 0 && $0 <= 100) }) {
            throw .implausibleNumber(file: file, key: "cells", value: v, limit: 100)
        }
        var strides = [Int](repeating: 1, count: dims.count)
        for k in stride(from: dims.count - 2, through: 0, by: -1) { strides[k] = strides[k + 1] * dims[k + 1] }
        var model = base.withChart(ChartTable(axes: rules, strides: strides, cells: flat))
        model.sourceText = json
        return model
    }
}
