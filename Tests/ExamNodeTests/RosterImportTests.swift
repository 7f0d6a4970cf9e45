import ExamEngine
import Foundation
import GRDB
import HTTPTypes
import SeleksiCore
import Testing

@testable import ExamNode

/// The node's half of the handoff: the portal's signed roster package, imported.
@Suite("Roster packages: verified, versioned, one session per participant")
struct RosterImportTests {
    /// The portal's key, and a node configured to trust it.
    static func node(maxPackageBytes: Int = 32 * 1_048_576, trust: Bool = true) async throws -> (TestNode, SigningKey) {
        let folder = NSTemporaryDirectory() + "seleksi-portal-key-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let portal = try SigningKey.loadOrCreate(path: folder + "/portal.key")
        var settings = ExamSettings()
        settings.portalPublicKey = trust ? portal.publicKey : nil
        settings.maxPackageBytes = maxPackageBytes
        return (try await TestNode(settings: settings, trustPortal: trust), portal)
    }

    static func participant(_ number: String, _ code: String, type: FormationType = .general) -> RosterPackage.Participant {
        RosterPackage.Participant(
            participantNumber: number,
            name: "Peserta \(number)",
            formationType: type,
            accommodations: [],
            accessCodeDigest: AccessCode.digest(code)
        )
    }

    static func package(
        version: Int,
        _ sessions: [(String, [RosterPackage.Participant])],
        start: Int64,
        for node: TestNode,
        period: String = "casn-uji",
        createdAt: Int64? = nil
    ) -> RosterPackage {
        RosterPackage(
            periodID: period,
            nodeID: "node-aula",
            nodeKeyID: node.node.signingKey.publicKey.id,
            version: version,
            createdAt: createdAt ?? start,
            sessions: sessions.map { id, people in
                RosterPackage.Session(
                    id: id,
                    venue: "Aula",
                    timeZone: .wita,
                    ruleSetID: "skd-2024",
                    scheduledStart: start,
                    scheduledEnd: start + 100 * 60_000,
                    participants: people
                )
            }
        )
    }

    static func sealed(_ package: RosterPackage, _ key: SigningKey) -> String {
        String(decoding: SignedEnvelope.seal(kind: RosterPackage.kind, payload: package.encoded(), key: key).encoded(), as: UTF8.self)
    }

    @Test(
        "versions count within a period: a later period's version 1 replaces a session not yet opened; an earlier period's package is refused whole; an opened session of another period keeps its roster"
    )
    func periods() async throws {
        let (node, portal) = try await Self.node()
        let start = node.clock.nowMilliseconds()
        try await node.test { client in
            let proctor = try await client.proctorToken()
            let a = Self.participant("2600000001", "ANJX-4242")
            let b = Self.participant("2600000002", "BUDX-5353")
            let c = Self.participant("2700000003", "CTRA-6464")
            let earlier = Self.package(version: 3, [("kpg-1", [a])], start: start, for: node)
            let first: RosterImportResult = try await client.json(.post, "/api/proctor/packages", token: proctor, raw: Self.sealed(earlier, portal))
            #expect(first.created == ["kpg-1"])
            // The next round's first version, for a slot with the same code.
            let later = Self.package(version: 1, [("kpg-1", [c])], start: start, for: node, period: "casn-baru", createdAt: start + 60_000)
            let replaced: RosterImportResult = try await client.json(.post, "/api/proctor/packages", token: proctor, raw: Self.sealed(later, portal))
            #expect(replaced.replaced == ["kpg-1"], "\(replaced)")
            #expect(try await node.service.candidates("kpg-1").map(\.participantNumber) == ["2700000003"])
            // Last round's package again (its version is higher): refused, nothing changes.
            let old = try await client.refusal(.post, "/api/proctor/packages", token: proctor, raw: Self.sealed(earlier, portal))
            #expect(old.status == 409 && old.code == "earlier-period-package", "\(old)")
            #expect(try await node.service.candidates("kpg-1").map(\.participantNumber) == ["2700000003"])
            // Opened, the session keeps its roster against another period's package; the package's other session loads.
            #expect(try await client.send(.post, "/api/proctor/sessions/kpg-1/open", token: proctor).0 == 200)
            let next = Self.package(
                version: 1,
                [("kpg-1", [a]), ("kpg-9", [b])],
                start: start,
                for: node,
                period: "casn-lanjut",
                createdAt: start + 120_000
            )
            let mixed: RosterImportResult = try await client.json(.post, "/api/proctor/packages", token: proctor, raw: Self.sealed(next, portal))
            #expect(mixed.created == ["kpg-9"] && mixed.refused["kpg-1"]?.code == "session-of-other-period", "\(mixed)")
            #expect(try await node.service.candidates("kpg-1").map(\.participantNumber) == ["2700000003"])
        }
    }

