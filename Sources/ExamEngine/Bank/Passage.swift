/// A stimulus several items share: a reading passage, a table or a figure. An item
/// that names it (`passage:` in the bank) is shown with it on every paper; what a
/// candidate sees of it is part of each of its items' fingerprints.
public struct Passage: Sendable, Hashable {
    public let id: String
    /// Bump it when the text or a figure changes (the items' fingerprints change anyway).
    public let version: Int
    /// Plain text, or `ItemMarkup` written out again from its checked parts when `markup`.
    public let text: String
    public let markup: Bool
    /// The bank images it shows (paths relative to the bank folder), in order.
    public let images: [String]
    public let origin: SourceLocation

    public init(id: String, version: Int, text: String, markup: Bool = false, images: [String] = [], origin: SourceLocation) {
        self.id = id
        self.version = version
        self.text = text
        self.markup = markup
        self.images = images
        self.origin = origin
    }
}
