import Foundation
import HTTPTypes
import Registration
import Selection
import SeleksiCore
import Testing

/// Results back from the nodes, ranked, announced and on the public board.
@Suite("Results packages, announcements and the public board")
struct ResultsBoardTests {
    /// A node key the test holds (to sign results with), and another nobody registered.
    static func keys() throws -> (node: SigningKey, stranger: SigningKey) {
        let folder = NSTemporaryDirectory() + "seleksi-results-keys-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return (try SigningKey.loadOrCreate(path: folder + "/node.key"), try SigningKey.loadOrCreate(path: folder + "/other.key"))
    }

    static func finished(_ number: String, twk: Int, tiu: Int, tkp: Int, log: [ResultsPackage.LogLine] = []) -> ResultsPackage.Candidate {
        let sheet = ScoreSheet(
            subtests: [
                SubtestScore(subtest: "TWK", score: twk, maximum: 150, answered: 30, items: 30),
                SubtestScore(subtest: "TIU", score: tiu, maximum: 175, answered: 35, items: 35),
                SubtestScore(subtest: "TKP", score: tkp, maximum: 225, answered: 45, items: 45),
            ],
            formationType: .general,
            decision: twk >= 65 && tiu >= 80 && tkp >= 166 ? .passed : .failed([])
        )
        return ResultsPackage.Candidate(
            participantNumber: number,
            status: .finished,
            reason: nil,
            startedAt: 1,
            finishedAt: 2,
            score: sheet,
            paperFingerprint: String(repeating: "a", count: 64),
            answerLog: log
        )
    }

    static func results(
        _ session: String,
        _ candidates: [ResultsPackage.Candidate],
        version: Int = 1,
        node: String = "node-jkt",
        period: String = "casn-test"
    ) -> ResultsPackage {
        ResultsPackage(
            periodID: period,
            nodeID: node,
            sessionID: session,
            venue: "Kanreg V Jakarta",
            ruleSetID: "skd-2024",
            rosterVersion: version,
            openedAt: 1,
            closedAt: 3,
            candidates: candidates,
            audit: [ResultsPackage.AuditLine(at: 1, actor: "pengawas", action: "session-open", participantNumber: nil, details: "")]
        )
    }

    static func sealed(_ package: ResultsPackage, _ key: SigningKey) -> [UInt8] {
        [UInt8](SignedEnvelope.seal(kind: ResultsPackage.kind, payload: package.encoded(), key: key).encoded())
    }

    /// Ani seated in jkt-1 and her roster sent to node-jkt (version 1).
    static func examined(
        _ client: PortalClient,
        _ portal: TestPortal,
        _ key: SigningKey
    ) async throws -> (ani: String, admin: String, number: String, application: Int64) {
        let (ani, admin, application) = try await RosterPackageTests.seated(client, portal, nodeKey: key.publicKey.text)
        let staff = try #require(try await portal.service.store.staffCredentials(username: "admin")?.staff)
        #expect(try await portal.service.rosterPackage(staff: staff, nodeID: "node-jkt").version == 1)
        let number = try #require(try await client.send(.get, "/api/application/exam-card", token: ani)["participantNumber"] as? String)
        return (ani, admin, number, application)
    }

