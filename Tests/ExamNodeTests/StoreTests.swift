@testable import ExamNode
import Foundation
import GRDB
import SeleksiStorage
import Testing

@Suite("Exam node store: checkpoints off the writer")
struct CheckpointTests {
    @Test("the checkpointer's own connection copies the whole WAL back; SQLite's automatic checkpoint waits until 10,000 pages")
    func checkpointerCopiesTheWAL() async throws {
        let folder = NSTemporaryDirectory() + "seleksi-checkpoint-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = try ExamDatabase.open(path: folder + "/exam.sqlite")
        let limit = try await database.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        #expect(limit == 10_000)

        for index in 0..<200 {
            try await database.grouped.write { db in
                try db.execute(
                    sql: "INSERT INTO node_downtime (from_ms, to_ms) VALUES (?, ?)", arguments: [index, index + 1])
            }
        }
        let connection = try Checkpointer.connection(path: database.path)
        let first = try await Checkpointer.checkpoint(connection)
        #expect(first.walFrames > 0)
        #expect(first.copied == first.walFrames)
        // Nothing written since: nothing left to copy, and the rows are all there.
        let again = try await Checkpointer.checkpoint(connection)
        #expect(again.copied == again.walFrames)
        let rows = try await connection.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM node_downtime") }
        #expect(rows == 200)
    }
}
