import MedadSupport
import MedadTensor
import MedadTraining
import Testing

@Suite struct ExponentialMovingAverageTests {
    @Test func averagesAKnownSequence() {
        let weight = Tensor(shape: [2], values: [1, 2])
        let ema = ExponentialMovingAverage([("w", weight)], decay: 0.9)
        var expected: [Float] = [1, 2]
        for values: [Float] in [[3, -2], [5, 0], [-1, 4]] {
            weight.withMutableBuffer { $0[0] = values[0]; $0[1] = values[1] }
            ema.update()
            let keep: Float = 0.9, take: Float = 1 - 0.9
            expected = zip(expected, values).map { keep * $0 + take * $1 }
        }
        #expect(ema.shadows[0].values == expected)
        #expect(abs(expected[0] - (0.729 * 1 + 0.081 * 3 + 0.09 * 5 + 0.1 * -1)) < 1e-6)
    }

    @Test func swapExchangesInPlaceAndRestores() throws {
        let weight = Tensor(shape: [3], values: [1, 2, 3])
        let ema = ExponentialMovingAverage([("w", weight)], decay: 0.5)
        weight.withMutableBuffer { $0[0] = 9 }
        ema.update()
        let judged = ema.withAveragedWeights { weight.values }
        #expect(judged == [5, 2, 3])
        #expect(weight.values == [9, 2, 3])
        #expect(ema.checkpointTensors()["ema.w"]?.values == [5, 2, 3])
    }

    @Test func loadRejectsOtherNamesAndShapes() throws {
        let ema = ExponentialMovingAverage([("w", Tensor(shape: [2], values: [0, 0]))], decay: 0.5)
        #expect(throws: MedadError.self) { try ema.load(["v": Tensor(shape: [2], values: [1, 1])]) }
        #expect(throws: MedadError.self) { try ema.load(["w": Tensor(shape: [3], values: [1, 1, 1])]) }
        try ema.load(["w": Tensor(shape: [2], values: [4, 5])])
        #expect(ema.shadows[0].values == [4, 5])
    }
}
