// Recalibration to local incidence and risk-factor means, without a cohort: the WHO 2019 CVD risk
// chart method (WHO CVD Risk Chart Working Group (2019) Lancet Glob Health 7:e1332,
// doi:10.1016/S2214-109X(19)30318-3, methods; Hajifathalian K. et al. (2015) Lancet Diabetes
// Endocrinol 3:339, doi:10.1016/S2213-8587(15)00081-9 (Globorisk)).
// For each sex × age group × component outcome the model is evaluated with its recalibration removed
// (scales (0, 1)) at the group's mean risk factors, giving p_raw; the local 10-year risk r of the
// group is given. Per sex and outcome, ordinary least squares over the age groups fits
//   log(−log(1 − r)) = s₁ + s₂·log(−log(1 − p_raw)),
// and (s₁, s₂) become the recalibration scales of the region given. Accuracy: OLS in closed form
// (two parameters), exact up to rounding (~1e-13 on well-spread age groups).
import Foundation
import RiskBatch
import RiskCore
import RiskModels
import RiskValidation

/// A `--targets` table problem (row numbers 1-based, counts and column names of the table itself).
public enum TargetsProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// Only models with a cloglog recalibration section by region are recalibrated from targets.
    case modelHasNoRecalibrationSection(model: String)
    /// `--region` is required with `--targets` and must be a value of the model's `by` field.
    case regionRequired
    case missingColumn(String)
    case badRisk(row: Int)
    case unknownOutcome(row: Int)
    case unknownSex(row: Int)
    /// The model could not score a row at its mean risk factors.
    case notScorable(row: Int)
    /// Fewer than two distinct age groups for a sex × outcome (no line can be fitted).
    case tooFewGroups(sex: String, outcome: String)
    /// A sex × outcome of the model with no row in the table.
    case missingGroup(sex: String, outcome: String)

    public var description: String {
        switch self {
        case .modelHasNoRecalibrationSection(let m):
            "model \(m) has no cloglog recalibration section; --targets works for models like who2019_lab and who2019_nonlab"
        case .regionRequired: "--targets needs --region (a value of the model's recalibration field, e.g. southeast_asia)"
        case .missingColumn(let c): "the targets table has no column '\(c)'"
        case .badRisk(let r): "targets row \(r): risk must be a fraction strictly between 0 and 1"
        case .unknownOutcome(let r): "targets row \(r): outcome is not a component outcome of the model"
        case .unknownSex(let r): "targets row \(r): sex must be male or female"
        case .notScorable(let r): "targets row \(r): the model cannot score the mean risk factors"
        case .tooFewGroups(let s, let o): "targets for \(s) \(o): at least two age groups are needed"
        case .missingGroup(let s, let o): "targets: no rows for \(s) \(o)"
        }
    }
}
