import ExamEngine
import Foundation
import SeleksiCore
import Testing

@testable import ExamNode

@Suite("Attempt timing")
struct AttemptTimingTests {
    let minute: Int64 = 60_000

    @Test("time runs from the start; paused and down time is never charged, and overlaps count once")
    func stoppedTime() {
        let timing = AttemptTiming(
            startedAt: 0,
            allowedMilliseconds: 100 * minute,
            stopped: [StoppedInterval(from: 10 * minute, to: 40 * minute), StoppedInterval(from: 30 * minute, to: 50 * minute)]
        )
        #expect(timing.used(at: 60 * minute) == 20 * minute)
        #expect(timing.remaining(at: 60 * minute) == 80 * minute)
        #expect(timing.remaining(at: 20 * minute) == 90 * minute)
        #expect(!timing.isOver(at: 140 * minute))
        #expect(timing.isOver(at: 140 * minute + 1))
    }

    @Test("an open pause freezes the clock")
    func openPause() {
        let timing = AttemptTiming(startedAt: 0, allowedMilliseconds: 100 * minute, stopped: [StoppedInterval(from: 30 * minute, to: nil)])
        #expect(timing.isStopped(at: 31 * minute))
        #expect(timing.remaining(at: 31 * minute) == 70 * minute)
        #expect(timing.remaining(at: 500 * minute) == 70 * minute)
    }

    @Test("a pause before the start is not credited; grace applies only past the deadline")
    func beforeStart() {
        let timing = AttemptTiming(startedAt: 10 * minute, allowedMilliseconds: 100 * minute, stopped: [StoppedInterval(from: 0, to: 5 * minute)])
        #expect(timing.used(at: 20 * minute) == 10 * minute)
        #expect(!timing.isOver(at: 110 * minute + 4_000, grace: 5_000))
        #expect(timing.isOver(at: 110 * minute + 5_001, grace: 5_000))
    }
}

@Suite("The paper as candidates receive it")
struct PaperRendererTests {
    @Test("the rendered JSON is the candidate's paper in their order, escapes included, with no key and no weights")
    func rendersInTheCandidatesOrder() throws {
        let origin = SourceLocation(file: "uji.yaml", line: 1)
        let bank = QuestionBank(
            manifest: BankManifest(id: "uji", version: "1", title: "Uji", optionCount: 2...5, subtests: []),
            items: [
                Item(
                    id: "twk-1",
                    version: 1,
                    subtest: "TWK",
                    topic: "t",
                    difficulty: 1,
                    stem: "Kutipan \"Bhinneka\"\tdan\u{01} emoji 🇮🇩 / é",
                    options: [ItemOption(id: "A", text: "ya", correct: true), ItemOption(id: "B", text: "tidak \"sama sekali\"")],
                    explanation: "rahasia",
                    key: .correct(optionIndex: 0),
                    origin: origin
                ),
                Item(
                    id: "tkp-2",
                    version: 1,
                    subtest: "TKP",
                    topic: "t",
                    difficulty: 1,
                    stem: "1.250.000 × 2\\",
                    options: [
                        ItemOption(id: "A", text: "satu", weight: 5), ItemOption(id: "B", text: "dua", weight: 1), ItemOption(id: "C", text: "tiga", weight: 3),
                    ],
                    explanation: nil,
                    key: .weights([5, 1, 3]),
                    origin: origin
                ),
            ],
            directory: "/tmp"
        )
        let paper = Paper(
            ruleSetID: "uji",
            bankID: "uji",
            bankVersion: "1",
            seed: 1,
            sections: [
                PaperSection(subtest: "TKP", items: [PaperItem(itemID: "tkp-2", itemVersion: 1, optionOrder: [2, 0, 1])]),
                PaperSection(subtest: "TWK", items: [PaperItem(itemID: "twk-1", itemVersion: 1, optionOrder: [1, 0])]),
            ],
            fingerprint: "f"
        )
        let json = try PaperRenderer(bank: bank).render(participantNumber: "2024\"01", name: "Budi \\ Santoso\n", ruleSet: "uji", paper: paper)
        let decoded = try JSONDecoder().decode(CandidatePaper.self, from: Data(json))
        #expect(
            decoded
                == CandidatePaper(
                    participantNumber: "2024\"01",
                    name: "Budi \\ Santoso\n",
                    ruleSet: "uji",
                    items: [
                        CandidateItem(
                            number: 1,
                            id: "tkp-2",
                            subtest: "TKP",
                            stem: "1.250.000 × 2\\",
                            options: [CandidateOption(id: "C", text: "tiga"), CandidateOption(id: "A", text: "satu"), CandidateOption(id: "B", text: "dua")]
                        ),
                        CandidateItem(
                            number: 2,
                            id: "twk-1",
                            subtest: "TWK",
                            stem: "Kutipan \"Bhinneka\"\tdan\u{01} emoji 🇮🇩 / é",
                            options: [CandidateOption(id: "B", text: "tidak \"sama sekali\""), CandidateOption(id: "A", text: "ya")]
                        ),
                    ]
                )
        )
        let text = String(decoding: json, as: UTF8.self)
        for secret in ["correct", "weight", "rahasia", "explanation", "key"] { #expect(!text.contains(secret)) }
    }

