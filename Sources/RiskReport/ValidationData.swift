// A model's validation figures as `riskengine validate` writes them (VALIDATION.json), for the
// report's validation section: discrimination, calibration and prediction error with their
// bootstrap intervals, the decile table and the smoothed calibration curve. Aggregates only.
import Foundation

/// One validation (one model or prediction column on one cohort).
public struct ValidationSummary: Sendable, Equatable {
    /// One figure: its value (nil when undefined) and its interval when bootstrapped.
    public struct Figure: Sendable, Equatable {
        public let key: String
        public let value: Double?
        public let interval: [Double]?
    }
    public struct Decile: Sendable, Equatable {
        public let decile: Int
        public let n: Int
        public let predicted: Double
        public let observed: Double
    }

    /// Shown as the column and chart title: the file's `model`, else the file name.
    public let name: String
    public let n: Int
    public let events: Int
    public let horizon: Double
    public let figures: [Figure]
    public let deciles: [Decile]
    /// Smoothed calibration curve points (predicted, observed), as fractions.
    public let curve: [(predicted: Double, observed: Double)]

    public static func == (a: ValidationSummary, b: ValidationSummary) -> Bool {
        a.name == b.name && a.n == b.n && a.figures == b.figures && a.deciles == b.deciles
    }

    /// The figures shown, in order (the keys of the validate contract).
    public static let keys = [
        "harrell_c", "uno_c", "auc", "oe_ratio", "calibration_slope", "km_observed_risk", "expected_risk", "brier",
        "brier_null", "ipa",
    ]

    /// Reads a VALIDATION.json file.
    public static func read(path: String) throws(ReportError) -> ValidationSummary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .cannotOpen(path: path, reason: FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .notValidation(path: path)
        }
        return try parse(object, path: path)
    }

    static func parse(_ o: [String: Any], path: String) throws(ReportError) -> ValidationSummary {
        func number(_ x: Any?) -> Double? { (x as? NSNumber).map(\.doubleValue) }
        guard let n = number(o["n"]), let horizon = number(o["horizon"]) else { throw .notValidation(path: path) }
        let figures = keys.map { k in
            Figure(key: k, value: number(o[k]), interval: (o[k + "_ci"] as? [Any])?.compactMap(number).count == 2
                ? (o[k + "_ci"] as! [Any]).compactMap(number) : nil)
        }
        let deciles = (o["deciles"] as? [[String: Any]] ?? []).compactMap { d -> Decile? in
            guard let k = number(d["decile"]), let n = number(d["n"]), let p = number(d["mean_predicted"]),
                let obs = number(d["km_observed"]) else { return nil }
            return Decile(decile: Int(k), n: Int(n), predicted: p, observed: obs)
        }
        let curve = (o["calibration_curve"] as? [[String: Any]] ?? []).compactMap { c -> (Double, Double)? in
            guard let p = number(c["predicted"]), let obs = number(c["observed"]) else { return nil }
            return (p, obs)
        }
        let file = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let name = (o["model"] as? String).flatMap { isCode($0.utf8) ? $0 : nil } ?? (isCode(file.utf8) ? file : "validation")
        return ValidationSummary(
            name: name, n: Int(n), events: Int(number(o["events"]) ?? 0), horizon: horizon, figures: figures,
            deciles: deciles, curve: curve.map { (predicted: $0.0, observed: $0.1) })
    }
}
