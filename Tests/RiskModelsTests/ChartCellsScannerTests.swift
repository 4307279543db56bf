import Foundation
@testable import RiskModels
import Testing

/// The WHO charts' cells read by `ChartCellsScanner` equal `JSONDecoder`'s, value for value (bit
/// for bit); texts it does not expect give nil, so the loader decodes them with `JSONDecoder`.
@Suite struct ChartCellsScannerTests {
    @Test(arguments: ["who2019_lab_chart.json", "who2019_nonlab_chart.json"])
    func shippedChartsReadAsJSONDecoderReadsThem(_ path: String) throws {
        let text = try #require(ModelLoader.embeddedFile(path))
        let scanned = try #require(ChartCellsScanner.cells(in: text))
        let decoded = try JSONDecoder().decode(ChartDefinition.self, from: Data(text.utf8)).cells
        #expect(Self.bits(scanned) == Self.bits(decoded))
        #expect(Self.bits(scanned).count > 10_000)
    }

    static func bits(_ c: NestedCells) -> [UInt64] {
        switch c {
        case .value(let v): return [v.bitPattern]
        // A list boundary marker, so shapes must agree too.
        case .list(let l): return [UInt64.max] + l.flatMap(bits) + [UInt64.max - 1]
        }
    }

    static let texts: [(String, Bool)] = [
        (#"{"cells": [[1, 2.5], [0.1, 1e-2]], "id": "x"}"#, true),
        (#"{"a": {"b": [1, "x\"y", {"c": null}]}, "cells": [-0.0, 12345678901234567890]}"#, true),
        (#"{"cells": []}"#, true),
        (#"{"cells": [1, "2"]}"#, false),
        (#"{"cells": [1, true]}"#, false),
        (#"{"cells": [01]}"#, false),
        (#"{"cells": [1.]}"#, false),
        (#"{"cells": [1e400]}"#, false),
        (#"{"cells": [1], "cells": [2]}"#, false),
        (#"{"cells": [1]} x"#, false),
        (#"{"cells": [1]"#, false),
        (#"{"id": "x"}"#, false),
        (#"[1, 2]"#, false),
        ("{\"cells\": " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}", false),
    ]

    @Test(arguments: texts.indices)
    func readsWhatItShouldAndGivesUpOtherwise(_ k: Int) throws {
        let (text, readable) = Self.texts[k]
        let scanned = ChartCellsScanner.cells(in: text)
        #expect((scanned != nil) == readable, "\(text)")
        if let scanned {
            struct Only: Decodable { let cells: NestedCells }
            let decoded = try JSONDecoder().decode(Only.self, from: Data(text.utf8)).cells
            #expect(Self.bits(scanned) == Self.bits(decoded), "\(text)")
        }
    }
}
