import Foundation

/// A small CSV reader for test fixtures (not the engine's reader): header + rows as dictionaries.
/// Handles quoted fields with commas and doubled quotes; fixtures have no line breaks in fields.
public func readFixtureCSV(_ url: URL) throws -> [[String: String]] {
    let text = try String(contentsOf: url, encoding: .utf8)
    var lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
    guard !lines.isEmpty else { return [] }
    let header = splitCSVLine(lines.removeFirst())
    return lines.filter { !$0.isEmpty }.map { line in
        let fields = splitCSVLine(line)
        var row: [String: String] = [:]
        for (k, v) in zip(header, fields) { row[k] = v }
        return row
    }
}

/// Splits one CSV line (RFC 4180 quoting) into fields.
public func splitCSVLine(_ line: String) -> [String] {
    var fields: [String] = []
    var cur = ""
    var inQuotes = false
    var chars = Array(line)
    if chars.last == "\r" { chars.removeLast() }
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if inQuotes {
            if c == "\"" {
                if i + 1 < chars.count && chars[i + 1] == "\"" { cur.append("\""); i += 1 } else { inQuotes = false }
            } else { cur.append(c) }
        } else if c == "\"" {
            inQuotes = true
        } else if c == "," {
            fields.append(cur); cur = ""
        } else { cur.append(c) }
        i += 1
    }
    fields.append(cur)
    return fields
}
