import Foundation
import MedadSupport

/// One case of the MOOD challenge's toy layout.
public struct MoodCase: Sendable, Equatable {
    /// File name of the image, e.g. "toy_0.nii.gz"; labels are found under the same name.
    public let name: String
    public let image: URL
    /// `toy_label/pixel/<name>`: voxel mask, if present.
    public let pixelLabel: URL?
    /// `toy_label/sample/<name>.txt`: 1 abnormal, 0 normal, if present.
    public let sampleLabel: Int?
}

/// The MOOD challenge toy layout (github.com/MIC-DKFZ/mood, scripts/evalresults.py):
/// `ROOT/toy/<name>.nii.gz` images, `ROOT/toy_label/pixel/<name>.nii.gz` voxel masks and
/// `ROOT/toy_label/sample/<name>.nii.gz.txt` holding 0 or 1 on the first line.
public enum MoodToySet {
    /// Cases of `images` (default ROOT/toy) with labels from `labels` (default ROOT/toy_label),
    /// sorted by name. Missing label files give nil labels; unreadable ones are errors.
    public static func cases(root: URL, images: URL? = nil, labels: URL? = nil) throws -> [MoodCase] {
        let imageFolder = images ?? root.appendingPathComponent("toy")
        let labelFolder = labels ?? root.appendingPathComponent("toy_label")
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: imageFolder.path)
                .filter { !$0.hasPrefix(".") && Nifti.isNiftiPath(URL(fileURLWithPath: $0)) }.sorted()
        } catch {
            throw MedadError("\(imageFolder.path): cannot list the MOOD image folder (\(error.localizedDescription))")
        }
        guard !names.isEmpty else { throw MedadError("\(imageFolder.path): no .nii.gz images in the MOOD image folder") }
        return try names.map { name in
            let pixel = labelFolder.appendingPathComponent("pixel").appendingPathComponent(name)
            let sample = labelFolder.appendingPathComponent("sample").appendingPathComponent(name + ".txt")
            return MoodCase(name: name, image: imageFolder.appendingPathComponent(name),
                            pixelLabel: FileManager.default.fileExists(atPath: pixel.path) ? pixel : nil,
                            sampleLabel: try FileManager.default.fileExists(atPath: sample.path) ? readSampleLabel(sample) : nil)
        }
    }

    /// The 0/1 on the first line of a sample label file.
    public static func readSampleLabel(_ url: URL) throws -> Int {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw MedadError("\(url.path): cannot read the sample label (\(error.localizedDescription))")
        }
        let first = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard let label = Int(first), label == 0 || label == 1 else {
            throw MedadError("\(url.path): sample label must be 0 or 1 on the first line, found '\(first.prefix(20))'")
        }
        return label
    }
}
