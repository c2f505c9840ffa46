import Testing
import MedadMetrics
import MedadSupport

/// Flood fill with every neighbour within one step on each axis: the reference labelling.
func floodFillCount(_ mask: [UInt8], _ dims: [Int]) -> (count: Int, sameComponent: (Int, Int) -> Bool) {
    var component = [Int](repeating: 0, count: mask.count), count = 0
    for seed in mask.indices where mask[seed] != 0 && component[seed] == 0 {
        count += 1
        component[seed] = count
        var stack = [seed]
        while let i = stack.popLast() {
            let x = i % dims[0], y = (i / dims[0]) % dims[1], z = i / (dims[0] * dims[1])
            for dz in -1...1 { for dy in -1...1 { for dx in -1...1 {
                let (xx, yy, zz) = (x + dx, y + dy, z + dz)
                guard xx >= 0, xx < dims[0], yy >= 0, yy < dims[1], zz >= 0, zz < dims[2] else { continue }
                let j = xx + dims[0] * (yy + dims[1] * zz)
                if mask[j] != 0 && component[j] == 0 { component[j] = count; stack.append(j) }
            } } }
        }
    }
    return (count, { component[$0] == component[$1] })
}

@Suite struct LesionTests {
    @Test func diagonalNeighboursConnect() throws {
        // 2D: the diagonal pair joins (8-connectivity); the far voxel stays apart.
        let slice = try ConnectedComponents(mask: [1, 0, 0, 0,
                                                   0, 1, 0, 1], dims: [4, 2, 1])
        #expect(slice.count == 2 && slice.labels == [1, 0, 0, 0, 0, 1, 0, 2] && slice.sizes == [5, 2, 1])
        // 3D: corners (1,1,1) apart still touch (26-connectivity).
        var cube = [UInt8](repeating: 0, count: 8)
        cube[0] = 1; cube[7] = 1
        #expect(try ConnectedComponents(mask: cube, dims: [2, 2, 2]).count == 1)
    }

    @Test func matchesFloodFillOnRandomMasks() throws {
        var random = SeededRandom(seed: 3)
        let dims = [13, 11, 7]
        for density in [0.1, 0.3, 0.5] {
            let mask = (0..<dims.reduce(1, *)).map { _ in UInt8(random.nextDouble() < density ? 1 : 0) }
            let labelled = try ConnectedComponents(mask: mask, dims: dims)
            let reference = floodFillCount(mask, dims)
            #expect(labelled.count == reference.count)
            let foreground = mask.indices.filter { mask[$0] != 0 }
            for (a, b) in zip(foreground, foreground.dropFirst()) {
                #expect((labelled.labels[a] == labelled.labels[b]) == reference.sameComponent(a, b))
            }
        }
    }

    /// 1D-like slice: lesion at x 1...2, a false blob at x 5, background elsewhere.
    @Test func detectionCurveByHand() throws {
        let label: [UInt8] = [0, 1, 1, 0, 0, 0, 0, 0]
        let scores: [Float] = [0.1, 0.3, 0.8, 0.1, 0.1, 0.6, 0.1, 0.1]
        let lesions = try ConnectedComponents(mask: label, dims: [8, 1, 1])
        let curve = try LesionDetectionCurve(scores: scores, lesions: lesions, dims: [8, 1, 1], thresholds: [0.05, 0.2, 0.5, 0.7, 0.9])
        #expect(curve.detected == [1, 1, 1, 1, 0])
        // 0.05: everything is one component touching the lesion; 0.2 and 0.5: the blob at x 5; above: nothing.
        #expect(curve.falsePositives == [0, 1, 1, 0, 0])
        let froc = FROC(curves: [curve, curve])
        #expect(froc.detected == [2, 2, 2, 2, 0] && froc.falsePositives == [0, 2, 2, 0, 0])
        #expect(froc.sensitivity(atFalsePositivesPerVolume: 0.5) == .value(1))
        #expect(FROC(curves: []).averageSensitivity == .undefined("no lesions"))
    }

    /// The one-pass union-find curve equals labelling {score >= t} separately at every threshold.
    @Test func detectionCurveEqualsPerThresholdLabelling() throws {
        var random = SeededRandom(seed: 9)
        let dims = [12, 10, 6], n = dims.reduce(1, *)
        let label = (0..<n).map { _ in UInt8(random.nextDouble() < 0.15 ? 1 : 0) }
        let scores = (0..<n).map { i in Float(random.nextInt(8)) / 8 + (label[i] == 1 ? 0.1 : 0) }
        let thresholds: [Float] = [0.125, 0.3, 0.5, 0.625, 0.8, 1.0]
        let lesions = try ConnectedComponents(mask: label, dims: dims)
        let curve = try LesionDetectionCurve(scores: scores, lesions: lesions, dims: dims, thresholds: thresholds)
        for (k, t) in thresholds.enumerated() {
            let predicted = try ConnectedComponents(mask: scores.map { $0 >= t ? 1 : 0 }, dims: dims)
            var touches = [Bool](repeating: false, count: predicted.count + 1)
            var hit = Set<Int32>()
            for i in 0..<n where predicted.labels[i] > 0 && lesions.labels[i] > 0 {
                touches[Int(predicted.labels[i])] = true
                hit.insert(lesions.labels[i])
            }
            #expect(curve.falsePositives[k] == touches.dropFirst().filter { !$0 }.count)
            #expect(curve.detected[k] == hit.count)
        }
    }
}
