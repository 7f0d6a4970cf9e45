import Foundation
import HTTPTypes
import Registration
import Selection
import SeleksiCore
import Testing

/// SKB interviews through the API: panels by a committee admin, scheduling from the SKD
/// announcement, each candidate's slot, its iCalendar file, and one move before the deadline.
@Suite("Interview panels, scheduling and moves")
struct InterviewTests {
    /// Ani (jkt-1) and Budi (jkt-2) seated, examined and both within the SKD cut-off of
    /// KEU-1; results in, the SKD announcement not yet published.
    static func examined(_ client: PortalClient, _ portal: TestPortal) async throws -> (ani: String, budi: String, admin: String, numbers: [String]) {
        let (key, _) = try ResultsBoardTests.keys()
        let ani = try await client.applicant()
        let budi = try await client.applicant(nik: PortalClient.papuaNIK, email: "budi@contoh.id", birthDate: "1998-07-05", sex: "L")
        let applications = [try await client.submittedApplication(ani), try await client.submittedApplication(budi)]
        let keu = try await client.staff("verif-keu")
        for application in applications {
            #expect(try await client.send(.post, "/api/verifier/applications/\(application)/decision", token: keu, json: ["result": "MS"]).status == 200)
        }
        try await portal.closeRegistration()
        let admin = try await client.staff("admin")
        #expect(try await client.send(.post, "/api/admin/announce-results", token: admin).status == 200)
        #expect(try await client.send(.post, "/api/admin/assign-seats", token: admin)["assigned"] as? Int == 2)
        let node: [String: Any] = ["id": "node-jkt", "venues": ["Kanreg V Jakarta"], "url": "https://ujian-jkt.example.go.id", "publicKey": key.publicKey.text]
        #expect(try await client.send(.post, "/api/admin/nodes", token: admin, json: node).status == 201)
        let staff = try #require(try await portal.service.store.staffCredentials(username: "admin")?.staff)
        _ = try await portal.service.rosterPackage(staff: staff, nodeID: "node-jkt")
        var numbers: [String] = []
        for token in [ani, budi] {
            let card = try await client.send(.get, "/api/application/exam-card", token: token)
            let number = try #require(card["participantNumber"] as? String)
            let session = "jkt-\(try #require(card["session"] as? Int))"
            let package = ResultsBoardTests.sealed(ResultsBoardTests.results(session, [ResultsBoardTests.finished(number, twk: 100, tiu: 110, tkp: 180)]), key)
            #expect(try await client.send(.post, "/api/node/results", bytes: package).status == 200)
            numbers.append(number)
        }
        for name in ["pewawancara-1", "pewawancara-2"] {
            let (_, password, secret) = try await portal.service.createStaff(username: name, role: .interviewer, agencyID: nil)
            portal.staffSecrets[name] = (password, secret)
        }
        return (ani, budi, admin, numbers)
    }

    /// A day 40 days from the test clock's now, as Makassar reads it.
    static func interviewDay(_ portal: TestPortal) -> (text: String, date: (Int, Int, Int)) {
        let local = IndonesianTimeZone.wita.local(portal.clock.nowMilliseconds() + 40 * TestPortal.day)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return ("\(local.year)-\(two(local.month))-\(two(local.day))", (local.year, local.month, local.day))
    }

    /// An audit line for writes a test makes straight to the store.
    static let audit = AuditEntry(at: 0, actor: "test", role: "system", action: "test", subject: "test", detail: "")

    static func panel(_ day: String, _ changes: [String: Any] = [:]) -> [String: Any] {
        var panel: [String: Any] = [
            "id": "P1", "interviewers": ["pewawancara-1", "pewawancara-2"], "place": "Aula BKD, Jl. El Tari No. 2, Kupang", "zone": "WITA",
            "slotMinutes": 30, "bufferMinutes": 10, "firstDay": day, "lastDay": day, "weekdays": [1, 2, 3, 4, 5, 6, 7], "opens": "08:00",
            "closes": "10:00", "formations": ["KEU-1"],
        ]
        for (key, value) in changes { panel[key] = value }
        return panel
    }

    @Test("a panel is refused by name when it cannot work, or from anyone but an admin; scheduling waits for panels and the SKD announcement")
    func badPanels() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let (ani, _, admin, _) = try await Self.examined(client, portal)
            let day = Self.interviewDay(portal).text
            #expect(try await client.send(.post, "/api/admin/interviews/schedule", token: admin).code == "no-interview-panels")
            let cases: [([String: Any], Int, String)] = [
                (["zone": "UTC"], 422, "panel-zone"),
                (["interviewers": [String]()], 422, "panel-no-interviewers"),
                (["interviewers": ["verif-keu"]], 422, "panel-unknown-interviewer"),
                (["interviewers": ["tidak-ada"]], 422, "panel-unknown-interviewer"),
                (["slotMinutes": 180], 422, "panel-slot-length"),
                (["opens": "10:00", "closes": "08:00"], 422, "panel-hours"),
                (["opens": "8 pagi"], 422, "panel-hours"),
                (["firstDay": "2027-02-30"], 422, "panel-days"),
                (["firstDay": "9999-12-30", "lastDay": "9999-12-31"], 422, "panel-days"),
                (["bufferMinutes": -1], 422, "panel-buffer"),
                (["formations": ["TIDAK-ADA"]], 422, "unknown-formation"),
                (["id": "P 1/x"], 422, "panel-id"),
                (["slotMinutes": "tiga puluh"], 400, "malformed-json"),
            ]
            for (change, status, code) in cases {
                let reply = try await client.send(.post, "/api/admin/interview-panels", token: admin, json: Self.panel(day, change))
                #expect(reply.status == status && reply.code == code, "\(change): \(reply.status) \(reply.text)")
            }
            #expect(try await client.send(.post, "/api/admin/interview-panels", token: ani, json: Self.panel(day)).status == 403)
            portal.clock.advance(seconds: 31)
            let verifier = try await client.staff("verif-keu")
            #expect(try await client.send(.post, "/api/admin/interview-panels", token: verifier, json: Self.panel(day)).status == 403)
            #expect(try await client.send(.post, "/api/admin/interviews/schedule", token: verifier).status == 403)
            #expect(try await portal.service.store.interviewPanels(periodID: "casn-test").isEmpty)

