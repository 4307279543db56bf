// The demo (`riskengine demo`): a seeded synthetic population scored with every shipped model and
// summarised with each model's own categories. Cardiovascular models use the WHO-style 10-year
// risk bands of the flag rules (Models/rules/flags.json); the others use the categories their
// guidelines define:
// - eGFR (CKD-EPI 2021), KDIGO 2012 GFR categories (Kidney Int Suppl 2013;3:1-150,
//   doi:10.1038/kisup.2012.73): G1 >= 90, G2 60-89, G3a 45-59, G3b 30-44, G4 15-29, G5 < 15
//   mL/min/1.73 m2;
// - FINDRISC points (Lindström & Tuomilehto, Diabetes Care 2003;26:725-731,
//   doi:10.2337/diacare.26.3.725): low < 7, slightly elevated 7-11, moderate 12-14, high 15-20,
//   very high > 20;
// - KFRE: 5-year risk < 3 %, 3 to < 5 %, >= 5 % (referral to nephrology at >= 5 %: NICE NG203, 2021;
//   KDIGO 2024 CKD guideline, Kidney Int 2024;105(4S):S117-S314, doi:10.1016/j.kint.2023.10.018,
//   which puts the referral range at 3-5 %), and 2-year risk >= 10 % (multidisciplinary care) and
//   >= 40 % (planning for kidney replacement therapy), also KDIGO 2024.
import RiskCore
import Foundation
import RiskAlerts
import RiskModels

/// A category family for one model output: half-open bands [lower, upper) in the output's unit.
public struct OutputCategories: Sendable, Equatable {
    public struct Category: Sendable, Equatable {
        public let code: String
        /// Inclusive lower bound; nil: no lower bound.
        public let atLeast: Double?
        /// Exclusive upper bound; nil: no upper bound.
        public let below: Double?

        public init(_ code: String, atLeast: Double? = nil, below: Double? = nil) {
            self.code = code
            self.atLeast = atLeast
            self.below = below
        }

        public func contains(_ x: Double) -> Bool {
            (atLeast.map { x >= $0 } ?? true) && (below.map { x < $0 } ?? true)
        }
    }

    /// The model outcome the categories apply to (its id in the model file).
    public let outcome: String
    public let title: String
    public let source: String
    public let categories: [Category]
    /// Whether the categories partition the range (each value in exactly one); thresholds such
    /// as "2-year risk >= 10 %" and ">= 40 %" overlap and are counted separately.
    public let partition: Bool

    /// eGFR categories G1-G5 (KDIGO 2012).
    public static let kdigoGFR = OutputCategories(
        outcome: "value", title: "eGFR categories, mL/min/1.73 m²",
        source: "KDIGO 2012 CKD guideline, doi:10.1038/kisup.2012.73",
        categories: [.init("G1", atLeast: 90), .init("G2", atLeast: 60, below: 90), .init("G3a", atLeast: 45, below: 60),
                     .init("G3b", atLeast: 30, below: 45), .init("G4", atLeast: 15, below: 30), .init("G5", below: 15)],
        partition: true)

    /// FINDRISC risk categories by points (Lindström & Tuomilehto 2003). Points are whole numbers,
    /// so "7-11" is [7, 12).
    public static let findrisc = OutputCategories(
        outcome: "points", title: "FINDRISC points",
        source: "Lindström & Tuomilehto 2003, doi:10.2337/diacare.26.3.725",
        categories: [.init("low<7", below: 7), .init("slight7-11", atLeast: 7, below: 12), .init("moderate12-14", atLeast: 12, below: 15),
                     .init("high15-20", atLeast: 15, below: 21), .init("veryhigh>20", atLeast: 21)],
        partition: true)

    /// KFRE 5-year risk (%) around the nephrology-referral threshold.
    public static let kfre5 = OutputCategories(
        outcome: "kf_5", title: "KFRE 5-year kidney-failure risk, %",
        source: "NICE NG203 (2021): refer at >= 5 %; KDIGO 2024, doi:10.1016/j.kint.2023.10.018: 3-5 %",
        categories: [.init("5y<3", below: 3), .init("5y3-5", atLeast: 3, below: 5), .init("5y>=5", atLeast: 5)],
        partition: true)

    /// KFRE 2-year risk (%) thresholds for multidisciplinary care and KRT planning.
    public static let kfre2 = OutputCategories(
        outcome: "kf_2", title: "KFRE 2-year kidney-failure risk, %",
        source: "KDIGO 2024, doi:10.1016/j.kint.2023.10.018: >= 10 % multidisciplinary care, >= 40 % KRT planning",
        categories: [.init("2y>=10", atLeast: 10), .init("2y>=40", atLeast: 40)],
        partition: false)

    /// The categories shown for a model: its own for eGFR, FINDRISC and KFRE; none (the WHO-style
    /// risk bands of the flag rules apply) for the cardiovascular models.
    public static func `for`(_ model: CompiledModel) -> [OutputCategories] {
        let outcomes = Set(model.definition.outcomes.map(\.id))
        if model.id.hasPrefix("egfr") { return [kdigoGFR] }
        if model.id.hasPrefix("findrisc") { return [findrisc] }
        if outcomes.contains("kf_5") && outcomes.contains("kf_2") { return [kfre5, kfre2] }
        return []
    }

