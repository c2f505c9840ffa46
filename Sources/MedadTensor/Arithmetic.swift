import CKernels

/// Elementwise arithmetic with NumPy broadcasting. Gradients are folded back to each input's shape.
extension Tensor {
    private enum Arithmetic: String {
        case add = "+", subtract = "-", multiply = "*", divide = "/"

        var code: Int32 {
            switch self {
            case .add: CK_ADD
            case .subtract: CK_SUB
            case .multiply: CK_MUL
            case .divide: CK_DIV
            }
        }
    }

    private static func arithmetic(_ op: Arithmetic, _ a: Tensor, _ b: Tensor) -> Tensor {
        let shape = Shape.require(try Shape.broadcast(a.shape, b.shape, op: "operator \(op.rawValue)"))
        let out = broadcastKernel(op.code, a, b, shape: shape)
        let result = out.storage  // not `out` itself: its node holds this closure
        return record(op.rawValue, out, inputs: [a, b]) { g in
            func fold(_ t: @autoclosure () -> Tensor, _ input: Tensor) -> Tensor? {
                input.requiresGrad ? t().summed(toShape: input.shape) : nil
            }
            switch op {
            case .add: return [fold(g, a), fold(g, b)]
            case .subtract: return [fold(g, a), fold(-g, b)]
            case .multiply: return [fold(g * b, a), fold(g * a, b)]
            case .divide:
                // d(a/b)/db = -(a/b)/b: reuses the forward result.
                return [fold(g / b, a), fold(-(g * Tensor(shape: shape, sharing: result)) / b, b)]
            }
        }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { arithmetic(.add, a, b) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { arithmetic(.subtract, a, b) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { arithmetic(.multiply, a, b) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { arithmetic(.divide, a, b) }

    public static func + (a: Tensor, b: Float) -> Tensor { arithmetic(.add, a, .scalar(b)) }
    public static func - (a: Tensor, b: Float) -> Tensor { arithmetic(.subtract, a, .scalar(b)) }
    public static func * (a: Tensor, b: Float) -> Tensor { arithmetic(.multiply, a, .scalar(b)) }
    public static func / (a: Tensor, b: Float) -> Tensor { arithmetic(.divide, a, .scalar(b)) }

    public static func + (a: Float, b: Tensor) -> Tensor { arithmetic(.add, .scalar(a), b) }
    public static func - (a: Float, b: Tensor) -> Tensor { arithmetic(.subtract, .scalar(a), b) }
    public static func * (a: Float, b: Tensor) -> Tensor { arithmetic(.multiply, .scalar(a), b) }
    public static func / (a: Float, b: Tensor) -> Tensor { arithmetic(.divide, .scalar(a), b) }

    public static prefix func - (a: Tensor) -> Tensor { arithmetic(.multiply, a, .scalar(-1)) }
}
