import MedadTensor

/// Neighbourhood attention as in NAT ("Neighborhood Attention Transformer", Hassani et al., CVPR 2023):
/// each query attends to the window×window keys around it, the window shifted inward at the grid's
/// borders so that every query sees the same number of keys. Written as an additive mask on full
/// attention's scores: at the zoo's 8×8 and 16×16 token grids (64², 128²) the wasted products are
/// cheaper than a gather.
public enum NeighbourhoodMask {
    /// The keys each query sees along one axis: a side no longer than `window` is seen whole.
    static func extent(side: Int, window: Int) -> Int { min(window, side) }

    /// The keys each query sees over the whole grid.
    public static func keys(grid: [Int], window: Int) -> Int {
        grid.map { extent(side: $0, window: window) }.reduce(1, *)
    }

    /// [L, L] for the grid's L tokens in raster order (outermost axis first): 0 where the key lies in
    /// the query's window, −∞ elsewhere.
    public static func table(grid: [Int], window: Int) -> Tensor {
        precondition(window >= 1 && !grid.isEmpty, "neighbourhood attention needs a window ≥ 1 over a grid")
        let count = grid.reduce(1, *)
        let coordinates = (0..<count).map { position -> [Int] in
            var rest = position
            return grid.reversed().map { side -> Int in
                defer { rest /= side }
                return rest % side
            }.reversed()
        }
        // The first key coordinate of each query coordinate's window, per axis.
        let starts = grid.map { side in
            (0..<side).map { min(max($0 - window / 2, 0), side - extent(side: side, window: window)) }
        }
        var values = [Float](repeating: -.infinity, count: count * count)
        for query in 0..<count {
            for key in 0..<count {
                let inside = grid.indices.allSatisfy { axis in
                    let start = starts[axis][coordinates[query][axis]]
                    return (start..<(start + extent(side: grid[axis], window: window))).contains(coordinates[key][axis])
                }
                if inside { values[query * count + key] = 0 }
            }
        }
        return Tensor(shape: [count, count], values: values)
    }
}
