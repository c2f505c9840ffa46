// A MOOD challenge submission (github.com/MIC-DKFZ/mood, docker_example and scripts/test_docker.py): an image
// whose /workspace holds run_{sample,pixel}_{brain,abdom}.sh, each called as `sh SCRIPT INPUT_DIR OUTPUT_DIR`
// on a read-only root, with the model weights baked in.
import Foundation
import MedadMethods
import MedadMetrics
import MedadSupport

/// The two data sets of the challenge, with the intensity preset each one's scripts pass to `medad predict`.
public enum MOODDataset: String, Sendable, CaseIterable {
    case brain, abdom

    /// The `medad predict --preset` of its scripts: percentile scaling for MRI, the abdomen soft-tissue
    /// window for CT.
    public var preset: IntensityPreset { self == .brain ? .mriPercentile : .ctAbdomen }
}

/// Writes a directory that `docker build` turns into a MOOD submission image:
/// ```
/// DIR/Dockerfile                  multi-stage: swift toolchain builds medad, slim Debian runs it
/// DIR/run_{sample,pixel}_{brain,abdom}.sh
/// DIR/models/{brain,abdom}/       the trained runs (resume checkpoints left out)
/// DIR/source/                     Package.swift, Package.resolved, Sources/, Tests/ of medad
/// DIR/README.md
/// ```
public enum SubmissionDirectory {
    /// Swift toolchain image of the build stage; the runtime stage uses the same Debian release, so the
    /// shared libraries the binary was linked against are the ones installed next to it.
    public static let toolchainImage = "swift:6.3-bookworm"
    public static let runtimeImage = "debian:bookworm-slim"
    /// Runtime packages: OpenBLAS (pthread build), libnifti's niftiio and znz, LLVM's OpenMP, zlib, libstdc++.
    public static let runtimePackages = ["libopenblas0-pthread", "libniftiio2", "libznz3", "libomp5", "zlib1g", "libstdc++6"]
    public static let buildPackages = ["libopenblas-dev", "libnifti-dev", "libomp-dev"]

    /// Script file names, in the order MOOD lists them.
    public static func scriptName(task: MOODTask, dataset: MOODDataset) -> String {
        "run_\(task.rawValue)_\(dataset.rawValue).sh"
    }

    /// Builds the directory at `output` (which must not exist or be empty) from the two trained runs and
    /// medad's source tree. `checkModel` loads each copied model, so a directory is only produced when its
    /// baked-in weights load. Written beside `output` and renamed into place: never half a directory.
    public static func write(models: [MOODDataset: URL], source: URL, to output: URL,
                             checkModel: (URL) throws -> Void) throws {
        guard FileManager.default.fileExists(atPath: source.appendingPathComponent("Package.swift").path),
              FileManager.default.fileExists(atPath: source.appendingPathComponent("Sources/medad").path) else {
            throw MedadError("\(source.path): not medad's source tree (expected Package.swift and Sources/medad; pass --source)")
        }
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: output.path), !existing.isEmpty {
            throw MedadError("\(output.path): the output directory exists and is not empty")
        }
        let staging = output.deletingLastPathComponent()
            .appendingPathComponent(".\(output.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        try? FileManager.default.removeItem(at: staging)
        do {
            try fill(staging, models: models, source: source, checkModel: checkModel)
            try? FileManager.default.removeItem(at: output)   // only ever an empty directory here
            try FileManager.default.moveItem(at: staging, to: output)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            if error is MedadError { throw error }
            throw MedadError("\(output.path): cannot write the submission directory (\(error.localizedDescription))")
        }
    }

    private static func fill(_ directory: URL, models: [MOODDataset: URL], source: URL, checkModel: (URL) throws -> Void) throws {
        let files = FileManager.default
        try files.createDirectory(at: directory.appendingPathComponent("models"), withIntermediateDirectories: true)
        for dataset in MOODDataset.allCases {
            guard let run = models[dataset] else { throw MedadError("no model given for the \(dataset.rawValue) data set") }
            let copy = directory.appendingPathComponent("models").appendingPathComponent(dataset.rawValue)
            try copyRun(run, to: copy)
            try checkModel(copy)
        }
        let sourceCopy = directory.appendingPathComponent("source")
        try files.createDirectory(at: sourceCopy, withIntermediateDirectories: true)
        for item in ["Package.swift", "Package.resolved", "Sources", "Tests"]
        where files.fileExists(atPath: source.appendingPathComponent(item).path) {
            try files.copyItem(at: source.appendingPathComponent(item), to: sourceCopy.appendingPathComponent(item))
        }
        for task in MOODTask.allCases {
            for dataset in MOODDataset.allCases {
                let script = directory.appendingPathComponent(scriptName(task: task, dataset: dataset))
                try AtomicFile.write(self.script(task: task, dataset: dataset), to: script)
                try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
            }
        }
        try AtomicFile.write(dockerfile(), to: directory.appendingPathComponent("Dockerfile"))
        try AtomicFile.write(readme(), to: directory.appendingPathComponent("README.md"))
    }

