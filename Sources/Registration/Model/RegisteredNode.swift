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
