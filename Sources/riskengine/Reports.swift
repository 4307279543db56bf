import Foundation
import RiskBatch
import RiskModels

/// Readable rendering of a model definition (`riskengine models show`).
enum ModelDescription {
    static func render(_ m: CompiledModel) -> String { m.describe() }
}
