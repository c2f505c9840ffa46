import MedadAnomalies
import MedadSupport
import MedadTensor
import MedadVolumes

/// A training batch: images [B, 1, S, S] (patches [B, 1, P, P, P] for volumetric backbones) with
/// their pixel targets and per-pixel / per-image weights.
package struct SliceBatch {
    package var images: [Float] = []
    /// 0/1 pixel targets (synthetic or revealed masks; 0 for assumed-normal pixels).
    package var targets: [Float] = []
    /// Image targets: 1 when the slice holds a (synthetic or revealed) anomaly.
    package var labels: [Float] = []
    /// Which slices are unlabelled pool slices (their zeros are an assumption, not a label).
    var unlabelled: [Bool] = []
    var positions: [Float] = []
    /// One image's sides in tensor order ([S, S], or [P, P, P]).
    package let sides: [Int]
    /// Voxels of one image.
    package var voxels: Int { sides.reduce(1, *) }

    init(sides: [Int]) { self.sides = sides }

    package var count: Int { labels.count }

    mutating func append(image: [Float], target: [Float]?, label: Float, unlabelled: Bool, position: Float) {
        images += image
        targets += target ?? [Float](repeating: 0, count: voxels)
        labels.append(label)
        self.unlabelled.append(unlabelled)
        positions.append(position)
    }

    var imageTensor: Tensor { Tensor(shape: [count, 1] + sides, values: images) }
    var targetTensor: Tensor { Tensor(shape: [count, 1] + sides, values: targets) }
}

