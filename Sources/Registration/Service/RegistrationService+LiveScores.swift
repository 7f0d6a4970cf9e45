public import Foundation
import SeleksiCore

/// Live scores: what the nodes send as candidates finish, and what the live page reads.
extension RegistrationService {
    /// Keeps a node's batch of scores (a `SignedEnvelope` of kind `scores`), signed by the
    /// node registered for each session's venue; an entry for someone not seated in that
    /// session is left out (the results package is what counts). A withdrawn entry (the
    /// candidate was disqualified after finishing) takes their score down. How many were new.
    public func importLiveScores(_ data: Data) async throws -> (accepted: Int, ignored: Int, sessions: Set<String>) {
        let period = try await period()
        let (node, batch, _) = try await fromNode(
            data,
            as: LiveScores.self,
            kind: LiveScores.kind,
            periodID: period.id,
            maximumBytes: 4 * 1_048_576,
            code: "invalid-package",
            what: "Nilai"
        )
        guard batch.periodID == period.id, batch.nodeID == node.id else {
            throw RegistrationError(
                "wrong-node",
                kind: .forbidden,
                "Nilai atas nama node \(EnvelopeError.shown(batch.nodeID)) untuk periode \(EnvelopeError.shown(batch.periodID)) ditolak."
            )
        }
        let venues = Set(node.venues)
        let slots = Set(try await slots().filter { venues.contains($0.venue) }.map(\.id))
        // Only the batch's participants are read (a period seats millions).
        let seated = try await store.seatedNames(periodID: period.id, participantNumbers: batch.entries.map(\.participantNumber))
        let scores = batch.entries.compactMap { entry -> LiveScore? in
            guard slots.contains(entry.sessionID), let name = seated["\(entry.sessionID)/\(entry.participantNumber)"] else { return nil }
            return LiveScore(
                sessionID: entry.sessionID,
                participantNumber: entry.participantNumber,
                name: name,
                scores: entry.scores,
                total: entry.total,
                passed: entry.passed,
                finishedAt: entry.finishedAt,
                withdrawn: entry.withdrawn == true
            )
        }
        let added = try await store.saveLiveScores(scores, periodID: period.id, at: now)
        return (added, batch.entries.count - scores.count, Set(scores.map(\.sessionID)))
    }

    /// A session's live scores after the event id `after`.
    public func liveScores(sessionID: String, after: Int64, limit: Int = 1_000) async throws -> [LiveScore] {
        try await store.liveScores(periodID: try await period().id, sessionID: sessionID, after: after, limit: limit)
    }
}
