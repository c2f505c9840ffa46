import Foundation
import MedadAnomalies
import MedadSupport
import MedadVolumes
import Testing

@Suite struct NiftiToySetTests {
    @Test func writesAndReadsBackNiftiFiles() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("medad-nifti-toy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let inputFolder = root.appendingPathComponent("normal")
        let written = try Phantom.write(to: inputFolder, count: 4, size: 24, seed: 2, threads: 2)
        let inputs = try MOODToySet.inputs(in: inputFolder)
        #expect(inputs.map(\.lastPathComponent) == written.map(\.lastPathComponent).sorted())
        let out = root.appendingPathComponent("test")
        let cases = try MOODToySet(types: [.fpi, .sinkSource], fraction: 0.5, seed: 9)
            .build(inputs: inputs, output: out, store: NiftiVolumeStore())
        #expect(cases.filter { $0.label == 1 }.count == 2)
        for (input, record) in zip(inputs, cases) {
            let (original, inputHeader) = try Nifti.read(input)
            let (image, imageHeader) = try Nifti.read(out.appendingPathComponent("toy/\(record.name)"))
            let (mask, maskHeader) = try Nifti.read(out.appendingPathComponent("toy_label/pixel/\(record.name)"))
            #expect(imageHeader.datatype == .float32 && maskHeader.datatype == .uint8)
            #expect(imageHeader.sform == inputHeader.sform && maskHeader.qform == inputHeader.qform)
            #expect(image.dims == original.dims && mask.dims == original.dims)
            let sample = try String(contentsOf: out.appendingPathComponent("toy_label/sample/\(record.name).txt"), encoding: .utf8)
            let maskVoxels = mask.voxels.filter { $0 == 1 }.count
            #expect(mask.voxels.allSatisfy { $0 == 0 || $0 == 1 })
            #expect(sample == (maskVoxels > 0 ? "1" : "0") && maskVoxels == record.maskVoxels)
            var changed = 0
            for i in 0..<image.count {
                if mask.voxels[i] == 0 { #expect(image.voxels[i] == original.voxels[i]) }
                else if image.voxels[i] != original.voxels[i] { changed += 1 }
            }
            #expect(record.label == 0 || changed * 2 > maskVoxels)
        }
        let json = try Data(contentsOf: out.appendingPathComponent("toy_label/anomalies.json"))
        #expect(try JSONDecoder().decode([ToyCase].self, from: json) == cases)
    }
}
