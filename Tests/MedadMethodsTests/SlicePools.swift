import MedadMethods

/// Hand-made training pools for the batch tests of the label-reading methods.
enum SlicePools {
    /// A pool of 8 × 8 slices, each image constant at its index: two revealed anomalous slices with
    /// their masks, two unlabelled and one revealed normal slice, and a slice of an anomalous volume
    /// without its mask (neither anomalous nor normal, so never drawn).
    static let revealed: [TrainingSlice] = {
        let brain = [UInt8](repeating: 1, count: 64)
        func image(_ index: Int) -> [Float] { [Float](repeating: Float(index), count: 64) }
        let masks = [(0..<64).map { Float($0 < 5 ? 1 : 0) }, (0..<64).map { Float($0 % 9 == 0 ? 1 : 0) }]
        return [
            TrainingSlice(image: image(0), position: 0.2, label: 1, mask: masks[0], brain: brain),
            TrainingSlice(image: image(1), position: 0.4, label: nil, mask: nil, brain: brain),
            TrainingSlice(image: image(2), position: 0.6, label: 1, mask: masks[1], brain: brain),
            TrainingSlice(image: image(3), position: 0.8, label: 0, mask: nil, brain: brain),
            TrainingSlice(image: image(4), position: 0.5, label: nil, mask: nil, brain: brain),
            TrainingSlice(image: image(5), position: 0.5, label: nil, mask: nil, inAnomalousVolume: true, brain: brain),
        ]
    }()
}
