import MedadTensor
import Testing

/// Nearest ×2 upsampling of [N, C, H, W] (depth nil) or [N, C, D, H, W] in double precision.
func referenceUpsample2x(_ x: [Double], planes: Int, depth: Int? = nil, h: Int, w: Int) -> [Double] {
    let (d, depthFactor) = depth.map { ($0, 2) } ?? (1, 1)
    var up: [Double] = []
    for p in 0..<planes { for z in 0..<(depthFactor * d) { for i in 0..<(2 * h) { for j in 0..<(2 * w) {
        up.append(x[((p * d + z / depthFactor) * h + i / 2) * w + j / 2])
    } } } }
    return up
}

@Suite struct UpsampledConvTests {
    /// The phase decomposition must equal upsampling then a 3×3 convolution, in values and in the
    /// gradients of both x and the weight, including the border rows and columns and odd sizes.
    @Test(arguments: [(1, 1, 1, 1, 1), (2, 3, 4, 5, 2), (1, 2, 3, 2, 4)])
    func matchesUpsampleThenConvolve(n: Int, cin: Int, h: Int, w: Int, cout: Int) {
        let x = randomTensor([n, cin, h, w], seed: 51)
        let weight = randomTensor([cout, cin, 3, 3], seed: 52)
        let upsampled = ConvCase(n: n, cin: cin, h: 2 * h, w: 2 * w, cout: cout, kh: 3, kw: 3, padding: 1, bias: false)
        checkGradients("upsampledConv x[\(n),\(cin),\(h),\(w)] → \(cout)", inputs: [x, weight],
                       op: { upsampledConv($0[0], weight: $0[1]) },
                       reference: { referenceConv2d(referenceUpsample2x($0[0], planes: n * cin, h: h, w: w), $0[1], nil, upsampled) })
    }

    /// Volumes take the sub-pixel path: its folded 2×2×2 phases must equal upsampling then a 3×3×3
    /// convolution, with odd and unequal sides so that every face of the phase blocks is crossed.
    @Test(arguments: [(1, 1, 1, 1, 1, 1), (2, 3, 2, 3, 1, 2), (1, 2, 3, 1, 2, 3)])
    func volumesMatchUpsampleThenConvolve(n: Int, cin: Int, d: Int, h: Int, w: Int, cout: Int) {
        let x = randomTensor([n, cin, d, h, w], seed: 53)
        let weight = randomTensor([cout, cin, 3, 3, 3], seed: 54)
        let upsampled = Conv3dCase(n: n, cin: cin, d: 2 * d, h: 2 * h, w: 2 * w, cout: cout, k: 3, padding: 1, bias: false)
        checkGradients("upsampledConv x[\(n),\(cin),\(d),\(h),\(w)] → \(cout)", inputs: [x, weight],
                       op: { upsampledConv($0[0], weight: $0[1]) },
                       reference: {
                           referenceConv3d(referenceUpsample2x($0[0], planes: n * cin, depth: d, h: h, w: w), $0[1], nil, upsampled)
                       })
    }

    /// The volume path against conv3d(upsampleNearest2x) in float at a decoder's width, lowered in bands.
    @Test func volumesMatchTheComposedOpsInBands() {
        let x = randomTensor([2, 16, 6, 5, 7], seed: 55), weight = randomTensor([8, 16, 3, 3, 3], seed: 56)
        let reference = conv3d(upsampleNearest2x(x), weight: weight, padding: 1)
        let fused = ConvolutionMemory.$columnBudget.withValue(4096) { upsampledConv(x, weight: weight) }
        #expect(fused.shape == [2, 8, 12, 10, 14])
        let worst = zip(fused.values, reference.values).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-4, "worst difference \(worst)")
    }

    @Test func knownValuesAndNominalCost() {
        // A 3×3 ones kernel over the upsampled [[1, 2], [3, 4]]: each output sums its neighbourhood.
        let x = Tensor(shape: [1, 1, 2, 2], values: [1, 2, 3, 4])
        let weight = Tensor(shape: [1, 1, 3, 3], repeating: 1)
        var y = Tensor(shape: [1], values: [0])
        let flops = FLOPCounter.count { y = upsampledConv(x, weight: weight) }
        #expect(y.values == [4, 8, 10, 8,
                             10, 18, 21, 16,
                             14, 24, 27, 20,
                             12, 20, 22, 16])
        // Counted as the 3×3 convolution over the 4×4 upsampled image it stands for.
        #expect(flops == 2 * 9 * 16)
        // A volume is counted as the 3×3×3 convolution over its 2×2×2 upsampling, and its ones kernel
        // at the corner sums the 2×2×2 neighbourhood of the upsampled voxel 0: 8 copies of x[0].
        let volume = Tensor(shape: [1, 1, 1, 1, 1], values: [5])
        let volumeFLOPs = FLOPCounter.count { y = upsampledConv(volume, weight: Tensor(shape: [1, 1, 3, 3, 3], repeating: 1)) }
        #expect(y.values == [Float](repeating: 40, count: 8))
        #expect(volumeFLOPs == 2 * 27 * 8)
    }
}
