import MedadTensor
import Testing

@Suite struct AutogradTests {
    @Test func gradientsAccumulateAcrossBackwardCalls() {
        let a = Tensor(shape: [1, 2], values: [1, 2]); a.requiresGrad = true
        let b = Tensor(shape: [2, 1], values: [3, 4])
        matmul(a, b).backward()
        #expect(a.grad?.values == [3, 4])
        matmul(a, b).backward()
        #expect(a.grad?.values == [6, 8])
        a.zeroGrad()
        #expect(a.grad == nil)
    }

    @Test func sharedInputGetsTheSumOfBothPaths() {
        // y = (a·a) with a used as both operands: dy/da = aᵀ-path + a-path.
        let a = Tensor(shape: [2, 2], values: [1, 2, 3, 4]); a.requiresGrad = true
        matmul(a, a).backward()
        // d/dA Σ(AA) = 1·Aᵀ + Aᵀ·1 : row sums of Aᵀ plus column sums of Aᵀ.
        #expect(a.grad?.values == [7, 11, 9, 13])
    }

    @Test func noGradRecordsNothingAndDetachCutsTheGraph() {
        let w = Tensor(shape: [2, 2], values: [1, 0, 0, 1]); w.requiresGrad = true
        let x = Tensor(shape: [2, 2], values: [1, 2, 3, 4])
        let inference = withNoGrad { matmul(x, w) }
        #expect(!inference.requiresGrad)
        let cut = matmul(x, w).detached()
        #expect(!cut.requiresGrad)
        #expect(cut.values == [1, 2, 3, 4])
    }
}
