import Foundation
import RiskAlerts
import RiskCore
import Testing

/// A rule file's text with the bands and urgent-BP rule given (JSON fragments).
private func rulesText(bands: String, urgent: String = #"{ "code": "bp_urgent", "sbp_at_least": 180, "dbp_at_least": 110, "source": "s" }"#) -> String {
    """
    { "format": "riskengine.flags/1", "version": "t",
      "risk_bands": { "source": "s", "applies_to": "a", "bands": \(bands) },
      "blood_pressure": { "urgent": \(urgent) } }
    """
}

private let goodBands = #"[{ "code": "low", "below": 10 }, { "code": "high" }]"#

@Suite struct FlagRulesTests {
    struct Bad: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        let key: String
        let problem: FlagRuleProblem
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        .init(name: "comma in a band code", text: rulesText(bands: #"[{ "code": "lo,w", "below": 10 }, { "code": "high" }]"#),
              key: "risk_bands.bands[0].code", problem: .badCode),
        .init(name: "semicolon in a band code", text: rulesText(bands: #"[{ "code": "low", "below": 10 }, { "code": "hi;gh" }]"#),
              key: "risk_bands.bands[1].code", problem: .badCode),
        .init(name: "quote in a band code", text: rulesText(bands: #"[{ "code": "lo\"w", "below": 10 }, { "code": "high" }]"#),
              key: "risk_bands.bands[0].code", problem: .badCode),
        .init(name: "newline in a band code", text: rulesText(bands: #"[{ "code": "lo\nw", "below": 10 }, { "code": "high" }]"#),
              key: "risk_bands.bands[0].code", problem: .badCode),
        .init(name: "space in a band code", text: rulesText(bands: #"[{ "code": "lo w", "below": 10 }, { "code": "high" }]"#),
              key: "risk_bands.bands[0].code", problem: .badCode),
        .init(name: "colon in a band code", text: rulesText(bands: #"[{ "code": "lo:w", "below": 10 }, { "code": "high" }]"#),
              key: "risk_bands.bands[0].code", problem: .badCode),
        .init(name: "non-ASCII letter in a band code", text: rulesText(bands: #"[{ "code": "thấp", "below": 10 }, { "code": "high" }]"#),
              key: "risk_bands.bands[0].code", problem: .badCode),
        .init(name: "empty band code", text: rulesText(bands: #"[{ "code": "", "below": 10 }, { "code": "high" }]"#),
              key: "risk_bands.bands[0].code", problem: .badCode),
        .init(name: "comma in the urgent code",
              text: rulesText(bands: goodBands, urgent: #"{ "code": "bp,urgent", "sbp_at_least": 180, "dbp_at_least": 110, "source": "s" }"#),
              key: "blood_pressure.urgent.code", problem: .badCode),
        .init(name: "duplicate band code", text: rulesText(bands: #"[{ "code": "low", "below": 10 }, { "code": "low" }]"#),
              key: "risk_bands.bands[1].code", problem: .duplicateCode),
        .init(name: "urgent code equal to a band code",
              text: rulesText(bands: goodBands, urgent: #"{ "code": "high", "sbp_at_least": 180, "dbp_at_least": 110, "source": "s" }"#),
              key: "blood_pressure.urgent.code", problem: .duplicateCode),
        .init(name: "negative band bound", text: rulesText(bands: #"[{ "code": "low", "below": -5 }, { "code": "high" }]"#),
              key: "risk_bands.bands[0].below", problem: .notPositive),
        .init(name: "inverted bands", text: rulesText(bands: #"[{ "code": "a", "below": 20 }, { "code": "b", "below": 10 }, { "code": "c" }]"#),
              key: "risk_bands.bands[1].below", problem: .notIncreasing),
        .init(name: "overlapping bands (same bound twice)", text: rulesText(bands: #"[{ "code": "a", "below": 10 }, { "code": "b", "below": 10 }, { "code": "c" }]"#),
              key: "risk_bands.bands[1].below", problem: .notIncreasing),
        .init(name: "a middle band without a bound", text: rulesText(bands: #"[{ "code": "a", "below": 10 }, { "code": "b" }, { "code": "c" }]"#),
              key: "risk_bands.bands[1].below", problem: .missingBound),
        .init(name: "a bounded last band", text: rulesText(bands: #"[{ "code": "a", "below": 10 }, { "code": "b", "below": 20 }]"#),
              key: "risk_bands.bands[1].below", problem: .lastBandBounded),
        .init(name: "no bands", text: rulesText(bands: "[]"), key: "risk_bands.bands", problem: .noBands),
        .init(name: "negative systolic threshold",
              text: rulesText(bands: goodBands, urgent: #"{ "code": "bp_urgent", "sbp_at_least": -180, "dbp_at_least": 110, "source": "s" }"#),
              key: "blood_pressure.urgent.sbp_at_least", problem: .notPositive),
        .init(name: "zero diastolic threshold",
              text: rulesText(bands: goodBands, urgent: #"{ "code": "bp_urgent", "sbp_at_least": 180, "dbp_at_least": 0, "source": "s" }"#),
              key: "blood_pressure.urgent.dbp_at_least", problem: .notPositive),
        .init(name: "inverted blood-pressure thresholds",
              text: rulesText(bands: goodBands, urgent: #"{ "code": "bp_urgent", "sbp_at_least": 110, "dbp_at_least": 180, "source": "s" }"#),
              key: "blood_pressure.urgent", problem: .systolicNotAboveDiastolic),
        .init(name: "wrong format", text: rulesText(bands: goodBands).replacingOccurrences(of: "riskengine.flags/1", with: "riskengine.flags/9"),
              key: "format", problem: .wrongFormat(expected: "riskengine.flags/1")),
    ]

    @Test(arguments: bad)
    func refusesWithFileKeyAndProblem(_ c: Bad) {
        #expect(throws: FlagRulesError.invalid(file: "my/flags.json", key: c.key, problem: c.problem)) {
            try FlagRules.decode(c.text, file: "my/flags.json")
        }
        let message = FlagRulesError.invalid(file: "my/flags.json", key: c.key, problem: c.problem).description
        #expect(message.contains("my/flags.json") && message.contains(c.key))
    }

    struct Good: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        var testDescription: String { name }
    }

    static let good: [Good] = [
        .init(name: "two bands", text: rulesText(bands: goodBands)),
        .init(name: "one open band", text: rulesText(bands: #"[{ "code": "any" }]"#)),
        .init(name: "digits, capitals and underscores", text: rulesText(bands: #"[{ "code": "Risk_LT_7_5", "below": 7.5 }, { "code": "R2" }]"#)),
    ]

    @Test(arguments: good)
    func acceptsValidFiles(_ c: Good) throws {
        _ = try FlagRules.decode(c.text, file: "my/flags.json")
    }

    @Test func bundledRulesAreValidAndListEveryCode() throws {
        let rules = try FlagRules.bundled()
        #expect(rules.codes(models: ["m"]) == ["m:risk_lt5", "m:risk_5_10", "m:risk_10_20", "m:risk_20_30", "m:risk_ge30", "bp_urgent"])
    }

    struct Band: Sendable, CustomTestStringConvertible {
        let risk: Double
        let code: String
        var testDescription: String { "\(risk) → \(code)" }
    }

    @Test(arguments: [
        Band(risk: 0, code: "risk_lt5"), Band(risk: 4.999, code: "risk_lt5"), Band(risk: 5, code: "risk_5_10"),
        Band(risk: 19.99, code: "risk_10_20"), Band(risk: 20, code: "risk_20_30"), Band(risk: 30, code: "risk_ge30"),
        Band(risk: 100, code: "risk_ge30"),
    ])
    func bandsAreHalfOpen(_ b: Band) throws {
        #expect(try FlagRules.bundled().band(of: b.risk) == b.code)
    }

    @Test func malformedJSONNamesFileAndKeyPathWithoutFoundationText() {
        let text = rulesText(bands: #"[{ "code": "low", "below": "ten" }, { "code": "high" }]"#)
        let error = #expect(throws: FlagRulesError.self) { try FlagRules.decode(text, file: "my/flags.json") }
        let message = error?.description ?? ""
        #expect(message.contains("my/flags.json"))
        #expect(message.contains("risk_bands.bands[0].below: expected a number"))
        for leak in ["NSCocoaErrorDomain", "DecodingError", "Swift.", "CodingKeys"] { #expect(!message.contains(leak), "\(message)") }
    }

    /// JSON cannot carry infinity or NaN and the decoder refuses numbers beyond Double: such a
    /// bound is refused as not valid JSON, naming the file.
    @Test(arguments: ["1e999", "-1e999", "NaN", "Infinity"])
    func nonFiniteNumbersAreRefused(_ number: String) {
        let text = rulesText(bands: #"[{ "code": "low", "below": "# + number + #" }, { "code": "high" }]"#)
        let error = #expect(throws: FlagRulesError.self) { try FlagRules.decode(text, file: "my/flags.json") }
        #expect(error?.description.contains("my/flags.json") == true)
    }

    @Test func brokenJSONAndMissingFileAreSentences() {
        let broken = #expect(throws: FlagRulesError.self) { try FlagRules.decode("{ \"format\": ", file: "my/flags.json") }
        #expect(broken?.description.contains("my/flags.json: not valid JSON") == true, "\(String(describing: broken))")
        let missing = #expect(throws: FlagRulesError.self) { try FlagRules.load("/nonexistent-dir/flags.json") }
        #expect(missing == .cannotRead(file: "/nonexistent-dir/flags.json", problem: .system(errno: ENOENT)))
        #expect(missing?.description.contains("no such file") == true, "\(String(describing: missing))")
        for m in [broken?.description ?? "", missing?.description ?? ""] {
            for leak in ["NSCocoaErrorDomain", "DecodingError", "Swift."] { #expect(!m.contains(leak), "\(m)") }
        }
    }
}
