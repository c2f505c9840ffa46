import Foundation
import MedadNN
import MedadSupport
import MedadTensor
import MedadZoo
import Testing

/// medad's zoo against its PyTorch twin (interop/pytorch), through fixtures the twin computed for
/// formula weights and input: outputs, loss and every gradient must agree to 1e-4 relative.
@Suite struct ZooParityTests {
    static let fixtures = ["cnn-s", "vit-s", "mamba-s", "mamba-s-cross4", "cnn-s-cond"]

    @Test(arguments: fixtures)
    func matchesTheTwin(name: String) throws {
        let fixture = try TwinFixtures.json("twin_parity_\(name)")
        let model = try TwinFixtures.model(fixture)
        let (batch, size) = (fixture["batch"] as! Int, fixture["size"] as! Int)
        let count = batch * size * size
        let x = Tensor(shape: [batch, 1, size, size],
                       values: (0..<count).map { Float(sin(0.37 * Double($0)) + 0.5 * cos(0.11 * Double($0))) })
        let conditioningSize = fixture["cond_dim"] as? Int ?? 0
        let conditioning = conditioningSize == 0 ? nil : Tensor(
            shape: [batch, conditioningSize],
            values: (0..<(batch * conditioningSize)).map { Float(cos(0.5 * Double($0))) })

        let y = model(x, conditioning: conditioning)
        let loss = mseLoss(y, x)
        loss.backward()

        let expectedY = fixture["y"] as! [Double]
        let yScale = (expectedY.map { $0 * $0 }.reduce(0, +) / Double(expectedY.count)).squareRoot()
        let worstY = zip(y.values, expectedY).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(worstY <= 1e-4 * yScale, "\(name): output differs from the twin by \(worstY) (rms \(yScale))")
        let expectedLoss = fixture["loss"] as! Double
        #expect(abs(Double(loss.item()) - expectedLoss) <= 1e-5 * expectedLoss)
        let grads = fixture["grads"] as! [String: [String: Any]]
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters())
        for name in fixture["parameter_order"] as! [String] {
            guard let expected = grads[name], let gradient = parameters[name]?.grad?.values.map(Double.init) else {
                Issue.record("\(name): no gradient")
                continue
            }
            let sum = expected["sum"] as! Double, squares = expected["sum_squares"] as! Double
            // Relative to the gradient's own size: entries, sums and norms within 1e-4 of it.
            let scale = squares.squareRoot()
            #expect(abs(gradient.reduce(0, +) - sum) <= 1e-4 * scale * Double(gradient.count).squareRoot() + 1e-9,
                    "\(name): gradient sum")
            #expect(abs(gradient.reduce(0) { $0 + $1 * $1 } - squares) <= 2e-4 * squares + 1e-14, "\(name): gradient norm")
            let positions = expected["positions"] as! [Int], values = expected["values"] as! [Double]
            let worst = zip(positions, values).map { abs(gradient[$0] - $1) }.max() ?? 0
            #expect(worst <= 1e-4 * scale + 1e-9, "\(name): sampled gradient entries off by \(worst) (norm \(scale))")
        }
    }
}
