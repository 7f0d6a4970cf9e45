/// A published announcement as the store lists it (its file is read separately).
public struct StoredAnnouncement: Sendable, Hashable, Codable {
    public let stage: String
    public let version: Int
    public let digest: String
    public let previousDigest: String?
    /// `Announcement.contentDigest`: an unchanged result is not a new version.
    public let contentDigest: String
    public let publishedAt: Int64
    public let createdAt: Int64
    public let createdBy: String
    public let rows: Int

    public init(
        stage: String,
        version: Int,
        digest: String,
        previousDigest: String?,
        contentDigest: String,
        publishedAt: Int64,
        createdAt: Int64,
        createdBy: String,
        rows: Int
    ) {
        self.stage = stage
        self.version = version
        self.digest = digest
        self.previousDigest = previousDigest
        self.contentDigest = contentDigest
        self.publishedAt = publishedAt
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.rows = rows
    }
}
