import MedadAnomalies
import MedadSupport
import MedadVolumes
import Testing

@Suite struct AnomalyGeneratorTests {
    static let shapes: [(String, Volume)] = [("2D", TestVolumes.slice), ("3D", TestVolumes.cube)]

    @Test(arguments: AnomalyType.allCases, [0, 1])
    func maskMatchesTheChange(type: AnomalyType, shape: Int) throws {
        let image = Self.shapes[shape].1
        let generator = try AnomalyGenerator()
        for seed in UInt64(1)...12 {
            let anomaly = try generator.make(type, on: image, seed: seed)
            #expect(anomaly.type == type)
            #expect(anomaly.image.dims == image.dims && anomaly.image.spacing == image.spacing)
            #expect(anomaly.mask.count == image.count)
            #expect(anomaly.maskVoxelCount > 0)
            var changedInside = 0, total = 0.0
            for i in 0..<image.count {
                let delta = abs(anomaly.image.voxels[i] - image.voxels[i])
                if anomaly.mask[i] == 0 {
                    #expect(delta == 0, "\(type) changed voxel \(i) outside its mask")
                } else {
                    #expect(image.voxels[i] > 0, "\(type) mask leaves the tissue at voxel \(i)")
                    if delta > 1e-6 { changedInside += 1 }
                    total += Double(delta)
                }
            }
            let fraction = Double(changedInside) / Double(anomaly.maskVoxelCount)
            #expect(fraction > 0.5, "\(type) \(Self.shapes[shape].0) seed \(seed): only \(fraction) of the mask changed")
            #expect(abs(anomaly.severity - total / Double(anomaly.maskVoxelCount)) < 1e-9)
            #expect(anomaly.severity > 0)
        }
    }

    @Test(arguments: AnomalyType.allCases)
    func deterministicPerSeed(type: AnomalyType) throws {
        let generator = try AnomalyGenerator()
        for image in [TestVolumes.slice, TestVolumes.cube] {
            let a = try generator.make(type, on: image, seed: 7)
            let b = try generator.make(type, on: image, seed: 7)
            let c = try generator.make(type, on: image, seed: 8)
            #expect(a.image.voxels == b.image.voxels && a.mask == b.mask && a.parameters == b.parameters)
            #expect(a.image.voxels != c.image.voxels || a.mask != c.mask)
        }
    }

    @Test func drawsTypesFromAList() throws {
        let generator = try AnomalyGenerator()
        var random = SeededRandom(seed: 12)
        var seen: Set<AnomalyType> = []
        for _ in 0..<24 {
            var replay = random
            let anomaly = try generator.make(oneOf: [.blur, .mirror, .noise], on: TestVolumes.slice, random: &random)
            let again = try generator.make(oneOf: [.blur, .mirror, .noise], on: TestVolumes.slice, random: &replay)
            #expect(anomaly.image.voxels == again.image.voxels && anomaly.type == again.type)
            seen.insert(anomaly.type)
        }
        #expect(seen == [.blur, .mirror, .noise])
        #expect(throws: MedadError.self) { try generator.make(oneOf: [], on: TestVolumes.slice, random: &random) }
    }

    @Test func sphereIsUniformInsideItsMask() throws {
        let anomaly = try AnomalyGenerator().make(.sphere, on: TestVolumes.cube, seed: 3)
        let value = try #require(anomaly.parameters["intensity"])
        for i in anomaly.mask.indices where anomaly.mask[i] != 0 {
            #expect(anomaly.image.voxels[i] == Float(value))
        }
    }

    @Test func blobMovesItsMaskTowardsItsContrastMostAtTheCentre() throws {
        let image = TestVolumes.cube
        var signs: Set<Bool> = []
        var inner: [Double] = [], border: [Double] = []
        for seed in UInt64(1)...16 {
            let anomaly = try AnomalyGenerator().make(.blob, on: image, seed: seed)
            let contrast = try #require(anomaly.parameters["contrast"])
            signs.insert(contrast > 0)
            var shift = 0.0
            for i in anomaly.mask.indices where anomaly.mask[i] != 0 { shift += Double(anomaly.image.voxels[i] - image.voxels[i]) }
            #expect(shift * contrast > 0, "seed \(seed): the mask moved against the blob's contrast \(contrast)")
            // The edge fades: over all seeds, voxels on the mask's border change less than those inside.
            let (nx, ny) = (image.dims[0], image.dims[1])
            let steps: [Int] = [1, -1, nx, -nx, nx * ny, -nx * ny]
            for i in anomaly.mask.indices where anomaly.mask[i] != 0 {
                let neighbours = steps.filter { anomaly.mask.indices.contains(i + $0) && anomaly.mask[i + $0] != 0 }
                let delta = Double(abs(anomaly.image.voxels[i] - image.voxels[i]))
                if neighbours.count == 6 { inner.append(delta) } else { border.append(delta) }
            }
        }
        let innerMean: Double = inner.reduce(0, +) / Double(inner.count)
        let borderMean: Double = border.reduce(0, +) / Double(border.count)
        #expect(innerMean > 1.2 * borderMean)
        #expect(signs == [true, false], "blobs are both hyper- and hypo-intense")
    }

