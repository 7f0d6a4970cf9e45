import ExamEngine
import Foundation
import Selection
import SeleksiCore

/// `seleksi bench selection`: interview scheduling of `candidates` over `panels` (and of a
/// tenth of both, so the growth shows beside n log n), then the final integration of
/// `integrateCandidates`. Pure, in this process; one core.
public struct SelectionBench: Sendable {
    let candidates: Int
    let panels: Int
    let integrateCandidates: Int

    public init(candidates: Int, panels: Int, integrateCandidates: Int) {
        self.candidates = candidates
        self.panels = panels
        self.integrateCandidates = integrateCandidates
    }

    public func run() throws -> [String: Any] {
        var figures: [String: Any] = ["candidates": candidates, "panels": panels, "integrate_candidates": integrateCandidates]
        let smallCandidates = max(1, candidates / 10)
        let smallPanels = max(1, panels / 10)
        let small = try Self.scheduling(candidates: smallCandidates, panels: smallPanels)
        let large = try Self.scheduling(candidates: candidates, panels: panels)
        figures["schedule_small_candidates"] = smallCandidates
        figures["schedule_small_panels"] = smallPanels
        figures["schedule_small_seconds"] = small.seconds
        figures["schedule_seconds"] = large.seconds
        figures["schedule_placed"] = large.placed
        figures["schedule_unplaced"] = large.unplaced
        figures["schedule_growth"] = large.seconds / small.seconds
        let n = Double(candidates)
        let m = Double(smallCandidates)
        figures["n_log_n_growth"] = (n * log2(n)) / (m * log2(m))
        figures["integrate_seconds"] = try Self.integration(integrateCandidates)
        return figures
    }

