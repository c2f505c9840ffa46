import Foundation
import Testing
import MedadSupport

@Suite struct AtomicFileTests {
    @Test func writesAndReplacesWithoutLeftovers() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("medad-atomic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("nested/result.json")
        try AtomicFile.write("first", to: target)
        try AtomicFile.write("second", to: target)
        #expect(try String(contentsOf: target, encoding: .utf8) == "second")
        let names = try FileManager.default.contentsOfDirectory(atPath: target.deletingLastPathComponent().path)
        #expect(names == ["result.json"])
    }

    @Test func unwritableFolderIsAClearError() {
        #expect(throws: MedadError.self) {
            try AtomicFile.write("x", to: URL(fileURLWithPath: "/proc/medad-cannot-write/result.json"))
        }
    }
}