            let saved = try await client.send(.post, "/api/admin/interview-panels", token: admin, json: Self.panel(day))
            #expect(saved.status == 201 && saved["opens"] as? Int == 480, "\(saved.text)")
            // Before the SKD announcement is public nobody is known to have passed.
            let early = try await client.send(.post, "/api/admin/interviews/schedule", token: admin)
            #expect(early.status == 409 && early.code == "skd-not-announced", "\(early.text)")
            #expect(try await client.send(.get, "/api/interview", token: ani).code == "no-interview")
            let logged = try await portal.service.store.audit(AuditFilter(action: "interview.panel", limit: 10))
            #expect(logged.count == 1 && logged[0].actor == "admin" && logged[0].subject == "interview-panel:P1")
        }
    }

    @Test(
        "everyone the SKD sent on is scheduled in the panel's zone, mailed and given an iCalendar file; one move, before the deadline; the last slot goes to one of two"
    )
    func scheduleAndMove() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let (ani, budi, admin, numbers) = try await Self.examined(client, portal)
            let (day, date) = Self.interviewDay(portal)
            #expect(try await client.send(.post, "/api/admin/interview-panels", token: admin, json: Self.panel(day)).status == 201)
            #expect(try await client.send(.post, "/api/admin/announcements/skd", token: admin, json: [String: Any]()).status == 201)

            let report = try await client.send(.post, "/api/admin/interviews/schedule", token: admin)
            #expect(report.status == 200 && report["placed"] as? Int == 2 && (report["unplaced"] as? [Any])?.isEmpty == true, "\(report.text)")
            // Run again: those booked keep their slots; nobody new.
            let again = try await client.send(.post, "/api/admin/interviews/schedule", token: admin)
            #expect(again["placed"] as? Int == 0 && again["kept"] as? Int == 2, "\(again.text)")
            let bookings = try await portal.service.store.interviewBookings(periodID: "casn-test")
            #expect(Set(bookings.map(\.participantNumber)) == Set(numbers))
            let at = { (hour: Int, minute: Int) in IndonesianTimeZone.wita.instant(localDay: date.0, date.1, date.2, hour: hour, minute: minute) }
            #expect(Set(bookings.map(\.slot.start)) == [at(8, 0), at(8, 40)])
            // The panel may not change under the bookings.
            let changed = try await client.send(.post, "/api/admin/interview-panels", token: admin, json: Self.panel(day, ["slotMinutes": 20]))
            #expect(changed.status == 409 && changed.code == "interview-panel-in-use", "\(changed.text)")
            for email in ["ani@contoh.id", "budi@contoh.id"] {
                let mail = try await portal.service.store.pendingMail(limit: 1000).last { $0.to == email }
                #expect(mail?.subject.contains("WITA") == true && mail?.body.contains("Aula BKD") == true, "\(String(describing: mail))")
            }

            let view = try await client.send(.get, "/api/interview", token: ani)
            #expect(view.status == 200 && view["canMove"] as? Bool == true && view["zone"] as? String == "WITA", "\(view.text)")
            let free = try #require(view["freeSlots"] as? [[String: Any]])
            #expect(free.map { $0["start"] as? Int64 } == [at(9, 20)] && free.first?["local"] as? String == "\(day) 09.20 WITA")
            let mine = try #require(((view["booking"] as? [String: Any])?["slot"] as? [String: Any])?["start"] as? Int64)
            let calendar = try await client.send(.get, "/api/interview/calendar.ics", token: ani)
            #expect(calendar.status == 200 && calendar.headers[.contentType]?.hasPrefix("text/calendar") == true)
            let compact = day.replacingOccurrences(of: "-", with: "")
            let local = mine == at(8, 0) ? "080000" : "084000"
            for line in ["METHOD:REQUEST", "SEQUENCE:0", "DTSTART;TZID=Asia/Makassar:\(compact)T\(local)", "TZID:Asia/Makassar", "UID:wawancara-casn-test-"] {
                #expect(calendar.text.contains(line), "\(line) missing from \(calendar.text)")
            }

            // Bad moves, each refused by name, none using up the one move.
            let others = mine == at(8, 0) ? at(8, 40) : at(8, 0)
            for (start, status, code) in [
                (at(7, 0), 422, "slot-outside-hours"), (at(9, 0), 422, "slot-not-in-panel"), (mine, 422, "interview-same-slot"),
                (others, 409, "interview-slot-taken"), (Int64.max, 422, "slot-outside-hours"), (Int64.min, 422, "slot-outside-hours"),
            ] as [(Int64, Int, String)] {
                let reply = try await client.send(.post, "/api/interview/move", token: ani, json: ["start": start])
                #expect(reply.status == status && reply.code == code, "\(code): \(reply.status) \(reply.text)")
            }
            #expect(try await client.send(.post, "/api/interview/move", token: ani, json: ["start": "besok"]).code == "malformed-json")
            #expect(try await client.send(.post, "/api/interview/move", token: admin, json: ["start": at(9, 20)]).status == 403)

            // Both ask for the last free slot at once: exactly one gets it.
            let last = at(9, 20)
            async let first = client.send(.post, "/api/interview/move", token: ani, json: ["start": last])
            async let second = client.send(.post, "/api/interview/move", token: budi, json: ["start": last])
            let replies = [try await first, try await second]
            #expect(replies.map(\.status).sorted() == [200, 409], "\(replies.map(\.text))")
            #expect(replies.first { $0.status == 409 }?.code == "interview-slot-taken")
            let winner = replies[0].status == 200 ? ani : budi
            let loser = winner == ani ? budi : ani
            #expect(try await portal.service.store.interviewBookings(periodID: "casn-test").filter { $0.slot.start == at(9, 20) }.count == 1)
            // The winner's invitation is the same event, one change later, at the new time.
            let moved = try await client.send(.get, "/api/interview/calendar.ics", token: winner)
            #expect(moved.text.contains("SEQUENCE:1") && moved.text.contains("DTSTART;TZID=Asia/Makassar:\(compact)T092000"), "\(moved.text)")
            #expect(try await client.send(.post, "/api/interview/move", token: winner, json: ["start": at(8, 0)]).code == "interview-moved-once")
            let audit = try await portal.service.store.audit(AuditFilter(action: "interview.move", limit: 10))
            #expect(audit.count == 1 && audit[0].detail.contains("09.20 WITA"))

            // The loser still has their one move, until 48 hours before their interview.
            let loserView = try await client.send(.get, "/api/interview", token: loser)
            #expect(loserView["canMove"] as? Bool == true && (loserView["freeSlots"] as? [Any])?.count == 1)
            portal.clock.advance(seconds: 39 * 86_400)
            // (Signed in again: the session of 39 days ago is over.)
            let returning = try await client.login(loser == ani ? "ani@contoh.id" : "budi@contoh.id")
            let freed = winner == ani ? mine : others
            let late = try await client.send(.post, "/api/interview/move", token: returning, json: ["start": freed])
            #expect(late.status == 409 && late.code == "interview-move-closed", "\(late.text)")
            #expect(try await client.send(.get, "/api/interview", token: returning)["canMove"] as? Bool == false)
        }
    }
}

