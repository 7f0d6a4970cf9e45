public import Foundation
public import SeleksiCore

/// One participant's exam result as the node's signed results package reported it.
public struct ExamResult: Sendable, Hashable, Codable {
    public let participantNumber: String
    public let sessionID: String
    public let status: ResultsPackage.Status
    /// Why the proctor disqualified them.
    public let reason: String?
    /// The score per subtest code (`TWK`, `TIU`, `TKP`); empty for the absent.
    public let scores: [String: Int]
    public let total: Int?
    /// The rule set's pass decision as the node made it; nil for the absent.
    public let passed: Bool?
    public let startedAt: Int64?
    public let finishedAt: Int64?
    public let paperFingerprint: String
    public let answerLogDigest: String
    /// For a re-sit's result: the session whose result it replaces (`ResitRule.counting`).
    public let resitOf: String?

    public init(_ candidate: ResultsPackage.Candidate, session: String) {
        participantNumber = candidate.participantNumber
        sessionID = session
        status = candidate.status
        reason = candidate.reason
        scores = Dictionary((candidate.score?.subtests ?? []).map { ($0.subtest, $0.score) }, uniquingKeysWith: { first, _ in first })
        total = candidate.score?.total
        passed = candidate.score?.decision.passed
        startedAt = candidate.startedAt
        finishedAt = candidate.finishedAt
        paperFingerprint = candidate.paperFingerprint
        answerLogDigest = candidate.answerLogDigest
        resitOf = nil
    }

    public init(
        participantNumber: String,
        sessionID: String,
        status: ResultsPackage.Status,
        reason: String?,
        scores: [String: Int],
        total: Int?,
        passed: Bool?,
        startedAt: Int64?,
        finishedAt: Int64?,
        paperFingerprint: String,
        answerLogDigest: String,
        resitOf: String? = nil
    ) {
        self.participantNumber = participantNumber
        self.sessionID = sessionID
        self.status = status
        self.reason = reason
        self.scores = scores
        self.total = total
        self.passed = passed
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.paperFingerprint = paperFingerprint
        self.answerLogDigest = answerLogDigest
        self.resitOf = resitOf
    }
}

/// A node's results package as the portal received it, beside what was taken from it.
public struct StoredResultsPackage: Sendable, Hashable {
    public let sessionID: String
    public let nodeID: String
    /// `ResultsPackage.digest(payload:)`: SHA-256 of the payload as signed.
    public let digest: String
    /// The `SignedEnvelope`'s bytes exactly as received.
    public let envelope: Data
    public let candidates: Int
    public let importedAt: Int64
    public let importedBy: String

    public init(sessionID: String, nodeID: String, digest: String, envelope: Data, candidates: Int, importedAt: Int64, importedBy: String) {
        self.sessionID = sessionID
        self.nodeID = nodeID
        self.digest = digest
        self.envelope = envelope
        self.candidates = candidates
        self.importedAt = importedAt
        self.importedBy = importedBy
    }
}

/// How a results package reached the portal: kept beside it (`importedBy`) and in the audit log.
public enum ResultsArrival: Sendable, Hashable {
    /// A committee admin uploaded the file.
    case upload(StaffAccount)
    /// The node sent it itself (`/api/node/results`, or in-process under `seleksi serve`).
    case fromNode
    /// The portal asked the node for it (`seleksi handoff pull`).
    case pulled
    /// An operator imported the file on the portal's server (`seleksi handoff import`).
    case commandLine

    /// The admin, if an admin brought it.
    public var staff: StaffAccount? {
        if case .upload(let staff) = self { staff } else { nil }
    }

    /// Who brought it, in words, for the package's `importedBy`.
    func importedBy(node: String) -> String {
        switch self {
        case .upload(let staff): staff.username
        case .fromNode: "node:\(node)"
        case .pulled: "portal (ditarik dari node:\(node))"
        case .commandLine: "baris perintah server portal"
        }
    }
}

/// What importing a results package did.
public struct ResultsImport: Sendable, Hashable, Codable {
    public let sessionID: String
    public let nodeID: String
    public let candidates: Int
    public let digest: String
    /// The same package was imported before: nothing changed.
    public let unchanged: Bool

    public init(sessionID: String, nodeID: String, candidates: Int, digest: String, unchanged: Bool) {
        self.sessionID = sessionID
        self.nodeID = nodeID
        self.candidates = candidates
        self.digest = digest
        self.unchanged = unchanged
    }
}

/// A participant of the period as the ranking needs them.
public struct RankedApplicant: Sendable, Hashable {
    public let participantNumber: String
    public let name: String
    public let formationID: String
    /// The exam slot they were seated in; nil for one never seated.
    public let slotID: String?

    public init(participantNumber: String, name: String, formationID: String, slotID: String?) {
        self.participantNumber = participantNumber
        self.name = name
        self.formationID = formationID
        self.slotID = slotID
    }
}
