import Foundation
public import GRDB
import Synchronization

/// Commits concurrent writes together: whatever arrives while a transaction is being
/// written goes into the next one, so a room of candidates saving at once (or a crowd of
/// applicants uploading) shares one fsync instead of queueing for one each. Each write runs in its own savepoint (a
/// refused write undoes only itself), and no caller is answered before the shared
/// transaction is on disk.
public final class GroupCommitWriter: Sendable {
    private struct Job: Sendable {
        let run: @Sendable (Database) -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

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
                run: { db in
                    do {
                        try db.inSavepoint {
                            outcome.set(.success(try body(db)))
                            return .commit
                        }
                    } catch {
                        outcome.set(.failure(error))
                    }
                },
                finish: { commitError in
                    if let commitError { continuation.resume(throwing: commitError) } else { continuation.resume(with: outcome.get()) }
                })
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
                try await writer.write { db in
                    for job in batch { job.run(db) }
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