extension InterviewTests {
    @Test(
        "an interviewer sees their panel's day and scores it against the rubric, from the interview's start, every entry audited; another panel's members see nothing of it"
    )
    func interviewerScores() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let (ani, _, admin, numbers) = try await Self.examined(client, portal)
            let (day, _) = Self.interviewDay(portal)
            let own = Self.panel(day, ["interviewers": ["pewawancara-1"]])
            #expect(try await client.send(.post, "/api/admin/interview-panels", token: admin, json: own).status == 201)
            var other = Self.panel(day, ["id": "P2", "interviewers": ["pewawancara-2"], "formations": ["BKN-2"]])
            other["place"] = "https://vicon.contoh.go.id/ruang-2"
            #expect(try await client.send(.post, "/api/admin/interview-panels", token: admin, json: other).status == 201)
            #expect(try await client.send(.post, "/api/admin/announcements/skd", token: admin, json: [String: Any]()).status == 201)
            #expect(try await client.send(.post, "/api/admin/interviews/schedule", token: admin)["placed"] as? Int == 2)

            portal.clock.advance(seconds: 31)
            var interviewer = try await client.staff("pewawancara-1")
            let list = try await client.send(.get, "/api/interviewer/interviews?day=\(day)", token: interviewer)
            let rows = try #require(list["items"] as? [[String: Any]], "\(list.text)")
            #expect(Set(rows.compactMap { $0["participantNumber"] as? String }) == Set(numbers) && rows.allSatisfy { $0["scored"] as? Bool == false })
            #expect(rows.contains { $0["name"] as? String == "Ani Lestari" } && !list.text.contains("ani@contoh.id") && !list.text.contains(PortalClient.nik))
            #expect((try await client.send(.get, "/api/interviewer/interviews?day=2000-01-01", token: interviewer)["items"] as? [Any])?.isEmpty == true)
            #expect(try await client.send(.get, "/api/interviewer/interviews?day=besok", token: interviewer).code == "invalid-day")
            let early = try await client.send(.put, "/api/interviewer/interviews/\(numbers[0])/score", token: interviewer, json: ["marks": ["integritas": 20]])
            #expect(early.status == 409 && early.code == "interview-not-started", "\(early.text)")

