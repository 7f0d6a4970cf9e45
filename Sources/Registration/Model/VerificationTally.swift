/// How the submitted applications of a period stand, which an admin confirms before the
/// administrative result is announced.
public struct VerificationTally: Sendable, Hashable {
    public let submitted: Int
    public let ms: Int
    public let tms: Int
    public var undecided: Int { submitted - ms - tms }

    public init(submitted: Int, ms: Int, tms: Int) {
        self.submitted = submitted
        self.ms = ms
        self.tms = tms
    }
}
