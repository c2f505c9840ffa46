import MedadVolumes
import Testing

@Suite struct SlicingTests {
    let volume: Volume = {
        var v = Volume(dims: [4, 3, 5], spacing: [1, 2, 3], filledWith: 0)
        for i in 0..<v.count { v.voxels[i] = Float(i) }
        return v
    }()

    @Test(arguments: [0, 1, 2])
    func slicesKeepTheOtherAxes(axis: Int) {
        let slice = Slicing.slice(volume, axis: axis, index: 2)
        let kept = (0..<3).filter { $0 != axis }
        #expect(slice.dims == [volume.dims[kept[0]], volume.dims[kept[1]], 1])
        #expect(slice.spacing == [volume.spacing[kept[0]], volume.spacing[kept[1]], volume.spacing[axis]])
        for v in 0..<slice.dims[1] { for u in 0..<slice.dims[0] {
            var position = [0, 0, 0]
            position[axis] = 2; position[kept[0]] = u; position[kept[1]] = v
            #expect(slice.voxels[u + slice.dims[0] * v] == volume.voxels[volume.index(position[0], position[1], position[2])])
        } }
    }

    @Test func emptySlicesAreFiltered() {
        var sparse = Volume(dims: [4, 4, 5], filledWith: 0)
        sparse.voxels[sparse.index(1, 1, 1)] = 1
        for x in 0..<4 { sparse.voxels[sparse.index(x, 2, 3)] = 1 }
        #expect(Slicing.slices(sparse, axis: 2, minForeground: 0.1).map(\.index) == [3])
        #expect(Slicing.slices(sparse, axis: 2, minForeground: 0.05).map(\.index) == [1, 3])
        #expect(Slicing.slices(sparse, axis: 2, minForeground: 0).count == 5)
    }
}
