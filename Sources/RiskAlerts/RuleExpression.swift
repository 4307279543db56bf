// The condition language of alert rules (README "Alert rules"): a hand-written tokenizer and a
// recursive-descent parser that compile a `when` text into a typed tree, evaluated over whole
// columns of a chunk at once.
//
// Grammar (keywords lower case; names are column names or rule-file parameters):
//
//   condition  := disjunct
//   disjunct   := conjunct ("or" conjunct)*
//   conjunct   := negation ("and" negation)*
//   negation   := "not" negation | atom
//   atom       := "(" condition ")" | "missing" "(" NAME ")" | value COMPARE value
//   value      := NUMBER | "-" NUMBER | NAME
//   COMPARE    := "<" | "<=" | ">" | ">=" | "==" | "!="
//   NUMBER     := DIGIT+ ("." DIGIT+)?
//   NAME       := (LETTER | "_") (LETTER | DIGIT | "_")*
//
// Comparisons do not chain (`a < b < c` is refused). Nesting (parentheses and `not`) is bounded
// by `RuleExpression.maxDepth` and the length by `RuleExpression.maxTokens` (a long `and` chain
// is a deep tree too), so hostile input cannot exhaust the stack when parsed or evaluated.
//
// Missing values: a column value is NaN where the row has none (empty, invalid, implausible, or
// the model did not score the row). A comparison with a missing operand is false, `!=` included;
// `missing(col)` is true exactly there. Comparisons are IEEE double comparisons of the values as
// read (no rounding).

/// A comparison operator.
public enum RuleComparison: String, Sendable, Equatable, CaseIterable {
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "==", notEqual = "!="

    /// `a op b` for two present (non-NaN) values.
    @inline(__always)
    func holds(_ a: Double, _ b: Double) -> Bool {
        switch self {
        case .less: return a < b
        case .lessOrEqual: return a <= b
        case .greater: return a > b
        case .greaterOrEqual: return a >= b
        case .equal: return a == b
        case .notEqual: return a != b
        }
    }
}

/// A numeric operand: a constant (numbers and rule-file parameters) or a column.
public enum RuleValue: Sendable, Equatable {
    case constant(Double)
    case column(String)
}

/// A compiled condition: the typed tree of a `when` text.
public indirect enum RuleCondition: Sendable, Equatable {
    case compare(RuleValue, RuleComparison, RuleValue)
    case missing(String)
    case not(RuleCondition)
    case and(RuleCondition, RuleCondition)
    case or(RuleCondition, RuleCondition)

    /// Column names the condition reads, each once, in order of first use.
    public var columns: [String] {
        var seen: [String] = []
        func add(_ n: String) { if !seen.contains(n) { seen.append(n) } }
        func walk(_ c: RuleCondition) {
            switch c {
            case .compare(let a, _, let b):
                if case .column(let n) = a { add(n) }
                if case .column(let n) = b { add(n) }
            case .missing(let n): add(n)
            case .not(let x): walk(x)
            case .and(let x, let y), .or(let x, let y): walk(x); walk(y)
            }
        }
        walk(self)
        return seen
    }

    /// Evaluates the condition for `rows` rows. `column` gives a column's values (NaN = missing),
    /// `rows` long, or nil when the column is absent for every row (then all missing).
    public func evaluate(rows: Int, column: (String) -> [Double]?) -> [Bool] {
        switch self {
        case .compare(let a, let op, let b):
            var out = [Bool](repeating: false, count: rows)
            switch (a, b) {
            case (.constant(let x), .constant(let y)):
                if !x.isNaN && !y.isNaN && op.holds(x, y) { out = [Bool](repeating: true, count: rows) }
            case (.column(let n), .constant(let y)):
                // The common case (a column against a threshold), one loop per operator. A NaN
                // (missing) compares false under every operator but !=, hence the explicit test there.
                guard let xs = column(n), !y.isNaN else { return out }
                xs.withUnsafeBufferPointer { xs in
                    out.withUnsafeMutableBufferPointer { out in
                        switch op {
                        case .less: for r in 0..<rows { out[r] = xs[r] < y }
                        case .lessOrEqual: for r in 0..<rows { out[r] = xs[r] <= y }
                        case .greater: for r in 0..<rows { out[r] = xs[r] > y }
                        case .greaterOrEqual: for r in 0..<rows { out[r] = xs[r] >= y }
                        case .equal: for r in 0..<rows { out[r] = xs[r] == y }
                        case .notEqual: for r in 0..<rows { out[r] = !xs[r].isNaN && xs[r] != y }
                        }
                    }
                }
            case (.constant(let x), .column(let n)):
                guard let ys = column(n), !x.isNaN else { return out }
                for r in 0..<rows { let y = ys[r]; out[r] = !y.isNaN && op.holds(x, y) }
            case (.column(let n), .column(let m)):
                guard let xs = column(n), let ys = column(m) else { return out }
                for r in 0..<rows { let x = xs[r], y = ys[r]; out[r] = !x.isNaN && !y.isNaN && op.holds(x, y) }
            }
            return out
        case .missing(let n):
            guard let xs = column(n) else { return [Bool](repeating: true, count: rows) }
            return xs.map(\.isNaN)
        case .not(let x):
            return x.evaluate(rows: rows, column: column).map { !$0 }
        case .and(let x, let y):
            var l = x.evaluate(rows: rows, column: column)
            guard l.contains(true) else { return l }
            let r = y.evaluate(rows: rows, column: column)
            for i in 0..<rows { l[i] = l[i] && r[i] }
            return l
        case .or(let x, let y):
            var l = x.evaluate(rows: rows, column: column)
            guard l.contains(false) else { return l }
            let r = y.evaluate(rows: rows, column: column)
            for i in 0..<rows { l[i] = l[i] || r[i] }
            return l
        }
    }
}

