/// How the submitted applications of a period stand, which an admin confirms before the
/// administrative result is announced.
public struct VerificationTally: Sendable, Hashable {
    public let submitted: Int
    public let ms: Int
    public let tms: Int
    public var undecided: Int { submitted - ms - tms }
    /// `AnnouncementRule.decisionsDigest` of these decisions: what an announcement confirms.
    public let decisions: String

    public init(submitted: Int, ms: Int, tms: Int, decisions: String) {
        self.submitted = submitted
        self.ms = ms
        self.tms = tms
        self.decisions = decisions
    }
}
