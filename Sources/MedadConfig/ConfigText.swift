/// Keys and values of a config as error messages quote them. A config may hold a string of many
/// megabytes; quoted whole, it would make the one error line as large.
public enum ConfigText {
    public static let quoteLimit = 80

    /// `text` itself when short, else its first `quoteLimit` characters, "…" and its length.
    public static func clipped(_ text: String) -> String {
        guard let cut = text.index(text.startIndex, offsetBy: quoteLimit, limitedBy: text.endIndex), cut < text.endIndex else {
            return text
        }
        return "\(text[..<cut])… (\(text.count) characters)"
    }
}
