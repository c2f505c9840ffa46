import MedadTensor
import Testing

@Suite struct ShapeOpsTests {
    static let shape = [2, 3, 4]

    @Test func reshapedSharesStorageAndInfersOneAxis() {
        let x = randomTensor(Self.shape, seed: 50)
        let y = x.reshaped([4, -1])
        #expect(y.shape == [4, 6])
        #expect(y.storage === x.storage)
        checkGradients("reshaped", inputs: [x], op: { $0[0].reshaped([-1, 2]) * $0[0].reshaped([12, 2]) }) { v in
            v[0].map { $0 * $0 }
        }
    }

    @Test func permutedAndTransposed() {
        let x = randomTensor(Self.shape, seed: 51)
        let order = [2, 0, 1]
        checkGradients("permuted", inputs: [x], op: { $0[0].permuted(order) }) { v in
            referenceGather(v[0], shape: Self.shape, outShape: [4, 2, 3]) { i in [i[1], i[2], i[0]] }
        }
        checkGradients("transposed", inputs: [x], op: { $0[0].transposed(0, -1) }) { v in
            referenceGather(v[0], shape: Self.shape, outShape: [4, 3, 2]) { i in [i[2], i[1], i[0]] }
        }
    }

    @Test func flipped() {
        let x = randomTensor(Self.shape, seed: 52)
        checkGradients("flipped", inputs: [x], op: { $0[0].flipped(axes: [0, -1]) }) { v in
            referenceGather(v[0], shape: Self.shape, outShape: Self.shape) { i in [1 - i[0], i[1], 3 - i[2]] }
        }
        #expect(Tensor(shape: [3], values: [1, 2, 3]).flipped(axes: [0]).values == [3, 2, 1])
    }

    @Test func slicedAndPadded() {
        let x = randomTensor(Self.shape, seed: 53)
        checkGradients("sliced", inputs: [x], op: { $0[0].sliced(axis: -1, range: 1..<3) }) { v in
            referenceGather(v[0], shape: Self.shape, outShape: [2, 3, 2]) { i in [i[0], i[1], i[2] + 1] }
        }
        checkGradients("padded", inputs: [x], op: { $0[0].padded([(0, 1), (2, 0), (1, 1)], value: 0.5) }) { v in
            referenceGather(v[0], shape: Self.shape, outShape: [3, 5, 6], source: { i in
                i[0] < 2 && i[1] >= 2 && (1...4).contains(i[2]) ? [i[0], i[1] - 2, i[2] - 1] : nil
            }, fill: 0.5)
        }
    }

    @Test func concatAndSplit() {
        let a = randomTensor([2, 1, 4], seed: 54), b = randomTensor([2, 3, 4], seed: 55), c = randomTensor([2, 2, 4], seed: 56)
        checkGradients("concat", inputs: [a, b, c], op: { concat($0, axis: 1) }) { v in
            referenceGather(v[0] + v[1] + v[2], shape: [6 * 4 * 2], outShape: [2, 6, 4]) { i in
                // Flat position in the three inputs laid end to end.
                switch i[1] {
                case 0: [i[0] * 4 + i[2]]
                case 1..<4: [8 + (i[0] * 3 + i[1] - 1) * 4 + i[2]]
                default: [32 + (i[0] * 2 + i[1] - 4) * 4 + i[2]]
                }
            }
        }
        // The middle piece is unused: its slot must get a zero gradient.
        let x = randomTensor([2, 6], seed: 57)
        checkGradients("split", inputs: [x], op: { v in
            let pieces = v[0].split(sizes: [1, 2, 3], axis: -1)
            return concat([pieces[2], pieces[0]], axis: 1)
        }) { v in
            referenceGather(v[0], shape: [2, 6], outShape: [2, 4]) { i in [i[0], i[1] < 3 ? i[1] + 3 : 0] }
        }
    }
}

@Suite struct LinearTests {
    @Test(arguments: [true, false])
    func gradients(withBias: Bool) {
        let (inF, outF) = (4, 5)
        let x = randomTensor([2, 3, inF], seed: 60), w = randomTensor([outF, inF], seed: 61), b = randomTensor([outF], seed: 62)
        checkGradients("linear bias \(withBias)", inputs: withBias ? [x, w, b] : [x, w],
                       op: { linear($0[0], weight: $0[1], bias: withBias ? $0[2] : nil) }) { v in
            let product = referenceMatmul(v[0], referenceTranspose(v[1], rows: outF, columns: inF), m: 6, k: inF, n: outF)
            return withBias ? product.indices.map { product[$0] + v[2][$0 % outF] } : product
        }
    }

    @Test func knownValue() {
        let x = Tensor(shape: [1, 2], values: [1, 2])
        let w = Tensor(shape: [2, 2], values: [1, 0, 3, 4])
        #expect(linear(x, weight: w, bias: Tensor(shape: [2], values: [10, 20])).values == [11, 31])
    }
}