    /// The written column of `outcome` in `model`'s output, if written.
    func column(in model: CompiledModel) -> String? {
        let written = model.definition.outcomes.filter { $0.output != false }
        guard let i = written.firstIndex(where: { $0.id == outcome }), i < model.outputColumns.count else { return nil }
        return model.outputColumns[i]
    }
}

/// People per category of every model's own categories, counted from a scored output.
public struct CategoryCounts: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let model: String
        public let categories: OutputCategories
        public var counts: [Int]
        /// Rows with a value in this output.
        public var scored: Int
    }

    public var entries: [Entry] = []
    /// (entry, column) pairs counted per row.
    private struct Target: Sendable, Equatable {
        let entry: Int
        let column: Int
    }
    private var targets: [Target] = []

    /// Counts the rows of a scored output CSV (header first, as `ScoreRun` writes it).
    /// Counts the rows of a scored output CSV held in memory (header first, as `ScoreRun` writes it).
    public init(output: [UInt8], models: [CompiledModel]) {
        var records = CSV.records(output)[...]
        self.init(header: records.popFirst()?.fields ?? [], models: models)
        for record in records { add(record.fields) }
    }

    /// Counts the rows of a scored output CSV file, read in 1 MiB blocks (memory does not grow
    /// with the file).
    public static func count(path: String, models: [CompiledModel]) throws(BatchError) -> CategoryCounts {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .cannotOpenInput(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var source = FileDescriptorSource(fd: fd)
        var buffer: [UInt8] = []
        var position = 0
        var eof = false
        var counts: CategoryCounts?
        while true {
            let start = position, final = eof
            if let record = buffer.withUnsafeBufferPointer({ CSV.record($0, from: start, delimiter: CSV.comma, final: final) }) {
                position = record.end
                if counts == nil { counts = CategoryCounts(header: record.fields, models: models) } else { counts!.add(record.fields) }
                continue
            }
            if final { break }
            buffer.removeFirst(position)
            position = 0
            if try source.read(into: &buffer, max: 1 << 20) == 0 { eof = true }
        }
        return counts ?? CategoryCounts(header: [], models: models)
    }

    /// The columns to count, from the output's header.
    public init(header: [String], models: [CompiledModel]) {
        var index: [String: Int] = [:]
        for (i, h) in header.enumerated() where index[h] == nil { index[h] = i }
        for m in models {
            for c in OutputCategories.for(m) {
                guard let name = c.column(in: m), let col = index[name] else { continue }
                targets.append(Target(entry: entries.count, column: col))
                entries.append(Entry(model: m.id, categories: c, counts: Array(repeating: 0, count: c.categories.count), scored: 0))
            }
        }
    }

    /// Counts one data row.
    public mutating func add(_ fields: [String]) {
        for t in targets where t.column < fields.count {
            let e = t.entry
            guard let x = Double(fields[t.column]) else { continue }
            entries[e].scored += 1
            for (k, cat) in entries[e].categories.categories.enumerated() where cat.contains(x) { entries[e].counts[k] += 1 }
        }
    }
}

/// The demo's run: its run-wide values, the model order and the report.
public enum DemoRun {
    /// Run-wide values of the demo: Viet Nam (GBD region Southeast Asia, ISO3 VNM, the latest
    /// Globorisk baseline year 2020); SCORE2's moderate region and KFRE's non-North-American
    /// calibration only so that those models show.
    public static let parameters = [
        "who_region=southeast_asia", "country=VNM", "baseline_year=2020", "score2_region=moderate",
        "kfre_calibration=non_north_american",
    ]

    /// Viet Nam's models first: WHO 2019 (Southeast Asia) and Globorisk (VNM).
    public static let first = [
        "who2019_lab", "who2019_nonlab", "who2019_lab_chart", "who2019_nonlab_chart",
        "globorisk_lab", "globorisk_office", "globorisk_fatal",
    ]

    /// Every model of the library, Viet Nam's first, then the others in library order.
    /// Compiles every model of the library.
    public static func orderedModels(_ library: ModelLibrary) throws(ModelFileError) -> [CompiledModel] {
        let all = try library.models
        return first.compactMap { id in all.first { $0.id == id } } + all.filter { !first.contains($0.id) }
    }

    /// The scoring options of the demo.
    public static func options(_ library: ModelLibrary, flags: FlagRules) throws(JobError) -> ScoreOptions {
        let models: [CompiledModel]
        let derivations: [Derivation]
        do {
            models = try orderedModels(library)
            derivations = try library.derivations
        } catch {
            throw .models(error)
        }
        do {
            return ScoreOptions(models: models, derivations: derivations, parameters: try RunParameters(parameters), flags: flags)
        } catch {
            throw .batch(error)
        }
    }