/// What is wrong with an expression (rendered at the edge, with the position).
public enum RuleExpressionProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// A character that starts no token.
    case unexpectedCharacter(Character)
    /// A token where another was needed; `expected` says what would have fitted.
    case unexpected(found: String, expected: String)
    /// A name that is neither a known column nor a parameter of the rule file.
    case unknownColumn(String)
    /// More than `RuleExpression.maxDepth` levels of parentheses or `not`.
    case tooDeep(limit: Int)
    /// More than `RuleExpression.maxTokens` tokens.
    case tooLong(limit: Int)
    /// A number that does not fit a Double.
    case badNumber(String)
    /// An empty expression.
    case empty

    public var description: String {
        switch self {
        case .unexpectedCharacter(let c): return "unexpected character '\(c)'"
        case .unexpected(let f, let e): return "expected \(e), found \(f)"
        case .unknownColumn(let n): return "unknown column '\(n)'"
        case .tooDeep(let l): return "nested more than \(l) levels deep"
        case .tooLong(let l): return "longer than \(l) tokens"
        case .badNumber(let t): return "bad number '\(t)'"
        case .empty: return "empty expression"
        }
    }
}

/// A problem at a position of an expression (1-based character offset).
public struct RuleExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var position: Int
    public var problem: RuleExpressionProblem

    public init(position: Int, problem: RuleExpressionProblem) {
        self.position = position
        self.problem = problem
    }

    public var description: String { "at character \(position): \(problem)" }
}

/// Parses the condition language.
public enum RuleExpression {
    /// The deepest nesting of parentheses and `not` accepted.
    public static let maxDepth = 64
    /// The most tokens (numbers, names, operators, parentheses) an expression may have.
    public static let maxTokens = 1000

    /// How a name resolves: a column (values per row) or a constant (a rule-file parameter).
    public enum Name: Sendable, Equatable {
        case column
        case constant(Double)
    }

    /// Compiles `text`; `resolve` says what a name is (nil: unknown).
    public static func compile(_ text: String, resolve: @escaping (String) -> Name?) throws(RuleExpressionError) -> RuleCondition {
        let tokens = try tokenize(text)
        var parser = Parser(tokens: tokens, resolve: resolve)
        guard tokens.count > 1 else { throw RuleExpressionError(position: 1, problem: .empty) }
        let c = try parser.condition(depth: 0)
        let t = parser.peek
        guard t.kind == .end else {
            throw RuleExpressionError(position: t.position, problem: .unexpected(found: t.shown, expected: "'and', 'or' or the end"))
        }
        return c
    }

    enum TokenKind: Equatable {
        case number(Double), name(String), compare(RuleComparison)
        case and, or, not, missing, open, close, minus, end
    }

    struct Token {
        let kind: TokenKind
        let text: String
        let position: Int
        var shown: String { kind == .end ? "the end" : "'\(text)'" }
    }