            // The day of the interviews (signed in again: yesterday's sessions are over).
            portal.clock.advance(seconds: 41 * 86_400)
            interviewer = try await client.staff("pewawancara-1")
            let path = "/api/interviewer/interviews/\(numbers[0])/score"
            let full = ["integritas": 20, "komunikasi": 18, "kerja-sama": 22, "motivasi": 25]
            for (marks, code) in [
                (["integritas": 26, "komunikasi": 18, "kerja-sama": 22, "motivasi": 25], "invalid-score"), (["integritas": 20], "invalid-score"),
                (full.merging(["penampilan": 5]) { a, _ in a }, "invalid-score"),
            ] as [([String: Int], String)] {
                let reply = try await client.send(.put, path, token: interviewer, json: ["marks": marks])
                #expect(reply.status == 422 && reply.code == code, "\(marks): \(reply.text)")
            }
            let scored = try await client.send(.put, path, token: interviewer, json: ["marks": full])
            #expect(scored.status == 200 && scored["total"] as? Int == 85 && scored["maximum"] as? Int == 100, "\(scored.text)")
            let changed = try await client.send(.put, path, token: interviewer, json: ["marks": full.merging(["motivasi": 20]) { _, b in b }])
            #expect(changed["total"] as? Int == 80)
            let absent = try await client.send(.put, "/api/interviewer/interviews/\(numbers[1])/score", token: interviewer, json: ["absent": true])
            #expect(absent.status == 200 && absent["absent"] as? Bool == true && absent["total"] == nil, "\(absent.text)")
            let audit = try await portal.service.store.audit(AuditFilter(action: "skb.score", limit: 10))
            #expect(audit.count == 3 && audit.allSatisfy { $0.actor == "pewawancara-1" })
            #expect(audit.contains { $0.detail.contains("80/100") && $0.detail.contains("sebelumnya 85 (pewawancara-1)") }, "\(audit.map(\.detail))")
            let listed = try #require(try await client.send(.get, "/api/interviewer/interviews", token: interviewer)["items"] as? [[String: Any]])
            #expect(listed.contains { $0["participantNumber"] as? String == numbers[0] && $0["total"] as? Int == 80 })

            // The other panel's interviewer, an admin, a verifier and the applicant: nothing.
            portal.clock.advance(seconds: 31)
            let stranger = try await client.staff("pewawancara-2")
            #expect((try await client.send(.get, "/api/interviewer/interviews", token: stranger)["items"] as? [Any])?.isEmpty == true)
            #expect(try await client.send(.put, path, token: stranger, json: ["marks": full]).status == 404)
            portal.clock.advance(seconds: 31)
            let adminAgain = try await client.staff("admin")
            portal.clock.advance(seconds: 31)
            let verifier = try await client.staff("verif-keu")
            let applicant = try await client.login("ani@contoh.id")
            for token in [adminAgain, verifier, applicant] {
                #expect(try await client.send(.put, path, token: token, json: ["marks": full]).status == 403)
                #expect(try await client.send(.get, "/api/interviewer/interviews", token: token).status == 403)
            }
            _ = ani
            #expect(try await portal.service.store.audit(AuditFilter(action: "skb.score", limit: 10)).count == 3)
        }
    }
}

extension InterviewTests {
    @Test("the interview page works without scripts: the time in the place's zone, the calendar file, one move by a form with its token")
    func page() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let (_, _, admin, _) = try await Self.examined(client, portal)
            let (day, date) = Self.interviewDay(portal)
            #expect(try await client.send(.post, "/api/admin/interview-panels", token: admin, json: Self.panel(day)).status == 201)
            #expect(try await client.send(.post, "/api/admin/announcements/skd", token: admin, json: [String: Any]()).status == 201)
            #expect(try await client.send(.post, "/api/admin/interviews/schedule", token: admin)["placed"] as? Int == 2)

            var browser = Browser(client: client)
            var page = try await browser.request(.get, "/masuk")
            _ = try await browser.request(
                .post,
                "/masuk",
                form: [("csrf", try Browser.csrf(page)), ("login", "ani@contoh.id"), ("password", "garam-dan-madu-42")]
            )
            page = try await browser.request(.get, "/lamaran")
            #expect(page.text.contains("href=\"/wawancara\""))
            page = try await browser.request(.get, "/wawancara")
            #expect(page.status == 200 && page.text.contains("WITA") && page.text.contains("Aula BKD") && page.text.contains("/api/interview/calendar.ics"))
            #expect(!page.text.contains("WITA WITA"), "a time labelled twice")
            let last = IndonesianTimeZone.wita.instant(localDay: date.0, date.1, date.2, hour: 9, minute: 20)
            #expect(page.text.contains("value=\"\(last)\"") && page.text.contains("09.20 WITA"), "\(page.text)")
            let calendar = try await browser.request(.get, "/api/interview/calendar.ics")
            #expect(calendar.status == 200 && calendar.text.contains("BEGIN:VCALENDAR"))
            // Without the form's token: refused, nothing moved.
            let forged = try await browser.request(.post, "/wawancara/pindah", form: [("start", String(last))])
            #expect(forged.status == 403)
            let none = try await browser.request(.post, "/wawancara/pindah", form: [("csrf", try Browser.csrf(page))])
            #expect(none.status == 422 && none.text.contains("Pilih slot baru"), "\(none.status)")
            let moved = try await browser.request(.post, "/wawancara/pindah", form: [("csrf", try Browser.csrf(page)), ("start", String(last))])
            #expect(moved.status == 303 && moved.headers[.location] == "/wawancara?dipindah=1", "\(moved.status) \(moved.text)")
            page = try await browser.request(.get, "/wawancara?dipindah=1")
            #expect(page.text.contains("sudah dipindah") && page.text.contains("09.20") && !page.text.contains("type=\"radio\""))
            let again = try await browser.request(.post, "/wawancara/pindah", form: [("csrf", try Browser.csrf(page)), ("start", String(last))])
            #expect(again.status == 409 && again.text.contains("satu kali"), "\(again.status)")
        }
    }
}

