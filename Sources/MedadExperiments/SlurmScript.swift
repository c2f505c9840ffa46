import Foundation
import MedadConfig

/// A SLURM job-array script for a sweep: array task k runs cell k with `medad sweep run --only`, into
/// a shared runs folder. Cells already finished there are skipped by the task itself, so the same
/// script can be resubmitted after failures or time-outs.
public enum SlurmScript {
    /// `workingDirectory` is where the tasks run: the folder the script was written from, since run
    /// configs name data folders relative to it and sbatch would otherwise use wherever it is called.
    /// `cells` must not be empty (an array of no tasks cannot be submitted).
    public static func text(experiment: Experiment, cells: [SweepCell], executable: String, root: URL,
                            workingDirectory: URL, cpus: Int, hours: Int) -> String {
        precondition(!cells.isEmpty, "a SLURM array needs at least one cell")
        let ids = cells.map { "  \($0.id)" }.joined(separator: "\n")
        let log = "\(root.path)/\(experiment.name)/slurm-%A_%a.log"
        return """
        #!/usr/bin/env bash
        # SLURM job array for experiment \(experiment.name): one array task per cell, \(cells.count) cells.
        # Submit with: sbatch <this file>. Results go to \(root.path)/\(experiment.name)/<cell id>/ (a shared folder).
        #SBATCH --job-name=medad-\(experiment.name)
        #SBATCH --array=0-\(cells.count - 1)
        #SBATCH --cpus-per-task=\(cpus)
        #SBATCH --time=\(hours):00:00
        #SBATCH --chdir=\(sbatchQuoted(workingDirectory.path))
        #SBATCH --output=\(sbatchQuoted(log))
        set -euo pipefail
        CELLS=(
        \(ids)
        )
        exec \(shellQuoted(executable)) sweep run \(shellQuoted(experiment.url.path)) \\
          --only "${CELLS[$SLURM_ARRAY_TASK_ID]}" --runs \(shellQuoted(root.path)) --threads "${SLURM_CPUS_PER_TASK}"

        """
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// sbatch splits `#SBATCH` lines at blanks unless the value is in double quotes.
    static func sbatchQuoted(_ text: String) -> String {
        text.contains(where: { $0 == " " || $0 == "\t" }) ? "\"\(text)\"" : text
    }
}
