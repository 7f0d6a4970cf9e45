public import Foundation
public import SeleksiCore

/// An exam node the committee registered: where it runs, where it is reached, and the
/// public key its results packages must be signed with.
public struct RegisteredNode: Sendable, Hashable, Codable {
    public var id: String
    /// The venues (`ExamSlot.venue`) whose sessions it runs.
    public var venues: [String]
    /// Its HTTPS address, for rosters pushed to it and results pulled from it.
    public var url: String
    /// Ed25519, 64 hexadecimal digits (`seleksi exam-node key`).
    public var publicKey: String
    public var registeredAt: Int64
    public var registeredBy: String

    public init(id: String, venues: [String], url: String, publicKey: String, registeredAt: Int64 = 0, registeredBy: String = "") {
        self.id = id
        self.venues = venues
        self.url = url
        self.publicKey = publicKey
        self.registeredAt = registeredAt
        self.registeredBy = registeredBy
    }
}

/// A participant with a seat, as a roster needs them.
public struct SeatedParticipant: Sendable, Hashable {
    public let slotID: String
    public let participantNumber: String
    public let name: String
    public let formationType: FormationType
    /// From the application (`ApplicationDraft.accommodations`).
    public let accommodations: [String]
    /// The session this seat is a granted re-sit of (`ResitRule`), if it is one.
    public let resitOf: String?
    /// A re-sit whose replaced session's results have not come in: until they do, that
    /// attempt may still be going on, so the re-sit is not sent to a node.
    public let resitWaiting: Bool

    public init(
        slotID: String,
        participantNumber: String,
        name: String,
        formationType: FormationType,
        accommodations: [String] = [],
        resitOf: String? = nil,
        resitWaiting: Bool = false
    ) {
        self.slotID = slotID
        self.participantNumber = participantNumber
        self.name = name
        self.formationType = formationType
        self.accommodations = accommodations
        self.resitOf = resitOf
        self.resitWaiting = resitWaiting
    }
}

/// A roster package as built and signed for a node.
public struct StoredRosterPackage: Sendable, Hashable {
    public let nodeID: String
    public let version: Int
    public let contentDigest: String
    /// The `SignedEnvelope`'s bytes, as sent.
    public let envelope: Data
    public let builtAt: Int64

    public init(nodeID: String, version: Int, contentDigest: String, envelope: Data, builtAt: Int64) {
        self.nodeID = nodeID
        self.version = version
        self.contentDigest = contentDigest
        self.envelope = envelope
        self.builtAt = builtAt
    }
}
