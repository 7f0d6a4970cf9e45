import ExamEngine
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import ExamNode

/// Rich items at the node: their markup reaches the page written out by the node, and
/// their figures only with the candidate's token, and only those of their own paper.
@Suite("Exam node: rich items and their figures")
struct PaperImageTests {
    @Test(
        "a figural item's stem names its figures by content address; the candidate fetches their own, cacheable; another paper's, or without a token, is refused"
    )
    func figures() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let token = try await client.login(pin: session.pin)
            let (status, raw) = try await client.send(.get, "/api/exam/paper", token: token)
            #expect(status == 200)
            let paper = try #require(try JSONSerialization.jsonObject(with: raw) as? [String: Any])
            let items = try #require(paper["items"] as? [[String: Any]])
            let rich = items.filter { $0["markup"] as? Bool == true }
            let figural = try #require(rich.first { ($0["images"] as? [String])?.isEmpty == false }, "no figure on the paper")
            let stem = try #require(figural["stem"] as? String)
            let digest = try #require((figural["images"] as? [String])?.first)
            // The page gets the address, never a path into the bank folder; the list is sorted
            // (its order says nothing about which option shows which figure).
            let texts = ([stem] + ((figural["options"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }).joined(separator: "\n")
            let listed = try #require(figural["images"] as? [String])
            #expect(listed == listed.sorted() && listed.allSatisfy { texts.contains("data-gambar=\"\($0)\"") }, "\(texts)")
            #expect(!texts.contains("src=") && !texts.contains("figures/"), "\(texts)")
            #expect(stem.contains("alt=\""))
            // Plain items stay plain.
            #expect(items.contains { $0["markup"] == nil })

            let shown = try await client.client.execute(
                uri: "/api/exam/images/\(digest)",
                method: .get,
                headers: [.authorization: "Bearer \(token)", HTTPField.Name("X-Seleksi-Device")!: "perangkat-1"]
            ) { response in (response.status.code, response.headers, Data(response.body.readableBytesView)) }
            #expect(shown.0 == 200)
            #expect(shown.1[.contentType] == "image/svg+xml" && shown.1[.cacheControl]?.contains("immutable") == true)
            #expect(shown.1[.contentSecurityPolicy]?.contains("sandbox") == true)
            let image = try #require(node.node.service.catalog.images[digest]?.image)
            #expect(shown.2 == image.data && image.digest == digest)

            // Every figure of the paper in one answer (the page's start), and no other.
            let (bundleStatus, bundle) = try await client.send(.get, "/api/exam/images", token: token)
            #expect(bundleStatus == 200)
            let figures = try #require((try JSONSerialization.jsonObject(with: bundle) as? [String: Any])?["images"] as? [String: [String: String]])
            let onPaper = Set(items.flatMap { ($0["images"] as? [String]) ?? [] })
            #expect(Set(figures.keys) == onPaper && onPaper.count >= 4, "\(figures.keys.sorted()) vs \(onPaper.sorted())")
            #expect(figures[digest]?["type"] == "image/svg+xml" && figures[digest]?["data"].flatMap { Data(base64Encoded: $0) } == image.data)
            #expect(try await client.refusal(.get, "/api/exam/images").status == 401)

            // A figure no item of this paper shows.
            let paperItems = Set(items.compactMap { ($0["id"] as? String).map { "skd-contoh/" + $0 } })
            let other = try #require(node.node.service.catalog.images.first { $0.value.items.isDisjoint(with: paperItems) }?.key)
            let foreign = try await client.refusal(.get, "/api/exam/images/\(other)", token: token)
            #expect(foreign.status == 404 && foreign.code == "image-not-in-paper", "\(foreign)")
            #expect(try await client.refusal(.get, "/api/exam/images/\(digest)").status == 401)
            #expect(try await client.refusal(.get, "/api/exam/images/\(digest)", token: token, device: "perangkat-lain").status == 401)
        }
    }