/// Draws batches from the training pool, shared by every method so they see the same slices per step.
/// With a volumetric backbone the pool holds whole volumes and every draw is a random patch of one
/// (PatchCrop), as nnU-Net samples them: around a random lesion voxel for revealed anomalies, around a
/// random tissue voxel otherwise.
package struct PoolSampler {
    let pool: [TrainingSlice]
    /// The images the sampler hands out, as `Volume` dims (x fastest): [S, S, 1], or [P, P, P].
    let sampleDims: [Int]
    let crop: PatchCrop?
    let generators: [AnomalyType]
    let generator: AnomalyGenerator
    /// Pool indices by what is revealed.
    let unlabelledOrNormal: [Int]
    /// The assumed normals with brain in them: a slice cut above the brain (scalp and skull only) has
    /// nowhere to hold a synthetic anomaly.
    let hosts: [Int]
    let labelledNormal: [Int]
    let labelledAnomalous: [Int]

    /// `patch`: the side of the patches cut from a pool of size³ volumes; nil for a pool of slices.
    package init(pool: [TrainingSlice], size: Int, patch: Int? = nil, generators: [AnomalyType]) throws {
        self.pool = pool
        if let patch {
            crop = PatchCrop(volume: [size, size, size], patch: [patch, patch, patch], pool: pool)
            sampleDims = [patch, patch, patch]
        } else {
            crop = nil
            sampleDims = [size, size, 1]
        }
        self.generators = generators
        generator = try AnomalyGenerator()
        unlabelledOrNormal = pool.indices.filter { pool[$0].assumedNormal }
        hosts = unlabelledOrNormal.filter { pool[$0].brain.contains(1) }
        labelledNormal = pool.indices.filter { pool[$0].label == 0 }
        labelledAnomalous = pool.indices.filter { pool[$0].label == 1 }
    }

    /// An empty batch of this sampler's images.
    func batch() -> SliceBatch { SliceBatch(sides: sampleDims.filter { $0 > 1 }.reversed()) }

    /// A random pool index of `indices`.
    func pick(_ indices: [Int], _ rng: inout SeededRandom) -> Int { indices[rng.nextInt(indices.count)] }

    /// One pool entry of `indices`: the slice itself, or a patch of the volume (centred on its revealed
    /// lesion when `onLesion`).
    func draw(_ indices: [Int], onLesion: Bool = false, _ rng: inout SeededRandom) -> TrainingSlice {
        let index = pick(indices, &rng)
        guard let crop else { return pool[index] }
        return crop.cut(pool[index], lesion: onLesion ? crop.lesions[index] : nil, &rng)
    }

    /// `count` slices of the unlabelled pool and labelled normals (the assumed-normal set); each turned
    /// into a synthetic anomaly of `data.generators` with probability `anomalyRate`.
    func normals(_ count: Int, anomalyRate: Double, into batch: inout SliceBatch, _ rng: inout SeededRandom) throws {
        for _ in 0..<count {
            if !generators.isEmpty && !hosts.isEmpty && rng.nextDouble() < anomalyRate {
                let slice = try synthetic(&rng)
                let target = slice.mask!
                batch.append(image: slice.image, target: target, label: target.contains { $0 > 0 } ? 1 : 0,
                             unlabelled: false, position: slice.position)
            } else {
                let slice = draw(unlabelledOrNormal, &rng)
                batch.append(image: slice.image, target: nil, label: 0, unlabelled: slice.label == nil,
                             position: slice.position)
            }
        }
    }

    /// An assumed-normal host with a synthetic anomaly of `data.generators` (its mask set). With volumes
    /// the anomaly is made on the whole host volume, and the patch is then cut around it: anomalies
    /// then have the scale they have in test volumes (the generators size them by the image's sides),
    /// as Marimont & Tarroni paste theirs before cropping (MOOD 2022). The donor volume is shifted
    /// circularly by a random offset first: the generators take the foreign content from the host's
    /// own location, which in another aligned brain is nearly the same tissue, while a 2D donor slice
    /// comes from any depth.
    private func synthetic(_ rng: inout SeededRandom) throws -> TrainingSlice {
        let host = pool[pick(hosts, &rng)], donor = pool[pick(unlabelledOrNormal, &rng)]
        let dims = crop?.volume ?? sampleDims
        var donorVolume = Volume(dims: dims, voxels: donor.image)
        if crop != nil { donorVolume = Preprocess.rolled(donorVolume, by: dims.map { rng.nextInt($0) }) }
        let made = try generator.make(oneOf: generators, on: Volume(dims: dims, voxels: host.image), foreground: host.brain,
                                      donor: donorVolume, random: &rng)
        let mask = made.maskVolume.voxels
        let whole = TrainingSlice(image: made.image.voxels, position: host.position, label: 1, mask: mask, brain: host.brain)
        guard let crop else { return whole }
        return crop.cut(whole, lesion: mask.indices.filter { mask[$0] > 0 }, &rng)
    }

    /// A batch of `count` slices for the methods that read revealed masks: round(revealedShare · count)
    /// revealed anomalies (at least one when the share is positive) with their masks as targets, of which
    /// round(transplanted · that) are transplanted into assumed-normal slices and the rest stay in their
    /// own slice; then assumed-normal slices, each carrying a synthetic anomaly with probability
    /// `syntheticRate`, for the rest (all of the batch when nothing is revealed).
    package func revealedBatch(_ count: Int, revealedShare: Double, transplanted: Double, syntheticRate: Double,
                               _ rng: inout SeededRandom) throws -> SliceBatch {
        var batch = self.batch()
        if revealedShare > 0 {
            let revealed = min(count, max(1, Int((revealedShare * Double(count)).rounded())))
            let moved = Int((transplanted * Double(revealed)).rounded())
            transplantedAnomalies(moved, into: &batch, &rng)
            labelledAnomalies(revealed - moved, into: &batch, &rng)
        }
        try normals(count - batch.count, anomalyRate: syntheticRate, into: &batch, &rng)
        return batch
    }

    /// `count` revealed anomalous slices as they are, each with its own mask as the target (none when
    /// nothing is revealed).
    func labelledAnomalies(_ count: Int, into batch: inout SliceBatch, _ rng: inout SeededRandom) {
        guard !labelledAnomalous.isEmpty else { return }
        for _ in 0..<count {
            let slice = draw(labelledAnomalous, onLesion: true, &rng)
            batch.append(image: slice.image, target: slice.mask, label: 1, unlabelled: false, position: slice.position)
        }
    }

    /// `count` revealed anomalies transplanted into assumed-normal slices (none when nothing is revealed):
    /// the masked voxels of a revealed anomalous slice replace the same voxels of another slice, and the
    /// mask is the target. A handful of labelled anomalies thus appear in many anatomical contexts instead
    /// of being memorised in their own; every method that reads labels gets them this way.
    func transplantedAnomalies(_ count: Int, into batch: inout SliceBatch, _ rng: inout SeededRandom) {
        guard !labelledAnomalous.isEmpty, !unlabelledOrNormal.isEmpty else { return }
        for _ in 0..<count {
            let anomaly = draw(labelledAnomalous, onLesion: true, &rng), host = draw(unlabelledOrNormal, &rng)
            guard let mask = anomaly.mask else { continue }
            var image = host.image
            for i in image.indices where mask[i] > 0.5 { image[i] = anomaly.image[i] }
            batch.append(image: image, target: mask, label: 1, unlabelled: false, position: host.position)
        }
    }
}
