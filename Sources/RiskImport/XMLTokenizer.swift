// A streaming pull tokenizer for claim XML: bytes are fed in blocks of any size and events are
// pulled one at a time, so a file (or a base64-decoded inner table) of any size is read in memory
// bounded by the block size, the longest tag and the nesting limit, never by the file size.
//
// Contract:
// - Input is UTF-8 (a leading byte-order mark is skipped); invalid UTF-8 anywhere stops the
//   document with `.invalidUTF8` after every event before the bad byte.
// - Elements: start and end tags (names must match; the namespace prefix is dropped from names),
//   empty-element tags (`<A/>` gives start and end). Attributes are checked for quoting and ignored.
// - Text: character data and CDATA sections, delivered in pieces (a long text is several `.text`
//   events; a consumer joins them). Entities `&amp; &lt; &gt; &quot; &apos;` and numeric references
//   `&#NN;`/`&#xHH;` are decoded; any other entity is `.unknownEntity`.
// - Skipped: comments, processing instructions, the XML declaration. A DOCTYPE is refused
//   (`.doctype`): claim files have none, and internal entity definitions are an expansion risk.
// - Nesting deeper than `maxDepth` elements is `.tooDeep`; there is no recursion anywhere, so depth
//   costs one stack entry per level up to the limit.
// - A tag, comment or other markup longer than `maxMarkup` bytes is `.markupTooLong`.
// After an error, `next()` returns the same error again; after `.endOfDocument`, again that.

/// What went wrong in a document (reason codes in `code`).
enum XMLSyntaxError: Error, Equatable, Sendable {
    case notWellFormed
    case invalidUTF8
    case tooDeep
    case truncated
    case doctype
    case unknownEntity
    case markupTooLong
    case empty

    /// The reason code used in problems.
    var code: String {
        switch self {
        case .notWellFormed: return "not_well_formed"
        case .invalidUTF8: return "invalid_utf8"
        case .tooDeep: return "too_deep"
        case .truncated: return "truncated"
        case .doctype: return "doctype"
        case .unknownEntity: return "unknown_entity"
        case .markupTooLong: return "markup_too_long"
        case .empty: return "empty"
        }
    }
}

/// One token of a document.
enum XMLEvent: Equatable {
    /// An element starts (local name, without prefix).
    case start(String)
    /// An element ends.
    case end(String)
    /// A piece of character data (entities decoded), UTF-8.
    case text([UInt8])
    /// The root element has closed and the input has ended.
    case endOfDocument
    /// The document cannot be read further.
    case error(XMLSyntaxError)
}

/// Incremental UTF-8 validation (the well-formedness table of Unicode 15, chapter 3, table 3-7).
struct UTF8Validator {
    /// Continuation bytes still expected, and the allowed range of the next one.
    private var pending = 0
    private var low: UInt8 = 0x80, high: UInt8 = 0xBF
    /// Bytes of the current, unfinished character seen so far.
    private(set) var partial = 0

    /// Whether the validator is between characters.
    var atBoundary: Bool { pending == 0 }

    /// Checks `bytes`; returns how many bytes from the start form whole valid characters, or reach
    /// the end inside a character that may still be completed (all of them when valid). On an
    /// invalid sequence the count stops before the sequence's first byte (in this block).
    mutating func validate(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if pending > 0 {
                guard b >= low && b <= high else { return max(0, i - partial) }
                pending -= 1
                partial = pending == 0 ? 0 : partial + 1
                low = 0x80; high = 0xBF
            } else if b < 0x80 {
                // ASCII fast path.
            } else if b >= 0xC2 && b <= 0xDF {
                pending = 1
            } else if b >= 0xE0 && b <= 0xEF {
                pending = 2
                if b == 0xE0 { low = 0xA0 } else if b == 0xED { high = 0x9F }
            } else if b >= 0xF0 && b <= 0xF4 {
                pending = 3
                if b == 0xF0 { low = 0x90 } else if b == 0xF4 { high = 0x8F }
            } else {
                return i
            }
            if pending > 0 && partial == 0 { partial = 1 }
            i += 1
        }
        return n
    }
}

