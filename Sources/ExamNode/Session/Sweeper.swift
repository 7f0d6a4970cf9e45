import Crypto
import ExamEngine
import Foundation
import GRDB
import Logging
import SeleksiAuth
import SeleksiCore
import SeleksiStorage
public import ServiceLifecycle
import Synchronization

/// The node's clock: the sweep that finishes every attempt whose time is over (browser
/// or not), and the downtime credit at start for the time the node itself was down.
extension ExamService {
    /// What one sweep did: the attempts it finished, and those it could not (each is
    /// recorded on the candidate for the proctor and in the audit log, and tried again).
    public struct SweepOutcome: Sendable {
        public var finished = 0
        public var failures: [String] = []
    }

    /// Finishes and scores every attempt whose time (plus grace) is over, browser or not.
    /// Each attempt is finished on its own (a savepoint each): one that cannot be scored is
    /// recorded and never stops the others, nor the heartbeat.
    @discardableResult
    public func sweep() async throws -> SweepOutcome {
        let now = clock.nowMilliseconds()
        let grace = settings.graceMilliseconds
        let service = self
        // Which attempts are over is found on a reader, so that scanning a full room never
        // holds the writer the candidates' saves wait for; each is checked again in the writer.
        let due = try await writer.read { db in try Self.attemptsOver(db, session: nil, at: now, grace: grace) }
        return try await database.grouped.write { db in
            var outcome = SweepOutcome()
            for (session, participant) in due where try !Self.attemptsOver(db, session: (session, participant), at: now, grace: grace).isEmpty {
                switch try service.finishIsolated(db, session: session, participant: participant, reason: "time", now: now) {
                case .finished: outcome.finished += 1
                case .failed(let problem, let new): if new { outcome.failures.append("\(session)/\(participant): \(problem)") }
                }
            }
            try db.execute(sql: "INSERT INTO heartbeat (id, at_ms) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET at_ms = excluded.at_ms", arguments: [now])
            return outcome
        }
    }

    /// The running attempts whose time (plus grace) is over at `now`: in every open
    /// session, or only the one candidate given; and any attempt a close could not finish
    /// (its problem is shown to the proctor), tried again until it can be.
    static func attemptsOver(_ db: Database, session only: (String, String)?, at now: Int64, grace: Int64) throws -> [(String, String)] {
        var over: [(String, String)] = try Row.fetchAll(
            db,
            sql: """
                SELECT c.session_id, c.participant_number FROM candidate c JOIN exam_session s ON s.id = c.session_id
                WHERE s.state = 'closed' AND c.started_at IS NOT NULL AND c.finished_at IS NULL
                """ + (only == nil ? "" : " AND c.session_id = ? AND c.participant_number = ?"),
            arguments: StatementArguments(only.map { [$0.0, $0.1] } ?? [])
        ).map { ($0["session_id"], $0["participant_number"]) }
        let sessions = try Row.fetchAll(
            db,
            sql: "SELECT * FROM exam_session WHERE state = 'open'" + (only == nil ? "" : " AND id = ?"),
            arguments: StatementArguments(only.map { [$0.0] } ?? [])
        )
        for session in sessions {
            let id: String = session["id"]
            let stopped = try stoppedIntervals(db, session: id)
            // Stopped time only ever adds to an attempt, so one whose start plus all its time
            // is not yet past cannot be over: SQLite leaves those out, and a full room in the
            // middle of its exam costs the sweep no rows at all.
            let sessionExtension: Int64 = session["extension_ms"]
            let running = try Row.fetchAll(
                db,
                sql: """
                    SELECT participant_number, started_at, allowed_ms, extension_ms FROM candidate
                    WHERE session_id = ? AND started_at IS NOT NULL AND finished_at IS NULL
                      AND started_at + allowed_ms + extension_ms + ? < ?
                    """ + (only == nil ? "" : " AND participant_number = ?"),
                arguments: StatementArguments([id, sessionExtension + grace, now] as [any DatabaseValueConvertible] + (only.map { [$0.1] } ?? []))
            )
            for row in running {
                guard let timing = timing(row, session: session, stopped: stopped), timing.isOver(at: now, grace: grace) else { continue }
                over.append((id, row["participant_number"]))
            }
        }
        return over
    }

    /// At start: time since the last heartbeat is time the node was down. Attempts that
    /// were running are credited with it (recorded as a stopped interval and audited).
    @discardableResult
    public func creditDowntime() async throws -> Int64 {
        let now = clock.nowMilliseconds()
        let interval = settings.heartbeatMilliseconds
        return try await writer.write { db in
            defer {
                _ = try? db.execute(
                    sql: "INSERT INTO heartbeat (id, at_ms) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET at_ms = excluded.at_ms",
                    arguments: [now]
                )
            }
            guard let last = try Int64.fetchOne(db, sql: "SELECT at_ms FROM heartbeat WHERE id = 1"), now - last > interval else { return 0 }
            let running =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM candidate c JOIN exam_session s ON s.id = c.session_id
                        WHERE s.state = 'open' AND c.started_at IS NOT NULL AND c.finished_at IS NULL
                        """
                ) ?? 0
            try db.execute(sql: "INSERT INTO node_downtime (from_ms, to_ms) VALUES (?, ?)", arguments: [last, now])
            try Self.audit(
                db,
                now,
                actor: "sistem",
                "node-downtime-credit",
                details: "node mati \((now - last) / 1000) detik (detak terakhir \(last)); \(running) peserta yang sedang ujian tidak dibebani waktu itu"
            )
            return now - last
        }
    }
}

/// Finishes expired attempts and records the node's heartbeat, every half second,
/// until the node shuts down.
public struct Sweeper: Service {
    let service: ExamService
    let logger: Logger

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let outcome = try await service.sweep()
                if outcome.finished > 0 { logger.info("waktu habis: \(outcome.finished) ujian diselesaikan dan dinilai") }
                for failure in outcome.failures { logger.error("ujian tidak dapat diselesaikan: \(failure)") }
            } catch {
                logger.error("sweeper: \(error)")
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
}