    /// A run directory without its resume checkpoint (`checkpoints/last.*`: weights, EMA weights and
    /// optimizer state, which prediction never reads), or a single checkpoint file with its sidecar.
    private static func copyRun(_ run: URL, to copy: URL) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: run.path, isDirectory: &isFolder) else {
            throw MedadError("\(run.path): model not found (expected a run directory)")
        }
        guard isFolder.boolValue else {
            throw MedadError("\(run.path): a submission needs a run directory (config, calibration and checkpoints), not a single file")
        }
        try FileManager.default.copyItem(at: run, to: copy)
        let checkpoints = copy.appendingPathComponent("checkpoints")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path)) ?? [] where name.hasPrefix("last.") {
            try FileManager.default.removeItem(at: checkpoints.appendingPathComponent(name))
        }
    }

    /// POSIX sh (MOOD runs `sh SCRIPT IN OUT`). The model path is relative to the script, so the same
    /// scripts run inside the image (/workspace) and from the submission directory on a development
    /// machine; `MEDAD_BIN` points them at a locally built binary.
    public static func script(task: MOODTask, dataset: MOODDataset) -> String {
        """
        #!/bin/sh
        # MOOD \(task.rawValue) task, \(dataset.rawValue) data: sh \(scriptName(task: task, dataset: dataset)) INPUT_DIR OUTPUT_DIR
        # Writes one prediction per INPUT_DIR/*.nii.gz into OUTPUT_DIR. The image's root is read-only, so
        # temporary files go to the output folder. MEDAD_BIN overrides the binary (default: medad on PATH).
        set -eu
        if [ "$#" -ne 2 ]; then
            echo "usage: $0 INPUT_DIR OUTPUT_DIR" >&2
            exit 2
        fi
        here=$(dirname "$0")
        export TMPDIR="$2"
        exec "${MEDAD_BIN:-medad}" predict --task \(task.rawValue) --input "$1" --output "$2" \\
            --model "$here/models/\(dataset.rawValue)" --preset \(dataset.preset.rawValue)

        """
    }

    public static func dockerfile() -> String {
        let scripts = MOODTask.allCases.flatMap { task in MOODDataset.allCases.map { scriptName(task: task, dataset: $0) } }
        return """
        # MOOD challenge submission of medad, written by `medad mood package`.
        # Build: docker build -t mood-medad .    Run as MOOD does:
        #   docker run --read-only -v IN:/mnt/data:ro -v OUT:/mnt/pred mood-medad sh /workspace/run_pixel_brain.sh /mnt/data /mnt/pred

        # Stage 1: the Swift toolchain builds the release binary from the copied source. The Swift runtime
        # and Foundation are linked statically, so the runtime image needs no toolchain.
        # Packages are not pinned to versions (hadolint DL3008): Debian security updates replace them within
        # bookworm, whose sonames stay fixed, and a pinned version would stop resolving.
        FROM \(toolchainImage) AS build
        # hadolint ignore=DL3008
        RUN apt-get update \\
         && apt-get install -y --no-install-recommends \(buildPackages.joined(separator: " ")) \\
         && rm -rf /var/lib/apt/lists/*
        WORKDIR /build
        COPY source/ ./
        RUN swift build -c release --product medad --static-swift-stdlib \\
         && install -D -m 0755 "$(swift build -c release --show-bin-path)/medad" /out/medad

        # Stage 2: slim runtime with the shared libraries the binary links against.
        FROM \(runtimeImage)
        # hadolint ignore=DL3008
        RUN apt-get update \\
         && apt-get install -y --no-install-recommends \(runtimePackages.joined(separator: " ")) \\
         && rm -rf /var/lib/apt/lists/* \\
         && mkdir -p /mnt/data /mnt/pred
        COPY --from=build /out/medad /usr/local/bin/medad
        COPY models/ /workspace/models/
        COPY \(scripts.joined(separator: " ")) /workspace/
        RUN chmod 0755 /workspace/*.sh
        WORKDIR /workspace

        """
    }

    static func readme() -> String {
        """
        # MOOD submission (medad)

        Written by `medad mood package`. Build the image and test it with the challenge's script:

        ```sh
        docker build -t mood-medad .
        python scripts/test_docker.py -d mood-medad -i DATA -t pixel --no_gpu True   # from github.com/MIC-DKFZ/mood
        ```

        `DATA` holds `brain/toy`, `brain/toy_label`, `abdom/toy`, `abdom/toy_label`.

        | script | task | data | preset |
        |---|---|---|---|
        \(MOODTask.allCases.flatMap { task in MOODDataset.allCases.map { dataset in
            "| `\(scriptName(task: task, dataset: dataset))` | \(task.rawValue) | \(dataset.rawValue) | `\(dataset.preset.rawValue)` |"
        } }.joined(separator: "\n"))

        Each script is `sh SCRIPT INPUT_DIR OUTPUT_DIR`: every `INPUT_DIR/*.nii.gz` gets `OUTPUT_DIR/<name>.nii.gz`
        (pixel: a float32 map in [0, 1] with the input's header) or `OUTPUT_DIR/<name>.nii.gz.txt` (sample: one
        number in [0, 1]). A file that cannot be read is reported on stderr and skipped; the exit status is then
        non-zero ("N of M files failed"). `TMPDIR` is set to the output folder, so the image runs with `--read-only`.

        Without Docker, the scripts run from this directory with a locally built binary:

        ```sh
        MEDAD_BIN=/path/to/.build/release/medad sh run_pixel_brain.sh DATA/brain/toy /tmp/pred
        ```

        - `models/brain`, `models/abdom`: the trained runs (resume checkpoints left out).
        - `source/`: the medad source the image is built from.
        - The C kernels run on any x86-64 CPU: their hot loops pick AVX-512, AVX2 or the baseline when they load.

        """
    }
}
