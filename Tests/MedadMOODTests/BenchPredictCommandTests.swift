import MedadConfig
import MedadTestSupport
import Testing

/// `medad bench predict` times any method's throwaway run: `--set` reaches its config, and a bad key is
/// one error line.
struct BenchPredictCommandTests {
    @Test func setOverridesTheThrowawayRunsMethod() throws {
        let run = try runProcess(medadExecutable, ["bench", "predict", "--size", "16", "--input-size", "16", "--threads", "1", "--json",
                                                   "--set", "method.name=ddpm", "--set", "method.inference=ensemble"])
        #expect(run.status == 0, "\(run.error)")
        let report = try JSONParser.parse(run.output, source: "stdout")
        #expect(ConfigComposition.value(at: "dims", in: report) == .array([.number(16), .number(16), .number(16)]))
        #expect(ConfigComposition.value(at: "set", in: report) == .array([.string("method.name=ddpm"), .string("method.inference=ensemble")]))
        guard case .number(let seconds)? = ConfigComposition.value(at: "predict_seconds", in: report) else {
            Issue.record("no predict_seconds"); return
        }
        #expect(seconds > 0)

        let bad = try runProcess(medadExecutable, ["bench", "predict", "--size", "16", "--input-size", "16", "--set", "method.inference=chain"])
        #expect(bad.status != 0)
        #expect(bad.error.split(separator: "\n").count == 1 && bad.error.contains("method.inference: unknown key"), "\(bad.error)")
    }
}
