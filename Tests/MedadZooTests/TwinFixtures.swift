import Foundation
import MedadNN
import MedadSupport
import MedadTensor
import MedadZoo

/// What the fixtures of interop/pytorch (`python3 -m medad_twins fixtures`) and these tests share:
/// closed formulas for weights, inputs and batches, so that no weights are stored.
enum TwinFixtures {
    static func json(_ name: String) throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name).json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    /// The weight formula: parameter `name` of `shape`, entry i, k its index in the fixture's order.
    static func formulaValue(_ name: String, _ shape: [Int], _ i: Int, _ k: Int) -> Float {
        let wave = sin(1.7 * Double(i) + 0.3 * Double(k))
        if name.hasSuffix("A_log") { return Float(log(Double(1 + i % shape.last!)) + 0.05 * wave) }
        if name.hasSuffix(".D") || (name.hasSuffix(".weight") && shape.count == 1) { return Float(1 + 0.05 * wave) }
        if shape.count == 1 { return Float(0.05 * wave) }
        return Float(wave / Double(shape.dropFirst().reduce(1, *)).squareRoot())
    }

    /// The network of a fixture (keys backbone, scan, cond_dim) with formula weights, after checking
    /// that its parameter names are the twin's.
    static func model(_ fixture: [String: Any]) throws -> EncoderDecoder {
        let scan = MambaScan(rawValue: fixture["scan"] as? String ?? "bi")!
        var rng = SeededRandom(seed: 1)
        let model = EncoderDecoder(backbone: try Backbone(named: fixture["backbone"] as! String),
                                   options: BackboneOptions(mambaScan: scan), conditioning: fixture["cond_dim"] as? Int ?? 0,
                                   rng: &rng)
        let order = fixture["parameter_order"] as! [String]
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters())
        guard Set(parameters.keys) == Set(order) else {
            throw MedadError("parameter names differ from the twin: only medad "
                             + "\(Set(parameters.keys).subtracting(order).sorted().prefix(4)), only the twin \(Set(order).subtracting(parameters.keys).sorted().prefix(4))")
        }
        var weights: [String: Tensor] = [:]
        for (k, name) in order.enumerated() {
            let shape = parameters[name]!.shape
            weights[name] = Tensor(shape: shape, values: (0..<Shape.count(shape)).map { formulaValue(name, shape, $0, k) })
        }
        try model.load(parameters: weights)
        return model
    }
}