extension InterviewTests {
    @Test(
        "an interviewer's conflict of interest: never scheduled together; a booking already on their panel is withdrawn (CANCEL, one sequence on) and placed again elsewhere with a higher SEQUENCE; conflicted with every panel is reported"
    )
    func conflictsOfInterest() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let (ani, _, admin, numbers) = try await Self.examined(client, portal)
            let aniNumber = numbers[0]
            let (day, _) = Self.interviewDay(portal)
            for (id, interviewer) in [("P1", "pewawancara-1"), ("P2", "pewawancara-2")] {
                let panel = Self.panel(day, ["id": id, "interviewers": [interviewer]])
                #expect(try await client.send(.post, "/api/admin/interview-panels", token: admin, json: panel).status == 201)
            }
            let first = try await client.staff("pewawancara-1")
            let second = try await client.staff("pewawancara-2")
            let declare = { (token: String, number: String, reason: Any) in
                try await client.send(.post, "/api/interviewer/conflicts", token: token, json: ["participantNumber": number, "reason": reason])
            }
            // Nobody is on the SKB list before the SKD announcement.
            #expect(try await declare(first, aniNumber, "adik kandung").code == "skd-not-announced")
            #expect(try await client.send(.post, "/api/admin/announcements/skd", token: admin, json: [String: Any]()).status == 201)

            // Bad declarations, each refused by name; none kept. (A new TOTP step for the
            // verifier's second sign-in.)
            portal.clock.advance(seconds: 31)
            let verifier = try await client.staff("verif-keu")
            for (token, number, reason, status, code) in [
                (first, aniNumber, "  ", 422, "conflict-reason"), (first, aniNumber, String(repeating: "a", count: 501), 422, "conflict-reason"),
                (first, "99999999999999", "tetangga", 404, "unknown-participant"), (verifier, aniNumber, "tetangga", 403, "forbidden"),
                (admin, aniNumber, "tetangga", 403, "forbidden"), (ani, aniNumber, "tetangga", 403, "forbidden"),
            ] as [(String, String, String, Int, String)] {
                let reply = try await declare(token, number, reason)
                #expect(reply.status == status && reply.code == code, "\(code): \(reply.status) \(reply.text)")
            }
            #expect(try await declare(first, aniNumber, 7).code == "malformed-json")
            #expect(try await portal.service.store.interviewConflicts(periodID: "casn-test").isEmpty)

