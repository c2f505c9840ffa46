import Foundation
import MedadConfig
import MedadExperiments
import MedadNN
import MedadSupport
import MedadTensor

/// A 2 backbones × 2 methods × 2 ratios × 2 seeds experiment (16 cells) whose run config is opaque to
/// the fake executor.
let fakeExperiment = """
{
  "name": "fake",
  "seed": 0,
  "backbone": "cnn-s",
  "data": {"source": "phantom", "label_ratio": 0},
  "method": {"name": "ae"},
  "sweep": {"backbone": ["cnn-s", "vit-s"], "method.name": ["semi", "ae"], "data.label_ratio": [0, 0.25], "seed": [0, 1]},
  "report": {"reference": "ae", "metrics": ["sample.ap", "pixel.ap"], "resamples": 200}
}
"""

/// The fake sweep made leave-one-volume-out (it extends fake.json): cnn-s × two folds × two methods ×
/// two ratios, one seed (8 cells).
let foldExperiment = """
{
  "extends": "fake.json",
  "name": "folds",
  "data": {"source": "folders"},
  "sweep": {"backbone": ["cnn-s"], "seed": [0],
            "data.folders": [{"train": "folds/fold-0/train", "val": "folds/fold-0/val", "test": "folds/fold-0/test"},
                             {"train": "folds/fold-1/train", "val": "folds/fold-1/val", "test": "folds/fold-1/test"}]},
  "report": {"metrics": ["sample.ap", "pixel.ap", "pixel.best_dice"]}
}
"""

/// Writes a schema-1 result.json from the cell's axes, with scores whose quality depends on the method
/// (semi separates the classes clearly, ae weakly), counting calls; cells listed in `failing` throw.
final class FakeExecutor: CellExecutor, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var calls: [String] = []
    let failing: Set<String>

    init(failing: Set<String> = []) { self.failing = failing }

    func run(cell: SweepCell, source: String, directory: URL, resume: Bool) throws {
        lock.lock(); calls.append(cell.id); lock.unlock()
        guard !failing.contains(cell.id) else { throw MedadError("loss became NaN at step 3") }
        if let pixelCounts = FakeResult.pixelCounts(for: cell.config) {
            try AtomicFile.write(Data(pixelCounts.utf8), to: directory.appendingPathComponent("pixel-counts.json"))
        }
        try AtomicFile.write(FakeResult.json(for: cell.config).pretty(sortedKeys: true), to: directory.appendingPathComponent("result.json"))
        try FakeResult.examples(to: directory.appendingPathComponent("examples.safetensors"))
    }
}

enum FakeResult {
    static func string(_ path: String, _ config: JSONValue) -> String {
        if case .string(let s)? = ConfigComposition.value(at: path, in: config) { return s }
        return ""
    }

    static func number(_ path: String, _ config: JSONValue) -> Double {
        if case .number(let n)? = ConfigComposition.value(at: path, in: config) { return n }
        return 0
    }

    /// The fold of a leave-one-volume-out cell (`…/fold-<k>/test`), nil for other cells.
    static func fold(_ config: JSONValue) -> Int? {
        let test = string("data.folders.test", config)
        return test.isEmpty ? nil : Int(test.split(separator: "/").dropLast().last!.dropFirst("fold-".count))
    }

    /// pixel-counts.json of a fold cell: voxels in three score bins (0.125, 0.5, 1), semi ranking the
    /// anomalous voxels higher than ae; nil for other cells.
    static func pixelCounts(for config: JSONValue) -> String? {
        guard let fold = fold(config) else { return nil }
        let semi = string("method.name", config) == "semi"
        let negatives = semi ? [90 + fold, 9, 1] : [60, 30 + fold, 10]
        let positives = semi ? [1, 4, 15 + fold] : [5, 8 + fold, 7]
        return #"{"bins":[12288,14336,15360],"cases":40,"negatives":\#(negatives),"positives":\#(positives)}"#
    }

    static func json(for config: JSONValue) -> JSONValue {
        let method = string("method.name", config), backbone = string("backbone", config)
        let ratio = number("data.label_ratio", config), seed = number("seed", config)
        let fold = fold(config)
        var random = SeededRandom(seed: UInt64(seed) &* 7919 &+ UInt64(ratio * 100) &+ UInt64(backbone.count) &+ UInt64(fold ?? 0) &* 31)
        let separation = method == "semi" ? 2.5 : 0.4
        let cases: [JSONValue] = (0..<40).map { k in
            let label = k % 2
            let score = Double(label) * separation + random.nextNormal()
            return .object(JSONObject([("name", .string((fold.map { "fold\($0)_" } ?? "") + "case_\(k)")), ("label", .number(Double(label))),
                                       ("type", .string(k % 4 == 1 ? "sphere" : "noise")), ("seen", .bool(k % 4 == 1)),
                                       ("score", .number(score))]))
        }
        let ap = (method == "semi" ? 0.9 + 0.02 * seed + 0.04 * ratio : 0.6 + 0.02 * seed) + 0.02 * Double(fold ?? 0)
        func block(_ value: Double) -> JSONValue {
            .object(JSONObject([("ap", .number(value)), ("auroc", .number(value - 0.05)), ("best_dice", .number(value - 0.2)),
                                ("ci", .object(JSONObject([("ap", .array([.number(value - 0.1), .number(value + 0.05)]))])))]))
        }
        var result = JSONObject([
            ("schema", .number(1)), ("backbone", .string(backbone)), ("method", .string(method)),
            ("label_ratio", .number(ratio)), ("seed", .number(seed)), ("uses_labels", .bool(method == "semi")),
            ("config", config), ("parameters", .number(backbone == "cnn-s" ? 1000 : 2000)),
            ("train", .object(JSONObject([("status", .string("completed")), ("steps", .number(3)), ("seconds", .number(1.5))]))),
            ("eval_seconds", .number(0.5)),
            ("sample", block(ap)), ("pixel", block(ap - 0.3)),
            ("seen", .object(JSONObject([("sample", block(ap + 0.05))]))),
            ("unseen", .object(JSONObject([("sample", block(ap - 0.1))]))),
            ("per_type", .object(JSONObject([
                ("sphere", .object(JSONObject([("seen", .bool(true)), ("cases", .number(10)), ("sample", block(ap + 0.05)),
                                               ("pixel", block(ap - 0.25))]))),
                ("noise", .object(JSONObject([("seen", .bool(false)), ("cases", .number(10)), ("sample", block(ap - 0.1)),
                                              ("pixel", block(ap - 0.4))]))),
            ]))),
            ("cases", .array(cases)),
            ("examples", .string("examples.safetensors")),
        ])
        if let fold {
            result["test_set"] = .string("set\(fold)")
            result["test_name"] = .string("fold-\(fold)")
        }
        return .object(result)
    }

    static func examples(to url: URL) throws {
        let side = 8
        let image = (0..<(side * side)).map { Float($0 % side) / Float(side) }
        let mask = (0..<(side * side)).map { $0 / side >= 2 && $0 / side < 4 && $0 % side >= 2 && $0 % side < 4 ? Float(1) : 0 }
        let content = SafeTensors.Content(tensors: [
            "image.case_1": Tensor(shape: [side, side], values: image),
            "mask.case_1": Tensor(shape: [side, side], values: mask),
            "map.case_1": Tensor(shape: [side, side], values: mask.map { $0 * 0.8 }),
        ])
        try SafeTensors.write(content, to: url)
    }
}
