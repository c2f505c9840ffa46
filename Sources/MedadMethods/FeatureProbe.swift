import Foundation
import MedadAnomalies
import MedadMetrics
import MedadNN
import MedadSupport
import MedadTensor
import MedadVolumes
import MedadZoo

/// How well one layer of a trained network separates anomalous pixels (of one type, or all) from the normal
/// tissue around them, read by a linear probe ("Understanding intermediate layers using linear
/// classifier probes", Alain & Bengio 2016): a layer that separates them holds the information,
/// whatever the network's own output makes of it.
public struct ProbeLevel: Equatable {
    /// `encoder`, `decoder` (a decoder stage's output) or `output` (the run's own voxel scores, not fitted).
    public let layer: String
    public let stride: Int
    public let channels: Int
    /// Cells the probe was fitted on (0 for `output`) and scored on, with how many of each are anomalous.
    public let fitCells: Int
    public let fitAnomalous: Int
    public let testCells: Int
    public let testAnomalous: Int
    /// nil when the fitted or the scored cells lack a class (a coarse layer on small anomalies).
    public let ap: Double?
    public let auroc: Double?
}

/// `Runs.probe`: the run's anomalous test cases (of one type when `type` is set; folder data sets, real
/// lesions among them, have no types), every slice along the eval axis that shows
/// the anomaly, cut into each layer's cells (stride × stride pixels). A cell counts when at least half
/// of it is brain; it is anomalous when at least half of it is, normal when none of it is, and left
/// out in between. Cases alternate between fitting a `LinearDiscriminant` per layer and scoring it,
/// so the probe is scored on patients it was not fitted on; a test set with one anomalous case (a
/// leave-one-volume-out fold) is cut instead between the first and the second half of its slices.
struct FeatureProbe {
    private struct Samples {
        var rows: [[Float]] = [[], []]
        var labels: [[Bool]] = [[], []]
    }

    let directory: URL
    /// nil: every anomalous test case.
    let type: String?

