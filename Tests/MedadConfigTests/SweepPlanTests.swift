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

    @Test func duplicateAxisValueIsAnError() {
        #expect(throws: MedadError("e: sweep.seed: value 0 is listed twice; each cell must be listed once")) {
            _ = try SweepPlan(experiment: JSONParser.parse(#"{"sweep": {"seed": [0, 1, 0]}}"#, source: "e"), source: "e")
        }
    }

    /// Methods without labels at ratio 0 only, methods with labels at every ratio: a union of grids,
    /// in order, each cell once.
    @Test func listOfBlocksIsTheUnionOfTheirGrids() throws {
        let text = #"{"name": "u", "sweep": [{"method.name": ["ae", "semi"], "data.label_ratio": [0]}, "# +
            #"{"method.name": ["semi", "supervised"], "data.label_ratio": [0, 0.1]}]}"#
        let cells = try SweepPlan(experiment: JSONParser.parse(text, source: "e"), source: "e").cells
        let pairs = cells.map { cell -> String in
            guard case .string(let m)? = ConfigComposition.value(at: "method.name", in: cell.config),
                  case .number(let r)? = ConfigComposition.value(at: "data.label_ratio", in: cell.config) else { return "?" }
            return "\(m)@\(r)"
        }
        #expect(pairs == ["ae@0.0", "semi@0.0", "semi@0.1", "supervised@0.0", "supervised@0.1"])
        #expect(throws: MedadError("e: sweep[1]: expected an object of axes, got a number")) {
            _ = try SweepPlan(experiment: JSONParser.parse(#"{"sweep": [{"seed": [1]}, 3]}"#, source: "e"), source: "e")
        }
    }
}
