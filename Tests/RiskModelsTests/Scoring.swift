import RiskCore
import RiskModels

/// Scores text rows (canonical field → text) with one model; returns (risks per outcome, status).
func scoreRows(_ model: CompiledModel, _ rows: [[String: String]]) -> [(risks: [Double], status: String)] {
    let chunk = RecordChunk.fromTextRows(rows)
    let scores = Evaluator(models: [model]).score(chunk)[0]
    return (0..<rows.count).map { r in
        (scores.risks.map { $0[r] }, model.render(scores.statuses[r]))
    }
}

let library: ModelLibrary = {
    do { return try ModelLibrary.embedded() } catch { fatalError("embedded model library does not load: \(error)") }
}()

/// Every embedded model, compiled and checked (the eager path, `ModelLibrary.models`).
let allModels: [CompiledModel] = {
    do { return try library.models } catch { fatalError("an embedded model does not load: \(error)") }
}()
