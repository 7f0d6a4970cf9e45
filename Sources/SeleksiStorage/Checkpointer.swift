import Foundation
public import GRDB
public import Logging
public import ServiceLifecycle

/// Copies the WAL back into the database file from a connection of its own, twenty times
/// a second. Left to SQLite, the commit that crosses the WAL's size limit does that copy
/// (and its fsync) itself, in the one writer every write waits for: on the exam node,
/// each candidate whose save was queued behind it waited tens of milliseconds. A passive
/// checkpoint takes no write lock, so saves go on committing while it runs. SQLite's own
/// automatic checkpoint stays as the safety net, at a size this one keeps the WAL well
/// under. A slow checkpoint, or one a reader kept from finishing, is logged: both mean
/// the disk or a long read is holding the store back.
///
/// Often, because each checkpoint ends with an fsync of the database file, and a commit's
/// own fsync can wait behind it on the same disk: at 5,000 saves/s on the bench machine,
/// a 200 ms interval let 4-16 MB build up per fsync, and in most runs some second had
/// saves waiting 0.1-2 s; at 50 ms such a second became the exception.
public struct Checkpointer: Service {
    let path: String
    let logger: Logger
    let interval: Duration

    public init(path: String, logger: Logger, interval: Duration = .milliseconds(50)) {
        self.path = path
        self.logger = logger
        self.interval = interval
    }

    /// The `PRAGMA` a store's connections run so that SQLite's own checkpoint is only the
    /// safety net: at 10,000 pages (40 MB at SQLite's default 4 KB page), which the checkpointer keeps the WAL well under.
    public static let safetyNetPragma = "PRAGMA wal_autocheckpoint = \(safetyNetPages)"
    static let safetyNetPages = 10_000

    /// A WAL longer than this (16 MB, or half the safety net if that is less) is restarted
    /// once it is all copied.
    /// Passive checkpoints never restart it themselves: that happens only when a commit
    /// finds the WAL wholly copied, and under continuous saves another commit has nearly
    /// always arrived during the checkpoint. So the WAL grew to the safety net, and there
    /// the writer checkpointed in the middle of saving (the slowest saves of a run).
    public static let restartAboveBytes = 16 << 20

    public func run() async throws {
        let connection = try Self.connection(path: path)
        // SQLite's default if the store cannot say: the restart length is only a tuning.
        let pageSize = (try? await connection.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") }) ?? 4096
        let restartAbove = min(Self.restartAboveBytes / max(512, pageSize), Self.safetyNetPages / 2)
        let clock = ContinuousClock()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let started = clock.now
                let result = try await Self.checkpoint(connection, restartAbove: restartAbove)
                let took = clock.now - started
                if took > .milliseconds(100) || result.walFrames - result.copied > 2_000 {
                    logger.notice(
                        "checkpoint \(path): \(result.copied) dari \(result.walFrames) halaman WAL tersalin\(result.restarted ? ", WAL dimulai ulang," : "") dalam \(took.components.seconds * 1000 + took.components.attoseconds / 1_000_000_000_000_000) ms"
                    )
                }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                // SQLite's own checkpoint (the safety net) is running: the next round goes on.
                logger.debug("checkpoint: \(error)")
            } catch {
                logger.error("checkpoint: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// The checkpointer's own connection to the store at `path`.
    public static func connection(path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        // Only the restart checkpoint waits on locks (a passive one never does). It holds
        // the write lock while it waits for readers still on the old WAL, so saves wait
        // with it: behind a long read it gives up after 50 ms and tries again next round.
        configuration.busyMode = .timeout(0.05)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// One passive checkpoint: the frames in the WAL and how many of them are now copied
    /// back (all of them unless a reader still needs an older one). When that leaves a WAL
    /// longer than `restartAbove` pages wholly copied, a restart checkpoint follows: it
    /// waits for the commit in progress, copies the few pages committed since, and makes
    /// the next commit write from the start of the WAL again. It throws `SQLITE_BUSY` if
    /// a commit or a reader kept it waiting past the connection's busy timeout.
    public static func checkpoint(_ connection: DatabaseQueue, restartAbove: Int = .max) async throws -> (walFrames: Int, copied: Int, restarted: Bool) {
        try await connection.writeWithoutTransaction { db in
            let passive = try db.checkpoint(.passive)
            guard passive.walFrameCount > restartAbove, passive.checkpointedFrameCount == passive.walFrameCount else {
                return (passive.walFrameCount, passive.checkpointedFrameCount, false)
            }
            let restart = try db.checkpoint(.restart)
            return (restart.walFrameCount, restart.checkpointedFrameCount, true)
        }
    }
}
