// Runs the C selective scan on Swift arrays: owns the C buffers, poisons outputs, scratch and
// gradient buffers with NaN so that a kernel reading them before writing (or accumulating into
// them) fails the comparisons.
import CKernels

/// Float storage with a stable address for the length of one kernel call.
final class FloatBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(_ values: [Float]) {
        count = values.count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(from: values, count: count)
    }

    convenience init(poisoned count: Int) { self.init([Float](repeating: .nan, count: count)) }

    var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    deinit { pointer.deallocate() }
}

struct KernelScanResult {
    var out: [Float]
    var grads: ScanGradients<Float>
    /// dz when z is absent / ddelta_bias when the bias is absent: must stay untouched (NaN).
    var unusedGradientsUntouched: Bool
}

/// The inputs of one case as C buffers, alive as long as this value.
struct KernelScanInputs {
    let buffers: [FloatBuffer?]
    var inputs: ck_scan_inputs

    init(_ c: ScanCase<Float>) {
        let u = FloatBuffer(c.u), delta = FloatBuffer(c.delta), A = FloatBuffer(c.A)
        let Bm = FloatBuffer(c.Bm), Cm = FloatBuffer(c.Cm)
        let D = c.D.map(FloatBuffer.init), z = c.z.map(FloatBuffer.init), bias = c.deltaBias.map(FloatBuffer.init)
        buffers = [u, delta, A, Bm, Cm, D, z, bias]
        inputs = ck_scan_inputs(B: Int32(c.B), L: Int32(c.L), Dch: Int32(c.Dch), N: Int32(c.N),
                                delta_softplus: c.softplus ? 1 : 0,
                                u: u.pointer, delta: delta.pointer, A: A.pointer, Bm: Bm.pointer, Cm: Cm.pointer,
                                D: D?.pointer, z: z?.pointer, delta_bias: bias?.pointer)
    }
}

enum KernelScan {
    /// Inference path: forward without checkpoints.
    static func forward(_ c: ScanCase<Float>) -> [Float] {
        var held = KernelScanInputs(c)
        let out = FloatBuffer(poisoned: c.B * c.L * c.Dch)
        ck_selective_scan_forward(&held.inputs, out.pointer, nil)
        withExtendedLifetime(held) {}
        return out.array
    }

    static func run(_ c: ScanCase<Float>, dout: [Float]) -> KernelScanResult {
        let (B, L, Dch, N) = (Int32(c.B), Int32(c.L), Int32(c.Dch), Int32(c.N))
        let BLD = c.B * c.L * c.Dch, BLN = c.B * c.L * c.N
        var held = KernelScanInputs(c)
        let out = FloatBuffer(poisoned: BLD)
        let checkpoints = FloatBuffer(poisoned: ck_selective_scan_checkpoint_floats(B, L, Dch, N))
        let scratch = FloatBuffer(poisoned: ck_selective_scan_scratch_floats(B, L, Dch, N))
        ck_selective_scan_forward(&held.inputs, out.pointer, checkpoints.pointer)

        let g = FloatBuffer(dout)
        let du = FloatBuffer(poisoned: BLD), ddelta = FloatBuffer(poisoned: BLD), dA = FloatBuffer(poisoned: c.Dch * c.N)
        let dBm = FloatBuffer(poisoned: BLN), dCm = FloatBuffer(poisoned: BLN)
        let dD = FloatBuffer(poisoned: c.Dch), dz = FloatBuffer(poisoned: BLD), dbias = FloatBuffer(poisoned: c.Dch)
        var grads = ck_scan_grads(du: du.pointer, ddelta: ddelta.pointer, dA: dA.pointer, dBm: dBm.pointer,
                                  dCm: dCm.pointer, dD: dD.pointer, dz: dz.pointer, ddelta_bias: dbias.pointer)
        ck_selective_scan_backward(&held.inputs, g.pointer, checkpoints.pointer, scratch.pointer, &grads)

        // The C calls only see raw pointers: keep every buffer alive until both have returned.
        withExtendedLifetime((held, g, checkpoints, scratch)) {}
        let untouched = (c.z != nil || dz.array.allSatisfy(\.isNaN))
            && (c.deltaBias != nil || dbias.array.allSatisfy(\.isNaN))
            && (c.D != nil || dD.array.allSatisfy(\.isNaN))
        return KernelScanResult(
            out: out.array,
            grads: ScanGradients(du: du.array, ddelta: ddelta.array, dA: dA.array, dBm: dBm.array, dCm: dCm.array,
                                 dD: c.D == nil ? nil : dD.array, dz: c.z == nil ? nil : dz.array,
                                 ddeltaBias: c.deltaBias == nil ? nil : dbias.array),
            unusedGradientsUntouched: untouched)
    }
}
