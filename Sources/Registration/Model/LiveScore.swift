/// One candidate's score as their node sent it on finishing (provisional: the session's
/// results package counts), for the live page.
public struct LiveScore: Sendable, Hashable, Codable {
    /// The event's id (its order on the live page); 0 before it is stored.
    public let id: Int64
    public let sessionID: String
    public let participantNumber: String
    public let name: String
    public let scores: [String: Int]
    public let total: Int
    public let passed: Bool?
    public let finishedAt: Int64
    /// A withdrawal: the score shown before is taken down (the candidate was disqualified).
    public let withdrawn: Bool

    public init(
        id: Int64 = 0,
        sessionID: String,
        participantNumber: String,
        name: String,
        scores: [String: Int],
        total: Int,
        passed: Bool?,
        finishedAt: Int64,
        withdrawn: Bool = false
    ) {
        self.id = id
        self.sessionID = sessionID
        self.participantNumber = participantNumber
        self.name = name
        self.scores = scores
        self.total = total
        self.passed = passed
        self.finishedAt = finishedAt
        self.withdrawn = withdrawn
    }
}
