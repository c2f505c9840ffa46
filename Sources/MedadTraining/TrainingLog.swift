import Foundation
import MedadConfig
import MedadSupport

/// train.jsonl: one compact JSON object per line, `kind` = `train` (after an update: step = its 0-based
/// index, loss, lr, grad_norm), `validation` (step = updates done, score, metrics, best) or `status`
/// (how a run call ended). Lines hold no wall-clock values, so a resumed run's log equals an
/// uninterrupted one's (apart from its `stopped` status line, which resuming drops).
final class TrainingLog {
    static let fileName = "train.jsonl"
    let url: URL
    private var handle: FileHandle?

    init(url: URL) { self.url = url }

    deinit { try? handle?.close() }

    /// Starts a fresh log, or (resuming from a checkpoint after `updatesDone` updates) keeps exactly the
    /// lines an uninterrupted run would have written by then: train lines of earlier updates and
    /// validations up to that point. Later lines (from a run that went on after its last checkpoint)
    /// and status lines are dropped, so nothing is logged twice. The rewrite is atomic.
    func open(resumingAfter updatesDone: Int?) throws {
        var kept = ""
        if let updatesDone, let data = FileManager.default.contents(atPath: url.path) {
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where Self.keep(line, updatesDone) {
                kept += line + "\n"
            }
        }
        try AtomicFile.write(kept, to: url)
        do {
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            self.handle = handle
        } catch {
            throw MedadError("\(url.path): cannot open for appending (\(error.localizedDescription))")
        }
    }

    private static func keep(_ line: Substring, _ updatesDone: Int) -> Bool {
        guard let object = (try? JSONParser.parse(String(line), source: "train.jsonl"))?.objectValue,
              case .string(let kind)? = object["kind"], case .number(let step)? = object["step"] else { return false }
        switch kind {
        case "train": return Int(step) < updatesDone
        case "validation": return Int(step) <= updatesDone
        default: return false
        }
    }

    /// The score of the validation logged at `step` in the log at `url`; nil when none was.
    static func validationScore(at step: Int, in url: URL) -> Double? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n").reversed() {
            guard let object = (try? JSONParser.parse(String(line), source: url.path))?.objectValue,
                  object["kind"] == .string("validation"), object["step"] == .number(Double(step)) else { continue }
            if case .number(let score)? = object["score"] { return score }
        }
        return nil
    }

    func append(_ object: JSONObject) throws {
        guard let handle else { preconditionFailure("TrainingLog.append before open") }
        do {
            try handle.write(contentsOf: Data((JSONValue.object(object).canonical + "\n").utf8))
        } catch {
            throw MedadError("\(url.path): cannot append (\(error.localizedDescription))")
        }
    }

    func close() {
        try? handle?.close()
        handle = nil
    }
}
