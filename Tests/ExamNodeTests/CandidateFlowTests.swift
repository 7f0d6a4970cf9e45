import ExamEngine
import Foundation
import HTTPTypes
import HummingbirdTesting
import SeleksiCore
import Testing

@testable import ExamNode

@Suite("Exam node: candidate flow over HTTP")
struct CandidateFlowTests {
    @Test("log in, fetch the paper (no key), answer, mark doubtful, read the state, finish and see the score")
    func wholeFlow() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let (status, raw) = try await client.send(.get, "/api/exam/paper", token: token)
            #expect(status == 200)
            let text = String(decoding: raw, as: UTF8.self)
            #expect(!text.contains("correct") && !text.contains("weight") && !text.contains("explanation"))
            let paper = try JSONDecoder().decode(CandidatePaper.self, from: raw)
            #expect(paper.items.count == 110)
            #expect(paper.items.first?.number == 1)

            // Answer every item with its key, through the API, by option identity.
            let bank = sharedCatalog.entries["skd-2024"]!.bank
            var sequence = 0
            for item in paper.items {
                sequence += 1
                let bankItem = bank.item(item.id)!
                let best: String =
                    switch bankItem.key {
                    case .correct(let index): bankItem.options[index].id
                    case .weights(let weights): bankItem.options[weights.firstIndex(of: weights.max()!)!].id
                    }
                let receipt = try await client.save(token, item: item.id, option: best, sequence: sequence)
                #expect(receipt.saved && receipt.applied)
            }
            let doubt: SaveReceipt = try await client.json(
                .put,
                "/api/exam/doubtful/\(paper.items[3].id)",
                token: token,
                body: ["doubtful": true, "sequence": sequence + 1]
            )
            #expect(doubt.applied)
            let state: CandidateState = try await client.json(.get, "/api/exam/state", token: token)
            #expect(state.grid.count { $0.option != nil } == 110)
            #expect(state.grid.first { $0.item == paper.items[3].id }?.doubtful == true)
            #expect(state.secondsLeft == 100 * 60)
            #expect(state.lastSequence == Int64(sequence + 1))

            let (finishStatus, finishBody) = try await client.send(.post, "/api/exam/finish", token: token)
            #expect(finishStatus == 200)
            let finish = try JSONSerialization.jsonObject(with: finishBody) as! [String: Any]
            let score = finish["score"] as! [String: Any]
            #expect(score["total"] as? Int == 550)
            #expect(score["decision"] as? String == "lulus")

