public import Foundation
public import SeleksiCore

/// A closed session's results package: made once, signed with the node's key, kept, and
/// the same bytes every time it is sent (so the portal can tell a repeat from a change).
extension ExamService {
    /// The session's signed results package (a `SignedEnvelope` of kind `results`), made
    /// now if the session has closed and none was made yet.
    public func resultsPackage(session id: String) async throws -> Data {
        if let kept = try await store.read({ tx in try tx.resultsPackage(session: id) }) { return kept }
        guard let key = settings.signingKey else {
            throw ExamNodeError("no-node-key", kind: .internal, "Node ini tidak punya kunci penanda tangan; paket hasil tidak dapat dibuat.")
        }
        let package = try await store.read { tx in try Self.results(tx, session: id) }
        let payload = package.encoded()
        let digest = ResultsPackage.digest(payload: payload)
        let envelope = SignedEnvelope.seal(kind: ResultsPackage.kind, payload: payload, key: key).encoded()
        let now = clock.nowMilliseconds()
        return try await store.write { tx in
            if try tx.insertResultsPackage(session: id, digest: digest, envelope: envelope, at: now) {
                try Self.audit(tx, now, actor: "sistem", "results-package", session: id, details: "\(package.candidates.count) peserta, digest \(digest)")
            }
            return try tx.resultsPackage(session: id) ?? envelope
        }
    }

    /// The signed results packages the portal has not yet acknowledged.
    public func undeliveredResults() async throws -> [(session: String, envelope: Data)] {
        try await store.read { tx in try tx.undeliveredResults() }
    }

    /// The portal has the session's results package (it answered the push, or said it had it).
    public func markResultsDelivered(session id: String) async throws {
        let now = clock.nowMilliseconds()
        try await store.write { tx in try tx.markResultsDelivered(session: id, at: now) }
    }

    /// What the package says: every candidate of the session, as their attempt ended.
    static func results(_ tx: any ExamStoreReading, session id: String) throws -> ResultsPackage {
        guard let basis = try tx.resultsBasis(session: id) else { throw ExamNodeError.unknownSession }
        guard basis.session.state == "closed", let closedAt = basis.closedAt else {
            throw ExamNodeError("session-not-closed", kind: .conflict, "Sesi \(id) belum ditutup; paket hasil dibuat setelah sesi ditutup.")
        }
        guard let version = basis.rosterVersion, let period = basis.periodID, let node = basis.nodeID else {
            throw ExamNodeError(
                "not-from-portal",
                kind: .conflict,
                "Daftar peserta sesi \(id) tidak berasal dari paket portal; hasilnya tidak dapat dikirim sebagai paket hasil."
            )
        }
        let logs = try tx.answerLogs(session: id)
        let candidates = try tx.results(session: id).map { result in
            let status: ResultsPackage.Status =
                switch result.finishReason {
                case "absent": .absent
                case "disqualified": .disqualified
                default: .finished
                }
            // One the node could not finish (its problem is on the proctor's list) has no result yet.
            guard result.finishedAt != nil, status != .finished || result.score != nil else {
                throw ExamNodeError(
                    "unfinished-attempts",
                    kind: .conflict,
                    "Peserta \(result.participant) di sesi \(id) belum selesai dinilai; paket hasil dibuat setelah semua selesai."
                )
            }
            return ResultsPackage.Candidate(
                participantNumber: result.participant,
                status: status,
                reason: result.disqualifiedReason,
                startedAt: result.startedAt,
                finishedAt: result.finishedAt,
                score: status == .absent ? nil : result.score,
                paperFingerprint: result.fingerprint,
                answerLog: logs[result.participant] ?? []
            )
        }
        return ResultsPackage(
            periodID: period,
            nodeID: node,
            sessionID: id,
            venue: basis.session.venue,
            ruleSetID: basis.session.ruleSetID,
            rosterVersion: version,
            openedAt: basis.session.openedAt,
            closedAt: closedAt,
            candidates: candidates,
            audit: try tx.auditEntries(session: id).map {
                ResultsPackage.AuditLine(at: $0.at, actor: $0.actor, action: $0.action, participantNumber: $0.participantNumber, details: $0.details)
            }
        )
    }
}
