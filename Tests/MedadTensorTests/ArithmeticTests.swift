import MedadSupport
import MedadTensor
import Testing

@Suite struct ArithmeticTests {
    static let patterns: [([Int], [Int])] = [
        ([2, 3], [2, 3]),          // same shape
        ([3, 1, 4], [2, 1]),       // both sides stretch
        ([2, 3], []),              // scalar tensor
        ([2, 3, 4], [4]),          // bias over the last axis
        ([2, 3, 2, 2], [3, 1, 1]), // per channel over NCHW
        ([1, 3], [4, 1]),          // outer product
    ]

    @Test(arguments: patterns)
    func gradientsOfEveryOperatorAndPattern(aShape: [Int], bShape: [Int]) {
        let ops: [(String, (Tensor, Tensor) -> Tensor, (Double, Double) -> Double)] = [
            ("+", { $0 + $1 }, { $0 + $1 }), ("-", { $0 - $1 }, { $0 - $1 }),
            ("*", { $0 * $1 }, { $0 * $1 }), ("/", { $0 / $1 }, { $0 / $1 }),
        ]
        for (name, op, reference) in ops {
            let a = randomTensor(aShape, seed: 11)
            // Denominators kept away from 0 so finite differences stay well conditioned.
            let b = randomTensor(bShape, seed: 12, low: 0.5, high: 2)
            checkGradients("\(aShape) \(name) \(bShape)", inputs: [a, b], op: { op($0[0], $0[1]) }) { x in
                referenceBroadcast(x[0], aShape, x[1], bShape, reference)
            }
            checkGradients("\(bShape) \(name) \(aShape)", inputs: [b, a], op: { op($0[0], $0[1]) }) { x in
                referenceBroadcast(x[0], bShape, x[1], aShape, reference)
            }
        }
    }

    @Test func floatOperandsAndNegation() {
        let a = randomTensor([2, 3], seed: 13, low: 0.5, high: 2)
        checkGradients("float mix", inputs: [a], op: { x in
            -((x[0] + 2) * 3 - 1) / 2 + (1 - x[0]) + 2 * x[0] + 4 / x[0] - x[0] / 5
        }) { x in
            x[0].map { v in -((v + 2) * 3 - 1) / 2 + (1 - v) + 2 * v + 4 / v - v / 5 }
        }
    }

    @Test func sameTensorOnBothSidesAccumulates() {
        let a = Tensor(shape: [3], values: [1, 2, 3]); a.requiresGrad = true
        (a * a).sum().backward()
        #expect(a.grad?.values == [2, 4, 6])
    }

    @Test func knownBroadcastValues() {
        let a = Tensor(shape: [2, 1], values: [10, 20])
        let b = Tensor(shape: [3], values: [1, 2, 3])
        #expect((a + b).shape == [2, 3])
        #expect((a + b).values == [11, 12, 13, 21, 22, 23])
        #expect((b - a).values == [-9, -8, -7, -19, -18, -17])
    }

    @Test func largeBroadcastMatchesSmallLoop() {
        // Past the OpenMP threshold, with a per-channel operand: every element checked.
        let (n, c, hw) = (4, 8, 4096)
        let x = randomTensor([n, c, 64, 64], seed: 14)
        let scale = randomTensor([c, 1, 1], seed: 15)
        let y = (x * scale).values, xs = x.values, s = scale.values
        var worst: Float = 0
        for i in 0..<(n * c * hw) { worst = max(worst, abs(y[i] - xs[i] * s[(i / hw) % c])) }
        #expect(worst == 0)
    }

    @Test func broadcastErrorNamesOpAndShapes() {
        #expect(throws: MedadError("add: shapes [3, 2] and [4] do not broadcast (axis 1: 2 vs 4)")) {
            try Shape.broadcast([3, 2], [4], op: "add")
        }
        #expect((try? Shape.broadcast([3, 1, 4], [2, 1], op: "add")) == [3, 2, 4])
    }
}
