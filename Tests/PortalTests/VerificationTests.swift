import Foundation
import HTTPTypes
import Registration
import SeleksiCore
import Testing

@Suite("Verification, objections, participant numbers and exam cards")
struct VerificationTests {
    @Test("TMS with a listed reason, hidden until announced, one objection in time, answered, then a seat and a card")
    func wholeRound() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let ani = try await client.applicant()
            let id = try await client.submittedApplication(ani)
            let verifier = try await client.staff("verif-keu")
            let admin = try await client.staff("admin")
            // While registration is open a later application could never be decided.
            let open = try await client.send(.post, "/api/admin/announce-results", token: admin)
            #expect(open.status == 409 && open.code == "registration-open", "\(open.text)")
            try await portal.closeRegistration()
            let pending = try await client.send(.post, "/api/admin/announce-results", token: admin)
            #expect(pending.status == 409 && pending.code == "verification-pending")
            let list = try await client.send(.get, "/api/verifier/applications", token: verifier)
            #expect((list["items"] as? [[String: Any]])?.map { ($0["id"] as? NSNumber)?.int64Value } == [id])

            let noReason = try await client.send(.post, "/api/verifier/applications/\(id)/decision", token: verifier, json: ["result": "TMS"])
            #expect(noReason.status == 422 && noReason.code == "unknown-reason")
            let badResult = try await client.send(.post, "/api/verifier/applications/\(id)/decision", token: verifier, json: ["result": "LULUS"])
            #expect(badResult.status == 422)
            let decided = try await client.send(
                .post,
                "/api/verifier/applications/\(id)/decision",
                token: verifier,
                json: ["result": "TMS", "reasonCode": "ipk-tidak-memenuhi", "note": "IPK pada transkrip 2,40"]
            )
            #expect(decided.status == 200)
            let twice = try await client.send(.post, "/api/verifier/applications/\(id)/decision", token: verifier, json: ["result": "MS"])
            #expect(twice.status == 409 && twice.code == "already-verified")

            // Not announced yet: the applicant sees no result and cannot object.
            #expect(try await client.send(.get, "/api/application", token: ani)["result"] == nil)
            let early = try await client.send(.post, "/api/application/objection", token: ani, json: ["reason": String(repeating: "IPK saya 3,40. ", count: 3)])
            #expect(early.status == 409 && early.code == "not-announced")

            #expect(try await client.send(.post, "/api/admin/announce-results", token: admin).status == 200)
            let seen = try await client.send(.get, "/api/application", token: ani)
            let result = seen["result"] as? [String: Any]
            #expect(result?["result"] as? String == "TMS" && result?["reason"] as? String == "IPK tidak memenuhi syarat")

            let short = try await client.send(.post, "/api/application/objection", token: ani, json: ["reason": "salah"])
            #expect(short.status == 422 && short.code == "invalid-objection")
            let filed = try await client.send(
                .post,
                "/api/application/objection",
                token: ani,
                json: ["reason": "IPK saya 3,40 sesuai transkrip halaman 2; mohon diperiksa ulang."]
            )
            #expect(filed.status == 200)
            let again = try await client.send(
                .post,
                "/api/application/objection",
                token: ani,
                json: ["reason": "IPK saya 3,40 sesuai transkrip halaman 2; mohon diperiksa ulang."]
            )
            #expect(again.status == 409 && again.code == "objection-twice")

            let answered = try await client.send(
                .post,
                "/api/verifier/applications/\(id)/objection-answer",
                token: verifier,
                json: ["accepted": true, "answer": "Benar, IPK 3,40."]
            )
            #expect(answered.status == 200)
            let answeredTwice = try await client.send(
                .post,
                "/api/verifier/applications/\(id)/objection-answer",
                token: verifier,
                json: ["accepted": false, "answer": "Ditolak saja."]
            )
            #expect(answeredTwice.status == 409 && answeredTwice.code == "no-objection")
            let after = try await client.send(.get, "/api/application", token: ani)
            #expect((after["result"] as? [String: Any])?["result"] as? String == "MS")
            #expect((after["objection"] as? [String: Any])?["accepted"] as? Bool == true)

            let seats = try await client.send(.post, "/api/admin/assign-seats", token: admin)
            #expect(seats["assigned"] as? Int == 1 && seats["unplaced"] as? Int == 0)
            let card = try await client.send(.get, "/api/application/exam-card", token: ani)
            let number = try #require(card["participantNumber"] as? String)
            #expect(ParticipantNumber.isValid(number) && number.hasPrefix("26"))
            #expect(card["venue"] as? String == "Kanreg V Jakarta" && card["session"] as? Int == 1 && card["name"] as? String == "Ani Lestari")
            #expect(card["agency"] as? String == "Kementerian Keuangan")
            // The times the card's rules point to: her end (the rule set's 100 minutes) and when to arrive (60 minutes before), in Jakarta's zone.
            let starts = try #require(card["startsAt"] as? Int)
            #expect(card["endsAt"] as? Int == starts + 100 * 60_000 && card["arriveBy"] as? Int == starts - 60 * 60_000, "\(card.text)")
            #expect(card["timeZone"] as? String == "WIB" && (card["date"] as? String)?.hasSuffix(" WIB") == true)