    @Test func fpiInterpolatesTowardsTheDonor() throws {
        let image = TestVolumes.cube
        let donor = TestVolumes.tissue(dims: image.dims, phase: 2)
        let anomaly = try AnomalyGenerator().make(.fpi, on: image, donor: donor, seed: 11)
        let alpha = Float(try #require(anomaly.parameters["alpha"]))
        for i in anomaly.mask.indices where anomaly.mask[i] != 0 {
            let expected = (1 - alpha) * image.voxels[i] + alpha * donor.voxels[i]
            #expect(abs(anomaly.image.voxels[i] - expected) < 1e-6)
        }
    }

    @Test func respectsAGivenForegroundMask() throws {
        let image = TestVolumes.slice
        // Only the left half counts as tissue.
        var foreground = [UInt8](repeating: 0, count: image.count)
        for i in 0..<image.count where i % image.dims[0] < image.dims[0] / 2 && image.voxels[i] > 0.01 { foreground[i] = 1 }
        for type in AnomalyType.allCases {
            let anomaly = try AnomalyGenerator().make(type, on: image, foreground: foreground, seed: 5)
            #expect(anomaly.maskVoxelCount > 0)
            #expect(zip(anomaly.mask, foreground).allSatisfy { $0.0 == 0 || $0.1 == 1 }, "\(type) left the given foreground")
        }
    }

    @Test func aSingleTissueVoxelHostsTheWholeAnomaly() throws {
        let image = TestVolumes.cube
        var foreground = [UInt8](repeating: 0, count: image.count)
        let only = image.index(9, 8, 7)
        foreground[only] = 1
        for type in AnomalyType.allCases {
            let anomaly = try AnomalyGenerator().make(type, on: image, foreground: foreground, seed: 2)
            #expect(anomaly.maskVoxelCount == 1 && anomaly.mask[only] == 1, "\(type)")
        }
    }

    @Test func mirrorAndCutPasteCopyFromWhereTheySay() throws {
        let image = TestVolumes.cube
        let nx = image.dims[0], ny = image.dims[1]
        let mirrored = try AnomalyGenerator().make(.mirror, on: image, seed: 9)
        let pasted = try AnomalyGenerator().make(.cutpaste, on: image, seed: 9)
        let shift = try ["shift_x", "shift_y", "shift_z"].map { Int(try #require(pasted.parameters[$0])) }
        for i in 0..<image.count {
            let x = i % nx, y = (i / nx) % ny, z = i / (nx * ny)
            if mirrored.mask[i] != 0 {
                #expect(mirrored.image.voxels[i] == image.voxels[image.index(nx - 1 - x, y, z)])
            }
            if pasted.mask[i] != 0 {
                #expect(pasted.image.voxels[i] == image.voxels[image.index(x + shift[0], y + shift[1], z + shift[2])])
            }
        }
    }

    @Test func badInputsThrowOneLineErrors() throws {
        let generator = try AnomalyGenerator()
        let empty = Volume(dims: [8, 8, 1], filledWith: 0)
        #expect(throws: MedadError.self) { try generator.make(.sphere, on: empty, seed: 1) }
        #expect(throws: MedadError.self) {
            try generator.make(.fpi, on: TestVolumes.cube, donor: TestVolumes.slice, seed: 1)
        }
        var parameters = AnomalyParameters()
        parameters.blendRange = 0...2
        do {
            _ = try AnomalyGenerator(parameters: parameters)
            Issue.record("blendRange 0...2 was accepted")
        } catch let error as MedadError {
            #expect(error.message.hasPrefix("blendRange:"))
        }
    }
}