    @Test("a node's results are accepted once, from its key only; ranked, previewed, published at its time, shown on the board with the digest")
    func journey() async throws {
        let portal = try await TestPortal()
        let (key, _) = try Self.keys()
        try await portal.test { client in
            let (_, admin, number, _) = try await Self.examined(client, portal, key)
            let missing = try await client.send(.get, "/api/admin/announcements/skd/preview", token: admin)
            #expect(missing.status == 409 && missing.code == "results-missing", "\(missing.text)")

            let package = Self.sealed(Self.results("jkt-1", [Self.finished(number, twk: 100, tiu: 110, tkp: 180)]), key)
            // A verifier may not (a new authenticator step: the code of the last one was used).
            portal.clock.advance(seconds: 31)
            let verifier = try await client.staff("verif-keu")
            #expect(try await client.send(.post, "/api/admin/results", token: verifier, bytes: package).status == 403)
            let imported = try await client.send(.post, "/api/admin/results", token: admin, bytes: package)
            #expect(imported.status == 200 && imported["unchanged"] as? Bool == false && imported["candidates"] as? Int == 1, "\(imported.text)")
            // The node sends it again (its acknowledgement was lost): nothing changes.
            let again = try await client.send(.post, "/api/node/results", bytes: package)
            #expect(again.status == 200 && again["unchanged"] as? Bool == true, "\(again.text)")
            let kept = try #require(try await portal.service.store.resultsPackage(periodID: "casn-test", sessionID: "jkt-1"))
            #expect(kept.envelope == Data(package))
            // Kept as the admin's upload; the node's resend did not take it over.
            #expect(kept.importedBy == "admin")
            // Another package for the same session is not a correction: refused.
            let other = Self.sealed(Self.results("jkt-1", [Self.finished(number, twk: 150, tiu: 175, tkp: 225)]), key)
            let replaced = try await client.send(.post, "/api/admin/results", token: admin, bytes: other)
            #expect(replaced.status == 409 && replaced.code == "results-already-imported", "\(replaced.text)")

            // Preview: exactly what will be public.
            let preview = try await client.send(.get, "/api/admin/announcements/skd/preview", token: admin)
            #expect(preview.status == 200, "\(preview.text)")
            let draft = try JSONDecoder().decode(PublishedAnnouncement.self, from: preview.body).announcement
            #expect(draft.version == 1 && draft.previousDigest == nil && draft.sources.map(\.sessionID) == ["jkt-1"])
            let row = try #require(draft.rows.first { $0.participantNumber == number })
            #expect(row.total == 390 && row.rank == 1 && row.code == "P/L" && row.name == "Ani Lestari" && row.scores?["TKP"] == 180)
            // Published for an hour from now: nothing shows before then.
            let at = portal.clock.nowMilliseconds() + 3_600_000
            let planned = try await client.send(.post, "/api/admin/announcements/skd", token: admin, json: ["publishAt": at - 600_000])
            #expect(planned.status == 201 && planned["version"] as? Int == 1, "\(planned.text)")
            // Scheduled at the wrong time: withdrawn before it shows (an admin only; the
            // results page offers it), then published again at the right one.
            #expect(try await client.send(.post, "/api/admin/announcements/skd/1/withdraw", token: verifier).status == 403)
            #expect(try await client.send(.post, "/api/admin/announcements/skd/2/withdraw", token: admin).status == 404)
            #expect(try await client.send(.post, "/api/admin/announcements/skd/x/withdraw", token: admin).status == 404)
            portal.clock.advance(seconds: 31)
            var committee = Browser(client: client)
            var page = try await committee.request(.get, "/staf/masuk")
            let secrets = try #require(portal.staffSecrets["admin"])
            _ = try await committee.request(
                .post,
                "/staf/masuk",
                form: [("csrf", try Browser.csrf(page)), ("username", "admin"), ("password", secrets.password), ("totp", portal.totp("admin"))]
            )
            page = try await committee.request(.get, "/staf/panitia/hasil")
            #expect(page.status == 200 && page.text.contains("Tarik versi 1 (belum tayang)"), "\(page.text)")
            let withdrawn = try await committee.request(.post, "/staf/panitia/hasil/tarik", form: [("csrf", try Browser.csrf(page)), ("version", "1")])
            #expect(withdrawn.status == 303 && withdrawn.headers[.location] == "/staf/panitia/hasil?selesai=tarik", "\(withdrawn.text)")
            page = try await committee.request(.get, "/staf/panitia/hasil?selesai=tarik")
            #expect(page.text.contains("Pengumuman terjadwal ditarik") && page.text.contains("Belum ada pengumuman."))
            let logged = try await portal.service.store.audit(AuditFilter(action: "announcement.withdraw", limit: 10))
            let plannedDigest = try #require(planned["digest"] as? String)
            #expect(logged.count == 1 && logged[0].actor == "admin" && logged[0].detail.contains(plannedDigest))
            let published = try await client.send(.post, "/api/admin/announcements/skd", token: admin, json: ["publishAt": at])
            #expect(published.status == 201 && published["version"] as? Int == 1, "\(published.text)")
            let digest = try #require(published["digest"] as? String)
            // Not yet public: kept by a browser or proxy only to be revalidated, so the
            // results show the moment they are published (not a minute or ten later).
            let waiting = try await client.send(.get, "/hasil")
            #expect(waiting.text.contains("Belum ada hasil") && waiting.headers[.cacheControl] == "public, no-cache")
            let waitingAgain = try await client.send(.get, "/hasil", headers: [.ifNoneMatch: try #require(waiting.headers[.eTag])])
            #expect(waitingAgain.status == 304 && waitingAgain.headers[.cacheControl] == "public, no-cache")
            #expect(try await client.send(.get, "/hasil/skd/1").status == 404)
            #expect(try await client.send(.get, "/hasil/skd/1/pengumuman.json").status == 404)
            let unchanged = try await client.send(.post, "/api/admin/announcements/skd", token: admin, json: [String: Any]())
            #expect(unchanged.status == 409 && unchanged.code == "announcement-unchanged")

            portal.clock.advance(seconds: 3_602)
            // Public now: no longer withdrawn (a correction is a new version).
            let late = try await client.send(.post, "/api/admin/announcements/skd/1/withdraw", token: admin)
            #expect(late.status == 409 && late.code == "announcement-public", "\(late.text)")
            let board = try await client.send(.get, "/hasil")
            #expect(board.status == 200)
            for shown in ["Ani Lestari", number, "390", "P/L", digest] { #expect(board.text.contains(shown), "\(shown) missing from the board") }
            #expect(board.headers[.cacheControl] == "public, max-age=60, stale-while-revalidate=600")
            let etag = try #require(board.headers[.eTag])
            #expect(etag != waiting.headers[.eTag])
            let revalidated = try await client.send(.get, "/hasil", headers: [.ifNoneMatch: etag])
            #expect(revalidated.status == 304 && revalidated.body.isEmpty)
            // Search by name (any case), by number, and a miss.
            #expect(try await client.send(.get, "/hasil/skd/1?q=lestari").text.contains(number))
            #expect(try await client.send(.get, "/hasil/skd/1?q=\(number.prefix(6))").text.contains("Ani Lestari"))
            #expect(try await client.send(.get, "/hasil/skd/1?q=zulkifli").text.contains("Tidak ada peserta yang cocok"))
            #expect(try await client.send(.get, "/hasil/skd/1?instansi=kemenkeu&formasi=KEU-1").text.contains("Ani Lestari"))
            #expect(try await client.send(.get, "/hasil/skd/1?halaman=x").status == 400)
            // The download verifies, and holds nothing an announcement may not show.
            let json = try await client.send(.get, "/hasil/skd/1/pengumuman.json")
            #expect(json.status == 200 && json.headers[.eTag] == "\"\(digest)\"")
            let file = try JSONDecoder().decode(PublishedAnnouncement.self, from: json.body)
            #expect(file.digest == digest && AnnouncementCheck.verify([file]).allSatisfy { $0.problem == nil })
            let pages = [json.text, board.text, try await client.send(.get, "/hasil/skd/1/pengumuman.csv").text]
            for secret in [PortalClient.nik, "1999-01-01", "ani@contoh.id", "3201010101100001"] {
                #expect(pages.allSatisfy { !$0.contains(secret) }, "\(secret)")
            }
            let held = try await client.send(.get, "/hasil/skd/1/pengumuman.json", headers: [.ifNoneMatch: "\"\(digest)\""])
            #expect(held.status == 304 && held.headers[.cacheControl] == "public, max-age=86400, immutable")
            let csv = try await client.send(.get, "/hasil/skd/1/pengumuman.csv")
            #expect(csv.text.contains("\(number),Ani Lestari,Kementerian Keuangan,KEU-1") && csv.text.contains(",100,110,180,390,1,P/L,"), "\(csv.text)")
            #expect(try await portal.service.store.audit(AuditFilter(action: "results.import", limit: 10)).count == 1)
            #expect(try await portal.service.store.audit(AuditFilter(action: "announcement.publish", limit: 10)).count == 2)
        }
    }

    @Test("refused whole: a changed score, a foreign key, another node's name, an unknown session or roster, a cut or oversized package")
    func refusals() async throws {
        var settings = TestPortal.settings
        settings.maxPackageMB = 1
        let portal = try await TestPortal(settings: settings)
        let (key, stranger) = try Self.keys()
        try await portal.test { client in
            let (_, admin, number, _) = try await Self.examined(client, portal, key)
            let good = Self.results("jkt-1", [Self.finished(number, twk: 100, tiu: 110, tkp: 180)])
            // One score changed after signing: the payload edited, the signature kept.
            var object = try #require(try JSONSerialization.jsonObject(with: Data(Self.sealed(good, key))) as? [String: Any])
            let encoded = try #require(object["payload"] as? String)
            let payload = String(decoding: try #require(Data(base64Encoded: encoded)), as: UTF8.self)
            #expect(payload.contains("\"score\":180"))
            object["payload"] = Data(payload.replacingOccurrences(of: "\"score\":180", with: "\"score\":225").utf8).base64EncodedString()
            let changed = [UInt8](try JSONSerialization.data(withJSONObject: object))
            let cases: [(String, [UInt8], Int, String)] = [
                ("changed score", changed, 422, "invalid-package"),
                ("foreign key", Self.sealed(good, stranger), 403, "unknown-signer"),
                ("another node's name", Self.sealed(Self.results("jkt-1", good.candidates, node: "node-lain"), key), 403, "wrong-node"),
                ("unknown session", Self.sealed(Self.results("jkt-9", good.candidates), key), 404, "unknown-session"),
                ("unknown roster version", Self.sealed(Self.results("jkt-1", good.candidates, version: 7), key), 409, "unknown-roster"),
                ("another period", Self.sealed(Self.results("jkt-1", good.candidates, period: "casn-lama"), key), 409, "wrong-period"),
                (
                    "a stranger in the session",
                    Self.sealed(Self.results("jkt-1", good.candidates + [Self.finished("2699999999", twk: 1, tiu: 1, tkp: 1)]), key), 422,
                    "participant-not-in-roster"
                ),
                ("nobody reported", Self.sealed(Self.results("jkt-1", []), key), 422, "participant-missing"),
                ("cut", Array(Self.sealed(good, key).prefix(100)), 422, "invalid-package"),
                ("oversized", [UInt8](repeating: 0x20, count: 1_100_000), 413, "invalid-package"),
            ]
            for (label, body, status, code) in cases {
                let refused = try await client.send(.post, "/api/node/results", bytes: body)
                #expect(refused.status == status && refused.code == code, "\(label): \(refused.status) \(refused.text)")
            }
            // An answer log that does not match its digest.
            var logged = Self.finished(
                number,
                twk: 100,
                tiu: 110,
                tkp: 180,
                log: [ResultsPackage.LogLine(sequence: 1, item: "i1", kind: "answer", option: "a", at: 1)]
            )
            let honest = try JSONSerialization.jsonObject(with: JSONEncoder().encode(logged)) as! [String: Any]
            var forged = honest
            forged["answerLogDigest"] = String(repeating: "0", count: 64)
            logged = try JSONDecoder().decode(ResultsPackage.Candidate.self, from: JSONSerialization.data(withJSONObject: forged))
            let digestRefused = try await client.send(.post, "/api/node/results", bytes: Self.sealed(Self.results("jkt-1", [logged]), key))
            #expect(digestRefused.status == 422 && digestRefused.code == "answer-log-digest", "\(digestRefused.text)")
            // None of it was kept.
            #expect(try await portal.service.store.resultsPackages(periodID: "casn-test").isEmpty)
            #expect(try await portal.service.store.examResults(periodID: "casn-test").isEmpty)
            _ = admin
        }
    }

    @Test("one attempt per participant: results from a second session for someone who has a result are refused whole")
    func secondSession() async throws {
        let portal = try await TestPortal()
        let (key, _) = try Self.keys()
        try await portal.test { client in
            let (_, admin, number, application) = try await Self.examined(client, portal, key)
            let first = try await client.send(
                .post,
                "/api/node/results",
                bytes: Self.sealed(Self.results("jkt-1", [Self.finished(number, twk: 50, tiu: 50, tkp: 100)]), key)
            )
            #expect(first.status == 200, "\(first.text)")
            // Moved to the afternoon session (as if to sit again) and sent in roster version 2.
            #expect(try await client.send(.post, "/api/admin/applications/\(application)/seat", token: admin, json: ["slotID": "jkt-2"]).status == 200)
            let staff = try #require(try await portal.service.store.staffCredentials(username: "admin")?.staff)
            #expect(try await portal.service.rosterPackage(staff: staff, nodeID: "node-jkt").version == 2)
            let second = try await client.send(
                .post,
                "/api/node/results",
                bytes: Self.sealed(Self.results("jkt-2", [Self.finished(number, twk: 150, tiu: 175, tkp: 225)], version: 2), key)
            )
            #expect(second.status == 409 && second.code == "participant-has-result", "\(second.text)")
            #expect(try await portal.service.store.examResults(periodID: "casn-test").map(\.total) == [200])
        }
    }

    /// One result of the given status for `number`, as a node reports someone absent or disqualified.
    static func ended(_ number: String, _ status: ResultsPackage.Status, reason: String? = nil) -> ResultsPackage.Candidate {
        ResultsPackage.Candidate(
            participantNumber: number,
            status: status,
            reason: reason,
            startedAt: status == .absent ? nil : 1,
            finishedAt: 2,
            score: nil,
            paperFingerprint: String(repeating: "b", count: 64),
            answerLog: []
        )
    }

    @Test("DIS is shown by its code, never the proctor's reason; a node registered for another venue may not report for this one")
    func partial() async throws {
        let portal = try await TestPortal()
        let (key, other) = try Self.keys()
        try await portal.test { client in
            let (_, admin, _) = try await RosterPackageTests.seated(client, portal, nodeKey: key.publicKey.text)
            let staff = try #require(try await portal.service.store.staffCredentials(username: "admin")?.staff)
            let applicants = try await portal.service.store.rankedApplicants(periodID: "casn-test")
            #expect(applicants.count == 1)
            let aniNumber = applicants[0].participantNumber
            #expect(try await portal.service.rosterPackage(staff: staff, nodeID: "node-jkt").version == 1)
            // Another node, at another venue, signs a package for a Jakarta session.
            let surabaya: [String: Any] = [
                "id": "node-sby", "venues": ["Kanreg II Surabaya"], "url": "https://ujian-sby.example.go.id", "publicKey": other.publicKey.text,
            ]
            #expect(try await client.send(.post, "/api/admin/nodes", token: admin, json: surabaya).status == 201)
            let foreignVenue = try await client.send(
                .post,
                "/api/node/results",
                bytes: Self.sealed(Self.results("jkt-1", [Self.finished(aniNumber, twk: 100, tiu: 100, tkp: 170)], node: "node-sby"), other)
            )
            #expect(foreignVenue.status == 403 && foreignVenue.code == "wrong-node", "\(foreignVenue.text)")
            // Disqualified: kept with its reason at the portal, shown as DIS only.
            let reason = "membawa ponsel milik peserta lain"
            let disqualified = try await client.send(
                .post,
                "/api/node/results",
                bytes: Self.sealed(Self.results("jkt-1", [Self.ended(aniNumber, .disqualified, reason: reason)]), key)
            )
            #expect(disqualified.status == 200, "\(disqualified.text)")
            #expect(try await portal.service.store.examResults(periodID: "casn-test").first?.reason == reason)
            let preview = try JSONDecoder().decode(
                PublishedAnnouncement.self,
                from: try await client.send(.get, "/api/admin/announcements/skd/preview", token: admin).body
            )
            #expect(preview.announcement.rows.map(\.code) == ["DIS"] && preview.announcement.rows[0].scores == nil)
            #expect(!String(decoding: preview.encoded(), as: UTF8.self).contains("ponsel"))
            // Published, on the board and in the CSV without the reason.
            #expect(
                try await client.send(.post, "/api/admin/announcements/skd", token: admin, json: ["contentDigest": preview.announcement.contentDigest]).status
                    == 201
            )
            for path in ["/hasil", "/hasil/skd/1/pengumuman.csv", "/hasil/skd/1/pengumuman.json"] {
                let text = try await client.send(.get, path).text
                #expect(text.contains("DIS") && !text.contains("ponsel"), "\(path)")
            }
        }
    }

    @Test(
        "absent from a session one was moved out of is not an attempt: the re-sit's result counts, as version 2 chained to version 1; versions go public in order"
    )
    func resit() async throws {
        let portal = try await TestPortal()
        let (key, _) = try Self.keys()
        try await portal.test { client in
            let (_, admin, number, application) = try await Self.examined(client, portal, key)
            #expect(
                try await client.send(.post, "/api/node/results", bytes: Self.sealed(Self.results("jkt-1", [Self.ended(number, .absent)]), key)).status == 200
            )
            #expect(try await portal.service.store.resultsPackage(periodID: "casn-test", sessionID: "jkt-1")?.importedBy == "node:node-jkt")
            let first = try await client.send(.post, "/api/admin/announcements/skd", token: admin, json: [String: Any]())
            #expect(first.status == 201, "\(first.text)")
            let v1 = try #require(first["digest"] as? String)
            #expect(try await client.send(.get, "/hasil").text.contains("TH"))
            let etag = try #require(try await client.send(.get, "/hasil").headers[.eTag])
            // The committee lets her sit again in the afternoon (an incident in the morning room).
            #expect(try await client.send(.post, "/api/admin/applications/\(application)/seat", token: admin, json: ["slotID": "jkt-2"]).status == 200)
            let staff = try #require(try await portal.service.store.staffCredentials(username: "admin")?.staff)
            #expect(try await portal.service.rosterPackage(staff: staff, nodeID: "node-jkt").version == 2)
            let waiting = try await client.send(.post, "/api/admin/announcements/skd", token: admin, json: [String: Any]())
            #expect(waiting.status == 409 && waiting.code == "results-missing", "\(waiting.text)")
            let resat = try await client.send(
                .post,
                "/api/node/results",
                bytes: Self.sealed(Self.results("jkt-2", [Self.finished(number, twk: 90, tiu: 95, tkp: 170)], version: 2), key)
            )
            #expect(resat.status == 200, "\(resat.text)")
            // Not before version 1's time.
            let early = try await client.send(.post, "/api/admin/announcements/skd", token: admin, json: ["publishAt": portal.clock.nowMilliseconds() - 30_000])
            #expect(early.status == 409 && early.code == "publish-before-previous", "\(early.text)")
            let stalePreview = try await client.send(.post, "/api/admin/announcements/skd", token: admin, json: ["contentDigest": "0"])
            #expect(stalePreview.status == 409 && stalePreview.code == "preview-changed")
            portal.clock.advance(seconds: 2)
            let second = try await client.send(.post, "/api/admin/announcements/skd", token: admin, json: [String: Any]())
            #expect(second.status == 201 && second["previousDigest"] as? String == v1, "\(second.text)")
            let board = try await client.send(.get, "/hasil")
            #expect(board.headers[.eTag] != etag && board.text.contains("355") && board.text.contains("P/L"))
            #expect(try await client.send(.get, "/hasil", headers: [.ifNoneMatch: etag]).status == 200)
            // Version 1 stays readable as it was; both files chain.
            #expect(try await client.send(.get, "/hasil/skd/1").text.contains("TH"))
            let files = try await [1, 2].asyncMap { version in
                try JSONDecoder().decode(PublishedAnnouncement.self, from: try await client.send(.get, "/hasil/skd/\(version)/pengumuman.json").body)
            }
            #expect(AnnouncementCheck.verify(files).allSatisfy { $0.problem == nil })
        }
    }

    @Test(
        "a re-sit after an incident is an admin's audited decision: sent once the first session's results are in, carried to the node, and its result replaces the first attempt's"
    )
    func resitDecision() async throws {
        let portal = try await TestPortal()
        let (key, _) = try Self.keys()
        try await portal.test { client in
            let (_, _, number, application) = try await Self.examined(client, portal, key)
            // Half an hour into jkt-1 the power fails; jkt-2 (two hours later) is not yet fixed.
            let jkt1 = try #require(try await portal.service.slots().first { $0.id == "jkt-1" })
            portal.clock.set(jkt1.startsAt + 30 * 60_000)
            let admin = try await client.staff("admin")
            let moved = try await client.send(.post, "/api/admin/applications/\(application)/seat", token: admin, json: ["slotID": "jkt-2"])
            #expect(moved.status == 409 && moved.code == "session-roster-fixed", "\(moved.text)")
            let path = "/api/admin/applications/\(application)/resit"
            let short = try await client.send(.post, path, token: admin, json: ["slotID": "jkt-2", "reason": "mati"])
            #expect(short.status == 422 && short.code == "invalid-reason")
            let same = try await client.send(.post, path, token: admin, json: ["slotID": "jkt-1", "reason": "Listrik padam di ruang 1 pukul 08.30"])
            #expect(same.status == 409 && same.code == "session-roster-fixed")
            let verifier = try await client.staff("verif-keu")
            #expect(
                try await client.send(.post, path, token: verifier, json: ["slotID": "jkt-2", "reason": "Listrik padam di ruang 1 pukul 08.30"]).status == 403
            )
            let granted = try await client.send(.post, path, token: admin, json: ["slotID": "jkt-2", "reason": "Listrik padam di ruang 1 pukul 08.30"])
            #expect(granted.status == 200, "\(granted.text)")
            let twice = try await client.send(.post, path, token: admin, json: ["slotID": "jkt-2", "reason": "Listrik padam di ruang 1 pukul 08.30"])
            #expect(twice.status == 409, "\(twice.text)")
            let audit = try await portal.service.store.audit(AuditFilter(action: "seats.resit", limit: 5))
            #expect(audit.count == 1 && audit[0].actor == "admin" && audit[0].detail.contains("Listrik padam"))
            // Version 2: jkt-1 as it was sent (she stays in its roster), jkt-2 with her as a re-sit of it.
            let staff = try #require(try await portal.service.store.staffCredentials(username: "admin")?.staff)
            func roster() async throws -> (version: Int, package: RosterPackage) {
                let stored = try await portal.service.rosterPackage(staff: staff, nodeID: "node-jkt")
                let payload = try SignedEnvelope.decode(stored.envelope, maximumBytes: 1 << 24).open(
                    kind: RosterPackage.kind,
                    trusted: [try portal.service.settings.signingKey().publicKey]
                )
                return (stored.version, try JSONDecoder().decode(RosterPackage.self, from: payload))
            }
            // Until jkt-1's results are in, her first attempt may still be going on: the re-sit is not sent yet.
            let waiting = try await roster()
            #expect(waiting.version == 1 && waiting.package.sessions.map { $0.participants.map(\.participantNumber) } == [[number], []])
            let cut = try await client.send(
                .post,
                "/api/node/results",
                bytes: Self.sealed(Self.results("jkt-1", [Self.finished(number, twk: 10, tiu: 10, tkp: 40)]), key)
            )
            #expect(cut.status == 200, "\(cut.text)")
            // Version 2: jkt-1 as it was sent (she stays in its roster), jkt-2 with her as a re-sit of it.
            let sent = try await roster()
            #expect(sent.version == 2)
            #expect(sent.package.sessions.map { $0.participants.map(\.participantNumber) } == [[number], [number]])
            #expect(sent.package.sessions.map { $0.participants.map(\.resitOf) } == [[nil], ["jkt-1"]])
            // A re-sit seat does not move, and there is no re-sit of a re-sit.
            let move = try await client.send(.post, "/api/admin/applications/\(application)/seat", token: admin, json: ["slotID": "jkt-1"])
            #expect(move.status == 409 && move.code == "seat-is-resit", "\(move.text)")
            let again = try await client.send(.post, path, token: admin, json: ["slotID": "jkt-1", "reason": "Listrik padam lagi di ruang 2"])
            #expect(again.status == 409 && again.code == "resit-of-resit", "\(again.text)")
            // Both attempts are kept; the re-sit's counts, not the better of the two.
            let resat = try await client.send(
                .post,
                "/api/node/results",
                bytes: Self.sealed(Self.results("jkt-2", [Self.finished(number, twk: 90, tiu: 95, tkp: 170)], version: 2), key)
            )
            #expect(resat.status == 200, "\(resat.text)")
            #expect(try await portal.service.store.examResults(periodID: "casn-test").map(\.total) == [60, 355])
            let preview = try await client.send(.get, "/api/admin/announcements/skd/preview", token: admin)
            #expect(preview.status == 200, "\(preview.text)")
            let rows = try JSONDecoder().decode(PublishedAnnouncement.self, from: preview.body).announcement.rows
            #expect(rows.map(\.participantNumber) == [number] && rows.map(\.total) == [355], "\(rows)")
        }
    }

    @Test("a node fetches its roster with a request signed by its key; a stale or foreign request is refused")
    func nodeLink() async throws {
        let portal = try await TestPortal()
        let (key, stranger) = try Self.keys()
        try await portal.test { client in
            _ = try await Self.examined(client, portal, key)
            let now = portal.clock.nowMilliseconds()
            let asked = try await client.send(
                .post,
                "/api/node/roster",
                bytes: [UInt8](NodeRequest(nodeID: "node-jkt", purpose: "roster", at: now).sealed(with: key))
            )
            #expect(asked.status == 200)
            let roster = try JSONDecoder().decode(
                RosterPackage.self,
                from: try SignedEnvelope.decode(asked.body, maximumBytes: 1 << 24).open(
                    kind: RosterPackage.kind,
                    trusted: [try portal.service.settings.signingKey().publicKey]
                )
            )
            #expect(roster.nodeID == "node-jkt" && roster.version == 1 && roster.nodeKeyID == key.publicKey.id)
            let stale = try await client.send(
                .post,
                "/api/node/roster",
                bytes: [UInt8](NodeRequest(nodeID: "node-jkt", purpose: "roster", at: now - 3_600_000).sealed(with: key))
            )
            #expect(stale.status == 422 && stale.code == "stale-request")
            let foreign = try await client.send(
                .post,
                "/api/node/roster",
                bytes: [UInt8](NodeRequest(nodeID: "node-jkt", purpose: "roster", at: now).sealed(with: stranger))
            )
            #expect(foreign.status == 403 && foreign.code == "unknown-signer")
            let misnamed = try await client.send(
                .post,
                "/api/node/roster",
                bytes: [UInt8](NodeRequest(nodeID: "node-lain", purpose: "roster", at: now).sealed(with: key))
            )
            #expect(misnamed.status == 422 && misnamed.code == "invalid-request")
        }
    }

    @Test("a correction is version 2, chained to version 1; a rewritten version breaks the check")
    func chain() async throws {
        let first = Announcement(periodID: "p", stage: "skd", version: 1, previousDigest: nil, publishedAt: 1, ruleSetID: "skd-2024", sources: [], rows: [])
        let row = Announcement.Row(
            participantNumber: "1",
            name: "A",
            agencyID: "x",
            agencyName: "X",
            formationID: "F",
            formationName: "F",
            scores: ["TWK": 1],
            total: 1,
            rank: nil,
            code: "TL",
            label: "Tidak"
        )
        let second = Announcement(
            periodID: "p",
            stage: "skd",
            version: 2,
            previousDigest: first.digest,
            publishedAt: 2,
            ruleSetID: "skd-2024",
            sources: [],
            rows: [row]
        )
        #expect(AnnouncementCheck.verify([PublishedAnnouncement(second), PublishedAnnouncement(first)]).allSatisfy { $0.problem == nil })
        // Version 1 rewritten after the fact (with its digest recomputed): version 2 no longer chains to it.
        let rewritten = Announcement(
            periodID: "p",
            stage: "skd",
            version: 1,
            previousDigest: nil,
            publishedAt: 1,
            ruleSetID: "skd-2024",
            sources: [],
            rows: [row]
        )
        let broken = AnnouncementCheck.verify([PublishedAnnouncement(rewritten), PublishedAnnouncement(second)])
        #expect(broken[0].problem == nil && broken[1].problem?.contains("rantai putus") == true)
        // A score changed in a file without its digest.
        let text = String(decoding: PublishedAnnouncement(second).encoded(), as: UTF8.self).replacingOccurrences(of: "\"TWK\":1", with: "\"TWK\":9")
        let tampered = try JSONDecoder().decode(PublishedAnnouncement.self, from: Data(text.utf8))
        #expect(AnnouncementCheck.verify([tampered])[0].problem?.contains("diubah") == true)
        // A field added to a row (outside the canonical form, so outside the digest) is found on reading.
        let sound = PublishedAnnouncement(second).encoded()
        #expect(AnnouncementCheck.read(sound)?.uncovered == false)
        let added = String(decoding: sound, as: UTF8.self).replacingOccurrences(of: "\"TWK\":1", with: "\"TWK\":1},\"nik\":{\"x\":\"5371014101990001\"")
        #expect(added != String(decoding: sound, as: UTF8.self))
        let read = try #require(AnnouncementCheck.read(Data(added.utf8)))
        #expect(read.uncovered && AnnouncementCheck.verify([read.file])[0].problem == nil)
        #expect(AnnouncementCheck.read(Data("{}".utf8)) == nil)
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var mapped: [T] = []
        for element in self { mapped.append(try await transform(element)) }
        return mapped
    }
}
