import Foundation
public import GRDB
import Synchronization

/// Commits concurrent writes together: whatever arrives while a transaction is being
/// written goes into the next one, so a room of candidates saving at once (or a crowd of
/// applicants uploading) shares one fsync instead of queueing for one each. No caller is
/// answered before the shared transaction is on disk.
///
/// A refused write undoes only itself. Nearly every refusal comes before the write has
/// changed a row (a check failed), and then there is nothing to undo; so writes run
/// without a savepoint each, which cost the single writer a third of its time. A write
/// that fails after changing rows rolls the whole batch back, and the batch runs again
/// with each write in its own savepoint.
public final class GroupCommitWriter: Sendable {
    private struct Job: Sendable {
        /// Runs the write; false if it failed after changing rows (outside a savepoint).
        let run: @Sendable (Database, _ inSavepoint: Bool) -> Bool
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct PartialWrite: Error {}

    private struct Queue {
        var jobs: [Job] = []
        var draining = false
    }

    private let writer: any DatabaseWriter
    private let queue = Mutex(Queue())
    /// A bound on one transaction, so that one commit never holds a very large batch.
    private let batchLimit = 512

    public init(writer: any DatabaseWriter) { self.writer = writer }

    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Outcome<T>()
            let job = Job(
                run: { db, inSavepoint in
                    if inSavepoint {
                        do {
                            try db.inSavepoint {
                                outcome.set(.success(try body(db)))
                                return .commit
                            }
                        } catch {
                            outcome.set(.failure(error))
                        }
                        return true
                    }
                    let changesBefore = db.totalChangesCount
                    do {
                        outcome.set(.success(try body(db)))
                        return true
                    } catch {
                        outcome.set(.failure(error))
                        return db.totalChangesCount == changesBefore
                    }
                },
                finish: { commitError in
                    if let commitError { continuation.resume(throwing: commitError) } else { continuation.resume(with: outcome.get()) }
                }
            )
            let start = queue.withLock { state -> Bool in
                state.jobs.append(job)
                if state.draining { return false }
                state.draining = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = queue.withLock { state -> [Job] in
                let taken = Array(state.jobs.prefix(batchLimit))
                state.jobs.removeFirst(taken.count)
                if taken.isEmpty { state.draining = false }
                return taken
            }
            if batch.isEmpty { return }
            do {
                do {
                    try await writer.write { db in
                        for job in batch where !job.run(db, false) { throw PartialWrite() }
                    }
                } catch is PartialWrite {
                    try await writer.write { db in
                        for job in batch { _ = job.run(db, true) }
                    }
                }
                for job in batch { job.finish(nil) }
            } catch {
                for job in batch { job.finish(error) }
            }
        }
    }
}

/// The result of one job, set inside the transaction and read after the commit.
private final class Outcome<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error> = .failure(CancellationError())

    func set(_ value: Result<T, any Error>) { lock.withLock { result = value } }
    func get() -> Result<T, any Error> { lock.withLock { result } }
}
