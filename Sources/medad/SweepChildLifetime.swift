import Foundation
import MedadExperiments

/// Makes a `sweep run --jobs N` child stoppable and bound to its parent. Foundation starts children
/// from Dispatch threads, whose signal mask may block SIGTERM, and a child inherits the mask (a `--jobs
/// 3` child was seen ignoring SIGTERM). Unmended, a kill of the sweep stopped the parent only and its
/// children went on training their cells unseen, so a restarted sweep trained the same cell twice into
/// the same folder.
enum SweepChildLifetime {
    static func start() {
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        guard let value = getenv(ProcessCellExecutor.parentVariable), let parent = pid_t(String(cString: value)) else { return }
        // A parent killed outright cannot stop its children; each child notices its reparenting instead.
        // Its cell resumes from the last checkpoint when the sweep is run again (writes are atomic).
        Thread.detachNewThread {
            while getppid() == parent { usleep(200_000) }
            _exit(128 + SIGTERM)
        }
    }
}
