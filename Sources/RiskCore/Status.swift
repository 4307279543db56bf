/// The state of one field in one row after parsing.
public enum CellState: UInt8, Sendable {
    /// A value was read (it may still be implausible or out of a model's range).
    case present = 0
    /// Empty cell, or the column is absent and no run-wide parameter gives it.
    case missing = 1
    /// Text that is not a value of the field's kind (`12O`, `N/A`, `yes` for a 0/1 field, `1e309`).
    case invalid = 2
}

/// The kind of a model's status for one row, in order of precedence (the first that applies wins).
public enum StatusKind: UInt8, Sendable, Comparable {
    case ok = 0
    case invalidRow = 1
    case invalid = 2
    case missing = 3
    case outOfRange = 4
    case notApplicable = 5

    public static func < (a: StatusKind, b: StatusKind) -> Bool { a.rawValue < b.rawValue }

    /// The text before the colon in the output status.
    public var label: String {
        switch self {
        case .ok: "ok"
        case .invalidRow: "invalid"
        case .invalid: "invalid"
        case .missing: "missing"
        case .outOfRange: "out_of_range"
        case .notApplicable: "not_applicable"
        }
    }
}

/// A model's status for one row, packed: the kind, and either a bit set of the model's inputs
/// concerned (by input index) or, for `notApplicable`, the index of the reason. Rendering to text
/// needs the model's input names and reasons, so it happens once per distinct status.
public struct RowStatus: Hashable, Sendable {
    public var kind: StatusKind
    public var detail: UInt64
    /// Inputs (bit set by input index) that were optional and missing: rendered as the note
    /// `missing_optional:<fields>` (the variant of the equation the row got).
    public var missingOptional: UInt64 = 0
    /// Inputs (bit set by input index) derived from other fields: the note `derived:<fields>`.
    public var derived: UInt64 = 0
    /// Outcome-level notes (bit set by note index of the model), e.g. a 30-year outcome left
    /// empty above age 59.
    public var outcomeNotes: UInt64 = 0
    /// The row was scored by the model's fallback (e.g. WHO non-laboratory for a row without
    /// cholesterol): the note `fallback:<model id>`.
    public var fallback = false

    public init(kind: StatusKind, detail: UInt64 = 0) {
        self.kind = kind
        self.detail = detail
    }

    public static let ok = RowStatus(kind: .ok)

    /// Whether this is `ok` with no note: `self == .ok` without the call to the full comparison.
    @inlinable public var isPlainOK: Bool {
        kind == .ok && detail == 0 && missingOptional == 0 && derived == 0 && outcomeNotes == 0 && !fallback
    }
    public static let invalidRow = RowStatus(kind: .invalidRow)

    /// Renders the status as in the output contract (`ok`, `missing:sbp+hdl`, `invalid:row`,
    /// `ok;derived:egfr`, ...).
    public func render(
        inputNames: [String], reasons: [String], outcomeNotes notes: [String] = [], fallbackID: String? = nil
    ) -> String {
        var text = renderKind(inputNames: inputNames, reasons: reasons)
        if fallback { text += ";fallback:" + (fallbackID ?? "other_model") }
        if missingOptional != 0 { text += ";missing_optional:" + Self.names(missingOptional, inputNames) }
        if derived != 0 { text += ";derived:" + Self.names(derived, inputNames) }
        if outcomeNotes != 0 {
            for (i, n) in notes.enumerated() where i < 64 && outcomeNotes & (1 << UInt64(i)) != 0 { text += ";" + n }
        }
        return text
    }

    static func names(_ bits: UInt64, _ inputNames: [String]) -> String {
        var names: [String] = []
        for (i, n) in inputNames.enumerated() where i < 64 && bits & (1 << UInt64(i)) != 0 { names.append(n) }
        return names.joined(separator: "+")
    }

    private func renderKind(inputNames: [String], reasons: [String]) -> String {
        switch kind {
        case .ok: return "ok"
        case .invalidRow: return "invalid:row"
        case .notApplicable:
            let i = Int(detail)
            return "not_applicable:" + (i < reasons.count ? reasons[i] : "unknown")
        case .invalid, .missing, .outOfRange:
            return kind.label + ":" + Self.names(detail, inputNames)
        }
    }
}
