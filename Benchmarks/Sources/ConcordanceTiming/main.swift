// Times Harrell's C (RiskValidation) on a CSV with columns time,event,risk, in process, the same
// way the peer scripts time R's concordance() and lifelines' concordance_index(): reading the file
// is not measured. Prints one JSON line: {"tool", "rows", "seconds", "c"}.
//   ConcordanceTiming COHORT.csv
import Foundation
import RiskValidation

let path = CommandLine.arguments.dropFirst().first ?? "cohort.csv"
let text = try String(contentsOfFile: path, encoding: .utf8)
var time: [Double] = [], event: [Bool] = [], risk: [Double] = []
for line in text.split(separator: "\n").dropFirst() {
    let f = line.split(separator: ",")
    time.append(Double(f[0])!)
    event.append(f[1] == "1")
    risk.append(Double(f[2])!)
}
let sample = try SurvivalSample(time: time, event: event, risk: risk)
let clock = ContinuousClock()
var result: ConcordanceResult?
let elapsed = clock.measure { result = Concordance.harrell(sample) }
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
print("{\"tool\": \"riskengine\", \"rows\": \(time.count), \"seconds\": \(seconds), \"c\": \(result!.c)}")
