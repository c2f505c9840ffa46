import MedadSupport
import Testing

@Suite struct MemoryBudgetTests {
    @Test func headroomIsKnownOnLinux() throws {
        let room = try #require(MemoryBudget.headroom())
        #expect(room.bytes > MemoryBudget.marginBytes, "\(room)")
    }

    /// A request beyond every limit names the subject, the size and the limit; a small one is not checked.
    @Test func requestsBeyondTheHeadroomAreOneErrorLine() throws {
        do {
            try MemoryBudget.require(1 << 60, for: "big.nii.gz", "its voxels")
            Issue.record("2^60 bytes should not fit")
        } catch let error as MedadError {
            #expect(error.message.hasPrefix("big.nii.gz: needs 1152921504.6 GB for its voxels, more than the "), "\(error.message)")
        }
        try MemoryBudget.require(MemoryBudget.uncheckedBytes - 1, for: "small", "a few voxels")
    }

    @Test func sizesReadAsGigabytesOrMegabytes() {
        #expect(MemoryBudget.format(2_540_000_000) == "2.5 GB")
        #expect(MemoryBudget.format(300_400_000) == "300 MB")
    }
}
