/// An interviewer's declaration that they may not interview a candidate (a relative, a
/// superior, a former student): the scheduler never seats them together, and a booking
/// already on one of their panels is withdrawn when they declare it.
public struct InterviewConflict: Sendable, Hashable, Codable {
    /// The interviewer's staff username.
    public let interviewer: String
    public let participantNumber: String
    public let reason: String
    public let declaredAt: Int64

    public init(interviewer: String, participantNumber: String, reason: String, declaredAt: Int64) {
        self.interviewer = interviewer
        self.participantNumber = participantNumber
        self.reason = reason
        self.declaredAt = declaredAt
    }
}
