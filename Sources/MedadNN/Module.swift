import MedadSupport
import MedadTensor

/// A parameter as optimizers see it: its hierarchical name, the tensor updated in place, and whether
/// weight decay applies to it.
public struct NamedParameter {
    public let name: String
    public let tensor: Tensor
    public let decays: Bool

    public init(name: String, tensor: Tensor, decays: Bool) {
        self.name = name
        self.tensor = tensor
        self.decays = decays
    }
}

/// Base class of layers and models, in the spirit of mlx-swift: subclasses declare their parameters
/// and children as properties marked with their checkpoint key (`@Key("weight")`), and are found by
/// reflection, so there is nothing to register.
///
/// Naming rules (depth-first in declaration order, superclass properties first):
/// - a keyed `Tensor` (or `Tensor?` when set) is a parameter named by its key;
/// - a keyed `Module` (or `Module?`) is a child whose names are prefixed with `key.`;
/// - keyed `[Module]` / `[Tensor]` entries are named `key.0`, `key.1`, …;
/// - keyed `[String: Module]` entries are named `key.name`, names in sorted order.
/// A stored tensor or module without a key stops the program with its property named: checkpoint
/// names must never follow a Swift rename silently. Keep constants in other types (e.g. `[Float]`).
/// Optimizers and `load` update parameters in place, never replace them, so set each one only in `init`.
/// A tensor or module reachable twice (weight tying) is listed once, under its first name.
open class Module {
    /// Training mode (dropout active); `eval()` turns it off for the whole tree.
    public private(set) var isTraining = true
    private var weightDecayExcluded = Set<ObjectIdentifier>()

    public init() {}

    /// Sets training mode on this module and every descendant.
    public func train(_ training: Bool = true) {
        for (_, module) in namedModules() { module.isTraining = training }
    }

    /// Evaluation mode (dropout off) for this module and every descendant.
    public func eval() { train(false) }

    /// Flags parameters of this module that weight decay must skip (e.g. Mamba's `A_log` and `D`).
    /// Biases (any parameter whose own name is `bias`) are always skipped, flagged or not.
    public func excludeFromWeightDecay(_ tensors: Tensor...) {
        for tensor in tensors { weightDecayExcluded.insert(ObjectIdentifier(tensor)) }
    }

    /// This module and all descendants with their names ("" for this one), parents before children.
    public func namedModules() -> [(String, Module)] {
        var result: [(String, Module)] = []
        var seen = Set<ObjectIdentifier>()
        walk(prefix: "", seen: &seen, module: { result.append(($0, $1)) }, tensor: { _, _, _, _ in })
        return result
    }

    /// Every parameter with its hierarchical name, e.g. `encoder.stages.0.conv1.weight`, in a stable order.
    public func namedParameters() -> [(String, Tensor)] {
        parameterEntries().map { ($0.name, $0.tensor) }
    }

    /// The parameters an optimizer updates: those requiring a gradient, with their weight-decay flag.
    public func trainableParameters() -> [NamedParameter] {
        parameterEntries().filter { $0.tensor.requiresGrad }
    }

    public func parameter(named name: String) -> Tensor? {
        namedParameters().first { $0.0 == name }?.1
    }

    /// Number of scalar parameters.
    public var parameterCount: Int {
        namedParameters().reduce(0) { $0 + $1.1.count }
    }

    /// Copies the given values into the parameters in place (so optimizers holding them stay valid).
    /// Mis-shaped names are always an error; missing and unexpected names are errors when `strict`.
    /// All problems are reported together in one `MedadError`; nothing is changed when it throws.
    public func load(parameters: [String: Tensor], strict: Bool = true) throws {
        let own = namedParameters()
        let ownNames = Set(own.map { $0.0 })
        let missing = own.map { $0.0 }.filter { parameters[$0] == nil }
        let unexpected = parameters.keys.filter { !ownNames.contains($0) }.sorted()
        let misshaped = own.compactMap { name, tensor -> String? in
            guard let given = parameters[name], given.shape != tensor.shape else { return nil }
            return "\(name) (expected \(tensor.shape), got \(given.shape))"
        }
        var problems: [String] = []
        if strict && !missing.isEmpty { problems.append("missing " + nameListing(missing)) }
        if strict && !unexpected.isEmpty { problems.append("unexpected " + nameListing(unexpected)) }
        if !misshaped.isEmpty { problems.append("mis-shaped " + nameListing(misshaped)) }
        guard problems.isEmpty else {
            if let known = knownForeignLayout(Set(parameters.keys)) { throw MedadError(known) }
            throw MedadError("cannot load parameters: " + problems.joined(separator: "; "))
        }
        for (name, tensor) in own {
            guard let given = parameters[name] else { continue }
            given.withBuffer { source in
                tensor.withMutableBuffer { $0.baseAddress!.update(from: source.baseAddress!, count: source.count) }
            }
        }
    }

