// The one CSV tokenizer and the one quoting function (RFC 4180 over UTF-8 bytes).
//
// Every reader (header reading, dialect detection, mapping check, the chunk cutter and the chunk
// parser) and every writer (scored output, rejects, import CSV and problems) goes through this
// file, so a record is cut and a field is quoted the same way everywhere:
// - a record ends at LF, CRLF or a lone CR (old Mac files) outside quotes;
// - a quote opens a quoted field only at a field start; inside, `""` is a quote; after the
//   closing quote only the delimiter or a record end may follow (anything else: malformed);
// - elsewhere a quote is an ordinary character;
// - a UTF-8 BOM at the very start of the input is skipped (`bomLength`);
// - a field is quoted on output when it holds the delimiter, a quote, LF or CR.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// RFC 4180 tokenizing and quoting over bytes. Stateless.
public enum CSV {
    public static let quote: UInt8 = 0x22
    public static let comma: UInt8 = 0x2C
    public static let lf: UInt8 = 0x0A
    public static let cr: UInt8 = 0x0D

    /// Whether `b` ends a record (outside quotes).
    @inlinable public static func isRecordEnd(_ b: UInt8) -> Bool { b == lf || b == cr }

    /// Length of a UTF-8 byte-order mark at the start of `bytes` (0 or 3).
    public static func bomLength<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF] ? 3 : 0
    }

    /// One field read from a record.
    public struct Field: Sendable, Equatable {
        /// Content between the quotes (still holding doubled quotes) or the unquoted text.
        public var contentStart: Int
        public var contentEnd: Int
        /// Where the field ends as written (before the delimiter or record end); the raw field
        /// is `start..<rawEnd`, quotes included.
        public var rawEnd: Int
        /// Where the next field (or, after a record end, the next record) starts.
        public var next: Int
        /// The field is the record's last.
        public var endOfRecord: Bool
        /// Whether the field reached a delimiter or record end; false when the bytes ran out first
        /// (the record may continue in bytes not read yet).
        public var terminated: Bool
        /// A quoted field with text after its closing quote, or never closed.
        public var malformed: Bool
        public var quoted: Bool

        @inlinable init(
            contentStart: Int, contentEnd: Int, rawEnd: Int, next: Int, endOfRecord: Bool, terminated: Bool,
            malformed: Bool, quoted: Bool
        ) {
            self.contentStart = contentStart
            self.contentEnd = contentEnd
            self.rawEnd = rawEnd
            self.next = next
            self.endOfRecord = endOfRecord
            self.terminated = terminated
            self.malformed = malformed
            self.quoted = quoted
        }
    }

    /// Reads the field starting at `start` (a field start). At `start == bytes.count` it is an
    /// empty last field (a record ending in a delimiter at the end of the input). An unquoted field
    /// (the common case) is scanned inline in the caller's loop; a quoted one out of line.
    @inlinable @inline(__always)
    public static func field(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, delimiter: UInt8) -> Field {
        let n = bytes.count
        if start < n && bytes[start] == quote { return quotedField(bytes, at: start, delimiter: delimiter) }
        var i = start
        while i < n {
            let b = bytes[i]
            if b == delimiter || b == lf || b == cr { break }
            i += 1
        }
        return ending(bytes, contentStart: start, contentEnd: i, at: i, delimiter: delimiter, malformed: false, quoted: false)
    }

    /// A quoted field: doubled quotes inside; anything between the closing quote and the
    /// delimiter, or a quote never closed, makes it malformed.
    @inlinable
    static func quotedField(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, delimiter: UInt8) -> Field {
        let n = bytes.count
        var i = start
        var malformed = false
        var j = i + 1
        var closed = false
        while j < n {
            if bytes[j] == quote {
                if j + 1 < n && bytes[j + 1] == quote { j += 2; continue }
                closed = true
                break
            }
            j += 1
        }
        if !closed { malformed = true; i = n } else { i = j + 1 }
        // Anything between the closing quote and the delimiter breaks the field.
        while i < n {
            let b = bytes[i]
            if b == delimiter || b == lf || b == cr { break }
            malformed = true
            i += 1
        }
        return ending(bytes, contentStart: start + 1, contentEnd: j, at: i, delimiter: delimiter, malformed: malformed, quoted: true)
    }

    /// The field that ends at `i` (a delimiter, LF, CR, CRLF or the end of the bytes).
    @inlinable @inline(__always)
    public static func ending(
        _ bytes: UnsafeBufferPointer<UInt8>, contentStart: Int, contentEnd: Int, at i: Int, delimiter: UInt8,
        malformed: Bool, quoted: Bool
    ) -> Field {
        let n = bytes.count
        if i == n {
            return Field(
                contentStart: contentStart, contentEnd: contentEnd, rawEnd: i, next: n, endOfRecord: true,
                terminated: false, malformed: malformed, quoted: quoted)
        }
        if bytes[i] == delimiter {
            return Field(
                contentStart: contentStart, contentEnd: contentEnd, rawEnd: i, next: i + 1, endOfRecord: false,
                terminated: true, malformed: malformed, quoted: quoted)
        }
        // A record end: LF, CR, or CRLF as one.
        var next = i + 1
        if bytes[i] == cr && next < n && bytes[next] == lf { next += 1 }
        return Field(
            contentStart: contentStart, contentEnd: contentEnd, rawEnd: i, next: next, endOfRecord: true,
            terminated: true, malformed: malformed, quoted: quoted)
    }

    /// If a blank line (LF, CR or CRLF) starts at `i`, where the next record starts.
    @inlinable
    public static func blankLineEnd(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let n = bytes.count
        guard i < n else { return nil }
        if bytes[i] == lf { return i + 1 }
        if bytes[i] == cr { return i + 1 < n && bytes[i + 1] == lf ? i + 2 : i + 1 }
        return nil
    }

    /// A field's text: the content with doubled quotes of a quoted field made single.
    public static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ f: Field) -> String {
        String(decoding: unescaped(bytes, f), as: UTF8.self)
    }

    /// A field's content bytes, doubled quotes made single.
    public static func unescaped(_ bytes: UnsafeBufferPointer<UInt8>, _ f: Field) -> [UInt8] {
        guard f.quoted else { return Array(bytes[f.contentStart..<f.contentEnd]) }
        var out: [UInt8] = []
        out.reserveCapacity(f.contentEnd - f.contentStart)
        var i = f.contentStart
        while i < f.contentEnd {
            out.append(bytes[i])
            i += (bytes[i] == quote && i + 1 < f.contentEnd && bytes[i + 1] == quote) ? 2 : 1
        }
        return out
    }

    /// A raw field as written (quotes included) read back as its value.
    public static func unescaped(raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        guard raw.count >= 2, raw.first == quote, raw.last == quote else { return Array(raw) }
        return unescaped(raw, field(raw, at: 0, delimiter: comma))
    }

    /// One record starting at `start`.
    public struct Record: Sendable, Equatable {
        public var fields: [String]
        /// Where the next record starts.
        public var end: Int
        /// Some field was malformed (see `Field.malformed`).
        public var malformed: Bool
        /// Blank lines skipped before the record.
        public var blankLinesBefore: Int
    }

    /// The first record at or after `start`, skipping blank lines before it; nil when the bytes
    /// hold no complete record yet (unless `final`, when the rest is the last record) or only
    /// blank lines.
    public static func record(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0, delimiter: UInt8, final: Bool
    ) -> Record? {
        var i = start
        var blank = 0
        while let next = blankLineEnd(bytes, at: i) {
            // A CR as the last byte read may be the first half of a CRLF.
            if !final && next == bytes.count && bytes[i] == cr { return nil }
            blank += 1
            i = next
        }
        if i >= bytes.count { return nil }
        var fields: [String] = []
        var malformed = false
        while true {
            let f = field(bytes, at: i, delimiter: delimiter)
            if !final && (!f.terminated || (f.next == bytes.count && bytes[f.rawEnd] == cr)) { return nil }
            fields.append(text(bytes, f))
            malformed = malformed || f.malformed
            i = f.next
            if f.endOfRecord { break }
        }
        return Record(fields: fields, end: i, malformed: malformed, blankLinesBefore: blank)
    }

    /// Every record of a complete text (blank lines skipped), e.g. a small CSV file.
    public static func records(_ bytes: [UInt8], delimiter: UInt8 = comma) -> [Record] {
        bytes.withUnsafeBufferPointer { p in
            var out: [Record] = []
            var i = bomLength(bytes)
            while let r = record(p, from: i, delimiter: delimiter, final: true) {
                out.append(r)
                i = r.end
            }
            return out
        }
    }

    /// The offset just past the last record end (LF, CR or CRLF outside quotes) in `bytes`,
    /// which start at a record start; nil when no record ends in the buffer. A CR that is the
    /// last byte is not taken as a record end (its LF may be in the next read).
    ///
    /// Reads the same grammar as `field` (a quote opens a quoted field only at a field start)
    /// but jumps from quote to quote with memchr, so unquoted data costs almost nothing; this is
    /// what lets the reader thread cut the stream into chunks without reading every byte.
    public static func lastRecordEnd(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8 = comma) -> Int? {
        let n = bytes.count
        guard n > 0, let base = bytes.baseAddress else { return nil }
        // Quoted spans [start, end): the record ends inside them do not end records.
        var spans: [(Int, Int)] = []
        var i = 0
        while i < n {
            guard let q = memchr(base + i, Int32(quote), n - i) else { break }
            let qi = base.distance(to: q.assumingMemoryBound(to: UInt8.self))
            let atFieldStart = qi == 0 || bytes[qi - 1] == delimiter || isRecordEnd(bytes[qi - 1])
            if !atFieldStart {
                i = qi + 1
                continue
            }
            // The closing quote: a quote not followed by another.
            var j = qi + 1
            var closed = false
            while j < n {
                guard let c = memchr(base + j, Int32(quote), n - j) else { break }
                let ci = base.distance(to: c.assumingMemoryBound(to: UInt8.self))
                if ci + 1 < n && bytes[ci + 1] == quote {
                    j = ci + 2
                    continue
                }
                // A quote as the last byte may be the first of an escaped pair: still open.
                if ci + 1 == n { break }
                j = ci + 1
                closed = true
                break
            }
            if !closed {
                spans.append((qi, n))
                break
            }
            spans.append((qi, j))
            i = j
        }
        // The last record end outside every span.
        var limit = n
        var k = spans.count - 1
        while limit > 0 {
            var ni = limit - 1
            while ni >= 0 && !(bytes[ni] == lf || (bytes[ni] == cr && ni + 1 < n)) { ni -= 1 }
            if ni < 0 { return nil }
            while k >= 0 && spans[k].0 > ni { k -= 1 }
            if k >= 0 && ni < spans[k].1 {
                limit = spans[k].0
                continue
            }
            return ni + 1
        }
        return nil
    }

    /// Appends `field` to `out` as one CSV field: quoted (inner quotes doubled) when it holds
    /// the delimiter, a quote, LF or CR; as it is otherwise. The one quoting rule of every writer.
    public static func appendField<C: Collection>(_ field: C, to out: inout [UInt8], delimiter: UInt8 = comma)
    where C.Element == UInt8 {
        let needs = field.contains { $0 == delimiter || $0 == quote || $0 == lf || $0 == cr }
        guard needs else {
            out.append(contentsOf: field)
            return
        }
        out.append(quote)
        for b in field {
            if b == quote { out.append(quote) }
            out.append(b)
        }
        out.append(quote)
    }

    /// `s` as one CSV field (see `appendField`).
    public static func quoted(_ s: String, delimiter: UInt8 = comma) -> String {
        var out: [UInt8] = []
        appendField(s.utf8, to: &out, delimiter: delimiter)
        return String(decoding: out, as: UTF8.self)
    }

    /// One CSV line (fields joined by commas, ended by LF).
    public static func line(_ fields: [String]) -> String {
        fields.map { quoted($0) }.joined(separator: ",") + "\n"
    }
}
