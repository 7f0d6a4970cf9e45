public import Selection

/// A candidate's interview: their slot of a panel, the number of changes made to it (the
/// invitation's `SEQUENCE`), and when they moved it themselves (once at most).
public struct InterviewBooking: Sendable, Hashable, Codable {
    public let participantNumber: String
    public var slot: InterviewSlot
    /// 0 when first booked; one more for each change.
    public var sequence: Int
    public let bookedAt: Int64
    /// When the candidate moved it; nil while they have not.
    public var movedAt: Int64?

    public init(participantNumber: String, slot: InterviewSlot, sequence: Int = 0, bookedAt: Int64, movedAt: Int64? = nil) {
        self.participantNumber = participantNumber
        self.slot = slot
        self.sequence = sequence
        self.bookedAt = bookedAt
        self.movedAt = movedAt
    }

    /// The invitation's `UID`: the same for this interview through every change.
    public func uid(periodID: String) -> String { "wawancara-\(periodID)-\(participantNumber)@seleksi" }
}
