import Foundation
import MedadConfig
import MedadMethods
import MedadMetrics
import MedadSupport
import MedadVolumes

/// `medad bench predict`: the time and peak memory of predicting one MOOD-sized volume file the way
/// `medad predict` does (read, preprocess, slice-wise inference, calibrate, write the map).
public enum PredictionBenchmark {
    public struct Result: Sendable {
        public let dims: [Int]
        /// Read + predict + write of the file.
        public let seconds: Double
        /// The model's share: `VolumePredictor.predict` alone.
        public let predictSeconds: Double
        /// VmHWM over the timed prediction only (the peak is reset before it), nil without /proc.
        public let peakResidentBytes: Int?
    }

    /// A run trained for one step on twenty 32³ phantoms: its weights are as good as random, but its
    /// inference path, input size and cost are those of any run with the same backbone and size.
    /// `overrides`: `--set` assignments applied to the run config (e.g. method.name=ddpm).
    public static func throwawayRun(backbone: String, inputSize: Int, axis: Int, overrides: [String] = [],
                                    directory: URL) throws -> URL {
        let config = JSONValue.object(JSONObject([
            ("name", .string("bench-predict")), ("backbone", .string(backbone)),
            ("data", .object(JSONObject([
                ("source", .string("phantom")), ("size", .number(Double(inputSize))), ("axis", .number(Double(axis))),
                ("phantom", .object(JSONObject([("subjects", .number(20)), ("volume_size", .number(32))]))),
            ]))),
            ("method", .object(JSONObject([("name", .string("ae"))]))),
            ("train", .object(JSONObject([("steps", .number(1)), ("batch", .number(2)), ("warmup", .number(0)),
                                          ("val_every", .number(1)), ("checkpoint_every", .number(1))]))),
        ]))
        _ = try Runs.train(config: ConfigComposition.apply(overrides, to: config), source: "bench predict", directory: directory,
                           resume: false, progress: .silent)
        return directory
    }

    /// A brain phantom of `size`³ written as float32 .nii.gz into `folder` (the tissue labels are not kept).
    public static func phantomFile(size: Int, folder: URL) throws -> URL {
        let url = folder.appendingPathComponent("bench_\(size).nii.gz")
        try Nifti.write(Phantom.brain(size: size, seed: 0, index: 0).image, to: url)
        return url
    }

    /// Predicts `file` into `scratch` as the pixel task, with the peak-memory counter reset first.
    public static func run(file: URL, predictor: VolumePredictor, preset: IntensityPreset, scratch: URL) throws -> Result {
        ProcessMemory.resetPeakResident()
        var predictSeconds = 0.0, dims: [Int] = []
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try MOODPrediction.predictFile(file, to: scratch.appendingPathComponent(file.lastPathComponent), task: .pixel) { volume in
            dims = volume.dims
            let begin = DispatchTime.now().uptimeNanoseconds
            defer { predictSeconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9 }
            return try predictor.predict(volume, preset: preset)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Result(dims: dims, seconds: seconds, predictSeconds: predictSeconds,
                      peakResidentBytes: ProcessMemory.peakResidentBytes())
    }

}