    func run() throws -> [ProbeLevel] {
        if let type, AnomalyType(rawValue: type) == nil {
            throw MedadError("probe: --type \(type) is not an anomaly type; expected one of "
                             + AnomalyType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let predictor = try Runs.predictor(for: directory)
        let run = predictor.inference.config
        guard let model = predictor.inference.model as? MapModel else {
            throw MedadError("probe: \(directory.path): method \(run.method.name) has no encoder-decoder map to probe")
        }
        guard run.backbone.dims == 2 else {
            throw MedadError("probe: \(directory.path): backbone \(run.backbone.name) is volumetric; the probe reads 2D networks")
        }
        let data = try RunData(config: run, source: directory.appendingPathComponent(RunFiles.config).path, includeTraining: false)
        let layers = Self.layers(model.net) + [(layer: "output", stride: 1, channels: 1)]
        var samples = [Samples](repeating: Samples(), count: layers.count)
        var types = Set<String>(), probed = 0
        var firstCaseSlices: [[Int]] = []
        model.eval()
        defer { model.train() }
        for index in data.testNames.indices {
            let item = try data.testCase(index)
            if let other = item.type?.rawValue { types.insert(other) }
            guard item.label == 1, type == nil || item.type?.rawValue == type else { continue }
            let slices = collect(item, part: probed % 2, model: model, layers: layers, size: run.data.size,
                                 axis: run.eval.axis ?? run.data.axis, into: &samples)
            if probed == 0 { firstCaseSlices = slices }
            probed += 1
        }
        if probed == 1 && firstCaseSlices.count >= 2 {
            let cut = firstCaseSlices[firstCaseSlices.count / 2]
            for (l, layer) in layers.enumerated() {
                samples[l].labels[1] = Array(samples[l].labels[0][cut[l]...])
                samples[l].labels[0].removeSubrange(cut[l]...)
                samples[l].rows[1] = Array(samples[l].rows[0][(cut[l] * layer.channels)...])
                samples[l].rows[0].removeSubrange((cut[l] * layer.channels)...)
            }
        }
        guard probed >= 2 || firstCaseSlices.count >= 2 else {
            let cases = type.map { "test case(s) of type '\($0)'" } ?? "anomalous test case(s)"
            throw MedadError("probe: \(directory.path): \(probed) \(cases), need 2 or more (or one that shows in 2 or more slices); "
                             + "its test set's types: \(types.isEmpty ? "none" : types.sorted().joined(separator: ", "))")
        }
        return try zip(layers, samples).map { layer, sample in
            // The run's own scores are read as they are, not fitted.
            guard layer.layer != "output" else {
                return try Self.level(layer, fitted: [], tested: sample.labels[1], scores: sample.rows[1].map(Double.init))
            }
            let fitted = sample.labels[0]
            // A coarse layer on small anomalies may have no cell that is half anomalous: nothing to fit.
            let probe = fitted.contains(true) && fitted.contains(false)
                ? try LinearDiscriminant(rows: sample.rows[0], labels: fitted, features: layer.channels) : nil
            return try Self.level(layer, fitted: fitted, tested: sample.labels[1], scores: probe?.scores(sample.rows[1]))
        }
    }

    /// The encoder's pyramid, finest first, then the decoder's stages, coarsest first (the caller adds
    /// the run's own scores as a last layer).
    private static func layers(_ network: EncoderDecoder) -> [(layer: String, stride: Int, channels: Int)] {
        let encoder = network.encoder.levels.map { (layer: "encoder", stride: $0.stride, channels: $0.channels) }
        var stride = network.encoder.deepest.stride
        let decoder = network.decoder.stages.map { stage in
            stride /= 2
            return (layer: "decoder", stride: stride, channels: stage.norm.weight.count)
        }
        return encoder + decoder
    }

    /// Adds the case's slices that show the anomaly to `part`; returns, for each, every layer's cell
    /// count in `part` before it (where a one-case probe may be cut).
    private func collect(_ item: EvaluationVolume, part: Int, model: MapModel,
                         layers: [(layer: String, stride: Int, channels: Int)], size: Int, axis: Int,
                         into samples: inout [Samples]) -> [[Int]] {
        let depth = item.image.dims[axis]
        var starts: [[Int]] = []
        for index in 0..<depth {
            let maskSlice = Slicing.slice(item.mask, axis: axis, index: index)
            guard maskSlice.voxels.contains(where: { $0 > 0.5 }) else { continue }
            starts.append(samples.map { $0.labels[part].count })
            let mask = SliceGeometry.resampled(maskSlice, size, nearest: true)
            let brain = SliceGeometry.resampled(Slicing.slice(item.brain, axis: axis, index: index), size, nearest: true)
            let input = Tensor(shape: [1, 1, size, size],
                               values: SliceGeometry.resampled(Slicing.slice(item.image, axis: axis, index: index), size, nearest: false))
            let position = depth > 1 ? Float(index) / Float(depth - 1) : 0.5
            let maps: [[Float]] = withNoGrad {
                let features = model.net.encoder.features(input)
                return features.map(\.tensor.values) + model.net.decoder.stageOutputs(features).map(\.values)
                    + [model.score(input, positions: [position]).maps]
            }
            // Encoder and decoder levels share strides: each stride's cells are labelled once.
            let cellsByStride = Dictionary(uniqueKeysWithValues: Set(layers.map(\.stride)).map { stride in
                (stride, ProbeCells.labels(mask: mask, brain: brain, size: size, stride: stride))
            })
            for (l, values) in maps.enumerated() {
                let grid = size / layers[l].stride
                for (cell, label) in cellsByStride[layers[l].stride]!.enumerated() {
                    guard let label else { continue }
                    samples[l].labels[part].append(label)
                    for k in 0..<layers[l].channels { samples[l].rows[part].append(values[k * grid * grid + cell]) }
                }
            }
        }
        return starts
    }

    private static func level(_ layer: (layer: String, stride: Int, channels: Int), fitted: [Bool], tested: [Bool],
                              scores: [Double]?) throws -> ProbeLevel {
        let counts = try scores.flatMap { tested.contains(true) && tested.contains(false) ? try RankedCounts(scores: $0, labels: tested) : nil }
        return ProbeLevel(layer: layer.layer, stride: layer.stride, channels: layer.channels,
                          fitCells: fitted.count, fitAnomalous: fitted.filter { $0 }.count,
                          testCells: tested.count, testAnomalous: tested.filter { $0 }.count,
                          ap: counts?.averagePrecision.number, auroc: counts?.auroc.number)
    }
}

/// A slice's cells at one stride, row-major: true anomalous (at least half the cell), false normal (none
/// of it), nil left out (partly anomalous, or less than half brain).
package enum ProbeCells {
    package static func labels(mask: [Float], brain: [Float], size: Int, stride: Int) -> [Bool?] {
        let grid = size / stride, area = stride * stride
        return (0..<(grid * grid)).map { cell in
            let top = (cell / grid) * stride, left = (cell % grid) * stride
            var anomalous = 0, inBrain = 0
            for y in top..<(top + stride) {
                for x in left..<(left + stride) {
                    if mask[x + size * y] > 0.5 { anomalous += 1 }
                    if brain[x + size * y] > 0.5 { inBrain += 1 }
                }
            }
            guard 2 * inBrain >= area else { return nil }
            if anomalous == 0 { return false }
            return 2 * anomalous >= area ? true : nil
        }
    }
}
