import MedadSupport
import MedadTraining

/// Builds each method's model and, for training, its objective around that model.
enum MethodFactory {
    /// The scoring model with freshly initialised weights, seeded by the run seed.
    static func model(_ config: RunConfig) -> ScoringModel {
        var rng = SeededRandom(seed: config.seed).split(11)
        switch config.method.name {
        case .ae: return MapModel(config: config, reading: .reconstruction, withTeacher: false, rng: &rng)
        case .synth, .supervised: return MapModel(config: config, reading: .logits, withTeacher: false, rng: &rng)
        case .devnet: return MapModel(config: config, reading: .deviation, withTeacher: false, rng: &rng)
        case .semi: return MapModel(config: config, reading: .logits, withTeacher: config.method.teacher, rng: &rng)
        case .deepsad: return DeepSADModel(config: config, rng: &rng)
        case .intensity: return IntensityModel(config: config)
        }
    }

    /// The objective training `model` (built by `model(_:)` from the same config); nil for methods
    /// without trainable weights.
    static func objective(_ model: ScoringModel, context: MethodContext) -> MethodObjective? {
        switch (context.config.method.name, model) {
        case (.ae, let net as MapModel): return AutoencoderObjective(model: net, context: context)
        case (.synth, let net as MapModel): return SyntheticSegmentationObjective(model: net, context: context)
        case (.supervised, let net as MapModel): return SupervisedSegmentationObjective(model: net, context: context)
        case (.devnet, let net as MapModel): return DeviationNetworkObjective(model: net, context: context)
        case (.semi, let net as MapModel): return SemiSupervisedObjective(model: net, context: context)
        case (.deepsad, let net as DeepSADModel): return DeepSADObjective(model: net, context: context)
        default: return nil
        }
    }
}