/// The streaming tokenizer. Feed blocks with `feed`, call `finish` at the end of input, and pull
/// events with `next` until it returns nil (more input needed), `.endOfDocument` or `.error`.
struct XMLTokenizer {
    /// Deepest element nesting accepted.
    let maxDepth: Int
    /// Longest markup (tag, comment, processing instruction) accepted, in bytes.
    let maxMarkup: Int

    private var buffer: [UInt8] = []
    private var position = 0
    private var ended = false
    private var invalidUTF8 = false
    private var validator = UTF8Validator()
    private var bomChecked = false
    private var stack: [String] = []
    private var sawRoot = false
    private var pendingEnd: String?
    private var failure: XMLSyntaxError?
    private var finished = false
    /// Skipping a comment, CDATA section or processing instruction across blocks.
    private enum Skip { case none, comment, cdata, instruction }
    private var skip = Skip.none

    init(maxDepth: Int = 64, maxMarkup: Int = 1 << 16) {
        self.maxDepth = maxDepth
        self.maxMarkup = maxMarkup
    }

    /// The current element depth (0 outside the root).
    var depth: Int { stack.count }

    /// Appends input. Bytes after the first invalid UTF-8 sequence are dropped and the document
    /// stops with `.invalidUTF8` once the valid part has been tokenized.
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard !invalidUTF8, !ended, !bytes.isEmpty else { return }
        let valid = validator.validate(bytes)
        compact()
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<valid]))
        if valid < bytes.count { invalidUTF8 = true }
    }

    mutating func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { feed($0) }
    }

    /// Marks the end of input.
    mutating func finish() {
        ended = true
        if !validator.atBoundary {
            // Drop the unfinished character's bytes (at most 3, all in the buffer's tail).
            buffer.removeLast(min(validator.partial, buffer.count - position))
            invalidUTF8 = true
        }
    }

    /// Drops consumed bytes once they are a large part of the buffer.
    private mutating func compact() {
        if position > 0 && (position >= buffer.count || position > 1 << 16) {
            buffer.removeFirst(position)
            position = 0
        }
    }

    private var noMoreInput: Bool { ended || invalidUTF8 }

    /// The end of the bytes that may be consumed: not into a character still being completed.
    private var limit: Int { noMoreInput ? buffer.count : buffer.count - validator.partial }

    /// The next event, or nil when more input is needed.
    mutating func next() -> XMLEvent? {
        if let f = failure { return .error(f) }
        if finished { return .endOfDocument }
        if let name = pendingEnd {
            pendingEnd = nil
            return close(name)
        }
        if !bomChecked {
            if buffer.count - position < 3 && !noMoreInput { return nil }
            if buffer.count - position >= 3 && buffer[position] == 0xEF && buffer[position + 1] == 0xBB && buffer[position + 2] == 0xBF {
                position += 3
            }
            bomChecked = true
        }
        while true {
            switch skip {
            case .comment, .instruction:
                let terminator: [UInt8] = skip == .comment ? [0x2D, 0x2D, 0x3E] : [0x3F, 0x3E]
                guard let at = find(terminator, from: position) else {
                    // Keep only what may be the start of the terminator.
                    position = max(position, buffer.count - (terminator.count - 1))
                    return needMore()
                }
                position = at + terminator.count
                skip = .none
                continue
            case .cdata:
                let terminator: [UInt8] = [0x5D, 0x5D, 0x3E]
                if let at = find(terminator, from: position) {
                    let piece = Array(buffer[position..<at])
                    position = at + 3
                    skip = .none
                    if !piece.isEmpty { return textEvent(piece) }
                    continue
                }
                let safe = max(position, limit - 2)
                if safe > position {
                    let piece = Array(buffer[position..<safe])
                    position = safe
                    return textEvent(piece)
                }
                return needMore()
            case .none:
                break
            }
            if position >= buffer.count {
                return needMore()
            }
            if buffer[position] == 0x3C {
                if let event = markup() { return event }
                if failure != nil || skip != .none { if let f = failure { return .error(f) } else { continue } }
                return needMore()
            }
            return characterData()
        }
    }

    /// At end of input: the final event; otherwise nil (more input needed).
    private mutating func needMore() -> XMLEvent? {
        guard noMoreInput else { return nil }
        if invalidUTF8 { return fail(.invalidUTF8) }
        if skip != .none || !stack.isEmpty { return fail(.truncated) }
        if position < buffer.count { return fail(.truncated) }
        if !sawRoot { return fail(.empty) }
        finished = true
        return .endOfDocument
    }

    private mutating func fail(_ e: XMLSyntaxError) -> XMLEvent {
        failure = e
        return .error(e)
    }

    private func find(_ pattern: [UInt8], from start: Int) -> Int? {
        let n = buffer.count, m = pattern.count
        guard n - start >= m else { return nil }
        var i = start
        let first = pattern[0]
        while i <= n - m {
            if buffer[i] == first {
                var k = 1
                while k < m && buffer[i + k] == pattern[k] { k += 1 }
                if k == m { return i }
            }
            i += 1
        }
        return nil
    }

    private func hasPrefix(_ p: [UInt8], at i: Int) -> Bool? {
        if buffer.count - i < p.count {
            // Could still become the prefix with more input.
            for k in 0..<(buffer.count - i) where buffer[i + k] != p[k] { return false }
            return nil
        }
        for k in 0..<p.count where buffer[i + k] != p[k] { return false }
        return true
    }

    /// CDATA is accepted only inside an element, so its text always belongs to one.
    private func textEvent(_ bytes: [UInt8]) -> XMLEvent { .text(bytes) }

    /// Character data up to the next `<` (or the end of the buffer), entities decoded.
    private mutating func characterData() -> XMLEvent? {
        var out: [UInt8] = []
        var i = position
        let n = limit
        while i < n {
            let b = buffer[i]
            if b == 0x3C { break }
            if b == 0x26 {
                guard let semicolon = (i + 1..<min(n, i + 12)).first(where: { buffer[$0] == 0x3B }) else {
                    if n - i < 12 && !noMoreInput { break }  // the reference may continue in the next block
                    return fail(.unknownEntity)
                }
                guard let decoded = Self.entity(buffer[(i + 1)..<semicolon]) else { return fail(.unknownEntity) }
                out.append(contentsOf: decoded)
                i = semicolon + 1
                continue
            }
            if b == 0x3E && i >= 2 && buffer[i - 1] == 0x5D && buffer[i - 2] == 0x5D { return fail(.notWellFormed) }
            out.append(b)
            i += 1
        }
        if i == position { return needMore() }
        position = i
        if stack.isEmpty {
            // Only white space may stand outside the root element.
            if out.contains(where: { !Self.isSpace($0) }) { return fail(.notWellFormed) }
            return next()
        }
        return .text(out)
    }

    /// An entity or character reference body (between `&` and `;`) as UTF-8, or nil.
    static func entity(_ body: ArraySlice<UInt8>) -> [UInt8]? {
        switch Array(body) {
        case Array("amp".utf8): return [0x26]
        case Array("lt".utf8): return [0x3C]
        case Array("gt".utf8): return [0x3E]
        case Array("quot".utf8): return [0x22]
        case Array("apos".utf8): return [0x27]
        default: break
        }
        guard body.first == 0x23 else { return nil }
        var digits = body.dropFirst()
        var radix: UInt32 = 10
        if digits.first == 0x78 || digits.first == 0x58 { radix = 16; digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 8 else { return nil }
        var v: UInt32 = 0
        for d in digits {
            let x: UInt32
            switch d {
            case 0x30...0x39: x = UInt32(d - 0x30)
            case 0x61...0x66 where radix == 16: x = UInt32(d - 0x61 + 10)
            case 0x41...0x46 where radix == 16: x = UInt32(d - 0x41 + 10)
            default: return nil
            }
            v = v * radix + x
        }
        // XML Char production: no NUL or other C0 controls except tab, LF, CR; no surrogates.
        guard v == 0x9 || v == 0xA || v == 0xD || v >= 0x20, let scalar = Unicode.Scalar(v), v != 0xFFFE, v != 0xFFFF else { return nil }
        return Array(String(Character(scalar)).utf8)
    }

    /// Markup starting at `position` (`<`): returns an event, or nil when more input is needed (or a
    /// skip state was entered, or a failure recorded).
    private mutating func markup() -> XMLEvent? {
        let start = position
        // Comments, CDATA, DOCTYPE, processing instructions.
        if let isComment = hasPrefix(Array("<!--".utf8), at: start) {
            if isComment { position += 4; skip = .comment; return nil }
        } else { return markupNeedsMore() }
        if let isCDATA = hasPrefix(Array("<![CDATA[".utf8), at: start) {
            if isCDATA {
                guard !stack.isEmpty else { return fail(.notWellFormed) }
                position += 9; skip = .cdata; return nil
            }
        } else { return markupNeedsMore() }
        if start + 1 >= buffer.count { return markupNeedsMore() }
        if buffer[start + 1] == 0x21 { return fail(.doctype) }
        if buffer[start + 1] == 0x3F { position += 2; skip = .instruction; return nil }
        // A tag: find its closing `>` outside quoted attribute values.
        var i = start + 1
        var quote: UInt8 = 0
        let n = buffer.count
        while i < n {
            let b = buffer[i]
            if quote != 0 {
                if b == quote { quote = 0 } else if b == 0x3C { return fail(.notWellFormed) }
            } else if b == 0x22 || b == 0x27 {
                quote = b
            } else if b == 0x3E {
                break
            } else if b == 0x3C {
                return fail(.notWellFormed)
            }
            i += 1
        }
        if i >= n { return markupNeedsMore() }
        let tag = buffer[(start + 1)..<i]
        position = i + 1
        return tagEvent(tag)
    }

    private mutating func markupNeedsMore() -> XMLEvent? {
        if buffer.count - position > maxMarkup { return fail(.markupTooLong) }
        if noMoreInput { return invalidUTF8 ? fail(.invalidUTF8) : fail(.truncated) }
        return nil
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        b >= 0x80 || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
            || b == 0x5F || b == 0x2D || b == 0x2E || b == 0x3A
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// The local name of a qualified name (after the last `:`), or nil when not a name.
    private static func localName(_ bytes: ArraySlice<UInt8>) -> String? {
        guard let first = bytes.first, first != 0x2D, first != 0x2E, !(first >= 0x30 && first <= 0x39), first != 0x3A else { return nil }
        var local = bytes
        if let colon = bytes.lastIndex(of: 0x3A) { local = bytes[(colon + 1)...] }
        guard !local.isEmpty else { return nil }
        return String(decoding: local, as: UTF8.self)
    }

    private mutating func tagEvent(_ tag: ArraySlice<UInt8>) -> XMLEvent? {
        if tag.first == 0x2F {
            // End tag.
            var body = tag.dropFirst()
            while let last = body.last, Self.isSpace(last) { body = body.dropLast() }
            guard body.allSatisfy(Self.isNameByte), let name = Self.localName(body), let open = stack.last, open == name else {
                return fail(.notWellFormed)
            }
            return close(name)
        }
        var body = tag
        var selfClosing = false
        if body.last == 0x2F { selfClosing = true; body = body.dropLast() }
        let nameEnd = body.firstIndex(where: { !Self.isNameByte($0) }) ?? body.endIndex
        guard let name = Self.localName(body[body.startIndex..<nameEnd]) else { return fail(.notWellFormed) }
        guard Self.attributesWellFormed(body[nameEnd...]) else { return fail(.notWellFormed) }
        if stack.isEmpty {
            if sawRoot { return fail(.notWellFormed) }  // a second root element
            sawRoot = true
        }
        guard stack.count < maxDepth else { return fail(.tooDeep) }
        stack.append(name)
        if selfClosing { pendingEnd = name }
        return .start(name)
    }

    private mutating func close(_ name: String) -> XMLEvent {
        stack.removeLast()
        return .end(name)
    }

    /// `(S name S? = S? quoted-value)* S?`.
    private static func attributesWellFormed(_ s: ArraySlice<UInt8>) -> Bool {
        var i = s.startIndex
        let end = s.endIndex
        while true {
            let before = i
            while i < end && isSpace(s[i]) { i += 1 }
            if i == end { return true }
            guard i > before else { return false }
            let nameStart = i
            while i < end && isNameByte(s[i]) { i += 1 }
            guard i > nameStart else { return false }
            while i < end && isSpace(s[i]) { i += 1 }
            guard i < end && s[i] == 0x3D else { return false }
            i += 1
            while i < end && isSpace(s[i]) { i += 1 }
            guard i < end, s[i] == 0x22 || s[i] == 0x27 else { return false }
            let q = s[i]
            i += 1
            while i < end && s[i] != q { i += 1 }
            guard i < end else { return false }
            i += 1
        }
    }
}
