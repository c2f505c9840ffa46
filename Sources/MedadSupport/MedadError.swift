/// The one error type users see: a single line naming the file, key or value and what was expected.
/// The CLI prints `message` and exits non-zero; nothing user-facing may trap instead.
public struct MedadError: Error, CustomStringConvertible, Equatable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