            // Declared before scheduling: Ani is never put on P1.
            let before = try await declare(first, aniNumber, "adik kandung")
            #expect(before.status == 200 && before["withdrawn"] == nil, "\(before.text)")
            // A run that read the conflicts before this declaration cannot book her on P1 anyway.
            let p1 = try #require(try await portal.service.store.interviewPanels(periodID: "casn-test").first { $0.id == "P1" })
            let racing = InterviewBooking(participantNumber: aniNumber, slot: try p1.slots()[0], bookedAt: portal.clock.nowMilliseconds())
            await #expect(throws: RegistrationError.self) {
                try await portal.service.store.addInterviewBookings([racing], periodID: "casn-test", mails: [], audit: Self.audit)
            }
            #expect(try await portal.service.store.interviewBooking(periodID: "casn-test", participantNumber: aniNumber) == nil)
            #expect(try await client.send(.post, "/api/admin/interviews/schedule", token: admin)["placed"] as? Int == 2)
            var booking = try #require(try await portal.service.store.interviewBooking(periodID: "casn-test", participantNumber: aniNumber))
            #expect(booking.slot.panelID == "P2" && booking.sequence == 0)
            let firstDay = try await client.send(.get, "/api/interviewer/interviews", token: first)
            #expect(!firstDay.text.contains(aniNumber), "\(firstDay.text)")

            // A withdrawal of the booking as it no longer stands (moved meanwhile) is refused whole.
            var stale = booking
            stale.sequence += 7
            do {
                try await portal.service.store.declareInterviewConflict(
                    InterviewConflict(interviewer: "pewawancara-2", participantNumber: aniNumber, reason: "x", declaredAt: 0),
                    periodID: "casn-test",
                    withdrawing: stale,
                    mail: nil,
                    audit: Self.audit
                )
                Issue.record("a stale withdrawal was kept")
            } catch let error as RegistrationError {
                #expect(error.code == "interview-schedule-changed")
            }
            #expect(try await portal.service.store.interviewConflicts(periodID: "casn-test").count == 1)

            // Declared after: her P2 booking is withdrawn at once, in her zone, mailed, and her
            // calendar cancels the same event one sequence on.
            let after = try await declare(second, aniNumber, "mantan mahasiswa bimbingan")
            let withdrawn = try #require(after["withdrawn"] as? [String: Any], "\(after.text)")
            #expect(after.status == 200 && (withdrawn["local"] as? String)?.hasSuffix("WITA") == true && withdrawn["panelID"] as? String == "P2")
            #expect(try await portal.service.store.interviewBooking(periodID: "casn-test", participantNumber: aniNumber) == nil)
            #expect(try await client.send(.get, "/api/interview", token: ani).code == "no-interview")
            let cancel = try await client.send(.get, "/api/interview/calendar.ics", token: ani)
            #expect(cancel.status == 200 && cancel.headers[.contentType]?.contains("method=CANCEL") == true)
            for line in ["METHOD:CANCEL", "SEQUENCE:1", "UID:wawancara-casn-test-\(aniNumber)@seleksi"] {
                #expect(cancel.text.contains(line), "\(line) missing from \(cancel.text)")
            }
            var applicant = Browser(client: client)
            let signIn = try await applicant.request(.get, "/masuk")
            _ = try await applicant.request(
                .post,
                "/masuk",
                form: [("csrf", try Browser.csrf(signIn)), ("login", "ani@contoh.id"), ("password", "garam-dan-madu-42")]
            )
            let notice = try await applicant.request(.get, "/wawancara")
            #expect(notice.status == 200 && notice.text.contains("ditarik") && notice.text.contains("WITA"), "\(notice.status)")
            #expect(try await applicant.request(.get, "/lamaran").text.contains("href=\"/wawancara\""))
            let mail = try await portal.service.store.pendingMail(limit: 1000).last { $0.to == "ani@contoh.id" }
            #expect(mail?.subject.contains("ditarik") == true && mail?.subject.contains("WITA") == true, "\(String(describing: mail))")
            let audit = try await portal.service.store.audit(AuditFilter(action: "interview.conflict", limit: 10))
            #expect(audit.count == 2 && audit.contains { $0.actor == "pewawancara-2" && $0.detail.contains("ditarik") })

            // Conflicted with every panel: reported, not dropped, not booked.
            let stuck = try await client.send(.post, "/api/admin/interviews/schedule", token: admin)
            let unplaced = try #require(stuck["unplaced"] as? [[String: Any]], "\(stuck.text)")
            #expect(unplaced.map { $0["participantNumber"] as? String } == [aniNumber] && unplaced[0]["reason"] as? String == "every-panel-conflicted")

            // A third panel: she is placed again, the same event with a higher SEQUENCE.
            let (_, password, secret) = try await portal.service.createStaff(username: "pewawancara-3", role: .interviewer, agencyID: nil)
            portal.staffSecrets["pewawancara-3"] = (password, secret)
            let third = Self.panel(day, ["id": "P3", "interviewers": ["pewawancara-3"]])
            #expect(try await client.send(.post, "/api/admin/interview-panels", token: admin, json: third).status == 201)
            #expect(try await client.send(.post, "/api/admin/interviews/schedule", token: admin)["placed"] as? Int == 1)
            booking = try #require(try await portal.service.store.interviewBooking(periodID: "casn-test", participantNumber: aniNumber))
            #expect(booking.slot.panelID == "P3" && booking.sequence == 2)
            let request = try await client.send(.get, "/api/interview/calendar.ics", token: ani)
            #expect(request.text.contains("METHOD:REQUEST") && request.text.contains("SEQUENCE:2"), "\(request.text)")

            // Each interviewer reads their own declarations; the committee reads all.
            let own = try await client.send(.get, "/api/interviewer/conflicts", token: first)
            #expect((own["items"] as? [[String: Any]])?.map { $0["interviewer"] as? String } == ["pewawancara-1"], "\(own.text)")
            #expect((try await client.send(.get, "/api/interviewer/conflicts", token: admin)["items"] as? [Any])?.count == 2)
            #expect(try await client.send(.get, "/api/interviewer/conflicts", token: verifier).status == 403)

            // Had a conflict slipped past (written straight to the store), its interviewer could
            // no longer score her: on the day, one score goes in, then none after the conflict.
            portal.clock.advance(seconds: 41 * 86_400)
            let thirdToken = try await client.staff("pewawancara-3")
            let scorePath = "/api/interviewer/interviews/\(aniNumber)/score"
            #expect(try await client.send(.put, scorePath, token: thirdToken, json: ["absent": true]).status == 200)
            try await portal.service.store.declareInterviewConflict(
                InterviewConflict(interviewer: "pewawancara-3", participantNumber: aniNumber, reason: "ipar", declaredAt: 0),
                periodID: "casn-test",
                withdrawing: nil,
                mail: nil,
                audit: Self.audit
            )
            let blocked = try await client.send(.put, scorePath, token: thirdToken, json: ["absent": true])
            #expect(blocked.status == 404, "\(blocked.text)")
        }
    }
}

