import ExamEngine
import Foundation
import PropertyBased
import SeleksiCore
import Testing

@testable import Selection

@Suite("SKD ranking: passing grade, 3 × quota, ties")
struct SKDRankingTests {
    static let ruleSet: RuleSet = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        return try! RuleSetLoader.load(file: root + "/Config/rules/skd-2024.yaml")
    }()

    static func present(_ number: String, _ formation: String = "F", twk: Int, tiu: Int, tkp: Int) -> SKDCandidate {
        SKDCandidate(participantNumber: number, formationID: formation, attendance: .present(scores: ["TWK": twk, "TIU": tiu, "TKP": tkp]))
    }

    static func rank(_ candidates: [SKDCandidate], quota: Int, type: FormationType = .general) throws -> [String: SKDResult] {
        let results = try SKDRanking.rank(candidates, formations: [SKDFormation(id: "F", type: type, quota: quota)], ruleSet: ruleSet)
        return Dictionary(uniqueKeysWithValues: results.map { ($0.participantNumber, $0) })
    }

    @Test("the rule set carries the multiplier and the tie-break order")
    func ruleSetSelection() {
        #expect(Self.ruleSet.selection?.multiplier == 3 && Self.ruleSet.selection?.tieBreak == ["TKP", "TIU", "TWK"])
    }

    @Test("ties on the total go by TKP, then TIU, then TWK; a tie on every key at the cut-off goes through whole")
    func tieBreaks() throws {
        // Quota 1: three places. All pass the general grade (TWK ≥ 65, TIU ≥ 80, TKP ≥ 166).
        let results = try Self.rank(
            [
                Self.present("a", twk: 100, tiu: 100, tkp: 200),  // 400, TKP 200
                Self.present("b", twk: 95, tiu: 100, tkp: 205),  // 400, TKP 205: above a
                Self.present("c", twk: 90, tiu: 110, tkp: 190),  // 390
                Self.present("d", twk: 95, tiu: 105, tkp: 190),  // 390, same TKP as c, TIU lower
                Self.present("e", twk: 95, tiu: 105, tkp: 190),  // same as d on every key
                Self.present("f", twk: 70, tiu: 80, tkp: 170),  // 320
            ],
            quota: 1
        )
        #expect(results["b"]?.rank == 1 && results["a"]?.rank == 2 && results["c"]?.rank == 3)
        #expect(results["d"]?.rank == 4 && results["e"]?.rank == 4 && results["f"]?.rank == 6)
        #expect([results["a"], results["b"], results["c"]].allSatisfy { $0?.standing == .withinCutOff })
        #expect(results["d"]?.standing == .outsideCutOff && results["f"]?.standing == .outsideCutOff)
        // Quota 1 with d and e tied for the third place: both go through (four of three).
        let tied = try Self.rank(
            [
                Self.present("a", twk: 100, tiu: 100, tkp: 200), Self.present("b", twk: 95, tiu: 100, tkp: 205),
                Self.present("d", twk: 95, tiu: 105, tkp: 190), Self.present("e", twk: 95, tiu: 105, tkp: 190),
            ],
            quota: 1
        )
        #expect(tied.values.filter { $0.standing == .withinCutOff }.count == 4)
    }

    @Test("quota 0, everyone failing, everyone tied, all absent, a disqualification with its reason")
    func edges() throws {
        let passing = (0..<5).map { Self.present("p\($0)", twk: 100, tiu: 100, tkp: 200) }
        // Quota 0: they passed, but no place: P, still ranked.
        let none = try Self.rank(passing, quota: 0)
        #expect(none.values.allSatisfy { $0.standing == .outsideCutOff && $0.rank == 1 })
        // Everyone tied with quota 1: all five through.
        #expect(try Self.rank(passing, quota: 1).values.allSatisfy { $0.standing == .withinCutOff && $0.rank == 1 })
        // A quota so large that 3 × quota overflows: everyone through, no trap.
        #expect(try Self.rank(passing, quota: .max).values.allSatisfy { $0.standing == .withinCutOff })
        // Everyone failing (TKP 165 < 166, however high the total): TL, no rank.
        let failing = (0..<4).map { Self.present("t\($0)", twk: 150, tiu: 175, tkp: 165) }
        #expect(try Self.rank(failing, quota: 2).values.allSatisfy { $0.standing == .failed && $0.rank == nil && $0.total == 490 })
        // The same scores pass a disability formation (total ≥ 286 and TIU ≥ 60).
        #expect(try Self.rank(failing, quota: 2, type: .disability).values.allSatisfy { $0.standing == .withinCutOff })
        let absent = (0..<3).map { SKDCandidate(participantNumber: "h\($0)", formationID: "F", attendance: .absent) }
        #expect(try Self.rank(absent, quota: 1).values.allSatisfy { $0.standing == .absent && $0.total == nil })
        let out = try Self.rank([SKDCandidate(participantNumber: "x", formationID: "F", attendance: .disqualified(reason: "membawa ponsel"))], quota: 1)
        #expect(out["x"]?.standing == .disqualified && out["x"]?.reason == "membawa ponsel")
    }

    @Test("the list is by formation id, then the ranked best first (ties by number), then everyone else by number; and the gate is the scorer's")
    func order() throws {
        let candidates = [
            Self.present("9", "B", twk: 100, tiu: 100, tkp: 200), SKDCandidate(participantNumber: "1", formationID: "B", attendance: .absent),
            Self.present("5", "A", twk: 60, tiu: 100, tkp: 200), Self.present("4", "A", twk: 100, tiu: 100, tkp: 200),
            Self.present("3", "A", twk: 100, tiu: 100, tkp: 200), Self.present("8", "B", twk: 90, tiu: 100, tkp: 200),
            SKDCandidate(participantNumber: "2", formationID: "A", attendance: .disqualified(reason: "joki")),
        ]
        let formations = [SKDFormation(id: "B", type: .general, quota: 1), SKDFormation(id: "A", type: .general, quota: 1)]
        let results = try SKDRanking.rank(candidates, formations: formations, ruleSet: Self.ruleSet)
        #expect(results.map(\.participantNumber) == ["3", "4", "2", "5", "9", "8", "1"])
        #expect(results.map(\.rank) == [1, 1, nil, nil, 1, 2, nil])
        #expect(results.map(\.standing) == [.withinCutOff, .withinCutOff, .disqualified, .failed, .withinCutOff, .withinCutOff, .absent])
        // The ranking's gate decides as the scorer does, for every formation type.
        let gate = try #require(PassingGrade.Gate(Self.ruleSet))
        for type in FormationType.allCases {
            for scores in [[65, 80, 166], [64, 80, 166], [65, 79, 166], [65, 80, 165], [30, 60, 196], [150, 175, 225], [0, 0, 0]] {
                let sheet = zip(Self.ruleSet.subtests, scores).map {
                    SubtestScore(subtest: $0.code, score: $1, maximum: $0.maximumScore, answered: 0, items: $0.items)
                }
                let decided = PassingGrade.decide(subtests: sheet, formationType: type, ruleSet: Self.ruleSet) == .passed
                #expect(gate.passes(scores, total: scores.reduce(0, +), formationType: type) == decided, "\(type) \(scores)")
            }
        }
    }

    @Test("bad input is refused: an unknown formation, a participant twice, a score out of range or missing")
    func refusals() {
        let formation = [SKDFormation(id: "F", type: .general, quota: 1)]
        #expect(throws: SKDRankingError.self) {
            try SKDRanking.rank([Self.present("a", "G", twk: 1, tiu: 1, tkp: 1)], formations: formation, ruleSet: Self.ruleSet)
        }
        #expect(throws: SKDRankingError.self) {
            try SKDRanking.rank(
                [Self.present("a", twk: 1, tiu: 1, tkp: 1), Self.present("a", twk: 2, tiu: 2, tkp: 2)],
                formations: formation,
                ruleSet: Self.ruleSet
            )
        }
        #expect(throws: SKDRankingError.self) {
            try SKDRanking.rank([Self.present("a", twk: 151, tiu: 1, tkp: 1)], formations: formation, ruleSet: Self.ruleSet)
        }
        let missing = SKDCandidate(participantNumber: "a", formationID: "F", attendance: .present(scores: ["TWK": 1, "TIU": 1]))
        #expect(throws: SKDRankingError.self) { try SKDRanking.rank([missing], formations: formation, ruleSet: Self.ruleSet) }
    }

    @Test("for any candidates: the cut-off never splits a tie, no one below the grade passes, at most 3 × quota unless tied, and input order changes nothing")
    func properties() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...60), Gen.int(in: 0...5), Gen.int(in: 0...1_000_000)) { count, quota, seed in
            var random = UInt64(seed) &+ 1
            func next(_ bound: Int) -> Int {
                random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int((random >> 33) % UInt64(bound))
            }
            // Coarse scores (multiples of 5 around the grade) so that ties are common.
            let candidates = (0..<count).map { index -> SKDCandidate in
                switch next(10) {
                case 0: return SKDCandidate(participantNumber: "n\(index)", formationID: "F", attendance: .absent)
                case 1: return SKDCandidate(participantNumber: "n\(index)", formationID: "F", attendance: .disqualified(reason: "curang"))
                default: return Self.present("n\(index)", twk: 55 + 5 * next(4), tiu: 70 + 5 * next(4), tkp: 160 + 5 * next(3))
                }
            }
            guard let results = try? Self.rank(candidates, quota: quota) else {
                Issue.record("ranking failed")
                return
            }
            let passed = results.values.filter { $0.rank != nil }
            for result in results.values {
                guard case .present(let scores) = candidates.first(where: { $0.participantNumber == result.participantNumber })!.attendance else { continue }
                let meets = scores["TWK"]! >= 65 && scores["TIU"]! >= 80 && scores["TKP"]! >= 166
                #expect(meets == (result.rank != nil))
            }
            func key(_ r: SKDResult) -> [Int] {
                let scores = r.scores!
                return [r.total!, scores["TKP"]!, scores["TIU"]!, scores["TWK"]!]
            }
            let within = passed.filter { $0.standing == .withinCutOff }
            let outside = passed.filter { $0.standing == .outsideCutOff }
            // No one outside is tied with, or better than, anyone within.
            for o in outside {
                for w in within { #expect(key(o).lexicographicallyPrecedes(key(w))) }
            }
            // More than 3 × quota only when those at the cut-off are tied.
            if within.count > 3 * quota, let last = within.map(key).min(by: { $0.lexicographicallyPrecedes($1) }) {
                #expect(within.count - within.filter { key($0) == last }.count < 3 * quota)
            }
            #expect(within.count >= min(3 * quota, passed.count))
            // Reversed input, same output.
            let again = try? SKDRanking.rank(
                candidates.reversed(),
                formations: [SKDFormation(id: "F", type: .general, quota: quota)],
                ruleSet: Self.ruleSet
            )
            let first = try? SKDRanking.rank(candidates, formations: [SKDFormation(id: "F", type: .general, quota: quota)], ruleSet: Self.ruleSet)
            #expect(again == first)
        }
    }
}