    @Test("imported once, again unchanged, replaced by a newer version until the session opens; a candidate signs in with the card's code")
    func versions() async throws {
        let (node, portal) = try await Self.node()
        let start = node.clock.nowMilliseconds()
        try await node.test { client in
            let proctor = try await client.proctorToken()
            let a = Self.participant("2600000001", "ANJX-4242")
            let b = Self.participant("2600000002", "BUDX-5353", type: .disability)
            let first = Self.package(version: 1, [("kpg-1", [a]), ("kpg-2", [b])], start: start, for: node)
            let imported: RosterImportResult = try await client.json(.post, "/api/proctor/packages", token: proctor, raw: Self.sealed(first, portal))
            #expect(imported.created == ["kpg-1", "kpg-2"] && imported.replaced.isEmpty && imported.version == 1)
            let again: RosterImportResult = try await client.json(.post, "/api/proctor/packages", token: proctor, raw: Self.sealed(first, portal))
            #expect(again.created.isEmpty && again.replaced.isEmpty && again.unchanged == ["kpg-1", "kpg-2"])
            // Version 2 moves b to kpg-1 before either opens.
            let second = Self.package(version: 2, [("kpg-1", [a, b]), ("kpg-2", [])], start: start, for: node)
            let moved: RosterImportResult = try await client.json(.post, "/api/proctor/packages", token: proctor, raw: Self.sealed(second, portal))
            #expect(moved.replaced == ["kpg-1", "kpg-2"])
            #expect(try await node.service.candidates("kpg-1").map(\.participantNumber) == ["2600000001", "2600000002"])
            #expect(try await node.service.candidates("kpg-2").isEmpty)
            // The session runs from the package: open it, and a candidate signs in with the code on the card.
            #expect(try await client.send(.post, "/api/proctor/sessions/kpg-1/open", token: proctor).0 == 200)
            let pin = try await node.service.session("kpg-1").pin
            let refused = try await client.refusal(
                .post,
                "/api/exam/login",
                body: ["participantNumber": "2600000001", "pin": pin, "accessCode": "ANJX-4243", "device": "d"]
            )
            #expect(refused.status == 401 && refused.code == "wrong-credentials")
            _ = try await client.login("2600000001", pin: pin, code: "anjx 4242", device: "pc-1")
            // Open: a newer roster for it is refused, whole (kpg-2's change is not applied either).
            let third = Self.package(version: 3, [("kpg-1", [a]), ("kpg-2", [b])], start: start, for: node)
            let late = try await client.refusal(.post, "/api/proctor/packages", token: proctor, raw: Self.sealed(third, portal))
            #expect(late.status == 409 && late.code == "session-already-open", "\(late)")
            #expect(try await node.service.candidates("kpg-2").isEmpty)
            // The same content under a newer version is accepted as unchanged.
            let fourth = Self.package(version: 4, [("kpg-1", [a, b]), ("kpg-2", [])], start: start, for: node)
            let same: RosterImportResult = try await client.json(.post, "/api/proctor/packages", token: proctor, raw: Self.sealed(fourth, portal))
            #expect(same.unchanged == ["kpg-1", "kpg-2"])
            // A package that changes the open session and brings a new one: the new one loads,
            // the open one keeps its roster and is named.
            let c = Self.participant("2600000003", "CTRA-6464")
            let fifth = Self.package(version: 5, [("kpg-1", [a]), ("kpg-2", []), ("kpg-3", [c])], start: start, for: node)
            let mixed: RosterImportResult = try await client.json(.post, "/api/proctor/packages", token: proctor, raw: Self.sealed(fifth, portal))
            #expect(mixed.created == ["kpg-3"] && mixed.unchanged == ["kpg-2"] && mixed.refused["kpg-1"]?.code == "session-already-open", "\(mixed)")
            #expect(try await node.service.candidates("kpg-1").count == 2)
            #expect(try await node.service.audit(session: "kpg-1").contains { $0.action == "roster-import-refused" })
            let stale = try await client.refusal(.post, "/api/proctor/packages", token: proctor, raw: Self.sealed(second, portal))
            #expect(stale.status == 409 && stale.code == "stale-package")
            let audit = try await node.service.audit(session: "kpg-1")
            #expect(audit.filter { $0.action == "roster-import" }.count == 2)
        }
    }