extension InterviewTests {
    @Test(
        "the interviewer's pages work without scripts: their day in the panel's zone, a score by the rubric's form (refusals keep what was typed), absent, a conflict declared; another panel's candidate and other roles get nothing"
    )
    func interviewerPages() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let (_, _, admin, numbers) = try await Self.examined(client, portal)
            let (day, _) = Self.interviewDay(portal)
            #expect(
                try await client.send(.post, "/api/admin/interview-panels", token: admin, json: Self.panel(day, ["interviewers": ["pewawancara-1"]])).status
                    == 201
            )
            let other = Self.panel(day, ["id": "P2", "interviewers": ["pewawancara-2"], "formations": ["BKN-2"]])
            #expect(try await client.send(.post, "/api/admin/interview-panels", token: admin, json: other).status == 201)
            #expect(try await client.send(.post, "/api/admin/announcements/skd", token: admin, json: [String: Any]()).status == 201)
            #expect(try await client.send(.post, "/api/admin/interviews/schedule", token: admin)["placed"] as? Int == 2)

            var interviewer = try await CommitteePageTests.signedIn("pewawancara-1", client, portal)
            var page = try await interviewer.request(.get, "/staf/wawancara")
            #expect(page.status == 200 && page.text.contains("href=\"/staf/wawancara\"") && page.text.contains("WITA"), "\(page.text)")
            #expect(numbers.allSatisfy { page.text.contains("href=\"/staf/wawancara/\($0)\"") } && page.text.contains("belum dinilai"))
            #expect(!page.text.contains("ani@contoh.id") && !page.text.contains(PortalClient.nik))
            page = try await interviewer.request(.get, "/staf/wawancara?hari=\(day)")
            #expect(page.text.contains(numbers[0]))
            page = try await interviewer.request(.get, "/staf/wawancara?hari=besok")
            #expect(page.status == 422 && page.text.contains("yyyy-mm-dd") && page.text.contains(numbers[0]))

            // The form, before the interview: refused with what was typed kept.
            page = try await interviewer.request(.get, "/staf/wawancara/\(numbers[0])")
            #expect(page.status == 200 && page.text.contains("name=\"nilai-integritas\"") && page.text.contains("Integritas dan etika (0-25)"))
            let csrf = try Browser.csrf(page)
            let marks = [("nilai-integritas", "20"), ("nilai-komunikasi", "18"), ("nilai-kerja-sama", "22"), ("nilai-motivasi", "25")]
            let path = "/staf/wawancara/\(numbers[0])/nilai"
            page = try await interviewer.request(.post, path, form: [("csrf", csrf)] + marks)
            #expect(page.status == 409 && page.text.contains("nilai diisi sesudahnya") && page.text.contains("value=\"22\""), "\(page.status)")
            #expect(try await interviewer.request(.post, path, form: marks).status == 403)

            // On the day (signed in again): a mark out of range, one missing, then the score.
            portal.clock.advance(seconds: 41 * 86_400)
            interviewer = try await CommitteePageTests.signedIn("pewawancara-1", client, portal)
            let fresh = try Browser.csrf(try await interviewer.request(.get, "/staf/wawancara/\(numbers[0])"))
            page = try await interviewer.request(.post, path, form: [("csrf", fresh), ("nilai-integritas", "26")] + marks.dropFirst())
            #expect(page.status == 422 && page.text.contains("value=\"26\""), "\(page.status)")
            page = try await interviewer.request(.post, path, form: [("csrf", fresh), ("nilai-integritas", "")] + marks.dropFirst())
            #expect(page.status == 422 && page.text.contains("Nilai Integritas dan etika harus bilangan bulat 0-25"), "\(page.status)")
            page = try await interviewer.request(.post, path, form: [("csrf", fresh)] + marks)
            #expect(page.status == 303 && page.headers[.location] == "/staf/wawancara?dinilai=1")
            page = try await interviewer.request(.get, "/staf/wawancara?dinilai=1")
            #expect(page.text.contains("Nilai wawancara tersimpan") && page.text.contains("85 dari 100"), "\(page.text)")
            page = try await interviewer.request(.post, "/staf/wawancara/\(numbers[1])/nilai", form: [("csrf", fresh), ("absent", "1")])
            #expect(page.status == 303)
            #expect(try await interviewer.request(.get, "/staf/wawancara").text.contains("tidak hadir"))
            let audit = try await portal.service.store.audit(AuditFilter(action: "skb.score", limit: 10))
            #expect(audit.count == 2 && audit.allSatisfy { $0.actor == "pewawancara-1" })

            // A conflict declared by the form; a refusal keeps what was typed.
            page = try await interviewer.request(.post, "/staf/wawancara/konflik", form: [("csrf", fresh), ("nomor", numbers[0]), ("alasan", " ")])
            #expect(page.status == 422 && page.text.contains("alasan konflik") && page.text.contains("value=\"\(numbers[0])\""), "\(page.status)")
            // Declared after the interview was held: refused, nothing kept; the committee decides.
            page = try await interviewer.request(.post, "/staf/wawancara/konflik", form: [("csrf", fresh), ("nomor", numbers[0]), ("alasan", "sepupu")])
            #expect(page.status == 409 && page.text.contains("laporkan konflik kepentingan ini kepada panitia"), "\(page.status)")
            #expect(try await portal.service.store.interviewConflicts(periodID: "casn-test").isEmpty)
            #expect(try await portal.service.store.interviewBooking(periodID: "casn-test", participantNumber: numbers[0]) != nil)

            // The other panel's interviewer, a verifier and a visitor: nothing of it.
            portal.clock.advance(seconds: 31)
            var stranger = try await CommitteePageTests.signedIn("pewawancara-2", client, portal)
            #expect(try await stranger.request(.get, "/staf/wawancara/\(numbers[1])").status == 404)
            let strangerCsrf = try Browser.csrf(try await stranger.request(.get, "/staf/wawancara"))
            #expect(try await stranger.request(.post, "/staf/wawancara/\(numbers[1])/nilai", form: [("csrf", strangerCsrf), ("absent", "1")]).status == 404)
            portal.clock.advance(seconds: 31)
            var verifier = try await CommitteePageTests.signedIn("verif-keu", client, portal)
            #expect(try await verifier.request(.get, "/staf/wawancara").status == 403)
            var visitor = Browser(client: client)
            let anonymous = try await visitor.request(.get, "/staf/wawancara")
            #expect(anonymous.status == 303 && anonymous.headers[.location] == "/staf/masuk")
            #expect(try await portal.service.store.audit(AuditFilter(action: "skb.score", limit: 10)).count == 2)
        }
    }
}

