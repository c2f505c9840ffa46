import Foundation
import MedadSupport
import MedadTensor

extension Module {
    /// Saves every parameter under its hierarchical name as a safetensors file (atomically).
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        let tensors = Dictionary(uniqueKeysWithValues: namedParameters())
        try SafeTensors.write(SafeTensors.Content(tensors: tensors, metadata: metadata), to: url)
    }

    /// Loads parameters from a safetensors file (see `load(parameters:strict:)`); returns its metadata.
    @discardableResult
    public func load(from url: URL, strict: Bool = true) throws -> [String: String] {
        let content = try SafeTensors.read(url)
        do {
            try load(parameters: content.tensors, strict: strict)
        } catch let error as MedadError {
            throw MedadError("\(url.path): \(error.message)")
        }
        return content.metadata
    }
}
