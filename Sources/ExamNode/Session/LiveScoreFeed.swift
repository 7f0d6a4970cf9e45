public import Foundation
public import SeleksiCore

/// Scores as candidates finish: sent to the portal by the link (signed, a batch at a
/// time, until the portal has them), and shown on the venue's own screen.
extension ExamService {
    /// The next batch of scores not yet sent, signed, and which attempts it carries; nil when none wait.
    public func liveScoreBatch(limit: Int = 500) async throws -> (envelope: Data, attempts: [(session: String, participant: String)])? {
        guard let key = settings.signingKey else { return nil }
        let waiting = try await store.read { tx in try tx.unsentScores(limit: limit) }
        guard let first = waiting.first else { return nil }
        // One period and node per batch (a node serves one period at a time).
        let batch = waiting.filter { $0.periodID == first.periodID && $0.nodeID == first.nodeID }
        let scores = LiveScores(
            periodID: first.periodID,
            nodeID: first.nodeID,
            entries: batch.map {
                LiveScores.Entry(
                    sessionID: $0.session,
                    participantNumber: $0.participant,
                    scores: Dictionary($0.score.subtests.map { ($0.subtest, $0.score) }, uniquingKeysWith: { a, _ in a }),
                    total: $0.score.total,
                    passed: $0.score.decision == .noPassingGrade ? nil : $0.score.decision.passed,
                    finishedAt: $0.finishedAt,
                    withdrawn: $0.withdrawn ? true : nil
                )
            }
        )
        return (scores.sealed(with: key), batch.map { ($0.session, $0.participant) })
    }

    public func markScoresSent(_ attempts: [(session: String, participant: String)]) async throws {
        let now = clock.nowMilliseconds()
        try await store.write { tx in try tx.markScoresSent(attempts, at: now) }
    }

    /// The session's scores so far, latest first, for the venue's screen.
    public func screen(
        session id: String
    ) async throws -> (session: SessionSummary, scores: [(participant: String, name: String, score: ScoreSheet, finishedAt: Int64)]) {
        let summary = try await session(id)
        return (summary, try await store.read { tx in try tx.finishedScores(session: id) })
    }
}
