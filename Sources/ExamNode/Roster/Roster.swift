public import SeleksiCore

/// One candidate of a session, as the portal's signed roster package gives them (a roster
/// is never typed at the venue). Personal data stays at the
/// portal: the node gets the participant number, the name, the formation type, the
/// accommodations and the digest of the access code on the exam card (the second login
/// factor). No NIK, no birth date.
public struct RosterEntry: Sendable, Hashable, Codable {
    public let participantNumber: String
    public let name: String
    public let formationType: FormationType
    /// `AccessCode.digest` of the code on the exam card.
    public let accessCodeDigest: String
    public let accommodations: [String]

    public init(participantNumber: String, name: String, formationType: FormationType, accessCodeDigest: String, accommodations: [String] = []) {
        self.participantNumber = participantNumber
        self.name = name
        self.formationType = formationType
        self.accessCodeDigest = accessCodeDigest
        self.accommodations = accommodations
    }
}
