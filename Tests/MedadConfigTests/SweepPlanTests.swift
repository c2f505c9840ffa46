import Foundation
import MedadConfig
import MedadSupport
import Testing

@Suite struct SweepPlanTests {
    let experiment = #"{"name": "t", "backbone": "cnn-s", "train": {"steps": 5}, "# +
        #""sweep": {"backbone": ["cnn-s", "vit-s"], "data.label_ratio": [0, 0.25], "seed": [1]}}"#

    @Test func cartesianProductFirstAxisSlowest() throws {
        let plan = try SweepPlan(experiment: JSONParser.parse(experiment, source: "e"), source: "e")
        let cells = plan.cells
        #expect(cells.count == 4)
        #expect(cells.map { ConfigComposition.value(at: "backbone", in: $0.config) } == [.string("cnn-s"), .string("cnn-s"), .string("vit-s"), .string("vit-s")])
        #expect(cells.map { ConfigComposition.value(at: "data.label_ratio", in: $0.config) } == [.number(0), .number(0.25), .number(0), .number(0.25)])
        #expect(cells[1].config.canonical == #"{"backbone":"cnn-s","data":{"label_ratio":0.25},"name":"t","seed":1,"train":{"steps":5}}"#)
        #expect(cells[1].id.hasPrefix("cnn-s_0.25_1_"))
        #expect(Set(cells.map(\.id)).count == 4)
    }

    @Test func idsAreStableAndFollowTheConfig() throws {
        let a = try SweepPlan(experiment: JSONParser.parse(experiment, source: "e"), source: "e").cells
        let b = try SweepPlan(experiment: JSONParser.parse(experiment, source: "e"), source: "e").cells
        #expect(a.map(\.id) == b.map(\.id))
        let changed = experiment.replacingOccurrences(of: #""steps": 5"#, with: #""steps": 6"#)
        let c = try SweepPlan(experiment: JSONParser.parse(changed, source: "e"), source: "e").cells
        #expect(zip(a, c).allSatisfy { $0.id != $1.id })
    }

    @Test func firstCellTakesFirstValuesUnlessOverridden() throws {
        let plan = try SweepPlan(experiment: JSONParser.parse(experiment, source: "e"), source: "e")
        #expect(try plan.firstCell(overrides: []) == plan.cells[0])
        let vit = try plan.firstCell(overrides: ["backbone=vit-s"])
        #expect(vit == plan.cells[2])
    }

    @Test func emptyAxisIsAnError() {
        #expect(throws: MedadError("e: sweep.seed: expected a non-empty list of values, got a list")) {
            _ = try SweepPlan(experiment: JSONParser.parse(#"{"sweep": {"seed": []}}"#, source: "e"), source: "e")
        }
    }
}
