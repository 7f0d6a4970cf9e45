import ExamEngine
@testable import ExamNode
import Foundation
import GRDB
import SeleksiCore
import HTTPTypes
import Testing

@Suite("Exam node: time belongs to the server")
struct ClockTests {
    @Test("a save after the deadline plus grace is refused and never scored; one within grace is kept")
    func deadline() async throws {
        var settings = ExamSettings()
        settings.graceMilliseconds = 5_000
        let node = try await TestNode(settings: settings)
        try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let paper: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            node.clock.advance(seconds: 100 * 60 + 4)
            #expect(try await client.save(token, item: paper.items[0].id, option: paper.items[0].options[0].id, sequence: 1).applied)
            node.clock.advance(seconds: 2)
            let late = try await client.refusal(.put, "/api/exam/answers/\(paper.items[1].id)", token: token, body: ["option": "A", "sequence": 2])
            #expect((late.status, late.code) == (409, "time-up"))
            // The sweeper finishes the attempt, scoring only what was saved in time.
            #expect(try await node.service.sweep() == 1)
            let state: CandidateState = try await client.json(.get, "/api/exam/state", token: token)
            #expect(state.finished)
            #expect(state.score?.subtests.reduce(0) { $0 + $1.answered } == 1)
        }
    }

    @Test("the blind candidate of the disability formation gets 130 minutes")
    func accommodation() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let token = try await client.login("2024000002", pin: session.pin, birth: "1998-12-31")
            let _: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            let state: CandidateState = try await client.json(.get, "/api/exam/state", token: token)
            #expect(state.secondsLeft == 130 * 60)
        }
    }

    @Test("saves see every pause, resume, extension and close at once, though the session's clock is kept in memory between saves")
    func savesFollowTheSessionClock() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let (proctor, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let paper: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            let item = paper.items[0]
            let path = "/api/exam/answers/\(item.id)"
            let first: SaveReceipt = try await client.json(.put, path, token: token, body: ["option": item.options[0].id, "sequence": 1])
            let _: [String: Bool] = try await client.json(.post, "/api/proctor/sessions/\(session.id)/pause", token: proctor)
            let paused = try await client.refusal(.put, path, token: token, body: ["option": item.options[1].id, "sequence": 2])
            #expect(paused.code == "session-paused")
            let _: [String: Bool] = try await client.json(.post, "/api/proctor/sessions/\(session.id)/resume", token: proctor)
            let resumed: SaveReceipt = try await client.json(.put, path, token: token, body: ["option": item.options[1].id, "sequence": 3])
            #expect(resumed.applied)
            node.clock.advance(seconds: 60)
            let _: [String: Bool] = try await client.json(.post, "/api/proctor/sessions/\(session.id)/extend", token: proctor, body: ["minutes": 10])
            let extended: SaveReceipt = try await client.json(.put, path, token: token, body: ["option": item.options[0].id, "sequence": 4])
            #expect(extended.secondsLeft == first.secondsLeft - 60 + 10 * 60)
            let _: [String: Bool] = try await client.json(.post, "/api/proctor/sessions/\(session.id)/close", token: proctor)
            let closed = try await client.refusal(.put, path, token: token, body: ["option": item.options[1].id, "sequence": 5])
            #expect(["session-closed", "already-finished"].contains(closed.code))
        }
    }

    @Test("a pause (power cut) is never charged; saves during it are refused; extensions add time; all audited")
    func pauseAndExtensions() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let (proctor, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let paper: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            node.clock.advance(seconds: 10 * 60)
            let _: [String: Bool] = try await client.json(.post, "/api/proctor/sessions/\(session.id)/pause", token: proctor)
            node.clock.advance(seconds: 30 * 60)
            let paused: CandidateState = try await client.json(.get, "/api/exam/state", token: token)
            #expect(paused.paused)
            #expect(paused.secondsLeft == 90 * 60)
            let refused = try await client.refusal(.put, "/api/exam/answers/\(paper.items[0].id)", token: token, body: ["option": "A", "sequence": 1])
            #expect(refused.code == "session-paused")
            let again = try await client.refusal(.post, "/api/proctor/sessions/\(session.id)/pause", token: proctor)
            #expect(again.code == "wrong-state")
            let _: [String: Bool] = try await client.json(.post, "/api/proctor/sessions/\(session.id)/resume", token: proctor)
            node.clock.advance(seconds: 5 * 60)
            let resumed: CandidateState = try await client.json(.get, "/api/exam/state", token: token)
            #expect(!resumed.paused)
            #expect(resumed.secondsLeft == 85 * 60)

            let _: [String: Bool] = try await client.json(.post, "/api/proctor/sessions/\(session.id)/extend", token: proctor, body: ["minutes": 10])
            let _: [String: Bool] = try await client.json(
                .post, "/api/proctor/sessions/\(session.id)/candidates/2024000001/extend", token: proctor, body: ["minutes": 5])
            let extended: CandidateState = try await client.json(.get, "/api/exam/state", token: token)
            #expect(extended.secondsLeft == 100 * 60)
            let tooMuch = try await client.refusal(.post, "/api/proctor/sessions/\(session.id)/extend", token: proctor, body: ["minutes": 0])
            #expect(tooMuch.status == 400)

            let audit: [String: [AuditEntry]] = try await client.json(.get, "/api/proctor/audit?session=\(session.id)", token: proctor)
            let actions = audit["entries"]!.map(\.action)
            for action in ["session-create", "roster-load", "session-open", "session-pause", "session-resume", "session-extend", "candidate-extend"] {
                #expect(actions.contains(action), "\(action)")
            }
            #expect(audit["entries"]!.first { $0.action == "session-pause" }?.actor == "pengawas")
        }
    }

    @Test("closing the session finishes and scores everyone still working")
    func close() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let (proctor, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let _: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            let _: [String: Bool] = try await client.json(.post, "/api/proctor/sessions/\(session.id)/close", token: proctor)
            let state: CandidateState = try await client.json(.get, "/api/exam/state", token: token)
            #expect(state.finished)
            #expect(state.score?.total == 0)
            let status: [String: AnyCodable] = try await client.json(.get, "/api/proctor/sessions/\(session.id)", token: proctor)
            #expect(status["session"] != nil)
            let login = try await client.refusal(
                .post, "/api/exam/login", body: ["participantNumber": "2024000003", "pin": session.pin, "birthDate": "2000-01-15", "device": "d"])
            #expect(login.code == "wrong-credentials")
        }
    }

    @Test("after a restart the same paper, the same answers, and the downtime is credited and audited")
    func restart() async throws {
        let node = try await TestNode()
        let (token, paper) = try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let paper: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            node.clock.advance(seconds: 20 * 60)
            _ = try await client.save(token, item: paper.items[0].id, option: paper.items[0].options[2].id, sequence: 1)
            return (token, paper)
        }
        try await node.service.sweep()  // the last heartbeat before the crash
        node.clock.advance(seconds: 15 * 60)  // 15 minutes down
        try await node.restart()
        #expect(try await node.service.creditDowntime() == 15 * 60_000)
        try await node.test { client in
            let again: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            #expect(again == paper)
            let state: CandidateState = try await client.json(.get, "/api/exam/state", token: token)
            #expect(state.grid.first?.option == paper.items[0].options[2].id)
            #expect(state.secondsLeft == 80 * 60)
            let proctor = try await client.proctorToken()
            let audit: [String: [AuditEntry]] = try await client.json(.get, "/api/proctor/audit", token: proctor)
            let credit = audit["entries"]!.first { $0.action == "node-downtime-credit" }
            #expect(credit?.details.contains("900 detik") == true)
        }
    }

    @Test("the answer log is append-only, and the score is computed from it")
    func appendOnlyLog() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let paper: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            _ = try await client.save(token, item: paper.items[0].id, option: paper.items[0].options[0].id, sequence: 1)
        }
        await #expect(throws: (any Error).self) {
            try await node.service.database.writer.write { db in try db.execute(sql: "UPDATE answer_log SET option_id = 'E'") }
        }
        await #expect(throws: (any Error).self) {
            try await node.service.database.writer.write { db in try db.execute(sql: "DELETE FROM answer_log") }
        }
        await #expect(throws: (any Error).self) {
            try await node.service.database.writer.write { db in try db.execute(sql: "DELETE FROM audit_log") }
        }
    }
}

/// Decodes any JSON value (for responses whose shape a test only glances at).
struct AnyCodable: Decodable {
    init(from decoder: any Decoder) throws {}
}

@Suite("Exam node: group commit")
struct GroupCommitTests {
    @Test("concurrent saves share commits; a refused one undoes only itself")
    func concurrentSaves() async throws {
        let node = try await TestNode()
        let (token, paper) = try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let paper: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            return (token, paper)
        }
        let service = node.service
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, item) in paper.items.enumerated() {
                group.addTask {
                    let option = index == 7 ? "Z" : item.options[0].id
                    let receipt = try? await service.save(token: token, item: item.id, option: option, sequence: Int64(index + 1))
                    return (index, receipt?.applied ?? false)
                }
            }
            var results: [Int: Bool] = [:]
            for await (index, applied) in group { results[index] = applied }
            return results
        }
        #expect(results.count == 110)
        #expect(results.filter { !$0.value }.map(\.key) == [7])
        let state = try await service.state(token: token)
        #expect(state.grid.count { $0.option != nil } == 109)
        let logged = try await service.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM answer_log") }
        #expect(logged == 109)
    }
}