    static func tokenize(_ text: String) throws(RuleExpressionError) -> [Token] {
        let chars = Array(text)
        var out: [Token] = []
        var i = 0
        func isLetter(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c == "_") }
        func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        while i < chars.count {
            let c = chars[i]
            let start = i
            if out.count >= maxTokens, !(c == " " || c == "\t" || c == "\n" || c == "\r") {
                throw RuleExpressionError(position: start + 1, problem: .tooLong(limit: maxTokens))
            }
            if c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1; continue }
            if isLetter(c) {
                while i < chars.count, isLetter(chars[i]) || isDigit(chars[i]) { i += 1 }
                let word = String(chars[start..<i])
                let kind: TokenKind
                switch word {
                case "and": kind = .and
                case "or": kind = .or
                case "not": kind = .not
                case "missing": kind = .missing
                default: kind = .name(word)
                }
                out.append(Token(kind: kind, text: word, position: start + 1))
                continue
            }
            if isDigit(c) {
                while i < chars.count, isDigit(chars[i]) { i += 1 }
                if i + 1 < chars.count, chars[i] == ".", isDigit(chars[i + 1]) {
                    i += 1
                    while i < chars.count, isDigit(chars[i]) { i += 1 }
                }
                let t = String(chars[start..<i])
                if i < chars.count, isLetter(chars[i]) || chars[i] == "." {
                    throw RuleExpressionError(position: start + 1, problem: .badNumber(t + String(chars[i])))
                }
                guard let v = Double(t), v.isFinite else { throw RuleExpressionError(position: start + 1, problem: .badNumber(t)) }
                out.append(Token(kind: .number(v), text: t, position: start + 1))
                continue
            }
            let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            var kind: TokenKind?
            var len = 1
            switch c {
            case "(": kind = .open
            case ")": kind = .close
            case "-": kind = .minus
            case "<": if next == "=" { kind = .compare(.lessOrEqual); len = 2 } else { kind = .compare(.less) }
            case ">": if next == "=" { kind = .compare(.greaterOrEqual); len = 2 } else { kind = .compare(.greater) }
            case "=": if next == "=" { kind = .compare(.equal); len = 2 }
            case "!": if next == "=" { kind = .compare(.notEqual); len = 2 }
            default: break
            }
            guard let kind else { throw RuleExpressionError(position: start + 1, problem: .unexpectedCharacter(c)) }
            i += len
            out.append(Token(kind: kind, text: String(chars[start..<i]), position: start + 1))
        }
        out.append(Token(kind: .end, text: "", position: chars.count + 1))
        return out
    }

    struct Parser {
        let tokens: [Token]
        let resolve: (String) -> Name?
        var index = 0

        init(tokens: [Token], resolve: @escaping (String) -> Name?) {
            self.tokens = tokens
            self.resolve = resolve
        }

        var peek: Token { tokens[index] }

        mutating func advance() -> Token {
            let t = tokens[index]
            if index < tokens.count - 1 { index += 1 }
            return t
        }

        func fail(_ t: Token, expected: String) -> RuleExpressionError {
            RuleExpressionError(position: t.position, problem: .unexpected(found: t.shown, expected: expected))
        }

        mutating func condition(depth: Int) throws(RuleExpressionError) -> RuleCondition {
            var left = try conjunct(depth: depth)
            while peek.kind == .or {
                _ = advance()
                left = .or(left, try conjunct(depth: depth))
            }
            return left
        }

        mutating func conjunct(depth: Int) throws(RuleExpressionError) -> RuleCondition {
            var left = try negation(depth: depth)
            while peek.kind == .and {
                _ = advance()
                left = .and(left, try negation(depth: depth))
            }
            return left
        }

        mutating func negation(depth: Int) throws(RuleExpressionError) -> RuleCondition {
            // `not not … x` iterates (no recursion per `not`) but each level counts toward the bound.
            var count = 0
            while peek.kind == .not {
                let t = advance()
                count += 1
                if depth + count > RuleExpression.maxDepth {
                    throw RuleExpressionError(position: t.position, problem: .tooDeep(limit: RuleExpression.maxDepth))
                }
            }
            var c = try atom(depth: depth + count)
            for _ in 0..<count { c = .not(c) }
            return c
        }

        mutating func atom(depth: Int) throws(RuleExpressionError) -> RuleCondition {
            let t = peek
            switch t.kind {
            case .open:
                _ = advance()
                if depth + 1 > RuleExpression.maxDepth {
                    throw RuleExpressionError(position: t.position, problem: .tooDeep(limit: RuleExpression.maxDepth))
                }
                let inner = try condition(depth: depth + 1)
                guard peek.kind == .close else { throw fail(peek, expected: "')'") }
                _ = advance()
                return inner
            case .missing:
                _ = advance()
                guard peek.kind == .open else { throw fail(peek, expected: "'(' after missing") }
                _ = advance()
                let n = advance()
                guard case .name(let name) = n.kind else { throw fail(n, expected: "a column name") }
                guard let r = resolve(name) else {
                    throw RuleExpressionError(position: n.position, problem: .unknownColumn(name))
                }
                guard r == .column else { throw fail(n, expected: "a column name (not a parameter)") }
                guard peek.kind == .close else { throw fail(peek, expected: "')'") }
                _ = advance()
                return .missing(name)
            default:
                let a = try value()
                let opToken = advance()
                guard case .compare(let op) = opToken.kind else {
                    throw fail(opToken, expected: "a comparison (< <= > >= == !=)")
                }
                let b = try value()
                if case .compare = peek.kind { throw fail(peek, expected: "'and', 'or' or ')' (comparisons do not chain)") }
                return .compare(a, op, b)
            }
        }

        mutating func value() throws(RuleExpressionError) -> RuleValue {
            let t = advance()
            switch t.kind {
            case .number(let v): return .constant(v)
            case .minus:
                let n = advance()
                guard case .number(let v) = n.kind else { throw fail(n, expected: "a number after '-'") }
                return .constant(-v)
            case .name(let name):
                switch resolve(name) {
                case .column: return .column(name)
                case .constant(let v): return .constant(v)
                case nil: throw RuleExpressionError(position: t.position, problem: .unknownColumn(name))
                }
            default:
                throw fail(t, expected: "a number, a column name, '(', 'not' or 'missing('")
            }
        }
    }
}
