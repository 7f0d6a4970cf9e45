import ExamEngine
import Foundation
import HTTPTypes
import Registration
import SeleksiCore
import Testing

/// The SKB components assessors score (practical, psychological, health): authorised by
/// a committee admin per component and formation, scored against the plan's rubric.
@Suite("SKB assessors: authorised per component and formation, scores by the rubric")
struct SKBAssessorTests {
    @Test(
        "an admin authorises an assessor for a component of formations whose plan has it; the assessor scores only those candidates, within the rubric, or absent; everyone else gets nothing"
    )
    func assessors() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let (ani, _, admin, numbers) = try await InterviewTests.examined(client, portal)
            let assign = { (token: String, body: [String: Any]) in try await client.send(.post, "/api/admin/skb-assessors", token: token, json: body) }
            let good: [String: Any] = ["username": "pewawancara-2", "component": "practical", "formations": ["KEU-1"]]
            for (change, code) in [
                (["component": "interview"], "skb-component"), (["component": "cat"], "skb-component"), (["component": "menyanyi"], "skb-component"),
                (["username": "verif-keu"], "skb-unknown-assessor"), (["username": "tidak-ada"], "skb-unknown-assessor"),
                (["formations": ["TIDAK-ADA"]], "unknown-formation"), (["formations": [String]()], "unknown-formation"),
                (["formations": ["BKN-2"]], "component-not-in-plan"),
            ] as [([String: Any], String)] {
                let reply = try await assign(admin, good.merging(change) { _, b in b })
                #expect(reply.status == 422 && reply.code == code, "\(change): \(reply.status) \(reply.text)")
            }
            #expect(try await assign(admin, ["username": "pewawancara-2"]).code == "malformed-json")
            portal.clock.advance(seconds: 31)  // the verifier's second sign-in needs a new TOTP step
            let verifier = try await client.staff("verif-keu")
            let outsider = try await client.staff("pewawancara-1")
            for token in [verifier, outsider, ani] { #expect(try await assign(token, good).status == 403) }
            let saved = try await assign(admin, good)
            #expect(saved.status == 201 && (saved["items"] as? [[String: Any]])?.first?["formationID"] as? String == "KEU-1", "\(saved.text)")
            #expect(try await assign(admin, good).status == 201)
            #expect((try await client.send(.get, "/api/admin/skb-assessors", token: admin)["items"] as? [Any])?.count == 1)
            // Authorised again: nothing new, so no second audit line.
            #expect(try await portal.service.store.audit(AuditFilter(action: "skb.assessor", limit: 10)).count == 1)
            // Another assessor for the same component of another formation only.
            try await portal.service.addFormation(
                staff: nil,
                Formation(
                    id: "KEU-2",
                    periodID: "",
                    agencyID: "kemenkeu",
                    position: "Analis Keuangan",
                    unit: "DJPb",
                    location: "Jakarta",
                    educationLevel: .s1,
                    majors: ["Akuntansi"],
                    quota: 1,
                    type: .general
                )
            )
            #expect(try await assign(admin, ["username": "pewawancara-1", "component": "practical", "formations": ["KEU-2"]]).status == 201)

            let assessor = try await client.staff("pewawancara-2")
            let early = try await client.send(.get, "/api/assessor/candidates?component=practical", token: assessor)
            #expect(early.status == 409 && early.code == "skd-not-announced", "\(early.text)")
            #expect(try await client.send(.post, "/api/admin/announcements/skd", token: admin, json: [String: Any]()).status == 201)

            // Their candidates with the plan's rubric; nothing for a component they are not authorised for.
            let listed = try await client.send(.get, "/api/assessor/candidates?component=practical", token: assessor)
            let rows = try #require(listed["items"] as? [[String: Any]], "\(listed.text)")
            #expect(Set(rows.compactMap { $0["participantNumber"] as? String }) == Set(numbers) && rows.allSatisfy { $0["maximum"] as? Int == 100 })
            #expect((rows.first?["rubric"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["ketepatan", "waktu"])
            #expect((try await client.send(.get, "/api/assessor/candidates?component=psychological", token: assessor)["items"] as? [Any])?.isEmpty == true)
            #expect(try await client.send(.get, "/api/assessor/candidates?component=nyanyi", token: assessor).code == "skb-component")
            #expect(try await client.send(.get, "/api/assessor/candidates", token: assessor).code == "skb-component")

            // Scores: out of range, a criterion missing, the interview (the panel's), then kept.
            let path = "/api/assessor/scores/\(numbers[0])/practical"
            for (marks, code) in [
                (["ketepatan": 61, "waktu": 10], "invalid-score"), (["ketepatan": 50], "invalid-score"), (["ketepatan": -1, "waktu": 10], "invalid-score"),
            ] as [([String: Int], String)] {
                let reply = try await client.send(.put, path, token: assessor, json: ["marks": marks])
                #expect(reply.status == 422 && reply.code == code, "\(marks): \(reply.text)")
            }
            let interview = try await client.send(.put, "/api/assessor/scores/\(numbers[0])/interview", token: assessor, json: ["marks": ["integritas": 1]])
            #expect(interview.status == 422 && interview.code == "skb-component")
            let scored = try await client.send(.put, path, token: assessor, json: ["marks": ["ketepatan": 50, "waktu": 30]])
            #expect(scored.status == 200 && scored["total"] as? Int == 80 && scored["maximum"] as? Int == 100, "\(scored.text)")
            let absent = try await client.send(.put, "/api/assessor/scores/\(numbers[1])/practical", token: assessor, json: ["absent": true])
            #expect(absent.status == 200 && absent["absent"] as? Bool == true)
            let mixed = try await client.send(
                .put,
                "/api/assessor/scores/\(numbers[1])/practical",
                token: assessor,
                json: ["absent": true, "marks": ["waktu": 1]]
            )
            #expect(mixed.status == 422 && mixed.code == "invalid-score")
            #expect(try await client.send(.put, "/api/assessor/scores/99999999/practical", token: assessor, json: ["absent": true]).status == 404)

            // Not authorised: for another component of the same formation, another formation's
            // assessor (both not found to them), an admin, a verifier, the applicant.
            #expect(try await client.send(.put, "/api/assessor/scores/\(numbers[0])/psychological", token: assessor, json: ["absent": true]).status == 404)
            #expect(try await client.send(.put, path, token: outsider, json: ["absent": true]).status == 404)
            #expect((try await client.send(.get, "/api/assessor/candidates?component=practical", token: outsider)["items"] as? [Any])?.isEmpty == true)
            for token in [admin, verifier, ani] {
                #expect(try await client.send(.put, path, token: token, json: ["absent": true]).status == 403)
                #expect(try await client.send(.get, "/api/assessor/candidates?component=practical", token: token).status == 403)
            }
            let scores = try await portal.service.store.skbScores(periodID: "casn-test")
            #expect(scores.map(\.component) == [.practical, .practical] && scores.first { $0.participantNumber == numbers[0] }?.total == 80)
            let audit = try await portal.service.store.audit(AuditFilter(action: "skb.score", limit: 10))
            #expect(audit.count == 2 && audit.allSatisfy { $0.actor == "pewawancara-2" && $0.subject.hasSuffix("/practical") }, "\(audit.map(\.subject))")
        }
    }
}
