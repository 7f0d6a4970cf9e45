import SeleksiCore
@testable import ExamNode
import Foundation
import Testing

@Suite("Attempt timing")
struct AttemptTimingTests {
    let minute: Int64 = 60_000

    @Test("time runs from the start; paused and down time is never charged, and overlaps count once")
    func stoppedTime() {
        let timing = AttemptTiming(
            startedAt: 0, allowedMilliseconds: 100 * minute,
            stopped: [StoppedInterval(from: 10 * minute, to: 40 * minute), StoppedInterval(from: 30 * minute, to: 50 * minute)])
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

@Suite("Candidate paper JSON")
struct CandidatePaperJSONTests {
    @Test("the hand-written JSON decodes to the same paper, escapes included")
    func roundTrip() throws {
        let paper = CandidatePaper(
            participantNumber: "2024\"01", name: "Budi \\ Santoso\n", ruleSet: "skd-2024",
            items: [
                CandidateItem(
                    number: 1, id: "twk-1", subtest: "TWK", stem: "Kutipan \"Bhinneka\"\tdan\u{01} emoji 🇮🇩 / é",
                    options: [CandidateOption(id: "A", text: "ya"), CandidateOption(id: "B", text: "tidak \"sama sekali\"")]),
                CandidateItem(number: 2, id: "tiu-2", subtest: "TIU", stem: "1.250.000 × 2", options: []),
            ])
        let decoded = try JSONDecoder().decode(CandidatePaper.self, from: Data(paper.json()))
        #expect(decoded == paper)
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
    }
}
