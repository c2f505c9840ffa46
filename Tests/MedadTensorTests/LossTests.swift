import Foundation
import MedadTensor
import Testing

@Suite struct LossTests {
    static let shape = [2, 3, 4]

    static func reduce(_ v: [Double], _ reduction: LossReduction) -> [Double] {
        switch reduction {
        case .mean: [v.reduce(0, +) / Double(v.count)]
        case .sum: [v.reduce(0, +)]
        case .none: v
        }
    }

    static func softplus(_ v: Double) -> Double { Foundation.log1p(Foundation.exp(-Swift.abs(v))) + Swift.max(v, 0) }

    static func bce(_ x: Double, _ t: Double, posWeight: Double?) -> Double {
        (1 - t) * x + (1 + ((posWeight ?? 1) - 1) * t) * softplus(-x)
    }

    @Test(arguments: [LossReduction.mean, .sum, .none])
    func regressionLosses(reduction: LossReduction) {
        let p = randomTensor(Self.shape, seed: 70), t = randomTensor(Self.shape, seed: 71)
        checkGradients("mse", inputs: [p, t], op: { mseLoss($0[0], $0[1], reduction: reduction) }) { v in
            Self.reduce(zip(v[0], v[1]).map { ($0 - $1) * ($0 - $1) }, reduction)
        }
        checkGradients("l1", inputs: [p, t], op: { l1Loss($0[0], $0[1], reduction: reduction) }) { v in
            Self.reduce(zip(v[0], v[1]).map { Swift.abs($0 - $1) }, reduction)
        }
    }

    @Test(arguments: [nil, 3.0] as [Float?])
    func binaryCrossEntropyWithLogits(posWeight: Float?) {
        let x = randomTensor(Self.shape, seed: 72, low: -4, high: 4), t = randomTensor(Self.shape, seed: 73, low: 0, high: 1)
        checkGradients("bce pw \(String(describing: posWeight))", inputs: [x, t],
                       op: { bceWithLogitsLoss($0[0], $0[1], posWeight: posWeight) }) { v in
            Self.reduce(zip(v[0], v[1]).map { Self.bce($0, $1, posWeight: posWeight.map(Double.init)) }, .mean)
        }
    }

    @Test func bceStaysFiniteAtExtremeLogits() {
        let x = Tensor(shape: [4], values: [100, -100, 100, -100])
        let t = Tensor(shape: [4], values: [0, 1, 1, 0])
        let loss = bceWithLogitsLoss(x, t, reduction: .none).values
        #expect(loss[0] == 100 && loss[1] == 100)
        #expect(loss[2] >= 0 && loss[2] < 1e-30 && loss[3] >= 0 && loss[3] < 1e-30)
        #expect(bceWithLogitsLoss(x, t, posWeight: 2, reduction: .none).values[1] == 200)
    }

    @Test(arguments: [LossReduction.mean, .sum, .none])
    func crossEntropy(reduction: LossReduction) {
        let (n, c) = (4, 5)
        let targets = [0, 4, 2, 2]
        let logits = randomTensor([n, c], seed: 74, low: -3, high: 3)
        checkGradients("cross entropy", inputs: [logits], op: { crossEntropyLoss($0[0], targets: targets, reduction: reduction) }) { v in
            Self.reduce((0..<n).map { row in
                let z = Array(v[0][(row * c)..<((row + 1) * c)])
                return Foundation.log(z.reduce(0) { $0 + Foundation.exp($1) }) - z[targets[row]]
            }, reduction)
        }
        let uniform = Tensor(shape: [2, 7], repeating: 3)
        #expect(Swift.abs(crossEntropyLoss(uniform, targets: [1, 6]).item() - Float(Foundation.log(7.0))) < 1e-6)
    }

    @Test func focal() {
        let x = randomTensor(Self.shape, seed: 75, low: -4, high: 4), t = randomTensor(Self.shape, seed: 76, low: 0, high: 1)
        checkGradients("focal", inputs: [x, t], op: { focalLoss($0[0], $0[1], gamma: 2, alpha: 0.25) }) { v in
            // torchvision.ops.sigmoid_focal_loss, written out.
            Self.reduce(zip(v[0], v[1]).map { x, t in
                let p = 1 / (1 + Foundation.exp(-x))
                let pT = p * t + (1 - p) * (1 - t)
                return (0.25 * t + 0.75 * (1 - t)) * Self.bce(x, t, posWeight: nil) * (1 - pT) * (1 - pT)
            }, .mean)
        }
        // gamma 0 and no alpha weighting is plain BCE.
        let plain = focalLoss(x, t, gamma: 0, alpha: -1).item(), bce = bceWithLogitsLoss(x, t).item()
        #expect(Swift.abs(plain - bce) < 1e-6)
    }

    @Test func softDice() {
        let p = randomTensor(Self.shape, seed: 77, low: 0, high: 1), t = randomTensor(Self.shape, seed: 78, low: 0, high: 1)
        let eps = 1e-5
        checkGradients("soft dice", inputs: [p, t], op: { softDiceLoss($0[0], $0[1]) }) { v in
            let per = 12
            return Self.reduce((0..<2).map { s in
                let ps = v[0][(s * per)..<((s + 1) * per)], ts = v[1][(s * per)..<((s + 1) * per)]
                let overlap = zip(ps, ts).reduce(0) { $0 + $1.0 * $1.1 }
                return 1 - (2 * overlap + eps) / (ps.reduce(0, +) + ts.reduce(0, +) + eps)
            }, .mean)
        }
        let mask = Tensor(shape: [2, 4], values: [1, 0, 1, 0, 0, 0, 0, 0])
        #expect(softDiceLoss(mask, mask, reduction: .none).values == [0, 0])
        #expect(Swift.abs(softDiceLoss(mask, 1 - mask, reduction: .none).values[0] - 1) < 1e-5)
    }
}
