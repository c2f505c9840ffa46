import Foundation
import MedadConfig
import MedadExperiments
import MedadSupport
import Testing
import MedadTestSupport

@Suite struct ExperimentTests {
    @Test func planHasTheCartesianProductWithStableDistinctIds() throws {
        let scratch = try TemporaryFolder()
        let url = try scratch.write("fake.json", fakeExperiment)
        let experiment = try Experiment(url: url)
        let cells = experiment.cells
        #expect(cells.count == 16)
        #expect(Set(cells.map(\.id)).count == 16)
        #expect(cells[0].id.hasPrefix("cnn-s_semi_0_0_"))
        #expect(ConfigComposition.value(at: "method.name", in: cells[4].config) == .string("ae"))
        // Same file, same ids; the report block is not part of a cell's config.
        #expect(try Experiment(url: url).cells.map(\.id) == cells.map(\.id))
        #expect(ConfigComposition.value(at: "report", in: cells[0].config) == nil)
        #expect(experiment.report.reference == "ae")
        #expect(experiment.directory(of: cells[0], root: scratch.url).path == scratch.url.path + "/fake/" + cells[0].id)
    }

    @Test func extendsReusesABaseAndChangesTheIds() throws {
        let scratch = try TemporaryFolder()
        try scratch.write("base.json", fakeExperiment)
        let derived = try scratch.write("derived.json", #"{"extends": "base.json", "name": "derived", "method": {"name": "ae", "steps": 9}}"#)
        let experiment = try Experiment(url: derived)
        #expect(experiment.name == "derived")
        #expect(experiment.cells.count == 16)
        #expect(ConfigComposition.value(at: "method.steps", in: experiment.cells[0].config) == .number(9))
        #expect(Set(experiment.cells.map(\.id)).isDisjoint(with: Set(try Experiment(url: scratch.file("base.json")).cells.map(\.id))))
    }

    @Test func runConfigTakesTheFirstCellWithOverrides() throws {
        let scratch = try TemporaryFolder()
        let url = try scratch.write("fake.json", fakeExperiment)
        let (config, id) = try Experiment.runConfig(from: url, overrides: ["backbone=vit-s"])
        #expect(ConfigComposition.value(at: "backbone", in: config) == .string("vit-s"))
        #expect(ConfigComposition.value(at: "method.name", in: config) == .string("semi"))
        #expect(id.hasPrefix("vit-s_semi_0_0_"))
        #expect(ConfigComposition.value(at: "sweep", in: config) == nil)
    }

    @Test func badReportBlocksAndNamesAndIdsNameTheirPath() throws {
        let scratch = try TemporaryFolder()
        let typo = try scratch.write("typo.json", #"{"name": "x", "report": {"referense": "ae"}}"#)
        #expect(throws: MedadError.self) { try Experiment(url: typo) }
        do { _ = try Experiment(url: typo) } catch let error as MedadError {
            #expect(error.message.contains("report.referense: unknown key (did you mean \"reference\"?)"))
        }
        let metric = try scratch.write("metric.json", #"{"name": "x", "report": {"metrics": ["sample.aps"]}}"#)
        do { _ = try Experiment(url: metric); Issue.record("accepted an unknown metric") } catch let error as MedadError {
            #expect(error.message.contains("report.metrics[0]: \"sample.aps\" is not one of"))
            #expect(error.message.contains("did you mean \"sample.ap\"?"))
        }
        let range = try scratch.write("range.json", #"{"name": "x", "report": {"resamples": 3}}"#)
        do { _ = try Experiment(url: range); Issue.record("accepted 3 resamples") } catch let error as MedadError {
            #expect(error.message.contains("report.resamples: 3 is out of range"))
        }
        let unnamed = try scratch.write("unnamed.json", #"{"name": "a/b"}"#)
        do { _ = try Experiment(url: unnamed); Issue.record("accepted a path as name") } catch let error as MedadError {
            #expect(error.message.contains("name: expected a non-empty string"))
        }
        let experiment = try Experiment(url: try scratch.write("fake.json", fakeExperiment))
        let id = experiment.cells[0].id
        do { _ = try experiment.cells(only: [String(id.dropLast())]); Issue.record("accepted an unknown id") } catch let error as MedadError {
            #expect(error.message.contains("did you mean \"\(id)\"?"))
        }
        #expect(try experiment.cells(only: [id]).map(\.id) == [id])
    }

    @Test func everyCellIsValidatedAndTheErrorNamesTheCell() throws {
        let scratch = try TemporaryFolder()
        let experiment = try Experiment(url: try scratch.write("fake.json", fakeExperiment))
        let bad = experiment.cells.first { ConfigComposition.value(at: "backbone", in: $0.config) == .string("vit-s") }!
        do {
            try experiment.validateCells { config, source in
                if ConfigComposition.value(at: "backbone", in: config) == .string("vit-s") {
                    throw MedadError("\(source): backbone: \"vit-s\" is not allowed here")
                }
            }
            Issue.record("validation passed")
        } catch let error as MedadError {
            #expect(error.message.hasPrefix("cell \(bad.id): "))
            #expect(error.message.contains("backbone: \"vit-s\""))
        }
    }

    @Test func slurmScriptHasOneArrayTaskPerCell() throws {
        let scratch = try TemporaryFolder()
        let experiment = try Experiment(url: try scratch.write("fake.json", fakeExperiment))
        let script = SlurmScript.text(experiment: experiment, cells: experiment.cells, executable: "/opt/medad",
                                      root: URL(fileURLWithPath: "/shared/my runs"), workingDirectory: URL(fileURLWithPath: "/home/me/project"),
                                      cpus: 4, hours: 2)
        #expect(script.contains("#SBATCH --array=0-15\n"))
        #expect(script.contains("#SBATCH --cpus-per-task=4\n"))
        // Tasks run where the script was written (data folders are relative to it), whoever calls sbatch where.
        #expect(script.contains("#SBATCH --chdir=/home/me/project\n"))
        // A path with a blank is one sbatch value only in double quotes.
        #expect(script.contains("#SBATCH --output=\"/shared/my runs/fake/slurm-%A_%a.log\"\n"))
        for cell in experiment.cells { #expect(script.contains("\n  \(cell.id)\n")) }
        #expect(script.contains("--only \"${CELLS[$SLURM_ARRAY_TASK_ID]}\" --runs '/shared/my runs'"))
    }
}
