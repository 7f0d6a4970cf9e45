import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import ExamNode

@Suite("Exam node: what each session state allows")
struct SessionStateTests {
    @Test(
        "a roster loads only before the session opens; nobody is extended in a closed session; an unreadable stored paper is the server's error and starts no clock"
    )
    func statesAndFaults() async throws {
        let node = try await TestNode()
        let (proctor, session) = try await node.test { client in
            let (proctor, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let _: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            let late = try await client.refusal(
                .post,
                "/api/proctor/packages",
                token: proctor,
                raw: node.package(session: session.id, version: 2, people: [roster[0]])
            )
            #expect((late.status, late.code) == (409, "session-already-open"))
            return (proctor, session)
        }
        // A paper damaged in the store (after a restart, so none is kept in memory): 500, not "malformed request".
        try await node.overwriteStoredPaper(participant: "2024000003", with: "{")
        try await node.restart()
        try await node.test { client in
            let base = "/api/proctor/sessions/\(session.id)"
            let other = try await client.login("2024000003", pin: session.pin, code: "CTRA-6464", device: "pc-3")
            let broken = try await client.refusal(.get, "/api/exam/paper", token: other)
            #expect(broken.status == 500, "\(broken)")
            let _: [String: Bool] = try await client.json(.post, base + "/close", token: proctor)
            // The paper never reached them, so their clock never started: absent, not a 0.
            let listed: ProctorCandidates = try await client.json(.get, base, token: proctor)
            #expect(listed.candidates.first { $0.participantNumber == "2024000003" }?.absent == true)
            let extend = try await client.refusal(.post, base + "/candidates/2024000002/extend", token: proctor, body: ["minutes": 5])
            #expect((extend.status, extend.code) == (409, "wrong-state"))
        }
    }
}

@Suite("Exam node: an attempt a close could not finish")
struct CloseRetryTests {
    @Test("is shown to the proctor and finished by the sweeper once its paper can be read again")
    func retriedAfterClose() async throws {
        let node = try await TestNode()
        let (proctor, session) = try await node.test { client in
            let (proctor, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let _: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            return (proctor, session)
        }
        let original = try await node.service.store.read { store in try store.paper(session: session.id, participant: "2024000001") }
        try await node.overwriteStoredPaper(participant: "2024000001", with: "{")
        try await node.restart()
        try await node.test { client in
            let _: [String: Bool] = try await client.json(.post, "/api/proctor/sessions/\(session.id)/close", token: proctor)
            let listed: ProctorCandidates = try await client.json(.get, "/api/proctor/sessions/\(session.id)", token: proctor)
            let broken = listed.candidates.first { $0.participantNumber == "2024000001" }
            #expect(broken?.finished == false && broken?.problem != nil)
        }
        // The paper is mended (restored from a backup, say): the next sweep finishes and scores it.
        try await node.overwriteStoredPaper(participant: "2024000001", with: try #require(original))
        try await node.restart()
        let outcome = try await node.service.sweep()
        #expect(outcome.finished == 1)
        try await node.test { client in
            let listed: ProctorCandidates = try await client.json(.get, "/api/proctor/sessions/\(session.id)", token: proctor)
            let mended = listed.candidates.first { $0.participantNumber == "2024000001" }
            #expect(mended?.finished == true && mended?.problem == nil && mended?.total != nil)
        }
    }
}

@Suite("Exam node: security headers on every page")
struct NodeSecurityHeaderTests {
    @Test("the pages, scripts, the document, the API and an error carry HSTS, nosniff, a referrer policy and a CSP without inline script")
    func everyPage() async throws {
        let node = try await TestNode()
        try await node.test { client in
            for path in ["/", "/pengawas", "/static/ujian.js", "/static/ujian.css", "/static/pengawas.js", "/openapi.json", "/api/exam/state", "/tidak-ada"] {
                try await client.client.execute(uri: path, method: .get) { response in
                    #expect(response.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000", "\(path)")
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(path)")
                    #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin", "\(path)")
                    let policy = response.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                    #expect(policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"), "\(path)")
                    let body = String(buffer: response.body)
                    if path == "/" || path == "/pengawas" { #expect(!body.contains("<script>"), "\(path) has inline script") }
                }
            }
        }
    }
}
