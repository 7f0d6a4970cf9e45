import Foundation
import HTTPTypes
import Registration
import SeleksiCore
import Testing

@testable import Portal

/// Live scores: the node sends each finished candidate's score; the live page shows it and
/// its event stream carries it to everyone watching.
@Suite("Live scores from the nodes to the live page")
struct LiveScoreTests {
    static func scores(_ entries: [(String, String, Int)], node: String = "node-jkt") -> LiveScores {
        LiveScores(
            periodID: "casn-test",
            nodeID: node,
            entries: entries.map { session, number, total in
                LiveScores.Entry(
                    sessionID: session,
                    participantNumber: number,
                    scores: ["TWK": 100, "TIU": 100, "TKP": total - 200],
                    total: total,
                    passed: true,
                    finishedAt: 5
                )
            }
        )
    }

    @Test("kept once from the node registered for the venue, only for who is seated there, and fanned out to the page's watchers")
    func fanOut() async throws {
        let portal = try await TestPortal()
        let (key, stranger) = try ResultsBoardTests.keys()
        try await portal.test { client in
            let (_, _, number, _) = try await ResultsBoardTests.examined(client, portal, key)
            let hub = LiveScoreHub(service: portal.service)
            // A first watcher claiming to have seen everything does not put the feed past every score.
            let greedy = await hub.watch(session: "jkt-1", after: .max)
            let watching = await hub.watch(session: "jkt-1", after: 0)
            let batch = Self.scores([("jkt-1", number, 380), ("jkt-1", "2699999999", 400), ("jkt-2", number, 390)])
            let sent = try await client.send(.post, "/api/node/scores", bytes: [UInt8](batch.sealed(with: key)))
            #expect(sent.status == 200 && sent["accepted"] as? Int == 1 && sent["ignored"] as? Int == 2, "\(sent.text)")
            let again = try await client.send(.post, "/api/node/scores", bytes: [UInt8](batch.sealed(with: key)))
            #expect(again["accepted"] as? Int == 0)
            #expect(try await client.send(.post, "/api/node/scores", bytes: [UInt8](batch.sealed(with: stranger))).code == "unknown-signer")
            #expect(try await client.send(.post, "/api/node/scores", bytes: [UInt8](Self.scores([], node: "node-lain").sealed(with: key))).code == "wrong-node")
            await hub.arrived(session: "jkt-1")
            var received: [LiveScore] = []
            for await batch in watching where !batch.isEmpty {
                received = batch
                break
            }
            withExtendedLifetime(greedy) {}
            #expect(received.map(\.participantNumber) == [number] && received[0].name == "Ani Lestari" && received[0].total == 380 && received[0].id >= 1)
            // What a reconnecting reader gets after the last event it saw.
            #expect(try await portal.service.liveScores(sessionID: "jkt-1", after: received[0].id).isEmpty)
            #expect(LivePages.event(received[0]).hasPrefix("id: \(received[0].id)\nevent: nilai\ndata: {"))
            let page = try await client.send(.get, "/langsung/jkt-1")
            #expect(page.status == 200 && page.text.contains("Ani Lestari") && page.text.contains("380") && page.text.contains("/static/langsung.js"))
            #expect(try await client.send(.get, "/langsung").text.contains("/langsung/jkt-1"))
            #expect(try await client.send(.get, "/langsung/jkt-9").status == 404)
            #expect(try await client.send(.get, "/static/langsung.js").status == 200)

            // She is disqualified after finishing: the node withdraws the score. It is a new
            // event (`tarik`) for whoever follows, the page no longer shows her, and the score
            // sent again later does not put her back.
            let withdrawal = LiveScores(
                periodID: "casn-test",
                nodeID: "node-jkt",
                entries: [LiveScores.Entry(sessionID: "jkt-1", participantNumber: number, scores: [:], total: 0, passed: nil, finishedAt: 5, withdrawn: true)]
            )
            #expect(try await client.send(.post, "/api/node/scores", bytes: [UInt8](withdrawal.sealed(with: key)))["accepted"] as? Int == 1)
            let taken = try await portal.service.liveScores(sessionID: "jkt-1", after: received[0].id)
            #expect(taken.count == 1 && taken[0].withdrawn && taken[0].participantNumber == number && taken[0].id > received[0].id)
            #expect(LivePages.event(taken[0]).hasPrefix("id: \(taken[0].id)\nevent: tarik\ndata: {"))
            #expect(try await portal.service.liveScores(sessionID: "jkt-1", after: 0).map(\.withdrawn) == [true])
            let after = try await client.send(.get, "/langsung/jkt-1")
            #expect(!after.text.contains("Ani Lestari") && after.text.contains("data-last=\"\(taken[0].id)\""), "\(after.text)")
            #expect(try await client.send(.post, "/api/node/scores", bytes: [UInt8](batch.sealed(with: key)))["accepted"] as? Int == 0)
            #expect(!(try await client.send(.get, "/langsung/jkt-1").text.contains("Ani Lestari")))
        }
    }
}
