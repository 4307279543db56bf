// A chart's `cells` (tens of thousands of numbers in nested lists) read straight from the file's
// JSON text. `JSONDecoder` decodes each number and list as a value of its own (a decoder, a coding
// path, and for every list a failed attempt to read it as a number): about 9,000 instructions a
// cell, half of a run's start-up with the WHO charts. This scanner reads the same numbers in one
// pass; when the text is anything but what it expects it gives up (nil) and the loader decodes
// the cells with `JSONDecoder`, which then reports the problem as before.
import RiskCore

enum ChartCellsScanner {
    /// The value of the top-level key `cells` of a JSON object text, when it is nested lists of
    /// numbers (and the key appears once); nil otherwise.
    static func cells(in json: String) -> NestedCells? {
        var text = json
        return text.withUTF8 { bytes -> NestedCells? in
            var s = Scanner(bytes: bytes)
            return s.topLevelCells()
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        /// `{ "key": value, ... }`: the parsed value of `cells`.
        mutating func topLevelCells() -> NestedCells? {
            skipSpace()
            guard i < bytes.count, bytes[i] == 0x7B else { return nil }
            i += 1
            var found: NestedCells?
            while true {
                skipSpace()
                guard i < bytes.count else { return nil }
                if bytes[i] == 0x7D { i += 1; break }
                guard let key = string() else { return nil }
                skipSpace()
                guard i < bytes.count, bytes[i] == 0x3A else { return nil }
                i += 1
                skipSpace()
                if key == "cells" {
                    guard found == nil, let v = cellsValue(depth: 0) else { return nil }
                    found = v
                } else {
                    guard skipValue(depth: 0) else { return nil }
                }
                skipSpace()
                guard i < bytes.count else { return nil }
                if bytes[i] == 0x2C { i += 1; continue }
                if bytes[i] == 0x7D { i += 1; break }
                return nil
            }
            skipSpace()
            return i == bytes.count ? found : nil
        }

        /// A string's text (escapes other than `\"` and `\\` give up: keys here are plain).
        mutating func string() -> String? {
            guard i < bytes.count, bytes[i] == 0x22 else { return nil }
            i += 1
            let start = i
            while i < bytes.count, bytes[i] != 0x22 {
                if bytes[i] == 0x5C { return nil }
                i += 1
            }
            guard i < bytes.count else { return nil }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            i += 1
            return text
        }

        /// Skips any JSON value (strings with their escapes, nested lists and objects).
        mutating func skipValue(depth: Int) -> Bool {
            guard depth < 64, i < bytes.count else { return false }
            switch bytes[i] {
            case 0x22:
                i += 1
                while i < bytes.count, bytes[i] != 0x22 {
                    i += bytes[i] == 0x5C ? 2 : 1
                }
                guard i < bytes.count else { return false }
                i += 1
                return true
            case 0x5B, 0x7B:
                let close: UInt8 = bytes[i] == 0x5B ? 0x5D : 0x7D
                let isObject = bytes[i] == 0x7B
                i += 1
                skipSpace()
                if i < bytes.count, bytes[i] == close { i += 1; return true }
                while true {
                    skipSpace()
                    if isObject {
                        guard skipValue(depth: depth + 1) else { return false }  // the key
                        skipSpace()
                        guard i < bytes.count, bytes[i] == 0x3A else { return false }
                        i += 1
                        skipSpace()
                    }
                    guard skipValue(depth: depth + 1) else { return false }
                    skipSpace()
                    guard i < bytes.count else { return false }
                    if bytes[i] == 0x2C { i += 1; continue }
                    if bytes[i] == close { i += 1; return true }
                    return false
                }
            default:
                // A number or a literal: up to the next delimiter.
                let start = i
                while i < bytes.count, bytes[i] != 0x2C, bytes[i] != 0x5D, bytes[i] != 0x7D,
                    bytes[i] != 0x20, bytes[i] != 0x0A, bytes[i] != 0x0D, bytes[i] != 0x09
                {
                    i += 1
                }
                return i > start
            }
        }

        /// A number, or a list of cells values.
        mutating func cellsValue(depth: Int) -> NestedCells? {
            guard depth < 64, i < bytes.count else { return nil }
            if bytes[i] == 0x5B {
                i += 1
                var list: [NestedCells] = []
                skipSpace()
                if i < bytes.count, bytes[i] == 0x5D { i += 1; return .list(list) }
                while true {
                    skipSpace()
                    guard let v = cellsValue(depth: depth + 1) else { return nil }
                    list.append(v)
                    skipSpace()
                    guard i < bytes.count else { return nil }
                    if bytes[i] == 0x2C { i += 1; continue }
                    if bytes[i] == 0x5D { i += 1; return .list(list) }
                    return nil
                }
            }
            return number().map { .value($0) }
        }

        /// A JSON number `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`, correctly rounded.
        mutating func number() -> Double? {
            let start = i
            if i < bytes.count, bytes[i] == 0x2D { i += 1 }
            let intStart = i
            while i < bytes.count, bytes[i] &- 0x30 < 10 { i += 1 }
            let intDigits = i - intStart
            guard intDigits > 0, !(intDigits > 1 && bytes[intStart] == 0x30) else { return nil }
            var plain = true
            if i < bytes.count, bytes[i] == 0x2E {
                i += 1
                let f = i
                while i < bytes.count, bytes[i] &- 0x30 < 10 { i += 1 }
                guard i > f else { return nil }
            }
            if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
                plain = false
                i += 1
                if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
                let e = i
                while i < bytes.count, bytes[i] &- 0x30 < 10 { i += 1 }
                guard i > e else { return nil }
            }
            let token = UnsafeBufferPointer(rebasing: bytes[start..<i])
            let value = plain ? CellReader.parseDecimal(token) : Double(String(decoding: token, as: UTF8.self))
            guard let value, value.isFinite else { return nil }
            return value
        }
    }
}