            let twice = try await client.refusal(.post, "/api/exam/finish", token: token)
            #expect((twice.status, twice.code) == (409, "already-finished"))
            let late = try await client.refusal(.put, "/api/exam/answers/\(paper.items[0].id)", token: token, body: ["option": "A", "sequence": 999])
            #expect(late.code == "already-finished")
        }
    }

    @Test("saves are idempotent on retry, and an older write never overwrites a newer one")
    func ordering() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let paper: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            let item = paper.items[0]
            let (first, second) = (item.options[0].id, item.options[1].id)
            #expect(try await client.save(token, item: item.id, option: second, sequence: 5).applied)
            // The same write again (a retry after a lost response): acknowledged, nothing changes.
            #expect(try await client.save(token, item: item.id, option: second, sequence: 5).saved)
            // An older write arriving late: logged, saved, not applied.
            let stale = try await client.save(token, item: item.id, option: first, sequence: 3)
            #expect(stale.saved && !stale.applied)
            let state: CandidateState = try await client.json(.get, "/api/exam/state", token: token)
            #expect(state.grid.first { $0.item == item.id }?.option == second)
            // Reusing a sequence number for different content is refused.
            let reused = try await client.refusal(.put, "/api/exam/answers/\(item.id)", token: token, body: ["option": first, "sequence": 5])
            #expect((reused.status, reused.code) == (409, "sequence-reused"))
            // Clearing is an answer too.
            #expect(try await client.save(token, item: item.id, option: nil, sequence: 6).applied)
            let cleared: CandidateState = try await client.json(.get, "/api/exam/state", token: token)
            #expect(cleared.grid.first { $0.item == item.id }?.option == nil)
        }
    }

    @Test("bad input gets a clear 4xx with a code and an Indonesian message, never a partial write")
    func badInput() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let wrongPIN = try await client.refusal(
                .post,
                "/api/exam/login",
                body: ["participantNumber": "2024000001", "pin": "000000x", "accessCode": "ANJX-4242", "device": "d"]
            )
            #expect((wrongPIN.status, wrongPIN.code) == (401, "wrong-credentials"))
            #expect(wrongPIN.message.contains("salah"))
            let unknown = try await client.refusal(
                .post,
                "/api/exam/login",
                body: ["participantNumber": "9999", "pin": session.pin, "accessCode": "ANJX-4242", "device": "d"]
            )
            #expect(unknown.code == "wrong-credentials")
            let malformed = try await client.refusal(.post, "/api/exam/login", raw: "{not json")
            #expect((malformed.status, malformed.code) == (400, "malformed-json"))
            let missing = try await client.refusal(.post, "/api/exam/login", body: ["participantNumber": "2024000001"])
            #expect(missing.status == 400)

            let token = try await client.login(pin: session.pin)
            let paper: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            let foreignItem = try await client.refusal(.put, "/api/exam/answers/not-on-paper", token: token, body: ["option": "A", "sequence": 1])
            #expect((foreignItem.status, foreignItem.code) == (422, "item-not-in-paper"))
            let badOption = try await client.refusal(.put, "/api/exam/answers/\(paper.items[0].id)", token: token, body: ["option": "Z", "sequence": 1])
            #expect((badOption.status, badOption.code) == (422, "option-out-of-range"))
            let badSequence = try await client.refusal(.put, "/api/exam/answers/\(paper.items[0].id)", token: token, body: ["option": "A", "sequence": 0])
            #expect(badSequence.code == "invalid-sequence")
            let noToken = try await client.refusal(.get, "/api/exam/state")
            #expect((noToken.status, noToken.code) == (401, "invalid-token"))
            let forged = try await client.refusal(.get, "/api/exam/state", token: String(repeating: "a", count: 64))
            #expect(forged.code == "invalid-token")
            let huge = try await client.refusal(
                .put,
                "/api/exam/answers/\(paper.items[0].id)",
                token: token,
                raw: String(repeating: " ", count: 5 * 1024 * 1024)
            )
            #expect((huge.status, huge.code) == (413, "body-too-large"))
            // None of the refused writes left anything behind.
            let state: CandidateState = try await client.json(.get, "/api/exam/state", token: token)
            #expect(state.grid.isEmpty)
            #expect(state.lastSequence == 0)
        }
    }

    @Test("wrong logins are limited; a second device is refused until the proctor resets the candidate")
    func loginLimitsAndDevices() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let (proctor, session) = try await node.openSession(client)
            for _ in 0..<4 {
                let refusal = try await client.refusal(
                    .post,
                    "/api/exam/login",
                    body: ["participantNumber": "2024000003", "pin": session.pin, "accessCode": "CTRA-6465", "device": "d"]
                )
                #expect(refusal.code == "wrong-credentials")
            }
            let fifth = try await client.refusal(
                .post,
                "/api/exam/login",
                body: ["participantNumber": "2024000003", "pin": session.pin, "accessCode": "CTRA-6465", "device": "d"]
            )
            #expect((fifth.status, fifth.code) == (429, "too-many-attempts"))
            let evenRight = try await client.refusal(
                .post,
                "/api/exam/login",
                body: ["participantNumber": "2024000003", "pin": session.pin, "accessCode": "CTRA-6464", "device": "d"]
            )
            #expect(evenRight.code == "too-many-attempts")
            node.clock.advance(seconds: 301)
            _ = try await client.login("2024000003", pin: session.pin, code: "CTRA-6464", device: "d")

            let first = try await client.login(pin: session.pin, device: "laptop-7")
            let other = try await client.refusal(
                .post,
                "/api/exam/login",
                body: ["participantNumber": "2024000001", "pin": session.pin, "accessCode": "ANJX-4242", "device": "laptop-9"]
            )
            #expect((other.status, other.code) == (409, "device-in-use"))
            let _: [String: Bool] = try await client.json(.post, "/api/proctor/sessions/\(session.id)/candidates/2024000001/reset-device", token: proctor)
            let second = try await client.login(pin: session.pin, device: "laptop-9")
            let old = try await client.refusal(.get, "/api/exam/state", token: first)
            #expect(old.code == "invalid-token")
            let _: CandidateState = try await client.json(.get, "/api/exam/state", token: second)
        }
    }

    @Test("a token works only from the device it was issued to; a second login from that device replaces it")
    func tokenBelongsToDevice() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin, device: "pc-12")
            let paper: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            let item = paper.items[0]
            _ = try await client.save(token, item: item.id, option: item.options[0].id, sequence: 1)
            // The same token from another client: refused on every route, and nothing saved.
            for (method, path) in [(HTTPRequest.Method.get, "/api/exam/state"), (.get, "/api/exam/paper"), (.post, "/api/exam/finish")] {
                let elsewhere = try await client.refusal(method, path, token: token, device: "pc-13")
                #expect((elsewhere.status, elsewhere.code) == (401, "invalid-token"), "\(path)")
            }
            let save = try await client.refusal(
                .put,
                "/api/exam/answers/\(item.id)",
                token: token,
                device: "pc-13",
                body: ["option": item.options[1].id, "sequence": 2]
            )
            #expect(save.code == "invalid-token")
            let doubt = try await client.refusal(.put, "/api/exam/doubtful/\(item.id)", token: token, device: "pc-13", body: ["doubtful": true, "sequence": 3])
            #expect(doubt.code == "invalid-token")
            let noDevice = try await client.refusal(.get, "/api/exam/state", token: token, device: "")
            #expect(noDevice.code == "invalid-token")
            // Logging in again from the same PC (the page reloaded) ends the first token.
            let again = try await client.login(pin: session.pin, device: "pc-12")
            #expect(again != token)
            let old = try await client.refusal(.put, "/api/exam/answers/\(item.id)", token: token, body: ["option": item.options[2].id, "sequence": 4])
            #expect(old.code == "invalid-token")
            let state: CandidateState = try await client.json(.get, "/api/exam/state", token: again)
            #expect(state.grid.first { $0.item == item.id }?.option == item.options[0].id)
            #expect(state.lastSequence == 1)
        }
    }

    @Test("wrong logins across many participant numbers from one address make that address wait, even for a right login")
    func loginLimitPerAddress() async throws {
        var settings = ExamSettings()
        settings.loginFailuresPerAddress = 3
        let node = try await TestNode(settings: settings)
        try await node.test { client in
            let (_, session) = try await node.openSession(client)
            // Each number is tried once (under its own limit of 5), with a guessed access code.
            for number in ["2024000001", "2024000002", "2024000003"] {
                let refusal = try await client.refusal(
                    .post,
                    "/api/exam/login",
                    body: ["participantNumber": number, "pin": session.pin, "accessCode": "ZZZZ-9999", "device": "d"]
                )
                #expect(refusal.code == "wrong-credentials")
            }
            let waiting = try await client.refusal(
                .post,
                "/api/exam/login",
                body: ["participantNumber": "2024000001", "pin": session.pin, "accessCode": "ANJX-4242", "device": "d"]
            )
            #expect((waiting.status, waiting.code) == (429, "too-many-attempts"))
            #expect(waiting.message.contains("300 detik"))
            node.clock.advance(seconds: 301)
            _ = try await client.login(pin: session.pin, device: "d")
        }
    }

    @Test("concurrent wrong logins from one address are counted before they are checked: no more run than the limit; concurrent right ones all get in")
    func concurrentGuesses() async throws {
        var settings = ExamSettings()
        settings.loginFailuresPerAddress = 3
        let node = try await TestNode(settings: settings)
        try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let codes = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<60 {
                    group.addTask {
                        try await client.refusal(
                            .post,
                            "/api/exam/login",
                            body: [
                                "participantNumber": "20249\(String(format: "%05d", index))", "pin": session.pin, "accessCode": "ZZZZ-9999",
                                "device": "d\(index)",
                            ]
                        ).code
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(codes == ["wrong-credentials": 3, "too-many-attempts": 57])
        }
        // A whole room logging in at once through one address (a NAT) is not refused.
        let room = try await TestNode(settings: settings)
        try await room.test { client in
            let (_, session) = try await room.openSession(client)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (number, code) in [("2024000001", "ANJX-4242"), ("2024000002", "BUDX-5353"), ("2024000003", "CTRA-6464")] {
                    for attempt in 0..<4 {
                        group.addTask { _ = try await client.login(number, pin: session.pin, code: code, device: "pc-\(number)-\(attempt)") }
                    }
                }
                // Every login succeeds or meets the other-device refusal, never the address limit.
                while let result = await group.nextResult() {
                    if case .failure(let failure as Client.Failure) = result { #expect(failure.code == "device-in-use") }
                }
            }
        }
    }

    @Test("a candidate's token does not open the proctor API, nor another candidate's data")
    func scopes() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let asProctor = try await client.refusal(.get, "/api/proctor/sessions", token: token)
            #expect((asProctor.status, asProctor.code) == (401, "proctor-unauthorized"))
            let anonymous = try await client.refusal(.post, "/api/proctor/sessions/\(session.id)/close")
            #expect(anonymous.status == 401)
            let wrongPassword = try await client.refusal(.post, "/api/proctor/login", body: client.proctorLogin(password: "salah-sekali-ya"))
            #expect(wrongPassword.code == "proctor-unauthorized")
            // The paper belongs to the token's holder only.
            let other = try await client.login("2024000002", pin: session.pin, code: "BUDX-5353", device: "x")
            let mine: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: token)
            let theirs: CandidatePaper = try await client.json(.get, "/api/exam/paper", token: other)
            #expect(mine.participantNumber == "2024000001")
            #expect(theirs.participantNumber == "2024000002")
        }
    }
}

