import Crypto
import ExamEngine
import Foundation
import Logging
import SeleksiAuth
import SeleksiCore
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
        let due = try await store.read { tx in try Self.attemptsOver(tx, session: nil, at: now, grace: grace) }
        return try await store.groupWrite { tx in
            var outcome = SweepOutcome()
            for (session, participant) in due where try !Self.attemptsOver(tx, session: (session, participant), at: now, grace: grace).isEmpty {
                switch try service.finishIsolated(tx, session: session, participant: participant, reason: "time", now: now) {
                case .finished: outcome.finished += 1
                case .failed(let problem, let new): if new { outcome.failures.append("\(session)/\(participant): \(problem)") }
                }
            }
            try tx.recordHeartbeat(at: now)
            return outcome
        }
    }

    /// The running attempts whose time (plus grace) is over at `now`: in every open
    /// session, or only the one candidate given; and any attempt a close could not finish
    /// (its problem is shown to the proctor), tried again until it can be.
    static func attemptsOver(_ tx: any ExamStoreReading, session only: (String, String)?, at now: Int64, grace: Int64) throws -> [(String, String)] {
        var over: [(String, String)] = try tx.attemptsLeftRunningInClosedSessions(only: only.map { (session: $0.0, participant: $0.1) })
            .map { ($0.session, $0.participant) }
        for session in try tx.openSessions(only: only?.0) {
            let stopped = try tx.stoppedIntervals(session: session.id)
            // Stopped time only ever adds to an attempt, so one whose start plus all its time
            // is not yet past cannot be over: the store leaves those out, and a full room in
            // the middle of its exam costs the sweep no rows at all.
            let deadline = now - session.extensionMilliseconds - grace
            for attempt in try tx.runningAttempts(session: session.id, endingBefore: deadline, participant: only?.1) {
                guard let timing = timing(attempt, session: session, stopped: stopped), timing.isOver(at: now, grace: grace) else { continue }
                over.append((session.id, attempt.participant))
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
        return try await store.write { tx in
            defer { _ = try? tx.recordHeartbeat(at: now) }
            guard let last = try tx.lastHeartbeat(), now - last > interval else { return 0 }
            let running = try tx.runningAttemptCount()
            try tx.insertDowntime(from: last, to: now)
            try Self.audit(
                tx,
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