    public static func describe(_ figures: [String: Any]) -> String {
        func number(_ key: String) -> Double { (figures[key] as? Double) ?? Double(figures[key] as? Int ?? 0) }
        func text(_ key: String, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", number(key)) }
        func count(_ key: String) -> String { String(figures[key] as? Int ?? 0) }
        var lines: [String] = []
        lines.append(
            "Penjadwalan wawancara: \(count("candidates")) peserta, \(count("panels")) panel: \(text("schedule_seconds")) s"
                + " (\(count("schedule_placed")) terjadwal, \(count("schedule_unplaced")) tidak; target < 10 s)"
        )
        lines.append(
            "  \(count("schedule_small_candidates")) peserta, \(count("schedule_small_panels")) panel: \(text("schedule_small_seconds", 3)) s;"
                + " pertumbuhan \(text("schedule_growth", 1))× (n log n: \(text("n_log_n_growth", 1))×)"
        )
        lines.append("Integrasi SKD+SKB: \(count("integrate_candidates")) peserta: \(text("integrate_seconds")) s (target < 5 s)")
        return lines.joined(separator: "\n")
    }

    /// `count` candidates in 2 × `panels` formations, each formation served by two panels
    /// (a panel serves its own two and its neighbour's); panels
    /// work two weeks, 08.00-16.00 in their zone, 20-minute slots with 5 between (190 slots
    /// each, so capacity allows everyone at 100 a panel). Each candidate has a CAT SKB
    /// session on the first Monday and one in a hundred a declared conflict.
    static func scheduling(candidates count: Int, panels panelCount: Int) throws -> (seconds: Double, placed: Int, unplaced: Int) {
        let first = LocalDate("2027-02-01")!
        let last = LocalDate("2027-02-12")!
        let zones = IndonesianTimeZone.allCases
        let panels = (0..<panelCount).map { (index: Int) -> InterviewPanel in
            // Its own two formations and its neighbour's: each candidate has two panels to go to.
            let next = (index + 1) % panelCount
            let own: Set<String> = [
                String(format: "F%05d", 2 * index), String(format: "F%05d", 2 * index + 1), String(format: "F%05d", 2 * next),
                String(format: "F%05d", 2 * next + 1),
            ]
            return InterviewPanel(
                id: String(format: "P%05d", index),
                interviewers: ["w\(index)-1", "w\(index)-2"],
                place: "Ruang \(index)",
                zone: zones[index % zones.count],
                slotMinutes: 20,
                bufferMinutes: 5,
                firstDay: first,
                lastDay: last,
                opens: 8 * 60,
                closes: 16 * 60,
                formations: own
            )
        }
        var generator = SystemRandomNumberGenerator()
        let catStart = IndonesianTimeZone.wib.instant(localDay: 2027, 2, 1, hour: 7, minute: 0)
        let candidates = (0..<count).map { (index: Int) -> InterviewCandidate in
            let formation = String(format: "F%05d", Int.random(in: 0..<(2 * panelCount), using: &generator))
            let session = catStart + Int64(index % 4) * 2 * 3_600_000
            return InterviewCandidate(
                participantNumber: String(format: "27%08d", index),
                formationID: formation,
                busy: [session..<session + 90 * 60_000],
                conflicts: index % 100 == 0 ? ["w\(Int.random(in: 0..<panelCount, using: &generator))-1"] : []
            )
        }
        let clock = ContinuousClock()
        var schedule: InterviewSchedule?
        let time = try clock.measure { schedule = try InterviewScheduling.schedule(candidates, panels: panels, gapMinutes: 60) }
        return (time.seconds, schedule!.placed.count, schedule!.unplaced.count)
    }

    /// `count` candidates over 2,000 formations: 250 positions in two units each, each with
    /// general, cum laude and disability posts (few apply to the last two, so optimalisasi
    /// has gaps to fill, L-1 and L-2); SKD and SKB scores drawn; an SKB row for those the
    /// SKD sent on.
    static func integration(_ count: Int) throws -> Double {
        let ruleSet = try RuleSetLoader.load(file: "Config/rules/skd-2024.yaml")
        let types: [FormationType] = [.general, .general, .cumlaude, .disability]
        let formations = (0..<2_000).map { (index: Int) -> FinalFormation in
            FinalFormation(
                id: String(format: "F%04d", index),
                position: "Jabatan \(index / 8)",
                education: "S1",
                unit: "Unit \(index / 4 % 2)",
                type: types[index % 4],
                quota: 1 + index % 5
            )
        }
        var generator = SystemRandomNumberGenerator()
        let drawn = (0..<count).map { (index: Int) -> FinalCandidate in
            // A tenth of each formation's applicants in the disability and cum laude posts.
            var formation = index % formations.count
            if formations[formation].type != .general, index % 10 != 0 { formation -= formation % 4 }
            let skd = SKDCandidate(
                participantNumber: String(format: "26%08d", index),
                formationID: formations[formation].id,
                attendance: index % 50 == 0
                    ? .absent
                    : .present(scores: [
                        "TWK": Int.random(in: 40...150, using: &generator), "TIU": Int.random(in: 50...175, using: &generator),
                        "TKP": Int.random(in: 120...225, using: &generator),
                    ])
            )
            return FinalCandidate(
                skd: skd,
                gpaHundredths: Int.random(in: 250...400, using: &generator),
                birthDate: String(format: "199%d-%02d-%02d", index % 10, 1 + index % 12, 1 + index % 28),
                skb: index % 40 == 0 ? .absent : .scored(hundredths: Int.random(in: 3000...10000, using: &generator))
            )
        }
        let sent = Set(
            try SKDRanking.rank(drawn.map(\.skd), formations: formations.map { SKDFormation(id: $0.id, type: $0.type, quota: $0.quota) }, ruleSet: ruleSet)
                .filter { $0.standing == .withinCutOff }
                .map(\.participantNumber)
        )
        let candidates = drawn.map { candidate in
            sent.contains(candidate.skd.participantNumber)
                ? candidate : FinalCandidate(skd: candidate.skd, gpaHundredths: candidate.gpaHundredths, birthDate: candidate.birthDate, skb: .none)
        }
        let clock = ContinuousClock()
        var results = 0
        let time = try clock.measure { results = try FinalIntegration.integrate(candidates, formations: formations, ruleSet: ruleSet).count }
        precondition(results == count)
        return time.seconds
    }
}