@Suite("Exam node: sessions and rosters")
struct RosterTests {
    @Test("papers are assembled at import, one per candidate, all different; an unknown rule set or session is refused")
    func papersAtImport() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let proctor = try await client.proctorToken()
            let people = [
                RosterPackage.Participant(
                    participantNumber: "A-1",
                    name: "Dewi",
                    formationType: .general,
                    accommodations: [],
                    accessCodeDigest: AccessCode.digest("DEWX-2323")
                ),
                RosterPackage.Participant(
                    participantNumber: "A-2",
                    name: "Eko",
                    formationType: .papua,
                    accommodations: [],
                    accessCodeDigest: AccessCode.digest("EKXX-3232")
                ),
            ]
            let imported: RosterImportResult = try await client.json(
                .post,
                "/api/proctor/packages",
                token: proctor,
                raw: node.package(session: "sesi-skb", ruleSet: "skb-pranata-komputer", people: people)
            )
            #expect(imported.created == ["sesi-skb"])
            let stored = try await node.service.store.read { store in
                try ["A-1", "A-2"].map { try store.paper(session: "sesi-skb", participant: $0) }
            }
            let fingerprints = try stored.map { try ExamService.decodePaper(try #require($0)).fingerprint }
            #expect(Set(fingerprints).count == 2)
            let unknownRules = try await client.refusal(
                .post,
                "/api/proctor/packages",
                token: proctor,
                raw: node.package(session: "sesi-lain", ruleSet: "skd-1999", version: 2, people: [])
            )
            #expect(unknownRules.status == 400, "\(unknownRules)")
            let notFound = try await client.refusal(.get, "/api/proctor/sessions/sesi-tidak-ada", token: proctor)
            #expect((notFound.status, notFound.code) == (404, "unknown-session"))
            // An empty session cannot be opened.
            let _: RosterImportResult = try await client.json(
                .post,
                "/api/proctor/packages",
                token: proctor,
                raw: node.package(session: "sesi-kosong", version: 3, people: [])
            )
            #expect(try await client.refusal(.post, "/api/proctor/sessions/sesi-kosong/open", token: proctor).status == 400)
        }
    }
}
