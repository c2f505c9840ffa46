import MedadTensor
import Testing

/// The pool is process-wide and other suites allocate in parallel, so these tests use a size class
/// (about 21 MB) no other test makes, and only assert on buffers they made themselves.
@Suite(.serialized) struct BufferPoolTests {
    static let shape = [5, 1_000_003]

    @Test func sizeClassesRoundUpByAtMostAnEighth() {
        for bytes in [BufferPool.minimumBytes, BufferPool.minimumBytes + 1, 3_000_001, 20_000_012, 1 << 30] {
            let capacity = BufferPool.capacity(forBytes: bytes)
            #expect(capacity >= bytes && capacity <= bytes + bytes / 8)
            #expect(capacity % 64 == 0)
            #expect(BufferPool.capacity(forBytes: capacity) == capacity)
        }
        #expect(BufferPool.capacity(forBytes: 100) == 100)
    }

    @Test func freedBufferIsReusedAndOverwrittenCorrectly() {
        var first: Tensor? = Tensor(shape: Self.shape, repeating: 7)
        let address = first!.storage.pointer
        first = nil
        let reused = Tensor(shape: Self.shape, repeating: -2)
        #expect(reused.storage.pointer == address)
        #expect(reused.values.allSatisfy { $0 == -2 })
        let sum = reused + Tensor(shape: Self.shape, repeating: 0.5)
        #expect(sum.values.allSatisfy { $0 == -1.5 })
        _ = first
    }

    @Test func limitBoundsTheCache() {
        let saved = BufferPool.limitBytes
        defer { BufferPool.limitBytes = saved }
        var big: Tensor? = Tensor(shape: Self.shape, repeating: 1)
        big = nil
        BufferPool.limitBytes = 0
        #expect(BufferPool.cachedBytes == 0)
        var kept: Tensor? = Tensor(shape: Self.shape, repeating: 1)
        kept = nil
        #expect(BufferPool.cachedBytes == 0)
        _ = (big, kept)
    }
}
