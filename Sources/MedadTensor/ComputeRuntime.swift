import CKernels
#if canImport(COpenBLAS)
import COpenBLAS
#endif
import Foundation
import MedadSupport

/// Threads and BLAS kernel choice for the whole process. The matrix products run on OpenBLAS, except on
/// Apple platforms, where they run on Accelerate (see Package.swift).
public enum ComputeRuntime {
    /// Debian's OpenBLAS 0.3.21 does not recognise recent AVX-512 CPUs and falls back to its oldest
    /// kernels (about 6x slower for sgemm). It reads OPENBLAS_CORETYPE only while the library loads,
    /// which happens before `main`, so the only way to choose for the user is to set the variable and
    /// re-execute once. A value the user set is always respected. Nothing to do with Accelerate.
    public static func reexecWithTunedBLASCoreIfNeeded() {
        #if canImport(COpenBLAS)
        guard getenv("OPENBLAS_CORETYPE") == nil, let core = preferredBLASCore() else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        execv(RunningExecutable.execPath, CommandLine.unsafeArgv)
        // exec failed (no /proc?): carry on with OpenBLAS's own choice, results are the same.
        #endif
    }

    /// The OpenBLAS core type that fits this CPU, or nil to let OpenBLAS decide.
    public static func preferredBLASCore() -> String? {
        if ck_cpu_has_avx512f() != 0 { return "SkylakeX" }
        if ck_cpu_has_avx2() != 0 { return "Haswell" }
        return nil
    }

    /// The kernel family OpenBLAS actually runs, e.g. "SkylakeX" or "Prescott"; "Accelerate" on Apple platforms.
    public static var blasCore: String {
        #if canImport(COpenBLAS)
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
        #else
        return "Accelerate"
        #endif
    }

    /// Sets the size of the one OpenMP team that runs every kernel and splits every matrix product
    /// (OpenBLAS itself stays single-threaded inside it).
    public static func setThreads(_ count: Int) {
        ck_set_num_threads(Int32(max(1, count)))
    }

    public static var threads: Int { Int(ck_get_max_threads()) }

    public static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }
}
