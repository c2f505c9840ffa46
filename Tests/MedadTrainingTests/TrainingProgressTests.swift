import MedadTraining
import Testing

@Suite struct TrainingProgressTests {
    final class Capture { var text = "" }

    @Test func plainModeWritesEveryNStepsAndTheLast() {
        let capture = Capture()
        let progress = TrainingProgress(mode: .plain(every: 4)) { capture.text += $0 }
        progress.begin(steps: 10, from: 0)
        for step in 0..<10 { progress.update(step: step, loss: 0.5) }
        let lines = capture.text.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.map { $0.split(separator: " ")[1] } == ["4/10", "8/10", "10/10"])
        #expect(lines[0].contains("loss 0.5") && lines[0].contains("it/s") && lines[0].contains("ETA"))
    }

    @Test func terminalModeRedrawsOneLine() {
        let capture = Capture()
        let progress = TrainingProgress(mode: .terminal) { capture.text += $0 }
        progress.begin(steps: 3, from: 0)
        for step in 0..<3 { progress.update(step: step, loss: 1) }
        progress.note("done")
        #expect(capture.text.hasPrefix("\rstep 1/3"))
        #expect(capture.text.contains("\rstep 3/3"))
        // The note overwrites the whole progress line (padded) and ends it.
        let note = capture.text.split(separator: "\r").last!
        #expect(note.hasPrefix("done") && note.hasSuffix("\n"))
        let parts = capture.text.split(separator: "\r")
        #expect(note.count == parts[parts.count - 2].count + 1)
        #expect(!capture.text.dropLast().contains("\n"))
    }

    @Test func silentModeWritesNothing() {
        let capture = Capture()
        let progress = TrainingProgress(mode: .silent) { capture.text += $0 }
        progress.begin(steps: 2, from: 0)
        progress.update(step: 0, loss: 1)
        progress.note("x")
        #expect(capture.text.isEmpty)
    }

    @Test func formatsLineAndClock() {
        #expect(TrainingProgress.describe(step: 120, steps: 200, loss: 0.12345, iterationsPerSecond: 12.34, remainingSeconds: 7)
            == "step 120/200  loss 0.1235  12.3 it/s  ETA 0:07")
        #expect(TrainingProgress.clock(3725) == "1:02:05")
        #expect(TrainingProgress.describe(step: 1, steps: 2, loss: 1, iterationsPerSecond: 0, remainingSeconds: nil).hasSuffix("ETA ?"))
    }
}
