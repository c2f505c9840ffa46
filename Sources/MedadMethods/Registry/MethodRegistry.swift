import MedadConfig
import MedadSupport

/// Every method medad knows, by the name configs use. Adding a method is a folder under Methods/
/// and one line here.
enum MethodRegistry {
    static let methods: [any AnomalyMethod.Type] = [
        AutoencoderMethod.self,
        SyntheticSegmentationMethod.self,
        DeepSADMethod.self,
        DeviationNetworkMethod.self,
        SemiSupervisedMethod.self,
        IntensityMethod.self,
        SupervisedMethod.self,
        DiffusionMethod.self,
    ]

    static var names: [String] { methods.map { $0.name } }

    static func method(named name: String) -> (any AnomalyMethod.Type)? {
        methods.first { $0.name == name }
    }
}

/// A method as `medad methods` lists it: its parameters with their defaults, read from the method's
/// own config reading, so the listing cannot drift from what configs accept.
public struct MethodDescription: Sendable {
    public struct Parameter: Sendable {
        public let key: String
        public let defaultValue: String
        public let expected: String
        public let help: String
    }
    public let name: String
    public let summary: String
    public let usesLabels: Bool
    public let defaultLearningRate: Double?
    /// Why the method trains 2D backbones only; nil when volumetric ones train too.
    public let planarOnly: String?
    public let parameters: [Parameter]

    /// Every registered method, in registry order.
    public static var all: [MethodDescription] {
        MethodRegistry.methods.map { method in
            // Every parameter has a default, so an empty section reads; nothing here can fail.
            let reader = try! ConfigReader(.object(JSONObject()), path: "method", source: "defaults")
            _ = try! method.init(reader)
            return MethodDescription(
                name: method.name, summary: method.summary, usesLabels: method.usesLabels,
                defaultLearningRate: method.defaultLearningRate, planarOnly: method.planarOnly,
                parameters: reader.resolved.map { read in
                    Parameter(key: read.key, defaultValue: read.value.canonical, expected: read.expected,
                              help: method.parameterHelp[read.key] ?? "")
                })
        }
    }
}
