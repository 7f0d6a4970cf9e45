import ExamEngine
import Foundation
import PropertyBased
import SeleksiCore
import Testing

@testable import Selection

@Suite("Final result: SKD and SKB joined, ties, optimalisasi")
struct FinalIntegrationTests {
    static let ruleSet = SKDRankingTests.ruleSet

    static func formation(
        _ id: String,
        _ type: FormationType,
        quota: Int,
        unit: String = "Kementerian Keuangan",
        position: String = "Pranata Komputer"
    )
        -> FinalFormation
    {
        FinalFormation(id: id, position: position, education: "S1 Teknik Informatika", unit: unit, type: type, quota: quota)
    }

    /// A candidate who passed the general grade (TWK ≥ 65, TIU ≥ 80, TKP ≥ 166) unless told otherwise.
    static func candidate(
        _ number: String,
        _ formation: String,
        twk: Int = 100,
        tiu: Int = 100,
        tkp: Int = 200,
        skb: FinalCandidate.SKB = .scored(hundredths: 8000),
        gpa: Int = 340,
        born: String = "1998-05-01"
    ) -> FinalCandidate {
        FinalCandidate(
            skd: SKDCandidate(participantNumber: number, formationID: formation, attendance: .present(scores: ["TWK": twk, "TIU": tiu, "TKP": tkp])),
            gpaHundredths: gpa,
            birthDate: born,
            skb: skb
        )
    }

    static func byNumber(_ results: [FinalResult]) -> [String: FinalResult] {
        Dictionary(uniqueKeysWithValues: results.map { ($0.participantNumber, $0) })
    }

    @Test("the rule set carries the weights (40 and 60) and the optimalisasi order")
    func ruleSetFinal() {
        #expect(Self.ruleSet.selection?.final == FinalRule(skdWeight: 40, skbWeight: 60, optimization: [.otherType, .otherUnit]))
    }

    @Test("final score = SKD/550 × 100 × 40% + SKB% × 60%")
    func formula() throws {
        // SKD 440 (80 %) and SKB 75 %: 32 + 45 = 77.
        let results = try FinalIntegration.integrate(
            [Self.candidate("a", "G", twk: 120, tiu: 120, tkp: 200, skb: .scored(hundredths: 7500))],
            formations: [Self.formation("G", .general, quota: 1)],
            ruleSet: Self.ruleSet
        )
        #expect(results.first?.finalScore == 77 && results.first?.skdTotal == 440 && results.first?.standing == .appointed)
        // SKD 389, SKB 83.25 %: 389/550 × 40 + 49.95 = 28.290909… + 49.95 = 78.241.
        let other = try FinalIntegration.integrate(
            [Self.candidate("b", "G", twk: 99, tiu: 100, tkp: 190, skb: .scored(hundredths: 8325))],
            formations: [Self.formation("G", .general, quota: 1)],
            ruleSet: Self.ruleSet
        )
        #expect(other.first?.finalScore == 78.241)
    }

    @Test(
        "BKN's 2019 example: 3 general posts, 1 disability post with no applicant, 2 cum laude posts with 1 filled; general ranks 4 and 5 fill the gaps (L-1), rank 6 stays TL"
    )
    func bkn2019() throws {
        let formations = [
            Self.formation("PK-UMUM", .general, quota: 3), Self.formation("PK-DIS", .disability, quota: 1), Self.formation("PK-CL", .cumlaude, quota: 2),
        ]
        // The general list: six candidates, best SKB first.
        let general = (1...6).map { Self.candidate("u\($0)", "PK-UMUM", skb: .scored(hundredths: 9000 - $0 * 500)) }
        let cumlaude = Self.candidate("c1", "PK-CL", twk: 100, tiu: 120, tkp: 200, skb: .scored(hundredths: 7000), gpa: 380)
        let results = Self.byNumber(try FinalIntegration.integrate(general + [cumlaude], formations: formations, ruleSet: Self.ruleSet))
        #expect((1...3).allSatisfy { results["u\($0)"]?.standing == .appointed && results["u\($0)"]?.appointedTo == "PK-UMUM" })
        #expect(results["c1"]?.standing == .appointed && results["c1"]?.appointedTo == "PK-CL")
        // Rank 4 and 5 of the general list: the gaps, in formation order (PK-CL, then PK-DIS).
        #expect(results["u4"]?.rank == 4 && results["u4"]?.standing == .appointedOtherType && results["u4"]?.appointedTo == "PK-CL")
        #expect(results["u5"]?.rank == 5 && results["u5"]?.standing == .appointedOtherType && results["u5"]?.appointedTo == "PK-DIS")
        #expect(results["u6"]?.rank == 6 && results["u6"]?.standing == .notAppointed && results["u6"]?.appointedTo == "PK-UMUM")
    }

