import MedadVolumes
import Testing

@Suite struct IntensityWindowTests {
    @Test func abdomenSoftTissueIsW400L40() {
        let window = IntensityWindow.abdomenSoftTissue
        #expect(window.lower == -160 && window.upper == 240)
    }

    @Test func windowClipsAndScalesHounsfieldUnits() {
        // air, fat, lower edge, water, liver, upper edge, bone
        let hu: [Float] = [-1000, -100, -160, 0, 60, 240, 1200]
        let out = Preprocess.window(Volume(dims: [7, 1, 1], spacing: [0.8, 0.8, 2.5], voxels: hu), .abdomenSoftTissue)
        let expected: [Float] = [0, 0.15, 0, 0.4, 0.55, 1, 1]
        #expect(zip(out.voxels, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(out.voxels)")
        #expect(out.dims == [7, 1, 1] && out.spacing == [0.8, 0.8, 2.5])
    }
}