    @Test("a node restarted with a changed bank (one figure's bytes, same item versions) shows no paper assembled from the old one, and starts no clock")
    func changedBank() async throws {
        let node = try await TestNode()
        let (_, session) = try await node.test { client in try await node.openSession(client) }
        // The same banks, one figure redrawn.
        let banks = NSTemporaryDirectory() + "seleksi-banks-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: banks) }
        try FileManager.default.copyItem(atPath: repositoryRoot + "/QuestionBanks", toPath: banks)
        let figure = banks + "/skd/figures/tiu-figural-001.svg"
        let drawn = try String(contentsOfFile: figure, encoding: .utf8)
        try drawn.replacingOccurrences(of: "stroke-width=\"", with: "stroke-width=\"1").write(toFile: figure, atomically: true, encoding: .utf8)
        let changed = try ExamCatalog.load(rulesDirectory: repositoryRoot + "/Config/rules", bankDirectory: banks)
        #expect(changed.entries["skd-2024"]?.bank.contentDigest != sharedCatalog.entries["skd-2024"]?.bank.contentDigest)
        try await node.restart(catalog: changed)
        try await node.test { client in
            let token = try await client.login(pin: session.pin)
            let refused = try await client.refusal(.get, "/api/exam/paper", token: token)
            #expect(refused.status == 409 && refused.code == "bank-changed", "\(refused)")
            let state: [String: Any] = try #require(
                try JSONSerialization.jsonObject(with: try await client.send(.get, "/api/exam/state", token: token).1) as? [String: Any]
            )
            #expect(state["startedAt"] == nil || state["startedAt"] is NSNull, "\(state)")
        }
        // Back on the bank it was assembled from, the paper shows.
        try await node.restart()
        try await node.test { client in
            let token = try await client.login(pin: session.pin)
            #expect(try await client.send(.get, "/api/exam/paper", token: token).0 == 200)
        }
    }
}

/// Passages at the node: each item names its passage, and the paper carries each
/// passage once, written out as the bank checked it.
@Suite("Exam node: passages on the paper")
struct PaperPassageTests {
    @Test("items that share a passage name it; the paper holds it once; a rich passage is written out as checked, plain items name none")
    func passages() throws {
        let entry = try #require(sharedCatalog.entries["skd-2024"])
        let bank = entry.bank
        let ids = ["twk-pancasila-001", "tiu-soal-cerita-tabel-001", "tiu-soal-cerita-tabel-003", "twk-bahasa-indonesia-bacaan-002"]
        let items = try ids.map { id in
            let item = try #require(bank.item(id), "\(id) not in the sample bank")
            return PaperItem(itemID: id, itemVersion: item.version, optionOrder: Array(item.options.indices))
        }
        let paper = Paper(
            ruleSetID: "skd-2024",
            bankID: bank.id,
            bankVersion: bank.version,
            seed: 1,
            sections: [PaperSection(subtest: "TIU", items: items)],
            fingerprint: "x"
        )
        let raw = try entry.renderer.render(participantNumber: "2024000001", name: "Peserta", ruleSet: "skd-2024", paper: paper)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any])
        let shown = try #require(object["items"] as? [[String: Any]])
        #expect(shown.map { $0["passage"] as? String } == [nil, "tiu-tabel-001", "tiu-tabel-001", "twk-bacaan-001"])
        let passages = try #require(object["passages"] as? [String: [String: Any]])
        #expect(passages.keys.sorted() == ["tiu-tabel-001", "twk-bacaan-001"])
        #expect(passages["tiu-tabel-001"]?["markup"] as? Bool == true)
        #expect((passages["tiu-tabel-001"]?["text"] as? String)?.contains("<caption>Jumlah pendaftar per bulan</caption>") == true)
        #expect(passages["twk-bacaan-001"]?["markup"] as? Bool == false)
        #expect((passages["twk-bacaan-001"]?["text"] as? String)?.hasPrefix("(1) Sejak tahun lalu") == true)
        // Once: the table's text is in the paper one time although two items show it.
        let text = String(decoding: raw, as: UTF8.self)
        #expect(text.components(separatedBy: "Jumlah pendaftar per bulan").count == 2)
        // No key or weight reaches the page with a passage either.
        #expect(!text.contains("correct") && !text.contains("weight"))
    }
}
