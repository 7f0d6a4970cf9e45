import Foundation
import HTTPTypes
import Registration
import SeleksiCore
import Testing

/// The committee registers each exam node with its venues, address and public key.
@Suite("Exam nodes: registered by a committee admin with their keys")
struct NodeRegistryTests {
    static func key() throws -> String {
        let folder = NSTemporaryDirectory() + "seleksi-node-key-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try SigningKey.loadOrCreate(path: folder + "/k").publicKey.text
    }

    @Test("API: registered, listed, re-registered with a new key; bad input refused; one key per node; admins only; audited")
    func api() async throws {
        let portal = try await TestPortal()
        let (first, second) = (try Self.key(), try Self.key())
        try await portal.test { client in
            let admin = try await client.staff("admin")
            let body: [String: Any] = ["id": "node-kpg-1", "venues": ["UPT BKN Kupang"], "url": "https://ujian-kpg.example.go.id", "publicKey": first]
            var reply = try await client.send(.post, "/api/admin/nodes", token: admin, json: body)
            #expect(reply.status == 201 && reply["publicKey"] as? String == first && reply["registeredBy"] as? String == "admin", "\(reply.text)")
            for (field, value) in [("url", "http://ujian-kpg.example.go.id"), ("publicKey", "abcd"), ("id", "Node KPG")] as [(String, Any)] {
                var bad = body
                bad[field] = value
                bad["id"] = field == "id" ? value : "node-x"
                reply = try await client.send(.post, "/api/admin/nodes", token: admin, json: bad)
                #expect(reply.status == 422 && reply.code == "invalid-node", "\(field): \(reply.text)")
            }
            var noVenue = body
            noVenue["venues"] = [String]()
            #expect(try await client.send(.post, "/api/admin/nodes", token: admin, json: noVenue).code == "invalid-node")
            // Another node may not carry the same key.
            var copy = body
            copy["id"] = "node-kpg-2"
            reply = try await client.send(.post, "/api/admin/nodes", token: admin, json: copy)
            #expect(reply.status == 409 && reply.code == "node-key-in-use")
            // Another node for the same venue: both would get its sessions.
            var sameVenue = body
            sameVenue["id"] = "node-kpg-3"
            sameVenue["publicKey"] = try Self.key()
            reply = try await client.send(.post, "/api/admin/nodes", token: admin, json: sameVenue)
            #expect(reply.status == 409 && reply.code == "venue-taken", "\(reply.text)")
            // The same node with a new key (the node's data folder was lost): replaced.
            var rotated = body
            rotated["publicKey"] = second.uppercased()
            #expect(try await client.send(.post, "/api/admin/nodes", token: admin, json: rotated).status == 201)
            let list = try await client.send(.get, "/api/admin/nodes", token: admin)
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["publicKey"] as? String == second)
            // Nobody else registers or lists nodes.
            let verifier = try await client.staff("verif-keu")
            let applicant = try await client.applicant()
            for token in [verifier, applicant] {
                #expect(try await client.send(.get, "/api/admin/nodes", token: token).status == 403)
                #expect(try await client.send(.post, "/api/admin/nodes", token: token, json: body).status == 403)
            }
            #expect(try await client.send(.get, "/api/admin/nodes").status == 401)
            let entries = try await portal.service.store.audit(AuditFilter(action: "node.register", limit: 10))
            #expect(entries.count == 2 && entries.allSatisfy { $0.actor == "admin" && $0.subject == "node:node-kpg-1" })
        }
    }

    @Test("page: the admin registers a node with a form; a bad key is shown again with what was typed")
    func page() async throws {
        let portal = try await TestPortal()
        let key = try Self.key()
        try await portal.test { client in
            var admin = try await CommitteePageTests.signedIn("admin", client, portal)
            var page = try await admin.request(.get, "/staf/panitia/node")
            #expect(page.status == 200 && page.text.contains("Kanreg V Jakarta"))
            var form: [(String, String)] = [
                ("csrf", try Browser.csrf(page)), ("id", "node-jkt-1"), ("venues", "Kanreg V Jakarta\n"), ("url", "https://ujian-jkt.example.go.id"),
                ("publicKey", "12345"),
            ]
            var reply = try await admin.request(.post, "/staf/panitia/node", form: form)
            #expect(reply.status == 422 && reply.text.contains("kunci publik harus") && reply.text.contains("value=\"node-jkt-1\""))
            form[4].1 = key
            reply = try await admin.request(.post, "/staf/panitia/node", form: form)
            #expect(reply.status == 303)
            page = try await admin.request(.get, "/staf/panitia/node?disimpan=1")
            #expect(page.text.contains("node-jkt-1") && page.text.contains(PublicSigningKey(text: key)!.id) && page.text.contains("Perubahan disimpan."))
        }
    }
}
