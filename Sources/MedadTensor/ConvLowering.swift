import CKernels

/// Where backward reads the output gradient and writes the input gradients (nil: not needed).
struct ConvGradients {
    let dy: UnsafeMutablePointer<Float>
    let dx: UnsafeMutablePointer<Float>?
    let dw: UnsafeMutablePointer<Float>?
}

func pointwiseForward(_ g: ConvGeometry, x: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                      bias: UnsafeMutablePointer<Float>?, out: UnsafeMutablePointer<Float>) {
    for i in 0..<g.n {
        let y = out + i * g.cout * g.pixels
        fillBias(bias, into: y, g)
        gemm(batch: g.groups, m: g.coutPerGroup, n: g.pixels, k: g.cinPerGroup,
             a: weight, transposeA: false, strideA: g.coutPerGroup * g.cinPerGroup,
             b: x + i * g.cin * g.pixels, transposeB: false, strideB: g.cinPerGroup * g.pixels, c: y,
             accumulate: bias != nil)
    }
}

/// Writes bias[c] over channel c of one [Cout, P] image, for a GEMM to accumulate onto: cheaper than
/// the zeroing pass OpenBLAS makes for a fresh product plus a bias pass after it.
private func fillBias(_ bias: UnsafeMutablePointer<Float>?, into y: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    guard let bias else { return }
    for c in 0..<g.cout { (y + c * g.pixels).update(repeating: bias[c], count: g.pixels) }
}

func pointwiseBackward(_ g: ConvGeometry, x: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                       _ d: ConvGradients) {
    for i in 0..<g.n {
        let dyi = d.dy + i * g.cout * g.pixels, xi = x + i * g.cin * g.pixels
        if let dx = d.dx {
            gemm(batch: g.groups, m: g.cinPerGroup, n: g.pixels, k: g.coutPerGroup,
                 a: weight, transposeA: true, strideA: g.coutPerGroup * g.cinPerGroup,
                 b: dyi, transposeB: false, strideB: g.coutPerGroup * g.pixels, c: dx + i * g.cin * g.pixels)
        }
        if let dw = d.dw {
            gemm(batch: g.groups, m: g.coutPerGroup, n: g.cinPerGroup, k: g.pixels,
                 a: dyi, transposeA: false, strideA: g.coutPerGroup * g.pixels,
                 b: xi, transposeB: true, strideB: g.cinPerGroup * g.pixels, c: dw, accumulate: i > 0)
        }
    }
}

/// Runs `body` over the chunks with a column buffer for the largest and, when chunks hold several
/// images, a [Cout, columns] buffer for their channel-major GEMM results.
private func withLoweringScratch(_ g: ConvGeometry,
                                 _ body: ([ConvChunk], UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
    let chunks = g.chunks, columns = chunks[0].columns(g)
    Scratch.with(count: g.groups * g.filterLength * columns) { col in
        Scratch.with(count: chunks[0].images > 1 ? g.cout * columns : 0) { cnp in body(chunks, col, cnp) }
    }
}

func loweredForward(_ g: ConvGeometry, x: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                    bias: UnsafeMutablePointer<Float>?, out: UnsafeMutablePointer<Float>) {
    withLoweringScratch(g) { chunks, col, cnp in
        for chunk in chunks {
            let columns = chunk.columns(g), outImages = out + chunk.image * g.cout * g.pixels
            ck_vol2col(x + chunk.image * g.cin * g.voxels, col, g.dims(images: chunk.images), chunk.firstRow, chunk.rows)
            if chunk.images == 1 {
                // One image's [Cout, columns] result is already in NCDHW order, its channels a whole
                // image apart: the GEMM adds it onto the bias in place.
                if chunk.firstRow == 0 { fillBias(bias, into: outImages, g) }
                gemm(batch: g.groups, m: g.coutPerGroup, n: columns, k: g.filterLength,
                     a: weight, transposeA: false, strideA: g.coutPerGroup * g.filterLength,
                     b: col, transposeB: false, strideB: g.filterLength * columns,
                     c: outImages + chunk.firstRow * g.ow, ldc: g.pixels, strideC: g.coutPerGroup * g.pixels,
                     accumulate: bias != nil)
            } else {
                gemm(batch: g.groups, m: g.coutPerGroup, n: columns, k: g.filterLength,
                     a: weight, transposeA: false, strideA: g.coutPerGroup * g.filterLength,
                     b: col, transposeB: false, strideB: g.filterLength * columns, c: cnp)
                ck_conv_cnp_to_ncp(cnp, bias, outImages, chunk.images, g.cout, g.pixels)
            }
        }
    }
}

func loweredBackward(_ g: ConvGeometry, x: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                     _ d: ConvGradients) {
    guard d.dx != nil || d.dw != nil else { return }
    // The weight gradient is accumulated transposed, [filter, Cout] per group: OpenBLAS runs this
    // orientation of the product about 10–15% faster (measured for 3×3 64→64 convs).
    let dwt = TensorStorage(count: d.dw == nil ? 0 : g.cout * g.filterLength)
    defer { if let dw = d.dw { transposeFilters(dwt.pointer, into: dw, g) } }
    withLoweringScratch(g) { chunks, col, cnp in
        for (index, chunk) in chunks.enumerated() {
            let columns = chunk.columns(g), dyImages = d.dy + chunk.image * g.cout * g.pixels
            // One image's band of dy is read in place, its channels a whole image apart (row stride ld).
            let (dyt, ld) = chunk.images == 1 ? (dyImages + chunk.firstRow * g.ow, g.pixels) : (cnp, columns)
            if chunk.images > 1 { ck_conv_ncp_to_cnp(dyImages, cnp, chunk.images, g.cout, g.pixels) }
            let dims = g.dims(images: chunk.images)
            if d.dw != nil {
                ck_vol2col(x + chunk.image * g.cin * g.voxels, col, dims, chunk.firstRow, chunk.rows)
                gemm(batch: g.groups, m: g.filterLength, n: g.coutPerGroup, k: columns,
                     a: col, transposeA: false, strideA: g.filterLength * columns,
                     b: dyt, transposeB: true, strideB: g.coutPerGroup * ld, ldb: ld, c: dwt.pointer, accumulate: index > 0)
            }
            if let dx = d.dx {
                // The columns are no longer needed: their buffer takes the column gradient.
                gemm(batch: g.groups, m: g.filterLength, n: columns, k: g.coutPerGroup,
                     a: weight, transposeA: true, strideA: g.coutPerGroup * g.filterLength,
                     b: dyt, transposeB: false, strideB: g.coutPerGroup * ld, ldb: ld, c: col)
                // An image's first band writes its whole input gradient; the next bands read some of the
                // same input rows and add.
                ck_col2vol(col, dx + chunk.image * g.cin * g.voxels, dims, chunk.firstRow, chunk.rows,
                           chunk.firstRow > 0 ? 1 : 0)
            }
        }
    }
}

/// dw[group, o, r] = dwt[group, r, o] for the coutPerGroup × filterLength matrix of every group.
private func transposeFilters(_ dwt: UnsafeMutablePointer<Float>, into dw: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    let (rows, columns) = (g.filterLength, g.coutPerGroup)
    for group in 0..<g.groups {
        let src = dwt + group * rows * columns, dst = dw + group * rows * columns
        for o in 0..<columns { for r in 0..<rows { dst[o * rows + r] = src[r * columns + o] } }
    }
}
