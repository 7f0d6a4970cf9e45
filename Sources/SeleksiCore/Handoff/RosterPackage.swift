import Crypto
public import Foundation

/// What the portal sends a node: the sessions it will run (one per exam slot of its
/// venues) and their participants. Nothing personal beyond the name: no NIK, no birth
/// date, no documents; the access code travels only as its digest. Versioned per node;
/// signed as a `SignedEnvelope` of kind `roster`.
public struct RosterPackage: Sendable, Hashable, Codable {
    public static let kind = "roster"

    public struct Participant: Sendable, Hashable, Codable {
        public let participantNumber: String
        public let name: String
        public let formationType: FormationType
        /// Accommodation names of the rule set (for example `tunanetra`).
        public let accommodations: [String]
        /// `AccessCode.digest` of the code on the exam card.
        public let accessCodeDigest: String
        /// For a re-sit a committee admin granted after an incident: the session whose
        /// attempt this one replaces (the participant may stay in its roster). Absent otherwise.
        public let resitOf: String?

        public init(
            participantNumber: String,
            name: String,
            formationType: FormationType,
            accommodations: [String],
            accessCodeDigest: String,
            resitOf: String? = nil
        ) {
            self.participantNumber = participantNumber
            self.name = name
            self.formationType = formationType
            self.accommodations = accommodations
            self.accessCodeDigest = accessCodeDigest
            self.resitOf = resitOf
        }
    }

    public struct Session: Sendable, Hashable, Codable {
        /// The exam slot's code; the node's session id.
        public let id: String
        public let venue: String
        public let timeZone: IndonesianTimeZone
        public let ruleSetID: String
        public let scheduledStart: Int64
        public let scheduledEnd: Int64
        public let participants: [Participant]

        public init(
            id: String,
            venue: String,
            timeZone: IndonesianTimeZone,
            ruleSetID: String,
            scheduledStart: Int64,
            scheduledEnd: Int64,
            participants: [Participant]
        ) {
            self.id = id
            self.venue = venue
            self.timeZone = timeZone
            self.ruleSetID = ruleSetID
            self.scheduledStart = scheduledStart
            self.scheduledEnd = scheduledEnd
            self.participants = participants
        }
    }

    public let periodID: String
    public let nodeID: String
    /// The id of the target node's own key (`PublicSigningKey.id`): a node imports only
    /// packages made for it, so no proctor can load another venue's roster.
    public let nodeKeyID: String
    public let version: Int
    public let createdAt: Int64
    public let sessions: [Session]

    public init(periodID: String, nodeID: String, nodeKeyID: String, version: Int, createdAt: Int64, sessions: [Session]) {
        self.periodID = periodID
        self.nodeID = nodeID
        self.nodeKeyID = nodeKeyID
        self.version = version
        self.createdAt = createdAt
        self.sessions = sessions
    }

    /// The bytes that are signed (JSON, keys sorted); the node reads these same bytes back.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }

    /// A digest of what the node is asked to run (sessions and participants), leaving out
    /// the version and the time of building: an unchanged roster is not a new version.
    public var contentDigest: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode([periodID, nodeID, nodeKeyID])) ?? Data()
        return Hex.encode(SHA256.hash(data: body + ((try? encoder.encode(sessions)) ?? Data())))
    }
}
