public import Foundation

/// Scores as candidates finish, sent by the node while the session runs (as CAT venues
/// show them on a screen), signed with the node's key as a `SignedEnvelope` of kind
/// `scores`. Provisional: the session's results package is what counts.
public struct LiveScores: Sendable, Hashable, Codable {
    public static let kind = "scores"

    public struct Entry: Sendable, Hashable, Codable {
        public let sessionID: String
        public let participantNumber: String
        /// Per subtest code.
        public let scores: [String: Int]
        public let total: Int
        /// The rule set's pass decision; nil when it has no passing grade.
        public let passed: Bool?
        public let finishedAt: Int64
        /// True: this score was sent before and the candidate has since been disqualified;
        /// the live page takes it down. Absent for a score.
        public let withdrawn: Bool?

        public init(
            sessionID: String,
            participantNumber: String,
            scores: [String: Int],
            total: Int,
            passed: Bool?,
            finishedAt: Int64,
            withdrawn: Bool? = nil
        ) {
            self.sessionID = sessionID
            self.participantNumber = participantNumber
            self.scores = scores
            self.total = total
            self.passed = passed
            self.finishedAt = finishedAt
            self.withdrawn = withdrawn
        }
    }

    public let periodID: String
    public let nodeID: String
    public let entries: [Entry]

    public init(periodID: String, nodeID: String, entries: [Entry]) {
        self.periodID = periodID
        self.nodeID = nodeID
        self.entries = entries
    }

    public func sealed(with key: SigningKey) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return SignedEnvelope.seal(kind: Self.kind, payload: (try? encoder.encode(self)) ?? Data(), key: key).encoded()
    }
}
