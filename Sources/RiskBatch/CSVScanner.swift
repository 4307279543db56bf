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
    static func lastRecordEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = bytes.count
        var last: Int?
        var atFieldStart = true
        while i < n {
            let b = bytes[i]
            if atFieldStart && b == quote {
                // Quoted field: runs to a quote not followed by another quote.
                i += 1
                while i < n {
                    if bytes[i] == quote {
                        if i + 1 < n && bytes[i + 1] == quote { i += 2; continue }
                        break
                    }
                    i += 1
                }
                if i >= n { return last }  // the quoted field is not closed in this buffer
                i += 1
                atFieldStart = false
                continue
            }
            if b == comma {
                atFieldStart = true
            } else if b == newline {
                last = i + 1
                atFieldStart = true
            } else {
                atFieldStart = false
            }
            i += 1
        }
        return last
    }
}
