import MedadMethods
import MedadTensor
import Testing

/// The per-pixel normal model shared by `intensity` and `ae`'s standardized residuals: known
/// statistics per position bin, the all-slices fallback of an empty bin, and the floor.
struct PixelNormalModelTests {
    @Test func fitsBinsAndScoresDeviations() {
        // Three bins of two pixels: bin 0 sees [1, 0] and [3, 0], bin 1 sees [5, 2], bin 2 nothing.
        let model = PixelNormalModel(bins: 3, pixels: 2, floor: 0.1)
        var sums = model.accumulator()
        model.add([1, 0, 3, 0], positions: [0.1, 0.2], to: &sums)
        model.add([5, 2], positions: [0.5], to: &sums)
        model.fit(sums)
        let mean = model.mean.values, std = model.std.values
        #expect(Array(mean[0..<4]) == [2, 0, 5, 2])
        #expect(Array(std[0..<4]) == [1, 0, 0, 0])
        // The empty bin borrows the statistics of all three slices: mean [3, 2/3], variance [8/3, 8/9].
        #expect(abs(mean[4] - 3) < 1e-6 && abs(mean[5] - 2 / 3) < 1e-6)
        #expect(abs(std[4] - (8.0 / 3).squareRoot()) < 1e-5 && abs(std[5] - (8.0 / 9).squareRoot()) < 1e-5)

        let scores = model.deviations([4, 0.05, 3, 2 / 3], positions: [0.1, 0.99])
        #expect(abs(scores[0] - 2) < 1e-6)      // |4 − 2| / 1
        #expect(abs(scores[1] - 0.5) < 1e-6)    // |0.05 − 0| / floor 0.1
        #expect(abs(scores[2]) < 1e-6 && abs(scores[3]) < 1e-6)
    }
}
