import Foundation
import MedadNN
import MedadSupport
import MedadTensor

/// `medad zoo run`: one forward (and optionally backward) pass of encoder + decoder on tensors read
/// from safetensors files, written back as safetensors — the port check against PyTorch.
public enum ZooRun {
    public struct Summary {
        public let outputShape: [Int]
        /// Mean squared error between y and x, when gradients were asked for.
        public let loss: Float?
    }

    /// Loads `weights` by name (missing, unexpected and mis-shaped tensors are one error), runs the
    /// model on tensor `x` [B, 1, H, W] (3D: [B, 1, D, H, W]) of `input`, and writes `y`; with `gradients`, also `loss`
    /// (shape [1]) and `grad.<parameter name>` for every parameter.
    public static func run(backbone: Backbone, options: BackboneOptions? = nil, weights: URL, input: URL,
                           output: URL, gradients: Bool) throws -> Summary {
        let options = options ?? backbone.defaults
        try backbone.check(options)
        var rng = SeededRandom(seed: 0)
        let model = EncoderDecoder(backbone: backbone, options: options, rng: &rng)
        try model.load(from: weights)
        let x = try readImages(input, dims: backbone.dims, multiple: model.encoder.inputMultiple)
        if !gradients {
            let y = withNoGrad { model(x) }
            try SafeTensors.write(SafeTensors.Content(tensors: ["y": y]), to: output)
            return Summary(outputShape: y.shape, loss: nil)
        }
        let y = model(x)
        let loss = mseLoss(y, x)
        loss.backward()
        var tensors = ["y": y.detached(), "loss": Tensor(shape: [1], values: [loss.item()])]
        for (name, parameter) in model.namedParameters() {
            tensors["grad." + name] = parameter.grad ?? Tensor(shape: parameter.shape, repeating: 0)
        }
        try SafeTensors.write(SafeTensors.Content(tensors: tensors), to: output)
        return Summary(outputShape: y.shape, loss: loss.item())
    }

    /// Tensor `x` of a safetensors file, checked to be images (volumes) the encoders accept.
    static func readImages(_ url: URL, dims: Int, multiple: Int) throws -> Tensor {
        let content = try SafeTensors.read(url)
        guard let x = content.tensors["x"] else {
            throw MedadError("\(url.path): no tensor named \"x\" (found: \(content.tensors.keys.sorted().joined(separator: ", ")))")
        }
        guard x.rank == dims + 2, x.shape[1] == 1, x.shape[2...].allSatisfy({ $0 > 0 && $0 % multiple == 0 }) else {
            let layout = dims == 3 ? "[B, 1, D, H, W] with D, H and W" : "[B, 1, H, W] with H and W"
            throw MedadError("\(url.path): x has shape \(x.shape); expected \(layout) multiples of \(multiple)")
        }
        return x
    }
}