    @Test("a roster loads in batches; one cut short leaves its session loading (it cannot open, nobody signs in) until the package is imported again")
    func batchedLoad() async throws {
        var settings = ExamSettings()
        settings.rosterBatch = 2
        let node = try await TestNode(settings: settings)
        let people = (1...5).map { Self.participant(String(format: "26000000%02d", $0), "ANJX-4242") }
        try await node.test { client in
            let proctor = try await client.proctorToken()
            let package = node.package(session: "kpg-besar", people: people)
            let imported: RosterImportResult = try await client.json(.post, "/api/proctor/packages", token: proctor, raw: package)
            #expect(imported.created == ["kpg-besar"])
            #expect(try await node.service.candidates("kpg-besar").count == 5)
            #expect(try await node.service.session("kpg-besar").state == "created")
            // A power cut after the first batch: the session is still marked loading, with part of its roster.
            let database = try DatabaseQueue(path: node.folder + "/exam.sqlite")
            try await database.write { db in
                try db.execute(sql: "UPDATE exam_session SET roster_loading = 1 WHERE id = 'kpg-besar'")
                for table in ["candidate_paper", "candidate"] {
                    try db.execute(sql: "DELETE FROM \(table) WHERE session_id = 'kpg-besar' AND participant_number > '2600000002'")
                }
            }
            #expect(try await node.service.session("kpg-besar").state == "loading")
            let open = try await client.refusal(.post, "/api/proctor/sessions/kpg-besar/open", token: proctor)
            #expect(open.status == 409 && open.code == "roster-loading", "\(open)")
            let close = try await client.refusal(.post, "/api/proctor/sessions/kpg-besar/close", token: proctor)
            #expect(close.status == 409 && close.code == "roster-loading")
            let pin = try await node.service.session("kpg-besar").pin
            let login = try await client.refusal(
                .post,
                "/api/exam/login",
                body: ["participantNumber": "2600000001", "pin": pin, "accessCode": "ANJX-4242", "device": "d"]
            )
            #expect(login.status == 409 && login.code == "roster-loading", "\(login)")
            // The same package again completes it (not "unchanged": its roster was cut short).
            let again: RosterImportResult = try await client.json(.post, "/api/proctor/packages", token: proctor, raw: package)
            #expect(again.replaced == ["kpg-besar"] && again.unchanged.isEmpty)
            #expect(try await node.service.candidates("kpg-besar").count == 5)
            #expect(try await client.send(.post, "/api/proctor/sessions/kpg-besar/open", token: proctor).0 == 200)
            _ = try await client.login("2600000005", pin: pin, code: "ANJX-4242", device: "pc-5")
        }
    }

    @Test("a re-sit: the participant may be in a second session only as a committee's re-sit of the first, and only once the first attempt can no longer go on")
    func resit() async throws {
        let (node, portal) = try await Self.node()
        let start = node.clock.nowMilliseconds()
        try await node.test { client in
            let proctor = try await client.proctorToken()
            let a = Self.participant("2600000001", "ANJX-4242")
            let again = RosterPackage.Participant(
                participantNumber: a.participantNumber,
                name: a.name,
                formationType: a.formationType,
                accommodations: [],
                accessCodeDigest: a.accessCodeDigest,
                resitOf: "kpg-1"
            )
            let first = Self.package(version: 1, [("kpg-1", [a])], start: start, for: node)
            let _: RosterImportResult = try await client.json(.post, "/api/proctor/packages", token: proctor, raw: Self.sealed(first, portal))
            #expect(try await client.send(.post, "/api/proctor/sessions/kpg-1/open", token: proctor).0 == 200)
            let pin = try await node.service.session("kpg-1").pin
            _ = try await client.login("2600000001", pin: pin, device: "pc-1")
            // Without the decision: a participant twice.
            let twice = try await client.refusal(
                .post,
                "/api/proctor/packages",
                token: proctor,
                raw: Self.sealed(Self.package(version: 2, [("kpg-1", [a]), ("kpg-2", [a])], start: start, for: node), portal)
            )
            #expect(twice.status == 422 && twice.code == "participant-twice", "\(twice)")
            // With it, while the first attempt can still go on: refused.
            let resit = Self.package(version: 2, [("kpg-1", [a]), ("kpg-2", [again])], start: start, for: node)
            let early = try await client.refusal(.post, "/api/proctor/packages", token: proctor, raw: Self.sealed(resit, portal))
            #expect(early.status == 409 && early.code == "resit-attempt-running", "\(early)")
            // The incident: the session is closed. Now the re-sit loads, and the participant signs in to it.
            #expect(try await client.send(.post, "/api/proctor/sessions/kpg-1/close", token: proctor).0 == 200)
            let loaded: RosterImportResult = try await client.json(.post, "/api/proctor/packages", token: proctor, raw: Self.sealed(resit, portal))
            #expect(loaded.created == ["kpg-2"] && loaded.unchanged == ["kpg-1"])
            #expect(try await client.send(.post, "/api/proctor/sessions/kpg-2/open", token: proctor).0 == 200)
            let second = try await node.service.session("kpg-2").pin
            _ = try await client.login("2600000001", pin: second, device: "pc-2")
        }
    }

