import Foundation
import MedadConfig
import MedadSupport

/// Where a cell stands, read from its folder alone, so any process (a resumed sweep, a SLURM array
/// task, a report) agrees: finished iff result.json exists, since it is written atomically last.
public enum CellStatus: Equatable {
    case pending
    case finished
    case failed(reason: String)

    public static let resultFile = "result.json"
    public static let failureFile = "failure.json"

    public init(directory: URL) {
        let manager = FileManager.default
        if manager.fileExists(atPath: directory.appendingPathComponent(Self.resultFile).path) {
            self = .finished
        } else if let data = manager.contents(atPath: directory.appendingPathComponent(Self.failureFile).path) {
            let reason = (try? JSONParser.parse(String(decoding: data, as: UTF8.self), source: Self.failureFile))
                .flatMap { ConfigComposition.value(at: "reason", in: $0) }
            if case .string(let text)? = reason { self = .failed(reason: text) } else { self = .failed(reason: "unreadable failure.json") }
        } else {
            self = .pending
        }
    }

    static func recordFailure(_ reason: String, cell: SweepCell, in directory: URL) throws {
        let record = JSONValue.object(JSONObject([("id", .string(cell.id)), ("reason", .string(reason))]))
        try AtomicFile.write(record.pretty(sortedKeys: true), to: directory.appendingPathComponent(failureFile))
    }
}
