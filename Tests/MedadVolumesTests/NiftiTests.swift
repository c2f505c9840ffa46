import Foundation
import MedadSupport
import MedadVolumes
import Testing
import MedadTestSupport

@Suite struct NiftiTests {
    let folder: TemporaryFolder
    init() throws { folder = try TemporaryFolder() }

    /// A small volume with distinct, integer-valued voxels that every datatype stores exactly.
    func ramp(dims: [Int] = [5, 4, 3], spacing: [Double] = [1.5, 2, 3.25]) -> Volume {
        let count = dims.reduce(1, *)
        return Volume(dims: dims, spacing: spacing, voxels: (0..<count).map { Float($0 % 100) })
    }

    /// `read` and the streaming `range` (what `data info` uses) fail on the same file with `words`,
    /// naming it.
    func expectError(_ url: URL, containing words: String) {
        for (reader, expected) in [({ _ = try Nifti.read(url) }, words), ({ _ = try Nifti.range(url) }, words)]
            as [(() throws -> Void, String)] {
            do {
                try reader()
                Issue.record("reading \(url.lastPathComponent) should fail with '\(expected)'")
            } catch let error as MedadError {
                #expect(error.message.hasPrefix(url.path), "\(error.message)")
                #expect(error.message.contains(expected), "\(error.message)")
            } catch {
                Issue.record("unexpected error type \(error)")
            }
        }
    }

    /// An uncompressed file with `patch` applied to its bytes, saved as `name`. zlib reads a
    /// ".nii.gz" that is not compressed transparently, so the gzip read path is exercised as well.
    func patched(_ source: Volume, datatype: NiftiDatatype = .float32, name: String,
                 _ patch: (inout Data) -> Void) throws -> URL {
        let plain = folder.file("plain-\(name).nii")
        try Nifti.write(source, to: plain, datatype: datatype)
        var data = try Data(contentsOf: plain)
        patch(&data)
        let url = folder.file(name)
        try data.write(to: url)
        return url
    }

    @Test(arguments: NiftiDatatype.allCases, [".nii", ".nii.gz"])
    func roundTripEveryDatatype(datatype: NiftiDatatype, suffix: String) throws {
        let volume = ramp()
        let url = folder.file("ramp\(suffix)")
        try Nifti.write(volume, to: url, datatype: datatype)
        let (back, header) = try Nifti.read(url)
        #expect(back.dims == volume.dims)
        #expect(back.spacing == volume.spacing)
        #expect(back.voxels == volume.voxels)
        #expect(header.datatype == datatype)
        #expect(header.qformCode == 1 && header.sformCode == 1)
        #expect(header.sform == [1.5, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3.25, 0, 0, 0, 0, 1])
        #expect(header.orientation == "RAS")
    }

    /// The streaming range equals the range of the voxels `read` returns, for every datatype, byte
    /// order and scaling.
    @Test func rangeStreamsTheSameValuesAsRead() throws {
        var files: [URL] = []
        for datatype in NiftiDatatype.allCases {
            for suffix in [".nii", ".nii.gz"] {
                files.append(folder.file("range-\(datatype.rawValue)\(suffix)"))
                try Nifti.write(ramp(dims: [7, 5, 4]), to: files.last!, datatype: datatype)
            }
        }
        files.append(try ReferenceFiles.bigEndianFloat32(in: folder))
        files.append(try patched(ramp(), datatype: .int16, name: "range-scaled.nii") { data in
            data.replaceSubrange(112..<120, with: [Float(-2), Float(10)].withUnsafeBytes { Data($0) })
        })
        for url in files {
            let (volume, header) = try Nifti.read(url)
            let streamed = try Nifti.range(url)
            #expect(streamed.min == volume.voxels.min() && streamed.max == volume.voxels.max(), "\(url.lastPathComponent)")
            #expect(streamed.header.dims == header.dims && streamed.header.datatype == header.datatype)
        }
    }

    @Test func integersRoundAndClampOnWrite() throws {
        let volume = Volume(dims: [4, 1, 1], voxels: [-3, 1.6, 300, 0.4])
        let url = folder.file("mask.nii.gz")
        try Nifti.write(volume, to: url, datatype: .uint8)
        #expect(try Nifti.read(url).volume.voxels == [0, 2, 255, 0])
    }

    @Test func predictionReusesTheInputHeader() throws {
        let (input, header) = try Nifti.read(try ReferenceFiles.obliqueInt16(in: folder))
        var prediction = input
        prediction.voxels = input.voxels.map { $0 / 1000 }
        let url = folder.file("prediction.nii.gz")
        try Nifti.write(prediction, to: url, like: header)
        let (back, written) = try Nifti.read(url)
        #expect(written.dims == header.dims && written.spacing == header.spacing)
        #expect(written.qform == header.qform && written.sform == header.sform)
        #expect(written.qformCode == header.qformCode && written.sformCode == header.sformCode)
        #expect(written.orientation == header.orientation)
        #expect(written.datatype == .float32 && written.scaleSlope == 1 && written.scaleIntercept == 0)
        #expect(back.voxels == prediction.voxels)

        let wrongShape = Volume(dims: [2, 2, 2], filledWith: 0)
        #expect(throws: MedadError.self) { try Nifti.write(wrongShape, to: url, like: header) }
    }

