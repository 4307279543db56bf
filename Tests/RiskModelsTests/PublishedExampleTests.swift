import RiskModels
import RiskTestSupport
import Testing

/// Every model reproduces the worked examples stored in its own file (Models/*.json, `examples`),
/// each with the tolerance the file states (the publication's printed precision, or tighter where
/// the file gives an unrounded value from an implementation that reproduces the publication).
@Suite struct PublishedExampleTests {
    static let cases: [(model: String, example: Int)] = allModels.flatMap { m in
        m.definition.examples.indices.map { (m.id, $0) }
    }

    @Test func everyModelHasWorkedExamples() {
        for m in allModels {
            #expect(!m.definition.examples.isEmpty, "\(m.id) has no published worked example")
        }
    }

    @Test(arguments: cases.map { "\($0.model)#\($0.example)" })
    func reproducesExample(_ key: String) throws {
        let parts = key.split(separator: "#")
        let model = try library.model(String(parts[0]))
        let ex = model.definition.examples[Int(parts[1])!]
        let row = ex.inputs.mapValues { $0.description }
        let result = scoreRows(model, [row])[0]
        #expect(result.status == "ok", "\(key): \(ex.source)")
        for (column, expected) in ex.expected {
            let o = try #require(model.outputColumns.firstIndex(of: column))
            #expect(isClose(result.risks[o], expected, absolute: ex.tolerancePP),
                    "\(key) \(column): got \(result.risks[o]), expected \(expected) ± \(ex.tolerancePP)")
        }
    }

    /// The printed (rounded) values of the publications, where a file records them.
    @Test func printedValuesAgreeToTheirPrecision() throws {
        for m in allModels {
            for ex in m.definition.examples {
                for (column, printed) in ex.published ?? [:] {
                    guard let p = Double(printed.filter { "0123456789.".contains($0) }) else { continue }
                    let decimals = printed.contains(".") ? (printed.split(separator: ".").last.map { $0.filter(\.isNumber).count } ?? 0) : 0
                    // WHO's printed values are chart cells: the continuous model at the example's
                    // exact inputs lands in or next to the cell, not on it.
                    let slack = m.id.hasPrefix("who2019") ? 1.0 : 0.0
                    let halfUnit = 0.5 * pow10(-decimals)
                    let got = scoreRows(m, [ex.inputs.mapValues { $0.description }])[0].risks[m.outputColumns.firstIndex(of: column)!]
                    // Goff 2013 prints 5.3 % for the white-male example, from summing rounded terms;
                    // the unrounded equation gives 5.38 % (see Models/pce2013.json notes).
                    let known = m.id == "pce2013" && printed.hasPrefix("5.3")
                    if !known {
                        #expect(abs(got - p) <= halfUnit + slack + 1e-9, "\(m.id) \(column): \(got) vs printed \(printed)")
                    } else {
                        #expect(abs(got - p) < 0.1)
                    }
                }
            }
        }
    }
}

func pow10(_ k: Int) -> Double {
    var r = 1.0
    if k >= 0 { for _ in 0..<k { r *= 10 } } else { for _ in 0..<(-k) { r /= 10 } }
    return r
}