    @Test("refused: a changed byte, a foreign key, a cut or oversized file, no portal key, a participant twice or already in another session")
    func refusals() async throws {
        let (node, portal) = try await Self.node(maxPackageBytes: 64 * 1024)
        let start = node.clock.nowMilliseconds()
        let folder = NSTemporaryDirectory() + "seleksi-other-key-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let stranger = try SigningKey.loadOrCreate(path: folder + "/other.key")
        try await node.test { client in
            let proctor = try await client.proctorToken()
            let a = Self.participant("2600000001", "ANJX-4242")
            let good = Self.sealed(Self.package(version: 1, [("kpg-1", [a])], start: start, for: node), portal)
            // One byte of the signed payload changed, the signature kept.
            var object = try #require(try JSONSerialization.jsonObject(with: Data(good.utf8)) as? [String: Any])
            let payload = try #require(object["payload"] as? String)
            var bytes = [UInt8](try #require(Data(base64Encoded: payload)))
            bytes[bytes.count / 2] ^= 0x01
            object["payload"] = Data(bytes).base64EncodedString()
            let changed = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
            let foreign = Self.sealed(Self.package(version: 1, [("kpg-1", [a])], start: start, for: node), stranger)
            for (label, body) in [("changed", changed), ("foreign", foreign), ("cut", String(good.prefix(good.count / 2)))] {
                let refusal = try await client.refusal(.post, "/api/proctor/packages", token: proctor, raw: body)
                #expect(refusal.status == 422 && refusal.code == "invalid-package", "\(label): \(refusal)")
            }
            let many = (0..<2_000).map { Self.participant(String(format: "27%08d", $0), "ANJX-4242") }
            let oversized = try await client.refusal(
                .post,
                "/api/proctor/packages",
                token: proctor,
                raw: Self.sealed(Self.package(version: 1, [("kpg-9", many)], start: start, for: node), portal)
            )
            #expect(oversized.status == 413)
            // A package the portal made for another node.
            let elsewhere = Self.package(version: 1, [("kpg-1", [a])], start: start, for: node)
            let otherNode = RosterPackage(
                periodID: elsewhere.periodID,
                nodeID: "node-lain",
                nodeKeyID: "0123456789abcdef",
                version: 1,
                createdAt: start,
                sessions: elsewhere.sessions
            )
            let wrong = try await client.refusal(.post, "/api/proctor/packages", token: proctor, raw: Self.sealed(otherNode, portal))
            #expect(wrong.status == 409 && wrong.code == "wrong-node", "\(wrong)")
            let twice = try await client.refusal(
                .post,
                "/api/proctor/packages",
                token: proctor,
                raw: Self.sealed(Self.package(version: 1, [("kpg-1", [a]), ("kpg-2", [a])], start: start, for: node), portal)
            )
            #expect(twice.status == 422 && twice.code == "participant-twice")
            // A participant in a session a proctor made by hand (on a node from before roster packages).
            try await node.service.store.write { tx in
                try tx.insertSession(id: "sesi-lama", venue: "Aula", ruleSetID: "skd-2024", scheduledStart: start, pin: "123456", createdAt: start)
                try tx.insertCandidate(
                    session: "sesi-lama",
                    RosterEntry(participantNumber: "2600000001", name: "Ani", formationType: .general, accessCodeDigest: AccessCode.digest("ANJX-4242")),
                    allowedMilliseconds: 100 * 60_000,
                    paper: "{}",
                    fingerprint: "lama"
                )
            }
            let other = try await client.refusal(.post, "/api/proctor/packages", token: proctor, raw: good)
            #expect(other.status == 409 && other.code == "participant-in-other-session", "\(other)")
            #expect(try await node.service.sessions().map(\.id) == ["sesi-lama"])
            // Nor may a package take over that session's id.
            let taken = try await client.refusal(
                .post,
                "/api/proctor/packages",
                token: proctor,
                raw: Self.sealed(Self.package(version: 1, [("sesi-lama", [])], start: start, for: node), portal)
            )
            #expect(taken.status == 409 && taken.code == "session-exists", "\(taken)")
        }
        let (untrusting, key) = try await Self.node(trust: false)
        try await untrusting.test { client in
            let proctor = try await client.proctorToken()
            let refusal = try await client.refusal(
                .post,
                "/api/proctor/packages",
                token: proctor,
                raw: Self.sealed(Self.package(version: 1, [("kpg-1", [])], start: 0, for: untrusting), key)
            )
            #expect(refusal.status == 409 && refusal.code == "no-portal-key")
            #expect(try await client.refusal(.post, "/api/proctor/packages", raw: "{}").status == 401)
        }
    }
}
