import Foundation

// Contract: the terms of a linear predictor written as in R model formulas, restricted to what
// the model files can express: `a + b + log(c) + a:b + hinge(d, 140) + pow(e, 2)`. A term is one
// factor or a product of factors joined by `:`; a factor is a column name, `log(column)` (natural
// log), a hinge as the model files' `hinge` feature: `hinge(column, k)` = max(x − k, 0) and
// `hinge_below(column, k)` = max(k − x, 0), or a power as their `power` feature: `pow(column, p)`
// = x^p for p ≠ 0 (fractional polynomials; `log` is the p = 0 term). The value of a
// term for a row is the product of its factors; exact in IEEE arithmetic up to one rounding per
// product and libm's `log` (< 1 ulp). No intercept is written: Cox models have none and the
// logistic fitter adds its own. Term names are kept exactly as written (outer spaces trimmed).

/// One factor of a term.
public enum TermFactor: Hashable, Sendable {
    /// The column's value.
    case column(String)
    /// The natural log of the column's value (non-positive values give a non-finite value, and
    /// the row is excluded by the caller).
    case log(String)
    /// max(x − knot, 0), or max(knot − x, 0) when `below`.
    case hinge(String, knot: Double, below: Bool)
    /// x^exponent (exponent ≠ 0), computed as the model files' `power` feature computes it.
    case power(String, exponent: Double)

    /// The column this factor reads.
    public var column: String {
        switch self {
        case .column(let c), .log(let c), .hinge(let c, _, _), .power(let c, _): return c
        }
    }

    /// The factor's value for a cell value x (NaN when undefined).
    public func value(_ x: Double) -> Double {
        switch self {
        case .column: return x
        case .log: return x > 0 ? Foundation.log(x) : .nan
        case .hinge(_, let k, let below): return below ? max(k - x, 0) : max(x - k, 0)
        case .power(_, let e):
            // The special cases of the `power` feature, so that a fitted file reproduces the fit.
            switch e {
            case 1: return x
            case 2: return x * x
            case -1: return 1 / x
            case -2: return 1 / (x * x)
            case 0.5: return x.squareRoot()
            default: return Foundation.pow(x, e)
            }
        }
    }
}

/// A term of the linear predictor: a product of factors, named as written.
public struct Term: Equatable, Sendable {
    /// The term as written in the formula (outer whitespace trimmed), used in every output.
    public let name: String
    /// The factors multiplied together.
    public let factors: [TermFactor]
}

/// A parsed terms formula such as `age + male + log(hdl) + age:smoker`.
public struct TermFormula: Equatable, Sendable {
    /// The terms in the order written.
    public let terms: [Term]

    /// Parses `text`.
    /// - Throws: `FittingError.invalidFormula` for an empty term, an unknown function, an
    ///   unbalanced parenthesis or a term written twice.
    public init(parsing text: String) throws(FittingError) {
        var terms: [Term] = []
        var offset = 0
        for piece in text.split(separator: "+", omittingEmptySubsequences: false) {
            let name = piece.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw .invalidFormula(position: offset, reason: .emptyTerm) }
            var factors: [TermFactor] = []
            for part in name.split(separator: ":", omittingEmptySubsequences: false) {
                let f = part.trimmingCharacters(in: .whitespaces)
                factors.append(try Self.factor(f, at: offset))
            }
            if terms.contains(where: { $0.name == name }) {
                throw .invalidFormula(position: offset, reason: .duplicateTerm(name))
            }
            terms.append(Term(name: name, factors: factors))
            offset += piece.count + 1
        }
        self.terms = terms
    }

    private static func factor(_ text: String, at offset: Int) throws(FittingError) -> TermFactor {
        guard !text.isEmpty else { throw .invalidFormula(position: offset, reason: .emptyTerm) }
        let opens = text.filter { $0 == "(" }.count
        let closes = text.filter { $0 == ")" }.count
        if opens == 0 && closes == 0 { return .column(text) }
        guard opens == 1, closes == 1, let open = text.firstIndex(of: "("), text.last == ")" else {
            throw .invalidFormula(position: offset, reason: .unbalancedParenthesis)
        }
        let function = text[..<open].trimmingCharacters(in: .whitespaces)
        let argument = text[text.index(after: open)..<text.index(before: text.endIndex)]
            .trimmingCharacters(in: .whitespaces)
        guard !argument.isEmpty else { throw .invalidFormula(position: offset, reason: .emptyTerm) }
        switch function {
        case "log":
            return .log(argument)
        case "hinge", "hinge_below":
            let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let knot = Double(parts[1]), knot.isFinite else {
                throw .invalidFormula(position: offset, reason: .badArguments(function))
            }
            return .hinge(parts[0], knot: knot, below: function == "hinge_below")
        case "pow":
            let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let e = Double(parts[1]), e.isFinite, e != 0 else {
                throw .invalidFormula(position: offset, reason: .badArguments(function))
            }
            return .power(parts[0], exponent: e)
        default:
            throw .invalidFormula(position: offset, reason: .unknownFunction(function))
        }
    }

    /// The term names, in order.
    public var names: [String] { terms.map(\.name) }

    /// The distinct columns the terms read, in order of first use.
    public var columns: [String] {
        var seen: [String] = []
        for t in terms { for f in t.factors where !seen.contains(f.column) { seen.append(f.column) } }
        return seen
    }

    /// The value of each term for each row: `result[t][i]` = Π over term t's factors of the
    /// factor's value in row i. Non-finite results (log of a non-positive value, a NaN cell) are
    /// kept as NaN for the caller to exclude.
    /// - Parameter columns: cohort columns by name, all of one length.
    /// - Throws: `FittingError.absentColumn` naming the first term whose column is absent.
    public func values(from columns: [String: [Double]]) throws(FittingError) -> [[Double]] {
        var out: [[Double]] = []
        for term in terms {
            var v: [Double]? = nil
            for f in term.factors {
                guard let col = columns[f.column] else {
                    throw .absentColumn(term: term.name, column: f.column)
                }
                let fv = col.map { f.value($0) }
                if let prev = v {
                    v = zip(prev, fv).map { $0 * $1 }
                } else {
                    v = fv
                }
            }
            out.append((v ?? []).map { $0.isFinite ? $0 : .nan })
        }
        return out
    }
}
