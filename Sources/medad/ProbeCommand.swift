import ArgumentParser
import Foundation
import MedadMethods

/// `medad probe`: where in a trained network an anomaly type is still linearly separable.
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Linear probes (Fisher's discriminant) of anomalous pixels at every layer of a trained 2D map run: "
            + "fitted on half its anomalous test cases (of one type with --type), scored on the other half.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var trained: TrainedRun
    @Option(help: "Probe only test cases of this anomaly type (result.json per_type names them); default: every anomalous case.")
    var type: String?
    @Flag(help: "Print JSON (ap and auroc null where a layer's cells lack a class).") var json = false

    func run() throws {
        global.apply()
        let levels = try Runs.probe(run: trained.url, type: type)
        if json {
            try printJSON(levels.map { level in
                ["layer": level.layer, "stride": level.stride, "channels": level.channels, "fit_cells": level.fitCells,
                 "fit_anomalous": level.fitAnomalous, "test_cells": level.testCells, "test_anomalous": level.testAnomalous,
                 "ap": level.ap ?? NSNull(), "auroc": level.auroc ?? NSNull()] as [String: Any]
            })
            return
        }
        print("layer    stride  channels  fitted on (anomalous)  scored on (anomalous)  AP     AUROC")
        for level in levels {
            let fitted = level.layer == "output" ? "(the run's own scores)" : "\(level.fitCells) (\(level.fitAnomalous))"
            print(level.layer.padding(toLength: 9, withPad: " ", startingAt: 0)
                  + String(format: "%-8d%-10d", level.stride, level.channels)
                  + fitted.padding(toLength: 23, withPad: " ", startingAt: 0)
                  + "\(level.testCells) (\(level.testAnomalous))".padding(toLength: 23, withPad: " ", startingAt: 0)
                  + [level.ap, level.auroc].map { $0.map { String(format: "%.3f", $0) } ?? "n/a  " }.joined(separator: "  "))
        }
    }
}
