import ExamEngine
import Foundation
import GRDB
import HTTPTypes
import SeleksiCore
import Testing

@testable import ExamNode

/// The node's results package: made when a session closes, signed with the node's key,
/// the same bytes every time, and nothing before the close.
@Suite("Results packages: signed by the node when a session closes")
struct ResultsPackageTests {
    @Test("finished, disqualified (with the reason) and absent candidates, their scores, answer logs and digests, and the session's audit log")
    func package() async throws {
        let (node, portal) = try await RosterImportTests.node()
        let start = node.clock.nowMilliseconds()
        try await node.test { client in
            let proctor = try await client.proctorToken()
            let people = [
                RosterImportTests.participant("2600000001", "ANJX-4242"), RosterImportTests.participant("2600000002", "BUDX-5353"),
                RosterImportTests.participant("2600000003", "CTRA-6464"),
            ]
            let roster = RosterImportTests.package(version: 1, [("kpg-1", people)], start: start, for: node)
            let _: RosterImportResult = try await client.json(.post, "/api/proctor/packages", token: proctor, raw: RosterImportTests.sealed(roster, portal))
            let early = try await client.refusal(.get, "/api/proctor/sessions/kpg-1/results", token: proctor)
            #expect(early.status == 409 && early.code == "session-not-closed", "\(early)")
            #expect(try await client.send(.post, "/api/proctor/sessions/kpg-1/open", token: proctor).0 == 200)
            let pin = try await node.service.session("kpg-1").pin
            // Ani answers one item; Budi is caught with a phone; Citra never comes.
            let ani = try await client.login("2600000001", pin: pin, code: "ANJX-4242", device: "pc-1")
            let paper: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: ani)
            let item = paper.items[0]
            #expect(try await client.save(ani, item: item.id, option: item.options[0].id, sequence: 1).applied)
            let budi = try await client.login("2600000002", pin: pin, code: "BUDX-5353", device: "pc-2")
            let _: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: budi)
            let noReason = try await client.refusal(
                .post,
                "/api/proctor/sessions/kpg-1/candidates/2600000002/disqualify",
                token: proctor,
                body: ["reason": " "]
            )
            #expect(noReason.status == 400, "\(noReason)")
            let disqualified = try await client.send(
                .post,
                "/api/proctor/sessions/kpg-1/candidates/2600000002/disqualify",
                token: proctor,
                body: ["reason": "membawa ponsel"]
            )
            #expect(disqualified.0 == 200)
            // Their sign-in ends with it.
            #expect(try await client.refusal(.get, "/api/exam/state", token: budi).status == 401)
            #expect(try await client.send(.post, "/api/proctor/sessions/kpg-1/close", token: proctor).0 == 200)

