import Foundation

/// The program that is running, for starting it again: sweep cells in child processes, SLURM scripts, the
/// re-execution that picks OpenBLAS's kernels.
public enum RunningExecutable {
    /// A path that `execv` runs this very program from: on Linux /proc/self/exe, which stays this
    /// program's file even if the path it was started from has been replaced since; elsewhere the file.
    public static var execPath: String {
        #if os(Linux)
        "/proc/self/exe"
        #else
        url.path
        #endif
    }

    /// The program's file with symbolic links resolved. Outside Linux, Foundation asks the system
    /// (on Apple platforms _NSGetExecutablePath), with the first argument as the last resort.
    public static var url: URL {
        #if os(Linux)
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        #else
        (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).resolvingSymlinksInPath()
        #endif
    }
}
