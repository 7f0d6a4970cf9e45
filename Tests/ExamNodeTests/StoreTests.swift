import Foundation
import GRDB
import HTTPTypes
import NIOCore
import PropertyBased
import SeleksiCore
import SeleksiStorage
import Testing

@testable import ExamNode

@Suite("Exam node store: checkpoints off the writer")
struct CheckpointTests {
    @Test("the checkpointer's own connection copies the whole WAL back and restarts a long one; SQLite's automatic checkpoint waits until 10,000 pages")
    func checkpointerCopiesTheWAL() async throws {
        let folder = NSTemporaryDirectory() + "seleksi-checkpoint-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try SQLiteExamStore.open(path: folder + "/exam.sqlite")
        let limit = try await store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        #expect(limit == 10_000)
        let pageSize = try await store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") }
        #expect(pageSize == 1024)

        for index in 0..<200 {
            try await store.grouped.write { db in
                try db.execute(
                    sql: "INSERT INTO node_downtime (from_ms, to_ms) VALUES (?, ?)",
                    arguments: [index, index + 1]
                )
            }
        }
        let connection = try Checkpointer.connection(path: store.path)
        let first = try await Checkpointer.checkpoint(connection)
        #expect(first.walFrames > 0)
        #expect(first.copied == first.walFrames)
        // Nothing written since: nothing left to copy, and the rows are all there.
        let again = try await Checkpointer.checkpoint(connection)
        #expect(again.copied == again.walFrames)
        let rows = try await connection.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM node_downtime") }
        #expect(rows == 200)
        #expect(again.restarted == false)

        // A WAL over the restart length, wholly copied, is restarted: the next commit
        // writes from its start, so the WAL stops growing.
        let restart = try await Checkpointer.checkpoint(connection, restartAbove: first.walFrames - 1)
        #expect(restart.restarted)
        try await store.grouped.write { db in try db.execute(sql: "INSERT INTO node_downtime (from_ms, to_ms) VALUES (1000, 1001)") }
        let after = try await Checkpointer.checkpoint(connection)
        #expect(after.walFrames < first.walFrames)
        #expect(after.walFrames > 0)
        let all = try await connection.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM node_downtime") }
        #expect(all == 201)
    }
}

@Suite("Exam node: the save request and its receipt")
struct SaveWireTests {
    typealias AnswerBody = CandidateController.AnswerBody

    @Test("the page's exact save body reads the same without the JSON decoder, for any option and sequence")
    func canonicalBodies() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...16), Gen.int(in: 1...999_999_999_999), Gen.bool) { length, sequence, clear in
            let letters = Array("ABCDEabcde0123456789-_")
            let option = clear ? nil : String((0..<max(1, length)).map { letters[($0 * 7 + length) % letters.count] })
            let text = #"{"option":\#(option.map { "\"\($0)\"" } ?? "null"),"sequence":\#(sequence)}"#
            let decoded = try? JSONDecoder().decode(AnswerBody.self, from: Data(text.utf8))
            #expect(AnswerBody.canonical(ByteBuffer(string: text)) == decoded)
            #expect(decoded == AnswerBody(option: option, sequence: Int64(sequence)))
        }
    }

    @Test("any other form is left to the JSON decoder, which reports what is wrong")
    func otherForms() {
        for text in [
            #"{"sequence":1,"option":"A"}"#, #"{ "option":"A","sequence":1}"#, #"{"option":"A","sequence":01}"#, #"{"option":"A","sequence":-1}"#,
            #"{"option":"A","sequence":1} "#, #"{"option":"A","sequence":1}x"#, #"{"option":"\u0041","sequence":1}"#, #"{"option":"","sequence":1}"#,
            #"{"option":"A","sequence":1.5}"#, #"{"option":"A","sequence":12345678901234567}"#, #"{"option":"ABCDEFGHIJKLMNOPQ","sequence":1}"#,
            #"{"option":"A","sequence":}"#, #"{"option":"A""#, "", "{", #"{"option":"A","sequence":1,"x":2}"#,
        ] {
            #expect(AnswerBody.canonical(ByteBuffer(string: text)) == nil, "\(text)")
        }
    }

    @Test("the receipt written by hand is the receipt Codable writes, escapes included")
    func receipt() throws {
        for item in ["TWK-001", #"a"b\c"#, "é\n\u{01}"] {
            let receipt = SaveReceipt(saved: true, item: item, sequence: 9_007_199_254_740_991, applied: false, serverTime: 1_790_000_000_000, secondsLeft: -3)
            #expect(try JSONDecoder().decode(SaveReceipt.self, from: Data(receipt.json())) == receipt)
        }
    }
}

