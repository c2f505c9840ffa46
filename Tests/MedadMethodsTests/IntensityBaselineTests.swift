import MedadConfig
import MedadMethods
import MedadTensor
import Testing

/// `intensity`'s references and signs on a hand-made pool of 8 × 8 slices.
struct IntensityBaselineTests {
    private func model(_ method: String) throws -> IntensityModel {
        let text = #"{"method": {"name": "intensity"\#(method)}, "data": {"size": 8}}"#
        return IntensityModel(config: try RunConfig(JSONParser.parse(text, source: "cfg"), source: "cfg"))
    }

    /// Brain voxels of the assumed-normal slices: 16 × 3 and 16 × 7 in the half-brain slice, 32 × 3 and
    /// 32 × 7 in the full one, so mean 5 and standard deviation 2 exactly. The half-brain slice's
    /// background (100) and the revealed anomalous slice and the slice of an anomalous volume without
    /// mask (50) must not count.
    private var pool: [TrainingSlice] {
        let alternating = (0..<64).map { Float($0 % 2 == 0 ? 3 : 7) }
        let half = (0..<64).map { $0 < 32 ? alternating[$0] : 100 }
        let halfBrain = (0..<64).map { UInt8($0 < 32 ? 1 : 0) }
        let all = [UInt8](repeating: 1, count: 64), fifty = [Float](repeating: 50, count: 64)
        return [
            TrainingSlice(image: half, position: 0.1, label: nil, mask: nil, brain: halfBrain),
            TrainingSlice(image: alternating, position: 0.9, label: 0, mask: nil, brain: all),
            TrainingSlice(image: fifty, position: 0.5, label: 1, mask: [Float](repeating: 1, count: 64), brain: all),
            TrainingSlice(image: fifty, position: 0.5, label: nil, mask: nil, inAnomalousVolume: true, brain: all),
        ]
    }

    /// One slice: 9 (z = 2), 1 (z = −2), then 5 (z = 0).
    private let probe = Tensor(shape: [1, 1, 8, 8], values: [9, 1] + [Float](repeating: 5, count: 62))

    @Test(arguments: [("high", [Float(2), -2]), ("low", [-2, 2]), ("abs", [2, 2])])
    func globalReferenceGivesTheForegroundZScore(sign: String, expected: [Float]) throws {
        let intensity = try model(#", "reference": "global", "sign": "\#(sign)""#)
        intensity.fit(pool)
        #expect(intensity.mean.values == [5] && intensity.std.values == [2])
        let scored = intensity.score(probe, positions: [0.3])
        #expect(Array(scored.maps.prefix(2)) == expected)
        #expect(scored.maps.dropFirst(2).allSatisfy { $0 == 0 })
        #expect(scored.images == [expected.max()!])
    }

    /// The position reference keeps its per-pixel statistics; `sign` applies to its signed deviation.
    @Test func positionReferenceIsSigned() throws {
        let flat = [TrainingSlice(image: [Float](repeating: 5, count: 64), position: 0.5, label: nil, mask: nil,
                                  brain: [UInt8](repeating: 1, count: 64))]
        // σ = 0 everywhere, so the floor 0.5 divides: 9 → 8, 1 → −8.
        for (sign, expected) in [("high", [Float(8), -8]), ("low", [-8, 8]), ("abs", [8, 8])] {
            let intensity = try model(#", "sign": "\#(sign)", "sigma_floor": 0.5"#)
            intensity.fit(flat)
            #expect(Array(intensity.score(probe, positions: [0.5]).maps.prefix(2)) == expected, "\(sign)")
        }
        // Without `sign` it is |z|, as before the option existed.
        let old = try model("")
        old.fit(flat)
        #expect(Array(old.score(probe, positions: [0.5]).maps.prefix(2)) == [80, 80])
    }
}
