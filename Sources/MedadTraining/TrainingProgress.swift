import Foundation

/// Shows training progress: on a terminal one line redrawn in place with `\r` (step/steps, loss, it/s,
/// ETA), otherwise a plain log line every N steps, or nothing (tests, sweeps). The CLI only picks the
/// mode (`automatic` decides by `isatty`).
public final class TrainingProgress {
    public enum Mode: Equatable {
        case terminal
        case plain(every: Int)
        case silent
    }

    public let mode: Mode
    private let write: (String) -> Void
    private var steps = 0
    private var firstStep = 0
    private var started = Date()
    private var lastDraw = Date.distantPast
    private var lineWidth = 0

    /// `write` receives finished text (with its own `\r`/`\n`); the default writes to standard output.
    public init(mode: Mode, write: @escaping (String) -> Void = TrainingProgress.standardOutput) {
        self.mode = mode
        self.write = write
    }

    /// Terminal mode when standard output is a TTY, else plain lines every `plainEvery` steps.
    public static func automatic(plainEvery: Int = 50) -> TrainingProgress {
        TrainingProgress(mode: isatty(STDOUT_FILENO) == 1 ? .terminal : .plain(every: max(1, plainEvery)))
    }

    /// A fresh silent renderer (each run gets its own, so parallel runs share no state).
    public static var silent: TrainingProgress { TrainingProgress(mode: .silent) }

    public static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// A run of `steps` updates begins (or resumes) at update `from`.
    public func begin(steps: Int, from: Int) {
        self.steps = steps
        firstStep = from
        started = Date()
        lastDraw = .distantPast
    }

    /// Update `step` (0-based) finished with this loss.
    public func update(step: Int, loss: Float) {
        let done = step + 1
        let elapsed = Date().timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(done - firstStep) / elapsed : 0
        let text = Self.describe(step: done, steps: steps, loss: loss, iterationsPerSecond: rate,
                                 remainingSeconds: rate > 0 ? Double(steps - done) / rate : nil)
        switch mode {
        case .silent:
            return
        case .plain(let every):
            if done % every == 0 || done == steps { write(text + "\n") }
        case .terminal:
            // Redrawing more than ~10 times a second only costs terminal time.
            guard done == steps || Date().timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = Date()
            let padding = String(repeating: " ", count: max(0, lineWidth - text.count))
            // What the terminal shows is as wide as the widest line drawn since the last note.
            lineWidth = max(lineWidth, text.count)
            write("\r" + text + padding)
        }
    }

    /// A line of its own (validation results, the final status), not lost under the redrawn line.
    public func note(_ line: String) {
        switch mode {
        case .silent: return
        case .plain: write(line + "\n")
        case .terminal:
            write("\r" + line + String(repeating: " ", count: max(0, lineWidth - line.count)) + "\n")
            lineWidth = 0
        }
    }

    /// "step 120/200  loss 0.1234  12.3 it/s  ETA 0:07".
    public static func describe(step: Int, steps: Int, loss: Float, iterationsPerSecond: Double,
                                remainingSeconds: Double?) -> String {
        let eta = remainingSeconds.map(clock) ?? "?"
        return "step \(step)/\(steps)  loss \(String(format: "%.4g", Double(loss)))  "
            + "\(String(format: "%.1f", iterationsPerSecond)) it/s  ETA \(eta)"
    }

    /// m:ss below an hour, h:mm:ss above.
    public static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }
}
