import MedadNN
import MedadSupport
import MedadTensor

/// The backbone's own part of an encoder: stride-4 features of the shared stem to the deeper levels.
public protocol EncoderBody: Module {
    /// Levels this body adds, each deeper than stride 4.
    var levels: [FeatureLevel] { get }
    func callAsFunction(_ stride4: FeatureMap) -> [FeatureMap]
}

/// Every zoo encoder, and what every backbone is to the methods: images [B, 1, H, W] (volumes
/// [B, 1, D, H, W] in 3D) to a feature pyramid, finest level first, from the shared convolutional
/// stem (strides 2 and 4) and then the backbone's body (stride 8). Every side must be a multiple of
/// the deepest stride.
public final class PyramidEncoder: Module {
    @Key("stem") public private(set) var stem: ConvStem
    @Key("body") public private(set) var body: any EncoderBody
    public let dims: Int

    /// `conditioning`: the size of a per-sample vector the stem's normalisations take (0: none); the
    /// body is never conditioned.
    public init(dims: Int = 2, body makeBody: (inout SeededRandom) -> any EncoderBody, conditioning: Int = 0,
                rng: inout SeededRandom) {
        self.dims = dims
        super.init()
        stem = ConvStem(dims: dims, conditioning: conditioning, rng: &rng)
        body = makeBody(&rng)
    }

    public var levels: [FeatureLevel] { ConvStem.levels(dims: dims) + body.levels }

    /// The coarsest level: the one-class and image-level methods read their embeddings from it.
    public var deepest: FeatureLevel { levels.last! }

    /// Images whose sides are multiples of this are accepted.
    public var inputMultiple: Int { deepest.stride }

    public func features(_ images: Tensor, conditioning: Tensor? = nil) -> [FeatureMap] {
        precondition(images.rank == dims + 2 && images.shape[1] == 1 && images.shape[2...].allSatisfy { $0 % inputMultiple == 0 },
                     "encoder: input \(images.shape) must be [B, 1] and \(dims) sides, each a multiple of \(inputMultiple)")
        let stem = self.stem(images, conditioning: conditioning)
        return stem + body(stem.last!)
    }
}