    /// A module whose checkpoint layout has changed overrides this to recognise the old layout in
    /// `names` (relative to the module) and say what it is, so that loading an old file fails with
    /// that one line instead of a list of missing names.
    open func describeForeignLayout(_ names: Set<String>) -> String? { nil }

    /// The first description a module of this tree gives of the names under its prefix.
    private func knownForeignLayout(_ names: Set<String>) -> String? {
        for (prefix, module) in namedModules() {
            let relative = prefix.isEmpty ? names : Set(names.compactMap { name in
                name.hasPrefix(prefix + ".") ? String(name.dropFirst(prefix.count + 1)) : nil
            })
            if !relative.isEmpty, let description = module.describeForeignLayout(relative) { return description }
        }
        return nil
    }

    private func parameterEntries() -> [NamedParameter] {
        var result: [NamedParameter] = []
        var seenModules = Set<ObjectIdentifier>(), seenTensors = Set<ObjectIdentifier>()
        walk(prefix: "", seen: &seenModules, module: { _, _ in }, tensor: { owner, label, name, tensor in
            guard seenTensors.insert(ObjectIdentifier(tensor)).inserted else { return }
            let excluded = label == "bias" || owner.weightDecayExcluded.contains(ObjectIdentifier(tensor))
            result.append(NamedParameter(name: name, tensor: tensor, decays: !excluded))
        })
        return result
    }

    /// Depth-first over stored properties in declaration order; each module is visited once.
    /// `tensor` gets the owning module, the property label, the full name and the tensor.
    private func walk(prefix: String, seen: inout Set<ObjectIdentifier>, module visitModule: (String, Module) -> Void,
                      tensor visitTensor: (Module, String, String, Tensor) -> Void) {
        guard seen.insert(ObjectIdentifier(self)).inserted else { return }
        visitModule(prefix, self)
        for (key, value) in keyedProperties() {
            let name = prefix.isEmpty ? key : prefix + "." + key
            if let tensor = value as? Tensor {
                visitTensor(self, key, name, tensor)
            } else if let module = value as? Module {
                module.walk(prefix: name, seen: &seen, module: visitModule, tensor: visitTensor)
            } else if let tensors = value as? [Tensor] {
                for (index, tensor) in tensors.enumerated() { visitTensor(self, key, "\(name).\(index)", tensor) }
            } else if let modules = value as? [Module] {
                for (index, module) in modules.enumerated() {
                    module.walk(prefix: "\(name).\(index)", seen: &seen, module: visitModule, tensor: visitTensor)
                }
            } else if let modules = value as? [String: Module] {
                for key in modules.keys.sorted() {
                    modules[key]!.walk(prefix: "\(name).\(key)", seen: &seen, module: visitModule, tensor: visitTensor)
                }
            }
        }
    }

    /// The keyed properties of the whole class chain, base class first, as (key, value).
    private func keyedProperties() -> [(String, Any)] {
        storedProperties().compactMap { label, value in
            if let keyed = value as? KeyedProperty { return (keyed.name, keyed.value) }
            precondition(!Module.holdsParameters(value),
                         "\(type(of: self)).\(label) holds a tensor or module without a checkpoint key; declare it with @Key(\"name\")")
            return nil
        }
    }

    private static func holdsParameters(_ value: Any) -> Bool {
        value is Tensor || value is Module || value is [Tensor] || value is [Module] || value is [String: Module]
    }

    /// Stored properties of the whole class chain, base class first; lazy storage and the like skipped.
    private func storedProperties() -> [(String, Any)] {
        var mirrors: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let current = mirror {
            mirrors.append(current)
            mirror = current.superclassMirror
        }
        return mirrors.reversed().flatMap { mirror in
            mirror.children.compactMap { child -> (String, Any)? in
                guard let label = child.label, !label.hasPrefix("$") else { return nil }
                return (label, child.value)
            }
        }
    }
}

/// Names joined for an error line, capped so a wrong checkpoint cannot print thousands of names.
func nameListing(_ names: [String]) -> String {
    let shown = names.prefix(8).joined(separator: ", ")
    return "\(names.count): " + shown + (names.count > 8 ? ", … (\(names.count - 8) more)" : "")
}