    @Test func referenceFileMatchesNibabel() throws {
        let (volume, header) = try Nifti.read(try ReferenceFiles.obliqueInt16(in: folder))
        #expect(volume.dims == ReferenceFiles.obliqueDims)
        #expect(header.datatype == .int16)
        #expect(header.scaleSlope == 0.5 && header.scaleIntercept == 10)
        #expect(volume.voxels == ReferenceFiles.obliqueVoxels)
        for (value, expected) in zip(header.sform, ReferenceFiles.obliqueAffine) {
            #expect(abs(value - expected) < 1e-5)
        }
        for (value, expected) in zip(header.spacing, ReferenceFiles.obliqueSpacing) {
            #expect(abs(value - expected) < 1e-6)
        }
        #expect(header.orientation == ReferenceFiles.obliqueOrientation)
    }

    @Test func bigEndianFilesAreSwapped() throws {
        let (volume, header) = try Nifti.read(try ReferenceFiles.bigEndianFloat32(in: folder))
        #expect(volume.voxels == ReferenceFiles.bigEndianVoxels && header.datatype == .float32)
        #expect(header.dims == ReferenceFiles.obliqueDims && header.orientation == ReferenceFiles.obliqueOrientation)
        for (value, expected) in zip(header.sform, ReferenceFiles.obliqueAffine) { #expect(abs(value - expected) < 1e-5) }
        // Rewritten like its header: native byte order, same geometry.
        let url = folder.file("native.nii")
        try Nifti.write(volume, to: url, like: header)
        let (back, written) = try Nifti.read(url)
        #expect(back.voxels == volume.voxels && written.sform == header.sform && written.qform == header.qform)
    }

    @Test func scaleSlopeAndInterceptAreApplied() throws {
        let url = try patched(ramp(), datatype: .int16, name: "scaled.nii") { data in
            data.replaceSubrange(112..<120, with: [Float(2), Float(10)].withUnsafeBytes { Data($0) })
        }
        #expect(try Nifti.read(url).volume.voxels == ramp().voxels.map { $0 * 2 + 10 })
    }

    @Test func truncatedFilesAreDetected() throws {
        for suffix in [".nii", ".nii.gz"] {
            let url = folder.file("big\(suffix)")
            var random = SeededRandom(seed: 4)
            let noisy = Volume(dims: [32, 32, 32], voxels: (0..<32 * 32 * 32).map { _ in random.nextFloat() })
            try Nifti.write(noisy, to: url)
            let data = try Data(contentsOf: url)
            try data.prefix(data.count / 2).write(to: url)
            expectError(url, containing: "truncated")
        }
    }

    @Test func corruptGzipIsDetected() throws {
        let url = folder.file("corrupt.nii.gz")
        try Nifti.write(Volume(dims: [32, 32, 32], filledWith: 7), to: url)
        var data = try Data(contentsOf: url)
        for i in stride(from: 20, to: data.count - 8, by: 7) { data[i] ^= 0x5A }
        try data.write(to: url)
        expectError(url, containing: "corrupt gzip")
        let checksum = folder.file("checksum.nii.gz")
        try Nifti.write(Volume(dims: [8, 8, 8], filledWith: 7), to: checksum)
        var tail = try Data(contentsOf: checksum)
        tail[tail.count - 6] ^= 0xFF   // inside the CRC32 of the gzip trailer
        try tail.write(to: checksum)
        expectError(checksum, containing: "corrupt gzip")
    }

    /// A gzip member cut inside its 8-byte trailer still holds every voxel; only the trailer's
    /// checksum and length show the file is damaged.
    @Test func gzipCutInItsTrailerIsDetected() throws {
        let whole = folder.file("whole.nii.gz")
        try Nifti.write(ramp(), to: whole)
        let data = try Data(contentsOf: whole)
        for cut in [1, 8] {
            let url = folder.file("cut\(cut).nii.gz")
            try data.dropLast(cut).write(to: url)
            expectError(url, containing: "truncated or corrupt gzip stream")
        }
    }

    /// Bytes 348-351 of a single file are the extension flag: an offset of 348 would read them as voxel 0.
    @Test func voxOffsetBelow352IsRejected() throws {
        for name in ["offset.nii", "offset.nii.gz"] {
            let url = try patched(ramp(), name: name) { data in
                data.replaceSubrange(108..<112, with: [Float(348)].withUnsafeBytes { Data($0) })
            }
            expectError(url, containing: "vox_offset 348 is out of range (expected 352")
        }
    }

    @Test func garbageAndWrongMagicAreRejected() throws {
        var random = SeededRandom(seed: 1)
        let garbage = Data((0..<4000).map { _ in UInt8(random.nextInt(256)) })
        for name in ["garbage.nii", "garbage.nii.gz"] {
            try garbage.write(to: folder.file(name))
            expectError(folder.file(name), containing: "not a NIfTI-1 file")
        }
        let magic = try patched(ramp(), name: "magic.nii") { $0.replaceSubrange(344..<348, with: Data("abc\0".utf8)) }
        expectError(magic, containing: "wrong magic")
        try Data().write(to: folder.file("empty.nii.gz"))
        expectError(folder.file("empty.nii.gz"), containing: "too short")
        expectError(folder.file("missing.nii.gz"), containing: "cannot open")
    }

    @Test func absurdAndInconsistentDimensionsAreRejected() throws {
        func setDims(_ dims: [Int16]) -> (inout Data) -> Void {
            { data in data.replaceSubrange(40..<(40 + 2 * dims.count), with: dims.withUnsafeBytes { Data($0) }) }
        }
        expectError(try patched(ramp(), name: "huge.nii.gz", setDims([3, 30000, 30000, 30000])), containing: "absurd")
        expectError(try patched(ramp(), name: "zero.nii", setDims([3, 5, 0, 3])), containing: "dim[2] = 0")
        expectError(try patched(ramp(), name: "rank.nii", setDims([9, 5, 4, 3])), containing: "dim[0] = 9")
        expectError(try patched(ramp(), name: "bigger.nii", setDims([3, 50, 40, 30])), containing: "truncated")
        expectError(try patched(ramp(), name: "bigger.nii.gz", setDims([3, 50, 40, 30])), containing: "truncated")
        expectError(try patched(ramp(), name: "4d.nii.gz", setDims([4, 5, 4, 3, 2])), containing: "where a 3D volume is expected")
        let shorts: ([Int16]) -> (inout Data) -> Void = { values in
            { data in data.replaceSubrange(70..<74, with: values.withUnsafeBytes { Data($0) }) }
        }
        expectError(try patched(ramp(), name: "bitpix.nii", shorts([16, 8])), containing: "bitpix 8 does not match datatype float32")
        expectError(try patched(ramp(), name: "complex.nii", shorts([32, 64])), containing: "unsupported datatype 32")
    }

    @Test func nonFiniteVoxelsAreRejected() throws {
        var volume = ramp()
        volume.voxels[7] = .nan
        volume.voxels[9] = .infinity
        #expect(throws: MedadError("\(folder.file("nan.nii.gz").path): 2 of 60 voxels to write are NaN or infinite")) {
            try Nifti.write(volume, to: folder.file("nan.nii.gz"))
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("nan.nii.gz").path))
        // A file holding them (float32 voxels 7 and 9 patched after the 352-byte header).
        let url = try patched(ramp(), name: "nan.nii.gz") { data in
            data.replaceSubrange((352 + 28)..<(352 + 32), with: [Float.nan].withUnsafeBytes { Data($0) })
            data.replaceSubrange((352 + 36)..<(352 + 40), with: [-Float.infinity].withUnsafeBytes { Data($0) })
        }
        expectError(url, containing: "2 of 60 voxels are NaN or infinite")
    }

    /// The memory check comes before the voxel array is allocated: a volume whose working copies need
    /// more than any machine has is refused naming the file; a .nii.gz whose header claims more voxels
    /// than it holds is reported as truncated, not as too large.
    @Test func volumesThatDoNotFitTheMemoryLeftAreRefusedBeforeAllocation() throws {
        let copies = 1 << 40
        for name in ["ramp.nii", "ramp.nii.gz"] {
            let url = folder.file(name)
            try Nifti.write(ramp(), to: url)
            #expect(try Nifti.read(url, workingCopies: 3).volume.voxels == ramp().voxels)
            do {
                _ = try Nifti.read(url, workingCopies: copies)
                Issue.record("\(name): \(copies) working copies should not fit")
            } catch let error as MedadError {
                #expect(error.message.hasPrefix("\(url.path): needs "), "\(error.message)")
                #expect(error.message.contains("for 60 voxels as float32 (\(copies) volume-sized working copies), more than the "),
                        "\(error.message)")
            }
        }
        let lie = try patched(ramp(), name: "lie.nii.gz") { data in
            data.replaceSubrange(40..<48, with: [Int16(3), 50, 40, 30].withUnsafeBytes { Data($0) })
        }
        #expect(throws: MedadError("\(lie.path): truncated: 60 of 60000 voxels present")) {
            try Nifti.read(lie, workingCopies: copies)
        }
    }
}
