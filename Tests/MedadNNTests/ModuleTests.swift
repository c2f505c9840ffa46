import Foundation
import MedadNN
import MedadSupport
import MedadTensor
import Testing

private final class Leaf: Module {
    @Key("weight") var weight: Tensor
    @Key("bias") var bias: Tensor?

    init(_ size: Int, bias: Bool = true) {
        super.init()
        weight = Tensor(shape: [size, 2], repeating: 1)
        self.bias = bias ? Tensor(shape: [size], repeating: 0) : nil
        weight.requiresGrad = true
        self.bias?.requiresGrad = true
    }
}

private final class Net: Module {
    @Key("stem") var stem = Leaf(3)
    @Key("stages") var stages = [Leaf(1), Leaf(2, bias: false)]
    @Key("scale") var scale = Tensor(shape: [1], repeating: 2)
    @Key("head") var head: Leaf? = nil
    @Key("branches") var branches: [String: Leaf] = ["b": Leaf(1, bias: false), "a": Leaf(1, bias: false)]
    @Key("decay") var decay = Tensor(shape: [2], repeating: 0)
    let counter = 3

    override init() {
        super.init()
        scale.requiresGrad = true
        excludeFromWeightDecay(decay)
    }
}

@Suite struct ModuleTests {
    @Test func namesFollowDeclarationOrderAndNesting() {
        let names = Net().namedParameters().map(\.0)
        #expect(names == ["stem.weight", "stem.bias", "stages.0.weight", "stages.0.bias", "stages.1.weight", "scale",
                          "branches.a.weight", "branches.b.weight", "decay"])
    }

    @Test func lookupCountAndTrainableSubset() {
        let net = Net()
        #expect(net.parameter(named: "stages.1.weight")?.shape == [2, 2])
        #expect(net.parameter(named: "stages.1.bias") == nil)
        #expect(net.parameterCount == 6 + 3 + 2 + 1 + 4 + 1 + 2 + 2 + 2)
        // `decay` does not require a gradient, so optimizers never see it.
        #expect(!net.trainableParameters().map(\.name).contains("decay"))
    }

    @Test func biasesAndFlaggedTensorsSkipWeightDecay() {
        let net = Net()
        net.decay.requiresGrad = true
        let skipped = net.trainableParameters().filter { !$0.decays }.map(\.name)
        #expect(skipped == ["stem.bias", "stages.0.bias", "decay"])
    }

    @Test func trainAndEvalReachEveryDescendant() {
        let net = Net()
        net.eval()
        #expect(net.namedModules().allSatisfy { !$0.1.isTraining })
        #expect(net.namedModules().count == 1 + 1 + 2 + 2)
        net.train()
        #expect(net.stages[1].isTraining && net.branches["a"]!.isTraining)
    }

    @Test func tiedTensorsAreListedOnce() {
        final class Tied: Module {
            @Key("first") var first = Leaf(1)
            @Key("second") var second: Leaf
            override init() {
                super.init()
                second = first
            }
        }
        #expect(Tied().namedParameters().map(\.0) == ["first.weight", "first.bias"])
    }

    @Test func loadCopiesInPlace() throws {
        let net = Net()
        let weight = net.stem.weight
        var values = Dictionary(uniqueKeysWithValues: net.namedParameters().map { ($0.0, $0.1.copy()) })
        values["stem.weight"] = Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 6])
        try net.load(parameters: values)
        #expect(net.stem.weight === weight)
        #expect(weight.values == [1, 2, 3, 4, 5, 6])
    }

    @Test func loadReportsEveryProblemAtOnceAndChangesNothing() {
        let net = Net()
        var values = Dictionary(uniqueKeysWithValues: net.namedParameters().map { ($0.0, $0.1.copy()) })
        values["stem.bias"] = nil
        values["scale"] = nil
        values["stem.extra"] = Tensor(shape: [1])
        values["stages.0.weight"] = Tensor(shape: [2, 1], repeating: 9)
        values["stem.weight"] = Tensor(shape: [3, 2], repeating: 7)
        #expect(throws: MedadError("cannot load parameters: missing 2: stem.bias, scale; unexpected 1: stem.extra; "
                                   + "mis-shaped 1: stages.0.weight (expected [1, 2], got [2, 1])")) {
            try net.load(parameters: values)
        }
        #expect(net.stem.weight.values == [1, 1, 1, 1, 1, 1])
    }

    @Test func nonStrictLoadSkipsMissingAndUnexpectedButNotMisshaped() throws {
        let net = Net()
        try net.load(parameters: ["scale": Tensor(shape: [1], values: [5]), "other": Tensor(shape: [1])], strict: false)
        #expect(net.scale.values == [5])
        #expect(throws: MedadError.self) {
            try net.load(parameters: ["scale": Tensor(shape: [2])], strict: false)
        }
    }
}

@Suite struct ModuleArrayTests {
    @Test func tensorArraysAreNumberedAndSubclassPropertiesFollowTheBase() {
        class Base: Module {
            @Key("taps") var taps = [Tensor(shape: [1]), Tensor(shape: [2])]
        }
        final class Derived: Base {
            @Key("extra") var extra = Tensor(shape: [3])
            lazy var cached = Tensor(shape: [4])
        }
        let module = Derived()
        _ = module.cached
        #expect(module.namedParameters().map(\.0) == ["taps.0", "taps.1", "extra"])
    }
}

@Suite struct LoadErrorLengthTests {
    @Test func longListsAreCapped() {
        final class Many: Module {
            @Key("taps") var taps = (0..<12).map { _ in Tensor(shape: [1]) }
        }
        #expect(throws: MedadError("cannot load parameters: missing 12: taps.0, taps.1, taps.2, taps.3, taps.4, taps.5, taps.6, taps.7, … (4 more)")) {
            try Many().load(parameters: [:])
        }
    }
}

@Suite struct CheckpointKeyTests {
    /// The same layer twice, its properties named differently: the keys alone decide the checkpoint.
    fileprivate final class Before: Module {
        @Key("proj") var projection = Tensor(shape: [2], values: [1, 2])
        @Key("inner") var child = Leaf(1)
    }
    fileprivate final class AfterRename: Module {
        @Key("proj") var outputProjection = Tensor(shape: [2], values: [0, 0])
        @Key("inner") var renamedChild = Leaf(1)
    }

    @Test func renamingAPropertyKeepsTheCheckpointFormat() throws {
        #expect(Before().namedParameters().map(\.0) == ["proj", "inner.weight", "inner.bias"])
        #expect(AfterRename().namedParameters().map(\.0) == Before().namedParameters().map(\.0))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("medad-keys-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("before.safetensors")
        try Before().save(to: url)
        let renamed = AfterRename()
        try renamed.load(from: url)
        #expect(renamed.outputProjection.values == [1, 2])
    }

    @Test func aParameterWithoutAKeyStopsTheProgram() async {
        await #expect(processExitsWith: .failure) {
            final class Unkeyed: Module {
                let weight = Tensor(shape: [1])
            }
            _ = Unkeyed().namedParameters()
        }
    }

    @Test func aKeyedModuleNeverSetStopsTheProgram() async {
        await #expect(processExitsWith: .failure) {
            final class Unset: Module {
                @Key("weight") var weight: Tensor
            }
            _ = Unset().namedParameters()
        }
    }
}
