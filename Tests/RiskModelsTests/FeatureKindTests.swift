import Foundation
import RiskCore
import RiskModels
import RiskTestSupport
import Testing

/// Every feature kind, one case each: the value it gives for one row (by hand) and how
/// `models show` describes it. Row: age 50, sex male, sbp 150, total_chol 5, hdl 1.25.
@Suite struct FeatureKindTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        /// Features; the last one is scored (identity link, coefficient 1).
        let features: String
        let value: Double
        let description: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        .init(name: "linear", features: #"{"name": "f", "kind": "linear", "input": "age", "center": 40, "scale": 5}"#,
              value: 2, description: "(age − 40) / 5"),
        .init(name: "log", features: #"{"name": "f", "kind": "log", "input": "age", "multiplier": 2, "center": 1}"#,
              value: log(100) - 1, description: "ln(age × 2) − 1"),
        .init(name: "power", features: #"{"name": "f", "kind": "power", "input": "age", "exponent": 2, "multiplier": 0.1}"#,
              value: 25, description: "(age × 0.1)^2"),
        .init(name: "power times_log", features: #"{"name": "f", "kind": "power", "input": "age", "exponent": 0.5, "multiplier": 0.1, "times_log": true}"#,
              value: sqrt(5) * log(5), description: "(age × 0.1)^0.5 · ln(age × 0.1)"),
        .init(name: "hinge", features: #"{"name": "f", "kind": "hinge", "input": "sbp", "knot": 140, "scale": 2}"#,
              value: 5, description: "max(sbp − 140, 0) / 2"),
        .init(name: "hinge below, log", features: #"{"name": "f", "kind": "hinge", "input": "sbp", "knot": 300, "side": "below", "log": true}"#,
              value: log(2), description: "max(ln(300 / (sbp)), 0)"),
        .init(name: "indicator", features: #"{"name": "f", "kind": "indicator", "input": "sex", "equals": "male"}"#,
              value: 1, description: "[sex = male]"),
        .init(name: "points", features: #"{"name": "f", "kind": "points", "input": "sbp", "bands": [{"below": 120, "points": 0}, {"at_most": 150, "points": 2}, {"points": 3}]}"#,
              value: 2, description: "points(sbp; <120:0, ≤150:2, else:3)"),
        .init(name: "ratio", features: #"{"name": "f", "kind": "ratio", "numerator": "total_chol", "denominator": "hdl", "center": 1, "min": 1, "max": 12}"#,
              value: 3, description: "(total_chol / hdl − 1)  [valid 1–12]"),
        .init(name: "sum", features: #"{"name": "a", "kind": "linear", "input": "age"}, {"name": "b", "kind": "linear", "input": "sbp"}, {"name": "f", "kind": "sum", "of": ["a", "b"], "weights": [2, 1], "center": 50}"#,
              value: 200, description: "(2·a + 1·b − 50)"),
        .init(name: "product", features: #"{"name": "a", "kind": "linear", "input": "age"}, {"name": "b", "kind": "linear", "input": "sbp"}, {"name": "f", "kind": "product", "of": ["a", "b"]}"#,
              value: 7500, description: "a × b"),
        .init(name: "missing_indicator", features: #"{"name": "f", "kind": "missing_indicator", "input": "smoker"}"#,
              value: 1, description: "[smoker missing]"),
    ]

    static func model(_ features: String) -> String {
        """
        {"format": "riskengine.model/1", "id": "kinds", "title": "t", "version": "1",
         "citation": {"reference": "none", "doi": "10.0/k", "table": "none"},
         "outcomes": [{"id": "v", "column": "kinds_v", "scale": "value", "description": "v"}],
         "inputs": [{"field": "age", "min": 18, "max": 90}, {"field": "sex"}, {"field": "sbp", "min": 60, "max": 260},
                    {"field": "total_chol"}, {"field": "hdl"}, {"field": "smoker", "optional": true}],
         "features": [\(features)], "link": "identity",
         "strata": [{"id": "all", "when": {}, "equations": {"v": {"coefficients": {"f": 1}}}}],
         "examples": []}
        """
    }

    @Test(arguments: cases)
    func kindEvaluatesAndDescribesItself(_ c: Case) throws {
        let m = try ModelLoader.compile(json: Self.model(c.features), file: "kinds.json")
        let row = ["age": "50", "sex": "male", "sbp": "150", "total_chol": "5", "hdl": "1.25"]
        let result = scoreRows(m, [row])[0]
        #expect(result.status.hasPrefix("ok"), "\(c.name): \(result.status)")
        #expect(isClose(result.risks[0], c.value, relative: 1e-12), "\(c.name): \(result.risks[0])")
        #expect(m.describe().contains("  f = \(c.description)\n"), "\(c.name):\n\(m.describe())")
    }

    @Test func unknownKindIsRefusedNamingTheKnownOnes() {
        let error = #expect(throws: ModelFileError.self) {
            try ModelLoader.compile(json: Self.model(#"{"name": "f", "kind": "spline", "input": "age"}"#), file: "kinds.json")
        }
        guard case .invalid(_, let key, let problem) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(key == "features[0].kind")
        #expect(problem.contains("spline") && problem.contains("missing_indicator"))
    }
}
