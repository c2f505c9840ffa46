import MedadSupport
import MedadTensor

/// Dropout with probability `p` while training, the identity in eval mode (PyTorch's nn.Dropout).
/// Each layer draws its masks from its own generator, seeded from the one given at construction,
/// so a run is reproducible from the model seed.
public final class Dropout: Module {
    public let probability: Float
    private var rng: SeededRandom

    public init(_ probability: Float, rng: inout SeededRandom) {
        precondition(probability >= 0 && probability <= 1, "Dropout probability must be in [0, 1], got \(probability)")
        self.probability = probability
        self.rng = SeededRandom(seed: rng.next())
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        dropout(x, probability: probability, training: isTraining, rng: &rng)
    }
}