    /// Synthesises `rows` people with `seed` and scores them in memory (tests, small demos).
    public static func scoreInMemory(rows: Int, seed: UInt64, library: ModelLibrary, flags: FlagRules, threads: Int = 2)
        throws(JobError) -> (summary: RunSummary, output: [UInt8])
    {
        var options = try options(library, flags: flags)
        options.threads = threads
        do throws(BatchError) {
            let population = MemorySink()
            var p = population.sink
            try SyntheticPopulation.write(rows: rows, seed: seed, to: &p)
            var source = MemorySource(bytes: population.bytes)
            let out = MemorySink()
            var sink = out.sink
            let summary = try ScoreRun.run(source: &source, sink: &sink, options: options)
            return (summary, out.bytes)
        } catch {
            throw .batch(error)
        }
    }

    /// Rows each model scored (status ok, with or without notes).
    public static func scored(_ s: RunSummary) -> [String: Int] {
        var out: [String: Int] = [:]
        for (m, id) in s.modelIDs.enumerated() {
            out[id] = s.statusCounts[m].filter { $0.key == "ok" || $0.key.hasPrefix("ok;") }.values.reduce(0, +)
        }
        return out
    }

    /// The human summary.
    public static func render(
        _ s: RunSummary, models: [CompiledModel], categories: CategoryCounts, input: String, output: String
    ) -> String {
        func pad(_ t: String, _ n: Int) -> String { t.count >= n ? t + " " : t.padding(toLength: n, withPad: " ", startingAt: 0) }
        func left(_ t: String, _ n: Int) -> String { t.count >= n ? " " + t : String(repeating: " ", count: n - t.count) + t }
        let scored = scored(s)
        var out = "RiskEngine demo: \(s.rowsRead) synthetic people (Vietnam-like risk factors) scored with \(models.count) models\n"
        out += "  input  \(input)\n  output \(output)\n"
        out += String(format: "  %.2f s, %.0f rows/s\n\n", s.seconds, s.rowsPerSecond)
        let banded = models.filter { $0.bandColumn != nil }.map(\.id)
        out += "Cardiovascular models: people per WHO-style 10-year risk band (%):\n"
        out += pad("model", 22) + left("scored", 9) + s.bandCodes.map { left($0, 12) }.joined() + "\n"
        for (m, id) in s.modelIDs.enumerated() where banded.contains(id) {
            out += pad(id, 22) + left(String(scored[id] ?? 0), 9) + s.bandCounts[m].map { left(String($0), 12) }.joined() + "\n"
        }
        var families: [String] = []
        for e in categories.entries where !families.contains(e.categories.title) { families.append(e.categories.title) }
        for family in families {
            let rows = categories.entries.filter { $0.categories.title == family }
            let c = rows[0].categories
            out += "\n\(c.title) (\(c.source))" + (c.partition ? "" : "; people at or above each threshold") + ":\n"
            out += pad("model", 22) + left("scored", 9) + c.categories.map { left($0.code, 14) }.joined() + "\n"
            for e in rows {
                out += pad(e.model, 22) + left(String(scored[e.model] ?? 0), 9) + e.counts.map { left(String($0), 14) }.joined() + "\n"
            }
        }
        out += "\nNot scored, by reason (top 3 per model):\n"
        for (m, id) in s.modelIDs.enumerated() {
            let top = s.statusCounts[m].filter { !($0.key == "ok" || $0.key.hasPrefix("ok;")) }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3)
            if top.isEmpty { continue }
            out += "  \(id): " + top.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        for (code, n) in s.flagCounts.sorted(by: { $0.key < $1.key }) where !code.contains(":") { out += "Flag \(code): \(n) people\n" }
        out += "\nRun-wide values: " + parameters.joined(separator: ", ") + ".\n"
        out += "WHO 2019 (Southeast Asia) and Globorisk (VNM) are the models for Viet Nam; SCORE2/SCORE2-OP were calibrated\n"
        out += "to European regions, PCE/PREVENT/Framingham to US cohorts and QRISK3 to England: shown for comparison only.\n"
        out += "KFRE applies to people with CKD G3-G5 (eGFR < 60); the synthetic population has such a subgroup.\n"
        if models.contains(where: { $0.id == "qrisk3" }) { out += "\n" + QRISK3Notice.text + "\n" }
        return out
    }
}

/// The disclaimer QRISK3's licence requires wherever its scores are shown.
public enum QRISK3Notice {
    public static let text = """
        QRISK3 disclaimer: The initial version of this file, to be found at http://svn.clinrisk.co.uk/opensource/qrisk2, \
        faithfully implements QRISK3-2017. ClinRisk Ltd. have released this code under the GNU Lesser General Public \
        License to enable others to implement the algorithm faithfully. However, the nature of the GNU Lesser General \
        Public License is such that we cannot prevent, for example, someone accidentally altering the coefficients, \
        getting the inputs wrong, or just poor programming. ClinRisk Ltd. stress, therefore, that it is the \
        responsibility of the end user to check that the source that they receive produces the same results as the \
        original code found at https://qrisk.org. Inaccurate implementations of risk scores can lead to wrong \
        patients being given the wrong treatment.
        """
}