            let audit = try await client.send(.get, "/api/admin/audit", token: admin)
            let actions = Set((audit["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String })
            #expect(actions.isSuperset(of: ["verification.decide", "objection.answer", "results.announce", "seats.assign"]))
            let filtered = try await client.send(.get, "/api/admin/audit?action=verification.decide", token: admin)
            #expect((filtered["items"] as? [[String: Any]])?.map { $0["actor"] as? String } == ["verif-keu"])
        }
    }

    @Test("an objection after the configured days is refused with the deadline")
    func objectionDeadline() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let ani = try await client.applicant()
            let id = try await client.submittedApplication(ani)
            let verifier = try await client.staff("verif-keu")
            #expect(
                try await client.send(
                    .post,
                    "/api/verifier/applications/\(id)/decision",
                    token: verifier,
                    json: ["result": "TMS", "reasonCode": "lainnya", "note": "uji"]
                ).status == 200
            )
            try await portal.closeRegistration()
            #expect(try await client.send(.post, "/api/admin/announce-results", token: try await client.staff("admin")).status == 200)
            portal.clock.advance(seconds: 4 * 86_400 + 1)
            // Sessions last hours, not days: log in again.
            let again = try await client.login(PortalClient.nik)
            let late = try await client.send(
                .post,
                "/api/application/objection",
                token: again,
                json: ["reason": "IPK saya 3,40 sesuai transkrip halaman 2; mohon diperiksa ulang."]
            )
            #expect(late.status == 409 && late.code == "objection-closed", "\(late.status) \(late.text)")
        }
    }

    @Test("a venue's slot is shown in the venue's own zone, labelled: Kupang in WITA, Manokwari in WIT, Jakarta in WIB")
    func venueTimeZones() async throws {
        let portal = try await TestPortal()
        let kupang = IndonesianTimeZone.wita.instant(localDay: 2026, 9, 20, hour: 7, minute: 30)
        let manokwari = IndonesianTimeZone.wit.instant(localDay: 2026, 9, 20, hour: 13, minute: 0)
        try await portal.service.addSlot(
            staff: nil,
            ExamSlot(id: "kpg-1", periodID: "", venue: "UPT BKN Kupang", location: "Kupang", startsAt: kupang, timeZone: .wita, sessionNumber: 1, capacity: 5)
        )
        try await portal.service.addSlot(
            staff: nil,
            ExamSlot(
                id: "mkw-3",
                periodID: "",
                venue: "Kanreg XIV Manokwari",
                location: "Manokwari",
                startsAt: manokwari,
                timeZone: .wit,
                sessionNumber: 3,
                capacity: 5
            )
        )
        let slots = try await portal.service.slots()
        #expect(slots.first { $0.id == "kpg-1" }?.localStart == "20 September 2026 07.30 WITA")
        #expect(slots.first { $0.id == "mkw-3" }?.localStart == "20 September 2026 13.00 WIT")
        // The same instant as the national timetable would print it.
        #expect(IndonesianDate.dateTime(kupang) == "20 September 2026 06.30 WIB")
        try await portal.test { client in
            // The committee's slot list reads each in its venue's zone.
            var admin = Browser(client: client)
            var page = try await admin.request(.get, "/staf/masuk")
            let secrets = portal.staffSecrets["admin"]!
            _ = try await admin.request(
                .post,
                "/staf/masuk",
                form: [("csrf", try Browser.csrf(page)), ("username", "admin"), ("password", secrets.password), ("totp", portal.totp("admin"))]
            )
            page = try await admin.request(.get, "/staf/panitia")
            #expect(page.text.contains("20 September 2026 07.30 WITA") && page.text.contains("20 September 2026 13.00 WIT"))
            // A slot without its zone is refused.
            // The page's sign-in used this step's code; the next step's is still accepted.
            let signIn = try await client.send(
                .post,
                "/api/staff/sessions",
                json: ["username": "admin", "password": secrets.password, "totp": portal.totp("admin", offsetSteps: 1)]
            )
            let token = try #require(signIn["token"] as? String)
            let missing = try await client.send(
                .post,
                "/api/admin/slots",
                token: token,
                json: ["id": "x-1", "periodID": "", "venue": "V", "location": "Kupang", "startsAt": kupang, "sessionNumber": 1, "capacity": 1, "assigned": 0]
            )
            #expect(missing.status == 400)
        }
    }

    @Test("a timetable or slot with instants outside 2000-2200 is refused, and the portal stays up (Int64.max once killed the process)")
    func implausibleInstants() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let admin = try await client.staff("admin")
            let window = ["opens": 0, "closes": Int64.max]
            let zero = ["opens": 0, "closes": 0]
            let period: [String: Any] = [
                "id": "casn-test", "name": "x", "registration": window, "verification": window, "objectionDays": 3, "exam": zero, "announcement": zero,
                "participantPrefix": "26",
            ]
            let refused = try await client.send(.put, "/api/admin/period", token: admin, json: period)
            #expect(refused.status == 422 && refused.code == "invalid-timetable", "\(refused.status) \(refused.text)")
            let slot: [String: Any] = [
                "id": "x-1", "periodID": "", "venue": "V", "location": "Kupang", "startsAt": Int64.min + 1, "timeZone": "WITA", "sessionNumber": 1,
                "capacity": 1, "assigned": 0,
            ]
            let badSlot = try await client.send(.post, "/api/admin/slots", token: admin, json: slot)
            #expect(badSlot.status == 422 && badSlot.code == "invalid-slot")
            #expect(try await client.send(.get, "/api/period").status == 200)
        }
    }

    @Test("nothing is announced while registration is open, nor when nobody has applied")
    func announcingTooEarly() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let admin = try await client.staff("admin")
            let open = try await client.send(.post, "/api/admin/announce-results", token: admin)
            #expect(open.status == 409 && open.code == "registration-open")
            #expect(open.text.contains("Pendaftaran masih dibuka"))
            try await portal.closeRegistration()
            let empty = try await client.send(.post, "/api/admin/announce-results", token: admin)
            #expect(empty.status == 409 && empty.code == "nothing-to-announce")
            #expect(try await portal.service.period().resultsAnnouncedAt == nil)
        }
    }

    @Test("a decision outside the verification window is refused; a seat move respects capacity")
    func windowsAndSeats() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let ani = try await client.applicant()
            let first = try await client.submittedApplication(ani)
            let budi = try await client.applicant(nik: PortalClient.papuaNIK, email: "budi@contoh.id", birthDate: "1998-07-05", sex: "L")
            let second = try await client.submittedApplication(budi, formation: "BKN-2")
            let keu = try await client.staff("verif-keu")
            let bkn = try await client.staff("verif-bkn")
            #expect(try await client.send(.post, "/api/verifier/applications/\(first)/decision", token: keu, json: ["result": "MS"]).status == 200)
            #expect(try await client.send(.post, "/api/verifier/applications/\(second)/decision", token: bkn, json: ["result": "MS"]).status == 200)
            let admin = try await client.staff("admin")
            let early = try await client.send(.post, "/api/admin/assign-seats", token: admin)
            #expect(early.status == 409 && early.code == "not-announced", "a seat before the announcement would leak the result")
            try await portal.closeRegistration()
            #expect(try await client.send(.post, "/api/admin/announce-results", token: admin).status == 200)
            let again = try await client.send(.post, "/api/admin/announce-results", token: admin)
            #expect(again.status == 409 && again.code == "already-announced")
            let seats = try await client.send(.post, "/api/admin/assign-seats", token: admin)
            #expect(seats["assigned"] as? Int == 2)
            // jkt-1 holds one: the first applicant has it, the second went to jkt-2.
            let full = try await client.send(.post, "/api/admin/applications/\(second)/seat", token: admin, json: ["slotID": "jkt-1"])
            #expect(full.status == 409 && full.code == "slot-full")
            #expect(try await client.send(.post, "/api/admin/applications/\(first)/seat", token: admin, json: ["slotID": "jkt-2"]).status == 200)
            #expect(try await client.send(.post, "/api/admin/applications/\(second)/seat", token: admin, json: ["slotID": "jkt-1"]).status == 200)
            let numbers = [
                try await client.send(.get, "/api/application/exam-card", token: ani)["participantNumber"] as? String,
                try await client.send(.get, "/api/application/exam-card", token: budi)["participantNumber"] as? String,
            ]
            #expect(Set(numbers.compactMap { $0 }).count == 2)

            portal.clock.advance(seconds: 21 * 86_400)
            #expect(try await client.send(.get, "/api/verifier/applications", token: keu).status == 401, "a session expires")
            let carol = try await client.send(
                .post,
                "/api/verifier/applications/\(first)/decision",
                token: try await client.staff("verif-keu"),
                json: ["result": "MS"]
            )
            #expect(carol.status == 409 && carol.code == "outside-window", "\(carol.status) \(carol.text)")
        }
    }
}