    @Test("another unit (L-2) only after the same unit's other types (L-1), only for the same position and education, and only as the rule set allows")
    func otherUnit() throws {
        let formations = [
            Self.formation("A-UMUM", .general, quota: 1, unit: "Kanwil Aceh"),
            Self.formation("B-UMUM", .general, quota: 2, unit: "Kanwil Bali"),
            Self.formation("B-ANALIS", .general, quota: 1, unit: "Kanwil Bali", position: "Analis Kebijakan"),
        ]
        let candidates = [
            Self.candidate("a1", "A-UMUM", skb: .scored(hundredths: 9000)), Self.candidate("a2", "A-UMUM", skb: .scored(hundredths: 8500)),
            Self.candidate("a3", "A-UMUM", skb: .scored(hundredths: 8000)), Self.candidate("b1", "B-UMUM", skb: .scored(hundredths: 7000)),
        ]
        let results = Self.byNumber(try FinalIntegration.integrate(candidates, formations: formations, ruleSet: Self.ruleSet))
        #expect(results["a1"]?.standing == .appointed && results["b1"]?.standing == .appointed)
        // B-UMUM's second post goes to Aceh's best left over; B-ANALIS (another position) to no one.
        #expect(results["a2"]?.standing == .appointedOtherUnit && results["a2"]?.appointedTo == "B-UMUM")
        #expect(results["a3"]?.standing == .notAppointed)
        // A rule set without optimalisasi leaves the post empty.
        let strict = try Self.loaded(final: "  final: {skd_weight: 40, skb_weight: 60}\n")
        let none = Self.byNumber(try FinalIntegration.integrate(candidates, formations: formations, ruleSet: strict))
        #expect(none["a2"]?.standing == .notAppointed)
    }

    @Test("ties go by SKD total, then TKP, TIU, TWK, GPA, then the older applicant")
    func tieBreaks() throws {
        // Every pair below has the same final score; the first of each wins on the next key in the order.
        let candidates = [
            // The SKD total decides: 433 with SKB 72 % and 400 with SKB 76 % are both 79.091.
            Self.candidate("skd-hi", "F", twk: 133, skb: .scored(hundredths: 7200)), Self.candidate("skd-lo", "F", skb: .scored(hundredths: 7600)),
            // TKP decides (same total 400).
            Self.candidate("tkp-hi", "G", twk: 100, tiu: 95, tkp: 205), Self.candidate("tkp-lo", "G", twk: 100, tiu: 100, tkp: 200),
            // TIU decides (same total and TKP).
            Self.candidate("tiu-hi", "H", twk: 95, tiu: 105, tkp: 200), Self.candidate("tiu-lo", "H", twk: 100, tiu: 100, tkp: 200),
            // GPA decides (same scores).
            Self.candidate("gpa-hi", "I", gpa: 390), Self.candidate("gpa-lo", "I", gpa: 310),
            // The older applicant (same everything else).
            Self.candidate("older", "J", born: "1990-02-01"), Self.candidate("younger", "J", born: "1999-12-31"),
        ]
        let formations = ["F", "G", "H", "I", "J"].map { Self.formation($0, .general, quota: 1, position: "Jabatan \($0)") }
        let results = Self.byNumber(try FinalIntegration.integrate(candidates, formations: formations, ruleSet: Self.ruleSet))
        #expect(results["skd-hi"]?.finalScore == results["skd-lo"]?.finalScore)
        for (winner, loser) in [("skd-hi", "skd-lo"), ("tkp-hi", "tkp-lo"), ("tiu-hi", "tiu-lo"), ("gpa-hi", "gpa-lo"), ("older", "younger")] {
            #expect(results[winner]?.rank == 1 && results[loser]?.rank == 2, "\(winner) over \(loser)")
            #expect(results[winner]?.standing == .appointed && results[loser]?.standing == .notAppointed)
        }
        // Tied on every key: they share the rank; the post goes by participant number.
        let twins = try FinalIntegration.integrate(
            [Self.candidate("k2", "K"), Self.candidate("k1", "K")],
            formations: [Self.formation("K", .general, quota: 1)],
            ruleSet: Self.ruleSet
        )
        #expect(twins.map(\.rank) == [1, 1] && twins.map(\.participantNumber) == ["k1", "k2"] && twins.map(\.standing) == [.appointed, .notAppointed])
    }

