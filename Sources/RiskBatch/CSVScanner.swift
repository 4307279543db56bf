// RFC 4180 record scanning over bytes. The splitter finds where the last complete record of a
// buffer ends (quotes may hold commas and line breaks), so the stream can be cut into chunks that
// workers parse independently. CRLF and LF both end a record; a UTF-8 BOM at the very start of the
// input is skipped by the reader.

enum CSVScanner {
    static let quote: UInt8 = 0x22
    static let comma: UInt8 = 0x2C
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D

    /// The offset just past the last record terminator (`\n` outside quotes) in `bytes`, scanning
    /// from a record start; nil when no record ends in the buffer.
    ///
    /// A quote opens a quoted field only at a field start (after the delimiter or `\n`, or at the start);
    /// elsewhere it is an ordinary character, exactly as `ChunkParser` reads it. The scan jumps
    /// from quote to quote with memchr, so unquoted data costs almost nothing.
    static func lastRecordEnd(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8 = comma) -> Int? {
        let n = bytes.count
        guard n > 0, let base = bytes.baseAddress else { return nil }
        // Quoted spans [start, end): the newlines inside them do not end records.
        var spans: [(Int, Int)] = []
        var i = 0
        while i < n {
            guard let q = memchr(base + i, Int32(quote), n - i) else { break }
            let qi = base.distance(to: q.assumingMemoryBound(to: UInt8.self))
            let atFieldStart = qi == 0 || bytes[qi - 1] == delimiter || bytes[qi - 1] == newline
            if !atFieldStart {
                i = qi + 1
                continue
            }
            // Find the closing quote (a quote not followed by another).
            var j = qi + 1
            var closed = false
            while j < n {
                guard let c = memchr(base + j, Int32(quote), n - j) else { break }
                let ci = base.distance(to: c.assumingMemoryBound(to: UInt8.self))
                if ci + 1 < n && bytes[ci + 1] == quote {
                    j = ci + 2
                    continue
                }
                if ci + 1 == n {
                    // The quote is the last byte: it may be the first of an escaped pair whose
                    // second half is in the next read. Treat the field as still open.
                    break
                }
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
        // The last newline outside every span.
        var limit = n
        var k = spans.count - 1
        while limit > 0 {
            var ni = limit - 1
            while ni >= 0 && bytes[ni] != newline { ni -= 1 }
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
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
