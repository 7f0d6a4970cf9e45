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
