import MedadConfig
import MedadMethods
import MedadSupport
import MedadVolumes
import Testing

@Suite struct IntensityPresetTests {
    @Test func ctIsTheAbdomenSoftTissueWindow() {
        let hu = Volume(dims: [5, 1, 1], voxels: [-1000, -160, 40, 140, 3000])
        #expect(IntensityPreset.ctAbdomen.apply(hu).voxels == [0, 0, 0.5, 0.75, 1])
        #expect(IntensityPreset(rawValue: "ct") == .ctAbdomen && IntensityPreset(rawValue: "mri") == .mriPercentile)
    }

    @Test func runConfigsCarryThePreset() throws {
        let folders = JSONValue.object(JSONObject([("train", .string("a")), ("val", .string("b")), ("test", .string("c"))]))
        func config(_ data: [(String, JSONValue)]) -> JSONValue {
            .object(JSONObject([("data", .object(JSONObject(data))), ("method", .object(JSONObject([("name", .string("ae"))])))]))
        }
        try Runs.validate(config: config([("source", .string("folders")), ("preset", .string("ct")), ("folders", folders)]),
                          source: "run.json")
        #expect(throws: MedadError.self) { try Runs.validate(config: config([("preset", .string("ct"))]), source: "run.json") }
        do {
            try Runs.validate(config: config([("preset", .string("hu"))]), source: "run.json")
            Issue.record("an unknown preset was accepted")
        } catch let error as MedadError {
            #expect(error.message.contains("data.preset"), "\(error.message)")
        }
    }
}
