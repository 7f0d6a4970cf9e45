import Crypto
public import Foundation

/// What a node sends back when a session closes: per candidate the scores, the rule set's
/// pass decision, how the attempt ended, the paper's fingerprint and the answer log with
/// its digest (so a dispute can be settled at the centre), and the session's audit log.
/// Signed with the node's key as a `SignedEnvelope` of kind `results`.
public struct ResultsPackage: Sendable, Hashable, Codable {
    public static let kind = "results"

    /// How an attempt ended.
    public enum Status: String, Sendable, Hashable, Codable {
        case finished
        /// Never started (TH).
        case absent
        /// Stopped by the proctor, with the reason.
        case disqualified
    }

    /// One write of the answer log as the node received it.
    public struct LogLine: Sendable, Hashable, Codable {
        public let sequence: Int64
        public let item: String
        /// `answer`, `clear`, `doubt` or `undoubt`.
        public let kind: String
        public let option: String?
        /// When the node received it (milliseconds since 1970).
        public let at: Int64

        public init(sequence: Int64, item: String, kind: String, option: String?, at: Int64) {
            self.sequence = sequence
            self.item = item
            self.kind = kind
            self.option = option
            self.at = at
        }
    }

    public struct Candidate: Sendable, Hashable, Codable {
        public let participantNumber: String
        public let status: Status
        /// Why the proctor disqualified the candidate.
        public let reason: String?
        public let startedAt: Int64?
        public let finishedAt: Int64?
        /// The scores and the pass decision; nil for the absent.
        public let score: ScoreSheet?
        public let paperFingerprint: String
        /// `ResultsPackage.digest(of:)` of `answerLog`.
        public let answerLogDigest: String
        public let answerLog: [LogLine]

        public init(
            participantNumber: String,
            status: Status,
            reason: String?,
            startedAt: Int64?,
            finishedAt: Int64?,
            score: ScoreSheet?,
            paperFingerprint: String,
            answerLog: [LogLine]
        ) {
            self.participantNumber = participantNumber
            self.status = status
            self.reason = reason
            self.startedAt = startedAt
            self.finishedAt = finishedAt
            self.score = score
            self.paperFingerprint = paperFingerprint
            self.answerLogDigest = ResultsPackage.digest(of: answerLog)
            self.answerLog = answerLog
        }
    }

    /// A line of the session's audit log on the node.
    public struct AuditLine: Sendable, Hashable, Codable {
        public let at: Int64
        public let actor: String
        public let action: String
        public let participantNumber: String?
        public let details: String

        public init(at: Int64, actor: String, action: String, participantNumber: String?, details: String) {
            self.at = at
            self.actor = actor
            self.action = action
            self.participantNumber = participantNumber
            self.details = details
        }
    }

    public let periodID: String
    public let nodeID: String
    public let sessionID: String
    public let venue: String
    public let ruleSetID: String
    /// The roster package version the session ran, and the node's digest of that session's roster.
    public let rosterVersion: Int
    public let openedAt: Int64?
    public let closedAt: Int64
    public let candidates: [Candidate]
    public let audit: [AuditLine]

    public init(
        periodID: String,
        nodeID: String,
        sessionID: String,
        venue: String,
        ruleSetID: String,
        rosterVersion: Int,
        openedAt: Int64?,
        closedAt: Int64,
        candidates: [Candidate],
        audit: [AuditLine]
    ) {
        self.periodID = periodID
        self.nodeID = nodeID
        self.sessionID = sessionID
        self.venue = venue
        self.ruleSetID = ruleSetID
        self.rosterVersion = rosterVersion
        self.openedAt = openedAt
        self.closedAt = closedAt
        self.candidates = candidates
        self.audit = audit
    }

    /// The bytes that are signed (JSON, keys sorted).
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }

    /// SHA-256 (hex) over the answer log's JSON, keys sorted: what a dispute compares.
    public static func digest(of log: [LogLine]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Hex.encode(SHA256.hash(data: (try? encoder.encode(log)) ?? Data()))
    }

    /// SHA-256 (hex) of a package as signed: the envelope's payload bytes.
    public static func digest(payload: Data) -> String { Hex.encode(SHA256.hash(data: payload)) }
}
