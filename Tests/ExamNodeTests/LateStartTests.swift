import Foundation
import HTTPTypes
import SeleksiCore
import Testing

@testable import ExamNode

@Suite("Exam node: late starts and a stepped wall clock")
struct LateStartTests {
    @Test("a late start shortens the attempt by the working time since the opening (a pause is not counted); past the limit nobody starts")
    func lateStart() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let (proctor, session) = try await node.openSession(client)
            node.clock.advance(seconds: 5 * 60)
            let _: [String: Bool] = try await client.json(.post, "/api/proctor/sessions/\(session.id)/pause", token: proctor)
            node.clock.advance(seconds: 20 * 60)  // a 20-minute power cut is not the candidate's lateness
            let _: [String: Bool] = try await client.json(.post, "/api/proctor/sessions/\(session.id)/resume", token: proctor)
            node.clock.advance(seconds: 5 * 60)
            let token = try await client.login(pin: session.pin)
            let _: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            let state: CandidateState = try await client.json(.get, "/api/exam/state", token: token)
            #expect(state.secondsLeft == 90 * 60, "10 minutes late of 100")
            let audit = try await node.service.audit(session: session.id)
            #expect(audit.contains { $0.action == "attempt-start" && $0.details.contains("terlambat 600 detik") })
            node.clock.advance(seconds: 21 * 60)  // 31 minutes of working time since the opening
            let late = try await client.login("2024000003", pin: session.pin, code: "CTRA-6464", device: "pc-3")
            let refused = try await client.refusal(.get, "/api/exam/paper", token: late)
            #expect((refused.status, refused.code) == (409, "late-start"))
            let status: ProctorCandidates = try await client.json(.get, "/api/proctor/sessions/\(session.id)", token: proctor)
            #expect(status.candidates.first { $0.participantNumber == "2024000003" }?.started == false)
        }
    }

    @Test("where configured so, a late start keeps the whole time")
    func lateStartKeepsTime() async throws {
        var settings = ExamSettings()
        settings.lateStart = LateStartRule(maximumMilliseconds: 60 * 60_000, shortensAttempt: false)
        let node = try await TestNode(settings: settings)
        try await node.test { client in
            let (_, session) = try await node.openSession(client)
            node.clock.advance(seconds: 45 * 60)
            let token = try await client.login(pin: session.pin)
            let _: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            let state: CandidateState = try await client.json(.get, "/api/exam/state", token: token)
            #expect(state.secondsLeft == 100 * 60)
        }
    }

    @Test("stepping the machine's clock an hour either way changes nobody's time left; only elapsed time does")
    func steppedWallClock() async throws {
        let wall = ManualClock(1_800_000_000_000)
        let monotonic = ManualMonotonic()
        let node = try await TestNode(serviceClock: AnchoredClock(wall: wall, monotonic: monotonic))
        node.clock.set(1_800_000_000_000)
        try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let _: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            wall.advance(seconds: 3_600)
            var state: CandidateState = try await client.json(.get, "/api/exam/state", token: token)
            #expect(state.secondsLeft == 100 * 60)
            wall.advance(seconds: -7_200)
            monotonic.advance(seconds: 60)
            state = try await client.json(.get, "/api/exam/state", token: token)
            #expect(state.secondsLeft == 99 * 60)
        }
    }
}
