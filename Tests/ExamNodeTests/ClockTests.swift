import ExamEngine
import Foundation
import HTTPTypes
import SeleksiCore
import Testing

@testable import ExamNode

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
            #expect(try await node.service.sweep().finished == 1)
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
            let token = try await client.login("2024000002", pin: session.pin, code: "BUDX-5353")
            let _: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            let state: CandidateState = try await client.json(.get, "/api/exam/state", token: token)
            #expect(state.secondsLeft == 130 * 60)
        }
    }

    @Test("the page's pulse moves with every change the proctor makes to the session, and only then; a stranger's token gets nothing")
    func pulseFollowsTheProctor() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let (proctor, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            func pulse() async throws -> Int {
                let answer: [String: Int] = try await client.json(.get, "/api/exam/pulse", token: token)
                return try #require(answer["pulse"])
            }
            var last = try await pulse()
            // Answers and reads do not move it: the page fetches its state only when the session changed.
            let paper: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            let _: SaveReceipt = try await client.save(token, item: paper.items[0].id, option: paper.items[0].options[0].id, sequence: 1)
            #expect(try await pulse() == last)
            for (action, body) in [("pause", nil), ("resume", nil), ("extend", ["minutes": 5]) as (String, [String: Int]?), ("close", nil)] {
                let _: [String: Bool] = try await client.json(.post, "/api/proctor/sessions/\(session.id)/\(action)", token: proctor, body: body)
                let now = try await pulse()
                #expect(now != last, "\(action) did not move the pulse")
                last = now
            }
            #expect(try await client.refusal(.get, "/api/exam/pulse", token: "bukan-token", device: "perangkat-1").code == "invalid-token")
            // A device reset ends the token: its pulse is refused like any other request.
            let _: [String: Bool] = try await client.json(.post, "/api/proctor/sessions/\(session.id)/candidates/2024000001/reset-device", token: proctor)
            #expect(try await client.refusal(.get, "/api/exam/pulse", token: token).code == "invalid-token")
            #expect(try await client.refusal(.get, "/api/exam/pulse").status == 401)
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
                .post,
                "/api/proctor/sessions/\(session.id)/candidates/2024000001/extend",
                token: proctor,
                body: ["minutes": 5]
            )
            let extended: CandidateState = try await client.json(.get, "/api/exam/state", token: token)
            #expect(extended.secondsLeft == 100 * 60)
            let tooMuch = try await client.refusal(.post, "/api/proctor/sessions/\(session.id)/extend", token: proctor, body: ["minutes": 0])
            #expect(tooMuch.status == 400)

            let audit: [String: [AuditEntry]] = try await client.json(.get, "/api/proctor/sessions/\(session.id)/audit", token: proctor)
            let actions = audit["entries"]!.map(\.action)
            for action in ["roster-import", "session-open", "session-pause", "session-resume", "session-extend", "candidate-extend"] {
                #expect(actions.contains(action), "\(action)")
            }
            #expect(audit["entries"]!.first { $0.action == "session-pause" }?.actor == "pengawas")
        }
    }

    @Test("closing the session finishes and scores everyone still working; who never started is absent, without a score")
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
            // Who never started is absent (TH), with no score: not a fail with 0.
            let listed: ProctorCandidates = try await client.json(.get, "/api/proctor/sessions/\(session.id)", token: proctor)
            let byNumber = Dictionary(uniqueKeysWithValues: listed.candidates.map { ($0.participantNumber, $0) })
            #expect(byNumber["2024000001"]?.absent == false)
            #expect(byNumber["2024000001"]?.total == 0)
            for number in ["2024000002", "2024000003"] {
                #expect(byNumber[number]?.absent == true)
                #expect(byNumber[number]?.finished == true)
                #expect(byNumber[number]?.total == nil)
                #expect(byNumber[number]?.passed == nil)
            }
            let audit = try await node.service.audit(session: session.id)
            #expect(audit.filter { $0.action == "attempt-absent" }.compactMap(\.participantNumber).sorted() == ["2024000002", "2024000003"])
            #expect(audit.filter { $0.action == "attempt-finish" }.compactMap(\.participantNumber) == ["2024000001"])
            let login = try await client.refusal(
                .post,
                "/api/exam/login",
                body: ["participantNumber": "2024000003", "pin": session.pin, "accessCode": "CTRA-6464", "device": "d"]
            )
            #expect(login.code == "wrong-credentials")
        }
    }

    @Test("an attempt that cannot be scored is recorded for the proctor and never stops the others, nor the heartbeat")
    func sweeperIsolatesFailures() async throws {
        let node = try await TestNode()
        let (proctor, session) = try await node.test { client in
            let (proctor, session) = try await node.openSession(client)
            for (number, code) in [("2024000001", "ANJX-4242"), ("2024000003", "CTRA-6464")] {
                let token = try await client.login(number, pin: session.pin, code: code, device: "pc-\(number)")
                let _: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            }
            return (proctor, session)
        }
        // After a restart (papers no longer in memory) one stored paper is unreadable.
        try await node.restart()
        try await node.overwriteStoredPaper(participant: "2024000001", with: "{")
        node.clock.advance(seconds: 100 * 60 + 10)
        let outcome = try await node.service.sweep()
        #expect(outcome.finished == 1)
        #expect(outcome.failures.count == 1)
        #expect(outcome.failures.first?.contains("2024000001") == true)
        let heartbeat = try await node.service.store.read { store in try store.lastHeartbeat() }
        #expect(heartbeat == node.clock.nowMilliseconds())
        // Tried again on the next sweep, but reported and audited once.
        node.clock.advance(seconds: 1)
        let again = try await node.service.sweep()
        #expect(again.finished == 0 && again.failures.isEmpty)
        try await node.test { client in
            let listed: ProctorCandidates = try await client.json(.get, "/api/proctor/sessions/\(session.id)", token: proctor)
            let broken = listed.candidates.first { $0.participantNumber == "2024000001" }
            #expect(broken?.finished == false)
            #expect(broken?.problem?.isEmpty == false)
            #expect(listed.candidates.first { $0.participantNumber == "2024000003" }?.finished == true)
        }
        let audit = try await node.service.audit(session: session.id)
        #expect(audit.count { $0.action == "attempt-finish-failed" } == 1)
    }

    @Test("after a restart the same paper, the same answers, and the downtime is credited and audited")
    func restart() async throws {
        let node = try await TestNode()
        let (token, paper, sessionID) = try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let paper: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            node.clock.advance(seconds: 20 * 60)
            _ = try await client.save(token, item: paper.items[0].id, option: paper.items[0].options[2].id, sequence: 1)
            return (token, paper, session.id)
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
            let audit: [String: [AuditEntry]] = try await client.json(.get, "/api/proctor/sessions/\(sessionID)/audit", token: proctor)
            let credit = audit["entries"]!.first { $0.action == "node-downtime-credit" }
            #expect(credit?.details.contains("900 detik") == true)
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
        let (token, paper, sessionID) = try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let paper: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            return (token, paper, session.id)
        }
        let service = node.service
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, item) in paper.items.enumerated() {
                group.addTask {
                    let option = index == 7 ? "Z" : item.options[0].id
                    let receipt = try? await service.save(
                        CandidateCredential(token: token, device: "perangkat-1"),
                        item: item.id,
                        option: option,
                        sequence: Int64(index + 1)
                    )
                    return (index, receipt?.applied ?? false)
                }
            }
            var results: [Int: Bool] = [:]
            for await (index, applied) in group { results[index] = applied }
            return results
        }
        #expect(results.count == 110)
        #expect(results.filter { !$0.value }.map(\.key) == [7])
        let state = try await service.state(CandidateCredential(token: token, device: "perangkat-1"))
        #expect(state.grid.count { $0.option != nil } == 109)
        let logged = try await service.store.read { store in try store.loggedAnswers(session: sessionID, participant: "2024000001") }
        #expect(logged.count == 109)
    }
}

/// The proctor's view of a session and its candidates.
struct ProctorCandidates: Decodable {
    let session: SessionSummary
    let candidates: [CandidateStatus]
}
