/// Plain double-precision helpers for the references of the elementwise-op tests.

/// Row-major multi-index of a flat position.
func referenceIndex(_ flat: Int, shape: [Int]) -> [Int] {
    var rest = flat
    var index = [Int](repeating: 0, count: shape.count)
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        index[axis] = rest % shape[axis]
        rest /= shape[axis]
    }
    return index
}

func referenceFlat(_ index: [Int], shape: [Int]) -> Int {
    zip(index, shape).reduce(0) { $0 * $1.1 + $1.0 }
}

/// NumPy broadcasting of two shapes, computed independently of `Shape.broadcast`.
func referenceBroadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let rank = max(a.count, b.count)
    let pa = Array(repeating: 1, count: rank - a.count) + a
    let pb = Array(repeating: 1, count: rank - b.count) + b
    return zip(pa, pb).map { max($0, $1) }
}

/// f applied elementwise to a and b broadcast together.
func referenceBroadcast(_ a: [Double], _ aShape: [Int], _ b: [Double], _ bShape: [Int],
                        _ f: (Double, Double) -> Double) -> [Double] {
    let out = referenceBroadcastShape(aShape, bShape)
    func value(_ x: [Double], _ shape: [Int], _ index: [Int]) -> Double {
        let own = Array(index.suffix(shape.count))
        return x[referenceFlat(zip(own, shape).map { $1 == 1 ? 0 : $0 }, shape: shape)]
    }
    return (0..<out.reduce(1, *)).map { flat in
        let index = referenceIndex(flat, shape: out)
        return f(value(a, aShape, index), value(b, bShape, index))
    }
}

/// Values of x (shape `shape`) combined over `axes` by `combine`, in row-major order of the kept axes.
func referenceReduce(_ x: [Double], shape: [Int], axes: Set<Int>, _ combine: ([Double]) -> Double) -> [Double] {
    let kept = shape.indices.filter { !axes.contains($0) }
    let keptShape = kept.map { shape[$0] }
    var groups = [[Double]](repeating: [], count: keptShape.reduce(1, *))
    for flat in x.indices {
        let index = referenceIndex(flat, shape: shape)
        groups[referenceFlat(kept.map { index[$0] }, shape: keptShape)].append(x[flat])
    }
    return groups.map(combine)
}

/// Row-major gather: output element at `index` of shape `outShape` reads x at source(index).
func referenceGather(_ x: [Double], shape: [Int], outShape: [Int], source: ([Int]) -> [Int]?, fill: Double = 0) -> [Double] {
    (0..<outShape.reduce(1, *)).map { flat in
        source(referenceIndex(flat, shape: outShape)).map { x[referenceFlat($0, shape: shape)] } ?? fill
    }
}