            let (status, bytes) = try await client.send(.get, "/api/proctor/sessions/kpg-1/results", token: proctor)
            #expect(status == 200)
            let envelope = try SignedEnvelope.decode(bytes, maximumBytes: 1 << 24)
            #expect(envelope.keyID == node.node.signingKey.publicKey.id)
            let results = try JSONDecoder().decode(
                ResultsPackage.self,
                from: try envelope.open(kind: ResultsPackage.kind, trusted: [node.node.signingKey.publicKey])
            )
            #expect(results.sessionID == "kpg-1" && results.periodID == "casn-uji" && results.nodeID == "node-aula" && results.rosterVersion == 1)
            #expect(results.ruleSetID == "skd-2024" && results.openedAt != nil)
            let byNumber = Dictionary(uniqueKeysWithValues: results.candidates.map { ($0.participantNumber, $0) })
            let a = try #require(byNumber["2600000001"])
            #expect(a.status == .finished && a.score?.subtests.map(\.subtest) == ["TWK", "TIU", "TKP"] && a.startedAt != nil)
            #expect(a.answerLog.map(\.item) == [item.id] && a.answerLog[0].kind == "answer" && a.answerLog[0].sequence == 1)
            #expect(a.answerLogDigest == ResultsPackage.digest(of: a.answerLog))
            let b = try #require(byNumber["2600000002"])
            #expect(b.status == .disqualified && b.reason == "membawa ponsel" && b.score != nil)
            #expect(a.paperFingerprint.count == 64 && a.paperFingerprint != b.paperFingerprint)
            let c = try #require(byNumber["2600000003"])
            #expect(c.status == .absent && c.score == nil && c.startedAt == nil && c.answerLog.isEmpty)
            #expect(results.audit.contains { $0.action == "candidate-disqualify" && $0.details == "membawa ponsel" })
            #expect(results.audit.contains { $0.action == "session-close" })
            // The same bytes again, however often it is asked for.
            #expect(try await client.send(.get, "/api/proctor/sessions/kpg-1/results", token: proctor).1 == bytes)
            #expect(try await node.service.undeliveredResults().map(\.session) == ["kpg-1"])
            try await node.service.markResultsDelivered(session: "kpg-1")
            #expect(try await node.service.undeliveredResults().isEmpty)
            // Her score goes out live (the disqualified and the absent do not), once.
            let live = try #require(try await node.service.liveScoreBatch())
            let scores = try JSONDecoder().decode(
                LiveScores.self,
                from: try SignedEnvelope.decode(live.envelope, maximumBytes: 1 << 20).open(kind: LiveScores.kind, trusted: [node.node.signingKey.publicKey])
            )
            #expect(scores.nodeID == "node-aula" && scores.entries.map(\.participantNumber) == ["2600000001"] && scores.entries[0].total == a.score?.total)
            try await node.service.markScoresSent(live.attempts)
            #expect(try await node.service.liveScoreBatch() == nil)
            // A score the node cannot read is named, never taken as none (it stalled the feed).
            try await node.node.store.writer.write { db in
                try db.execute(sql: "UPDATE candidate SET score = '{', live_sent_at = NULL WHERE participant_number = '2600000001'")
            }
            await #expect { try await node.service.liveScoreBatch() } throws: { ($0 as? ExamNodeError)?.code == "score-unreadable" }
            try await node.node.store.writer.write { db in
                try db.execute(
                    sql: "UPDATE candidate SET score = ?, live_sent_at = 1 WHERE participant_number = '2600000001'",
                    arguments: [String(decoding: try JSONEncoder().encode(a.score), as: UTF8.self)]
                )
            }
            // The venue's screen: her score, never the PIN.
            let (screenStatus, screen) = try await client.send(.get, "/layar/kpg-1")
            let page = String(decoding: screen, as: UTF8.self)
            #expect(screenStatus == 200 && page.contains("Peserta 2600000001") && !page.contains(pin) && !page.contains("Peserta 2600000002"), "\(page)")
            #expect(try await client.send(.get, "/layar/kpg-9").0 == 404)
            // Disqualifying after the close is refused.
            let late = try await client.refusal(
                .post,
                "/api/proctor/sessions/kpg-1/candidates/2600000001/disqualify",
                token: proctor,
                body: ["reason": "terlambat diketahui"]
            )
            #expect(late.status == 409 && late.code == "wrong-state")
        }
    }

    @Test("a score sent live whose candidate is then disqualified is withdrawn the same way, once; the venue's screen drops it")
    func withdrawnLiveScore() async throws {
        let (node, portal) = try await RosterImportTests.node()
        let start = node.clock.nowMilliseconds()
        try await node.test { client in
            let proctor = try await client.proctorToken()
            let people = [RosterImportTests.participant("2600000001", "ANJX-4242"), RosterImportTests.participant("2600000002", "BUDX-5353")]
            let roster = RosterImportTests.package(version: 1, [("kpg-1", people)], start: start, for: node)
            let _: RosterImportResult = try await client.json(.post, "/api/proctor/packages", token: proctor, raw: RosterImportTests.sealed(roster, portal))
            #expect(try await client.send(.post, "/api/proctor/sessions/kpg-1/open", token: proctor).0 == 200)
            let ani = try await client.login("2600000001", pin: try await node.service.session("kpg-1").pin, code: "ANJX-4242", device: "pc-1")
            let _: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: ani)
            #expect(try await client.send(.post, "/api/exam/finish", token: ani).0 == 200)
            func entries(_ batch: (envelope: Data, attempts: [(session: String, participant: String)])) throws -> [LiveScores.Entry] {
                try JSONDecoder().decode(
                    LiveScores.self,
                    from: try SignedEnvelope.decode(batch.envelope, maximumBytes: 1 << 20).open(
                        kind: LiveScores.kind,
                        trusted: [node.node.signingKey.publicKey]
                    )
                ).entries
            }
            let sent = try #require(try await node.service.liveScoreBatch())
            #expect(try entries(sent).map(\.withdrawn) == [nil])
            try await node.service.markScoresSent(sent.attempts)
            #expect(try await node.service.screen(session: "kpg-1").scores.map(\.participant) == ["2600000001"])
            // Caught afterwards (a proctor finds notes): the score is taken down.
            let disqualified = try await client.send(
                .post,
                "/api/proctor/sessions/kpg-1/candidates/2600000001/disqualify",
                token: proctor,
                body: ["reason": "catatan contekan ditemukan"]
            )
            #expect(disqualified.0 == 200)
            let withdrawal = try #require(try await node.service.liveScoreBatch())
            let withdrawn = try entries(withdrawal)
            #expect(withdrawn.map(\.participantNumber) == ["2600000001"] && withdrawn.map(\.withdrawn) == [true])
            try await node.service.markScoresSent(withdrawal.attempts)
            #expect(try await node.service.liveScoreBatch() == nil)
            #expect(try await node.service.screen(session: "kpg-1").scores.isEmpty)

            // Budi finishes; he is disqualified while his score is on its way: the withdrawal follows.
            let budi = try await client.login("2600000002", pin: try await node.service.session("kpg-1").pin, code: "BUDX-5353", device: "pc-2")
            let _: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: budi)
            #expect(try await client.send(.post, "/api/exam/finish", token: budi).0 == 200)
            let inFlight = try #require(try await node.service.liveScoreBatch())
            #expect(try entries(inFlight).map(\.withdrawn) == [nil])
            try await node.service.disqualify("kpg-1", participant: "2600000002", reason: "joki", actor: "pengawas")
            try await node.service.markScoresSent(inFlight.attempts)
            let following = try #require(try await node.service.liveScoreBatch())
            #expect(try entries(following).map(\.participantNumber) == ["2600000002"] && (try entries(following)).map(\.withdrawn) == [true])
            try await node.service.markScoresSent(following.attempts)
            #expect(try await node.service.liveScoreBatch() == nil)
        }
    }

    @Test("a session from before roster packages (its roster typed by hand) has no results package")
    func handLoaded() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let proctor = try await client.proctorToken()
            try await node.service.store.write { tx in
                try tx.insertSession(id: "sesi-lama", venue: "Aula", ruleSetID: "skd-2024", scheduledStart: 0, pin: "123456", createdAt: 0)
                try tx.assignProctor(username: "pengawas", session: "sesi-lama")
            }
            let session = try await node.service.session("sesi-lama")
            #expect(try await client.send(.post, "/api/proctor/sessions/\(session.id)/close", token: proctor).0 == 200)
            let refused = try await client.refusal(.get, "/api/proctor/sessions/\(session.id)/results", token: proctor)
            #expect(refused.status == 409 && refused.code == "not-from-portal", "\(refused)")
            #expect(try await node.service.undeliveredResults().isEmpty)
        }
    }
}
