// `riskengine fit` glue: a cohort CSV → numeric columns (CohortTable) → term values → a Cox or
// logistic fit (RiskFitting) → the summary JSON. Rows are excluded, and counted by reason, when a
// needed cell is missing or not numeric, a term value is not finite (log of a value ≤ 0), the
// time is not positive, the event is not 0/1, or the weight is not positive.
import RiskFitting

/// What to fit.
public struct FitRequest: Sendable {
    public enum Family: String, Sendable, CaseIterable { case cox, logistic }

    public var path: String
    public var time: String?
    public var event: String
    public var terms: String
    public var family: Family = .cox
    public var ties: CoxTies = .efron
    public var strata: String?
    public var weights: String?
    public var horizons: [Double] = []
    /// Load and check `time` (> 0) for a logistic fit too (validation of a logistic fit needs the
    /// follow-up; `fit` itself ignores the time of a logistic model).
    public var requireTime = false

    public init(path: String, time: String?, event: String, terms: String) {
        self.path = path
        self.time = time
        self.event = event
        self.terms = terms
    }
}

/// Why a fit run stopped.
public enum FitRunError: Error, Equatable, Sendable {
    case batch(BatchError)
    case fitting(FittingError)
    /// An option (`--time`, `--event`, `--strata`, `--weights`) names a column the CSV lacks.
    case absentColumn(option: String, column: String)
    /// No rows left after exclusions.
    case noRows
}

/// Row counts of a fit run (counts only).
public struct FitCounts: Equatable, Sendable {
    public var read = 0
    public var used = 0
    public var malformed = 0
    /// Missing or non-numeric cell, by column.
    public var invalidCell: [String: Int] = [:]
    /// A term value not finite (e.g. log of a value ≤ 0), by term.
    public var termNotFinite: [String: Int] = [:]
    public var timeNotPositive = 0
    public var eventNotBinary = 0
    public var weightNotPositive = 0
}

/// A finished fit.
public struct FitOutcome: Sendable {
    public let counts: FitCounts
    public let sha256: String
    public let cox: CoxFit?
    public let logistic: LogisticFit?
    public let summaryJSON: String
    /// The term values and outcome of the rows used (for writing a model file's examples and ranges).
    public let usedColumns: [String: [Double]]
}

/// The rows a fit uses, as numbers: what `FitRun.run` fits, and what `validate --fit-terms` refits
/// in its bootstrap.
public struct FitData: Sendable {
    public let formula: TermFormula
    public let counts: FitCounts
    public let sha256: String
    /// Term values of the rows used, by term (`formula.terms` order).
    public let covariates: [[Double]]
    /// Outcome (event) 0/1 of the rows used.
    public let outcome: [Double]
    /// Follow-up of the rows used (Cox, or `requireTime`).
    public let time: [Double]?
    public let weights: [Double]?
    /// Stratum codes (0-based, in the order of `strataLabels`) of the rows used.
    public let strata: [Int]?
    public let strataLabels: [String]?
    /// Every loaded column and term of the rows used, by name.
    public let usedColumns: [String: [Double]]
    /// The 0-based data-row number in the file of each row used (see `CohortTable.keptRows`).
    public let rows: [Int]
}

/// Runs a fit request.
public enum FitRun {
    public static func run(_ r: FitRequest) throws(FitRunError) -> FitOutcome {
        let data = try prepare(r)
        let x = data.covariates, y = data.outcome, w = data.weights
        do {
            switch r.family {
            case .cox:
                let control = CoxControl(ties: r.ties, robust: w != nil)
                let fit = try CoxRegression.fit(
                    CoxData(time: data.time!, event: y.map { $0 == 1 }, covariates: x, terms: data.formula.names, weights: w,
                            strata: data.strata),
                    control: control)
                return FitOutcome(
                    counts: data.counts, sha256: data.sha256, cox: fit, logistic: nil,
                    summaryJSON: FitSummary.json(fit, horizons: r.horizons, strataLabels: data.strataLabels), usedColumns: data.usedColumns)
            case .logistic:
                let fit = try LogisticRegression.fit(outcome: y, covariates: x, terms: data.formula.names, weights: w)
                return FitOutcome(
                    counts: data.counts, sha256: data.sha256, cox: nil, logistic: fit,
                    summaryJSON: FitSummary.json(fit), usedColumns: data.usedColumns)
            }
        } catch {
            throw .fitting(error)
        }
    }

    /// Reads the cohort and forms the rows to fit (see the file contract for the exclusions).
    public static func prepare(_ r: FitRequest) throws(FitRunError) -> FitData {
        let formula: TermFormula
        do { formula = try TermFormula(parsing: r.terms) } catch { throw .fitting(error) }
        var options: [(String, String)] = []
        if r.family == .cox || r.requireTime, let t = r.time { options.append(("--time", t)) }
        options.append(("--event", r.event))
        if let s = r.strata { options.append(("--strata", s)) }
        if let w = r.weights { options.append(("--weights", w)) }
        let requested = options.map(\.1) + formula.columns
        let table: CohortTable
        do { table = try CohortTable.load(path: r.path, columns: requested) } catch { throw .batch(error) }
        for (option, column) in options where table.absentColumns.contains(column) {
            throw .absentColumn(option: option, column: column)
        }
        for term in formula.terms {
            for f in term.factors where table.absentColumns.contains(f.column) {
                throw .fitting(.absentColumn(term: term.name, column: f.column))
            }
        }
        var counts = FitCounts()
        counts.read = table.rowsRead
        counts.malformed = table.malformedRows
        counts.invalidCell = table.excludedByColumn
        let values: [[Double]]
        do { values = try formula.values(from: table.columns) } catch { throw .fitting(error) }
        let n = table.rowsKept
        let time = r.family == .cox || r.requireTime ? r.time.flatMap { table.columns[$0] } : nil
        let event = table.columns[r.event] ?? []
        let weights = r.weights.flatMap { table.columns[$0] }
        let strata = r.strata.flatMap { table.columns[$0] }
        var keep: [Int] = []
        keep.reserveCapacity(n)
        rows: for i in 0..<n {
            for (t, v) in values.enumerated() where !v[i].isFinite {
                counts.termNotFinite[formula.terms[t].name, default: 0] += 1
                continue rows
            }
            if let time, !(time[i] > 0) { counts.timeNotPositive += 1; continue }
            if event[i] != 0 && event[i] != 1 { counts.eventNotBinary += 1; continue }
            if let weights, !(weights[i] > 0) { counts.weightNotPositive += 1; continue }
            keep.append(i)
        }
        counts.used = keep.count
        guard !keep.isEmpty else { throw .noRows }
        let x = values.map { v in keep.map { v[$0] } }
        let y = keep.map { event[$0] }
        let w = weights.map { c in keep.map { c[$0] } }
        var used: [String: [Double]] = [:]
        for (t, term) in formula.terms.enumerated() { used[term.name] = x[t] }
        for (name, column) in table.columns { used[name] = keep.map { column[$0] } }
        var labels: [String]? = nil
        var codes: [Int]? = nil
        if let strata {
            let s = keep.map { strata[$0] }
            let distinct = Array(Set(s)).sorted()
            labels = distinct.map { FitSummary.horizonKey($0) }
            let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
            codes = s.map { index[$0]! }
        }
        return FitData(
            formula: formula, counts: counts, sha256: table.sha256, covariates: x, outcome: y, time: time.map { t in keep.map { t[$0] } },
            weights: w, strata: codes, strataLabels: labels, usedColumns: used, rows: keep.map { table.keptRows[$0] })
    }
}
