@testable import ExamNode
import Foundation
import GRDB
import NIOCore
import PropertyBased
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