extension InterviewTests {
    @Test(
        "the committee's interview page works without scripts: a panel by a form (a refusal keeps what was typed), scheduling with its report, every booking at its local time; only an admin"
    )
    func committeePage() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let (_, _, _, numbers) = try await Self.examined(client, portal)
            let (day, _) = Self.interviewDay(portal)
            portal.clock.advance(seconds: 31)
            var admin = try await CommitteePageTests.signedIn("admin", client, portal)
            var page = try await admin.request(.get, "/staf/panitia/wawancara")
            #expect(page.status == 200 && page.text.contains("Belum ada panel wawancara") && page.text.contains("name=\"hari-1\" value=\"1\" checked"))
            let csrf = try Browser.csrf(page)
            var fields: [(String, String)] =
                [
                    ("csrf", csrf), ("id", "P1"), ("interviewers", "pewawancara-1\npewawancara-2"), ("place", "Aula BKD, Jl. El Tari No. 2, Kupang"),
                    ("zone", "UTC"), ("slotMinutes", "30"), ("bufferMinutes", "10"), ("firstDay", day), ("lastDay", day), ("opens", "08:00"),
                    ("closes", "10:00"), ("formations", "KEU-1"),
                ] + (1...7).map { ("hari-\($0)", "1") }
            page = try await admin.request(.post, "/staf/panitia/wawancara/panel", form: fields)
            #expect(page.status == 422 && page.text.contains("WIB, WITA atau WIT") && page.text.contains("pewawancara-1\npewawancara-2"), "\(page.status)")
            fields[4] = ("zone", "WITA")
            fields[5] = ("slotMinutes", "setengah jam")
            page = try await admin.request(.post, "/staf/panitia/wawancara/panel", form: fields)
            #expect(page.status == 422 && page.text.contains("Panjang slot harus angka"))
            fields[5] = ("slotMinutes", "30")
            #expect(try await admin.request(.post, "/staf/panitia/wawancara/panel", form: Array(fields.dropFirst())).status == 403)
            page = try await admin.request(.post, "/staf/panitia/wawancara/panel", form: fields)
            #expect(page.status == 303 && page.headers[.location] == "/staf/panitia/wawancara?disimpan=1", "\(page.status) \(page.text)")
            page = try await admin.request(.get, "/staf/panitia/wawancara?disimpan=1")
            #expect(
                page.text.contains("Panel wawancara disimpan") && page.text.contains("08.00–10.00 WITA") && page.text.contains("pewawancara-1, pewawancara-2")
            )

            // Scheduling waits for the SKD announcement, then books both and says so.
            page = try await admin.request(.post, "/staf/panitia/wawancara/jadwalkan", form: [("csrf", csrf)])
            #expect(page.status == 409 && page.text.contains("Hasil SKD belum diumumkan"), "\(page.text)")
            _ = try await portal.service.publishSKD(
                staff: try #require(try await portal.service.store.staffCredentials(username: "admin")?.staff),
                publishAt: nil
            )
            page = try await admin.request(.post, "/staf/panitia/wawancara/jadwalkan", form: [("csrf", csrf)])
            #expect(page.status == 200 && page.text.contains("2 peserta dijadwalkan"), "\(page.text)")
            #expect(numbers.allSatisfy { page.text.contains("<td>\($0)</td>") } && page.text.contains("08.00 WITA") && page.text.contains("08.40 WITA"))
            let audit = try await portal.service.store.audit(AuditFilter(action: "interview.schedule", limit: 10))
            #expect(audit.count == 1 && audit[0].actor == "admin")

            // Only an admin: a verifier is refused, a visitor sent to sign in.
            portal.clock.advance(seconds: 31)
            var verifier = try await CommitteePageTests.signedIn("verif-keu", client, portal)
            #expect(try await verifier.request(.get, "/staf/panitia/wawancara").status == 403)
            let verifierCsrf = try Browser.csrf(try await verifier.request(.get, "/staf/verifikasi"))
            #expect(try await verifier.request(.post, "/staf/panitia/wawancara/jadwalkan", form: [("csrf", verifierCsrf)]).status == 403)
            var visitor = Browser(client: client)
            #expect(try await visitor.request(.get, "/staf/panitia/wawancara").headers[.location] == "/staf/masuk")
        }
    }
}