    @Test("TH for an SKB component missed, TMS, DIS; the SKD's TL, P and TH stay out of the SKB; every P/L needs an SKB row")
    func codes() throws {
        let formations = [Self.formation("G", .general, quota: 3)]
        let candidates = [
            Self.candidate("present", "G"), Self.candidate("absent", "G", skb: .absent), Self.candidate("tms", "G", skb: .notEligible),
            Self.candidate("dis", "G", skb: .disqualified), Self.candidate("failed-skd", "G", twk: 10, skb: .none),
            FinalCandidate(
                skd: SKDCandidate(participantNumber: "away", formationID: "G", attendance: .absent),
                gpaHundredths: 300,
                birthDate: "1999-01-01",
                skb: .none
            ),
        ]
        let results = Self.byNumber(try FinalIntegration.integrate(candidates, formations: formations, ruleSet: Self.ruleSet))
        #expect(results["present"]?.standing == .appointed && results["present"]?.rank == 1)
        #expect(results["absent"]?.standing == .absent && results["absent"]?.finalScore == nil && results["absent"]?.rank == nil)
        #expect(results["tms"]?.standing == .notEligible && results["dis"]?.standing == .disqualified)
        #expect(results["failed-skd"]?.standing == .notAppointed && results["away"]?.standing == .absent)
        // Quota 3, one scored: the other posts stay empty (no one else to move).
        let codes = try ResultCodes.parse(try String(contentsOfFile: Self.repositoryRoot() + "/Config/result-codes.yaml", encoding: .utf8))
        #expect(
            [FinalStanding.appointed, .appointedOtherType, .appointedOtherUnit, .notAppointed, .absent, .notEligible].map { codes.final($0).code }
                == ["L", "L-1", "L-2", "TL", "TH", "TMS"]
        )
        // A P/L without an SKB row, and an SKB row for someone the SKD did not send: refused, named.
        #expect(throws: SKDRankingError(message: "peserta a lolos SKD ke SKB tetapi tidak punya baris SKB")) {
            try FinalIntegration.integrate([Self.candidate("a", "G", skb: .none)], formations: formations, ruleSet: Self.ruleSet)
        }
        #expect(throws: SKDRankingError(message: "peserta b tidak lolos SKD ke SKB tetapi punya baris SKB")) {
            try FinalIntegration.integrate([Self.candidate("b", "G", twk: 10)], formations: formations, ruleSet: Self.ruleSet)
        }
    }

    static func repositoryRoot() -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// The shipped SKD rule set with its `selection.final` replaced by `final` (YAML lines under `selection:`).
    static func loaded(final: String) throws -> RuleSet {
        let text = try String(contentsOfFile: repositoryRoot() + "/Config/rules/skd-2024.yaml", encoding: .utf8)
        let start = try #require(text.range(of: "  final:\n"))
        let end = try #require(text.range(of: "accommodations:", range: start.upperBound..<text.endIndex))
        let file = NSTemporaryDirectory() + "skd-final-" + UUID().uuidString + ".yaml"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try (text[..<start.lowerBound] + final + text[end.lowerBound...]).write(toFile: file, atomically: true, encoding: .utf8)
        return try RuleSetLoader.load(file: file)
    }

    @Test("weights that do not add up to 100, one out of range, an unknown optimalisasi: refused at load, naming the file and the key")
    func badWeights() throws {
        for (final, expected) in [
            ("  final: {skd_weight: 40, skb_weight: 50}\n", "selection.final: skd_weight (40) dan skb_weight (50) harus berjumlah 100, bukan 90"),
            ("  final: {skd_weight: 140, skb_weight: -40}\n", "selection.final.skd_weight: bobot harus 0-100 persen, bukan 140"),
            ("  final: {skd_weight: 40, skb_weight: 60, optimization: [other_agency]}\n", "selection.final.optimization: 'other_agency' tidak dikenal"),
        ] {
            do {
                _ = try Self.loaded(final: final)
                Issue.record("accepted: \(final)")
            } catch let error as BankProblems {
                let text = error.problems.map(\.description).joined(separator: "\n")
                #expect(text.contains(expected) && text.contains("skd-final-") && text.contains(".yaml"), "\(text)")
            }
        }
        // Without a `final` section the final result is refused, named.
        let without = try Self.loaded(final: "")
        #expect(without.selection?.final == nil)
        #expect(throws: SKDRankingError.self) {
            try FinalIntegration.integrate([Self.candidate("a", "G")], formations: [Self.formation("G", .general, quota: 1)], ruleSet: without)
        }
    }

    @Test("for any candidates: the order is deterministic and independent of input order; ranks follow the keys; no post is given twice or beyond its quota")
    func properties() async {
        await propertyCheck(count: 150, input: Gen.int(in: 0...40), Gen.int(in: 0...1_000_000)) { count, seed in
            var random = UInt64(seed) &+ 1
            func next(_ bound: Int) -> Int {
                random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int((random >> 33) % UInt64(bound))
            }
            let formations = [
                Self.formation("A", .general, quota: next(4)), Self.formation("B", .cumlaude, quota: next(3)),
                Self.formation("C", .general, quota: next(3), unit: "Kanwil Bali"),
            ]
            // Coarse scores so that ties are common.
            let drawn = (0..<count).map { index -> FinalCandidate in
                let formation = ["A", "B", "C"][next(3)]
                let skb: FinalCandidate.SKB = next(8) == 0 ? .absent : .scored(hundredths: 5000 + 1000 * next(3))
                return Self.candidate(
                    "n\(index)",
                    formation,
                    twk: 90 + 5 * next(3),
                    tiu: 100 + 5 * next(3),
                    tkp: 190 + 5 * next(2),
                    skb: skb,
                    gpa: 300 + 50 * next(2),
                    born: "199\(next(3))-01-01"
                )
            }
            // Only those the SKD sent on have an SKB row.
            let sent = Set(
                ((try? SKDRanking.rank(drawn.map(\.skd), formations: formations.map(\.skd), ruleSet: Self.ruleSet)) ?? [])
                    .filter { $0.standing == .withinCutOff }.map(\.participantNumber)
            )
            let candidates = drawn.map { c in
                FinalCandidate(skd: c.skd, gpaHundredths: c.gpaHundredths, birthDate: c.birthDate, skb: sent.contains(c.skd.participantNumber) ? c.skb : .none)
            }
            guard let results = try? FinalIntegration.integrate(candidates, formations: formations, ruleSet: Self.ruleSet),
                let reversed = try? FinalIntegration.integrate(candidates.reversed(), formations: formations, ruleSet: Self.ruleSet)
            else {
                Issue.record("integration failed")
                return
            }
            #expect(results == reversed)
            let input = Dictionary(uniqueKeysWithValues: candidates.map { ($0.skd.participantNumber, $0) })
            for formation in formations {
                let appointed = results.filter { $0.appointedTo == formation.id && $0.standing != .notAppointed && $0.standing != .absent }
                #expect(appointed.count <= formation.quota)
                // Within a formation, a better rank never has a worse final score.
                let ranked = results.filter { $0.formationID == formation.id && $0.rank != nil }
                for (a, b) in zip(ranked, ranked.dropFirst()) { #expect(a.rank! <= b.rank! && a.finalScore! >= b.finalScore!) }
                // The first `quota` of the list (a tie at the edge by participant number) are appointed there, the rest not.
                for (position, result) in ranked.enumerated() { #expect((result.standing == .appointed) == (position < formation.quota)) }
                // Nobody moved in while someone of the formation's own list was left out of a post there.
                if results.contains(where: { $0.appointedTo == formation.id && $0.formationID != formation.id }) {
                    #expect(!ranked.contains { $0.standing == .notAppointed })
                }
            }
            for result in results where result.standing == .appointedOtherType || result.standing == .appointedOtherUnit {
                #expect(result.appointedTo != result.formationID && input[result.participantNumber]?.skb != .absent)
            }
        }
    }
}
