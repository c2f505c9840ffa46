import Foundation
import MedadSupport

/// The NIfTI files of a folder (`DIR/*.nii.gz` and `DIR/*.nii`, sorted by name), loaded on demand
/// through a least-recently-used cache of at most `cacheBytes` bytes of voxels. Memory held is
/// bounded by `cacheBytes` plus the volumes callers are using, so a folder of 800 volumes of 256³
/// (64 MiB each as float32) streams through the default 512 MiB cache (8 volumes) without ever
/// holding the folder. Thread-safe.
public final class VolumeFolder: @unchecked Sendable {
    public let folder: URL
    public let files: [URL]
    public let cacheBytes: Int
    /// Volume-sized arrays a caller holds while it uses one volume, checked before each read (`Nifti.read`).
    public let workingCopies: Int

    private let lock = NSLock()
    private var cache: [Int: (volume: Volume, header: NiftiHeader)] = [:]
    private var recency: [Int] = []   // least recently used first
    private var cachedBytes = 0

    /// Lists the folder; a missing folder or one without NIfTI files is a `MedadError`.
    public init(_ folder: URL, cacheBytes: Int = 512 << 20, workingCopies: Int = 1) throws {
        self.folder = folder
        self.cacheBytes = max(0, cacheBytes)
        self.workingCopies = workingCopies
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw MedadError("\(folder.path): cannot list the folder (\(error.localizedDescription))")
        }
        files = names.filter { !$0.hasPrefix(".") }.sorted()
            .map { folder.appendingPathComponent($0) }
            .filter(Nifti.isNiftiPath)
        guard !files.isEmpty else { throw MedadError("\(folder.path): no .nii or .nii.gz files in the folder") }
    }

    public var count: Int { files.count }

    /// Voxel bytes currently cached (never above `cacheBytes`).
    public var residentBytes: Int { lock.withLock { cachedBytes } }

    /// Volume `index` with its header, from the cache or the disk.
    public func load(_ index: Int) throws -> (volume: Volume, header: NiftiHeader) {
        precondition(files.indices.contains(index), "volume index \(index) outside 0..<\(count)")
        if let hit = lock.withLock({ touch(index) }) { return hit }
        let loaded = try Nifti.read(files[index], workingCopies: workingCopies)
        lock.withLock { insert(index, loaded) }
        return loaded
    }

    /// Calls `body` with every volume in order, one at a time.
    public func forEach(_ body: (Int, Volume, NiftiHeader) throws -> Void) throws {
        for index in files.indices {
            let (volume, header) = try load(index)
            try body(index, volume, header)
        }
    }

    private func touch(_ index: Int) -> (volume: Volume, header: NiftiHeader)? {
        guard let hit = cache[index] else { return nil }
        recency.removeAll { $0 == index }
        recency.append(index)
        return hit
    }

    private func insert(_ index: Int, _ entry: (volume: Volume, header: NiftiHeader)) {
        let bytes = entry.volume.count * MemoryLayout<Float>.stride
        guard cache[index] == nil, bytes <= cacheBytes else { return }
        while cachedBytes + bytes > cacheBytes, let oldest = recency.first {
            recency.removeFirst()
            cachedBytes -= (cache.removeValue(forKey: oldest)?.volume.count ?? 0) * MemoryLayout<Float>.stride
        }
        cache[index] = entry
        recency.append(index)
        cachedBytes += bytes
    }
}
