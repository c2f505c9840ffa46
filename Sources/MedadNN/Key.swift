/// Declares the name a parameter or child module has in checkpoints, independently of the Swift
/// property that holds it, as mlx-swift's `@ModuleInfo(key:)` does: renaming the property never
/// changes a checkpoint's format.
///
///     @Key("qkv") public private(set) var queryKeyValue: Linear
///
/// The value is given where the property is declared, or set once in `init` after `super.init()` (the
/// wrapper then starts empty, so the class is initialised before its parameters are made). Every stored `Tensor`, `Module`, or array or
/// dictionary of them in a `Module` must carry a key; `Module` stops with a message naming the
/// property that does not.
@propertyWrapper
public struct Key<Value> {
    public let name: String
    private var storage: Value?

    public init(_ name: String) {
        precondition(!name.isEmpty && !name.contains("."), "a checkpoint key is one non-empty name without dots, got \"\(name)\"")
        self.name = name
    }

    /// `@Key("scale") var scale = Tensor(…)`: a value given where the property is declared.
    public init(wrappedValue: Value, _ name: String) {
        self.init(name)
        storage = wrappedValue
    }

    public var wrappedValue: Value {
        get {
            guard let storage else { preconditionFailure("the property keyed \"\(name)\" is read before it is set") }
            return storage
        }
        set { storage = newValue }
    }
}

/// What `Module`'s walk reads from a `Key` without knowing its value type.
protocol KeyedProperty {
    var name: String { get }
    var value: Any { get }
}

extension Key: KeyedProperty {
    var value: Any { wrappedValue }
}
