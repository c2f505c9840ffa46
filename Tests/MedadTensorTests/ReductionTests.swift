import Foundation
import MedadTensor
import Testing

@Suite struct ReductionTests {
    static let shape = [3, 4, 5]
    static let axisCases: [([Int]?, Bool)] = [
        (nil, false), (nil, true), ([1], false), ([1], true), ([0, 2], false), ([-1, 0], true), ([-2], false),
    ]

    static func resolved(_ axes: [Int]?) -> Set<Int> {
        Set((axes ?? [0, 1, 2]).map { $0 < 0 ? $0 + shape.count : $0 })
    }

    @Test(arguments: axisCases)
    func sumMeanAndMaxGradients(axes: [Int]?, keepDims: Bool) {
        let x = randomTensor(Self.shape, seed: 30)
        let set = Self.resolved(axes)
        let expectedShape = keepDims ? Self.shape.indices.map { set.contains($0) ? 1 : Self.shape[$0] }
                                     : Self.shape.indices.filter { !set.contains($0) }.map { Self.shape[$0] }
        #expect(x.sum(axes: axes, keepDims: keepDims).shape == expectedShape)
        checkGradients("sum \(String(describing: axes))", inputs: [x], op: { $0[0].sum(axes: axes, keepDims: keepDims) }) {
            referenceReduce($0[0], shape: Self.shape, axes: set) { $0.reduce(0, +) }
        }
        checkGradients("mean \(String(describing: axes))", inputs: [x], op: { $0[0].mean(axes: axes, keepDims: keepDims) }) {
            referenceReduce($0[0], shape: Self.shape, axes: set) { $0.reduce(0, +) / Double($0.count) }
        }
        // Random values have no ties, so the maximum is differentiable at the test point.
        checkGradients("max \(String(describing: axes))", inputs: [x], op: { $0[0].max(axes: axes, keepDims: keepDims) }) {
            referenceReduce($0[0], shape: Self.shape, axes: set) { $0.max()! }
        }
    }

    @Test func maxTiesSendTheGradientToTheFirst() {
        let x = Tensor(shape: [2, 3], values: [1, 3, 3, 5, 5, 2]); x.requiresGrad = true
        let m = x.max(axes: [1])
        #expect(m.values == [3, 5])
        m.sum().backward()
        #expect(x.grad?.values == [0, 1, 0, 1, 0, 0])
        let y = Tensor(shape: [2, 2], values: [7, 1, 7, 7]); y.requiresGrad = true
        y.max(axes: [0]).sum().backward()
        #expect(y.grad?.values == [1, 0, 0, 1])
    }

    @Test func longSumsAreAccurateAndThreadIndependent() {
        // 2M values of 0.1: a float running sum drifts by ~1%; the double accumulation does not.
        let n = 1 << 21
        let x = Tensor(shape: [n], repeating: 0.1)
        #expect(Swift.abs(x.sum().item() - Float(n) * 0.1) < 1)
        let wide = randomTensor([64, 4096], seed: 31)
        let columns = wide.sum(axes: [0]).values, rows = wide.sum(axes: [1]).values
        let v = wide.values
        let expectedColumns = (0..<4096).map { j in (0..<64).reduce(0.0) { $0 + Double(v[$1 * 4096 + j]) } }
        let expectedRows = (0..<64).map { i in (0..<4096).reduce(0.0) { $0 + Double(v[i * 4096 + $1]) } }
        #expect(zip(columns, expectedColumns).allSatisfy { Swift.abs(Double($0) - $1) < 1e-4 })
        #expect(zip(rows, expectedRows).allSatisfy { Swift.abs(Double($0) - $1) < 1e-4 })
        let before = ComputeRuntime.threads
        ComputeRuntime.setThreads(1)
        let serial = (wide.sum().item(), wide.sum(axes: [0]).values)
        ComputeRuntime.setThreads(2)
        let parallel = (wide.sum().item(), wide.sum(axes: [0]).values)
        ComputeRuntime.setThreads(before)
        #expect(serial.0 == parallel.0 && serial.1 == parallel.1)
    }
}

@Suite struct SoftmaxTests {
    static func referenceSoftmax(_ x: [Double], shape: [Int], axis: Int, log: Bool) -> [Double] {
        let strides = (0..<shape.count).map { shape[($0 + 1)...].reduce(1, *) }
        return x.indices.map { flat in
            let index = referenceIndex(flat, shape: shape)
            let row = (0..<shape[axis]).map { k in x[flat + (k - index[axis]) * strides[axis]] }
            let m = row.max()!
            let total = row.reduce(0) { $0 + Foundation.exp($1 - m) }
            return log ? x[flat] - m - Foundation.log(total) : Foundation.exp(x[flat] - m) / total
        }
    }

    @Test(arguments: [(-1, false), (-1, true), (1, false), (1, true), (0, true)])
    func gradients(axis: Int, log: Bool) {
        let shape = [3, 4, 5]
        let x = randomTensor(shape, seed: 40, low: -3, high: 3)
        let resolved = axis < 0 ? axis + shape.count : axis
        checkGradients("softmax axis \(axis) log \(log)", inputs: [x],
                       op: { log ? logSoftmax($0[0], axis: axis) : softmax($0[0], axis: axis) }) {
            Self.referenceSoftmax($0[0], shape: shape, axis: resolved, log: log)
        }
    }

    @Test func attentionRowsAndLargeInputsStayFinite() {
        let rows = randomTensor([130, 256], seed: 41, low: -20, high: 20)
        let p = softmax(rows, axis: -1).values
        for r in 0..<130 { #expect(Swift.abs(p[(r * 256)..<((r + 1) * 256)].reduce(0, +) - 1) < 1e-5) }
        let large = Tensor(shape: [1, 3], values: [1000, 1001, 1002])
        let shifted = Tensor(shape: [1, 3], values: [0, 1, 2])
        let a = softmax(large, axis: 1).values, b = softmax(shifted, axis: 1).values
        #expect(zip(a, b).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
        #expect(logSoftmax(Tensor(shape: [2], values: [-1000, 1000]), axis: 0).values == [-2000, 0])
    }
}
