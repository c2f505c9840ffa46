import Foundation
import MedadNN
import MedadSupport
import MedadTensor

/// A PNG strip of one example test slice: the image, the anomaly map over it (red, opacity = map),
/// and the ground-truth mask over it (green). Small slices are enlarged by pixel repetition.
enum AnomalyOverlay {
    /// Reads the first example case (by name) of a run's examples.safetensors; nil when absent.
    static func png(examples url: URL) throws -> (caseName: String, png: Data)? {
        guard let (name, tensors) = try shownCase(url),
              let image = tensors["image.\(name)"], let map = tensors["map.\(name)"] else { return nil }
        guard image.rank == 2, map.shape == image.shape else {
            throw MedadError("\(url.path): image.\(name) and map.\(name): expected equal [H, W] shapes, got \(image.shape) and \(map.shape)")
        }
        let mask = tensors["mask.\(name)"].flatMap { $0.shape == image.shape ? $0.values : nil }
        return (name, strip(image: image.values, map: map.values, mask: mask, height: image.shape[0], width: image.shape[1]))
    }

    /// The case `png` shows and its tensors, under their names in the file; nil when there is none.
    static func shownCase(_ url: URL) throws -> (name: String, tensors: [String: Tensor])? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let tensors = try SafeTensors.read(url).tensors
        let names = tensors.keys.filter { $0.hasPrefix("image.") }.map { String($0.dropFirst("image.".count)) }.sorted()
        guard let name = names.first else { return nil }
        return (name, tensors.filter { ["image.\(name)", "map.\(name)", "mask.\(name)"].contains($0.key) })
    }

    static func strip(image: [Float], map: [Float], mask: [Float]?, height: Int, width: Int) -> Data {
        let scale = Swift.max(1, 128 / Swift.max(width, 1))
        let gap = 4, panelWidth = width * scale, panelHeight = height * scale
        let stripWidth = 3 * panelWidth + 2 * gap
        var pixels = [UInt8](repeating: 255, count: stripWidth * panelHeight * 3)
        let low = image.min() ?? 0, high = image.max() ?? 1
        let span = high > low ? high - low : 1
        for y in 0..<panelHeight {
            for x in 0..<panelWidth {
                let source = (y / scale) * width + x / scale
                let grey = Double((image[source] - low) / span)
                let heat = Double(Swift.min(Swift.max(map[source], 0), 1))
                let truth = (mask?[source] ?? 0) > 0.5 ? 0.6 : 0
                let panels: [(Double, Double, Double)] = [
                    (grey, grey, grey),
                    (grey * (1 - heat) + heat, grey * (1 - heat), grey * (1 - heat)),
                    (grey * (1 - truth), grey * (1 - truth) + truth, grey * (1 - truth)),
                ]
                for (k, colour) in panels.enumerated() {
                    let offset = (y * stripWidth + k * (panelWidth + gap) + x) * 3
                    pixels[offset] = byte(colour.0)
                    pixels[offset + 1] = byte(colour.1)
                    pixels[offset + 2] = byte(colour.2)
                }
            }
        }
        return PNGEncoder.rgb(width: stripWidth, height: panelHeight, pixels: pixels)
    }

    /// A NaN in a broken map shows black instead of trapping the conversion.
    private static func byte(_ value: Double) -> UInt8 {
        value.isFinite ? UInt8((Swift.min(Swift.max(value, 0), 1) * 255).rounded()) : 0
    }
}
