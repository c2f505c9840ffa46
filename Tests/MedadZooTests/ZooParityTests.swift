import Foundation
import MedadNN
import MedadSupport
import MedadTensor
import MedadZoo
import Testing

/// medad's zoo against the PyTorch twin (shared/bench/torch_twins.py), through fixtures made by
/// Fixtures/make_twin_parity.py: same formula weights and input, so the outputs, loss and gradients
/// must agree to float32 accuracy.
@Suite struct ZooParityTests {
    struct Fixture {
        let order: [String]
        let loss: Double
        let y: [Double]
        let grads: [String: [String: Any]]
        let batch: Int, size: Int

        init(_ backbone: String) throws {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures/twin_parity_\(backbone).json")
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
            order = object["parameter_order"] as! [String]
            loss = object["loss"] as! Double
            y = object["y"] as! [Double]
            grads = object["grads"] as! [String: [String: Any]]
            batch = object["batch"] as! Int
            size = object["size"] as! Int
        }
    }

    /// The weight formula of make_twin_parity.py.
    static func formulaValue(_ name: String, _ shape: [Int], _ i: Int, _ k: Int) -> Float {
        let wave = sin(1.7 * Double(i) + 0.3 * Double(k))
        if name.hasSuffix("A_log") { return Float(log(Double(1 + i % shape.last!)) + 0.05 * wave) }
        if name.hasSuffix(".D") || (name.hasSuffix(".weight") && shape.count == 1) { return Float(1 + 0.05 * wave) }
        if shape.count == 1 { return Float(0.05 * wave) }
        return Float(wave / Double(shape.dropFirst().reduce(1, *)).squareRoot())
    }

    @Test(arguments: Backbone.allCases)
    func matchesTheTwin(backbone: Backbone) throws {
        let fixture = try Fixture(backbone.rawValue)
        var rng = SeededRandom(seed: 1)
        let model = EncoderDecoder(backbone: backbone, rng: &rng)
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters())
        #expect(Set(parameters.keys) == Set(fixture.order), "parameter names differ from the twin")
        var weights: [String: Tensor] = [:]
        for (k, name) in fixture.order.enumerated() {
            guard let shape = parameters[name]?.shape else { continue }
            weights[name] = Tensor(shape: shape, values: (0..<Shape.count(shape)).map { Self.formulaValue(name, shape, $0, k) })
        }
        try model.load(parameters: weights)
        let count = fixture.batch * fixture.size * fixture.size
        let x = Tensor(shape: [fixture.batch, 1, fixture.size, fixture.size],
                       values: (0..<count).map { Float(sin(0.37 * Double($0)) + 0.5 * cos(0.11 * Double($0))) })

        let y = model(x)
        let loss = mseLoss(y, x)
        loss.backward()

        let worstY = zip(y.values, fixture.y).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(worstY < 2e-4, "\(backbone.rawValue): output differs from the twin by \(worstY)")
        #expect(abs(Double(loss.item()) - fixture.loss) < 1e-5 * (1 + fixture.loss))
        for name in fixture.order {
            guard let expected = fixture.grads[name], let gradient = parameters[name]?.grad?.values.map(Double.init) else {
                Issue.record("\(backbone.rawValue): no gradient for \(name)")
                continue
            }
            let sum = expected["sum"] as! Double, squares = expected["sum_squares"] as! Double
            let scale = squares.squareRoot()
            #expect(abs(gradient.reduce(0, +) - sum) <= 1e-3 * scale + 1e-7, "\(name): gradient sum")
            #expect(abs(gradient.reduce(0) { $0 + $1 * $1 } - squares) <= 2e-3 * squares + 1e-12, "\(name): gradient norm")
            let positions = expected["positions"] as! [Int], values = expected["values"] as! [Double]
            let worst = zip(positions, values).map { abs(gradient[$0] - $1) }.max() ?? 0
            #expect(worst <= 1e-3 * scale + 1e-7, "\(name): sampled gradient entries off by \(worst)")
        }
    }
}
