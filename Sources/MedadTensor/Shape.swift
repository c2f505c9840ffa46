import MedadSupport

/// Shape arithmetic and the checks behind every op. The throwing forms name the op and both shapes;
/// ops call `Shape.require`, which stops with that same message, since a wrong shape inside a model
/// is a programming error rather than bad user input.
public enum Shape {
    public static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Row-major strides.
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// NumPy broadcasting of two shapes.
    public static func broadcast(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            if pa[i] == pb[i] || pb[i] == 1 { out[i] = pa[i] }
            else if pa[i] == 1 { out[i] = pb[i] }
            else { throw MedadError("\(op): shapes \(a) and \(b) do not broadcast (axis \(i): \(pa[i]) vs \(pb[i]))") }
        }
        return out
    }

    /// A negative axis counts from the end, as in NumPy.
    public static func axis(_ axis: Int, rank: Int, op: String) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0 && resolved < rank else {
            throw MedadError("\(op): axis \(axis) is out of range for rank \(rank)")
        }
        return resolved
    }

    /// Stops with the thrown message: for checks whose failure is a bug in the calling model code.
    public static func require<T>(_ check: @autoclosure () throws -> T) -> T {
        do { return try check() } catch { preconditionFailure("\(error)") }
    }

    public static func requireEqual(_ a: [Int], _ b: [Int], op: String) {
        precondition(a == b, "\(op): shapes \(a) and \(b) must be equal")
    }
}
