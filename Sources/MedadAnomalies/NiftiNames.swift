import Foundation

/// Names derived from NIfTI file names.
public enum NiftiNames {
    /// The file name without ".nii.gz" or ".nii": the subject (case) id of a volume.
    public static func stem(of url: URL) -> String {
        var stem = url.lastPathComponent
        for suffix in [".nii.gz", ".nii"] where stem.hasSuffix(suffix) {
            stem.removeLast(suffix.count)
            break
        }
        return stem
    }
}