@Suite("Exam node store: migrations keep every row")
struct MigrationTests {
    @Test("v2 moves papers to their own table and clusters the answer log by candidate, keeping papers, log, answers and the log's append-only rule")
    func smallRowsMigrationKeepsData() throws {
        let queue = try DatabaseQueue()
        let store = SQLiteExamStore(writer: queue)
        try store.migrator.migrate(queue, upTo: "v1")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO exam_session (id, venue, rule_set_id, scheduled_start, pin, state, created_at) VALUES ('S1', 'Aula', 'skd', 0, '1234', 'open', 0);
                    INSERT INTO candidate (session_id, participant_number, name, formation_type, birth_date, accommodations, allowed_ms, paper, fingerprint, device, started_at)
                        VALUES ('S1', '0001', 'Ani', 'general', '2000-01-01', '', 6000000, '{"kertas":1}', 'f1', 'd1', 10);
                    INSERT INTO answer_log (session_id, participant_number, item_id, kind, option_id, client_seq, server_ms) VALUES
                        ('S1', '0001', 'I1', 'answer', 'A', 1, 100), ('S1', '0001', 'I1', 'answer', 'B', 2, 200), ('S1', '0001', 'I2', 'doubt', NULL, 3, 300);
                    INSERT INTO current_answer (session_id, participant_number, item_id, option_id, answer_seq, doubtful, doubt_seq) VALUES
                        ('S1', '0001', 'I1', 'B', 2, 0, 0), ('S1', '0001', 'I2', NULL, 0, 1, 3);
                    """
            )
        }
        try store.migrator.migrate(queue)
        try queue.read { db in
            #expect(
                try String.fetchOne(db, sql: "SELECT paper FROM candidate_paper WHERE session_id = 'S1' AND participant_number = '0001'") == #"{"kertas":1}"#
            )
            #expect(try db.columns(in: "candidate").map(\.name).contains("paper") == false)
            let candidate = try Row.fetchOne(db, sql: "SELECT device, started_at, access_code_digest FROM candidate")
            #expect(candidate?["device"] == "d1")
            #expect(candidate?["started_at"] == 10)
            // v5: the node keeps no birth date; the old ones are wiped (those candidates cannot sign in again).
            #expect(candidate?["access_code_digest"] == "")
            #expect(try db.columns(in: "candidate").map(\.name).contains("birth_date") == false)
            let log = try Row.fetchAll(db, sql: "SELECT item_id, kind, option_id, client_seq, server_ms FROM answer_log ORDER BY client_seq")
            #expect(log.map { $0["option_id"] as String? } == ["A", "B", nil])
            #expect(log.map { $0["server_ms"] as Int64 } == [100, 200, 300])
            let current = try Row.fetchAll(db, sql: "SELECT item_id, option_id, answer_seq, doubtful FROM current_answer ORDER BY item_id")
            #expect(current.map { $0["option_id"] as String? } == ["B", nil])
            #expect(current.map { $0["doubtful"] as Bool } == [false, true])
        }
        #expect(throws: DatabaseError.self) { try queue.write { db in try db.execute(sql: "UPDATE answer_log SET option_id = 'E'") } }
        #expect(throws: DatabaseError.self) { try queue.write { db in try db.execute(sql: "DELETE FROM answer_log") } }
        // A second write with a used sequence number is still refused by the key.
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO answer_log (session_id, participant_number, item_id, kind, option_id, client_seq, server_ms) VALUES ('S1', '0001', 'I3', 'answer', 'C', 2, 400)"
                )
            }
        }
    }
}

@Suite("Exam node store: the logs are append-only")
struct AppendOnlyTests {
    @Test("the answer log and the audit log refuse every change and deletion")
    func appendOnlyLogs() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let paper: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            _ = try await client.save(token, item: paper.items[0].id, option: paper.items[0].options[0].id, sequence: 1)
        }
        await #expect(throws: (any Error).self) {
            try await node.node.store.writer.write { db in try db.execute(sql: "UPDATE answer_log SET option_id = 'E'") }
        }
        await #expect(throws: (any Error).self) {
            try await node.node.store.writer.write { db in try db.execute(sql: "DELETE FROM answer_log") }
        }
        await #expect(throws: (any Error).self) {
            try await node.node.store.writer.write { db in try db.execute(sql: "DELETE FROM audit_log") }
        }
    }
}

extension TestNode {
    /// Overwrites a candidate's stored paper, as a damaged disk or a bad restore would:
    /// fault injection, the one write the tests make behind the service's back.
    func overwriteStoredPaper(participant: String, with paper: String) async throws {
        try await node.store.writer.write { db in
            try db.execute(sql: "UPDATE candidate_paper SET paper = ? WHERE participant_number = ?", arguments: [paper, participant])
        }
    }
}

@Suite("Group commit: a write refused after changing rows undoes only itself")
struct GroupCommitUndoTests {
    struct Refused: Error, Equatable { let index: Int }

    @Test("among concurrent writes, those refused before or after changing rows leave nothing, and every other write is kept and answered")
    func refusedWritesUndoOnlyThemselves() async throws {
        let folder = NSTemporaryDirectory() + "seleksi-group-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pool = try DatabasePool(path: folder + "/g.sqlite")
        try await pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT)") }
        let grouped = GroupCommitWriter(writer: pool)
        let outcomes = await withTaskGroup(of: (Int, Result<Int, Refused>).self, returning: [Int: Result<Int, Refused>].self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        let value = try await grouped.write { db -> Int in
                            if index % 10 == 7 { throw Refused(index: index) }  // refused before writing
                            try db.execute(sql: "INSERT INTO t (id, note) VALUES (?, 'a')", arguments: [index])
                            try db.execute(sql: "UPDATE t SET note = 'b' WHERE id = ?", arguments: [index])
                            if index % 10 == 3 { throw Refused(index: index) }  // refused after writing two rows' worth
                            return index * 2
                        }
                        return (index, .success(value))
                    } catch let refused as Refused {
                        return (index, .failure(refused))
                    } catch {
                        Issue.record("unexpected \(error)")
                        return (index, .failure(Refused(index: -1)))
                    }
                }
            }
            var all: [Int: Result<Int, Refused>] = [:]
            for await (index, outcome) in group { all[index] = outcome }
            return all
        }
        for index in 0..<200 {
            let refused = index % 10 == 7 || index % 10 == 3
            #expect(outcomes[index] == (refused ? .failure(Refused(index: index)) : .success(index * 2)))
        }
        let kept = try await pool.read { db in try Row.fetchAll(db, sql: "SELECT id, note FROM t ORDER BY id") }
        #expect(kept.map { $0["id"] as Int } == (0..<200).filter { $0 % 10 != 7 && $0 % 10 != 3 })
        #expect(kept.allSatisfy { ($0["note"] as String) == "b" })
    }
}

@Suite("A node keeps no birth date")
struct NoBirthDateTests {
    @Test("a store from before access codes is migrated, and its birth dates are gone from the file and its WAL")
    func wiped() throws {
        let folder = NSTemporaryDirectory() + "seleksi-birth-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/exam.sqlite"
        let old = try DatabasePool(path: path)
        let store = SQLiteExamStore(writer: old)
        try store.migrator.migrate(old, upTo: "v4-proctor-scope")
        try old.write { db in
            try db.execute(
                sql: """
                    INSERT INTO exam_session (id, venue, rule_set_id, scheduled_start, pin, state, created_at) VALUES ('S1', 'Aula', 'skd', 0, '1234', 'closed', 0);
                    INSERT INTO candidate (session_id, participant_number, name, formation_type, birth_date, accommodations, allowed_ms, fingerprint)
                        VALUES ('S1', '0001', 'Ani', 'general', '1987-06-05', '', 6000000, 'f1');
                    INSERT INTO candidate_paper (session_id, participant_number, paper) VALUES ('S1', '0001', '{}');
                    """
            )
        }
        try old.close()
        _ = try SQLiteExamStore.open(path: path)
        for file in [path, path + "-wal"] {
            let bytes = FileManager.default.contents(atPath: file) ?? Data()
            #expect(bytes.range(of: Data("1987-06-05".utf8)) == nil, "\(file) still holds the birth date")
        }
    }
}
