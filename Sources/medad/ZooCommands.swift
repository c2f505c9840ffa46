import ArgumentParser
import Foundation
import MedadMethods
import MedadSupport
import MedadTensor
import MedadZoo

struct Zoo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The model zoo: list the backbones, or run one on tensors from safetensors files.",
        subcommands: [ZooList.self, ZooRunCommand.self, ZooAdopt.self],
        defaultSubcommand: ZooList.self)
}

struct ZooList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Parameters and forward GFLOPs of every backbone's whole network (stem, body, decoder).")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print a JSON list instead of a table.") var json = false
    @Option(help: "Image side for the 2D backbones' GFLOPs (a multiple of 8).") var size = 128
    @Option(help: "Patch side for the volumetric backbones' GFLOPs (a multiple of 8).") var patch = 64

    func run() throws {
        global.apply()
        let rows = try ModelCost.zoo(size: size, patch: patch)
        if json {
            try printJSON(rows.map { ["name": $0.name, "params": $0.parameters, "body_params": $0.bodyParameters,
                                      "gflops": $0.gflops, "dims": $0.dims, "size": $0.side] as [String: Any] })
        } else {
            print("name".namePadded + "params".leftPadded(to: 10) + "body params".leftPadded(to: 13) + "GFLOPs".leftPadded(to: 9)
                  + "  input        body")
            for row in rows {
                let input = "1×1" + String(repeating: "×\(row.side)", count: row.dims)
                print(row.name.namePadded + String(row.parameters).leftPadded(to: 10) + String(row.bodyParameters).leftPadded(to: 13)
                      + String(format: "%9.3f", row.gflops) + "  " + input.padding(toLength: 13, withPad: " ", startingAt: 0)
                      + row.summary)
            }
            print("every backbone: shared conv stem (strides 2, 4) → its body (stride 8) → shared U-Net decoder with skips")
        }
    }
}

struct ZooRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run encoder + decoder on tensor x of a safetensors file and write y (and gradients).")
    @OptionGroup var global: GlobalOptions
    @Option(help: "A backbone of medad zoo list: \(Backbone.allCases.map(\.name).joined(separator: ", ")).") var backbone: String
    @Option(help: "Mamba scan order: bi or cross4 (default: the backbone's, cross4 for mamba-s).") var scan: String?
    @Option(help: "Weights (safetensors, twin parameter names).") var weights: String
    @Option(help: "Input safetensors holding x [B,1,H,W] (3D backbones: [B,1,D,H,W]).") var input: String
    @Option(help: "Output safetensors (y; with --grad also loss and grad.<name>).") var out: String
    @Flag(help: "Also write the MSE loss between y and x and every parameter's gradient.") var grad = false

    func run() throws {
        global.apply()
        let options = try scan.map { scan in
            guard let mambaScan = MambaScan(rawValue: scan) else {
                throw MedadError("--scan \(scan): expected one of \(MambaScan.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return BackboneOptions(mambaScan: mambaScan)
        }
        let summary = try ZooRun.run(backbone: Backbone(named: backbone), options: options,
                                     weights: URL(fileURLWithPath: weights), input: URL(fileURLWithPath: input),
                                     output: URL(fileURLWithPath: out), gradients: grad)
        print("wrote \(out): y \(summary.outputShape)" + (summary.loss.map { String(format: ", loss %.6g", $0) } ?? ""))
    }
}

struct BenchZoo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "zoo", abstract: "Time a training step and a no-grad forward per backbone.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Image side (patch side, for volumetric backbones).") var size = 128
    @Option(help: "Batch size.") var batch = 16
    @Option(help: "Timed steps (the median is reported).") var steps = 5
    @Option(help: "Comma-separated backbones (the volumetric ones too: cnn3d-s, vit3d-s, mamba3d-s).")
    var backbones = Backbone.all(dims: 2).map(\.name).joined(separator: ",")
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Also show where a training step's and a forward's time goes, per kind of op (from extra, untimed steps).")
    var ops = false

    func run() throws {
        global.apply()
        let chosen = try backbones.split(separator: ",").map { try Backbone(named: String($0)) }
        let rows = try ZooBenchmark.run(backbones: chosen, size: size, batch: batch, steps: steps, ops: ops)
        if json {
            try printJSON(rows.map { row in
                var fields: [String: Any] = ["backbone": row.backbone, "train_step_s": row.trainStepSeconds,
                                             "infer_s": row.inferSeconds, "size": size, "batch": batch,
                                             "threads": global.resolvedThreads]
                if let trainOps = row.trainOps, let inferOps = row.inferOps {
                    fields["train_ops"] = trainOps.map(Self.jsonEntry)
                    fields["infer_ops"] = inferOps.map(Self.jsonEntry)
                }
                return fields
            })
        } else {
            print("batch \(batch) of side \(size) (\(size)² images, \(size)³ patches), \(global.resolvedThreads) threads")
            for row in rows {
                print(row.backbone.namePadded
                      + String(format: "train step %8.1f ms   infer %8.1f ms", row.trainStepSeconds * 1e3, row.inferSeconds * 1e3))
            }
            for row in rows {
                if let trainOps = row.trainOps { Self.printOps(trainOps, title: "\(row.backbone), per training step") }
                if let inferOps = row.inferOps { Self.printOps(inferOps, title: "\(row.backbone), per no-grad forward") }
            }
        }
    }

    private static func jsonEntry(_ entry: OpTimes.Entry) -> [String: Any] {
        ["op": entry.op, "ms": entry.seconds * 1e3, "calls": entry.calls]
    }

    private static func printOps(_ entries: [OpTimes.Entry], title: String) {
        print("\n\(title): ms, calls, op")
        for entry in entries { print(String(format: "%9.2f %5d  ", entry.seconds * 1e3, entry.calls) + entry.op) }
    }
}

struct ZooAdopt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adopt",
        abstract: "Copy a trained run with its network's weights replaced (e.g. the PyTorch twin's) and calibrate it, ready for medad evaluate.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var trained: TrainedRun
    @Option(help: "Weights (safetensors; the network's own names, as the twin writes them, or a run checkpoint's).") var weights: String
    @Option(help: "New run directory to write.") var out: String

    func run() throws {
        global.apply()
        try Runs.adopt(run: trained.url, weights: URL(fileURLWithPath: weights), into: URL(fileURLWithPath: out))
        print("\(out): \(weights) adopted into a copy of \(trained.path); score it with medad evaluate --run \(out)")
    }
}

private extension String {
    /// A backbone name padded to the longest one's width, so that the columns after it line up.
    var namePadded: String {
        padding(toLength: Backbone.names.map(\.count).max()! + 2, withPad: " ", startingAt: 0)
    }
}
