public import SeleksiCore

/// One exam session as an observer follows it: who is seated, and what its node reported.
public struct SessionProgress: Sendable, Hashable, Codable {
    public let sessionID: String
    public let venue: String
    public let location: String
    public let startsAt: Int64
    public let timeZone: IndonesianTimeZone
    public let seated: Int
    /// The node whose venue it is; nil while no node is registered for it.
    public let nodeID: String?
    /// Set once its results package is in.
    public let results: ReportedResults?

    public struct ReportedResults: Sendable, Hashable, Codable {
        public let digest: String
        public let receivedAt: Int64
        public let finished: Int
        public let absent: Int
        public let disqualified: Int
    }
}

/// A published score checked against the node's signed results package it came from.
public struct ScoreCheck: Sendable, Hashable, Codable {
    public let participantNumber: String
    public let announcementVersion: Int
    public let announcementDigest: String
    /// As published.
    public let publishedScores: [String: Int]?
    public let publishedTotal: Int?
    public let publishedCode: String
    /// The package: its session, node, signing key and digest; nil when the participant has none (never seated).
    public let sessionID: String?
    public let nodeID: String?
    public let keyID: String?
    public let packageDigest: String?
    /// The node's signature verifies with the key registered for it now.
    public let signatureValid: Bool
    /// The score, status and answer-log digest in the package agree with what was published.
    public let matches: Bool
    /// What disagrees, in words; empty when everything matches.
    public let problems: [String]
}
