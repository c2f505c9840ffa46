import ArgumentParser
import Foundation
import MedadExperiments

/// `medad pool`: pooled metrics over evaluated runs (e.g. the folds of a leave-one-volume-out split).
struct Pool: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pooled sample and pixel metrics over evaluated runs scored on different test sets (leave-one-out folds).")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false
    @Argument(help: "Evaluated run directories.") var runs: [String]

    func run() throws {
        global.apply()
        let values = try PooledRuns.metrics(runs.map { URL(fileURLWithPath: $0) })
        if json {
            try printJSON(Dictionary(uniqueKeysWithValues: values.map { value in
                (value.metric, ["value": value.value as Any, "interval": value.interval.map { [$0.low, $0.high] } as Any] as [String: Any])
            }))
            return
        }
        for value in values {
            let interval = value.interval.map { String(format: " [%.3f, %.3f]", $0.low, $0.high) } ?? ""
            print("\(value.metric.padding(toLength: 13, withPad: " ", startingAt: 0)) "
                  + (value.value.map { String(format: "%.4f", $0) } ?? "n/a") + interval)
        }
    }
}