@Suite("SKD tables and result codes")
struct SKDTableTests {
    @Test("bad rows are refused naming the line and the column")
    func tables() {
        let formations = "formation_id,type,quota\nF1,general,2\nF2,umum,1\nF3,papua,-1\n"
        guard case .failure(let problems) = SKDTables.formations(formations) else {
            Issue.record("bad formations accepted")
            return
        }
        #expect(
            problems.lines == [
                "baris 3, kolom type: 'umum' bukan jenis formasi (general, cumlaude, disability, papua, kalimantan, diaspora)",
                "baris 4, kolom quota: '-1' harus bilangan bulat 0 atau lebih",
            ]
        )
        let scores =
            "participant_number,formation_id,twk,tiu,tkp,status\n1,F1,100,100,200,present\n2,F1,abc,100,200,present\n3,F1,,,,absent\n4,F1,,,,disqualified\n5,F1,1,1,1,sick\n"
        guard case .failure(let bad) = SKDTables.scores(scores, ruleSet: SKDRankingTests.ruleSet) else {
            Issue.record("bad scores accepted")
            return
        }
        #expect(bad.lines.count == 3)
        #expect(bad.lines[0] == "baris 3, kolom twk: 'abc' harus bilangan bulat 0-150")
        #expect(bad.lines[1].hasPrefix("baris 5, kolom reason:") && bad.lines[2].hasPrefix("baris 6, kolom status:"))
    }

    @Test("the shipped codes name every standing; a file that leaves one out is refused")
    func codes() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let text = try String(contentsOfFile: root + "/Config/result-codes.yaml", encoding: .utf8)
        let codes = try ResultCodes.parse(text)
        #expect(codes.skd(.withinCutOff).code == "P/L" && codes.skd(.absent).code == "TH" && codes.skd(.disqualified).code == "DIS")
        #expect(throws: SKDRankingError.self) { try ResultCodes.parse("skd:\n  failed: {code: TL, label: Tidak lulus}\n") }
    }
}