    @Test("a paper naming an item the bank lacks is an error, not a crash")
    func unknownItem() throws {
        let bank = QuestionBank(
            manifest: BankManifest(id: "uji", version: "1", title: "Uji", optionCount: 2...5, subtests: []),
            items: [],
            directory: "/tmp"
        )
        let paper = Paper(
            ruleSetID: "uji",
            bankID: "uji",
            bankVersion: "1",
            seed: 1,
            sections: [PaperSection(subtest: "TWK", items: [PaperItem(itemID: "hilang", itemVersion: 1, optionOrder: [0])])],
            fingerprint: "f"
        )
        #expect(throws: ExamNodeError.unknownItem("hilang")) {
            try PaperRenderer(bank: bank).render(participantNumber: "1", name: "A", ruleSet: "uji", paper: paper)
        }
    }
}

@Suite("Exam node configuration")
struct ConfigurationTests {
    private func load(_ text: String) throws -> ExamNodeConfiguration {
        let file = NSTemporaryDirectory() + "seleksi-config-" + UUID().uuidString + ".yaml"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try ExamNodeConfiguration.load(file: file)
    }

    @Test("the shipped configuration loads; a wrong type, an unknown key or a half TLS pair is refused")
    func configuration() throws {
        let shipped = try ExamNodeConfiguration.load(file: repositoryRoot + "/Config/exam-node.yaml")
        #expect(shipped.httpsPort == 8443)
        #expect(shipped.settings.graceMilliseconds == 5_000)
        #expect(throws: ConfigurationError.self) { try load("https_port: delapan") }
        #expect(throws: ConfigurationError.self) { try load("https_prot: 8443") }
        #expect(throws: ConfigurationError.self) { try load("tls: {certificate: /a.pem}") }
        #expect(throws: ConfigurationError.self) { try load("http_port: 70000") }
        #expect(try load("data: /srv/node\nhttps_port: 9443").dataDirectory == "/srv/node")
        #expect(shipped.settings.maxPackageBytes == 32 * 1_048_576)
        #expect(try load("max_package_mb: 2").settings.maxPackageBytes == 2 * 1_048_576)
        #expect(throws: ConfigurationError.self) { try load("max_package_mb: 0") }
        #expect(throws: ConfigurationError.self) { try load("portal_public_key: bukan-kunci") }
        let key = String(repeating: "ab", count: 32)
        if PublicSigningKey(text: key) != nil { #expect(try load("portal_public_key: \(key)").settings.portalPublicKey?.text == key) }
        #expect(shipped.portalLink == nil)
        let link = try load("portal: {url: https://sscasn.example.go.id, node_id: node-kupang-1, ca: /etc/ca.pem, sync_seconds: 10}").portalLink
        #expect(
            link
                == PortalLinkSettings(
                    url: "https://sscasn.example.go.id",
                    nodeID: "node-kupang-1",
                    certificateAuthority: "/etc/ca.pem",
                    intervalMilliseconds: 10_000
                )
        )
        for wrong in [
            "portal: {url: http://sscasn.example.go.id, node_id: a1}", "portal: {url: https://x.id}", "portal: {url: https://x.id, node_id: Node Satu}",
            "portal: {url: https://x.id, node_id: a1, sync_seconds: 0}", "portal: {url: https://x.id, node_id: a1, proxy: y}", "portal: https://x.id",
        ] {
            #expect(throws: ConfigurationError.self, "\(wrong)") { try load(wrong) }
        }
    }

    @Test("the link to the portal waits its interval while it works, and after failures 1 s, 2 s, 4 s… up to the interval (at most 5 minutes)")
    func backoff() {
        #expect(SyncBackoff.delay(afterFailures: 0, intervalMilliseconds: 30_000) == 30_000)
        #expect((1...7).map { SyncBackoff.delay(afterFailures: $0, intervalMilliseconds: 30_000) } == [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000])
        #expect(SyncBackoff.delay(afterFailures: 50, intervalMilliseconds: 3_600_000) == 300_000)
        #expect(SyncBackoff.delay(afterFailures: 3, intervalMilliseconds: 500) == 1_000)
    }

    @Test("a node makes its signing key on first start (mode 600) and keeps it across restarts")
    func signingKey() async throws {
        let node = try await TestNode()
        let path = node.folder + "/node-signing.key"
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        let before = node.node.signingKey.publicKey
        try await node.restart()
        #expect(node.node.signingKey.publicKey == before)
    }
}
